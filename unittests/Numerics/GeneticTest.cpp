//===- GeneticTest.cpp - genetic-algorithm operators ----------------------===//

#include "kite/Numerics/Genetic.h"

#include "gtest/gtest.h"

#include <numeric>
#include <set>

using namespace kite::numerics;

namespace {
TEST(Genetic, RandomGenomesRespectArityAndCoverIt) {
  GeneticSearch ga({1, 3, 5}, {});
  std::set<unsigned> seen[3];
  for (int k = 0; k < 500; ++k) {
    Genome g = ga.randomGenome();
    ASSERT_EQ(g.size(), 3u);
    for (int i = 0; i < 3; ++i)
      seen[i].insert(g[i]);
  }
  EXPECT_EQ(seen[0], (std::set<unsigned>{0}));
  EXPECT_EQ(seen[1], (std::set<unsigned>{0, 1, 2}));
  EXPECT_EQ(seen[2], (std::set<unsigned>{0, 1, 2, 3, 4}));
}

TEST(Genetic, SameSeedSameSequence) {
  GeneticOptions a, b, c;
  c.seed = 2;
  GeneticSearch x({7, 7, 7, 7}, a), y({7, 7, 7, 7}, b), z({7, 7, 7, 7}, c);
  std::vector<Genome> gx, gy, gz;
  for (int k = 0; k < 20; ++k) {
    gx.push_back(x.randomGenome());
    gy.push_back(y.randomGenome());
    gz.push_back(z.randomGenome());
  }
  EXPECT_EQ(gx, gy);
  EXPECT_NE(gx, gz);
}

TEST(Genetic, TournamentPrefersLowerFitness) {
  GeneticSearch ga({2}, {});
  // Two members: the fitter wins unless both draws hit the other (1/4).
  int fitterWins = 0, n = 4000;
  for (int k = 0; k < n; ++k)
    fitterWins += ga.tournament({5.0, 1.0}) == 1;
  EXPECT_NEAR(double(fitterWins) / n, 0.75, 0.03);
  // On a tie the first drawn wins, so both indices occur.
  std::set<size_t> tie;
  for (int k = 0; k < 100; ++k)
    tie.insert(ga.tournament({2.0, 2.0}));
  EXPECT_EQ(tie.size(), 2u);
}

TEST(Genetic, CrossoverTakesEachGeneFromAParent) {
  GeneticSearch ga(std::vector<unsigned>(1000, 2), {});
  Genome zeros(1000, 0), ones(1000, 1);
  Genome child = ga.crossover(zeros, ones);
  unsigned fromB = std::accumulate(child.begin(), child.end(), 0u);
  EXPECT_NEAR(fromB / 1000.0, 0.5, 0.06);
}

TEST(Genetic, MutationRate) {
  GeneticOptions never, always;
  never.mutation = 0;
  always.mutation = 1;
  Genome g(1000, 0);
  GeneticSearch keep(std::vector<unsigned>(1000, 1000), never);
  keep.mutate(g);
  EXPECT_EQ(g, Genome(1000, 0));
  GeneticSearch redraw(std::vector<unsigned>(1000, 1000), always);
  redraw.mutate(g);
  EXPECT_GT(std::count_if(g.begin(), g.end(), [](unsigned v) { return v; }),
            990);
}

TEST(Genetic, NextGenerationKeepsBestAndSize) {
  GeneticOptions copyOnly;
  copyOnly.mutation = 0;
  copyOnly.crossover = 0;
  GeneticSearch ga({4, 4}, copyOnly);
  std::vector<Genome> pop = {{0, 0}, {1, 1}, {2, 2}, {3, 3}};
  std::vector<double> fitness = {3, 2, 1, 0};
  std::vector<Genome> next = ga.nextGeneration(pop, fitness, {3, 3});
  ASSERT_EQ(next.size(), 4u);
  EXPECT_EQ(next[0], (Genome{3, 3}));
  // Without crossover or mutation children are copies of members.
  for (const Genome &g : next)
    EXPECT_EQ(g[0], g[1]);
}

TEST(Genetic, SolvesOneMax) {
  // Minimise the number of non-zero genes; the optimum is all zeros.
  GeneticOptions options;
  options.mutation = 1.0 / 24; // about one gene per child
  GeneticSearch ga(std::vector<unsigned>(24, 4), options);
  auto fitness = [](const Genome &g) {
    return double(
        std::count_if(g.begin(), g.end(), [](unsigned v) { return v != 0; }));
  };
  std::vector<Genome> pop;
  for (int k = 0; k < 20; ++k)
    pop.push_back(ga.randomGenome());
  Genome best = pop[0];
  for (int gen = 0; gen < 100; ++gen) {
    std::vector<double> f;
    for (const Genome &g : pop) {
      f.push_back(fitness(g));
      if (f.back() < fitness(best))
        best = g;
    }
    pop = ga.nextGeneration(pop, f, best);
  }
  EXPECT_EQ(fitness(best), 0);
}
} // namespace
