//===- Kite.h - the kite dialect --------------------------------*- C++ -*-===//
//
// The kite dialect: its types, attributes and ops.
//
//===----------------------------------------------------------------------===//

#ifndef KITE_DIALECT_KITE_IR_KITE_H
#define KITE_DIALECT_KITE_IR_KITE_H

#include "kite/Numerics/IntQuant.h"
#include "kite/Numerics/LP.h"
#include "kite/Numerics/LutSoftmax.h"
#include "kite/Numerics/NMSelect.h"

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/DialectImplementation.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace kite {
/// Parsers for attribute parameters the ODS defaults do not cover.
mlir::FailureOr<llvm::APFloat> parseDoubleParameter(mlir::AsmParser &parser);
mlir::FailureOr<bool> parseBoolParameter(mlir::AsmParser &parser);
} // namespace kite

namespace kite {
/// Per-element scale and zero point of a kite.quantize/kite.dequantize over
/// its row-major float-side tensor: one pair per tensor, or one per index
/// along the quantization axis.
struct QuantParamsAt {
  llvm::ArrayRef<double> scale;
  llvm::ArrayRef<int64_t> zeroPoint;
  bool perChannel = false;
  int64_t inner = 1, channels = 1;

  size_t channelOf(int64_t linear) const {
    return perChannel ? size_t((linear / inner) % channels) : 0;
  }
  std::pair<double, int64_t> operator()(int64_t linear) const {
    size_t c = channelOf(linear);
    return {scale[c], zeroPoint[c]};
  }
  /// Calls fn(begin, end, scale, zero point) for each run of the first `n`
  /// elements that share their parameters (per channel: `inner` of them),
  /// so that kernels need no division per element.
  template <typename Fn> void forEachRun(int64_t n, Fn fn) const {
    int64_t step = perChannel ? inner : n;
    for (int64_t begin = 0; begin < n; begin += step) {
      size_t c = channelOf(begin);
      fn(begin, std::min(n, begin + step), scale[c], zeroPoint[c]);
    }
  }
};
} // namespace kite

#include "kite/dialects/Kite/KiteDialect.h.inc"
#include "kite/dialects/Kite/KiteEnums.h.inc"

#define GET_TYPEDEF_CLASSES
#include "kite/dialects/Kite/KiteTypes.h.inc"

#define GET_ATTRDEF_CLASSES
#include "kite/dialects/Kite/KiteAttrs.h.inc"

namespace kite {
/// The codes of `values` in the LP format of `type`'s elements, stored as
/// kite.constant holds them (i8 up to 8 bits, i16 above); what a
/// kite.quantize of a constant folds to.
mlir::DenseIntElementsAttr encodeLPConstant(mlir::RankedTensorType type,
                                            mlir::DenseFPElementsAttr values);

/// Products per run of a kite.matmul or kite.conv2d (dense), from its
/// static types.
int64_t macCount(mlir::Operation *op);

/// How constant MAC weights split into the array's `groups` K x N matrices
/// (kite.packed_weights): a matmul's [B...] x K x N weights are one matrix
/// per batch; a convolution filter F x C x kh x kw is one (C kh kw) x
/// (F / groups) matrix per group (column j of group g is filter
/// g * F / groups + j). Functions in PackedWeights.h.
struct WeightLayout {
  int64_t groups, k, n;
  bool filter;
  /// Rows of one packed matrix: K, or ceil(K / M) * N kept rows for N:M.
  int64_t valueRows(NMAttr nm) const;
  int64_t valueBytes(NMAttr nm) const { return valueRows(nm) * n; }
  /// Bytes of one matrix's packed in-group indices (N:M only).
  int64_t indexBytes(NMAttr nm) const;
};
} // namespace kite

#define GET_OP_CLASSES
#include "kite/dialects/Kite/KiteOps.h.inc"

namespace kite {
/// Name of the module attribute that holds the `#kite.target`.
constexpr llvm::StringLiteral kTargetAttrName = "kite.target";

/// The `#kite.target` of the module enclosing `op`, or null.
TargetAttr lookupTarget(mlir::Operation *op);
/// The same for a pass that needs one: null after an error on `op` naming
/// `passName` and kite-set-target.
TargetAttr requireTarget(mlir::Operation *op, llvm::StringRef passName);
} // namespace kite

#endif // KITE_DIALECT_KITE_IR_KITE_H
