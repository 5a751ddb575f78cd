//===- Fusion.h - tensor ops one instruction sequence covers ---*- C++ -*-===//
//
// The lowering folds some ops into others: the float ops after a MAC op
// into its drain (the epilogue), and the terms of a TASD chain into one
// set of accumulator tiles. kite-bufferize and convert-kite-to-kite-isa
// both ask these functions, so they agree on which values exist in memory.
//
//===----------------------------------------------------------------------===//

#ifndef KITE_CONVERSION_KITETOKITEISA_FUSION_H
#define KITE_CONVERSION_KITETOKITEISA_FUSION_H

#include "kite/Dialect/Kite/IR/Kite.h"
#include "kite/Numerics/Binary.h"
#include "kite/Numerics/Reduce.h"
#include "kite/Numerics/Unary.h"
#include "kite/Runtime/Isa.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"

#include <optional>

namespace kite {

/// The vec_unary function an f32 TOSA op computes (tosa.sigmoid, exp,
/// ...), if it is one.
std::optional<numerics::UnaryFn> unaryFnOf(mlir::Operation *op);

/// The vec_binary function a TOSA op computes (tosa.add, pow, ...), if it
/// is one; the element type is the lowering's to check.
std::optional<numerics::BinaryFn> binaryFnOf(mlir::Operation *op);

/// Memory storage type of a tensor element, if it has one.
std::optional<rt::DType> dtypeOf(mlir::Type element);

/// The packed operand format of a MAC operand.
int64_t operandFormat(mlir::Type element, IntFormatAttr format);

/// A quantize or dequantize op's parameters (integer: per tensor, or per
/// channel along `axis`, `inner` elements apart).
struct QuantParams {
  rt::OperandFormat format;
  llvm::SmallVector<double> scales;
  llvm::SmallVector<int64_t> zeros;
  int64_t axis = -1, inner = 1;
};
mlir::FailureOr<QuantParams> quantParams(mlir::Operation *op, bool quantize);

/// A quantization to 8-bit codes (integer or LP) that reads `v` alone, past
/// reshapes: the op producing v can write the codes itself. Per tensor;
/// with `columns` > 0 (v is rows of that many columns) also per channel
/// when the channel depends on the column alone (one zero point).
struct RequantizeMatch {
  llvm::SmallVector<mlir::Operation *> ops; ///< reshapes, then the quantize
  QuantizeOp quantize;
};
std::optional<RequantizeMatch> matchRequantize(mlir::Value v,
                                               int64_t columns = 0);

/// A per-tensor integer dequantize that reads LUT softmax probabilities
/// alone (past reshapes), followed by a requantization: the softmax unit
/// can write the codes. Only when every probability fits its storage type
/// as a non-negative value, so that reading it back changes nothing.
struct SoftmaxRequantizeMatch {
  llvm::SmallVector<mlir::Operation *> ops; ///< every op folded in
  DequantizeOp dequantize;
  QuantizeOp quantize;
};
std::optional<SoftmaxRequantizeMatch> matchSoftmaxRequantize(LutSoftmaxOp op);

/// The ops after a MAC result that fold into its drain: an integer
/// dequantize (required for integer results), then optionally a multiply
/// by one f32 constant, an f32 bias add, an add of a tensor computed before
/// the MAC op (a residual connection), a clamp, a GELU or a leaky ReLU
/// (max(x, x * alpha), then perhaps a max with a constant floor), a
/// requantization to 8 bits (per tensor or per column) and a LUT-unit
/// table of int8 codes, with reshapes between, each value used once (but
/// by the leaky ReLU's two ops).
struct EpilogueMatch {
  /// Every op folded in (reshapes included), in order.
  llvm::SmallVector<mlir::Operation *> ops;
  /// The value the drain writes (the last op's result).
  mlir::Value result;
  DequantizeOp dequantize;
  double multiply = 1;  ///< the constant of a folded multiply (1: none)
  mlir::Value bias;     ///< constant per-column f32 bias, or null
  mlir::Value residual; ///< f32 tensor laid out like the result, or null
  mlir::tosa::AddOp residualAdd; ///< the add that reads it
  mlir::tosa::ClampOp clamp;
  GeluOp gelu;
  double leakyAlpha = 0; ///< of a folded leaky ReLU (0: none)
  /// A floor after the leaky ReLU, as the clamp before it that gives the
  /// same bits: max(leaky(x), c) = leaky(max(x, t)) when alpha * t is c.
  std::optional<float> floorBefore;
  QuantizeOp requantize;
  LutOp lut;
};
/// The epilogue of MAC result `v` with `n` columns along the last axis (or
/// axis 1 when `nchw`); `floatBiasTaken`: the MAC op adds an f32 bias
/// itself.
std::optional<EpilogueMatch> matchEpilogue(mlir::Value v, int64_t n, bool nchw,
                                           bool floatBiasTaken);

/// The element offset at which slice `op` starts in its input, when its
/// result is one contiguous run of the input (constant start; the sliced
/// dimensions before the first partial one have size 1, those after it
/// are whole): the lowering then reads it in place instead of copying.
std::optional<int64_t> contiguousSliceOffset(mlir::tosa::SliceOp op);

/// The matmuls after `head` whose accumulators can stay on chip: a chain
/// of `acc` uses with the same activations and configuration whose
/// partial sums cannot saturate (so one saturation at the drain equals
/// one per matmul).
llvm::SmallVector<MatmulOp> accumulatorChain(MatmulOp head);
/// The same for convolutions (the terms also share the im2col patches).
llvm::SmallVector<Conv2DOp> accumulatorChain(Conv2DOp head);

} // namespace kite

#endif // KITE_CONVERSION_KITETOKITEISA_FUSION_H
