//===- Tiling.h - MAC tiles on the array and its buffers --------*- C++ -*-===//
//
// How a MAC op is cut into array passes: kite-tile picks tiles with these
// functions, convert-kite-to-kite-isa checks and uses them.
//
//===----------------------------------------------------------------------===//

#ifndef KITE_CONVERSION_TILING_H
#define KITE_CONVERSION_TILING_H

#include "kite/Dialect/Kite/IR/Kite.h"

#include <optional>
#include <string>

namespace kite {

/// A MAC problem as the array sees it: M x K activations times K x N
/// weights, N:M-compressed along K when keep > 0.
struct MacShape {
  int64_t m, k, n;
  int64_t keep = 0, group = 0;
  /// How many such problems the op runs (batches, images x groups).
  int64_t problems = 1;
  /// Matmuls in the accumulator chain (a TASD series) the op belongs to:
  /// its terms share accumulator tiles, and beyond two of them their
  /// weights are loaded again for every row tile.
  int64_t chainTerms = 1;
  /// Run-time N:M activations: a k tile must not cut a group of any term of
  /// their series (numerics::seriesPeriod; 1: dense activations).
  int64_t actPeriod = 1;
};

/// Images of convolution `conv` whose im2col rows one MAC problem stacks,
/// so that every weight-stationary pass streams their output positions
/// together: enough for eight array heights of rows, as long as their
/// patches fit half of `target`'s ACT buffer (at least one, at most the
/// batch).
int64_t imagesPerPass(Conv2DOp conv, TargetAttr target);

/// Bytes of the im2col patches one problem of `conv` reads: one group of
/// imagesPerPass images.
int64_t patchBytes(Conv2DOp conv, TargetAttr target);

/// The problem one array pass of `op` (kite.matmul or kite.conv2d) belongs
/// to: a matmul whose weights every batch shares is one (batch x M) x K
/// problem, other batched matmuls one per batch; a convolution is one
/// problem per group and block of imagesPerPass images (their im2col rows
/// x the filters of the group).
std::optional<MacShape> macShape(mlir::Operation *op, TargetAttr target);

/// The bytes a MAC op's tiles may use: half of each on-chip buffer (the
/// halves alternate), the weight halves less two slots for the op's
/// per-column vectors (integer and f32 bias, `n` values each).
struct TileBudget {
  int64_t act, weight, acc;
  int64_t arrayRows, arrayCols;
  int64_t vectorSlot; ///< bytes of one slot of per-column vectors
};
TileBudget tileBudget(TargetAttr target, int64_t n);

/// The tile the lowering uses unless told otherwise: as many columns as the
/// array has (more when the accumulator half holds them), then the longest
/// reduction, then as many rows as fit. N:M tiles take whole groups and, when
/// they do not cover N, a multiple of 8 columns (packed indices start on a
/// byte). An op that would be one tile in all, in a chain of at most two
/// terms, is cut in two row tiles (when it has at least two array heights
/// of rows), so that loading, multiplying and draining overlap.
TileAttr defaultTile(mlir::MLIRContext *ctx, const TileBudget &budget,
                     const MacShape &shape);

/// Why an m x k x n tile (each at most the shape's) does not fit `budget`,
/// or nothing.
std::optional<std::string> tileProblem(const TileBudget &budget,
                                       const MacShape &shape, int64_t m,
                                       int64_t k, int64_t n);

} // namespace kite

#endif // KITE_CONVERSION_TILING_H
