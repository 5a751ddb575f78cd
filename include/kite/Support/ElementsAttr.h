//===- ElementsAttr.h - constant tensors rearranged at compile time -*- C++
//-*-===//
//
// Used where a transpose of a constant is folded: by the ONNX importer (the
// weights of convolutions) and by convert-tosa-to-kite.
//
//===----------------------------------------------------------------------===//

#ifndef KITE_SUPPORT_ELEMENTSATTR_H
#define KITE_SUPPORT_ELEMENTSATTR_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"

namespace kite {

/// The elements of `input` transposed by `perms` (result dimension d is
/// input dimension perms[d]).
inline mlir::DenseElementsAttr
transposeElements(mlir::DenseElementsAttr input,
                  llvm::ArrayRef<int32_t> perms) {
  llvm::ArrayRef<int64_t> inShape = input.getType().getShape();
  llvm::SmallVector<int64_t> shape, inStrides(inShape.size(), 1);
  for (int32_t p : perms)
    shape.push_back(inShape[p]);
  auto type = mlir::RankedTensorType::get(shape, input.getElementType());
  if (input.isSplat())
    return input.resizeSplat(type);
  for (int64_t d = int64_t(inShape.size()) - 2; d >= 0; --d)
    inStrides[d] = inStrides[d + 1] * inShape[d + 1];
  llvm::SmallVector<mlir::Attribute> src(input.getValues<mlir::Attribute>());
  llvm::SmallVector<mlir::Attribute> dst;
  dst.reserve(src.size());
  llvm::SmallVector<int64_t> idx(shape.size(), 0);
  for (size_t k = 0; k < src.size(); ++k) {
    int64_t from = 0;
    for (size_t d = 0; d < idx.size(); ++d)
      from += idx[d] * inStrides[perms[d]];
    dst.push_back(src[size_t(from)]);
    for (int64_t d = int64_t(idx.size()) - 1; d >= 0; --d) {
      if (++idx[d] < shape[d])
        break;
      idx[d] = 0;
    }
  }
  return mlir::DenseElementsAttr::get(type, dst);
}

} // namespace kite

#endif // KITE_SUPPORT_ELEMENTSATTR_H
