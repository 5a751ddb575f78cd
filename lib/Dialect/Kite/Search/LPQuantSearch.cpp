//===- LPQuantSearch.cpp - LPQ: search each layer's LP formats ------------===//

#include "../Transforms/LPRewrite.h"
#include "kite/Dialect/Kite/Search/Calibration.h"
#include "kite/Dialect/Kite/Search/PrefixCache.h"
#include "kite/Dialect/Kite/Search/Progress.h"
#include "kite/Dialect/Kite/Search/Reference.h"
#include "kite/Dialect/Kite/Transforms/DataMovement.h"
#include "kite/Dialect/Kite/Transforms/Passes.h"
#include "kite/Numerics/Contrastive.h"
#include "kite/Numerics/Genetic.h"
#include "kite/Target/Kbin.h"

#include "mlir/IR/Threading.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/ThreadPool.h"

#include <atomic>
#include <cmath>
#include <map>
#include <set>

namespace kite {
#define GEN_PASS_DEF_KITELPQUANTSEARCH
#include "kite/dialects/Kite/Passes.h.inc"
} // namespace kite

using namespace mlir;
using namespace kite;
using namespace kite::lp;
namespace nq = kite::numerics;

namespace {
/// LPQ: a genetic search over each layer's (activation, weight) format.
struct LPQuantSearchPass
    : kite::impl::KiteLPQuantSearchBase<LPQuantSearchPass> {
  using KiteLPQuantSearchBase::KiteLPQuantSearchBase;
  /// The inputs in `calibration` (set by runOnOperation).
  const CalibrationData *calibrationData = nullptr;

  /// Genes 2l and 2l + 1: layer l's activation and weight format, as
  /// indices into the candidates.
  using Genome = nq::Genome;

  struct Score {
    double fitness, agreement, relativeError, bits, energy, contrast;
    double quality; ///< the fitness without the budget penalties
  };
  /// Calibration samples and the entry function's batch.
  int64_t samples = 0, batch = 0;
  /// The float model's outputs on them, as the genomes' agreement compares.
  Reference agreeWith;

  /// The target's cost model and each layer's MACs per run, for the MAC
  /// energy of a genome.
  rt::TargetParams costs;
  std::vector<int64_t> layerMacs;

  /// Layer l's (activation, weight) word widths in genome g; a product of
  /// two activations uses the activation gene for both.
  std::pair<unsigned, unsigned> widthsOf(const Genome &g, size_t l,
                                         ArrayRef<nq::LPFormat> candidates,
                                         const std::vector<MacLayer> &layers) {
    return {candidates[g[2 * l]].n,
            candidates[g[layers[l].rhsConstant ? 2 * l + 1 : 2 * l]].n};
  }

  double averageBits(const Genome &g, ArrayRef<nq::LPFormat> candidates,
                     const std::vector<MacLayer> &layers) {
    // Layers the entry function does not run stay float and do not count.
    double bits = 0;
    unsigned counted = 0;
    for (auto [l, layer] : llvm::enumerate(layers)) {
      if (!layer.reached)
        continue;
      auto [a, w] = widthsOf(g, l, candidates, layers);
      bits += (a + w) / 2.0;
      ++counted;
    }
    return counted ? bits / counted : 0;
  }

  /// MAC energy per run of genome g relative to INT8 MACs (exact 8 x 8
  /// multipliers) on the same target.
  double relativeMacEnergy(const Genome &g, ArrayRef<nq::LPFormat> candidates,
                           const std::vector<MacLayer> &layers) {
    double lp = 0, int8 = 0;
    for (auto [l, layer] : llvm::enumerate(layers)) {
      if (!layer.reached)
        continue;
      auto [a, w] = widthsOf(g, l, candidates, layers);
      lp += double(layerMacs[l]) * costs.lpMacPj(a, w);
      int8 += double(layerMacs[l]) * costs.intMacPj(8, 8);
    }
    return int8 > 0 ? lp / int8 : 0;
  }

  /// Per layer, the layer whose activation gene it reads: an earlier one
  /// whose activations are sliced from the same tensor (shareScalesOfSlices),
  /// or itself.
  std::vector<size_t> formatLeader;
  /// `g` with each layer's activation gene its leader's.
  Genome tied(Genome g) const {
    for (auto [l, leader] : llvm::enumerate(formatLeader))
      g[2 * l] = g[2 * leader];
    return g;
  }

  /// Values saved at each layer's cut, keyed by the genes before it.
  std::shared_ptr<PrefixCache> cache;

  /// The cache key of layer `l`'s cut in batch `b`: the genes of the
  /// layers before it that run.
  PrefixCache::Key cutKey(const Genome &g, size_t l, size_t b,
                          const std::vector<MacLayer> &layers) {
    PrefixCache::Key key{uint32_t(b)};
    for (size_t j = 0; j < l; ++j)
      if (layers[j].reached)
        key.insert(key.end(), {g[2 * j], g[2 * j + 1]});
    return key;
  }

  /// Agreement with the float model's outputs (`agreeWith`) and relative
  /// squared error of the outputs on the calibration data, plus a penalty
  /// for every bit above the budget. Each batch starts from the deepest
  /// layer whose values a genome with the same earlier genes left in
  /// `cache`.
  FailureOr<Score> evaluate(ModuleOp module, const Genome &g,
                            ArrayRef<nq::LPFormat> candidates,
                            const std::vector<MacLayer> &layers,
                            ScaleFactors &sfs) {
    OwningOpRef<ModuleOp> copy = module.clone();
    SmallVector<Operation *> ops = floatMacOps(*copy);
    DenseMap<Operation *, size_t> layerOf;
    for (size_t i = 0; i < ops.size(); ++i)
      if (layers[i].reached)
        layerOf[rewriteToLP(ops[i], layers[i], candidates[g[2 * i]],
                            candidates[g[2 * i + 1]], sfs)
                    .getDefiningOp()] = i;
    auto func = copy->lookupSymbol<func::FuncOp>(entry);
    interp::BlockRun run(func.getBody().front());
    // Layer l's cut: the first of the ops its rewrite made (the operands'
    // quantize or constant, then the LP op), which sit right before the LP
    // op; in program order. With a layer inside a region, every batch runs
    // whole.
    std::vector<size_t> cuts, cutLayer;
    bool cacheable = cache && cache->enabled() && func.getBody().hasOneBlock();
    std::vector<std::pair<Operation *, size_t>> inOrder(layerOf.begin(),
                                                        layerOf.end());
    for (auto [mac, l] : inOrder)
      cacheable &= mac->getBlock() == &run.body();
    if (cacheable) {
      llvm::sort(inOrder, [&](auto &x, auto &y) {
        return run.position(x.first) < run.position(y.first);
      });
      for (auto [mac, l] : inOrder) {
        size_t at = run.position(mac);
        for (Value operand : mac->getOperands().take_front(2))
          if (Operation *def = operand.getDefiningOp())
            if (def->getBlock() == &run.body())
              at = std::min(at, run.position(def));
        cuts.push_back(at);
        cutLayer.push_back(l);
      }
    }

    interp::Interpreter interpreter;
    interp::Tensor out;
    const size_t numLayers = layers.size();
    std::vector<double> contrastSum(numLayers, 0);
    unsigned fullBatches = 0;
    size_t batchIndex = 0;
    auto runBatch = [&](func::FuncOp f, std::vector<interp::Tensor> &args,
                        const CalibrationBatch &info) -> LogicalResult {
      size_t b = batchIndex++;
      bool full = info.fresh == batch;
      std::vector<double> contrast(numLayers, 0);
      DenseMap<Value, interp::Tensor> values;
      size_t start;
      size_t firstNewCut = cache->resume(
          run, cuts,
          [&](size_t k) { return cutKey(g, cutLayer[k], b, layers); }, args,
          values, start, &contrast);
      FailureOr<std::vector<interp::Tensor>> results = run.run(
          interpreter, start, values, cuts,
          [&](size_t k, DenseMap<Value, interp::Tensor> &live) {
            if (k >= firstNewCut)
              cache->insert(cutKey(g, cutLayer[k], b, layers),
                            PrefixCache::snapshot(run, live, contrast));
          },
          [&](Operation *op, DenseMap<Value, interp::Tensor> &live) {
            auto it = layerOf.find(op);
            if (it == layerOf.end() || contrastive <= 0 || !full)
              return;
            const MacLayer &layer = layers[it->second];
            const std::vector<float> &q = live[op->getResult(0)].f;
            int64_t dim = int64_t(layer.out.size()) / samples;
            if (int64_t(q.size()) == batch * dim)
              contrast[it->second] = nq::contrastiveLoss(
                  q.data(), layer.out.data() + info.first * dim, batch, dim,
                  0.1);
          });
      if (failed(results))
        return failure();
      const interp::Tensor &t = results->front();
      out.f.insert(out.f.end(), t.f.begin(), t.f.end());
      if (full) {
        for (size_t l = 0; l < numLayers; ++l)
          contrastSum[l] += contrast[l];
        ++fullBatches;
      }
      return success();
    };
    if (failed(forEachCalibrationBatch(*copy, "kite-lp-quant-search",
                                       *calibrationData, entry, runBatch,
                                       calibrationSize)))
      return failure();
    // Agreement as the other label-free searches score it: top-1 for
    // [rows, classes] logits, each row's cosine similarity otherwise.
    int64_t width = agreeWith.rowWidth(), rows = agreeWith.referenceRows;
    double agree = 0;
    for (int64_t r = 0; r < rows; ++r)
      agree += agreeWith.score(out, r, width, r).second;
    Score s;
    s.agreement = agree / double(rows);
    s.relativeError = relativeSquaredError(out.f, agreeWith.z);
    s.bits = averageBits(g, candidates, layers);
    s.energy = relativeMacEnergy(g, candidates, layers);
    // Per layer, how much worse the LP output tells the samples of a batch
    // apart than the float one, in units of log(batch) (all-equal features).
    s.contrast = 0;
    unsigned counted = 0;
    for (auto [l, layer] : llvm::enumerate(layers))
      if (layer.reached && contrastive > 0 && batch > 1) {
        double mean = fullBatches ? contrastSum[l] / fullBatches : 0;
        double excess = mean - layer.selfContrast;
        s.contrast += std::max(0.0, excess) / std::log(double(batch));
        ++counted;
      }
    if (counted)
      s.contrast /= counted;
    s.quality =
        s.relativeError + 0.1 * (1 - s.agreement) + contrastive * s.contrast;
    s.fitness = s.quality + std::max(0.0, s.bits - bitBudget) +
                (energyBudget > 0 ? std::max(0.0, s.energy - energyBudget) : 0);
    return s;
  }

  /// Runs `fn` on [0, n): on the context's threads (`threads` = 0), or on
  /// a pool of `threads`.
  LogicalResult forEachIndex(size_t n,
                             llvm::function_ref<LogicalResult(size_t)> fn) {
    if (threads == 0)
      return failableParallelForEachN(&getContext(), 0, n, fn);
    llvm::StdThreadPool pool(llvm::hardware_concurrency(threads));
    std::atomic<bool> ok{true};
    for (size_t i = 0; i < n; ++i)
      pool.async([&, i] {
        if (ok && failed(fn(i)))
          ok = false;
      });
    pool.wait();
    return success(ok);
  }

  /// The candidate with the next larger (`wider`) or smaller word than
  /// candidate `c`, if any.
  static std::optional<unsigned> neighbour(ArrayRef<nq::LPFormat> candidates,
                                           unsigned c, bool wider) {
    std::optional<unsigned> next;
    for (auto [i, f] : llvm::enumerate(candidates)) {
      bool beyond = wider ? f.n > candidates[c].n : f.n < candidates[c].n;
      if (beyond && (!next || (wider ? f.n < candidates[*next].n
                                     : f.n > candidates[*next].n)))
        next = unsigned(i);
    }
    return next;
  }

  /// Trades after the GA: a mutation changes one gene at a time, so under a
  /// tight bit budget it rarely finds a layer that needs a wider format
  /// paid for by another that tolerates a narrower one (the ViT's patch
  /// embedding reads the image: its activations want more bits). Each round
  /// scores every one-step widening and narrowing of `best` alone, pairs
  /// the kTop that hurt least (by quality, without the budget penalty),
  /// and moves to the fittest genome found if it beats `best`;
  /// `perEvaluation` (seconds, from the GA) makes its time estimate.
  template <typename ScoreAll>
  LogicalResult trade(Genome &best, ArrayRef<nq::LPFormat> candidates,
                      const std::vector<MacLayer> &layers,
                      std::map<Genome, Score> &scores, ScoreAll scoreAll,
                      double perEvaluation) {
    constexpr size_t kTop = 3;
    for (unsigned round = 0; round < tradeRounds; ++round) {
      // One step of one used gene: (gene, candidate).
      using Step = std::pair<size_t, unsigned>;
      std::vector<Step> wider, narrower;
      for (auto [l, layer] : llvm::enumerate(layers)) {
        if (!layer.reached)
          continue;
        for (size_t gene : {2 * l, 2 * l + 1}) {
          if (gene == 2 * l + 1 && !layer.rhsConstant)
            continue; // an activation product reads gene 2l for both
          if (gene == 2 * l && formatLeader[l] != l)
            continue; // it reads its leader's
          if (std::optional<unsigned> c =
                  neighbour(candidates, best[gene], true))
            wider.push_back({gene, *c});
          if (std::optional<unsigned> c =
                  neighbour(candidates, best[gene], false))
            narrower.push_back({gene, *c});
        }
      }
      auto apply = [&](Genome g, ArrayRef<Step> steps) {
        for (const Step &st : steps)
          g[st.first] = st.second;
        return tied(std::move(g));
      };
      std::vector<Genome> singles;
      for (const std::vector<Step> *set : {&wider, &narrower})
        for (const Step &st : *set)
          singles.push_back(apply(best, st));
      // A round can take as long as the GA on a large model: say so.
      size_t planned = singles.size() + kTop * kTop;
      llvm::errs() << llvm::formatv(
          "kite-lp-quant-search: trade {0}: scoring up to {1} neighbours of "
          "the best genome, about {2:f0} s at the GA's {3:f2} s per "
          "evaluation\n",
          round + 1, planned, double(planned) * perEvaluation, perEvaluation);
      if (failed(scoreAll(singles)))
        return failure();
      auto leastHurt = [&](std::vector<Step> set) {
        llvm::stable_sort(set, [&](const Step &a, const Step &b) {
          return scores[apply(best, a)].quality <
                 scores[apply(best, b)].quality;
        });
        set.resize(std::min(set.size(), kTop));
        return set;
      };
      std::vector<Genome> tried = singles;
      for (const Step &w : leastHurt(wider))
        for (const Step &n : leastHurt(narrower))
          if (w.first != n.first)
            tried.push_back(apply(best, {w, n}));
      if (failed(scoreAll(tried)))
        return failure();
      Genome next = best;
      for (const Genome &g : tried)
        if (scores[g].fitness < scores[next].fitness)
          next = g;
      if (next == best) {
        llvm::errs() << llvm::formatv(
            "kite-lp-quant-search: trade {0}: no neighbour is fitter\n",
            round + 1);
        break;
      }
      llvm::errs() << llvm::formatv(
          "kite-lp-quant-search: trade {0}: fitness {1:f4} -> {2:f4}, {3:f2} "
          "average bits, {4} evaluations\n",
          round + 1, scores[best].fitness, scores[next].fitness,
          scores[next].bits, scores.size());
      best = next;
    }
    return success();
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto fail = [&](const Twine &message) {
      module.emitError() << "kite-lp-quant-search: " << message;
      signalPassFailure();
    };
    if (calibration.empty())
      return fail("needs calibration data (calibration=<file.npy|.npz>)");
    if (population < 2 || generations < 1)
      return fail("needs population >= 2 and generations >= 1");
    if (mutation < 0 || mutation > 1 || crossover < 0 || crossover > 1)
      return fail("mutation and crossover are probabilities in [0, 1]");
    if (energyBudget < 0)
      return fail("energy-budget must be >= 0 (0: none)");
    SmallVector<nq::LPFormat> candidates;
    TargetAttr target = lookupTarget(module);
    costs = target ? targetParams(target) : rt::TargetParams();
    SmallVector<StringRef> texts;
    StringRef(candidateFormats).split(texts, ';');
    for (StringRef text : texts) {
      std::optional<nq::LPFormat> f = parseFormat(text);
      if (!f)
        return fail("candidate '" + text +
                    "' is not 'n,es,rs' with 2 <= n <= 16, es <= 4, "
                    "1 <= rs < n");
      if (target && !target.supportsLPBits(f->n))
        return fail("target '" + target.getName() +
                    "' does not support LP words of " + Twine(f->n) + " bits");
      candidates.push_back(*f);
    }
    // Every layer at the narrowest candidate is the least average there
    // is: a budget below it is met by no choice, so it is an error rather
    // than a search that ends over budget.
    unsigned narrowest = 16;
    for (const nq::LPFormat &f : candidates)
      narrowest = std::min(narrowest, f.n);
    if (bitBudget < narrowest)
      return fail(llvm::formatv("no choice of formats averages {0:f2} bits or "
                                "fewer: the narrowest candidate has {1} "
                                "(candidates=)",
                                double(bitBudget), narrowest)
                      .str());
    SmallVector<Operation *> macOps = floatMacOps(module);
    if (macOps.empty())
      return; // nothing to search
    calibrationData = getAnalysis<CalibrationFiles>().load(
        &getContext(), calibration, "kite-lp-quant-search");
    if (!calibrationData)
      return signalPassFailure();
    std::vector<MacLayer> layers;
    interp::Tensor reference;
    if (failed(observe(module, "kite-lp-quant-search", *calibrationData, entry,
                       macOps, &layers, &reference, calibrationSize)))
      return signalPassFailure();
    formatLeader = shareScalesOfSlices(macOps, layers);
    if (reference.shape.empty() || reference.f.empty())
      return fail("the entry function's first result must be a float tensor "
                  "of rank >= 1 (e.g. logits)");
    layerMacs.clear();
    for (Operation *op : macOps)
      layerMacs.push_back(macCount(op));
    samples = reference.shape[0];
    agreeWith = Reference::ofOutputs(reference);
    batch = 0;
    auto func = module.lookupSymbol<func::FuncOp>(entry);
    if (func.getNumArguments() > 0)
      if (auto type = dyn_cast<ShapedType>(func.getArgumentTypes()[0]))
        batch = type.hasRank() && type.getRank() > 0 ? type.getDimSize(0) : 0;
    if (contrastive > 0)
      for (MacLayer &layer : layers)
        if (layer.reached)
          layer.selfContrast =
              batchContrast(layer.out, layer.out, samples, batch);

    cache = std::make_shared<PrefixCache>(size_t(cacheMb) << 20);
    nq::GeneticSearch ga(
        std::vector<unsigned>(2 * layers.size(), candidates.size()),
        {mutation, crossover, seed});
    ScaleFactors sfs;
    std::map<Genome, Score> scores;
    // Scores the genomes not seen before on the context's threads; the
    // results do not depend on how many there are.
    auto scoreAll = [&](const std::vector<Genome> &genomes) -> LogicalResult {
      std::vector<const Genome *> fresh;
      std::set<Genome> queued;
      for (const Genome &g : genomes)
        if (!scores.count(g) && queued.insert(g).second)
          fresh.push_back(&g);
      std::vector<Score> results(fresh.size());
      if (failed(forEachIndex(fresh.size(), [&](size_t i) -> LogicalResult {
            FailureOr<Score> s =
                evaluate(module, *fresh[i], candidates, layers, sfs);
            if (failed(s))
              return failure();
            results[i] = *s;
            return success();
          })))
        return failure();
      for (size_t i = 0; i < fresh.size(); ++i)
        scores[*fresh[i]] = results[i];
      return success();
    };
    // Start from every uniform assignment, then random ones.
    std::vector<Genome> pop;
    for (unsigned c = 0; c < candidates.size() && pop.size() < population; ++c)
      pop.push_back(Genome(2 * layers.size(), c));
    while (pop.size() < population)
      pop.push_back(tied(ga.randomGenome()));
    Genome best = pop.front();
    Progress progress("kite-lp-quant-search", "generation", generations);
    for (unsigned gen = 0; gen < generations; ++gen) {
      if (failed(scoreAll(pop)))
        return signalPassFailure();
      std::vector<double> fitness;
      for (const Genome &g : pop) {
        fitness.push_back(scores[g].fitness);
        if (fitness.back() < scores[best].fitness)
          best = g;
      }
      const Score &b = scores[best];
      progress.step(gen + 1,
                    llvm::formatv("best fitness {0:f4}, {5} {1:f4}, {2:f2} "
                                  "average bits, MAC energy {3:f3} of INT8, "
                                  "{4} evaluations",
                                  b.fitness, b.agreement, b.bits, b.energy,
                                  scores.size(), agreeWith.metric()));
      pop = ga.nextGeneration(pop, fitness, best);
      for (Genome &g : pop)
        g = tied(std::move(g));
    }
    double perEvaluation =
        scores.empty() ? 0 : progress.elapsed() / double(scores.size());
    if (failed(
            trade(best, candidates, layers, scores, scoreAll, perEvaluation)))
      return signalPassFailure();

    std::string chosen;
    for (size_t i = 0; i < layers.size(); ++i) {
      nq::LPFormat a = candidates[best[2 * i]], w = candidates[best[2 * i + 1]];
      if (i)
        chosen += ';';
      chosen += formatText(a) + "/" + formatText(w);
      if (layers[i].reached)
        rewriteToLP(macOps[i], layers[i], a, w, sfs);
    }
    quantizeBeforeDataMovement(module);
    // The uniform assignments of the first generation are the baselines.
    for (auto [c, format] : llvm::enumerate(candidates)) {
      auto it = scores.find(Genome(2 * layers.size(), c));
      if (it != scores.end())
        llvm::errs() << llvm::formatv(
            "kite-lp-quant-search: uniform {0}: {3} {1:f4}, relative error "
            "{2:e2}\n",
            formatText(format), it->second.agreement, it->second.relativeError,
            agreeWith.metric());
    }
    if (cache->lookups())
      llvm::errs() << llvm::formatv(
          "kite-lp-quant-search: {0} evaluations in {1:f1} s; {2} of {3} "
          "lookups found a saved layer\n",
          scores.size(), progress.elapsed(), cache->hits(), cache->lookups());
    cache.reset();
    const Score &b = scores[best];
    llvm::errs() << llvm::formatv(
        "kite-lp-quant-search: chose layer-formats={0} ({1:f2} average bits, "
        "MAC energy {2:f3} of INT8, {6} with float {3:f4}, relative error "
        "{4:e2}, contrastive excess {5:e2} on the calibration data)\n",
        chosen, b.bits, b.energy, b.agreement, b.relativeError, b.contrast,
        agreeWith.metric());
  }
};
} // namespace
