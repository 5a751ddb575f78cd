//===- Knapsack.cpp - multiple-choice knapsack ----------------------------===//

#include "kite/Numerics/Knapsack.h"

#include <cmath>
#include <limits>

using namespace kite::numerics;

std::optional<std::vector<size_t>> kite::numerics::solveMultipleChoiceKnapsack(
    const std::vector<std::vector<KnapsackOption>> &groups, double budget,
    unsigned resolution) {
  if (budget < 0 || resolution == 0)
    return std::nullopt;
  const double inf = std::numeric_limits<double>::infinity();
  const size_t slots = size_t(resolution) + 1;
  // Weight of an option in budget steps, rounded up so the bound holds.
  auto steps = [&](double w) -> size_t {
    if (w <= 0)
      return 0;
    if (budget == 0)
      return slots; // does not fit
    double s = std::ceil(w / budget * resolution - 1e-9);
    return s >= double(slots) ? slots : size_t(s);
  };
  // best[g][b]: least cost of groups 0..g-1 using b steps; choice for
  // reconstruction.
  std::vector<std::vector<double>> best(groups.size() + 1,
                                        std::vector<double>(slots, inf));
  std::vector<std::vector<size_t>> choice(groups.size(),
                                          std::vector<size_t>(slots, 0));
  best[0][0] = 0;
  for (size_t g = 0; g < groups.size(); ++g) {
    if (groups[g].empty())
      return std::nullopt;
    for (size_t b = 0; b < slots; ++b) {
      if (best[g][b] == inf)
        continue;
      for (size_t o = 0; o < groups[g].size(); ++o) {
        size_t nb = b + steps(groups[g][o].weight);
        if (nb >= slots)
          continue;
        double c = best[g][b] + groups[g][o].cost;
        if (c < best[g + 1][nb]) {
          best[g + 1][nb] = c;
          choice[g][nb] = o;
        }
      }
    }
  }
  size_t at = 0;
  for (size_t b = 1; b < slots; ++b)
    if (best[groups.size()][b] < best[groups.size()][at])
      at = b;
  if (best[groups.size()][at] == inf)
    return std::nullopt;
  std::vector<size_t> picked(groups.size());
  for (size_t g = groups.size(); g-- > 0;) {
    size_t o = choice[g][at];
    picked[g] = o;
    at -= steps(groups[g][o].weight);
  }
  return picked;
}

std::optional<std::vector<size_t>>
kite::numerics::solveMultipleChoiceKnapsackLagrangian(
    const std::vector<std::vector<KnapsackOption>> &groups, double budget) {
  if (budget < 0)
    return std::nullopt;
  // Each group's choice at `lambda` (ties to the lighter option, so a large
  // lambda reaches each group's lightest) and its total weight.
  auto choose = [&](double lambda, std::vector<size_t> &picked) {
    double total = 0;
    picked.assign(groups.size(), 0);
    for (size_t g = 0; g < groups.size(); ++g) {
      double best = std::numeric_limits<double>::infinity();
      double bestWeight = best;
      for (size_t o = 0; o < groups[g].size(); ++o) {
        const KnapsackOption &opt = groups[g][o];
        if (!std::isfinite(opt.weight))
          continue;
        double v = opt.cost + lambda * opt.weight;
        if (v < best || (v == best && opt.weight < bestWeight)) {
          best = v;
          bestWeight = opt.weight;
          picked[g] = o;
        }
      }
      if (!std::isfinite(bestWeight))
        return std::numeric_limits<double>::infinity();
      total += bestWeight;
    }
    return total;
  };
  std::vector<size_t> picked;
  if (choose(0, picked) <= budget)
    return picked;
  // Grow lambda until the choice fits, then bisect down to the boundary.
  double lo = 0, hi = 1;
  while (choose(hi, picked) > budget) {
    hi *= 2;
    if (hi > 1e300)
      return std::nullopt; // even the lightest options do not fit
  }
  for (int i = 0; i < 200 && hi - lo > 1e-12 * hi; ++i) {
    double mid = (lo + hi) / 2;
    if (choose(mid, picked) <= budget)
      hi = mid;
    else
      lo = mid;
  }
  choose(hi, picked);
  return picked;
}
