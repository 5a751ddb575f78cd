//===- KiteIsaOps.td - the kite_isa dialect ----------------*- tablegen -*-===//
//
// One op per accelerator instruction. The attribute names of every
// instruction op are the field names of the instruction table in
// include/kite/Runtime/Isa.h, in whose order the emitter encodes them.
//
//===----------------------------------------------------------------------===//

#ifndef KITE_ISA_OPS_TD
#define KITE_ISA_OPS_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/SymbolInterfaces.td"
include "mlir/IR/BuiltinAttributes.td"

def KiteIsa_Dialect : Dialect {
  let name = "kite_isa";
  let useDefaultAttributePrinterParser = 1;
  let cppNamespace = "::kite::kiteisa";
  let summary = "The Kite accelerator's instruction set, one op per instruction";
  let description = [{
    The exit dialect of Kite. A `kite_isa.program` holds a straight-line
    instruction stream for one model: DMA between DRAM and the on-chip
    buffers, the MAC array (configuration, matrix-multiply tiles, accumulator
    drain), im2col, the vector unit and the LUT softmax unit, and fences.
    Every decision (tiling, addresses, formats) was made by the lowering;
    `kite-translate --emit-kbin` only prints these ops as bytes
    (`docs/binary-format.md`), and `kite-sim` runs the bytes.

    Fields that name one of a few choices are enum attributes: the buffer
    of a `dma_load` (`#kite_isa.space<act>`, `weight`, `acc`; 4 bytes per
    accumulator), element types (`#kite_isa.dtype<i8>`: f32, i8, i16, i32,
    i64), and each unit's function (`#kite_isa.binary<add>`,
    `#kite_isa.unary<sigmoid>`, `#kite_isa.reduce<sum>`, ...). Their values
    are the binary's encodings. Operand formats are packed words
    (`kite::rt::OperandFormat`); `--emit-kasm` prints them readably.
  }];
}

include "KiteIsaEnums.td"

/// A signed 64-bit integer field (addresses, sizes, codes; -1 means none).
def KiteIsa_I64 : TypedSignlessIntegerAttrBase<I64, "int64_t",
                                               "64-bit integer attribute"> {
  let convertFromStorage = "$_self.getValue().getSExtValue()";
}

class KiteIsa_Op<string mnemonic, list<Trait> traits = []>
    : Op<KiteIsa_Dialect, mnemonic, traits>;

/// An instruction: attributes only, inside a kite_isa.program.
class KiteIsa_Inst<string mnemonic, list<Trait> traits = []>
    : KiteIsa_Op<mnemonic, !listconcat(traits, [HasParent<"ProgramOp">])> {
  let assemblyFormat = "attr-dict";
}

def KiteIsa_ProgramOp : KiteIsa_Op<"program", [IsolatedFromAbove, NoTerminator,
    SingleBlock, Symbol]> {
  let summary = "an instruction stream with its DRAM image and I/O";
  let description = [{
    The body holds, in any order, `data` segments (constants placed in DRAM),
    `input`/`output` descriptors, and the instructions, which run in order.
    `dram_bytes` is the DRAM the program addresses. The enclosing module's
    `kite.target` is the hardware the stream was lowered for.

    ```mlir
    kite_isa.program @main {dram_bytes = 4096 : i64} {
      kite_isa.input {addr = 0 : i64, index = 0 : i64, type = tensor<4x8xi8>}
      kite_isa.dma_load {src = 0 : i64, space = 1 : i64, dst = 0 : i64,
                         rows = 4 : i64, row_bytes = 8 : i64, src_stride = 8 : i64}
      kite_isa.fence
    }
    ```
  }];
  let arguments = (ins SymbolNameAttr:$sym_name, KiteIsa_I64:$dram_bytes);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = "$sym_name attr-dict-with-keyword $body";
  let hasVerifier = 1;
}

def KiteIsa_DataOp : KiteIsa_Op<"data", [HasParent<"ProgramOp">]> {
  let summary = "constant bytes placed in DRAM at load time";
  let arguments = (ins KiteIsa_I64:$addr, AnyIntElementsAttr:$bytes);
  let assemblyFormat = "attr-dict";
  let hasVerifier = 1;
}

def KiteIsa_InputOp : KiteIsa_Op<"input", [HasParent<"ProgramOp">]> {
  let summary = "where the program's input `index` lives in DRAM";
  let arguments = (ins KiteIsa_I64:$index, KiteIsa_I64:$addr, TypeAttr:$type);
  let assemblyFormat = "attr-dict";
  let hasVerifier = 1;
}

