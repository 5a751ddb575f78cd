//===- PackedWeights.h - constant MAC weights in the array's layout -*- C++
//-*-===//
//
// What kite-pack-weights computes once and convert-kite-to-kite-isa copies
// to DRAM: a MAC op's constant weights as K x N code matrices, N:M ones
// compressed to their kept values and packed in-group indices.
//
//===----------------------------------------------------------------------===//

#ifndef KITE_DIALECT_KITE_IR_PACKEDWEIGHTS_H
#define KITE_DIALECT_KITE_IR_PACKEDWEIGHTS_H

#include "kite/Dialect/Kite/IR/Kite.h"

#include <optional>
#include <vector>

namespace kite {

/// The layout of `shape` as a filter with `groups` groups, or as matmul
/// weights; nothing when the shape does not split so.
std::optional<WeightLayout> weightLayout(llvm::ArrayRef<int64_t> shape,
                                         bool filter, int64_t groups);

/// The matrices one after the other; for N:M, row g * N + s of a matrix
/// holds the s-th kept entry of each column's group g (the N entries of
/// largest magnitude, ties to the lower index, as the interpreter selects
/// them) and `index` their positions in the group, packed per row.
struct PackedWeights {
  std::vector<int8_t> values;
  std::vector<uint8_t> index;
};

/// The codes of a constant integer or LP tensor, row-major (LP codes
/// zero-extended).
std::vector<int64_t> weightCodes(mlir::DenseElementsAttr attr,
                                 mlir::Type element);

/// Packs the codes of a weight tensor (row-major in its own shape; LP codes
/// zero-extended) of element type `element` (integer or LP, <= 8 bits).
PackedWeights packWeights(llvm::ArrayRef<int64_t> codes,
                          const WeightLayout &layout, NMAttr nm,
                          mlir::Type element);

/// The tensor `values` and `index` stand for, as codes in its own shape
/// (entries N:M drops are code 0).
std::vector<int64_t> unpackWeights(llvm::ArrayRef<int8_t> values,
                                   llvm::ArrayRef<uint8_t> index,
                                   const WeightLayout &layout, NMAttr nm,
                                   mlir::Type element);

} // namespace kite

#endif // KITE_DIALECT_KITE_IR_PACKEDWEIGHTS_H
