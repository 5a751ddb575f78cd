//===- Optimize.cpp - kitec --optimize: one search over the techniques ----===//
//
// Each MAC layer's number format, multiplier and N:M series, and each
// softmax's unit, chosen together under one budget on the calibration
// score (top-1 agreement with the float model, or top-1 against
// --calib-labels) and soft score (Reference::softScore), minimising EDP,
// energy or latency. Every candidate is a plan (Plan.h) compiled, lowered
// and run in the simulator on the calibration inputs, so each point's cost
// and score are measured, not modelled:
//
// 1. The base: the default compile (INT8, exact multipliers, dense).
// 2. Single-layer changes, each measured as the base with one layer
//    changed: narrower weights (the target's widths), 8-bit LP words and
//    multipliers (both from Menus.cpp), and the series of TASDER's menu
//    (weights, or activations selected at run time where they are ReLU
//    outputs); and each softmax on the other unit.
// 3. A layer's combinations (format and multiplier, series; N:M on
//    integer layers only) are estimated by adding their measured changes.
//    For each λ of a ladder, every layer and softmax takes the choice with
//    the least cost + λ·Δloss; each distinct plan is measured.
// 4. A local step from the cheapest plan within the budget: each layer's
//    next cheaper combination and each softmax's cheaper unit, kept when
//    the measured plan stays within the budget and costs less.
// The points no other beats on cost, score and soft score form the Pareto
// front. The same ladder restricted to one technique gives that
// technique's best point at the same budget.
//
//===----------------------------------------------------------------------===//

#include "Kitec.h"

#include "kite/Dialect/Kite/IR/Kite.h"
#include "kite/Dialect/Kite/Search/Progress.h"
#include "kite/Dialect/Kite/Search/Reference.h"
#include "kite/Interpreter/Interpreter.h"
#include "kite/Runtime/HostRun.h"

#include "mlir/IR/Threading.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <mutex>
#include <set>

using namespace mlir;
using namespace kite;
using namespace kite::kitec;

namespace {
/// A plan as measured on the calibration inputs.
struct Point {
  Plan plan;
  Scores scores;
  double energyJ = 0, seconds = 0;
  double edp() const { return energyJ * seconds; }
};

/// A measured change from the base point.
struct Delta {
  double loss = 0, energyJ = 0, seconds = 0;
  Delta operator+(const Delta &o) const {
    return {loss + o.loss, energyJ + o.energyJ, seconds + o.seconds};
  }
};

/// One layer's options: (format, multiplier) and series, each with its
/// measured change; the base's are in both with a zero change.
struct LayerOptions {
  std::map<std::pair<std::string, std::string>, Delta> formatMultiplier;
  std::map<std::string, Delta> series;
};

std::string planKey(const Plan &plan) {
  std::string key;
  llvm::raw_string_ostream(key) << toJson(plan);
  return key;
}

/// Compiles, lowers and simulates plans on the calibration inputs, once
/// per distinct plan.
class Evaluator {
public:
  Evaluator(MLIRContext &ctx, ModuleOp floatModule, const CompileOptions &base,
            bool host, const std::vector<HostTensor> &calib,
            const Reference &reference)
      : ctx(ctx), floatModule(floatModule), base(base), host(host),
        calib(calib), reference(reference) {}

  FailureOr<Point> measure(const Plan &plan) {
    std::string key = planKey(plan);
    {
      std::lock_guard<std::mutex> lock(mutex);
      if (auto it = cache.find(key); it != cache.end())
        return it->second;
    }
    FailureOr<OwningOpRef<ModuleOp>> module = quantized(plan);
    if (failed(module))
      return failure();
    PassManager pm(&ctx);
    if (failed(applyPassManagerCLOptions(pm)))
      return failure();
    pm.addPass(createApplyPlanPass(plan));
    if (failed(pm.run(**module)))
      return failure();
    FailureOr<rt::Program> program = lowerModule(ctx, **module, host, nullptr);
    if (failed(program))
      return failure();
    rt::Simulator sim(*program);
    std::vector<HostTensor> out;
    std::string error;
    if (!rt::runOnHostTensors(sim, *program, calib, true, out, error)) {
      fail(error);
      return failure();
    }
    Point p;
    p.plan = plan;
    if (failed(scoreOutputs(out[0], p.scores)))
      return failure();
    p.energyJ = sim.stats().energyJ();
    p.seconds = sim.stats().seconds(program->target);
    std::lock_guard<std::mutex> lock(mutex);
    ++evaluations;
    return cache.emplace(key, std::move(p)).first->second;
  }

