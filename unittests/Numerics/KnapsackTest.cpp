//===- KnapsackTest.cpp - multiple-choice knapsack ------------------------===//

#include "kite/Numerics/Knapsack.h"

#include "gtest/gtest.h"

#include <limits>
#include <random>

using namespace kite::numerics;

namespace {
/// Brute force over every combination.
std::optional<double>
bestCost(const std::vector<std::vector<KnapsackOption>> &g, double budget) {
  std::optional<double> best;
  std::vector<size_t> idx(g.size(), 0);
  while (true) {
    double c = 0, w = 0;
    for (size_t i = 0; i < g.size(); ++i) {
      c += g[i][idx[i]].cost;
      w += g[i][idx[i]].weight;
    }
    if (w <= budget && (!best || c < *best))
      best = c;
    size_t i = 0;
    while (i < g.size() && ++idx[i] == g[i].size())
      idx[i++] = 0;
    if (i == g.size())
      return best;
  }
}
} // namespace

TEST(KnapsackTest, SmallExample) {
  // Two layers: exact (cost 10, weight 0) or approximate (cheaper, lossier).
  std::vector<std::vector<KnapsackOption>> g = {{{10, 0}, {6, 0.3}, {3, 0.8}},
                                                {{10, 0}, {5, 0.5}}};
  auto pick = solveMultipleChoiceKnapsack(g, 0.8);
  ASSERT_TRUE(pick);
  EXPECT_EQ(*pick, (std::vector<size_t>{1, 1})); // 6 + 5, weight 0.8
  auto tight = solveMultipleChoiceKnapsack(g, 0.0);
  ASSERT_TRUE(tight);
  EXPECT_EQ(*tight, (std::vector<size_t>{0, 0}));
  EXPECT_FALSE(solveMultipleChoiceKnapsack({{{1, 2}}}, 1.0));
}

TEST(KnapsackTest, MatchesBruteForce) {
  std::mt19937 rng(3);
  std::uniform_real_distribution<double> cost(1, 10), weight(0, 1);
  for (int trial = 0; trial < 200; ++trial) {
    std::vector<std::vector<KnapsackOption>> g(4);
    for (auto &options : g) {
      options.push_back({10, 0}); // always a zero-weight option
      for (int o = 0; o < 3; ++o)
        options.push_back({cost(rng), weight(rng)});
    }
    double budget = weight(rng) * 2;
    auto pick = solveMultipleChoiceKnapsack(g, budget, 20000);
    ASSERT_TRUE(pick);
    double c = 0, w = 0;
    for (size_t i = 0; i < g.size(); ++i) {
      c += g[i][(*pick)[i]].cost;
      w += g[i][(*pick)[i]].weight;
    }
    EXPECT_LE(w, budget + 1e-12); // the bound always holds
    // Rounding weights up can only cost a little optimality.
    EXPECT_NEAR(c, *bestCost(g, budget), 0.5) << trial;
    EXPECT_GE(c, *bestCost(g, budget) - 1e-9);
  }
}

TEST(KnapsackTest, LagrangianStaysWithinBudgetAndNearTheOptimum) {
  std::vector<std::vector<KnapsackOption>> g = {{{10, 0}, {6, 0.3}, {3, 0.8}},
                                                {{10, 0}, {5, 0.5}}};
  auto pick = solveMultipleChoiceKnapsackLagrangian(g, 0.8);
  ASSERT_TRUE(pick);
  EXPECT_EQ(*pick, (std::vector<size_t>{1, 1})); // as the exact solver
  auto loose = solveMultipleChoiceKnapsackLagrangian(g, 10);
  ASSERT_TRUE(loose);
  EXPECT_EQ(*loose, (std::vector<size_t>{2, 1})); // the cheapest of all
  EXPECT_FALSE(solveMultipleChoiceKnapsackLagrangian({{{1, 2}}}, 1.0));
  // An option of infinite weight (outside FAMES' trust region) is never
  // taken, even when the budget is loose.
  auto trusted = solveMultipleChoiceKnapsackLagrangian(
      {{{10, 0}, {1, std::numeric_limits<double>::infinity()}}}, 1e9);
  ASSERT_TRUE(trusted);
  EXPECT_EQ(*trusted, (std::vector<size_t>{0}));

  std::mt19937 rng(5);
  std::uniform_real_distribution<double> cost(1, 10), weight(0, 1);
  double exactTotal = 0, lagrangianTotal = 0;
  for (int trial = 0; trial < 200; ++trial) {
    std::vector<std::vector<KnapsackOption>> groups(4);
    for (auto &options : groups) {
      options.push_back({10, 0});
      for (int o = 0; o < 3; ++o)
        options.push_back({cost(rng), weight(rng)});
    }
    double budget = weight(rng) * 2;
    auto l = solveMultipleChoiceKnapsackLagrangian(groups, budget);
    ASSERT_TRUE(l);
    double c = 0, w = 0;
    for (size_t i = 0; i < groups.size(); ++i) {
      c += groups[i][(*l)[i]].cost;
      w += groups[i][(*l)[i]].weight;
    }
    EXPECT_LE(w, budget + 1e-12);
    std::optional<double> best = bestCost(groups, budget);
    ASSERT_TRUE(best);
    EXPECT_GE(c, *best - 1e-9);
    exactTotal += *best;
    lagrangianTotal += c;
  }
  // The relaxation's gap is small on average.
  EXPECT_LT(lagrangianTotal, 1.1 * exactTotal);
}
