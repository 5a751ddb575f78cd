//===- LPQuantize.cpp - MAC-array ops on logarithmic posits ---------------===//

#include "LPRewrite.h"
#include "kite/Dialect/Kite/Search/Calibration.h"
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
#include <numeric>

namespace kite {
#define GEN_PASS_DEF_KITELPQUANTIZE
#include "kite/dialects/Kite/Passes.h.inc"
} // namespace kite

using namespace mlir;
using namespace kite;
namespace nq = kite::numerics;

namespace kite::lp {
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
                      const CalibrationData &calibration, StringRef entry,
                      ArrayRef<Operation *> ops, std::vector<MacLayer> *layers,
                      interp::Tensor *output, int64_t maxSamples) {
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
std::vector<size_t> shareScalesOfSlices(ArrayRef<Operation *> ops,
                                        std::vector<MacLayer> &layers) {
  // Per sliced tensor: each operand's layer, values and where its shared
  // data go.
  struct Member {
    size_t layer;
    const std::vector<float> *data;
    std::shared_ptr<const std::vector<float>> *shared;
  };
  llvm::MapVector<Value, SmallVector<Member>> groups;
  for (auto [l, op, layer] : llvm::enumerate(ops, layers)) {
    if (!layer.reached)
      continue;
    if (Value from = slicedFrom(op->getOperand(0)))
      groups[from].push_back({l, &layer.lhs, &layer.lhsScaleData});
    if (Value from = slicedFrom(op->getOperand(1)); from && !layer.rhsConstant)
      groups[from].push_back({l, &layer.rhs, &layer.rhsScaleData});
  }
  // Layers that share a sliced tensor, joined (a layer may read two),
  // each set led by its first layer.
  std::vector<size_t> leader(layers.size());
  std::iota(leader.begin(), leader.end(), 0);
  auto find = [&](size_t l) {
    while (leader[l] != l)
      l = leader[l];
    return l;
  };
  for (auto &[from, members] : groups) {
    if (members.size() < 2)
      continue;
    auto all = std::make_shared<std::vector<float>>();
    for (const Member &m : members)
      all->insert(all->end(), m.data->begin(), m.data->end());
    for (const Member &m : members) {
      *m.shared = all;
      size_t a = find(members.front().layer), b = find(m.layer);
      leader[std::max(a, b)] = std::min(a, b);
    }
  }
  for (size_t l = 0; l < leader.size(); ++l)
    leader[l] = find(l);
  return leader;
}

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

} // namespace kite::lp

using namespace kite::lp;

namespace {
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
    const CalibrationData *data = getAnalysis<CalibrationFiles>().load(
        &getContext(), calibration, "kite-lp-quantize");
    if (!data || failed(observe(module, "kite-lp-quantize", *data, entry,
                                macOps, &layers, nullptr)))
      return signalPassFailure();
    std::vector<size_t> leader = shareScalesOfSlices(macOps, layers);
    ScaleFactors sfs;
    for (size_t i = 0; i < macOps.size(); ++i) {
      if (!layers[i].reached)
        continue;
      auto [a, w] = formats[i];
      bool explicitEntry = i < entries.size() && entries[i] != "-";
      nq::LPFormat led = formats[leader[i]].first;
      if (leader[i] != i && !explicitEntry)
        a = led; // one LP type for the slices, one quantize before them
      else if (autoAct && !explicitEntry)
        a = fitFormat(layers[i].lhsScaleData ? *layers[i].lhsScaleData
                                             : layers[i].lhs,
                      a.n);
      else if (leader[i] != i &&
               (a.n != led.n || a.es != led.es || a.rs != led.rs))
        macOps[i]->emitWarning()
            << "kite-lp-quantize: this layer and layer " << leader[i]
            << " read slices of one tensor in different activation formats ("
            << formatText(a) << " and " << formatText(led)
            << "): each slice keeps its own quantize, so the data movement "
               "before them stays f32";
      formats[i].first = a;
      if (autoWeight && !explicitEntry && layers[i].rhsConstant)
        w = fitFormat(layers[i].rhs, w.n);
      if (report && (autoAct || autoWeight))
        llvm::errs() << "kite-lp-quantize: layer " << i << " ("
                     << macOps[i]->getName() << "): " << formatText(a) << "/"
                     << formatText(w) << "\n";
      rewriteToLP(macOps[i], layers[i], a, w, sfs);
    }
    quantizeBeforeDataMovement(module);
  }
};

} // namespace
