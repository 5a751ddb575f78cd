//===- Tasd.cpp - TASD-W: weights as a series of N:M terms ----------------===//

#include "Progress.h"
#include "Reference.h"
#include "kite/Conversion/Passes.h"
#include "kite/Dialect/Kite/Transforms/Calibration.h"
#include "kite/Dialect/Kite/Transforms/Passes.h"
#include "kite/Dialect/KiteIsa/Transforms/Passes.h"
#include "kite/Numerics/NMSelect.h"
#include "kite/Runtime/Simulator.h"
#include "kite/Target/Kbin.h"
#include "kite/TensorIO/Npy.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/Threading.h"
#include "mlir/Pass/PassManager.h"
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

namespace {
/// "2:4+1:8" -> {(2, 4), (1, 8)}.
FailureOr<SmallVector<std::pair<unsigned, unsigned>>>
parseSeries(StringRef text) {
  SmallVector<std::pair<unsigned, unsigned>> terms;
  SmallVector<StringRef> parts;
  text.split(parts, '+');
  for (StringRef part : parts) {
    auto [n, m] = part.trim().split(':');
    unsigned nv = 0, mv = 0;
    if (n.getAsInteger(10, nv) || m.getAsInteger(10, mv) || nv < 1 || mv < nv ||
        mv > 256)
      return failure();
    terms.push_back({nv, mv});
  }
  return terms;
}

/// A MAC op's constant integer weights as `batches` K x N matrices, N:M
/// groups running along K: a matmul's rhs ([B...] x K x N), or a
/// convolution's filter (F x C/groups x KH x KW: K = C/groups * KH * KW
/// per filter, N = F).
struct WeightView {
  Value weights;
  int64_t batches, k, n, kStride, nStride;
  int64_t at(int64_t b, int64_t kk, int64_t j) const {
    return b * k * n + kk * kStride + j * nStride;
  }
};

WeightView weightView(Operation *op) {
  if (auto conv = dyn_cast<Conv2DOp>(op)) {
    auto type = conv.getFilter().getType();
    int64_t f = type.getDimSize(0), k = type.getNumElements() / f;
    return {conv.getFilter(), 1, k, f, 1, k};
  }
  auto mm = cast<MatmulOp>(op);
  auto type = mm.getRhs().getType();
  ArrayRef<int64_t> shape = type.getShape();
  int64_t k = shape[shape.size() - 2], n = shape.back();
  return {mm.getRhs(), type.getNumElements() / (k * n), k, n, n, 1};
}

/// Takes the N:M selection of `residual` (along K) out of it and returns it.
std::vector<int64_t> takeTerm(std::vector<int64_t> &residual,
                              const WeightView &view, unsigned keep,
                              unsigned group) {
  std::vector<int64_t> term(residual.size(), 0);
  for (int64_t b = 0; b < view.batches; ++b)
    for (int64_t j = 0; j < view.n; ++j)
      for (int64_t g0 = 0; g0 < view.k; g0 += group) {
        auto at = [&](int64_t t) -> int64_t & {
          return residual[size_t(view.at(b, g0 + t, j))];
        };
        for (int64_t t : numerics::keptInGroup(
                 std::min<int64_t>(group, view.k - g0), keep,
                 [&](int64_t t) { return std::llabs(at(t)); })) {
          term[size_t(view.at(b, g0 + t, j))] = at(t);
          at(t) = 0;
        }
      }
  return term;
}

double norm(const std::vector<int64_t> &v) {
  double s = 0;
  for (int64_t x : v)
    s += double(x) * double(x);
  return std::sqrt(s);
}

/// A copy of MAC op `op` at `b` that reads `weights` through `weightsNM`
/// and its activations through `activationsNM`, adds to `acc` (if any) and,
/// unless `first`, leaves the bias to the first term.
Operation *cloneTerm(OpBuilder &b, Operation *op, Value weights, Value acc,
                     bool first, NMAttr weightsNM,
                     NMAttr activationsNM = nullptr) {
  Operation *part = b.clone(*op);
  if (auto mm = dyn_cast<MatmulOp>(part)) {
    mm.getRhsMutable().assign(weights);
    if (acc)
      mm.getAccMutable().assign(acc);
    else
      mm.getAccMutable().clear();
    mm.setRhsSparsityAttr(weightsNM);
    mm.setLhsSparsityAttr(activationsNM);
    return part;
  }
  auto conv = cast<Conv2DOp>(part);
  conv.getFilterMutable().assign(weights);
  if (acc)
    conv.getAccMutable().assign(acc);
  else
    conv.getAccMutable().clear();
  if (!first)
    conv.getBiasMutable().clear();
  conv.setFilterSparsityAttr(weightsNM);
  conv.setInputSparsityAttr(activationsNM);
  return part;
}

/// Rewrites `op` into its chain of N:M terms (the first keeps each group's
/// N1 largest weights, the next the same of what is left, ...); sets the
/// relative residual ||R|| / ||W|| and the kept / total nonzero weights.
void decompose(Operation *op, ArrayRef<std::pair<unsigned, unsigned>> terms,
               double &relativeResidual, int64_t &kept, int64_t &nonzero) {
  WeightView view = weightView(op);
  DenseIntElementsAttr weights;
  matchPattern(view.weights, m_Constant(&weights));
  auto type = cast<RankedTensorType>(view.weights.getType());
  std::vector<int64_t> residual;
  for (const APInt &v : weights.getValues<APInt>())
    residual.push_back(v.getSExtValue());
  double total = norm(residual);
  nonzero = llvm::count_if(residual, [](int64_t v) { return v; });

  OpBuilder b(op);
  Value acc = isa<MatmulOp>(op) ? cast<MatmulOp>(op).getAcc()
                                : cast<Conv2DOp>(op).getAcc();
  bool first = true;
  kept = 0;
  for (auto [keep, group] : terms) {
    std::vector<int64_t> term = takeTerm(residual, view, keep, group);
    int64_t termNonzero = llvm::count_if(term, [](int64_t v) { return v; });
    if (!termNonzero)
      continue;
    kept += termNonzero;
    SmallVector<APInt> values;
    unsigned width = type.getElementTypeBitWidth();
    for (int64_t v : term)
      values.push_back(APInt(width, uint64_t(v), /*isSigned=*/true));
    Value w = arith::ConstantOp::create(
        b, op->getLoc(), DenseIntElementsAttr::get(type, values));
    acc = cloneTerm(b, op, w, acc, first,
                    NMAttr::get(op->getContext(), keep, group))
              ->getResult(0);
    first = false;
  }
  relativeResidual = total > 0 ? norm(residual) / total : 0.0;
  if (first) // every term was empty: the weights are all zero
    return;
  Operation *dense = view.weights.getDefiningOp();
  op->getResult(0).replaceAllUsesWith(acc);
  op->erase();
  if (dense->use_empty())
    dense->erase();
}

/// The MAC ops TASD applies to: integer weights, constant, not yet N:M;
/// convolutions that do not continue an accumulator chain.
SmallVector<Operation *> decomposable(ModuleOp module) {
  SmallVector<Operation *> ops;
  auto integerConstant = [](Value w) {
    return isa<IntegerType>(getElementTypeOrSelf(w.getType())) &&
           matchPattern(w, m_Constant());
  };
  module.walk([&](Operation *op) {
    if (auto mm = dyn_cast<MatmulOp>(op)) {
      if (!mm.getRhsSparsityAttr() && integerConstant(mm.getRhs()))
        ops.push_back(op);
    } else if (auto conv = dyn_cast<Conv2DOp>(op)) {
      if (!conv.getFilterSparsityAttr() && !conv.getAcc() &&
          integerConstant(conv.getFilter()))
        ops.push_back(op);
    }
  });
  return ops;
}

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
      WeightView view = weightView(op);
      int64_t k = view.k, n = view.n;
      decompose(op, *terms, residual, kept, nonzero);
      if (report)
        llvm::errs() << llvm::formatv(
            "kite-tasd: layer {0} ({1}x{2}): series {3}, kept {4}/{5} "
            "nonzero weights, relative residual {6:f4}\n",
            index, k, n, series, kept, nonzero, residual);
    }
  }
};

