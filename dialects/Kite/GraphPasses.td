//===- GraphPasses.td --------------------------------------*- tablegen -*-===//
//
// kite passes: graph rewrites before quantization.
//
//===----------------------------------------------------------------------===//

#ifndef KITE_GRAPH_PASSES_TD
#define KITE_GRAPH_PASSES_TD

include "mlir/Pass/PassBase.td"

def KiteSetTarget : Pass<"kite-set-target", "::mlir::ModuleOp"> {
  let summary = "Attach the accelerator description to the module";
  let description = [{
    Sets the module attribute `kite.target` that every later pass reads. The
    description comes from a JSON file (`file`, schema in `docs/target.md`)
    or, without a file, from the table of built-in targets (`target`).

    A module that already has a `kite.target` keeps it unless `override` is
    set; a file that does not parse or a field out of range is an error
    naming the file and the field.

    Example: `kite-opt --kite-set-target=target=kite-mini` turns

    ```mlir
    module {}
    ```

    into

    ```mlir
    module attributes {kite.target = #kite.target<"kite-mini", clock_mhz = 500,
        array = [8, 8], ...>} {}
    ```
  }];
  let options = [
    Option<"targetName", "target", "std::string", /*default=*/"\"kite-v1\"",
           "Name of a built-in target (kite-v1, kite-mini)">,
    Option<"file", "file", "std::string", /*default=*/"\"\"",
           "JSON target description to load instead of a built-in target">,
    Option<"override", "override", "bool", /*default=*/"false",
           "Replace a kite.target the module already has">
  ];
}

def KiteIfConvert : Pass<"kite-if-convert"> {
  let summary = "Compute both branches of a cheap scf.if and select";
  let description = [{
    The accelerator has no branches. An `scf.if` whose branches hold only
    side-effect-free ops without regions, whose condition is read from a
    tensor (`tensor.extract` of a one-element `i1` tensor, as the ONNX
    importer writes an `If`) and whose branches' multiply-accumulates
    together stay within `max-branch-macs` becomes both branches inlined
    before it and one `tosa.select` per result, its condition broadcast
    from that tensor. Calibration then sees both branches' activations, and
    the whole model stays on the accelerator. Other ifs stay (and stop the
    lowering); the pass never fails.

    Example (openWakeWord's hey_jarvis head gates a verifier network on its
    first score):

    ```mlir
    %c = tosa.greater_equal %score, %half : (...) -> tensor<1x1xi1>
    %r = tosa.reshape %c, %shape : (tensor<1x1xi1>, !tosa.shape<0>) -> tensor<i1>
    %e = tensor.extract %r[] : tensor<i1>
    %out = scf.if %e -> (tensor<1x1xf32>) {
      %v = ... verifier ...
      scf.yield %v : tensor<1x1xf32>
    } else {
      scf.yield %score : tensor<1x1xf32>
    }
    ```

    becomes the verifier's ops followed by

    ```mlir
    %b = tosa.reshape %r, %shape2 : (tensor<i1>, !tosa.shape<2>) -> tensor<1x1xi1>
    %out = tosa.select %b, %v, %score : (tensor<1x1xi1>, tensor<1x1xf32>, tensor<1x1xf32>) -> tensor<1x1xf32>
    ```
  }];
  let options = [
    Option<"maxBranchMacs", "max-branch-macs", "int64_t",
           /*default=*/"int64_t(1) << 22",
           "Largest number of multiply-accumulates (matmuls and "
           "convolutions) both branches may hold together">
  ];
  let dependentDialects = ["::mlir::tosa::TosaDialect"];
}

def KiteFoldConstants : Pass<"kite-fold-constants"> {
  let summary = "Replace every op whose operands are constants by its result";
  let description = [{
    One folder for every op: an op without side effects or regions whose
    operands are all constants (`tosa.const`, `arith.constant`,
    `kite.constant`, ...) is run by the reference interpreter — the kernels
    `kite-run` uses — and replaced by constants (`tosa.const` for TOSA ops,
    `arith.constant` otherwise), repeatedly, so chains fold. Results of more
    than 2^24 elements, LP-typed results (their quantize folders handle
    them) and ops the interpreter cannot run stay. Batch norms exported
    unfolded (`rsqrt(var + eps)` on constants) become plain per-channel
    constants this way, ready for `kite-fold-scale-shift`.

    Example:

    ```mlir
    %v = "tosa.const"() <{values = dense<3.0> : tensor<4xf32>}> : () -> tensor<4xf32>
    %r = tosa.rsqrt %v : (tensor<4xf32>) -> tensor<4xf32>
    ```

    becomes

    ```mlir
    %r = "tosa.const"() <{values = dense<0.577350259> : tensor<4xf32>}> : () -> tensor<4xf32>
    ```
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::tosa::TosaDialect"];
}

def KiteFoldScaleShift : Pass<"kite-fold-scale-shift"> {
  let summary = "Fold per-channel scales and shifts after MAC ops into them";
  let description = [{
    A float `kite.conv2d` or `kite.matmul` with constant weights whose
    result only a `tosa.mul`, `tosa.add` or `tosa.sub` by a per-output-
    channel constant reads (a constant that varies at most along the
    result's channel axis: 1 for a convolution, the last for a matmul)
    absorbs it: a scale multiplies the channel's weights and bias, a shift
    (convolutions only: a matmul has no bias) adds to the bias. After
    `kite-fold-constants`, an inference-mode batch norm is such a chain of a
    subtraction, a multiplication and an addition, and vanishes into the
    convolution before quantization sees it.

    Example:

    ```mlir
    %y = kite.conv2d %x, %w bias(%b) {...} : (...) -> tensor<1x4x8x8xf32>
    %z = tosa.mul %y, %k, %shift : (tensor<1x4x8x8xf32>, tensor<1x4x1x1xf32>, tensor<1xi8>) -> tensor<1x4x8x8xf32>
    ```

    becomes a `kite.conv2d` whose filter and bias channels are multiplied
    by `%k`'s values.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

#endif // KITE_GRAPH_PASSES_TD
