//===- Tasd.cpp - TASD-W: weights as a series of N:M terms ----------------===//

#include "TasdRewrite.h"
#include "kite/Dialect/Kite/Search/Calibration.h"
#include "kite/Dialect/Kite/Search/CostModel.h"
#include "kite/Dialect/Kite/Search/Progress.h"
#include "kite/Dialect/Kite/Search/Reference.h"
#include "kite/Dialect/Kite/Transforms/Passes.h"
#include "kite/TensorIO/Npy.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/Threading.h"
#include "llvm/ADT/Sequence.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"

#include <cmath>

namespace kite {
#define GEN_PASS_DEF_KITETASD
#define GEN_PASS_DEF_KITETASDACTIVATIONS
#define GEN_PASS_DEF_KITETASDER
#include "kite/dialects/Kite/Passes.h.inc"
} // namespace kite

using namespace mlir;
using namespace kite;
using namespace kite::tasd;

namespace {
struct TasdPass : kite::impl::KiteTasdBase<TasdPass> {
  using KiteTasdBase::KiteTasdBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    FailureOr<SmallVector<std::pair<unsigned, unsigned>>> terms =
        parseSeries(series);
    if (failed(terms)) {
      module.emitError() << "kite-tasd: bad series '" << series
                         << "' (expected N:M terms joined by '+', e.g. "
                            "2:4+1:8)";
      return signalPassFailure();
    }
    if (TargetAttr target = lookupTarget(module))
      for (auto [n, m] : *terms)
        if (!target.supportsSparsity(NMAttr::get(&getContext(), n, m))) {
          module.emitError()
              << "kite-tasd: " << n << ":" << m
              << " is not supported by target '" << target.getName() << "'";
          return signalPassFailure();
        }
    SmallVector<Operation *> candidates = decomposable(module);
    for (auto [index, op] : llvm::enumerate(candidates)) {
      double residual = 0;
      int64_t kept = 0, nonzero = 0;
      auto [k, n] = weightMatrixShape(op);
      decompose(op, *terms, residual, kept, nonzero);
      if (report)
        llvm::errs() << llvm::formatv(
            "kite-tasd: layer {0} ({1}x{2}): series {3}, kept {4}/{5} "
            "nonzero weights, relative residual {6:f4}\n",
            index, k, n, series, kept, nonzero, residual);
    }
  }
};

struct TasdActivationsPass
    : kite::impl::KiteTasdActivationsBase<TasdActivationsPass> {
  using KiteTasdActivationsBase::KiteTasdActivationsBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    FailureOr<SmallVector<std::pair<unsigned, unsigned>>> terms =
        parseSeries(pattern);
    if (failed(terms)) {
      module.emitError() << "kite-tasd-activations: bad pattern '" << pattern
                         << "' (expected N:M terms joined by '+', e.g. 4:8 "
                            "or 2:4+1:8)";
      return signalPassFailure();
    }
    if (!(geluThreshold_ >= 0)) {
      module.emitError()
          << "kite-tasd-activations: gelu-threshold must be non-negative";
      return signalPassFailure();
    }
    TargetAttr target = requireTarget(module, "kite-tasd-activations");
    if (!target)
      return signalPassFailure();
    for (auto [n, m] : *terms)
      if (!target.getActivationSparsity() ||
          !target.supportsSparsity(NMAttr::get(&getContext(), n, m))) {
        module.emitError() << "kite-tasd-activations: target '"
                           << target.getName() << "' does not select " << n
                           << ":" << m << " activations at run time";
        return signalPassFailure();
      }
    SmallVector<Operation *> ops;
    module.walk([&](Operation *op) {
      if (isa<MatmulOp, Conv2DOp>(op))
        ops.push_back(op);
    });
    for (auto [layer, op] : llvm::enumerate(ops)) {
      NMAttr chosen = selectActivations(op, *terms, geluThreshold_);
      if (!chosen || !report)
        continue;
      llvm::errs() << llvm::formatv(
          "kite-tasd-activations: layer {0} ({1}): activations {2}", layer,
          op->getName().getStringRef(), seriesText(*terms));
      if (chosen.getThreshold())
        llvm::errs() << ", magnitudes below " << chosen.getThreshold()
                     << " as zero (GELU)";
      llvm::errs() << "\n";
    }
  }
};

