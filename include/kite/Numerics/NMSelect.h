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

} // namespace kite::numerics

#endif // KITE_NUMERICS_NMSELECT_H