/// `v`'s source past reshapes and max pooling, which keep a ReLU output one.
Value throughReshapesAndMaxPools(Value v) {
  while (Operation *def = v.getDefiningOp()) {
    if (!isa<tosa::ReshapeOp, tosa::MaxPool2dOp>(def))
      break;
    v = def->getOperand(0);
  }
  return v;
}

/// Whether `v` is a ReLU output: a kite.quantize of a tosa.clamp with a
/// lower bound of at least zero, looking through reshapes and max pooling
/// (on either side of the quantize).
bool isReluOutput(Value v) {
  auto q = throughReshapesAndMaxPools(v).getDefiningOp<QuantizeOp>();
  if (!q)
    return false;
  auto clamp =
      throughReshapesAndMaxPools(q.getInput()).getDefiningOp<tosa::ClampOp>();
  auto min = clamp ? dyn_cast<FloatAttr>(clamp.getMinValAttr()) : FloatAttr();
  return min && min.getValueAsDouble() >= 0;
}

/// For a GELU output `v` — a per-tensor kite.quantize with zero point 0 of
/// a kite.gelu, looking through reshapes — the integer magnitude below
/// which values are smaller than `threshold` (real units): ceil(threshold /
/// scale), at least 1.
std::optional<unsigned> geluThreshold(Value v, double threshold) {
  auto q = v.getDefiningOp<QuantizeOp>();
  if (!q || threshold <= 0 || !q.getScale() || q.getScale()->size() != 1 ||
      (*q.getZeroPoint())[0] != 0)
    return std::nullopt;
  Value in = q.getInput();
  while (auto r = in.getDefiningOp<tosa::ReshapeOp>())
    in = r.getInput1();
  if (!in.getDefiningOp<GeluOp>())
    return std::nullopt;
  double steps = std::ceil(threshold / (*q.getScale())[0]);
  return unsigned(
      std::clamp(steps, 1.0, double(numerics::kMaxSelectionThreshold)));
}

