//===- Passes.td - kite dialect passes ---------------------*- tablegen -*-===//

#ifndef KITE_PASSES_TD
#define KITE_PASSES_TD

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

def KiteLutSoftmax : Pass<"kite-lut-softmax", "::mlir::ModuleOp"> {
  let summary = "Evaluate softmax with the target's look-up-table unit";
  let description = [{
    Replaces every float `kite.softmax` by `kite.lut_softmax` followed by a
    `kite.dequantize` (scale 1/(2^w - 1)), so the rest of the model is
    unchanged. The tables are generated from the softmax unit of the
    module's `kite.target` (the built-in default without one): its method
    unless `method` overrides it, its step, entry width and table shapes.

    The one free parameter, the row quantisation (`sum_shift`), is fitted
    to the softmax's own inputs: with `calibration` (an .npy/.npz file of
    inputs for the entry function), the pass runs the reference interpreter
    on it and collects the rows each softmax sees; it then also quantizes
    the softmax input to int8 (per tensor, symmetric, max-abs calibrated),
    as the unit takes it. Without calibration data the rows are drawn from
    N(0, 2^2) (the documented distribution of `kite-numerics softmax`) and
    the input stays float.

    Example:

    ```mlir
    %p = kite.softmax %x {axis = -1 : i64} : tensor<4x16xf32>
    ```

    becomes

    ```mlir
    %q = kite.quantize %x {format = #kite.int<8, signed>, scale = array<f64: 0.0314>,
                           zero_point = array<i64: 0>} : tensor<4x16xf32> -> tensor<4x16xi8>
    %l = kite.lut_softmax %q {axis = -1 : i64, method = #kite.softmax_method<lut2d>,
           input_scale = 0.0314 : f64, ...} : tensor<4x16xi8> -> tensor<4x16xi16>
    %p = kite.dequantize %l {scale = array<f64: 0.00392>, zero_point = array<i64: 0>}
        : tensor<4x16xi16> -> tensor<4x16xf32>
    ```
  }];
  let options = [
    Option<"method", "method", "std::string", /*default=*/"\"target\"",
           "rexp, lut2d, or target (the target's unit)">,
    Option<"calibration", "calibration", "std::string", /*default=*/"\"\"",
           "Calibration inputs (.npy or .npz) of the entry function">,
    Option<"entry", "entry", "std::string", /*default=*/"\"main\"",
           "Function the calibration data is for">
  ];
  let dependentDialects = ["::kite::KiteDialect"];
}

def KiteQuantize : Pass<"kite-quantize", "::mlir::ModuleOp"> {
  let summary = "Post-training integer quantization of the MAC-array ops";
  let description = [{
    The baseline every other technique is measured against. For every float
    `kite.matmul` whose right operand and every float `kite.conv2d` whose
    filter is a constant:

    * the weights become signed `weight-bits` integers, symmetric, one scale
      per output channel (max |w| of the channel), folded at compile time;
    * the activation input is quantized per tensor, symmetric, to signed
      `act-bits` integers, its range calibrated on the calibration data
      (`method`: `minmax`, `percentile` or `mse`; see docs/numerics.md);
    * the op runs on integers with `#kite.int` operand formats into an i32
      accumulator; a conv bias is folded in as i32 (round(b / (s_x s_w)));
    * a per-channel `kite.dequantize` (scale s_x s_w[c]) returns to float.

    A float `kite.matmul` of two activations (attention's Q K^T and P V)
    gets both operands quantized per tensor with calibrated scales and one
    dequantize (s_a s_b), so every MAC-array op runs on integers.

    Float ops between layers (ReLU, residual adds, LayerNorm, ...) stay
    float, so a dequantize followed by the next layer's quantize is the
    requantization between layers. Widths are `act-bits` x `weight-bits`
    unless `layer-bits` gives a layer its own (mixed precision, e.g.
    `layer-bits=-,4x4,2x8`); the target's `int_bits` must include every
    width used.

    Example (`act-bits=8 weight-bits=8`):

    ```mlir
    %y = kite.matmul %x, %w : (tensor<4x64xf32>, tensor<64x10xf32>) -> tensor<4x10xf32>
    ```

    becomes

    ```mlir
    %qx = kite.quantize %x {format = #kite.int<8, signed>, scale = array<f64: 0.0078>, ...}
    %qw = arith.constant dense<...> : tensor<64x10xi8>
    %acc = kite.matmul %qx, %qw {lhs_format = #kite.int<8, signed>, rhs_format = #kite.int<8, signed>}
        : (tensor<4x64xi8>, tensor<64x10xi8>) -> tensor<4x10xi32>
    %y = kite.dequantize %acc {axis = 1 : i64, scale = array<f64: ...>, ...}
    ```
  }];
  let options = [
    Option<"calibration", "calibration", "std::string", /*default=*/"\"\"",
           "Calibration inputs (.npy or .npz) of the entry function (required)">,
    Option<"entry", "entry", "std::string", /*default=*/"\"main\"",
           "Function the calibration data is for">,
    Option<"method", "method", "std::string", /*default=*/"\"minmax\"",
           "Activation range: minmax, percentile or mse">,
    Option<"percentile", "percentile", "double", /*default=*/"99.99",
           "Percentile for method=percentile">,
    Option<"actBits", "act-bits", "unsigned", /*default=*/"8",
           "Activation width (2-8)">,
    Option<"weightBits", "weight-bits", "unsigned", /*default=*/"8",
           "Weight width (2-8)">,
    ListOption<"layerBits", "layer-bits", "std::string",
               "Per-layer widths, one entry per float MAC op in IR order: "
               "'-' (the defaults), 'A' (both operands) or 'AxW' "
               "(activation x weight)">
  ];
  let dependentDialects = ["::kite::KiteDialect", "::mlir::arith::ArithDialect"];
}

#endif // KITE_PASSES_TD
