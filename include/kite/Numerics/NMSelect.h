//===- NMSelect.h - which entries an N:M selection keeps --------*- C++ -*-===//
//
// One definition of N:M structured selection, shared by the interpreter
// (run-time selection of sparse operands), the lowering (compile-time
// compression) and TASD (decomposition into N:M terms): in every group of M
// consecutive elements along the reduction, the N of largest magnitude
// survive, ties going to the lower index. Plain C++.
//
//===----------------------------------------------------------------------===//

#ifndef KITE_NUMERICS_NMSELECT_H
#define KITE_NUMERICS_NMSELECT_H

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <vector>

namespace kite::numerics {

/// Largest threshold of a run-time activation selection (kept magnitudes
/// below it read as zero): the int8 magnitude range.
constexpr int64_t kMaxSelectionThreshold = 128;

/// Positions (ascending) kept in one group of `len` elements, where
/// `magnitude(t)` orders the group's element t by magnitude (any key: LP
/// words use their log). With a positive `threshold` (run-time selection of
/// integer activations), those of the N whose magnitude is below it are not
/// kept either: they read as zero.
template <typename Magnitude>
std::vector<int64_t> keptInGroup(int64_t len, unsigned n, Magnitude magnitude,
                                 int64_t threshold = 0) {
  std::vector<int64_t> order(static_cast<size_t>(len));
  for (int64_t t = 0; t < len; ++t)
    order[size_t(t)] = t;
  std::stable_sort(order.begin(), order.end(), [&](int64_t x, int64_t y) {
    return magnitude(x) > magnitude(y);
  });
  order.resize(std::min<size_t>(n, order.size()));
  if (threshold > 0)
    order.erase(
        std::remove_if(order.begin(), order.end(),
                       [&](int64_t t) { return magnitude(t) < threshold; }),
        order.end());
  std::sort(order.begin(), order.end());
  return order;
}

/// One term of a decomposition series: N kept in every group of M.
struct NMPattern {
  unsigned n, m;
};

/// Positions (ascending) of a row of `len` elements that the last term of
/// `series` keeps when the terms decompose the row in order (TASD, R_0 = row,
/// A_t = the selection of R_{t-1}, R_t = R_{t-1} - A_t): term t keeps, in
/// every group of M_t consecutive elements, the N_t of largest magnitude
/// among those the earlier terms left (keptInGroup, `threshold` included).
/// A one-term series is keptInGroup on every group.
template <typename Magnitude>
std::vector<int64_t>
keptByLastTerm(int64_t len, const std::vector<NMPattern> &series,
               Magnitude magnitude, int64_t threshold = 0) {
  std::vector<char> taken(static_cast<size_t>(len), 0);
  std::vector<int64_t> kept, left;
  for (const NMPattern &term : series) {
    kept.clear();
    for (int64_t g0 = 0; g0 < len; g0 += term.m) {
      left.clear();
      for (int64_t j = g0; j < std::min<int64_t>(len, g0 + term.m); ++j)
        if (!taken[size_t(j)])
          left.push_back(j);
      for (int64_t x : keptInGroup(
               int64_t(left.size()), term.n,
               [&](int64_t y) { return magnitude(left[size_t(y)]); },
               threshold))
        kept.push_back(left[size_t(x)]);
    }
    for (int64_t j : kept)
      taken[size_t(j)] = 1;
  }
  return kept;
}

/// Calls `drop(j)` for every position of a row of `len` elements that the
/// last term of `series` does not keep (keptByLastTerm), in ascending
/// order, after the selection is made: `drop` may clear what `magnitude`
/// reads.
template <typename Magnitude, typename Drop>
void dropAllButLastTerm(int64_t len, const std::vector<NMPattern> &series,
                        Magnitude magnitude, int64_t threshold, Drop drop) {
  std::vector<int64_t> kept = keptByLastTerm(len, series, magnitude, threshold);
  for (int64_t j = 0, next = 0; j < len; ++j) {
    if (next < int64_t(kept.size()) && kept[size_t(next)] == j)
      ++next;
    else
      drop(j);
  }
}

/// The least common multiple of the series' group sizes: a tile of the
/// reduction that is a multiple of it cuts no group of any term.
inline int64_t seriesPeriod(const std::vector<NMPattern> &series) {
  int64_t period = 1;
  for (const NMPattern &term : series)
    period = std::lcm<int64_t>(period, term.m);
  return period;
}

} // namespace kite::numerics

#endif // KITE_NUMERICS_NMSELECT_H