/// The run-time selection TASD-A gives MAC op `op` for pattern n:m, or
/// nullptr if it does not apply: integer activations that are ReLU outputs
/// (as they are) or, with `geluThresholdReal` > 0, GELU outputs (magnitudes
/// below the threshold read as zero); dense weights; no selection yet.
NMAttr activationSelection(Operation *op, unsigned n, unsigned m,
                           double geluThresholdReal) {
  Value activations;
  bool dense = false;
  if (auto mm = dyn_cast<MatmulOp>(op)) {
    activations = mm.getLhs();
    dense = !mm.getRhsSparsityAttr() && !mm.getLhsSparsityAttr();
  } else if (auto conv = dyn_cast<Conv2DOp>(op)) {
    activations = conv.getInput();
    dense = !conv.getFilterSparsityAttr() && !conv.getInputSparsityAttr();
  }
  if (!dense || !isa<IntegerType>(getElementTypeOrSelf(activations.getType())))
    return nullptr;
  if (isReluOutput(activations))
    return NMAttr::get(op->getContext(), n, m);
  if (std::optional<unsigned> t = geluThreshold(activations, geluThresholdReal))
    return NMAttr::get(op->getContext(), n, m, *t);
  return nullptr;
}

/// If TASD-A applies to `op` (activationSelection of the first term),
/// rewrites it into a chain of MAC ops, one per term of `terms`, that share
/// its weights and accumulate into each other: `op` reads its activations
/// through the first term's selection, each later copy through its term's
/// selection of what the earlier terms left (`residual_of`). Returns the
/// first term's selection, or nullptr.
NMAttr selectActivations(Operation *op,
                         ArrayRef<std::pair<unsigned, unsigned>> terms,
                         double geluThresholdReal) {
  auto [n0, m0] = terms.front();
  NMAttr first = activationSelection(op, n0, m0, geluThresholdReal);
  if (!first)
    return nullptr;
  if (auto mm = dyn_cast<MatmulOp>(op))
    mm.setLhsSparsityAttr(first);
  else
    cast<Conv2DOp>(op).setInputSparsityAttr(first);
  MLIRContext *ctx = op->getContext();
  // The series shares the first term's threshold; nested terms carry none.
  NMAttr earlier = NMAttr::get(ctx, n0, m0);
  Value weights = weightView(op).weights;
  OpBuilder b(ctx);
  Operation *last = op, *second = nullptr;
  for (auto [n, m] : terms.drop_front()) {
    NMAttr nm = NMAttr::get(ctx, n, m, first.getThreshold(), earlier);
    earlier = NMAttr::get(ctx, n, m, 0, earlier);
    b.setInsertionPointAfter(last);
    last = cloneTerm(b, op, weights, last->getResult(0), /*first=*/false,
                     nullptr, nm);
    if (!second)
      second = last;
  }
  if (second)
    op->getResult(0).replaceAllUsesExcept(last->getResult(0), second);
  return first;
}