  /// measure() of every plan, on the context's threads (each compiles its
  /// own copy of the model); `done(i, point)` runs once per plan, in the
  /// order they finish, one at a time.
  FailureOr<std::vector<Point>>
  measureAll(const std::vector<Plan> &plans,
             llvm::function_ref<void(size_t, const Point &)> done) {
    std::vector<Point> points(plans.size());
    std::mutex doneMutex;
    LogicalResult ok = failableParallelForEachN(
        &ctx, 0, plans.size(), [&](size_t i) -> LogicalResult {
          FailureOr<Point> p = measure(plans[i]);
          if (failed(p))
            return failure();
          points[i] = *p;
          std::lock_guard<std::mutex> lock(doneMutex);
          done(i, points[i]);
          return success();
        });
    if (failed(ok))
      return failure();
    return points;
  }

  /// Outputs `y` against the reference.
  LogicalResult scoreOutputs(const HostTensor &y, Scores &scores) const {
    return failure(scoreRows(ctx, reference, y, "--optimize", scores));
  }

  int64_t evaluations = 0;

  /// kite-compile's output for `plan`'s formats and softmax units (what
  /// kitec --plan runs before kite-apply-plan): compiled once per distinct
  /// set, as multipliers and series leave the quantized model unchanged.
  FailureOr<OwningOpRef<ModuleOp>> quantized(const Plan &plan) {
    std::string key = llvm::join(plan.softmax, ",") + ";";
    for (const LayerPlan &l : plan.layers)
      key += l.format + ";";
    {
      std::lock_guard<std::mutex> lock(mutex);
      if (auto it = compiled.find(key); it != compiled.end())
        return OwningOpRef<ModuleOp>(it->second->clone());
    }
    OwningOpRef<ModuleOp> module = floatModule.clone();
    CompileOptions options;
    options.copyOptionValuesFrom(base);
    options.report = false; // hundreds of compiles: the decisions are in
                            // each plan's score and cost
    setPlanOptions(options, plan);
    if (failed(compileModule(ctx, *module, options, ExtraPasses(), nullptr)))
      return failure();
    std::lock_guard<std::mutex> lock(mutex);
    auto [it, added] = compiled.emplace(key, module->clone());
    (void)added;
    return std::move(module);
  }

private:
  MLIRContext &ctx;
  ModuleOp floatModule;
  const CompileOptions &base;
  bool host;
  const std::vector<HostTensor> &calib;
  const Reference &reference;
  std::mutex mutex; ///< guards the caches and evaluations
  std::map<std::string, Point> cache;
  std::map<std::string, OwningOpRef<ModuleOp>> compiled;
};

/// Whether a layer of `format` can take `series`: N:M is for integer
/// layers (TASD of LP weights needs the LP accumulator chain).
bool composes(llvm::StringRef format, llvm::StringRef series) {
  return series == "dense" || format.starts_with("int");
}

/// Which techniques a restricted ladder may use.
struct Techniques {
  bool formats = true, multipliers = true, series = true, softmax = true;
};

class Search {
public:
  Search(Evaluator &eval, const OptimizeOptions &opts, const Scores &reference)
      : eval(eval), opts(opts), reference(reference) {}

  double cost(const Point &p) const {
    if (opts.objective == "energy")
      return p.energyJ;
    if (opts.objective == "latency")
      return p.seconds;
    return p.edp();
  }
  /// Within the budget on the score and on the soft score: a hundred
  /// calibration rows move the top-1 in steps of 0.01, so alone it lets
  /// through plans that shrank many rows' margins without flipping them,
  /// and those flip other inputs (measured: 2 test points lost at a
  /// calibration drop of 0.01).
  bool feasible(const Point &p) const {
    return reference.score - p.scores.score <= opts.maxDrop + 1e-12 &&
           reference.soft - p.scores.soft <= opts.maxDrop + 1e-12;
  }
  /// The estimated cost of a change, relative to the base (EDP: first
  /// order in energy and time).
  double relativeCost(const Delta &d) const {
    double e = d.energyJ / base.energyJ, t = d.seconds / base.seconds;
    if (opts.objective == "energy")
      return e;
    if (opts.objective == "latency")
      return t;
    return e + t;
  }

