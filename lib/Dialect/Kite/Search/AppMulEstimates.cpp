//===- AppMulEstimates.cpp - FAMES' statistics and estimates --------------===//

#include "AppMulEstimates.h"

#include "kite/Numerics/ConvWindow.h"
#include "kite/Numerics/Knapsack.h"

#include <algorithm>
#include <cmath>

using namespace mlir;
using namespace kite;
using namespace kite::appmul;

std::optional<std::pair<nq::MulOperand, nq::MulOperand>>
appmul::formatsOf(Operation *op) {
  auto get = [](Value v, IntFormatAttr f) -> std::optional<nq::MulOperand> {
    Type t = cast<RankedTensorType>(v.getType()).getElementType();
    if (!t.isSignlessInteger())
      return std::nullopt;
    if (f)
      return nq::MulOperand{f.getBits(), f.getIsSigned()};
    if (t.getIntOrFloatBitWidth() > 8)
      return std::nullopt;
    return nq::MulOperand{t.getIntOrFloatBitWidth(), true};
  };
  std::optional<nq::MulOperand> a, w;
  if (auto mm = dyn_cast<MatmulOp>(op)) {
    a = get(mm.getLhs(), mm.getLhsFormatAttr());
    w = get(mm.getRhs(), mm.getRhsFormatAttr());
  } else if (auto conv = dyn_cast<Conv2DOp>(op)) {
    a = get(conv.getInput(), conv.getInputFormatAttr());
    w = get(conv.getFilter(), conv.getFilterFormatAttr());
  }
  if (!a || !w || a->bits < 2 || w->bits < 2)
    return std::nullopt;
  return std::make_pair(*a, *w);
}

void appmul::setMultiplier(Operation *op, MultiplierAttr mul) {
  if (auto mm = dyn_cast<MatmulOp>(op))
    mm.setMultiplierAttr(mul);
  else
    cast<Conv2DOp>(op).setMultiplierAttr(mul);
}

/// Adds one weight column to the statistics: `weightAt(x)` for x < k are
/// its stored weights, `outputs` its outputs, `gradSquares` their summed
/// squared gradients.
namespace {
template <typename WeightAt>
void addColumn(LayerStats &s, int64_t k, double outputs, double gradSquares,
               WeightAt weightAt) {
  llvm::SmallDenseMap<size_t, double, 32> histogram;
  for (int64_t x = 0; x < k; ++x)
    histogram[size_t(s.w().read(weightAt(x)) - s.w().min())] += 1;
  s.gradWeighted.add(gradSquares, histogram);
  s.outputWeighted.add(outputs, histogram);
}

} // namespace

void appmul::accumulate(LayerStats &s, const interp::Tensor &lhs,
                        const interp::Tensor &rhs, const interp::Tensor &y,
                        const interp::Tensor &g,
                        const interp::Tensor *curvature) {
  const interp::Tensor &h = curvature ? *curvature : g;
  for (int64_t v : y.i)
    s.outputSquares += double(v) * double(v);
  if (auto mm = dyn_cast<MatmulOp>(s.op)) {
    ArrayRef<int64_t> ls = lhs.shape;
    int64_t m = ls[ls.size() - 2], k = ls.back(), n = rhs.shape.back();
    int64_t batches = interp::numElements(ls.drop_back(2));
    bool shared = rhs.shape.size() == 2;
    s.counts.addMatmul(lhs.i.data(), rhs.i.data(), g.f.data(), batches, m, k, n,
                       shared);
    std::vector<double> columnGrads(size_t(shared ? n : batches * n), 0);
    for (int64_t b = 0; b < batches; ++b)
      for (int64_t i = 0; i < m; ++i)
        for (int64_t j = 0; j < n; ++j) {
          double grad = h.f[size_t((b * m + i) * n + j)];
          columnGrads[size_t((shared ? 0 : b) * n + j)] += grad * grad;
        }
    for (int64_t b = 0; b < (shared ? 1 : batches); ++b)
      for (int64_t j = 0; j < n; ++j)
        addColumn(s, k, double(shared ? batches * m : m),
                  columnGrads[size_t(b * n + j)], [&](int64_t x) {
                    return rhs.i[size_t((b * k + x) * n + j)];
                  });
    return;
  }
  auto conv = cast<Conv2DOp>(s.op);
  int64_t batch = lhs.shape[0], c = lhs.shape[1], ih = lhs.shape[2],
          iw = lhs.shape[3];
  int64_t f = rhs.shape[0], cg = rhs.shape[1], kh = rhs.shape[2],
          kw = rhs.shape[3];
  int64_t oh = g.shape[2], ow = g.shape[3];
  ArrayRef<int64_t> st = conv.getStrides(), pad = conv.getPads(),
                    dil = conv.getDilations();
  numerics::ConvWindow window{ih,     iw,     kh,     kw,     st[0], st[1],
                              pad[0], pad[1], dil[0], dil[1], oh,    ow};
  s.counts.addConv2D(lhs.i.data(), rhs.i.data(), g.f.data(), batch, c, f,
                     conv.getGroups(), window);
  std::vector<double> filterGrads(size_t(f), 0);
  for (int64_t nb = 0; nb < batch; ++nb)
    for (int64_t fo = 0; fo < f; ++fo)
      for (int64_t p = 0; p < oh * ow; ++p) {
        double grad = h.f[size_t((nb * f + fo) * oh * ow + p)];
        filterGrads[size_t(fo)] += grad * grad;
      }
  // Windows over the padding have fewer products; counting the whole filter
  // for them overstates their error slightly.
  int64_t filterSize = cg * kh * kw;
  for (int64_t fo = 0; fo < f; ++fo)
    addColumn(s, filterSize, double(batch * oh * ow), filterGrads[size_t(fo)],
              [&](int64_t x) { return rhs.i[size_t(fo * filterSize + x)]; });
}