def KiteIsa_OutputOp : KiteIsa_Op<"output", [HasParent<"ProgramOp">]> {
  let summary = "where the program's output `index` lives in DRAM";
  let arguments = (ins KiteIsa_I64:$index, KiteIsa_I64:$addr, TypeAttr:$type);
  let assemblyFormat = "attr-dict";
  let hasVerifier = 1;
}

def KiteIsa_DmaLoadOp : KiteIsa_Inst<"dma_load"> {
  let summary = "DMA `rows` x `row_bytes` from DRAM into an on-chip buffer";
  let description = [{
    Row `r` comes from DRAM byte `src + r * src_stride` and lands packed at
    `dst + r * row_bytes` in buffer `space` (1 ACT, 2 WEIGHT).
  }];
  let arguments = (ins KiteIsa_I64:$src, KiteIsa_SpaceAttr:$space, KiteIsa_I64:$dst,
                       KiteIsa_I64:$rows, KiteIsa_I64:$row_bytes, KiteIsa_I64:$src_stride);
  let hasVerifier = 1;
}

def KiteIsa_ConfigMmaOp : KiteIsa_Inst<"config_mma"> {
  let summary = "operand formats and multiplier of the MAC array";
  let description = [{
    Holds until the next `config_mma`. Integer operands are multiplied by
    `multiplier` from the target's library; LP operands by the exact
    log-domain adder, accumulating in fixed point with the target's
    `lp_acc_frac_bits`.
  }];
  let arguments = (ins KiteIsa_I64:$lhs_format, KiteIsa_I64:$rhs_format,
                       StrAttr:$multiplier);
  let hasVerifier = 1;
}

def KiteIsa_MmaOp : KiteIsa_Inst<"mma"> {
  let summary = "C[m x n] (+)= A[m x k] * B[k x n] on the MAC array";
  let description = [{
    A is at byte `a` of the ACT buffer, B at byte `b` of the WEIGHT buffer
    (one byte per element, row-major), C at byte `c` of the ACC buffer.
    With `accumulate = 0` C starts from zero.
  }];
  let arguments = (ins KiteIsa_I64:$a, KiteIsa_I64:$b, KiteIsa_I64:$c, KiteIsa_I64:$m,
                       KiteIsa_I64:$k, KiteIsa_I64:$n, KiteIsa_I64:$accumulate);
  let hasVerifier = 1;
}

def KiteIsa_MmaNMOp : KiteIsa_Inst<"mma_nm"> {
  let summary = "C[m x n] (+)= A[m x k] * B, B N:M-compressed along k";
  let description = [{
    B holds, for every group of `group` (M) rows of the dense k x n weight
    tile, `keep` (N) rows of values at WEIGHT byte `b` (n bytes each) and,
    at byte `index`, the position of each value within its group (0..M-1,
    per column) in ceil(log2 M) bits, packed LSB first into rows of
    ceil(n * bits / 8) bytes (`rt::packNMIndices`). Only the kept products
    are computed: the array runs N/M of the dense passes. Row `g * keep + s`
    of both holds the `s`-th kept entry of group `g`.
  }];
  let arguments = (ins KiteIsa_I64:$a, KiteIsa_I64:$b, KiteIsa_I64:$index,
                       KiteIsa_I64:$c, KiteIsa_I64:$m, KiteIsa_I64:$k,
                       KiteIsa_I64:$n, KiteIsa_I64:$keep, KiteIsa_I64:$group,
                       KiteIsa_I64:$accumulate);
  let hasVerifier = 1;
}