  /// Measures every single-layer option of `basePlan`.
  LogicalResult measureOptions(const Plan &basePlan,
                               const std::vector<SeriesAbility> &abilities,
                               const std::vector<std::string> &lpFormats,
                               const MultiplierMenus &multipliers,
                               TargetAttr target, bool lutSoftmax) {
    FailureOr<Point> b = eval.measure(basePlan);
    if (failed(b))
      return failure();
    base = *b;
    points.push_back(base);
    // The single-layer plans, in layer order.
    struct Single {
      size_t layer;
      LayerPlan change;
    };
    std::vector<Single> singles;
    options.assign(basePlan.layers.size(), LayerOptions());
    std::vector<std::string> seriesMenu;
    {
      llvm::SmallVector<llvm::StringRef> entries;
      llvm::StringRef(KiteTasderOptions().menu).split(entries, ';');
      for (llvm::StringRef e : entries)
        seriesMenu.push_back(e.str());
      if (target.getActivationSparsity())
        for (const char *e : {"A4:8", "A2:4"})
          seriesMenu.push_back(e);
    }
    for (auto [l, layer] : llvm::enumerate(basePlan.layers)) {
      options[l].formatMultiplier[{layer.format, layer.multiplier}] = Delta();
      options[l].series[layer.sparsity] = Delta();
      std::optional<std::pair<unsigned, unsigned>> aw = layer.intWidths();
      if (!aw || layer.multiplier != "exact" || layer.sparsity != "dense")
        continue;
      auto [a, w] = *aw;
      // Narrower weights; not a product of two activations (attention's
      // Q K^T), whose narrower operand keeps Q, K and V from sharing one
      // quantize that moves above their transpose: the transpose then
      // moves f32 (+37 % EDP on the 32x32 ViT).
      std::vector<unsigned> widths{w};
      for (unsigned narrower : {4u, 2u})
        if (narrower < w && target.supportsIntBits(narrower) &&
            abilities[l].weights)
          widths.push_back(narrower);
      for (unsigned ww : widths) {
        std::string format = llvm::formatv("int{0}x{1}", a, ww).str();
        if (ww != w)
          singles.push_back({l, {layer.op, format, "exact", "dense", 0}});
        if (auto menu = multipliers.find(ww); menu != multipliers.end())
          for (const std::string &m : menu->second[l])
            singles.push_back({l, {layer.op, format, m, "dense", 0}});
      }
      // LP words: no multiplier, no series (docs/passes.md).
      if (llvm::StringRef(lpFormats[l]).starts_with("lp"))
        singles.push_back({l, {layer.op, lpFormats[l], "exact", "dense", 0}});
      for (const std::string &s : seriesMenu) {
        llvm::StringRef text = s;
        bool activations = text.consume_front("A");
        if (activations ? !abilities[l].activations : !abilities[l].weights)
          continue;
        if (seriesProblem(target, s).empty())
          singles.push_back({l, {layer.op, layer.format, "exact", s, 0}});
      }
    }
    std::vector<Plan> plans;
    for (const Single &single : singles) {
      plans.push_back(basePlan);
      plans.back().layers[single.layer] = single.change;
    }
    // Each softmax on the other unit (the plans after the layers').
    softmaxOptions.assign(basePlan.softmax.size(), {});
    std::vector<size_t> flipped; // the softmax each of those plans changes
    for (auto [i, unit] : llvm::enumerate(basePlan.softmax)) {
      softmaxOptions[i][unit] = Delta();
      if (lutSoftmax) {
        plans.push_back(basePlan);
        plans.back().softmax[i] = unit == "lut" ? "exact" : "lut";
        flipped.push_back(i);
      }
    }
    Progress progress("kitec: optimize", "single-layer option",
                      int64_t(plans.size()));
    auto delta = [&](const Point &p) {
      return Delta{p.scores.loss - base.scores.loss, p.energyJ - base.energyJ,
                   p.seconds - base.seconds};
    };
    int64_t finished = 0;
    FailureOr<std::vector<Point>> measured =
        eval.measureAll(plans, [&](size_t i, const Point &p) {
          std::string what;
          if (i < singles.size()) {
            const LayerPlan &c = singles[i].change;
            what = llvm::formatv("layer {0} {1} {2} {3}", singles[i].layer,
                                 c.format, c.multiplier, c.sparsity);
          } else {
            size_t k = flipped[i - singles.size()];
            what = llvm::formatv("softmax {0} {1}", k, plans[i].softmax[k]);
          }
          progress.step(++finished,
                        llvm::formatv("{0}: loss change {1:e2}, cost change "
                                      "{2:f4}",
                                      what, delta(p).loss,
                                      relativeCost(delta(p))));
        });
    if (failed(measured))
      return failure();
    for (auto [i, p] : llvm::enumerate(*measured)) {
      points.push_back(p);
      if (i >= singles.size()) {
        size_t k = flipped[i - singles.size()];
        softmaxOptions[k][plans[i].softmax[k]] = delta(p);
        continue;
      }
      const LayerPlan &c = singles[i].change;
      if (c.sparsity != "dense")
        options[singles[i].layer].series[c.sparsity] = delta(p);
      else
        options[singles[i].layer].formatMultiplier[{c.format, c.multiplier}] =
            delta(p);
    }
    return success();
  }

