//===- AppMulSelect.cpp - approximate-multiplier selection (FAMES) --------===//

#include "AppMulEstimates.h"
#include "AppMulEvaluator.h"

#include "kite/Dialect/Kite/Search/Calibration.h"
#include "kite/Dialect/Kite/Search/Progress.h"
#include "kite/Dialect/Kite/Search/Reference.h"
#include "kite/Dialect/Kite/Transforms/Passes.h"
#include "kite/Numerics/Genetic.h"
#include "kite/Numerics/Multipliers.h"
#include "kite/Target/KnownTargets.h"

#include "mlir/IR/Threading.h"

#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <cmath>
#include <map>
#include <random>
#include <set>

namespace kite {
#define GEN_PASS_DEF_KITEAPPMULSELECT
#include "kite/dialects/Kite/Passes.h.inc"
} // namespace kite

using namespace mlir;
using namespace kite;
using namespace kite::appmul;

namespace {
using Choice = std::vector<size_t>;

struct AppMulSelectPass : kite::impl::KiteAppMulSelectBase<AppMulSelectPass> {
  using KiteAppMulSelectBase::KiteAppMulSelectBase;
  AppMulSelectPass(const KiteAppMulSelectOptions &options, SearchInputs inputs)
      : KiteAppMulSelectBase(options), inputs(std::move(inputs)) {}
  SearchInputs inputs;
  /// The inputs in `calibration` (set by runOnOperation).
  const CalibrationData *calibrationData = nullptr;

  std::vector<LayerStats> layers;
  /// Per layer, every library multiplier defined for its widths ("exact"
  /// first) and its estimates.
  std::vector<std::vector<Candidate>> candidates;
  std::shared_ptr<Evaluator> eval;
  /// The exact multipliers' calibration score.
  Score exact;
  /// loss-budget with its default resolved for the objective.
  double lossBound = 0.05;

  bool withinLimits(Score s) const {
    return exact.accuracy - s.accuracy <= maxDrop + 1e-9 &&
           s.loss - exact.loss <= lossBound;
  }
  /// A pass/fail run stops once the limits cannot hold.
  FailureOr<Score> check(const Choice &choice) {
    return eval->score(choice,
                       [&](const Score &best) { return !withinLimits(best); });
  }
  /// "calibration top-1 0.9800, loss 0.0284", or what a stopped run bounds.
  std::string scoreText(Score s, const Reference &y) const {
    if (s.complete)
      return llvm::formatv("calibration {0} {1:f4}, loss {2:f4}", y.metric(),
                           s.accuracy, s.loss);
    return llvm::formatv("stopped after {0} samples: calibration {1} <= "
                         "{2:f4}, loss >= {3:f4}",
                         s.samples, y.metric(), s.accuracy, s.loss);
  }
  double energyOf(const Choice &choice) const {
    double pj = 0;
    for (auto [l, c] : llvm::enumerate(choice))
      pj += candidates[l][c].energyPj;
    return pj;
  }