/// A TASDER candidate: N:M terms of the weights (TASD-W) or, with
/// `activations`, of the activations selected at run time (TASD-A). No
/// terms: dense.
struct Series {
  SmallVector<std::pair<unsigned, unsigned>> terms;
  bool activations = false;
};

/// "2:4;2:4+1:8;A4:8;dense" -> the series (dense: no terms).
FailureOr<SmallVector<Series>> parseMenu(StringRef text) {
  SmallVector<Series> menu;
  SmallVector<StringRef> entries;
  text.split(entries, ';', -1, /*KeepEmpty=*/false);
  for (StringRef entry : entries) {
    entry = entry.trim();
    if (entry == "dense")
      continue; // always a candidate
    Series s;
    s.activations = entry.consume_front("A");
    FailureOr<SmallVector<std::pair<unsigned, unsigned>>> terms =
        parseSeries(entry);
    if (failed(terms))
      return failure();
    s.terms = *terms;
    menu.push_back(s);
  }
  return menu;
}

/// Fraction of the dense MACs a series runs: the sum of N/M.
double density(const Series &s) {
  double d = 0;
  for (auto [n, m] : s.terms)
    d += double(n) / double(m);
  return s.terms.empty() ? 1.0 : d;
}

std::string seriesName(const Series &s) {
  if (s.terms.empty())
    return "dense";
  return (s.activations ? "A" : "") + seriesText(s.terms);
}

/// Applies candidate `s` to MAC op `op` (`geluThresholdReal`:
/// activationSelection).
void applySeries(Operation *op, const Series &s, double geluThresholdReal) {
  if (s.terms.empty())
    return;
  if (s.activations) {
    selectActivations(op, s.terms, geluThresholdReal);
    return;
  }
  double residual;
  int64_t kept, nonzero;
  decompose(op, s.terms, residual, kept, nonzero);
}

struct TasderPass : kite::impl::KiteTasderBase<TasderPass> {
  using KiteTasderBase::KiteTasderBase;
  TasderPass(const KiteTasderOptions &options, SearchInputs inputs)
      : KiteTasderBase(options), inputs(std::move(inputs)) {}
  SearchInputs inputs;
  /// The inputs in `calibration` (set by runOnOperation).
  const CalibrationData *calibrationData = nullptr;

  /// Calibration score of `module` (a clone with some layers decomposed):
  /// top-1 against labels, or agreement with the float model's outputs.
  FailureOr<double> accuracy(ModuleOp module, const Reference &y) {
    interp::Interpreter interp;
    double score = 0;
    int64_t total = 0, width = y.rowWidth();
    LogicalResult ok = forEachCalibrationBatch(
        module, "kite-tasder", *calibrationData, entry,
        [&](func::FuncOp func, std::vector<interp::Tensor> &inputs,
            const CalibrationBatch &b) -> LogicalResult {
          FailureOr<std::vector<interp::Tensor>> out = interp.run(func, inputs);
          if (failed(out))
            return failure();
          const interp::Tensor &result = (*out)[0];
          int64_t rows = std::min(result.shape[0], b.fresh), first = b.first;
          if (std::string wrong = y.check(first, rows, width); !wrong.empty()) {
            emitFileError(&getContext(), labels.empty() ? reference : labels,
                          "kite-tasder: " + wrong);
            return failure();
          }
          for (int64_t r = 0; r < rows; ++r, ++total)
            score += y.score(result, r, width, first + r).second;
          return success();
        });
    if (failed(ok))
      return failure();
    return total ? score / double(total) : 0.0;
  }

  /// Prices objective=edp's candidates (set when that is the objective).
  std::shared_ptr<CostModel> cost;