  /// The plan where every layer takes its least cost + lambda * loss
  /// combination among `use`.
  Plan planFor(const Plan &basePlan, double lambda, Techniques use) const {
    Plan plan = basePlan;
    for (auto [l, layer] : llvm::enumerate(plan.layers)) {
      const LayerOptions &o = options[l];
      double best = 0; // the base: no change
      for (const auto &[fm, dfm] : o.formatMultiplier) {
        bool formatChanged = fm.first != basePlan.layers[l].format;
        bool multiplierChanged = fm.second != basePlan.layers[l].multiplier;
        if ((formatChanged && !use.formats) ||
            (multiplierChanged && !use.multipliers))
          continue;
        for (const auto &[s, ds] : o.series) {
          if ((s != basePlan.layers[l].sparsity && !use.series) ||
              !composes(fm.first, s))
            continue;
          Delta d = dfm + ds;
          double value = relativeCost(d) + lambda * std::max(d.loss, 0.0);
          if (value < best - 1e-15) {
            best = value;
            layer.format = fm.first;
            layer.multiplier = fm.second;
            layer.sparsity = s;
          }
        }
      }
    }
    for (auto [i, units] : llvm::enumerate(softmaxOptions)) {
      double best = 0;
      for (const auto &[unit, d] : units) {
        double value = relativeCost(d) + lambda * std::max(d.loss, 0.0);
        if (use.softmax && value < best - 1e-15) {
          best = value;
          plan.softmax[i] = unit;
        }
      }
    }
    return plan;
  }

  /// The ladder's plans for `use`, measured; returns the cheapest within
  /// the budget, if any.
  FailureOr<std::optional<Point>> ladder(const Plan &basePlan, Techniques use,
                                         llvm::StringRef name) {
    std::vector<double> lambdas{0};
    for (int k = -16; k <= 16; ++k)
      lambdas.push_back(std::pow(10.0, k / 4.0));
    std::vector<Plan> plans;
    std::set<std::string> seen;
    for (double lambda : lambdas) {
      Plan p = planFor(basePlan, lambda, use);
      if (seen.insert(planKey(p)).second)
        plans.push_back(std::move(p));
    }
    Progress progress("kitec: optimize", (name + " plan").str(),
                      int64_t(plans.size()));
    int64_t finished = 0;
    FailureOr<std::vector<Point>> measured =
        eval.measureAll(plans, [&](size_t, const Point &p) {
          progress.step(++finished,
                        llvm::formatv("score {0:f4}, cost {1:f4} of the base",
                                      p.scores.score, cost(p) / cost(base)));
        });
    if (failed(measured))
      return failure();
    std::optional<Point> best;
    for (const Point &p : *measured) {
      points.push_back(p);
      if (feasible(p) && (!best || cost(p) < cost(*best)))
        best = p;
    }
    return best;
  }

