//===- Passes.td - conversion passes into and out of kite --*- tablegen -*-===//

#ifndef KITE_CONVERSION_PASSES_TD
#define KITE_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertTosaToKite : Pass<"convert-tosa-to-kite", "::mlir::func::FuncOp"> {
  let summary = "Raise TOSA to kite ops the accelerator runs natively";
  let description = [{
    Rewrites, on float tensors:

    * `tosa.matmul` (zero zero-points) into a batched `kite.matmul`;
    * `tosa.conv2d` (NHWC/OHWI) into `kite.conv2d` (NCHW/FCHW) between
      layout transposes, which `--canonicalize` cancels against the
      transposes an importer put around the convolution;
    * softmax that arrives decomposed, `exp(x - reduce_max(x)) *
      reciprocal(reduce_sum(...))` over one axis, into `kite.softmax`;
    * LayerNorm that arrives decomposed over the trailing axes —
      `(x - mean) * rsqrt(var + eps)` with mean and variance as scaled
      `reduce_sum`s, or the opset-13 form with `pow(., 2)`, `pow(., 0.5)` and
      `reciprocal` — into `kite.layer_norm`, absorbing a following
      multiplication by a scale and addition of a bias;
    * the erf GELU, `(x * (1 + erf(x * 1/sqrt(2)))) * 0.5`, into `kite.gelu`;
    * `tosa.transpose` of a constant into the transposed constant, so
      weights an importer transposed stay visible as constants.
    * NCHW -> NHWC transpose, `tosa.max_pool2d` / `tosa.avg_pool2d`, NHWC ->
      NCHW transpose (an importer's pooling of an NCHW tensor) into the
      pooling of each channel plane in place — the tensor reshaped to
      `N*C x H x W x 1` and back — so no transpose copies the tensor.

    Everything else stays TOSA; the interpreter runs both.

    Example:

    ```mlir
    %m = tosa.reduce_max %x {axis = 1 : i32} : (tensor<4x10xf32>) -> tensor<4x1xf32>
    %d = tosa.sub %x, %m : (tensor<4x10xf32>, tensor<4x1xf32>) -> tensor<4x10xf32>
    %e = tosa.exp %d : (tensor<4x10xf32>) -> tensor<4x10xf32>
    %s = tosa.reduce_sum %e {axis = 1 : i32} : (tensor<4x10xf32>) -> tensor<4x1xf32>
    %r = tosa.reciprocal %s : (tensor<4x1xf32>) -> tensor<4x1xf32>
    %y = tosa.mul %e, %r, %shift : (tensor<4x10xf32>, tensor<4x1xf32>, tensor<1xi8>) -> tensor<4x10xf32>
    ```

    becomes `%y = kite.softmax %x {axis = 1 : i64} : tensor<4x10xf32>`.
  }];
  let dependentDialects = ["::kite::KiteDialect", "::mlir::tosa::TosaDialect"];
}

def ConvertLinalgToKite : Pass<"convert-linalg-to-kite", "::mlir::func::FuncOp"> {
  let summary = "Raise linalg-on-tensors ops to kite ops";
  let description = [{
    Rewrites, on float tensors:

    * `linalg.matmul` and `linalg.batch_matmul` (default indexing maps) into
      `kite.matmul`; an init that is a `linalg.fill` with zero drops out,
      any other init becomes the accumulator;
    * `linalg.softmax` into `kite.softmax`;
    * `linalg.conv_2d_nchw_fchw` into `kite.conv2d`, and
      `linalg.conv_2d_nhwc_fhwc` into `kite.conv2d` between layout
      transposes, when the init is a zero fill or a broadcast of a 1-D bias
      along the channels (padding arrives as a separate `tensor.pad` and
      stays).

    Other linalg ops stay; the interpreter runs both.

    Example:

    ```mlir
    %z = linalg.fill ins(%c0 : f32) outs(%e : tensor<4x8xf32>) -> tensor<4x8xf32>
    %y = linalg.matmul ins(%a, %b : tensor<4x16xf32>, tensor<16x8xf32>)
                       outs(%z : tensor<4x8xf32>) -> tensor<4x8xf32>
    ```

    becomes `%y = kite.matmul %a, %b : (tensor<4x16xf32>, tensor<16x8xf32>) -> tensor<4x8xf32>`.
  }];
  let dependentDialects = ["::kite::KiteDialect", "::mlir::tosa::TosaDialect"];
}