  FailureOr<double> edpOf(ModuleOp module) {
    FailureOr<ModelCost> c = cost->measure(module, entry);
    if (failed(c))
      return failure();
    return c->edpJs();
  }

  /// A layer's series, what it costs and the score it keeps.
  struct Pick {
    Series series;
    double cost, accuracy;
  };

  /// Replaces `best` (dense: it keeps the bound, which held before) with
  /// the cheapest of `candidates` for layer `l` (`layer`) that keeps the
  /// calibration score at `bound`, the other layers as in `choice`. By EDP
  /// every candidate is measured; they are independent, so they run on the
  /// context's threads (each on its own copy of the model), then the choice
  /// is made in menu order, as one thread would.
  LogicalResult pickFor(ModuleOp module, Operation *layer, size_t l,
                        ArrayRef<Series> candidates, ArrayRef<Series> choice,
                        const Reference &y, double bound, bool byEdp,
                        Pick &best) {
    SmallVector<const Series *> tried;
    for (const Series &s : candidates) {
      if (s.terms.empty())
        break;
      if (!s.activations || selectsActivations(layer, geluThreshold_))
        tried.push_back(&s);
    }
    SmallVector<std::optional<Pick>> scores(tried.size());
    auto score = [&](size_t i) -> LogicalResult {
      SmallVector<Series> mine(choice);
      mine[l] = *tried[i];
      OwningOpRef<ModuleOp> model = withChoice(module, mine);
      FailureOr<double> acc = accuracy(*model, y);
      if (failed(acc))
        return failure();
      if (*acc < bound)
        return success();
      FailureOr<double> cost =
          byEdp ? edpOf(*model) : FailureOr<double>(density(*tried[i]));
      if (failed(cost))
        return failure();
      scores[i] = Pick{*tried[i], *cost, *acc};
      return success();
    };
    if (!byEdp) {
      // Candidates are cheapest first: the first that keeps the bound wins,
      // and the rest need not run.
      for (size_t i = 0; i < tried.size(); ++i) {
        if (failed(score(i)))
          return failure();
        if (scores[i]) {
          if (scores[i]->cost < best.cost)
            best = *scores[i];
          break;
        }
      }
      return success();
    }
    if (failed(failableParallelForEach(
            &getContext(), llvm::seq<size_t>(0, tried.size()), score)))
      return failure();
    for (const std::optional<Pick> &pick : scores)
      if (pick && pick->cost < best.cost)
        best = *pick;
    return success();
  }

