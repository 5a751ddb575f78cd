//===- CountingMatrix.h - FAMES' per-operand-pair statistics ----*- C++ -*-===//
//
// The counting matrix C[a][w] (how many products of a MAC layer multiply
// activation a by weight w) and the gradient-weighted matrix G[a][w] (the
// summed loss gradients of those products' outputs), gathered over
// calibration runs. With a multiplier's error table E(a, w) they give
// FAMES' first-order loss estimate, sum over (a, w) of G[a][w] E(a, w), and
// the error's moments per weight value (docs/passes.md). Plain C++.
//
//===----------------------------------------------------------------------===//

#ifndef KITE_NUMERICS_COUNTINGMATRIX_H
#define KITE_NUMERICS_COUNTINGMATRIX_H

#include "kite/Numerics/ConvWindow.h"
#include "kite/Numerics/Multipliers.h"

#include <cstdint>
#include <vector>

namespace kite::numerics {

/// The products of one operand pair (a, w): C[a][w] and G[a][w]. Kept
/// together because every product updates both.
struct PairStats {
  double count = 0, gradSum = 0;
};

class CountingMatrices {
public:
  CountingMatrices() = default;
  CountingMatrices(MulOperand lhs, MulOperand rhs);

  MulOperand lhs() const { return a; }
  MulOperand rhs() const { return w; }
  /// The pair (x, y) of values in the formats; the index is also that of
  /// the pair in a Multiplier's product table for the same formats.
  size_t index(int64_t x, int64_t y) const {
    return size_t((x - a.min()) << w.bits | (y - w.min()));
  }
  const PairStats &at(int64_t x, int64_t y) const {
    return stats[size_t(y - w.min()) * rowSize() + size_t(x - a.min())];
  }

  /// Adds the products of out[b] = lhs[b] (m x k) * rhs[b] (k x n), stored
  /// row-major, with `rhs` shared by every batch when `rhsShared`; `grad`
  /// holds dL/d out [batches, m, n].
  void addMatmul(const int64_t *lhs, const int64_t *rhs, const float *grad,
                 int64_t batches, int64_t m, int64_t k, int64_t n,
                 bool rhsShared);

  /// Adds the products of a grouped NCHW convolution: `input` [batch,
  /// channels, ih, iw], `filter` [filters, channels / groups, kh, kw],
  /// `grad` dL/d out [batch, filters, oh, ow]. Taps in the padding multiply
  /// by zero, which no multiplier gets wrong: they are not counted.
  void addConv2D(const int64_t *input, const int64_t *filter, const float *grad,
                 int64_t batch, int64_t channels, int64_t filters,
                 int64_t groups, const ConvWindow &window);

private:
  /// A weight row's entries: one per activation value, then kStandIns
  /// that addConv2D adds zero activations to (see there).
  static constexpr unsigned kStandIns = 8;
  size_t rowSize() const { return (size_t(1) << a.bits) + kStandIns; }
  /// Each stored value's offset from its format's minimum, times `scale`.
  static std::vector<uint32_t> offsets(const int64_t *stored, int64_t count,
                                       MulOperand f, size_t scale);

  MulOperand a, w;
  /// Weight-major, unlike index(): a convolution adds each weight's
  /// products over a run of positions, into one row that stays in L1
  /// (a-major rows lie 2^w.bits entries apart, a page each).
  std::vector<PairStats> stats;
};

} // namespace kite::numerics

#endif // KITE_NUMERICS_COUNTINGMATRIX_H