def ConvertKiteToKiteIsa : Pass<"convert-kite-to-kite-isa", "::mlir::ModuleOp"> {
  let summary = "Lower a quantized tensor-level function to a kite_isa program";
  let description = [{
    Replaces the entry function, whose MAC ops are quantized (integer or LP
    operands) and whose remaining ops are f32 elementwise/layout ops, by a
    `kite_isa.program` of the same name for the module's `kite.target`:

    * every tensor lives where its `kite.buffer` says (`kite-bufferize`;
      without any, the lowering makes the same plan itself); constants
      become `kite_isa.data` segments after the planned DRAM, reshapes
      alias their operand; a buffer smaller than its tensor or outside the
      target's memory is an error;
    * `kite.matmul` and `kite.conv2d` (via `im2col`) are cut into the tiles
      their `tile` attribute names (`kite-tile`; without one, the tile
      `kite-tile` would choose), each in half of the ACT, WEIGHT and ACC
      buffers, alternating halves from tile to tile (biases: a slot at the
      end of a weight half, alternating from op to op), so that
      `kite-isa-schedule-dma` can load the next tile while the array works
      on this one; a tile that does not fit the target is an error; weight
      tiles stay loaded across row tiles when the reduction fits one tile;
      convolution filters are packed at compile time to K x N per group;
    * the vector unit takes quantize/dequantize, f32 elementwise ops,
      transposes and slices (strided copies), reductions, pooling, layer
      norm, GELU; the LUT softmax unit takes `kite.lut_softmax`.

    What no unit of the accelerator runs becomes a host segment when the
    target has a `host` and `host` is set, else an error naming it:
    `tosa.argmax` and `tosa.cast` (`kite_isa.host_call`), integer
    arithmetic on runtime data such as index computations (add, sub, mul,
    max, min, intdiv, comparisons, logical ops and selects on integers:
    `kite_isa.host_elementwise`) and gathers with computed indices
    (`kite_isa.host_gather`). Any other op
    without an instruction (a float `kite.matmul`, an unsupported TOSA op)
    is an error naming it.

    Example: `kite.matmul %a, %w {lhs_format = #kite.int<8, signed>, ...} :
    (tensor<4x8xi8>, tensor<8x16xi8>) -> tensor<4x16xi32>` becomes

    ```mlir
    kite_isa.config_mma {lhs_format = 526592 : i64, multiplier = "exact", ...}
    kite_isa.dma_load {dst = 0 : i64, row_bytes = 16 : i64, rows = 8 : i64, space = 2 : i64, ...}
    kite_isa.dma_load {dst = 0 : i64, row_bytes = 8 : i64, rows = 4 : i64, space = 1 : i64, ...}
    kite_isa.mma {a = 0 : i64, accumulate = 0 : i64, b = 0 : i64, c = 0 : i64, k = 8 : i64, m = 4 : i64, n = 16 : i64}
    kite_isa.store_acc {bias = -1 : i64, cols = 16 : i64, dtype = 3 : i64, rows = 4 : i64, ...}
    ```
  }];
  let options = [
    Option<"entry", "entry", "std::string", /*default=*/"\"main\"",
           "The function to lower">,
    Option<"layerAttrs", "layer-attrs", "bool", /*default=*/"false",
           "Mark each instruction with `kite.layer = <the kite.layer of "
           "its tensor-level op, or the op's position in the function>` "
           "(kitec's per-layer report uses it; the encoding ignores it)">,
    Option<"host", "host", "bool", /*default=*/"true",
           "Run ops no accelerator unit can (argmax, casts, integer "
           "arithmetic, gathers with computed indices) as host segments; "
           "false makes them errors (kitec --no-host)">,
  ];
  let dependentDialects = ["::kite::kiteisa::KiteIsaDialect"];
}

#endif // KITE_CONVERSION_PASSES_TD
