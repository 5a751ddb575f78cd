//===- LPQuantize.cpp - MAC-array ops on logarithmic posits ---------------===//

#include "Progress.h"
#include "Reference.h"
#include "kite/Dialect/Kite/Transforms/Calibration.h"
#include "kite/Dialect/Kite/Transforms/DataMovement.h"
#include "kite/Dialect/Kite/Transforms/Passes.h"
#include "kite/Numerics/Contrastive.h"
#include "kite/Numerics/Genetic.h"
#include "kite/Numerics/LP.h"
#include "kite/Target/Kbin.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/Threading.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/ThreadPool.h"

#include <atomic>
#include <map>
#include <mutex>
#include <set>

#include <cmath>

namespace kite {
#define GEN_PASS_DEF_KITELPQUANTIZE
#define GEN_PASS_DEF_KITELPQUANTSEARCH
#include "kite/dialects/Kite/Passes.h.inc"
} // namespace kite

using namespace mlir;
using namespace kite;
namespace nq = kite::numerics;

namespace {
/// Parses "n,es,rs" (sf is chosen later).
std::optional<nq::LPFormat> parseFormat(StringRef text) {
  SmallVector<StringRef> parts;
  text.split(parts, ',');
  unsigned v[3];
  if (parts.size() != 3)
    return std::nullopt;
  for (int i = 0; i < 3; ++i)
    if (parts[i].trim().getAsInteger(10, v[i]))
      return std::nullopt;
  nq::LPFormat f{v[0], v[1], v[2], 0};
  if (!f.validate().empty())
    return std::nullopt;
  return f;
}

/// The scale factor in [-32, 32] with the least quantization MSE on `data`.
int bestScaleFactor(nq::LPFormat f, const std::vector<float> &data) {
  int best = 0;
  double bestErr = INFINITY;
  // A subsample keeps the search cheap on large activations.
  size_t stride = std::max<size_t>(1, data.size() / 20000);
  for (int sf = -32; sf <= 32; ++sf) {
    f.sf = sf;
    nq::LPCodec codec(f);
    double err = 0;
    for (size_t i = 0; i < data.size(); i += stride) {
      double d = codec.decode(codec.encode(data[i])) - data[i];
      err += d * d;
    }
    if (err < bestErr) {
      bestErr = err;
      best = sf;
    }
  }
  return best;
}

/// The n-bit format (es in [0, 3], the longest regime) whose values, at
/// their best scale factor, are closest to `data` in relative terms: mean
/// |q(x) - x| / |x| over the nonzero values, a value flushed to zero
/// costing 1. For tensors whose range an integer format cannot span (a
/// power spectrum), this is what decides how far the format must reach.
nq::LPFormat fitFormat(const std::vector<float> &data, unsigned n) {
  nq::LPFormat best{n, 1, n - 1, 0};
  double bestErr = INFINITY;
  size_t stride = std::max<size_t>(1, data.size() / 20000);
  for (unsigned es = 0; es <= 3; ++es) {
    nq::LPFormat f{n, es, n - 1, 0};
    if (!f.validate().empty())
      continue;
    f.sf = bestScaleFactor(f, data);
    nq::LPCodec codec(f);
    double err = 0;
    size_t count = 0;
    for (size_t i = 0; i < data.size(); i += stride) {
      if (data[i] == 0 || !std::isfinite(data[i]))
        continue;
      double q = codec.decode(codec.encode(data[i]));
      err += std::min(1.0, std::fabs(q - data[i]) / std::fabs(data[i]));
      ++count;
    }
    err = count ? err / double(count) : 0;
    if (err < bestErr) {
      bestErr = err;
      best = f;
      best.sf = 0;
    }
  }
  return best;
}

/// One float MAC op and the values its operands take: the weights, or an
/// activation's values on the calibration data.
struct MacLayer {
  std::vector<float> lhs, rhs;
  /// For an activation sliced from a tensor that other MAC operands are
  /// sliced from too: all their values, on which the shared scale factor
  /// is fitted (null: the operand's own).
  std::shared_ptr<const std::vector<float>> lhsScaleData, rhsScaleData;
  std::vector<float> out; ///< the float model's result, all batches
  bool rhsConstant = false;
  bool reached = false;    // run by the entry function on the calibration data
  double selfContrast = 0; ///< contrastive loss of `out` against itself
};

SmallVector<Operation *> floatMacOps(ModuleOp module) {
  auto isFloat = [](Value v) {
    return isa<FloatType>(getElementTypeOrSelf(v.getType()));
  };
  SmallVector<Operation *> ops;
  module.walk([&](Operation *op) {
    if (isa<MatmulOp, Conv2DOp>(op) && isFloat(op->getOperand(0)) &&
        isFloat(op->getOperand(1)))
      ops.push_back(op);
  });
  return ops;
}

/// Runs the float model on the calibration data (the first `maxSamples`
/// samples if not 0) and records every MAC op's operand values; `output`
/// (if given) gets the entry function's first result, all batches
/// concatenated.
LogicalResult observe(ModuleOp module, StringRef passName,
                      StringRef calibration, StringRef entry,
                      ArrayRef<Operation *> ops, std::vector<MacLayer> *layers,
                      interp::Tensor *output, int64_t maxSamples = 0) {
  if (layers) {
    layers->assign(ops.size(), MacLayer());
    for (auto [op, layer] : llvm::zip(ops, *layers)) {
      DenseFPElementsAttr constant;
      if ((layer.rhsConstant =
               matchPattern(op->getOperand(1), m_Constant(&constant))))
        for (const APFloat &x : constant.getValues<APFloat>())
          layer.rhs.push_back(float(x.convertToDouble()));
    }
  }
  Value result;
  if (auto func = module.lookupSymbol<func::FuncOp>(entry))
    if (!func.getBody().empty() && func.getNumResults() > 0)
      result = func.getBody().back().getTerminator()->getOperand(0);
  if (output) {
    if (!result)
      return module.emitError() << passName << ": entry function '" << entry
                                << "' has no result to compare";
    *output = interp::Tensor();
  }
  auto append = [](std::vector<float> &to, const interp::Tensor &t) {
    to.insert(to.end(), t.f.begin(), t.f.end());
  };
  return runOnCalibrationData(
      module, passName, calibration, entry,
      [&](DenseMap<Value, interp::Tensor> &values) {
        for (auto [i, op] : llvm::enumerate(ops)) {
          auto it = values.find(op->getOperand(0));
          if (!layers || it == values.end())
            continue;
          MacLayer &layer = (*layers)[i];
          layer.reached = true;
          append(layer.lhs, it->second);
          if (!layer.rhsConstant)
            append(layer.rhs, values[op->getOperand(1)]);
          append(layer.out, values[op->getResult(0)]);
        }
        if (output) {
          const interp::Tensor &t = values[result];
          if (output->shape.empty())
            output->shape = t.shape;
          else
            output->shape[0] += t.shape[0];
          append(output->f, t);
        }
      },
      maxSamples);
}

/// The tensor `v` is sliced from, past reshapes and transposes; null if
/// none.
Value slicedFrom(Value v) {
  while (Operation *def = v.getDefiningOp()) {
    if (auto slice = dyn_cast<tosa::SliceOp>(def))
      return slice.getInput1();
    if (!isa<tosa::ReshapeOp, tosa::TransposeOp>(def))
      break;
    v = def->getOperand(0);
  }
  return {};
}

/// Activations sliced from one tensor (the ViT's Q, K and V) share one
/// scale factor, fitted on all their values: with one format they then have
/// one LP type, and one quantize of that tensor before the slices can
/// replace theirs (quantizeBeforeDataMovement).
void shareScalesOfSlices(ArrayRef<Operation *> ops,
                         std::vector<MacLayer> &layers) {
  // Per sliced tensor: each operand's values and where its shared data go.
  struct Member {
    const std::vector<float> *data;
    std::shared_ptr<const std::vector<float>> *shared;
  };
  llvm::MapVector<Value, SmallVector<Member>> groups;
  for (auto [op, layer] : llvm::zip(ops, layers)) {
    if (!layer.reached)
      continue;
    if (Value from = slicedFrom(op->getOperand(0)))
      groups[from].push_back({&layer.lhs, &layer.lhsScaleData});
    if (Value from = slicedFrom(op->getOperand(1)); from && !layer.rhsConstant)
      groups[from].push_back({&layer.rhs, &layer.rhsScaleData});
  }
  for (auto &[from, members] : groups) {
    if (members.size() < 2)
      continue;
    auto all = std::make_shared<std::vector<float>>();
    for (const Member &m : members)
      all->insert(all->end(), m.data->begin(), m.data->end());
    for (const Member &m : members)
      *m.shared = all;
  }
}

/// Fitted scale factors, keyed by the data and the format, so a search
/// fits each (tensor, format) pair once.
class ScaleFactors {
public:
  int get(nq::LPFormat f, const std::vector<float> &data) {
    auto key = std::make_tuple(&data, f.n, f.es, f.rs);
    {
      std::lock_guard<std::mutex> lock(mutex);
      auto it = cache.find(key);
      if (it != cache.end())
        return it->second;
    }
    // Two threads may fit the same pair; both get the same answer.
    int sf = bestScaleFactor(f, data);
    std::lock_guard<std::mutex> lock(mutex);
    cache.emplace(key, sf);
    return sf;
  }

private:
  std::mutex mutex;
  std::map<std::tuple<const void *, unsigned, unsigned, unsigned>, int> cache;
};

/// Replaces the float MAC op `op` by one on LP operands: weights become LP
/// constants, activations get a kite.quantize. A product of two
/// activations uses the activation format for both. Returns the new result.
Value rewriteToLP(Operation *op, const MacLayer &layer, nq::LPFormat af,
                  nq::LPFormat wf, ScaleFactors &sfs) {
  OpBuilder b(op);
  Location loc = op->getLoc();
  // The LP tensor type of `v` in format `f`, sf fitted on `data`.
  auto lpTensor = [&](Value v, nq::LPFormat f, const std::vector<float> &data) {
    f.sf = sfs.get(f, data);
    return RankedTensorType::get(
        cast<RankedTensorType>(v.getType()).getShape(),
        LPType::get(b.getContext(), f.n, f.es, f.rs, f.sf));
  };
  auto quantize = [&](Value v, nq::LPFormat f,
                      const std::vector<float> &data) -> Value {
    return QuantizeOp::create(b, loc, lpTensor(v, f, data), v, nullptr, nullptr,
                              nullptr, nullptr);
  };
  auto scaleData = [](const auto &shared, const std::vector<float> &own)
      -> const std::vector<float> & { return shared ? *shared : own; };
  Value lhs =
      quantize(op->getOperand(0), af, scaleData(layer.lhsScaleData, layer.lhs));
  Value rhs = op->getOperand(1);
  DenseFPElementsAttr weights;
  if (matchPattern(rhs, m_Constant(&weights))) {
    RankedTensorType type = lpTensor(rhs, wf, layer.rhs);
    rhs = ConstantOp::create(b, loc, type, encodeLPConstant(type, weights));
  } else {
    rhs = quantize(rhs, af, scaleData(layer.rhsScaleData, layer.rhs));
  }
  Type resultType = op->getResult(0).getType();
  Value result;
  if (auto mm = dyn_cast<MatmulOp>(op)) {
    result = MatmulOp::create(
        b, loc, resultType, lhs, rhs, mm.getAcc(), nullptr, nullptr, nullptr,
        mm.getLhsSparsityAttr(), mm.getRhsSparsityAttr(), mm.getTileAttr());
  } else {
    auto conv = cast<Conv2DOp>(op);
    result = Conv2DOp::create(b, loc, resultType, lhs, rhs, conv.getBias(),
                              conv.getAcc(), conv.getStridesAttr(),
                              conv.getPadsAttr(), conv.getDilationsAttr(),
                              conv.getGroupsAttr(), nullptr, nullptr, nullptr,
                              conv.getInputSparsityAttr(),
                              conv.getFilterSparsityAttr(), conv.getTileAttr());
  }
  op->getResult(0).replaceAllUsesWith(result);
  op->erase();
  return result;
}

/// Mean contrastive loss (numerics::contrastiveLoss, temperature 0.1) of
/// layer outputs `q` against `f` over the calibration batches: each of the
/// `samples` samples owns a contiguous share of a layer's output (the
/// models keep the batch dimension outermost), and the negatives are the
/// other samples of its batch.
double batchContrast(const std::vector<float> &q, const std::vector<float> &f,
                     int64_t samples, int64_t batch) {
  int64_t dim = samples ? int64_t(f.size()) / samples : 0;
  if (dim == 0 || q.size() != f.size() || batch <= 1)
    return 0;
  double sum = 0;
  int64_t batches = 0;
  for (int64_t first = 0; first + batch <= samples; first += batch) {
    sum += nq::contrastiveLoss(q.data() + first * dim, f.data() + first * dim,
                               batch, dim, 0.1);
    ++batches;
  }
  return batches ? sum / double(batches) : 0;
}

std::string formatText(nq::LPFormat f) {
  return llvm::formatv("{0},{1},{2}", f.n, f.es, f.rs).str();
}

struct LPQuantizePass : kite::impl::KiteLPQuantizeBase<LPQuantizePass> {
  using KiteLPQuantizeBase::KiteLPQuantizeBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto fail = [&](const Twine &message) {
      module.emitError() << "kite-lp-quantize: " << message;
      signalPassFailure();
    };
    if (calibration.empty())
      return fail("needs calibration data (calibration=<file.npy|.npz>)");
    // "auto": 8-bit words, es and rs fitted per tensor (fitFormat).
    bool autoAct = actFormat == "auto", autoWeight = weightFormat == "auto";
    std::optional<nq::LPFormat> defaultAct =
        autoAct ? nq::LPFormat{} : parseFormat(actFormat);
    std::optional<nq::LPFormat> defaultWeight =
        autoWeight ? nq::LPFormat{} : parseFormat(weightFormat);
    if (!defaultAct || !defaultWeight)
      return fail("formats are 'auto' or 'n,es,rs' with 2 <= n <= 16, "
                  "es <= 4, 1 <= rs < n");
    SmallVector<Operation *> macOps = floatMacOps(module);
    if (macOps.empty())
      return; // nothing left to quantize (kite-quantize took every layer)
    // Entries are ';'-separated because each format contains commas.
    SmallVector<StringRef> entries;
    if (!layerFormats.empty())
      StringRef(layerFormats).split(entries, ';');
    if (entries.size() > macOps.size())
      return fail("layer-formats has " + Twine(entries.size()) +
                  " entries but the module has " + Twine(macOps.size()) +
                  " float MAC ops");
    TargetAttr target = lookupTarget(module);
    std::vector<std::pair<nq::LPFormat, nq::LPFormat>> formats;
    for (size_t i = 0; i < macOps.size(); ++i) {
      nq::LPFormat a = *defaultAct, w = *defaultWeight;
      if (i < entries.size() && entries[i] != "-") {
        auto [as, ws] = entries[i].split('/');
        std::optional<nq::LPFormat> pa = parseFormat(as), pw = parseFormat(ws);
        if (!pa || !pw)
          return fail("layer-formats entry '" + entries[i] +
                      "' is not '-' or 'n,es,rs/n,es,rs'");
        a = *pa;
        w = *pw;
      }
      if (target &&
          (!target.supportsLPBits(a.n) || !target.supportsLPBits(w.n)))
        return fail("target '" + target.getName() +
                    "' does not support LP words of " + Twine(a.n) + " and " +
                    Twine(w.n) + " bits");
      formats.push_back({a, w});
    }
    std::vector<MacLayer> layers;
    if (failed(observe(module, "kite-lp-quantize", calibration, entry, macOps,
                       &layers, nullptr)))
      return signalPassFailure();
    shareScalesOfSlices(macOps, layers);
    ScaleFactors sfs;
    for (size_t i = 0; i < macOps.size(); ++i) {
      if (!layers[i].reached)
        continue;
      auto [a, w] = formats[i];
      bool explicitEntry = i < entries.size() && entries[i] != "-";
      if (autoAct && !explicitEntry)
        a = fitFormat(layers[i].lhsScaleData ? *layers[i].lhsScaleData
                                             : layers[i].lhs,
                      a.n);
      if (autoWeight && !explicitEntry && layers[i].rhsConstant)
        w = fitFormat(layers[i].rhs, w.n);
      if (autoAct || autoWeight)
        llvm::errs() << "kite-lp-quantize: layer " << i << " ("
                     << macOps[i]->getName() << "): " << formatText(a) << "/"
                     << formatText(w) << "\n";
      rewriteToLP(macOps[i], layers[i], a, w, sfs);
    }
    quantizeBeforeDataMovement(module);
  }
};