  /// From `start` (within the budget): each layer, then each softmax, in
  /// turn tries its next cheaper choice by the estimates; a measured plan
  /// within the budget and cheaper replaces the current one. Until a round
  /// changes nothing or `tries` plans are measured.
  FailureOr<Point> improve(Point start, int64_t tries) {
    Point current = start;
    Progress progress("kitec: optimize", "local step", tries);
    int64_t done = 0;
    bool changed = true;
    // Measures `plan`; keeps it when it is better.
    auto step = [&](Plan plan, const std::string &what) -> LogicalResult {
      FailureOr<Point> p = eval.measure(plan);
      if (failed(p))
        return failure();
      points.push_back(*p);
      ++done;
      bool better = feasible(*p) && cost(*p) < cost(current);
      progress.step(done, what + (better ? ": kept" : ": not kept"));
      if (better) {
        current = *p;
        changed = true;
      }
      return success();
    };
    while (changed && done < tries) {
      changed = false;
      for (size_t l = 0; l < options.size() && done < tries; ++l) {
        std::optional<LayerPlan> next = nextCheaper(l, current.plan.layers[l]);
        if (!next)
          continue;
        Plan plan = current.plan;
        plan.layers[l] = *next;
        if (failed(step(plan,
                        llvm::formatv("layer {0} {1} {2} {3}", l, next->format,
                                      next->multiplier, next->sparsity))))
          return failure();
      }
      for (size_t i = 0; i < softmaxOptions.size() && done < tries; ++i) {
        const std::map<std::string, Delta> &units = softmaxOptions[i];
        const std::string &now = current.plan.softmax[i];
        for (const auto &[unit, d] : units) {
          if (unit == now ||
              relativeCost(d) >= relativeCost(units.at(now)) - 1e-12)
            continue;
          Plan plan = current.plan;
          plan.softmax[i] = unit;
          if (failed(step(plan, llvm::formatv("softmax {0} {1}", i, unit))))
            return failure();
          break;
        }
      }
    }
    return current;
  }

  /// Layer `l`'s combination just cheaper than `now` by the estimates.
  std::optional<LayerPlan> nextCheaper(size_t l, const LayerPlan &now) const {
    const LayerOptions &o = options[l];
    Delta nowDelta = o.formatMultiplier.count({now.format, now.multiplier})
                         ? o.formatMultiplier.at({now.format, now.multiplier}) +
                               o.series.at(now.sparsity)
                         : Delta();
    std::optional<LayerPlan> next;
    double nextCost = -1e300;
    for (const auto &[fm, dfm] : o.formatMultiplier)
      for (const auto &[s, ds] : o.series) {
        if (!composes(fm.first, s))
          continue;
        double c = relativeCost(dfm + ds);
        if (c < relativeCost(nowDelta) - 1e-12 && c > nextCost) {
          nextCost = c;
          next = LayerPlan{now.op, fm.first, fm.second, s, 0};
        }
      }
    return next;
  }

  /// The measured points no other beats on cost, score and soft score
  /// (the budget's two measures), cheapest first.
  std::vector<Point> front() const {
    std::vector<Point> sorted = points;
    llvm::sort(sorted, [&](const Point &a, const Point &b) {
      if (cost(a) != cost(b))
        return cost(a) < cost(b);
      return std::pair(a.scores.score, a.scores.soft) >
             std::pair(b.scores.score, b.scores.soft);
    });
    std::vector<Point> out;
    std::set<std::string> seen;
    for (const Point &p : sorted) {
      bool dominated = llvm::any_of(out, [&](const Point &q) {
        return q.scores.score >= p.scores.score &&
               q.scores.soft >= p.scores.soft;
      });
      if (!dominated && seen.insert(planKey(p.plan)).second)
        out.push_back(p);
    }
    return out;
  }

