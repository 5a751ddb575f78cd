//===- PlanPasses.td ---------------------------------------*- tablegen -*-===//
//
// kite passes: per-layer plans (what the searches chose, kept as JSON).
//
//===----------------------------------------------------------------------===//

#ifndef KITE_PLAN_PASSES_TD
#define KITE_PLAN_PASSES_TD

include "mlir/Pass/PassBase.td"

def KiteApplyPlan : Pass<"kite-apply-plan", "::mlir::ModuleOp"> {
  let summary = "Give each MAC layer the multiplier and N:M series of a plan";
  let description = [{
    Reads a plan (a JSON file; `include/kite/Dialect/Kite/Transforms/Plan.h`,
    `docs/report.md`) — what the searches chose for each MAC layer — and
    applies it to a quantized module, as FAMES (`kite-appmul-select`) and
    TASDER (`kite-tasder`) apply their own choices:

    * each layer's `multiplier` becomes its `#kite.mul` (integer layers;
      the multiplier must be in the target's library and defined for the
      layer's widths);
    * a weight series (`2:4+1:8`) decomposes its constant integer weights
      into N:M terms (`kite-tasd`), an activation series (`A4:8`, with the
      GELU `threshold` if any) selects its activations at run time
      (`kite-tasd-activations`). A layer may take both a multiplier and a
      series.

    The formats are not changed here — the quantizers set them from the
    plan (`kitec --plan` passes them as `layer-bits` and `layer-formats`) —
    but checked: the module must have the plan's MAC layers, in order, of
    the plan's ops and formats, and its softmaxes must run where the plan
    says (`lut` or `exact`). Any difference is an error naming the layer,
    so a plan never silently compiles to something else.

    Example (a plan whose one layer is `{"op": "kite.matmul", "format":
    "int8x8", "multiplier": "drum6", "sparsity": "2:4"}`):

    ```mlir
    %y = kite.matmul %x, %w {lhs_format = #kite.int<8, signed>, rhs_format = #kite.int<8, signed>} : ...
    ```

    becomes

    ```mlir
    %y = kite.matmul %x, %w0 {..., multiplier = #kite.mul<"drum6">, rhs_sparsity = #kite.nm<2, 4>} : ...
    ```
  }];
  let options = [
    Option<"plan", "plan", "std::string", /*default=*/"\"\"",
           "The plan (.json): a plan, or a kitec report holding one">,
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

#endif // KITE_PLAN_PASSES_TD