  LogicalResult gatherStatistics(ModuleOp module, const Reference &y,
                                 TargetAttr target);
  FailureOr<Choice> searchGA();
  FailureOr<std::optional<Choice>> verifyKnapsack(const Reference &y,
                                                  double &budget);
  FailureOr<std::optional<Choice>> screenPick(Choice pick, double budget);
  FailureOr<Choice> improve(Choice chosen, const Reference &y);
  FailureOr<Score> measureAlone(size_t l, size_t c);
  LogicalResult measureSubstitutions(const Choice &chosen);
  LogicalResult writeEstimates(ModuleOp module, const Choice &chosen,
                               llvm::json::Object final);
  void runOnOperation() override;
};

/// Steps 1 and 2: the candidates of every layer, one forward + backward
/// pass over the calibration data (whose forward half also scores the
/// exact multipliers) and the Taylor estimates from its tables, with no
/// model run per candidate.
LogicalResult AppMulSelectPass::gatherStatistics(ModuleOp module,
                                                 const Reference &y,
                                                 TargetAttr target) {
  // Energy per run: relative energy x exact A x W-bit energy x MACs.
  double int8MulPj = target.getEnergy().getInt8Mul().convertToDouble();
  std::vector<std::vector<const nq::Multiplier *>> multipliers(layers.size());
  candidates.assign(layers.size(), {});
  for (auto [l, s] : llvm::enumerate(layers)) {
    double exactPj = int8MulPj *
                     nq::exactEnergyRelativeTo8x8(s.a().bits, s.w().bits) *
                     double(s.macs);
    for (Attribute attr : target.getMultipliers()) {
      const nq::Multiplier *m = nq::Multiplier::shared(
          cast<StringAttr>(attr).getValue(), s.a(), s.w(), nullptr);
      if (!m)
        continue;
      candidates[l].push_back({m->name(), 0, 0, exactPj * m->relativeEnergy()});
      multipliers[l].push_back(m);
    }
  }
  if (method != "taylor")
    return success();
  interp::Interpreter interpreter;
  LossAndAccuracy exactScore;
  bool probeCurvature =
      order == 2 && y.kind == Reference::Kind::Values && !y.cosineLoss;
  std::mt19937 signs(seed);
  int64_t runs = 0, rowsPerRun = 0;
  if (failed(forEachCalibrationBatch(
          module, "kite-appmul-select", *calibrationData, entry,
          [&](func::FuncOp func, std::vector<interp::Tensor> &args,
              const CalibrationBatch &b) -> LogicalResult {
            rowsPerRun = y.shape[0];
            if (std::string wrong = y.check(b.first, b.fresh, y.rowWidth());
                !wrong.empty())
              return module.emitError() << "kite-appmul-select: " << wrong;
            FailureOr<interp::GradientRun> run =
                interpreter.runWithGradients(func, args, y.lossFor(b));
            if (failed(run))
              return failure();
            // An MSE's curvature (Gauss-Newton: 2/N J^T J at the result)
            // does not depend on the residual, which the loss gradients
            // carry: a backward pass from random +-1 seeds estimates its
            // diagonal (Hutchinson), scaled so that B p^2 is 2/N u^2.
            std::optional<DenseMap<Value, interp::Tensor>> probe;
            if (probeCurvature) {
              const interp::Tensor &out = run->outputs[0];
              interp::Tensor seed = interp::Tensor::floats(out.shape);
              double scale =
                  std::sqrt(2.0 / (double(out.size()) * double(out.shape[0])));
              for (float &v : seed.f)
                v = float(signs() & 1 ? scale : -scale);
              probe.emplace();
              if (failed(interpreter.gradientsFrom(func, run->values,
                                                   std::move(seed), *probe)))
                return failure();
            }
            std::string wrong = exactScore.add(run->outputs[0], y, b);
            if (!wrong.empty())
              return module.emitError() << "kite-appmul-select: " << wrong;
            // Layers' statistics are independent: one task each.
            struct Work {
              LayerStats *s;
              const interp::Tensor *lhs, *rhs, *y, *g, *h;
            };
            std::vector<Work> work;
            for (LayerStats &s : layers) {
              auto g = run->grads.find(s.op->getResult(0));
              if (g == run->grads.end())
                continue;
              const interp::Tensor *h = nullptr;
              if (probe) {
                auto it = probe->find(s.op->getResult(0));
                h = it != probe->end() ? &it->second : nullptr;
              }
              work.push_back({&s, &run->values[s.op->getOperand(0)],
                              &run->values[s.op->getOperand(1)],
                              &run->values[s.op->getResult(0)], &g->second, h});
            }
            // On the context's threads (--mlir-disable-threading: one).
            mlir::parallelForEach(&getContext(), work, [](const Work &w) {
              accumulate(*w.s, *w.lhs, *w.rhs, *w.y, *w.g, w.h);
            });
            ++runs;
            return success();
          },
          calibrationSize)))
    return failure();
  auto [loss, accuracy] = exactScore.mean();
  exact = {loss, accuracy};
  for (auto [l, s] : llvm::enumerate(layers))
    estimate(s, candidates[l], multipliers[l], runs, rowsPerRun, order,
             maxNoise);
  return success();
}

/// The genetic-algorithm baseline: fitness measured by running the model.
FailureOr<Choice> AppMulSelectPass::searchGA() {
  using numerics::Genome;
  Choice allExact(candidates.size(), 0);
  double exactEnergy = energyOf(allExact);
  auto fitness = [&](const Genome &g) -> FailureOr<double> {
    Choice choice(g.begin(), g.end());
    FailureOr<Score> got = eval->score(choice);
    if (failed(got))
      return failure();
    return withinLimits(*got) ? energyOf(choice)
                              : exactEnergy * (2 + (got->loss - exact.loss));
  };
  std::vector<unsigned> arity;
  for (const auto &c : candidates)
    arity.push_back(c.size());
  // Every child mixes two parents; mutation alone explores too slowly here.
  numerics::GeneticSearch ga(arity, {mutation, /*crossover=*/1.0, seed});
  std::vector<Genome> population;
  population.push_back(Genome(candidates.size(), 0)); // all exact
  while (population.size() < std::max(2u, unsigned(population_)))
    population.push_back(ga.randomGenome());
  Genome best = population[0];
  double bestFitness = INFINITY;
  // A GA over a large model runs for minutes.
  Progress progress("kite-appmul-select", "GA generation", generations);
  for (unsigned gen = 0; gen < generations; ++gen) {
    std::vector<double> scores;
    for (const Genome &g : population) {
      FailureOr<double> f = fitness(g);
      if (failed(f))
        return failure();
      scores.push_back(*f);
      if (*f < bestFitness)
        best = g, bestFitness = *f;
    }
    population = ga.nextGeneration(population, scores, best);
    progress.step(gen + 1,
                  llvm::formatv("best energy {0:f1} pJ, {1} evaluations",
                                bestFitness, eval->runs()));
  }
  return Choice(best.begin(), best.end());
}

/// Steps 4 and 6: the knapsack's choice at `budget`, verified on the
/// calibration data; the budget halved while the choice fails (at most 10
/// times), then `refine` bisection steps between the budget that passed
/// and the smallest that failed. Sets `budget` to the one that passed;
/// nullopt if none did.
FailureOr<std::optional<Choice>>
AppMulSelectPass::verifyKnapsack(const Reference &y, double &budget) {
  std::optional<Choice> pick;
  auto passes = [&](double at) -> FailureOr<bool> {
    pick = cheapestWithin(candidates, at, solver);
    if (!pick)
      return false;
    // Screening runs only substitutions not measured yet, so a repeated
    // pick screens to the same choice without a model run.
    if (screen) {
      FailureOr<std::optional<Choice>> screened = screenPick(*pick, at);
      if (failed(screened))
        return failure();
      pick = *screened;
      if (!pick)
        return false;
    }
    // Budgets close together often pick the same multipliers: the
    // evaluator runs each choice once.
    bool seen = eval->known(*pick).has_value();
    FailureOr<Score> got = check(*pick);
    if (failed(got))
      return failure();
    if (report && seen)
      llvm::errs() << llvm::formatv(
          "kite-appmul-select: budget {0:e2}: the same choice as before\n", at);
    else if (report && got->complete)
      llvm::errs() << llvm::formatv(
          "kite-appmul-select: budget {0:e2}: calibration {5} {1:f4} "
          "(exact {2:f4}), loss {3:f4} (exact {4:f4})\n",
          at, got->accuracy, exact.accuracy, got->loss, exact.loss, y.metric());
    else if (report)
      llvm::errs() << llvm::formatv("kite-appmul-select: budget {0:e2}: {1}\n",
                                    at, scoreText(*got, y));
    return got->complete && withinLimits(*got);
  };
  std::optional<Choice> accepted;
  double failedBudget = 0; // the smallest budget that failed, 0: none
  for (int attempt = 0; attempt < 10 && !accepted; ++attempt) {
    FailureOr<bool> ok = passes(budget);
    if (failed(ok))
      return failure();
    if (!pick)
      break;
    if (*ok)
      accepted = pick;
    else
      failedBudget = budget, budget /= 2;
  }
  // Halving can overshoot: bisect between the budget that passed and the
  // smallest that failed.
  for (unsigned step = 0; accepted && failedBudget > 0 && step < refine;
       ++step) {
    double mid = (budget + failedBudget) / 2;
    FailureOr<bool> ok = passes(mid);
    if (failed(ok))
      return failure();
    if (*ok)
      budget = mid, accepted = pick;
    else
      failedBudget = mid;
  }
  return accepted;
}

/// Screening: a Taylor estimate can miss a large perturbation by orders
/// of magnitude (the ViT's QKV projection with 8 truncated product bits:
/// predicted -0.017 nats, measured +5.6), and the joint check would then
/// halve the budget for every layer. So each substitution in `pick` is
/// run alone once, its |measured loss change| replaces its knapsack
/// weight, and the knapsack is solved again until every substitution it
/// picks has been measured. Returns that pick (nothing if none fits).
FailureOr<std::optional<Choice>> AppMulSelectPass::screenPick(Choice pick,
                                                              double budget) {
  while (true) {
    bool measuredAny = false;
    for (auto [l, c] : llvm::enumerate(pick)) {
      Candidate &cand = candidates[l][c];
      if (c == 0 || cand.measured)
        continue;
      if (failed(measureAlone(l, c)))
        return failure();
      cand.risk = std::fabs(*cand.measured);
      measuredAny = true;
    }
    if (!measuredAny)
      return std::optional<Choice>(std::move(pick));
    std::optional<Choice> next = cheapestWithin(candidates, budget, solver);
    if (!next)
      return std::optional<Choice>();
    pick = std::move(*next);
  }
}

/// Step 7, the measured local improvement: the knapsack weighs each
/// substitution by |estimate| (a predicted decrease is not trusted) and
/// stops at a budget the joint run verified, so it leaves savings only a
/// run can confirm. Moves of one layer to a cheaper multiplier are tried,
/// one model run each, predicted decreases first (largest saving first),
/// then by least predicted increase per pJ saved; a move is kept if the
/// limits still hold. A failed move rules out the layer's candidates
/// predicted to hurt at least as much (ruling out those with more output
/// noise too saved runs but, on the ResNet with refine=0, also moves that
/// would have been kept: 41.3 % instead of 42.7 % in 18 runs). At most
/// `improve-runs` runs, each from the prefix state of the layer it
/// changes. When no single move is left, a rejected move is tried again
/// traded against one other layer's move back towards exact (on the 3-bit
/// digits MLP: 36.6 % -> 39.6 %, the full GA's energy).
FailureOr<Choice> AppMulSelectPass::improve(Choice chosen, const Reference &y) {
  std::set<std::pair<size_t, size_t>> tried;
  std::set<std::tuple<size_t, size_t, size_t, size_t>> tradesTried;
  // Per layer, the candidates whose move failed.
  std::vector<SmallVector<size_t>> rejected(layers.size());
  // A run costs the same whatever a move saves: moves worth less than
  // 0.1 % of the exact multipliers' energy are not tried.
  double smallest = 1e-3 * energyOf(Choice(layers.size(), 0));

  auto singleMove = [&]() -> std::optional<std::pair<size_t, size_t>> {
    std::optional<std::pair<size_t, size_t>> move;
    double bestKey = INFINITY;
    for (auto [l, cands] : llvm::enumerate(candidates)) {
      const Candidate &now = cands[chosen[l]];
      for (auto [c, cand] : llvm::enumerate(cands)) {
        double saved = now.energyPj - cand.energyPj;
        if (saved < smallest || tried.count({l, c}) ||
            llvm::any_of(rejected[l], [&](size_t f) {
              return cand.estimate >= cands[f].estimate;
            }))
          continue;
        double change = cand.estimate - now.estimate;
        double key = change <= 0 ? -saved : change / saved;
        if (key < bestKey)
          bestKey = key, move = std::make_pair(l, c);
      }
    }
    return move;
  };
  // A rejected move (layer r to dc) with one other layer j back towards
  // exact (to u: dearer, with a lower estimate) where that costs less
  // than the move saves, largest net saving first.
  auto trade =
      [&]() -> std::optional<std::tuple<size_t, size_t, size_t, size_t>> {
    std::optional<std::tuple<size_t, size_t, size_t, size_t>> best;
    double bestNet = smallest;
    for (auto [r, rej] : llvm::enumerate(rejected))
      for (size_t dc : rej) {
        double saved =
            candidates[r][chosen[r]].energyPj - candidates[r][dc].energyPj;
        for (auto [j, cands] : llvm::enumerate(candidates)) {
          if (j == r)
            continue;
          const Candidate &now = cands[chosen[j]];
          for (auto [u, up] : llvm::enumerate(cands)) {
            double net = saved - (up.energyPj - now.energyPj);
            if (up.energyPj <= now.energyPj || up.estimate >= now.estimate ||
                net <= bestNet || tradesTried.count({r, dc, j, u}))
              continue;
            bestNet = net, best = std::make_tuple(r, dc, j, u);
          }
        }
      }
    return best;
  };

  // A model with more layers has more moves worth a run: by default two
  // per layer (the 20-layer embedding model: 23.5 % with 18 moves, 25.0 %
  // with 40; the 16-layer ResNet 43.1 % and 44.3 %).
  unsigned runs = improveRuns >= 0 ? unsigned(improveRuns)
                                   : std::max<unsigned>(18, 2 * layers.size());
  Progress progress("kite-appmul-select", "improvement move", runs);
  for (unsigned run = 0; run < runs; ++run) {
    Choice next = chosen;
    std::optional<std::pair<size_t, size_t>> move = singleMove();
    if (move) {
      tried.insert(*move);
      next[move->first] = move->second;
    } else if (auto t = trade()) {
      // Single moves are exhausted.
      tradesTried.insert(*t);
      auto [r, dc, j, u] = *t;
      next[r] = dc;
      next[j] = u;
    } else {
      break;
    }
    FailureOr<Score> got = check(next);
    if (failed(got))
      return failure();
    bool ok = got->complete && withinLimits(*got);
    // On a large model each move runs for seconds: a line per move,
    // report or not, as the GA prints its generations.
    std::string what;
    for (size_t j = 0; j < next.size(); ++j)
      if (next[j] != chosen[j])
        what += llvm::formatv(
            "{0}layer {1}: {2} -> {3}", what.empty() ? "" : " with ", j,
            candidates[j][chosen[j]].name, candidates[j][next[j]].name);
    progress.step(run + 1,
                  llvm::formatv("{0} saves {1:f1} pJ; {2}: {3}", what,
                                energyOf(chosen) - energyOf(next),
                                scoreText(*got, y), ok ? "kept" : "undone"));
    if (ok)
      chosen = std::move(next);
    else if (move)
      rejected[move->first].push_back(move->second);
  }
  return chosen;
}

/// The score of candidate c in layer l alone (exact elsewhere); its loss
/// change against the exact multipliers is kept in the candidate.
FailureOr<Score> AppMulSelectPass::measureAlone(size_t l, size_t c) {
  Choice alone(layers.size(), 0);
  alone[l] = c;
  FailureOr<Score> got = eval->score(alone);
  if (succeeded(got))
    candidates[l][c].measured = got->loss - exact.loss;
  return got;
}

/// Measures every single-layer substitution and reports the rank
/// correlation with the estimates, and the headroom of single layers: the
/// saving if each layer took its cheapest multiplier that keeps the limits
/// alone. Not a bound: layers' errors mostly add up (the embedding model:
/// 41.8 % alone, 24.1 % jointly) but can cancel (the digits MLP with
/// max-drop=0: 57.1 % alone, 57.8 % jointly).
LogicalResult AppMulSelectPass::measureSubstitutions(const Choice &chosen) {
  std::vector<double> predicted, measured, noise, trustedPredicted,
      trustedMeasured;
  Choice allExact(layers.size(), 0), cheapestAlone = allExact;
  for (auto [l, cands] : llvm::enumerate(candidates))
    for (auto [c, cand] : llvm::enumerate(cands)) {
      if (cand.name == "exact")
        continue;
      FailureOr<Score> got = measureAlone(l, c);
      if (failed(got))
        return failure();
      if (withinLimits(*got) &&
          cand.energyPj < cands[cheapestAlone[l]].energyPj)
        cheapestAlone[l] = c;
      double dloss = *cand.measured;
      predicted.push_back(cand.estimate);
      measured.push_back(dloss);
      noise.push_back(cand.noise);
      if (cand.noise <= maxNoise) {
        trustedPredicted.push_back(cand.estimate);
        trustedMeasured.push_back(dloss);
      }
    }
  eval->apply(chosen);
  llvm::errs() << llvm::formatv(
      "kite-appmul-select: Spearman rank correlation of predicted vs "
      "measured loss change over {0} single-layer substitutions: {1:f3} "
      "({2:f3} over the {3} within max-noise); of noise-to-signal vs "
      "measured: {4:f3}\n",
      predicted.size(), spearman(predicted, measured),
      spearman(trustedPredicted, trustedMeasured), trustedPredicted.size(),
      spearman(noise, measured));
  llvm::errs() << llvm::formatv(
      "kite-appmul-select: single layers: {0:f1}% saved if every layer took "
      "its cheapest multiplier that keeps the limits alone\n",
      100 * (1 - energyOf(cheapestAlone) / energyOf(allExact)));
  return success();
}

LogicalResult AppMulSelectPass::writeEstimates(ModuleOp module,
                                               const Choice &chosen,
                                               llvm::json::Object final) {
  llvm::json::Array out;
  for (auto [l, s] : llvm::enumerate(layers)) {
    llvm::json::Array options;
    for (const Candidate &c : candidates[l]) {
      llvm::json::Object o{{"multiplier", c.name},
                           {"predicted_dloss", c.estimate},
                           {"noise_to_signal", c.noise},
                           {"energy_pj", c.energyPj}};
      if (c.measured)
        o["measured_dloss"] = *c.measured;
      options.push_back(std::move(o));
    }
    out.push_back(
        llvm::json::Object{{"layer", int64_t(l)},
                           {"op", s.op->getName().getStringRef()},
                           {"bits", llvm::json::Array{s.a().bits, s.w().bits}},
                           {"macs", s.macs},
                           {"chosen", candidates[l][chosen[l]].name},
                           {"candidates", std::move(options)}});
  }
  llvm::json::Object doc{{"layers", std::move(out)},
                         {"final", std::move(final)}};
  if (!dumpEstimates.empty()) {
    std::error_code ec;
    llvm::raw_fd_ostream os(dumpEstimates, ec);
    if (ec)
      return module.emitError() << "kite-appmul-select: cannot write "
                                << dumpEstimates << ": " << ec.message();
    os << llvm::formatv("{0:2}", llvm::json::Value(llvm::json::Object(doc)))
       << "\n";
  }
  if (inputs.estimates)
    *inputs.estimates = std::move(doc);
  return success();
}

void AppMulSelectPass::runOnOperation() {
  ModuleOp module = getOperation();
  auto fail = [&](const Twine &message) {
    module.emitError() << "kite-appmul-select: " << message;
    signalPassFailure();
  };
  if (calibration.empty())
    return fail("needs calibration inputs (calibration=)");
  if (order != 1 && order != 2)
    return fail("order must be 1 or 2");
  if (std::isnan(lossBudget) || !(maxNoise >= 0))
    return fail("loss-budget must be a number and max-noise non-negative");
  if (improveRuns < -1)
    return fail("improve-runs must be -1 (two per layer, at least 18) or a "
                "number of runs >= 0");
  if (solver != "dp" && solver != "lagrangian")
    return fail("solver must be dp or lagrangian, got '" + solver + "'");
  if (method != "taylor" && method != "ga")
    return fail("method must be taylor or ga, got '" + method + "'");
  FailureOr<Reference> loaded =
      Reference::load(module, "kite-appmul-select", entry, labels, reference,
                      objective, inputs.reference.get());
  if (failed(loaded))
    return signalPassFailure();
  const Reference &y = *loaded;
  calibrationData = getAnalysis<CalibrationFiles>().load(
      &getContext(), calibration, "kite-appmul-select");
  if (!calibrationData)
    return signalPassFailure();
  TargetAttr target = lookupTarget(module);
  if (!target)
    target = getDefaultTarget(&getContext());

  layers.clear();
  module.walk([&](Operation *op) {
    if (auto f = formatsOf(op)) {
      LayerStats s;
      s.op = op;
      s.counts = nq::CountingMatrices(f->first, f->second);
      s.gradWeighted = s.outputWeighted =
          ColumnMoments(size_t(1) << s.w().bits);
      s.macs = macCount(op);
      layers.push_back(std::move(s));
    }
  });
  if (layers.empty())
    return; // nothing runs on integers

  auto startTime = std::chrono::steady_clock::now();
  auto since = [](auto t) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t)
        .count();
  };
  if (failed(gatherStatistics(module, y, target)))
    return signalPassFailure();
  // Where FAMES's time goes: statistics, verification, improvement.
  double statisticsSeconds = since(startTime), verifySeconds = 0;
  std::vector<Operation *> ops;
  std::vector<std::vector<std::string>> names;
  for (auto [l, s] : llvm::enumerate(layers)) {
    ops.push_back(s.op);
    names.emplace_back();
    for (const Candidate &c : candidates[l])
      names.back().push_back(c.name);
  }
  eval = std::make_shared<Evaluator>(
      module, y, "kite-appmul-select", *calibrationData, entry, calibrationSize,
      std::move(ops), std::move(names), size_t(cacheMb) << 20);
  Choice allExact(layers.size(), 0); // exact is first
  if (method == "taylor") {
    eval->remember(allExact, exact);
  } else {
    FailureOr<Score> got = eval->score(allExact);
    if (failed(got))
      return signalPassFailure();
    exact = *got;
  }
  // A mean squared error is in the outputs' units squared: no fixed
  // number fits every model. By default it may grow by 0.05 or by the
  // exact run's own error if that is larger (doubling it costs about a
  // 0.01 drop of cosine similarity from 0.99), and max-drop decides.
  lossBound = lossBudget >= 0                     ? double(lossBudget)
              : y.kind == Reference::Kind::Values ? std::max(0.05, exact.loss)
                                                  : 0.05;

  Choice chosen = allExact;
  double budget = lossBound;
  if (method == "ga") {
    FailureOr<Choice> best = searchGA();
    if (failed(best))
      return signalPassFailure();
    chosen = *best;
  } else {
    FailureOr<std::optional<Choice>> accepted = verifyKnapsack(y, budget);
    if (failed(accepted))
      return signalPassFailure();
    verifySeconds = since(startTime) - statisticsSeconds;
    if (*accepted) {
      FailureOr<Choice> better = improve(**accepted, y);
      if (failed(better))
        return signalPassFailure();
      chosen = *better;
    }
  }
  eval->apply(chosen);
  FailureOr<Score> final = eval->score(chosen);
  if (failed(final))
    return signalPassFailure();
  // The gradient pass runs the model once too.
  int64_t evaluations = eval->runs() + (method == "taylor" ? 1 : 0);
  double seconds = since(startTime);
  double exactEnergy = energyOf(allExact), chosenEnergy = energyOf(chosen);
  if (report) {
    llvm::errs() << llvm::formatv(
        "kite-appmul-select: method {0}: {1:f3} s, {2} model evaluations\n",
        method, seconds, evaluations);
    if (method == "taylor")
      llvm::errs() << llvm::formatv(
          "kite-appmul-select: statistics {0:f3} s, verification {1:f3} s, "
          "improvement {2:f3} s\n",
          statisticsSeconds, verifySeconds,
          seconds - statisticsSeconds - verifySeconds);
    llvm::errs() << llvm::formatv(
        "kite-appmul-select: {0} layers, budget {1:e2}; multiplier energy "
        "{2:f1} -> {3:f1} pJ per run ({4:f1}% saved); calibration {7} "
        "{5:f4} -> {6:f4}\n",
        layers.size(), budget, exactEnergy, chosenEnergy,
        100 * (1 - chosenEnergy / exactEnergy), exact.accuracy, final->accuracy,
        y.metric());
    for (auto [l, s] : llvm::enumerate(layers)) {
      const Candidate &c = candidates[l][chosen[l]];
      llvm::errs() << llvm::formatv(
          "  layer {0} ({1}, {2}x{3} bits, {4} MACs): {5}, predicted dL "
          "{6:e2}, noise-to-signal {7:e2}",
          l, s.op->getName().getStringRef(), s.a().bits, s.w().bits, s.macs,
          c.name, c.estimate, c.noise);
      if (c.measured)
        llvm::errs() << llvm::formatv(", measured alone {0:e2}", *c.measured);
      llvm::errs() << "\n";
    }
  }

  if (checkEstimates && failed(measureSubstitutions(chosen)))
    return signalPassFailure();
  if (!dumpEstimates.empty() || inputs.estimates) {
    // The final choice, predicted and measured on the calibration data.
    double predicted = 0;
    for (auto [l, c] : llvm::enumerate(chosen))
      predicted += candidates[l][c].estimate;
    llvm::json::Object summary{
        {"predicted_dloss", predicted},
        {"measured_dloss", final->loss - exact.loss},
        {"calibration_top1", llvm::json::Object{{"exact", exact.accuracy},
                                                {"chosen", final->accuracy}}},
        {"objective", std::string(!labels.empty() ? "labels" : "reference") +
                          " (" + y.metric() + ")"},
        {"multiplier_energy_pj",
         llvm::json::Object{{"exact", exactEnergy}, {"chosen", chosenEnergy}}}};
    if (failed(writeEstimates(module, chosen, std::move(summary))))
      return signalPassFailure();
  }
  eval.reset();
}
} // namespace

std::unique_ptr<Pass>
kite::createKiteAppMulSelect(const KiteAppMulSelectOptions &options,
                             SearchInputs inputs) {
  return std::make_unique<AppMulSelectPass>(options, std::move(inputs));
}