  Point base;
  std::vector<Point> points;

private:
  Evaluator &eval;
  const OptimizeOptions &opts;
  Scores reference;
  std::vector<LayerOptions> options;
  /// Each softmax's units ("lut", "exact") with their measured changes.
  std::vector<std::map<std::string, Delta>> softmaxOptions;
};

/// 0.01 as "0.01", 0 as "0" (formatv's default keeps two decimals).
std::string shortNumber(double x) {
  char text[32];
  std::snprintf(text, sizeof(text), "%g", x);
  return text;
}

llvm::json::Object pointJson(const Point &p, const Point &base, bool withPlan) {
  llvm::json::Object o{{"score", p.scores.score},
                       {"soft_score", p.scores.soft},
                       {"loss", p.scores.loss},
                       {"energy_j", p.energyJ},
                       {"seconds", p.seconds},
                       {"edp_js", p.edp()},
                       {"edp_vs_base", p.edp() / base.edp()},
                       {"seconds_vs_base", p.seconds / base.seconds},
                       {"energy_vs_base", p.energyJ / base.energyJ}};
  if (withPlan)
    o["plan"] = toJson(p.plan);
  return o;
}
/// Runs the float model on the calibration inputs (its first output in
/// `floatOut`): the reference without labels, or the labels' reference.
FailureOr<Reference> loadReference(MLIRContext &ctx, ModuleOp floatModule,
                                   const std::vector<HostTensor> &calib,
                                   llvm::StringRef labelsPath,
                                   HostTensor &floatOut) {
  if (floatOutput(floatModule, calib,
                  "optimize: running the float model on the calibration "
                  "inputs",
                  floatOut) ||
      requireFloatRows(floatOut, "--optimize compares with"))
    return failure();
  if (!labelsPath.empty())
    return Reference::load(floatModule, "kitec --optimize", "main", labelsPath,
                           "", "auto");
  return Reference::ofOutputs(floatTensor(ctx, floatOut));
}

/// What a user reads: the base, each technique alone and the front.
void printSummary(const Search &search, const llvm::json::Array &single,
                  const std::vector<Point> &front, int64_t chosenIndex,
                  const std::string &header) {
  llvm::outs() << header << "\n";
  llvm::outs() << llvm::formatv("  {0,-22}{1,10}{2,8}{3,14}{4,14}\n", "point",
                                "score", "soft", "energy/base", "EDP/base");
  auto row = [&](llvm::StringRef name, double score, double soft, double energy,
                 double edp) {
    llvm::outs() << llvm::formatv(
        "  {0,-22}{1,10:f4}{2,8:f3}{3,14:f3}{4,14:f3}\n", name, score, soft,
        energy, edp);
  };
  const Point &base = search.base;
  row("base (int8, exact)", base.scores.score, base.scores.soft, 1.0, 1.0);
  for (const llvm::json::Value &v : single) {
    const llvm::json::Object &o = *v.getAsObject();
    std::string name = ("alone: " + *o.getString("technique")).str();
    if (const llvm::json::Object *p = o.getObject("point"))
      row(name, *p->getNumber("score"), *p->getNumber("soft_score"),
          *p->getNumber("energy_vs_base"), *p->getNumber("edp_vs_base"));
    else
      llvm::outs() << llvm::formatv("  {0,-22}  nothing within the budget\n",
                                    name);
  }
  for (auto [i, p] : llvm::enumerate(front))
    row(llvm::formatv("front {0}{1}", i, int64_t(i) == chosenIndex ? " *" : "")
            .str(),
        p.scores.score, p.scores.soft, p.energyJ / base.energyJ,
        p.edp() / base.edp());
}
} // namespace