/// "2:4+1:8" for the series `terms`.
std::string seriesText(ArrayRef<std::pair<unsigned, unsigned>> terms) {
  std::string text;
  for (auto [n, m] : terms)
    text +=
        (text.empty() ? "" : "+") + std::to_string(n) + ":" + std::to_string(m);
  return text;
}

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

  /// Calibration score of `module` (a clone with some layers decomposed):
  /// top-1 against labels, or agreement with the float model's outputs.
  FailureOr<double> accuracy(ModuleOp module, const Reference &y) {
    interp::Interpreter interp;
    double score = 0;
    int64_t total = 0, width = y.rowWidth();
    LogicalResult ok = forEachCalibrationBatch(
        module, "kite-tasder", calibration, entry,
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

  /// Energy-delay product of one run of `module` in the simulator. Its
  /// cycles and energy do not depend on the data, so zeros will do.
  FailureOr<double> simulatedEdp(ModuleOp module) {
    OwningOpRef<ModuleOp> copy = module.clone();
    PassManager pm(module.getContext());
    ConvertKiteToKiteIsaOptions lowering;
    lowering.entry = entry;
    pm.addPass(createConvertKiteToKiteIsa(lowering));
    pm.addNestedPass<kiteisa::ProgramOp>(kiteisa::createKiteIsaScheduleDma());
    if (failed(pm.run(*copy)))
      return failure();
    FailureOr<rt::Program> program = programFromModule(*copy);
    if (failed(program))
      return failure();
    std::vector<std::vector<uint8_t>> inputs, outputs;
    for (const rt::IoDesc &d : program->inputs)
      inputs.emplace_back(size_t(d.bytes()), 0);
    rt::Simulator sim(*program);
    std::string error;
    if (!sim.run(inputs, outputs, error))
      return module.emitError() << "kite-tasder: " << error;
    return sim.stats().edpJs(program->target);
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
      if (!s.activations ||
          activationSelection(layer, s.terms.front().first,
                              s.terms.front().second, geluThreshold_))
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
          byEdp ? simulatedEdp(*model) : FailureOr<double>(density(*tried[i]));
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
    FailureOr<Reference> loaded = Reference::load(module, "kite-tasder", entry,
                                                  labels, reference, "auto");
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
    SmallVector<Series> choice(layers.size());
    double last = *original, edp = 0;
    FailureOr<double> denseEdp =
        byEdp ? simulatedEdp(module) : FailureOr<double>(0.0);
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
          "kite-tasder: simulated EDP per run {0:e3} J*s (dense {1:e3}, "
          "{2:f1} % lower)\n",
          edp, *denseEdp, 100 * (1 - edp / *denseEdp));
  }
};
} // namespace
