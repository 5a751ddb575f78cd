//===- Knapsack.h - multiple-choice knapsack --------------------*- C++ -*-===//
//
// Picks one option per group minimising total cost subject to a bound on
// total weight: the selection problem of FAMES (cost = multiplier energy,
// weight = predicted loss increase). Plain C++.
//
//===----------------------------------------------------------------------===//

#ifndef KITE_NUMERICS_KNAPSACK_H
#define KITE_NUMERICS_KNAPSACK_H

#include <optional>
#include <vector>

namespace kite::numerics {

struct KnapsackOption {
  double cost = 0;   ///< minimised (e.g. energy)
  double weight = 0; ///< bounded (e.g. predicted loss increase), >= 0
};

/// One option per group with sum(weight) <= budget and the least sum(cost):
/// an exact dynamic program over the budget discretised into `resolution`
/// steps (weights rounded up, so the bound always holds). Returns the chosen
/// index per group, or nullopt if no choice fits (every group must have at
/// least one option).
std::optional<std::vector<size_t>> solveMultipleChoiceKnapsack(
    const std::vector<std::vector<KnapsackOption>> &groups, double budget,
    unsigned resolution = 2000);

/// The Lagrangian relaxation of the same problem: for a multiplier lambda
/// every group independently takes the option of least cost + lambda *
/// weight; the smallest lambda whose choice fits the budget is found by
/// bisection. Always within the budget, not always the least cost (it only
/// reaches choices on the lower convex hull of cost against weight), but
/// its time does not grow with a resolution. Options of infinite weight
/// are never taken; nullopt if no choice fits.
std::optional<std::vector<size_t>> solveMultipleChoiceKnapsackLagrangian(
    const std::vector<std::vector<KnapsackOption>> &groups, double budget);

} // namespace kite::numerics

#endif // KITE_NUMERICS_KNAPSACK_H