int kite::kitec::optimize(MLIRContext &ctx, ModuleOp floatModule,
                          const CompileOptions &baseOptions, bool host,
                          const OptimizeOptions &opts, Plan &chosen,
                          llvm::json::Object &report) {
  auto started = std::chrono::steady_clock::now();
  std::string error;
  std::vector<HostTensor> calib;
  if (!tensorio::readArrays(opts.calibPath, calib, &error))
    return fail(error);

  HostTensor floatOut;
  FailureOr<Reference> reference =
      loadReference(ctx, floatModule, calib, opts.labelsPath, floatOut);
  if (failed(reference))
    return 1;
  Evaluator eval(ctx, floatModule, baseOptions, host, calib, *reference);
  Scores floatScores;
  if (failed(eval.scoreOutputs(floatOut, floatScores)))
    return 1;

  // The base plan and what each layer can take.
  OwningOpRef<ModuleOp> baseModule = floatModule.clone();
  if (failed(
          compileModule(ctx, *baseModule, baseOptions, ExtraPasses(), nullptr)))
    return 1;
  llvm::Expected<Plan> basePlan = extractPlan(*baseModule);
  if (!basePlan)
    return fail("--optimize: " + llvm::toString(basePlan.takeError()));
  TargetAttr target = lookupTarget(*baseModule);
  Search search(eval, opts, floatScores);
  FailureOr<std::vector<std::string>> lpFormats = fittedLPFormats(
      ctx, floatModule, baseOptions, basePlan->layers.size(), target);
  if (failed(lpFormats))
    return 1;
  std::vector<SeriesAbility> abilities = seriesAbilities(*baseModule);
  FailureOr<MultiplierMenus> menus =
      multiplierMenus(ctx, *basePlan, abilities, target, opts,
                      std::make_shared<const HostTensor>(floatOut),
                      [&](const Plan &plan) { return eval.quantized(plan); });
  if (failed(menus))
    return 1;
  if (failed(search.measureOptions(*basePlan, abilities, *lpFormats, *menus,
                                   target, baseOptions.lutSoftmax)))
    return 1;

  // Each technique alone, then all of them.
  struct Named {
    const char *name;
    Techniques use;
  };
  llvm::json::Array single;
  for (Named n : {Named{"number formats", {true, false, false, false}},
                  Named{"multipliers", {false, true, false, false}},
                  Named{"N:M series", {false, false, true, false}}}) {
    FailureOr<std::optional<Point>> best =
        search.ladder(*basePlan, n.use, n.name);
    if (failed(best))
      return 1;
    llvm::json::Object o{{"technique", n.name}};
    if (*best)
      o["point"] = pointJson(**best, search.base, true);
    single.push_back(std::move(o));
  }
  FailureOr<std::optional<Point>> joint =
      search.ladder(*basePlan, Techniques(), "joint");
  if (failed(joint))
    return 1;
  Point answer = search.base;
  if (*joint)
    answer = **joint;
  for (const Point &p : search.points)
    if (search.feasible(p) && search.cost(p) < search.cost(answer))
      answer = p;
  bool withinBudget = search.feasible(answer);
  if (withinBudget) {
    FailureOr<Point> improved = search.improve(answer, opts.localTries);
    if (failed(improved))
      return 1;
    answer = *improved;
  } else {
    progress(llvm::formatv(
        "optimize: warning: no plan measured keeps the calibration {0} "
        "and soft score within --max-drop={1} of the float model's "
        "{2:f4} and {3:f4} (the base reaches {4:f4} and {5:f4}); "
        "compiling the base",
        reference->metric(), shortNumber(opts.maxDrop), floatScores.score,
        floatScores.soft, search.base.scores.score, search.base.scores.soft));
  }
  chosen = answer.plan;

  std::vector<Point> front = search.front();
  llvm::json::Array frontJson;
  int64_t chosenIndex = -1;
  for (auto [i, p] : llvm::enumerate(front)) {
    if (planKey(p.plan) == planKey(answer.plan))
      chosenIndex = int64_t(i);
    frontJson.push_back(pointJson(p, search.base, true));
  }
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started)
          .count();
  printSummary(search, single, front, chosenIndex,
               llvm::formatv("optimize ({0}, {1} drop <= {2}): {3} plans "
                             "measured in {4:f1} s",
                             opts.objective, reference->metric(),
                             shortNumber(opts.maxDrop), eval.evaluations,
                             seconds));
  report = llvm::json::Object{
      {"objective", opts.objective},
      {"metric", reference->metric()},
      {"max_drop", opts.maxDrop},
      {"float", llvm::json::Object{{"score", floatScores.score},
                                   {"soft_score", floatScores.soft},
                                   {"loss", floatScores.loss}}},
      {"base", pointJson(search.base, search.base, false)},
      {"chosen", pointJson(answer, search.base, false)},
      {"within_budget", withinBudget},
      {"chosen_in_front", chosenIndex},
      {"front", std::move(frontJson)},
      {"single_technique", std::move(single)},
      {"evaluations", eval.evaluations},
      {"seconds", seconds}};
  return 0;
}
