//===- Genetic.h - genetic-algorithm operators ------------------*- C++ -*-===//
//
// The generational GA shared by the searches over per-layer choices (LPQ's
// formats, the approximate-multiplier baseline): a genome picks one value
// per gene, fitness is minimised, the best genome survives. Plain C++;
// deterministic for a fixed seed.
//
//===----------------------------------------------------------------------===//

#ifndef KITE_NUMERICS_GENETIC_H
#define KITE_NUMERICS_GENETIC_H

#include <random>
#include <vector>

namespace kite::numerics {

/// Gene i takes values in [0, arity[i]).
using Genome = std::vector<unsigned>;

struct GeneticOptions {
  double mutation = 0.1;  ///< probability of redrawing each gene of a child
  double crossover = 0.9; ///< probability that a child mixes two parents
  unsigned seed = 1;
};

class GeneticSearch {
public:
  /// Every arity must be at least 1.
  GeneticSearch(std::vector<unsigned> arity, GeneticOptions options);

  /// Every gene drawn uniformly.
  Genome randomGenome();
  /// Binary tournament: the index of the fitter (lower; the first on a tie)
  /// of two members drawn uniformly.
  size_t tournament(const std::vector<double> &fitness);
  /// Uniform crossover: each gene from either parent with probability 1/2.
  Genome crossover(const Genome &a, const Genome &b);
  /// Redraws each gene with probability `mutation`.
  void mutate(Genome &genome);
  /// A generation of the same size: `best` first (elitism), then children
  /// of tournament winners, crossed over with probability `crossover`, then
  /// mutated.
  std::vector<Genome> nextGeneration(const std::vector<Genome> &population,
                                     const std::vector<double> &fitness,
                                     const Genome &best);

private:
  unsigned randomGene(size_t i);

  std::vector<unsigned> arity;
  GeneticOptions options;
  std::mt19937 rng;
};

} // namespace kite::numerics

#endif // KITE_NUMERICS_GENETIC_H