void appmul::estimate(const LayerStats &s, std::vector<Candidate> &candidates,
                      ArrayRef<const nq::Multiplier *> multipliers,
                      int64_t runs, int64_t rowsPerRun, unsigned order,
                      double maxNoise) {
  // Only operand pairs that occur contribute (a pair without products
  // has no gradient either).
  struct Pair {
    size_t idx;    ///< into a candidate's product table (same formats)
    size_t w;      ///< the weight's offset from w.min
    int64_t exact; ///< a * w
    nq::PairStats stats;
  };
  std::vector<Pair> seen;
  for (int64_t a = s.a().min(); a <= s.a().max(); ++a)
    for (int64_t w = s.w().min(); w <= s.w().max(); ++w)
      if (const nq::PairStats &p = s.counts.at(a, w); p.count > 0)
        seen.push_back(
            {s.counts.index(a, w), size_t(w - s.w().min()), a * w, p});
  // The weight values some output column holds.
  size_t values = size_t(1) << s.w().bits;
  SmallVector<size_t> weights;
  std::vector<double> products(values), mean(values), var(values);
  for (const Pair &p : seen)
    products[p.w] += p.stats.count;
  for (size_t w = 0; w < values; ++w)
    if (s.outputWeighted.load[w] > 0 && products[w] > 0)
      weights.push_back(w);
  ColumnMoments gradWeighted = s.gradWeighted.restrictedTo(weights),
                outputWeighted = s.outputWeighted.restrictedTo(weights);
  std::vector<double> keptMean(weights.size()), keptVar(weights.size());
  for (auto [c, m] : llvm::zip(candidates, multipliers)) {
    const int32_t *table = m->productTable().data();
    double first = 0;
    std::fill(mean.begin(), mean.end(), 0.0);
    std::fill(var.begin(), var.end(), 0.0);
    for (const Pair &p : seen) {
      double e = double(table[p.idx] - p.exact);
      first += p.stats.gradSum * e;
      mean[p.w] += p.stats.count * e;
      var[p.w] += p.stats.count * e * e;
    }
    first /= double(runs);
    for (auto [i, w] : llvm::enumerate(weights)) {
      keptMean[i] = mean[w] / products[w];
      keptVar[i] = var[w] / products[w] - keptMean[i] * keptMean[i];
    }
    c.noise =
        s.outputSquares > 0
            ? outputWeighted.expectedSquare(keptMean, keptVar) / s.outputSquares
            : 0.0;
    double curvature = order == 2
                           ? 0.5 * double(rowsPerRun) / double(runs) *
                                 gradWeighted.expectedSquare(keptMean, keptVar)
                           : 0.0;
    // A predicted decrease of the loss is not trusted: the knapsack
    // bounds the size of the change.
    c.estimate = first + curvature;
    c.risk = c.noise > maxNoise ? INFINITY : std::fabs(first) + curvature;
  }
}

/// Per layer, the candidate of least total energy whose risks sum to at
/// most `budget` (nothing if even the exact multipliers do not fit), by
/// `solver` (dp or lagrangian).
std::optional<std::vector<size_t>>
appmul::cheapestWithin(const std::vector<std::vector<Candidate>> &candidates,
                       double budget, StringRef solver) {
  std::vector<std::vector<nq::KnapsackOption>> groups;
  for (const auto &cands : candidates) {
    groups.emplace_back();
    for (const Candidate &c : cands)
      groups.back().push_back({c.energyPj, c.risk});
  }
  if (solver == "lagrangian")
    return nq::solveMultipleChoiceKnapsackLagrangian(groups, budget);
  return nq::solveMultipleChoiceKnapsack(groups, budget);
}

/// Spearman rank correlation (average ranks for ties).
double appmul::spearman(const std::vector<double> &x,
                        const std::vector<double> &y) {
  auto ranks = [](const std::vector<double> &v) {
    std::vector<size_t> idx(v.size());
    for (size_t i = 0; i < v.size(); ++i)
      idx[i] = i;
    std::sort(idx.begin(), idx.end(),
              [&](size_t a, size_t b) { return v[a] < v[b]; });
    std::vector<double> r(v.size());
    for (size_t i = 0; i < idx.size();) {
      size_t j = i;
      while (j + 1 < idx.size() && v[idx[j + 1]] == v[idx[i]])
        ++j;
      for (size_t k = i; k <= j; ++k)
        r[idx[k]] = (double(i) + double(j)) / 2;
      i = j + 1;
    }
    return r;
  };
  std::vector<double> rx = ranks(x), ry = ranks(y);
  double mx = 0, my = 0;
  for (size_t i = 0; i < rx.size(); ++i)
    mx += rx[i], my += ry[i];
  mx /= double(rx.size());
  my /= double(ry.size());
  double sxy = 0, sxx = 0, syy = 0;
  for (size_t i = 0; i < rx.size(); ++i) {
    sxy += (rx[i] - mx) * (ry[i] - my);
    sxx += (rx[i] - mx) * (rx[i] - mx);
    syy += (ry[i] - my) * (ry[i] - my);
  }
  return sxx > 0 && syy > 0 ? sxy / std::sqrt(sxx * syy) : 0.0;
}
