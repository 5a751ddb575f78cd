//===- SparsityPasses.td -----------------------------------*- tablegen -*-===//
//
// kite passes: structured-sparse decomposition (TASD).
//
//===----------------------------------------------------------------------===//

#ifndef KITE_SPARSITY_PASSES_TD
#define KITE_SPARSITY_PASSES_TD

include "mlir/Pass/PassBase.td"

def KiteTasd : Pass<"kite-tasd", "::mlir::ModuleOp"> {
  let summary = "TASD-W: decompose integer weights into a series of N:M terms";
  let description = [{
    Rewrites every integer `kite.matmul` and `kite.conv2d` whose weights
    are a constant (and not already N:M) into a chain of structured-sparse
    ops of its kind that share the activations and the accumulator:

    W = T1 + T2 + ... + R, where T1 keeps, in every group of M1 rows of each
    column, the N1 entries of largest magnitude of W (the same selection the
    interpreter and the array apply), T2 does the same on W - T1, and so on
    for the terms of `series` (e.g. `2:4+1:8`). Each term runs as
    `kite.matmul ... {rhs_sparsity = #kite.nm<Ni, Mi>}` with the previous
    term's result as `acc`; the residual R is dropped. A convolution's
    groups run along each filter's flattened `(c, kh, kw)` (its im2col
    reduction), its terms are `kite.conv2d ... {filter_sparsity = ...}`, and
    the first term keeps the bias. A term that would
    keep nothing is not emitted. Every pattern must be supported by the
    module's target. With `report`, each layer's relative residual
    ||R|| / ||W|| and the weights kept go to stderr.

    A tensor that is already N:M decomposes into one term with a zero
    residual; a series with enough capacity (e.g. `2:4+2:4` on groups of 4)
    reproduces the weights exactly.

    Example (`series=2:4+2:4`):

    ```mlir
    %y = kite.matmul %x, %w : (tensor<2x4xi8>, tensor<4x1xi8>) -> tensor<2x1xi32>
    ```

    becomes

    ```mlir
    %t0 = kite.matmul %x, %w0 {rhs_sparsity = #kite.nm<2, 4>} : ...
    %y = kite.matmul %x, %w1 acc(%t0) {rhs_sparsity = #kite.nm<2, 4>} : ...
    ```
  }];
  let options = [
    Option<"series", "series", "std::string", /*default=*/"\"2:4\"",
           "N:M terms, '+'-separated (e.g. 2:4+1:8)">,
    Option<"report", "report", "bool", /*default=*/"false",
           "Print each layer's residual and kept weights on stderr">,
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

def KiteTasdActivations : Pass<"kite-tasd-activations", "::mlir::ModuleOp"> {
  let summary = "TASD-A: read ReLU (and GELU) activations through a run-time "
                "N:M selection";
  let description = [{
    Sets `lhs_sparsity` (`kite.matmul`) or `input_sparsity` (`kite.conv2d`)
    to `pattern` on every integer MAC op whose activations are ReLU outputs
    — a `kite.quantize` of a `tosa.clamp` with `min_val >= 0`, through
    reshapes and max pooling — and whose weights are dense. ReLU outputs are mostly zero,
    so in each group of M along the reduction the N largest usually hold
    every nonzero; the array's activation unit makes the selection at run
    time (`kite_isa.mma_act_nm`) and runs N/M of the dense passes. The
    module's target must have `activation_sparsity` and support `pattern`.
    With `report`, the ops marked go to stderr.

    GELU outputs are rarely zero, but its negative tail is small (down to
    -0.17). With `gelu-threshold` = t > 0, activations that quantize a
    `kite.gelu` (per tensor, zero point 0, through reshapes) are marked
    too, and magnitudes below t read as zero: the pattern gets
    `threshold = ceil(t / scale)`, applied by the activation unit after
    the selection.

    Example (`pattern=2:4`): `%y = kite.matmul %q, %w` where `%q` quantizes
    `tosa.clamp %h {min_val = 0.0 ...}` becomes
    `%y = kite.matmul %q, %w {lhs_sparsity = #kite.nm<2, 4>}`; with
    `gelu-threshold=0.17`, where `%q` quantizes `kite.gelu %h` with scale
    0.024, `{lhs_sparsity = #kite.nm<2, 4, threshold = 8>}`.

    `pattern` may be a TASD series, N:M terms joined by `+`: the op becomes
    one MAC op per term, sharing its weights and accumulating into each
    other (`acc`), the first reading its activations through the first
    term's selection, each later one through its term's selection of what
    the earlier terms left (`residual_of`). With `pattern=2:4+1:8`, the
    example becomes `%t = kite.matmul %q, %w {lhs_sparsity = #kite.nm<2,
    4>}` and `%y = kite.matmul %q, %w acc(%t) {lhs_sparsity = #kite.nm<1,
    8, residual_of = #kite.nm<2, 4>>}`: 62.5 % of the dense passes, and a
    series that covers every element (`4:8+4:8`) gives the dense result.
  }];
  let options = [
    Option<"pattern", "pattern", "std::string", /*default=*/"\"4:8\"",
           "N:M pattern of the run-time selection, or a series of them "
           "joined by '+'">,
    Option<"geluThreshold_", "gelu-threshold", "double", /*default=*/"0.0",
           "Also select GELU outputs, magnitudes below this (real units) "
           "as zero; 0: ReLU outputs only">,
    Option<"report", "report", "bool", /*default=*/"false",
           "List the ops marked on stderr">,
  ];
}

def KiteTasder : Pass<"kite-tasder", "::mlir::ModuleOp"> {
  let summary = "TASDER: choose each layer's N:M series under an accuracy bound";
  let description = [{
    For every integer `kite.matmul` and `kite.conv2d` with constant dense
    weights, picks from
    `menu` (only the patterns the target supports; `dense` always allowed)
    a series subject to the model's top-1 on the calibration data staying
    >= `min-accuracy` x the undecomposed model's (without `labels`, the
    top-1 agreement with, or the mean cosine similarity to, the float
    model's outputs given as `reference`). Layers are visited
    largest first; with the layers chosen so far, each takes, among the
    series that keep the bound (reference interpreter), the one with the
    lowest `objective`:

    * `edp` (default): the model's energy-delay product per run from
      `cost-model`: `simulator` (default) lowers the candidate with
      `convert-kite-to-kite-isa` and runs it once in the simulator (its
      cycles and energy do not depend on the data), so N:M index bytes,
      tiling and the fused drain count; `mac-table` prices the MAC layers
      only, from the target's energy per MAC, without lowering;
    * `macs`: the layer's effective MACs (MACs x the sum of N/M).

    A menu entry `A<series>` (e.g. `A4:8`, `A2:4+1:8`) is TASD-A instead:
    the layer reads its activations through run-time N:M selections, as
    `kite-tasd-activations` marks it; it is tried only on layers whose
    activations are ReLU outputs (or GELU outputs, with `gelu-threshold`)
    and on targets with `activation_sparsity`.
    The default menu has none: which activations a selection drops depends
    on the input, and the digits calibration set (100 images) is too small
    to bound that (on the 50 %-pruned CNN, `A2:4` keeps the calibration
    bound and loses 3.8 points on the test set).

    Then it decomposes like `kite-tasd`. The per-layer choice, its MAC
    fraction, the predicted EDP and the calibration accuracy go to stderr.
  }];
  let options = [
    Option<"calibration", "calibration", "std::string", /*default=*/"\"\"",
           "Calibration inputs (.npy/.npz) of the entry function (required)">,
    Option<"labels", "labels", "std::string", /*default=*/"\"\"",
           "Integer labels of the calibration inputs (.npy; or reference=)">,
    Option<"reference", "reference", "std::string", /*default=*/"\"\"",
           "Without labels: the float model's outputs on the calibration "
           "inputs (.npy, rows first); the bound is then on top-1 agreement "
           "with [rows, classes] logits, or on the mean cosine similarity "
           "of each row for other outputs">,
    Option<"entry", "entry", "std::string", /*default=*/"\"main\"",
           "Function to run">,
    Option<"menu", "menu", "std::string",
           /*default=*/"\"2:4;1:4;2:8;1:8;4:8;2:4+1:8;2:4+2:8;4:8+2:8\"",
           "Candidate series, ';'-separated (A<series>: activations)">,
    Option<"minAccuracy", "min-accuracy", "double", /*default=*/"0.99",
           "Lowest allowed calibration top-1, relative to the original">,
    Option<"objective", "objective", "std::string", /*default=*/"\"edp\"",
           "What the choice minimises: edp (from cost-model) or macs">,
    Option<"costModel", "cost-model", "std::string",
           /*default=*/"\"simulator\"",
           "How objective=edp prices a candidate: simulator (the whole "
           "lowered model) or mac-table (MAC layers, the target's table)">,
    Option<"geluThreshold_", "gelu-threshold", "double", /*default=*/"0.0",
           "A<N:M> entries also select GELU outputs, magnitudes below this "
           "(real units) as zero (kite-tasd-activations)">,
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

#endif // KITE_SPARSITY_PASSES_TD
