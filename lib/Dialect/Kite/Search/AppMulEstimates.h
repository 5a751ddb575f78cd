//===- AppMulEstimates.h - FAMES' statistics and estimates ------*- C++ -*-===//
//
// What kite-appmul-select learns from one forward and backward pass over
// the calibration data (counting matrices and error moments per layer),
// the Taylor estimate of each candidate multiplier's loss change drawn
// from them, and the knapsack over the estimates.
//
//===----------------------------------------------------------------------===//

#ifndef KITE_DIALECT_KITE_SEARCH_APPMULESTIMATES_H
#define KITE_DIALECT_KITE_SEARCH_APPMULESTIMATES_H

#include "kite/Dialect/Kite/IR/Kite.h"
#include "kite/Interpreter/Interpreter.h"
#include "kite/Numerics/CountingMatrix.h"
#include "kite/Numerics/Multipliers.h"

#include "llvm/ADT/DenseMap.h"

#include <optional>
#include <string>
#include <vector>

namespace kite::appmul {
namespace nq = kite::numerics;

/// Second moments of output errors from per-weight-value error statistics.
/// An output's error is the sum of its K products' errors, and whether those
/// add up or cancel depends on its weights (a truncated product errs towards
/// zero, so its sign follows the weight's). So the statistics are kept per
/// weight column c (the K weights one output multiplies) with a weight u_c
/// and n_c(w) = how many of c's weights equal w:
/// load[w] = sum_c u_c n_c(w), pairs[w][w'] = sum_c u_c n_c(w) n_c(w').
struct ColumnMoments {
  size_t values = 0; ///< weight values, indexed 0 .. values - 1
  std::vector<double> load, pairs;

  explicit ColumnMoments(size_t values = 0)
      : values(values), load(values), pairs(values * values) {}

  void add(double weight, const llvm::SmallDenseMap<size_t, double, 32> &n) {
    for (auto [w, count] : n) {
      load[w] += weight * count;
      for (auto [w2, count2] : n)
        pairs[w * values + w2] += weight * count * count2;
    }
  }

  /// The moments of the weight values `kept` only, renumbered 0, 1, ...:
  /// every candidate's sums then run over dense rows.
  ColumnMoments restrictedTo(llvm::ArrayRef<size_t> kept) const {
    ColumnMoments r(kept.size());
    for (auto [i, w] : llvm::enumerate(kept)) {
      r.load[i] = load[w];
      for (auto [j, w2] : llvm::enumerate(kept))
        r.pairs[i * r.values + j] = pairs[w * values + w2];
    }
    return r;
  }

  /// sum_c u_c E[err_c^2] = sum_c u_c (sum_w n_c(w) var(w) +
  /// (sum_w n_c(w) mean(w))^2), taking the activations independent given
  /// the weight; `mean` and `var` are per weight value.
  double expectedSquare(llvm::ArrayRef<double> mean,
                        llvm::ArrayRef<double> var) const {
    double sum = 0;
    for (size_t w = 0; w < values; ++w) {
      // pairs is symmetric: the diagonal once, the upper triangle twice.
      // Four partial sums keep the row's additions independent.
      const double *row = &pairs[w * values];
      double part[4] = {0, 0, 0, 0};
      size_t w2 = w + 1;
      for (; w2 + 4 <= values; w2 += 4)
        for (size_t u = 0; u < 4; ++u)
          part[u] += row[w2 + u] * mean[w2 + u];
      for (; w2 < values; ++w2)
        part[0] += row[w2] * mean[w2];
      double off = (part[0] + part[1]) + (part[2] + part[3]);
      sum += load[w] * var[w] + mean[w] * (row[w] * mean[w] + 2 * off);
    }
    return sum;
  }
};

/// What one integer MAC layer saw over the calibration runs.
struct LayerStats {
  mlir::Operation *op = nullptr;
  nq::CountingMatrices counts;
  nq::MulOperand a() const { return counts.lhs(); }
  nq::MulOperand w() const { return counts.rhs(); }
  /// The outputs' errors, per weight column (below): weighted by the
  /// squared gradients for the loss, by the output count for the noise.
  ColumnMoments gradWeighted, outputWeighted;
  double outputSquares = 0; ///< sum over outputs and runs of y^2
  int64_t macs = 0;         ///< products per run
};

/// The operand formats of an integer MAC op, or nullopt for other ops.
std::optional<std::pair<nq::MulOperand, nq::MulOperand>>
formatsOf(mlir::Operation *op);

void setMultiplier(mlir::Operation *op, MultiplierAttr mul);

/// Adds one run's products of a layer to its statistics: its operands,
/// result and the loss's gradient at the result; the second-order term's
/// squares from `curvature` instead of `g` if given.
void accumulate(LayerStats &s, const interp::Tensor &lhs,
                const interp::Tensor &rhs, const interp::Tensor &y,
                const interp::Tensor &g,
                const interp::Tensor *curvature = nullptr);

struct Candidate {
  std::string name;
  double estimate = 0; ///< predicted loss change (first + second order)
  double risk = 0;     ///< |first order| + second order: the knapsack weight
  double energyPj = 0; ///< multiplier energy per run
  double noise = 0;    ///< expected output error power / output power
  /// The loss change with this multiplier in this layer alone, measured
  /// (screening or check-estimates).
  std::optional<double> measured = std::nullopt;
};

/// Fills in the estimate, risk and noise of a layer's `candidates` (with
/// their `multipliers`) from its statistics over `runs` calibration runs
/// of `rowsPerRun` rows: Taylor order 1 or 2, and candidates whose
/// noise-to-signal ratio exceeds `maxNoise` get an infinite risk.
void estimate(const LayerStats &s, std::vector<Candidate> &candidates,
              llvm::ArrayRef<const nq::Multiplier *> multipliers, int64_t runs,
              int64_t rowsPerRun, unsigned order, double maxNoise);

/// Per layer, the candidate of least total energy whose risks sum to at
/// most `budget` (nothing if even the exact multipliers do not fit), by
/// `solver` (dp or lagrangian).
std::optional<std::vector<size_t>>
cheapestWithin(const std::vector<std::vector<Candidate>> &candidates,
               double budget, llvm::StringRef solver);

/// Spearman rank correlation (average ranks for ties).
double spearman(const std::vector<double> &x, const std::vector<double> &y);

} // namespace kite::appmul

#endif // KITE_DIALECT_KITE_SEARCH_APPMULESTIMATES_H
