//===- TasdRewrite.h - MAC ops as series of N:M terms -----------*- C++ -*-===//
//
// What kite-tasd, kite-tasd-activations, kite-tasder and kite-apply-plan
// share: N:M series as text, TASD-W's decomposition of constant integer
// weights into a chain of N:M terms, and TASD-A's run-time selection of
// integer activations.
//
//===----------------------------------------------------------------------===//

#ifndef KITE_LIB_DIALECT_KITE_TRANSFORMS_TASDREWRITE_H
#define KITE_LIB_DIALECT_KITE_TRANSFORMS_TASDREWRITE_H

#include "kite/Dialect/Kite/IR/Kite.h"

#include "mlir/IR/BuiltinOps.h"

#include <string>
#include <utility>

namespace kite::tasd {

using Terms = llvm::SmallVector<std::pair<unsigned, unsigned>>;

/// "2:4+1:8" -> {(2, 4), (1, 8)}; failure on anything else.
mlir::FailureOr<Terms> parseSeries(llvm::StringRef text);

/// "2:4+1:8" for `terms`.
std::string seriesText(llvm::ArrayRef<std::pair<unsigned, unsigned>> terms);

/// Whether TASD-W applies to `op`: a matmul or convolution with constant
/// integer weights, not yet N:M, a convolution not continuing a chain.
bool isDecomposable(mlir::Operation *op);

/// The MAC ops of `module` TASD-W applies to, in IR order.
llvm::SmallVector<mlir::Operation *> decomposable(mlir::ModuleOp module);

/// K x N of `op`'s weights as N:M groups see them (groups along K): a
/// matmul's rhs, a convolution's filter as (C/groups * KH * KW) x F.
std::pair<int64_t, int64_t> weightMatrixShape(mlir::Operation *op);

/// Rewrites `op` (isDecomposable) into its chain of N:M terms (the first
/// keeps each group's N1 largest weights, the next the same of what is
/// left, ...); sets the relative residual ||R|| / ||W|| and the kept /
/// total nonzero weights.
void decompose(mlir::Operation *op,
               llvm::ArrayRef<std::pair<unsigned, unsigned>> terms,
               double &relativeResidual, int64_t &kept, int64_t &nonzero);

/// Whether TASD-A's run-time selection applies to `op` (see
/// selectActivations).
bool selectsActivations(mlir::Operation *op, double geluThresholdReal);

/// TASD-A: if the first term's run-time selection applies to `op` —
/// integer activations that are ReLU outputs or, with `geluThresholdReal`
/// > 0, GELU outputs (magnitudes below it read as zero); dense weights —
/// rewrites `op` into one MAC op per term sharing its weights, each later
/// term selecting from what the earlier ones left. Returns the first
/// term's selection, or nullptr (nothing changed).
NMAttr selectActivations(mlir::Operation *op,
                         llvm::ArrayRef<std::pair<unsigned, unsigned>> terms,
                         double geluThresholdReal);

/// selectActivations with the first term's integer threshold given (0: a
/// ReLU output; > 0: a GELU output's codes below it read as zero), as a
/// plan records it.
NMAttr selectActivationsAt(mlir::Operation *op,
                           llvm::ArrayRef<std::pair<unsigned, unsigned>> terms,
                           unsigned threshold);

} // namespace kite::tasd

#endif // KITE_LIB_DIALECT_KITE_TRANSFORMS_TASDREWRITE_H
