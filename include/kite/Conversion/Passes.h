//===- Passes.h - conversion passes into and out of kite --------*- C++ -*-===//

#ifndef KITE_CONVERSION_PASSES_H
#define KITE_CONVERSION_PASSES_H

#include "kite/Dialect/Kite/IR/Kite.h"
#include "kite/Dialect/KiteIsa/IR/KiteIsa.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/Pass/Pass.h"

namespace kite {
/// Discardable attribute convert-kite-to-kite-isa puts on each instruction:
/// the layer of the tensor-level op it came from (that op's own kite.layer,
/// else its position in the entry function).
constexpr llvm::StringLiteral kLayerAttrName = "kite.layer";

/// tosa.transpose of `v` by `perms`, with the permuted result type.
inline mlir::Value createTranspose(mlir::OpBuilder &b, mlir::Location loc,
                                   mlir::Value v,
                                   llvm::ArrayRef<int32_t> perms) {
  auto type = mlir::cast<mlir::RankedTensorType>(v.getType());
  llvm::SmallVector<int64_t> shape;
  for (int32_t p : perms)
    shape.push_back(type.getDimSize(p));
  return mlir::tosa::TransposeOp::create(
      b, loc, mlir::RankedTensorType::get(shape, type.getElementType()), v,
      b.getDenseI32ArrayAttr(perms));
}

#define GEN_PASS_DECL
#include "kite/dialects/Conversion/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "kite/dialects/Conversion/Passes.h.inc"
} // namespace kite

#endif // KITE_CONVERSION_PASSES_H