def KiteIsa_MmaActNMOp : KiteIsa_Inst<"mma_act_nm"> {
  let summary = "C[m x n] (+)= N:M(A)[m x k] * B[k x n], A selected at run time";
  let description = [{
    TASD-A: like `mma`, but the array's activation unit keeps, in every
    group of `group` (M) consecutive elements along k of each row of A, the
    `keep` (N) of largest magnitude (ties to the lower index; the last group
    may be shorter) and reads the others as zero, so it runs N/M of the
    dense passes. Magnitudes below `threshold` (0 to 128; 0: none) also read
    as zero (GELU-like activations). Integer operands only; the target must
    have `activation_sparsity` and support N:M.

    `prior` (keep, group pairs, first term first; empty for one selection)
    makes it a later term of a TASD-A series: the earlier terms' selections
    are made first, and this one keeps, in each of its groups, the `keep`
    largest of what they left (`threshold` holds for every term). Groups
    start at element 0 of the tile's rows, so a tile of a longer reduction
    must cut no term's group.
  }];
  let arguments = (ins KiteIsa_I64:$a, KiteIsa_I64:$b, KiteIsa_I64:$c,
                       KiteIsa_I64:$m, KiteIsa_I64:$k, KiteIsa_I64:$n,
                       KiteIsa_I64:$keep, KiteIsa_I64:$group,
                       KiteIsa_I64:$threshold, KiteIsa_I64:$accumulate,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{}">:$prior);
  let hasVerifier = 1;
}

def KiteIsa_StoreAccOp : KiteIsa_Inst<"store_acc"> {
  let summary = "drain accumulators to DRAM, saturating (or LP fixed to f32)";
  let description = [{
    Element (i, j) of the `rows` x `cols` accumulator tile at ACC byte `src`
    goes to DRAM `dst + (i * row_stride + j * col_stride) * size(dtype)`.
    Integer dtypes saturate; f32 converts LP fixed point. With `bias >= 0`,
    `cols` 32-bit values at that WEIGHT byte are added per column.
  }];
  let arguments = (ins KiteIsa_I64:$src, KiteIsa_I64:$rows, KiteIsa_I64:$cols,
                       KiteIsa_I64:$dst, KiteIsa_I64:$row_stride, KiteIsa_I64:$col_stride,
                       KiteIsa_DTypeAttr:$dtype, KiteIsa_I64:$bias);
  let hasVerifier = 1;
}

def KiteIsa_StoreAccFusedOp : KiteIsa_Inst<"store_acc_fused"> {
  let summary = "drain accumulators through the epilogue: dequantize, "
                "scale, bias, residual, clamp, GELU, requantize";
  let description = [{
    Writes element (i, j) of the `rows` x `cols` accumulator tile at ACC
    byte `src` to `dst + (i * row_stride + j * col_stride) * size(dtype)`
    (DRAM or scratchpad) after, in order:

    * conversion to f32: with `scales` (one, or one per column) the
      accumulator saturates to 32 bits, adds the 32-bit `acc_bias[j]` at
      WEIGHT byte `acc_bias` (if >= 0, saturating) and is dequantized,
      `(a - zero_points[j]) * scales[j]`; without, it is LP fixed point;
    * it is multiplied by `multiply` (1 leaves it as it is);
    * `bias[j]`, f32 at WEIGHT byte `bias` (if >= 0), is added;
    * with `residual` >= 0, the f32 at DRAM byte `residual + (i *
      row_stride + j * col_stride) * 4` is added (a residual connection);
    * the value is clamped to [`clamp_min`, `clamp_max`] (NaN passes);
    * `activation` 1 applies GELU (erf form), 2 its tanh form, 3 a leaky
      ReLU, `max(x, x * alpha)` (0 < `alpha` < 1), 0 nothing;
    * with `format` other than -1 (none) it is quantized (`out_scales`:
      one, or one per column; `out_zero_point`; both unused for LP) and
      stored as `dtype`, else stored as f32;
    * with a `table` (256 entries, int8 results only), the code c becomes
      `table[c + 128]` in the LUT unit on its way out, as `vec_lut`.

    Each step rounds exactly as the vector instruction it replaces, so the
    result equals `store_acc` followed by `vec_dequantize`, `vec_binary`
    (multiply, add, maximum), `vec_clamp`, `vec_gelu` and `vec_quantize`,
    without their memory traffic.
  }];
  let arguments = (ins KiteIsa_I64:$src, KiteIsa_I64:$rows, KiteIsa_I64:$cols,
                       KiteIsa_I64:$dst, KiteIsa_I64:$row_stride, KiteIsa_I64:$col_stride,
                       KiteIsa_DTypeAttr:$dtype, KiteIsa_I64:$acc_bias,
                       DenseF64ArrayAttr:$scales, DenseI64ArrayAttr:$zero_points,
                       KiteIsa_I64:$bias, F64Attr:$clamp_min, F64Attr:$clamp_max,
                       KiteIsa_I64:$format, DenseF64ArrayAttr:$out_scales,
                       KiteIsa_I64:$out_zero_point, F64Attr:$multiply,
                       KiteIsa_ActivationAttr:$activation, KiteIsa_I64:$residual,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{}">:$table,
                       DefaultValuedAttr<F64Attr, "0.0">:$alpha);
  let hasVerifier = 1;
}

def KiteIsa_Im2colOp : KiteIsa_Inst<"im2col"> {
  let summary = "DMA-side patch extraction of one image and channel group";
  let description = [{
    From a C x H x W byte image (`input`) at `src`, writes one row of
    `group_channels * kh * kw` bytes per output position to `dst`,
    zero where the window falls into the padding (`pads` = top, left).
  }];
  let arguments = (ins KiteIsa_I64:$src, KiteIsa_I64:$dst, DenseI64ArrayAttr:$input,
                       KiteIsa_I64:$channel_offset, KiteIsa_I64:$group_channels,
                       DenseI64ArrayAttr:$kernel, DenseI64ArrayAttr:$strides,
                       DenseI64ArrayAttr:$pads, DenseI64ArrayAttr:$dilations,
                       DenseI64ArrayAttr:$output);
  let hasVerifier = 1;
}

def KiteIsa_VecBinaryOp : KiteIsa_Inst<"vec_binary"> {
  let summary = "an f32 function of two strided operands";
  let description = [{
    Over `shape`, reads lhs and rhs at their element strides (0 broadcasts)
    and writes the result contiguously at `dst`. `kind`: 0 add, 1 sub,
    2 mul, 3 max, 4 min, 5 pow — computed as `kite::numerics::applyBinary`
    defines, which the interpreter's TOSA kernels share.
  }];
  let arguments = (ins KiteIsa_BinaryKindAttr:$kind, KiteIsa_I64:$lhs, KiteIsa_I64:$rhs,
                       KiteIsa_I64:$dst, DenseI64ArrayAttr:$shape,
                       DenseI64ArrayAttr:$lhs_strides,
                       DenseI64ArrayAttr:$rhs_strides);
  let hasVerifier = 1;
}

def KiteIsa_VecCompareOp : KiteIsa_Inst<"vec_compare"> {
  let summary = "f32 comparison of two strided operands into i8 flags";
  let description = [{
    Over `shape`, reads lhs and rhs at their element strides (0 broadcasts)
    and writes 1 where the comparison holds and 0 elsewhere (NaN compares
    false), one byte per element, contiguously at `dst`. `kind`: 0 equal,
    1 greater, 2 greater or equal.
  }];
  let arguments = (ins KiteIsa_CompareKindAttr:$kind, KiteIsa_I64:$lhs, KiteIsa_I64:$rhs,
                       KiteIsa_I64:$dst, DenseI64ArrayAttr:$shape,
                       DenseI64ArrayAttr:$lhs_strides,
                       DenseI64ArrayAttr:$rhs_strides);
  let hasVerifier = 1;
}

def KiteIsa_VecSelectOp : KiteIsa_Inst<"vec_select"> {
  let summary = "f32 lhs where an i8 flag is non-zero, rhs elsewhere";
  let description = [{
    Over `shape`, reads the flags (one byte each), lhs and rhs at their
    element strides (0 broadcasts) and writes the chosen values
    contiguously at `dst`: the select of an if-converted `scf.if`.
  }];
  let arguments = (ins KiteIsa_I64:$cond, KiteIsa_I64:$lhs, KiteIsa_I64:$rhs,
                       KiteIsa_I64:$dst, DenseI64ArrayAttr:$shape,
                       DenseI64ArrayAttr:$cond_strides,
                       DenseI64ArrayAttr:$lhs_strides,
                       DenseI64ArrayAttr:$rhs_strides);
  let hasVerifier = 1;
}

def KiteIsa_VecClampOp : KiteIsa_Inst<"vec_clamp"> {
  let summary = "f32 clamp of `count` elements (NaN passes through)";
  let arguments = (ins KiteIsa_I64:$src, KiteIsa_I64:$dst, KiteIsa_I64:$count,
                       F64Attr:$min, F64Attr:$max);
  let hasVerifier = 1;
}

def KiteIsa_VecCopyOp : KiteIsa_Inst<"vec_copy"> {
  let summary = "strided copy (transpose, slice, concatenation)";
  let description = [{
    Over `shape`, copies the element at `src_strides` from `src` to the
    element at `dst_strides` from `dst` (strides in elements).
  }];
  let arguments = (ins KiteIsa_I64:$src, KiteIsa_I64:$dst, KiteIsa_I64:$elem_bytes,
                       DenseI64ArrayAttr:$shape,
                       DenseI64ArrayAttr:$src_strides,
                       DenseI64ArrayAttr:$dst_strides);
  let hasVerifier = 1;
}

def KiteIsa_VecGatherOp : KiteIsa_Inst<"vec_gather"> {
  let summary = "rows picked by constant indices (nearest resize, gather)";
  let description = [{
    Of an `outer` x `k` x `inner` tensor at `src`, writes the
    `outer` x len(`indices`) x `inner` tensor whose row (o, j) is row
    (o, indices[j]) contiguously at `dst`.
  }];
  let arguments = (ins KiteIsa_I64:$src, KiteIsa_I64:$dst, KiteIsa_I64:$elem_bytes,
                       KiteIsa_I64:$outer, KiteIsa_I64:$k, KiteIsa_I64:$inner,
                       DenseI64ArrayAttr:$indices);
  let hasVerifier = 1;
}

def KiteIsa_VecReduceOp : KiteIsa_Inst<"vec_reduce"> {
  let summary = "f32 reduction over the middle axis of an outer x len x inner "
                "tensor";
  let description = [{
    `kind`: 0 sum, 1 max, 2 min, 3 product — a left fold from the identity
    in index order, as `kite::numerics::reduceStep` defines (max and min
    skip NaN), which the interpreter's TOSA kernels share.
  }];
  let arguments = (ins KiteIsa_ReduceKindAttr:$kind, KiteIsa_I64:$src, KiteIsa_I64:$dst, KiteIsa_I64:$outer,
                       KiteIsa_I64:$len, KiteIsa_I64:$inner);
  let hasVerifier = 1;
}

def KiteIsa_VecPoolOp : KiteIsa_Inst<"vec_pool"> {
  let summary = "max (0) or average (1) pooling of an NHWC tensor";
  let description = [{
    Padding (`pads` = top, left) is skipped: it neither wins a max nor counts
    in an average. Elements are `dtype` f32 or, for max pooling, i8 (max
    commutes with a per-tensor quantization, so a quantized model pools its
    int8 codes).
  }];
  let arguments = (ins KiteIsa_PoolKindAttr:$kind, KiteIsa_I64:$src, KiteIsa_I64:$dst,
                       KiteIsa_DTypeAttr:$dtype, DenseI64ArrayAttr:$input, DenseI64ArrayAttr:$kernel,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                       DenseI64ArrayAttr:$output);
  let hasVerifier = 1;
}

def KiteIsa_VecQuantizeOp : KiteIsa_Inst<"vec_quantize"> {
  let summary = "f32 to integer (per tensor or channel) or LP codes";
  let description = [{
    Element `e` uses channel `(e / inner) % size(scales)`. For an LP
    `format` the scales are unused.
  }];
  let arguments = (ins KiteIsa_I64:$src, KiteIsa_I64:$dst, KiteIsa_DTypeAttr:$dtype,
                       KiteIsa_I64:$count, KiteIsa_I64:$inner, KiteIsa_I64:$format,
                       DenseF64ArrayAttr:$scales,
                       DenseI64ArrayAttr:$zero_points);
  let hasVerifier = 1;
}

def KiteIsa_VecDequantizeOp : KiteIsa_Inst<"vec_dequantize"> {
  let summary = "integer (per tensor or channel) or LP codes to f32";
  let arguments = (ins KiteIsa_I64:$src, KiteIsa_DTypeAttr:$dtype, KiteIsa_I64:$dst,
                       KiteIsa_I64:$count, KiteIsa_I64:$inner, KiteIsa_I64:$format,
                       DenseF64ArrayAttr:$scales,
                       DenseI64ArrayAttr:$zero_points);
  let hasVerifier = 1;
}

def KiteIsa_VecLayerNormOp : KiteIsa_Inst<"vec_layer_norm"> {
  let summary = "f32 layer normalisation of `rows` rows of `len`";
  let description = [{
    `scale` and `bias` are DRAM addresses of `len` f32 values, or -1. With
    `format` other than -1 (none) the results are quantized per tensor
    (`out_scale`, `out_zero_point`; unused for LP) to i8 codes, rounding as
    `vec_quantize` does; else they are stored as f32.
  }];
  let arguments = (ins KiteIsa_I64:$src, KiteIsa_I64:$dst, KiteIsa_I64:$rows,
                       KiteIsa_I64:$len, F64Attr:$epsilon, KiteIsa_I64:$scale,
                       KiteIsa_I64:$bias, KiteIsa_I64:$format,
                       F64Attr:$out_scale, KiteIsa_I64:$out_zero_point);
  let hasVerifier = 1;
}

def KiteIsa_VecGeluOp : KiteIsa_Inst<"vec_gelu"> {
  let summary = "f32 GELU (erf form, or tanh form when `tanh` = 1)";
  let arguments = (ins KiteIsa_I64:$src, KiteIsa_I64:$dst, KiteIsa_I64:$count,
                       KiteIsa_I64:$tanh);
  let hasVerifier = 1;
}

def KiteIsa_VecSoftmaxOp : KiteIsa_Inst<"vec_softmax"> {
  let summary = "exact f32 softmax over the middle axis of [outer, len, inner]";
  let description = [{
    The vector unit's exact softmax, where the LUT softmax unit is off or
    refused: for each of the `outer` x `inner` rows of `len` elements, the
    row maximum, `exp(x - max)` summed in order, each divided by the sum
    (`kite.softmax`'s definition, `numerics::softmaxRowF32`). `src` and
    `dst` may be the same buffer.

    ```mlir
    kite_isa.vec_softmax src = 0, dst = 256, outer = 4, len = 16, inner = 1
    ```
  }];
  let arguments = (ins KiteIsa_I64:$src, KiteIsa_I64:$dst, KiteIsa_I64:$outer,
                       KiteIsa_I64:$len, KiteIsa_I64:$inner);
  let hasVerifier = 1;
}

def KiteIsa_VecUnaryOp : KiteIsa_Inst<"vec_unary"> {
  let summary = "an f32 function of `count` elements";
  let description = [{
    `kind`: 0 sigmoid, 1 tanh, 2 exp, 3 log, 4 rsqrt, 5 reciprocal, 6 erf,
    7 abs, 8 neg, 9 floor, 10 ceil, 11 sin, 12 cos — computed as
    `kite::numerics::applyUnary` defines, which the interpreter's TOSA
    kernels share, so results agree bit for bit.
  }];
  let arguments = (ins KiteIsa_UnaryKindAttr:$kind, KiteIsa_I64:$src, KiteIsa_I64:$dst,
                       KiteIsa_I64:$count);
  let hasVerifier = 1;
}

def KiteIsa_VecLutOp : KiteIsa_Inst<"vec_lut"> {
  let summary = "a table look-up per int8 element (the LUT unit)";
  let description = [{
    Replaces each of the `count` int8 codes c at `src` by `table[c + 128]`
    (256 entries, each in [-128, 127]) and stores them at `dst`: any
    elementwise function of a quantized tensor, tabulated at compile time
    (`kite-lut-unary`). Needs a target with a LUT unit; costs one
    `lut_read_8b` per element and `lanes` elements per cycle.
  }];
  let arguments = (ins KiteIsa_I64:$src, KiteIsa_I64:$dst, KiteIsa_I64:$count,
                       DenseI64ArrayAttr:$table);
  let hasVerifier = 1;
}

def KiteIsa_HostCallOp : KiteIsa_Inst<"host_call"> {
  let summary = "a host segment: an op the accelerator has no unit for";
  let description = [{
    Moves `outer * len * inner` elements of `src_dtype` at DRAM `src` to
    the host, runs kernel `kind` there and writes the result back to `dst`
    as `dst_dtype` (0 f32, 1 i8, 2 i16, 3 i32, 4 i64):

    * 0 argmax: per (outer, inner), the index of the first largest of the
      `len` elements (the result drops that axis);
    * 1 cast: each element converted as `tosa.cast` does (float to integer
      rounds half to even and saturates, NaN gives 0; integers wrap).

    The accelerator waits for the call; the link transfer and the host's
    time and energy come from the target's `host`.
  }];
  let arguments = (ins KiteIsa_HostKernelAttr:$kind, KiteIsa_I64:$src, KiteIsa_DTypeAttr:$src_dtype,
                       KiteIsa_I64:$dst, KiteIsa_DTypeAttr:$dst_dtype, KiteIsa_I64:$outer,
                       KiteIsa_I64:$len, KiteIsa_I64:$inner);
  let hasVerifier = 1;
}

def KiteIsa_HostElementwiseOp : KiteIsa_Inst<"host_elementwise"> {
  let summary = "a host segment: integer arithmetic on runtime data";
  let description = [{
    Index computations on runtime data (an index normalised from a
    computed ArgMax, a position from a comparison) have no accelerator
    unit. The host reads `a`, `b` (elements of `dtype`, an integer type)
    and, for `select`, the boolean bytes at `cond`, each walked with its
    element strides over `shape` (stride 0 broadcasts), and writes the
    row-major result to `dst` as `dst_dtype`:

    * add, sub, mul, max, min, intdiv: wrapping two's complement, the
      result of `dtype`; intdiv truncates and fails on a zero divisor or
      the most negative value divided by -1;
    * equal, greater, greater_equal: booleans (i8 0/1);
    * logical_and, logical_or, logical_xor: booleans of non-zero operands;
    * select: `cond ? a : b`.

    `cond` is -1 and `cond_strides` empty for every kind but select.
    The link transfer and the host's time come from the target's `host`,
    as for `host_call`.
  }];
  let arguments = (ins KiteIsa_HostElementwiseKindAttr:$kind, KiteIsa_I64:$a,
                       KiteIsa_I64:$b, KiteIsa_I64:$cond, KiteIsa_DTypeAttr:$dtype,
                       KiteIsa_I64:$dst, KiteIsa_DTypeAttr:$dst_dtype,
                       DenseI64ArrayAttr:$shape, DenseI64ArrayAttr:$a_strides,
                       DenseI64ArrayAttr:$b_strides, DenseI64ArrayAttr:$cond_strides);
  let hasVerifier = 1;
}

def KiteIsa_HostGatherOp : KiteIsa_Inst<"host_gather"> {
  let summary = "a host segment: a gather with runtime indices";
  let description = [{
    As `tosa.gather` with indices computed at run time: for values
    `[outer, k, inner]` of `dtype` at `values` and indices `[outer, width]`
    of `indices_dtype` at `indices`, the host writes
    `dst[o, w, i] = values[o, indices[o, w], i]`. An index outside
    `[0, k)` stops the run with an error. (`vec_gather` takes constant
    indices on the accelerator.)
  }];
  let arguments = (ins KiteIsa_I64:$values, KiteIsa_DTypeAttr:$dtype,
                       KiteIsa_I64:$indices, KiteIsa_DTypeAttr:$indices_dtype,
                       KiteIsa_I64:$dst, KiteIsa_I64:$outer, KiteIsa_I64:$k,
                       KiteIsa_I64:$inner, KiteIsa_I64:$width);
  let hasVerifier = 1;
}

def KiteIsa_LutSoftmaxOp : KiteIsa_Inst<"lut_softmax"> {
  let summary = "the LUT softmax unit over the middle axis";
  let description = [{
    Loads the two tables (method 0 rexp, 1 lut2d; see `kite.lut_softmax`)
    into the unit and evaluates every row of `len` elements. With `format`
    other than -1 (none), each probability p is dequantized,
    `(p - prob_zero_point) * prob_scale` in f32, and quantized per tensor
    (`out_scale`, `out_zero_point`; unused for LP) to the i8 codes stored,
    rounding as `vec_dequantize` and `vec_quantize` do.
  }];
  let arguments = (ins KiteIsa_I64:$src, KiteIsa_DTypeAttr:$src_dtype, KiteIsa_I64:$dst,
                       KiteIsa_DTypeAttr:$dtype, KiteIsa_I64:$outer, KiteIsa_I64:$len,
                       KiteIsa_I64:$inner, KiteIsa_SoftmaxMethodAttr:$method, F64Attr:$input_scale,
                       F64Attr:$step, KiteIsa_I64:$out_bits, KiteIsa_I64:$sum_shift,
                       KiteIsa_I64:$out_shift, DenseI64ArrayAttr:$exp_table,
                       DenseI64ArrayAttr:$norm_table, KiteIsa_I64:$norm_rows,
                       KiteIsa_I64:$norm_cols, F64Attr:$prob_scale,
                       KiteIsa_I64:$prob_zero_point, KiteIsa_I64:$format,
                       F64Attr:$out_scale, KiteIsa_I64:$out_zero_point);
  let hasVerifier = 1;
}

def KiteIsa_FenceOp : KiteIsa_Inst<"fence"> {
  let summary = "wait until every unit is idle";
}

#endif // KITE_ISA_OPS_TD
