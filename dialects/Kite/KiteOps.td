//===- KiteOps.td - kite dialect operations ----------------*- tablegen -*-===//

#ifndef KITE_OPS_TD
#define KITE_OPS_TD

include "dialects/Kite/KiteAttrs.td"
include "dialects/Kite/KiteTypes.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/IR/BuiltinAttributeInterfaces.td"
include "mlir/Interfaces/InferTypeOpInterface.td"

// Element types a kite tensor may hold: float, integer, or LP.
def Kite_AnyElement : AnyTypeOf<[AnyFloat, AnySignlessInteger, Kite_LPType]>;
def Kite_Tensor : RankedTensorOf<[AnyFloat, AnySignlessInteger, Kite_LPType]>;
def Kite_FloatTensor : RankedTensorOf<[AnyFloat]>;
def Kite_QuantTensor : RankedTensorOf<[AnySignlessInteger, Kite_LPType]>;

//===----------------------------------------------------------------------===//
// Matrix multiplication and convolution
//===----------------------------------------------------------------------===//

def Kite_MatmulOp : Kite_Op<"matmul", [Pure]> {
  let summary = "(batched) matrix multiplication on the MAC array";
  let description = [{
    `result[b..., i, j] = acc[b..., i, j] + sum_k P(lhs[b..., i, k], rhs[b..., k, j])`

    `lhs` is `[B...] x M x K`, `rhs` is `[B...] x K x N` or `K x N` (shared by
    every batch), `acc` (optional) and the result are `[B...] x M x N`.

    Element types and the product `P`:

    * float x float -> the same float type; `P(a, w) = a * w`, accumulated in
      that type in increasing `k`.
    * integer x integer -> integer accumulator of at least 32 bits; the
      product is computed by the multiplier `multiplier` (exact when absent)
      on the operands' values in their formats (`lhs_format`, `rhs_format`;
      when absent, the storage type read as signed), and summed exactly.
    * LP x LP -> f32; the product is the exact sum of the operands' log
      values, converted to linear form and accumulated in f32.

    An operand with `lhs_sparsity` / `rhs_sparsity` = N:M is read through the
    N:M selection: in every group of M consecutive elements along K (the last
    group may be shorter), the N elements of largest magnitude are kept (ties
    go to the lower index) and the others read as zero. An operand that is
    already N:M sparse is read unchanged.

    `tile` (`#kite.tile`, set by `kite-tile`) only tells the lowering how to
    cut the op into array passes; it does not change the result.

    Example:

    ```mlir
    %y = kite.matmul %x, %w {rhs_format = #kite.int<4, signed>,
                             multiplier = #kite.mul<"exact">,
                             rhs_sparsity = #kite.nm<2, 4>}
        : (tensor<8x64xi8>, tensor<64x32xi8>) -> tensor<8x32xi32>
    ```
  }];
  let arguments = (ins Kite_Tensor:$lhs, Kite_Tensor:$rhs,
                       Optional<Kite_Tensor>:$acc,
                       OptionalAttr<Kite_IntFormatAttr>:$lhs_format,
                       OptionalAttr<Kite_IntFormatAttr>:$rhs_format,
                       OptionalAttr<Kite_MultiplierAttr>:$multiplier,
                       OptionalAttr<Kite_NMAttr>:$lhs_sparsity,
                       OptionalAttr<Kite_NMAttr>:$rhs_sparsity,
                       OptionalAttr<Kite_TileAttr>:$tile);
  let results = (outs Kite_Tensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs (`acc` `(` $acc^ `)`)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Kite_Conv2DOp : Kite_Op<"conv2d", [Pure, AttrSizedOperandSegments]> {
  let summary = "2-D convolution (NCHW input, FCHW filter) on the MAC array";
  let description = [{
    `input` is `N x C x H x W`, `filter` is `F x C/groups x KH x KW`, the
    optional `bias` is `F` (same element type as the result), the optional
    `acc` and the result are `N x F x OH x OW` with
    `OH = (H + pad_top + pad_bottom - dilation_h * (KH - 1) - 1) / stride_h + 1`
    (likewise OW). Padding reads zero.

    `result[n, f, oh, ow] = acc[n, f, oh, ow] + bias[f] + sum_{c, kh, kw} P(input[n, g*C/groups + c,
    oh*stride_h + kh*dilation_h - pad_top, ...], filter[f, c, kh, kw])`
    with `g = f / (F / groups)`.

    Element types, products, formats, multipliers and `tile` are as for
    `kite.matmul` (a tile's rows are im2col rows — output positions of the
    images one problem stacks, image after image — its columns the filters
    of one group). The reduction dimension for `*_sparsity` is the flattened
    `(c, kh, kw)` in row-major order (the im2col row).

    `pads` is `[top, left, bottom, right]`; `strides` and `dilations` are
    `[h, w]`.

    Example:

    ```mlir
    %y = kite.conv2d %x, %w {strides = array<i64: 1, 1>,
                             pads = array<i64: 1, 1, 1, 1>,
                             dilations = array<i64: 1, 1>, groups = 1 : i64}
        : (tensor<1x1x8x8xf32>, tensor<4x1x3x3xf32>) -> tensor<1x4x8x8xf32>
    ```
  }];
  let arguments = (ins Kite_Tensor:$input, Kite_Tensor:$filter,
                       Optional<Kite_Tensor>:$bias, Optional<Kite_Tensor>:$acc,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                       DenseI64ArrayAttr:$dilations, I64Attr:$groups,
                       OptionalAttr<Kite_IntFormatAttr>:$input_format,
                       OptionalAttr<Kite_IntFormatAttr>:$filter_format,
                       OptionalAttr<Kite_MultiplierAttr>:$multiplier,
                       OptionalAttr<Kite_NMAttr>:$input_sparsity,
                       OptionalAttr<Kite_NMAttr>:$filter_sparsity,
                       OptionalAttr<Kite_TileAttr>:$tile);
  let results = (outs Kite_Tensor:$result);
  let assemblyFormat = [{
    $input `,` $filter (`bias` `(` $bias^ `)`)? (`acc` `(` $acc^ `)`)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Softmax
//===----------------------------------------------------------------------===//

def Kite_SoftmaxOp : Kite_Op<"softmax", [Pure, SameOperandsAndResultType]> {
  let summary = "exact softmax along one axis";
  let description = [{
    `result[..., i, ...] = exp(x_i - max(x)) / sum_j exp(x_j - max(x))`
    along `axis` (negative values count from the back), in the input's float
    type.

    Example: `%p = kite.softmax %x {axis = -1 : i64} : tensor<4x10xf32>`.
  }];
  let arguments = (ins Kite_FloatTensor:$input, I64Attr:$axis);
  let results = (outs Kite_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let hasVerifier = 1;
}

def Kite_LutSoftmaxOp : Kite_Op<"lut_softmax", [Pure]> {
  let summary = "softmax evaluated by the look-up-table softmax unit";
  let description = [{
    Softmax along `axis` computed from two integer tables, as the hardware
    unit does it (Vasyltsov & Chang, arXiv 2111.10770). For each row x:

    1. distances `d_i = min(round((max(x) - x_i) * input_scale / step),
       size(exp_table) - 1)` (round half to even), where `input_scale` is the
       real value of one input unit (1.0 for float inputs);
    2. `e_i = exp_table[d_i]`, unsigned `out_bits`-bit;
    3. `rexp`: `S = sum_i e_i`, `r = norm_table[min(S >> sum_shift,
       size(norm_table) - 1)]`, `result_i = (e_i * r) >> out_shift`;
       `lut2d`: `S` as above saturated to the table's rows,
       `result_i = norm_table[row(S), col(e_i)]` with
       `row(S) = min(S >> sum_shift, rows - 1)` and
       `col(e) = min(e >> out_shift, cols - 1)`;
       `rexp` results saturate at `2^out_bits - 1`.

    Tables are generated by `kite-numerics softmax` or the LUT-softmax pass;
    `lib/Numerics/LutSoftmax.cpp` is the one evaluator of these semantics.

    The result holds unsigned `out_bits`-bit probabilities (probability =
    value / (2^out_bits - 1)) in a signless integer type wide enough for them.

    Example:

    ```mlir
    %p = kite.lut_softmax %x {axis = -1 : i64, method = #kite.softmax_method<rexp>,
           input_scale = 1.0 : f64, step = 1.0 : f64, out_bits = 8 : i64,
           sum_shift = 0 : i64, out_shift = 8 : i64,
           exp_table = dense<[255, 94, 35, 13, 5, 2, 1]> : tensor<7xi32>,
           norm_table = dense<...> : tensor<256xi32>}
        : tensor<4x10xf32> -> tensor<4x10xi16>
    ```
  }];
  let arguments = (ins RankedTensorOf<[AnyFloat, AnySignlessInteger]>:$input,
                       I64Attr:$axis, Kite_SoftmaxMethodAttr:$method,
                       F64Attr:$input_scale, F64Attr:$step, I64Attr:$out_bits,
                       I64Attr:$sum_shift, I64Attr:$out_shift,
                       I32ElementsAttr:$exp_table, I32ElementsAttr:$norm_table);
  let results = (outs RankedTensorOf<[AnySignlessInteger]>:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The tables and shifts as the numerics library evaluates them.
    ::kite::numerics::LutSoftmaxTables getTables();
  }];
}

def Kite_LutOp : Kite_Op<"lut", [Pure, SameOperandsAndResultType]> {
  let summary = "an elementwise function of int8 codes by table look-up";
  let description = [{
    `result[i] = table[input[i] + 128]`: the LUT unit's evaluation of any
    elementwise function of a quantized tensor. `kite-lut-unary` builds the
    table from a chain of float ops and the quantizations around it, so the
    table is the function (bit-exact by construction); `function` names the
    ops it replaced, for reports.

    Example:

    ```mlir
    %y = kite.lut %x {function = "tosa.sigmoid",
                      table = dense<[...]> : tensor<256xi8>} : tensor<1x128xi8>
    ```
  }];
  let arguments = (ins RankedTensorOf<[I8]>:$input,
                       SignlessIntElementsAttr<8>:$table, StrAttr:$function);
  let results = (outs RankedTensorOf<[I8]>:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Quantization
//===----------------------------------------------------------------------===//

def Kite_QuantizeOp : Kite_Op<"quantize", [Pure]> {
  let summary = "float tensor to an integer or logarithmic-posit tensor";
  let description = [{
    Integer result (requires `format`, `scale`, `zero_point`):
    `q = clamp(round_half_even(x / scale[c]) + zero_point[c], format.min,
    format.max)`, where `c` is the index along `axis` for per-channel
    quantization (`scale` and `zero_point` have that dimension's size) or 0
    for per-tensor quantization (one value each, no `axis`).

    LP result (no `format`, `scale`, `zero_point`, `axis`): each element is
    encoded into the result's `!kite.lp` format (round to nearest even in the
    log domain, saturating to ±maxpos; a non-zero value below minpos/2
    becomes zero).

    Example:

    ```mlir
    %q = kite.quantize %x {format = #kite.int<8, signed>,
                           scale = array<f64: 0.05>, zero_point = array<i64: 0>}
        : tensor<4x16xf32> -> tensor<4x16xi8>
    %l = kite.quantize %x : tensor<4x16xf32> -> tensor<4x16x!kite.lp<8, 1, 7, 0>>
    ```
  }];
  let arguments = (ins Kite_FloatTensor:$input,
                       OptionalAttr<Kite_IntFormatAttr>:$format,
                       OptionalAttr<DenseF64ArrayAttr>:$scale,
                       OptionalAttr<DenseI64ArrayAttr>:$zero_point,
                       OptionalAttr<I64Attr>:$axis);
  let results = (outs Kite_QuantTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
  let extraClassDeclaration = [{
    /// Scale and zero point of each element (integer tensors only).
    ::kite::QuantParamsAt getQuantParams();
  }];
}

def Kite_DequantizeOp : Kite_Op<"dequantize", [Pure]> {
  let summary = "integer or logarithmic-posit tensor to a float tensor";
  let description = [{
    The inverse mapping of `kite.quantize`: for an integer input,
    `x = (q - zero_point[c]) * scale[c]` (the same attributes as
    `kite.quantize`; `format` defaults to the signed storage width); for an
    LP input, the exact value of each code (NaR becomes NaN).

    Example:

    ```mlir
    %x = kite.dequantize %q {scale = array<f64: 0.05>, zero_point = array<i64: 0>}
        : tensor<4x16xi32> -> tensor<4x16xf32>
    ```
  }];
  let arguments = (ins Kite_QuantTensor:$input,
                       OptionalAttr<Kite_IntFormatAttr>:$format,
                       OptionalAttr<DenseF64ArrayAttr>:$scale,
                       OptionalAttr<DenseI64ArrayAttr>:$zero_point,
                       OptionalAttr<I64Attr>:$axis);
  let results = (outs Kite_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
  let extraClassDeclaration = [{
    /// Scale and zero point of each element (integer tensors only).
    ::kite::QuantParamsAt getQuantParams();
  }];
}

def Kite_BitcastOp : Kite_Op<"bitcast", [Pure]> {
  let summary = "logarithmic-posit codes as i8 integers, or back";
  let description = [{
    Reinterprets a tensor of `!kite.lp<n, ...>` words (n <= 8) as `i8`, or
    `i8` as such words, element by element with the shape unchanged. The
    `i8` side holds the word's code sign-extended from n bits, so signed
    integer order is the order of the values (posit codes are two's
    complement; NaR is the lowest); the other direction keeps the low n
    bits. Integer data-movement ops (transposes, reshapes, max pooling)
    can then move LP codes: `kite-lp-quantize` and `kite-lp-quant-search`
    place the quantize above them. The lowering emits nothing (the buffer
    holds the same bytes).

    Example:

    ```mlir
    %c = kite.bitcast %q : tensor<1x4x4x1x!kite.lp<6, 1, 5, 0>> -> tensor<1x4x4x1xi8>
    %p = tosa.max_pool2d %c {kernel = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>,
                             stride = array<i64: 2, 2>}
        : (tensor<1x4x4x1xi8>) -> tensor<1x2x2x1xi8>
    %l = kite.bitcast %p : tensor<1x2x2x1xi8> -> tensor<1x2x2x1x!kite.lp<6, 1, 5, 0>>
    ```
  }];
  let arguments = (ins Kite_QuantTensor:$input);
  let results = (outs Kite_QuantTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Kite_ConstantOp : Kite_Op<"constant", [ConstantLike, Pure]> {
  let summary = "constant tensor of logarithmic posits";
  let description = [{
    A tensor of `!kite.lp` words given by their bit patterns: `value` holds
    the codes in `i8` (n <= 8) or `i16` (n <= 16), read as the low n bits.
    Integer and float constants use `arith.constant`; this op is what
    folding `kite.quantize` of a constant to an LP type produces.

    Example:

    ```mlir
    %w = kite.constant dense<[64, 80, -64]> : tensor<3xi8> -> tensor<3x!kite.lp<8, 0, 7, 0>>
    ```
  }];
  let arguments = (ins AnyIntElementsAttr:$value);
  let results = (outs RankedTensorOf<[Kite_LPType]>:$result);
  let assemblyFormat = "$value attr-dict `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Kite_PackedWeightsOp : Kite_Op<"packed_weights", [Pure]> {
  let summary = "constant MAC weights in the array's layout";
  let description = [{
    The weights of a `kite.matmul` (`[B...] x K x N`) or, with `filter`, of
    a `kite.conv2d` (`F x C x kh x kw`) as the lowering copies them to
    DRAM: `groups` K x N matrices of one-byte codes, row-major, one after
    the other — one per batch of matmul weights; one per convolution group,
    K = C·kh·kw (the im2col row) and column j of group g the filter
    `g·F/groups + j`. With `sparsity` = N:M a matrix keeps only the N
    entries of largest magnitude in every group of M rows of a column (ties
    to the lower row, as `kite.matmul` selects them): ⌈K/M⌉·N rows of
    values, row `g·N + s` holding the s-th kept entry of row group g, and
    in `index` their positions within the group, ⌈log2 M⌉ bits each packed
    per row (`docs/binary-format.md`).

    The result is the tensor these bytes stand for: the weights, with the
    entries N:M drops set to zero. `kite-pack-weights` creates it; the
    interpreter unpacks it.

    Example: the 2:4 weights `[[1, 2], [3, -4], [5, 6], [7, 0]]` keep rows
    2 and 3 of column 0 and rows 1 and 2 of column 1:

    ```mlir
    %w = kite.packed_weights {groups = 1 : i64, sparsity = #kite.nm<2, 4>,
                              values = dense<[5, -4, 7, 6]> : tensor<4xi8>,
                              index = dense<[6, 11]> : tensor<2xi8>}
        -> tensor<4x2xi8>
    ```

    stands for `[[0, 0], [0, -4], [5, 6], [7, 0]]`.
  }];
  let arguments = (ins AnyIntElementsAttr:$values,
                       OptionalAttr<AnyIntElementsAttr>:$index,
                       OptionalAttr<Kite_NMAttr>:$sparsity,
                       I64Attr:$groups, UnitAttr:$filter);
  let results = (outs Kite_Tensor:$result);
  let assemblyFormat = "attr-dict `->` type($result)";
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// How the result splits into the packed matrices.
    WeightLayout getLayout();
  }];
}

//===----------------------------------------------------------------------===//
// Normalisation and activation
//===----------------------------------------------------------------------===//

def Kite_LayerNormOp : Kite_Op<"layer_norm", [Pure, AttrSizedOperandSegments]> {
  let summary = "layer normalisation over the trailing dimensions";
  let description = [{
    Normalises over the dimensions `[axis, rank)` (negative `axis` counts
    from the back): `y = (x - mean) / sqrt(var + epsilon) * scale + bias`,
    with the biased variance. `scale` and `bias` are optional and have the
    shape of the normalised dimensions.

    Example:

    ```mlir
    %y = kite.layer_norm %x scale(%g) bias(%b) {axis = -1 : i64, epsilon = 1.0e-05 : f64}
        : (tensor<16x32xf32>, tensor<32xf32>, tensor<32xf32>) -> tensor<16x32xf32>
    ```
  }];
  let arguments = (ins Kite_FloatTensor:$input,
                       Optional<Kite_FloatTensor>:$scale,
                       Optional<Kite_FloatTensor>:$bias,
                       I64Attr:$axis, F64Attr:$epsilon);
  let results = (outs Kite_FloatTensor:$result);
  let assemblyFormat = [{
    $input (`scale` `(` $scale^ `)`)? (`bias` `(` $bias^ `)`)? attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// `axis` normalised to [0, rank).
    int64_t getNormalizedAxis();
  }];
}

def Kite_GeluApproximation : I32EnumAttr<"GeluApproximation",
    "GELU formula", [
  I32EnumAttrCase<"None", 0, "none">,
  I32EnumAttrCase<"Tanh", 1, "tanh">
]> {
  let cppNamespace = "::kite";
  let genSpecializedAttr = 0;
}
def Kite_GeluApproximationAttr
    : EnumAttr<Kite_Dialect, Kite_GeluApproximation, "gelu_approximation"> {
  let assemblyFormat = "`<` $value `>`";
}

def Kite_GeluOp : Kite_Op<"gelu", [Pure, SameOperandsAndResultType]> {
  let summary = "Gaussian error linear unit";
  let description = [{
    `none`: `y = x/2 * (1 + erf(x / sqrt(2)))`;
    `tanh`: `y = x/2 * (1 + tanh(sqrt(2/pi) * (x + 0.044715 x^3)))`.

    Example: `%y = kite.gelu %x {approximation = #kite.gelu_approximation<none>} : tensor<16x64xf32>`.
  }];
  let arguments = (ins Kite_FloatTensor:$input,
                       Kite_GeluApproximationAttr:$approximation);
  let results = (outs Kite_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

#endif // KITE_OPS_TD
