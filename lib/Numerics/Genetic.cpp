//===- Genetic.cpp - genetic-algorithm operators --------------------------===//

#include "kite/Numerics/Genetic.h"

#include <algorithm>
#include <cassert>

using namespace kite::numerics;

GeneticSearch::GeneticSearch(std::vector<unsigned> arity,
                             GeneticOptions options)
    : arity(std::move(arity)), options(options), rng(options.seed) {
  assert(std::all_of(this->arity.begin(), this->arity.end(),
                     [](unsigned a) { return a >= 1; }) &&
         "a gene needs at least one value");
}

unsigned GeneticSearch::randomGene(size_t i) {
  return std::uniform_int_distribution<unsigned>(0, arity[i] - 1)(rng);
}

Genome GeneticSearch::randomGenome() {
  Genome genome(arity.size());
  for (size_t i = 0; i < genome.size(); ++i)
    genome[i] = randomGene(i);
  return genome;
}

size_t GeneticSearch::tournament(const std::vector<double> &fitness) {
  std::uniform_int_distribution<size_t> any(0, fitness.size() - 1);
  size_t i = any(rng), j = any(rng);
  return fitness[j] < fitness[i] ? j : i;
}

Genome GeneticSearch::crossover(const Genome &a, const Genome &b) {
  std::uniform_real_distribution<double> unit(0, 1);
  Genome child = a;
  for (size_t i = 0; i < child.size(); ++i)
    if (unit(rng) < 0.5)
      child[i] = b[i];
  return child;
}

void GeneticSearch::mutate(Genome &genome) {
  std::uniform_real_distribution<double> unit(0, 1);
  for (size_t i = 0; i < genome.size(); ++i)
    if (unit(rng) < options.mutation)
      genome[i] = randomGene(i);
}

std::vector<Genome>
GeneticSearch::nextGeneration(const std::vector<Genome> &population,
                              const std::vector<double> &fitness,
                              const Genome &best) {
  std::uniform_real_distribution<double> unit(0, 1);
  std::vector<Genome> next = {best};
  while (next.size() < population.size()) {
    Genome child = population[tournament(fitness)];
    if (unit(rng) < options.crossover)
      child = crossover(child, population[tournament(fitness)]);
    mutate(child);
    next.push_back(std::move(child));
  }
  return next;
}