/// LPQ: a genetic search over each layer's (activation, weight) format.
struct LPQuantSearchPass
    : kite::impl::KiteLPQuantSearchBase<LPQuantSearchPass> {
  using KiteLPQuantSearchBase::KiteLPQuantSearchBase;

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

  /// Agreement with the float model's outputs (`agreeWith`) and relative
  /// squared error of the outputs on the calibration data, plus a penalty
  /// for every bit above the budget.
  FailureOr<Score> evaluate(ModuleOp module, const Genome &g,
                            ArrayRef<nq::LPFormat> candidates,
                            const std::vector<MacLayer> &layers,
                            ScaleFactors &sfs) {
    OwningOpRef<ModuleOp> copy = module.clone();
    SmallVector<Operation *> ops = floatMacOps(*copy);
    SmallVector<Value> results(ops.size());
    for (size_t i = 0; i < ops.size(); ++i)
      if (layers[i].reached)
        results[i] = rewriteToLP(ops[i], layers[i], candidates[g[2 * i]],
                                 candidates[g[2 * i + 1]], sfs);
    interp::Tensor out;
    std::vector<std::vector<float>> layerOut(ops.size());
    Value output = copy->lookupSymbol<func::FuncOp>(entry)
                       .getBody()
                       .back()
                       .getTerminator()
                       ->getOperand(0);
    if (failed(runOnCalibrationData(
            *copy, "kite-lp-quant-search", calibration, entry,
            [&](DenseMap<Value, interp::Tensor> &values) {
              const interp::Tensor &t = values[output];
              out.f.insert(out.f.end(), t.f.begin(), t.f.end());
              for (auto [i, v] : llvm::enumerate(results))
                if (v && contrastive > 0)
                  layerOut[i].insert(layerOut[i].end(), values[v].f.begin(),
                                     values[v].f.end());
            },
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
        double excess = batchContrast(layerOut[l], layer.out, samples, batch) -
                        layer.selfContrast;
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
        return g;
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
    std::vector<MacLayer> layers;
    interp::Tensor reference;
    if (failed(observe(module, "kite-lp-quant-search", calibration, entry,
                       macOps, &layers, &reference, calibrationSize)))
      return signalPassFailure();
    shareScalesOfSlices(macOps, layers);
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
      pop.push_back(ga.randomGenome());
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