  /// The model with every layer decomposed by its entry in `choice`.
  OwningOpRef<ModuleOp> withChoice(ModuleOp module, ArrayRef<Series> choice) {
    OwningOpRef<ModuleOp> copy = module.clone();
    SmallVector<Operation *> layers = decomposable(*copy);
    for (auto [l, op] : llvm::enumerate(layers))
      applySeries(op, choice[l], geluThreshold_);
    return copy;
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (!(geluThreshold_ >= 0)) {
      module.emitError() << "kite-tasder: gelu-threshold must be non-negative";
      return signalPassFailure();
    }
    auto menuOr = parseMenu(menu);
    if (failed(menuOr)) {
      module.emitError() << "kite-tasder: bad menu '" << menu
                         << "' (';'-separated series such as 2:4+1:8, "
                            "activation patterns such as A4:8, or dense)";
      return signalPassFailure();
    }
    if (calibration.empty()) {
      module.emitError("kite-tasder: needs calibration=<inputs>");
      return signalPassFailure();
    }
    calibrationData = getAnalysis<CalibrationFiles>().load(
        &getContext(), calibration, "kite-tasder");
    if (!calibrationData)
      return signalPassFailure();
    FailureOr<Reference> loaded =
        Reference::load(module, "kite-tasder", entry, labels, reference, "auto",
                        inputs.reference.get());
    if (failed(loaded))
      return signalPassFailure();
    const Reference &y = *loaded;
    // Candidates the target runs, cheapest first; dense closes the list.
    SmallVector<Series> candidates;
    TargetAttr target = lookupTarget(module);
    for (Series &s : *menuOr)
      if (!target || ((!s.activations || target.getActivationSparsity()) &&
                      llvm::all_of(s.terms, [&](auto nm) {
                        return target.supportsSparsity(
                            NMAttr::get(&getContext(), nm.first, nm.second));
                      })))
        candidates.push_back(s);
    llvm::stable_sort(candidates, [](const Series &a, const Series &b) {
      return density(a) < density(b);
    });
    candidates.push_back({});

    SmallVector<Operation *> layers = decomposable(module);
    FailureOr<double> original = accuracy(module, y);
    if (failed(original))
      return signalPassFailure();
    double bound = minAccuracy * *original;
    SmallVector<int64_t> macs;
    for (Operation *op : layers)
      macs.push_back(macCount(op));
    SmallVector<size_t> order(layers.size());
    for (size_t l = 0; l < order.size(); ++l)
      order[l] = l;
    llvm::stable_sort(order,
                      [&](size_t a, size_t b) { return macs[a] > macs[b]; });
    if (objective != "edp" && objective != "macs") {
      module.emitError() << "kite-tasder: objective must be edp or macs, got '"
                         << objective << "'";
      return signalPassFailure();
    }
    bool byEdp = objective == "edp";
    if (byEdp && !(cost = createCostModel(costModel))) {
      module.emitError() << "kite-tasder: no cost model '" << costModel
                         << "' in this tool (there are: " << costModelNames()
                         << ")";
      return signalPassFailure();
    }
    if (!byEdp && costModel != "simulator") {
      module.emitError() << "kite-tasder: cost-model prices objective=edp; "
                            "objective=macs counts MACs";
      return signalPassFailure();
    }
    SmallVector<Series> choice(layers.size());
    double last = *original, edp = 0;
    FailureOr<double> denseEdp = byEdp ? edpOf(module) : FailureOr<double>(0.0);
    if (failed(denseEdp))
      return signalPassFailure();
    edp = *denseEdp;
    // Each layer tries its candidates in the interpreter (and the
    // simulator): minutes on a large model.
    Progress progress("kite-tasder", "step", int64_t(order.size()));
    int64_t visited = 0;
    for (size_t l : order) {
      Pick best{Series(), byEdp ? edp : 1.0, last};
      if (failed(pickFor(module, layers[l], l, candidates, choice, y, bound,
                         byEdp, best)))
        return signalPassFailure();
      choice[l] = best.series;
      last = best.accuracy;
      if (byEdp)
        edp = best.cost;
      progress.step(++visited,
                    llvm::formatv("layer {0} ({1} MACs) takes {2}", l, macs[l],
                                  seriesName(best.series)));
    }
    int64_t total = 0;
    double effective = 0;
    for (auto [l, op] : llvm::enumerate(layers)) {
      llvm::errs() << llvm::formatv(
          "kite-tasder: layer {0} ({1} MACs): {2} ({3:f3} of the MACs)\n", l,
          macs[l], seriesName(choice[l]), density(choice[l]));
      total += macs[l];
      effective += double(macs[l]) * density(choice[l]);
      applySeries(op, choice[l], geluThreshold_);
    }
    llvm::errs() << llvm::formatv(
        "kite-tasder: calibration {4} {0:f4} (original {1:f4}, bound "
        "{2:f4}); effective MACs {3:f3} of dense\n",
        last, *original, bound, total ? effective / double(total) : 1.0,
        y.metric());
    if (byEdp)
      llvm::errs() << llvm::formatv(
          "kite-tasder: {3} EDP per run {0:e3} J*s (dense {1:e3}, "
          "{2:f1} % lower)\n",
          edp, *denseEdp, 100 * (1 - edp / *denseEdp),
          costModel == "simulator" ? StringRef("simulated")
                                   : StringRef(costModel));
  }
};
} // namespace

std::unique_ptr<Pass> kite::createKiteTasder(const KiteTasderOptions &options,
                                             SearchInputs inputs) {
  return std::make_unique<TasderPass>(options, std::move(inputs));
}
