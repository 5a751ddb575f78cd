//===- Quantize.cpp - post-training integer quantization ------------------===//

#include "kite/Dialect/Kite/Search/Calibration.h"
#include "kite/Dialect/Kite/Transforms/DataMovement.h"
#include "kite/Dialect/Kite/Transforms/Passes.h"
#include "kite/Numerics/IntQuant.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/Support/FormatVariadic.h"

namespace kite {
#define GEN_PASS_DEF_KITEQUANTIZE
#include "kite/dialects/Kite/Passes.h.inc"
} // namespace kite

using namespace mlir;
using namespace kite;
namespace nq = kite::numerics;

namespace {
/// A MAC op to quantize: its activation operand, constant weights (and
/// bias), and the layout of the output channels.
struct Layer {
  Operation *op;
  Value activation;
  DenseFPElementsAttr weights;
  DenseFPElementsAttr bias; ///< conv only, may be null
  int64_t weightChannelAxis;
  int64_t resultChannelAxis;
};

std::optional<Layer> asLayer(Operation *op) {
  DenseFPElementsAttr w, b;
  if (auto mm = dyn_cast<MatmulOp>(op)) {
    if (!mm.getLhs().getType().getElementType().isF32() || mm.getAcc() ||
        !matchPattern(mm.getRhs(), m_Constant(&w)))
      return std::nullopt;
    int64_t rank = mm.getRhs().getType().getRank();
    return Layer{op,      mm.getLhs(), w,
                 nullptr, rank - 1,    mm.getResult().getType().getRank() - 1};
  }
  auto conv = dyn_cast<Conv2DOp>(op);
  if (!conv || !conv.getInput().getType().getElementType().isF32() ||
      conv.getAcc() || !matchPattern(conv.getFilter(), m_Constant(&w)))
    return std::nullopt;
  if (conv.getBias() && !matchPattern(conv.getBias(), m_Constant(&b)))
    return std::nullopt;
  return Layer{op, conv.getInput(), w, b, 0, 1};
}

using Widths = DenseMap<Operation *, std::pair<unsigned, unsigned>>;
using Seen = DenseMap<Value, std::vector<float>>;
/// The observed values of another module's (a clone's) values.
using SeenRefs = DenseMap<Value, const std::vector<float> *>;

/// The float MAC ops of `module`, in IR order.
SmallVector<Operation *> floatMacOps(ModuleOp module) {
  SmallVector<Operation *> ops;
  module.walk([&](Operation *op) {
    if (isa<MatmulOp, Conv2DOp>(op) &&
        isa<FloatType>(getElementTypeOrSelf(op->getOperand(0).getType())))
      ops.push_back(op);
  });
  return ops;
}

/// How a weight channel's range is chosen (the `weight-method` option).
enum class WeightRange { MinMax, MSE, Auto };

/// Rounding error dominates narrow weights: clipping the channel's
/// outliers to the range with the least quantization error pays off at 4
/// bits and below, while at 8 bits max |w| loses nothing measurable.
nq::Calibration weightCalibration(WeightRange range, unsigned bits) {
  bool mse =
      range == WeightRange::MSE || (range == WeightRange::Auto && bits <= 4);
  return mse ? nq::Calibration::MSE : nq::Calibration::MinMax;
}

/// Rewrites every float MAC op of `module` that `widths` names into
/// integer form (activation x weight bits), with activation ranges from
/// `seen` (values of `module`); the others stay float.
void quantizeLayers(ModuleOp module, const Widths &widths, const SeenRefs &seen,
                    nq::Calibration calib, double percentile,
                    WeightRange weightRange) {
  MLIRContext *ctx = module.getContext();
  // What each op observed is looked up before anything is rewritten: a
  // rewrite replaces the values the next MAC op reads (a matmul feeding a
  // matmul), so no Value is kept across one.
  struct Planned {
    Layer layer;
    const std::vector<float> *observed;
  };
  SmallVector<Planned> layers;
  // Products of two activations (attention): both operands calibrated.
  struct Product {
    MatmulOp mm;
    const std::vector<float> *lhs, *rhs;
  };
  SmallVector<Product> activationProducts;
  module.walk([&](Operation *op) {
    if (!widths.count(op))
      return;
    if (std::optional<Layer> l = asLayer(op)) {
      auto it = seen.find(l->activation);
      if (it != seen.end()) // else not reached from the entry function
        layers.push_back({*l, it->second});
    } else if (auto mm = dyn_cast<MatmulOp>(op)) {
      if (!mm.getLhs().getType().getElementType().isF32() || mm.getAcc())
        return;
      auto lhs = seen.find(mm.getLhs()), rhs = seen.find(mm.getRhs());
      if (lhs != seen.end() && rhs != seen.end())
        activationProducts.push_back({mm, lhs->second, rhs->second});
    }
  });
  auto quantizeActivation = [&](OpBuilder &b, Location loc, Value v,
                                const nq::QuantParams &p,
                                unsigned bits) -> Value {
    auto type = cast<RankedTensorType>(v.getType());
    return QuantizeOp::create(
        b, loc, RankedTensorType::get(type.getShape(), b.getI8Type()), v,
        IntFormatAttr::get(ctx, bits, true), b.getDenseF64ArrayAttr({p.scale}),
        b.getDenseI64ArrayAttr({0}), nullptr);
  };
  for (const Product &product : activationProducts) {
    MatmulOp mm = product.mm;
    OpBuilder b(mm);
    Location loc = mm.getLoc();
    auto [aBits, bBits] = widths.lookup(mm.getOperation());
    nq::IntFormat fa{aBits, true}, fb{bBits, true};
    nq::QuantParams pa =
        nq::calibrateShared(*product.lhs, fa, true, calib, percentile);
    nq::QuantParams pb =
        nq::calibrateShared(*product.rhs, fb, true, calib, percentile);
    auto resultType = mm.getResult().getType();
    Value acc = MatmulOp::create(
        b, loc, RankedTensorType::get(resultType.getShape(), b.getI32Type()),
        quantizeActivation(b, loc, mm.getLhs(), pa, aBits),
        quantizeActivation(b, loc, mm.getRhs(), pb, bBits), Value(),
        IntFormatAttr::get(ctx, aBits, true),
        IntFormatAttr::get(ctx, bBits, true), mm.getMultiplierAttr(),
        mm.getLhsSparsityAttr(), mm.getRhsSparsityAttr(), mm.getTileAttr());
    Value result =
        DequantizeOp::create(b, loc, resultType, acc, nullptr,
                             b.getDenseF64ArrayAttr({pa.scale * pb.scale}),
                             b.getDenseI64ArrayAttr({0}), nullptr);
    mm.getResult().replaceAllUsesWith(result);
    mm.erase();
  }
  for (const Planned &planned : layers) {
    const Layer &l = planned.layer;
    OpBuilder b(l.op);
    Location loc = l.op->getLoc();
    auto [aBits, wBits] = widths.lookup(l.op);
    nq::IntFormat actFormat{aBits, true}, weightFormat{wBits, true};
    nq::QuantParams act =
        nq::calibrateShared(*planned.observed, actFormat,
                            /*symmetric=*/true, calib, percentile);
    auto wType = cast<RankedTensorType>(l.weights.getType());
    std::vector<float> w;
    for (const APFloat &v : l.weights.getValues<APFloat>())
      w.push_back(float(v.convertToDouble()));
    std::vector<nq::QuantParams> wq = nq::calibratePerChannel(
        w,
        std::vector<int64_t>(wType.getShape().begin(), wType.getShape().end()),
        l.weightChannelAxis, weightFormat, true,
        weightCalibration(weightRange, wBits));
    int64_t inner = interp::numElements(
        wType.getShape().drop_front(l.weightChannelAxis + 1));
    int64_t channels = wType.getDimSize(l.weightChannelAxis);
    SmallVector<int8_t> qw;
    for (int64_t k = 0; k < int64_t(w.size()); ++k) {
      const nq::QuantParams &p = wq[size_t((k / inner) % channels)];
      qw.push_back(int8_t(nq::quantize(w[k], p.scale, 0, weightFormat)));
    }
    auto i8 = b.getI8Type();
    Value qWeights = arith::ConstantOp::create(
        b, loc,
        DenseElementsAttr::get(RankedTensorType::get(wType.getShape(), i8),
                               ArrayRef<int8_t>(qw)));
    // The activation as it is now: an earlier rewrite may have replaced it.
    Value activation = l.op->getOperand(0);
    Value qAct = quantizeActivation(b, loc, activation, act, aBits);
    SmallVector<double> outScales;
    for (const nq::QuantParams &p : wq)
      outScales.push_back(act.scale * p.scale);
    auto resultType = cast<RankedTensorType>(l.op->getResult(0).getType());
    auto accType = RankedTensorType::get(resultType.getShape(), b.getI32Type());
    auto actFmt = IntFormatAttr::get(ctx, aBits, true);
    auto wFmt = IntFormatAttr::get(ctx, wBits, true);
    Value acc;
    if (auto mm = dyn_cast<MatmulOp>(l.op)) {
      acc = MatmulOp::create(b, loc, accType, qAct, qWeights, Value(), actFmt,
                             wFmt, mm.getMultiplierAttr(),
                             mm.getLhsSparsityAttr(), mm.getRhsSparsityAttr(),
                             mm.getTileAttr());
    } else {
      auto conv = cast<Conv2DOp>(l.op);
      Value bias;
      if (l.bias) {
        SmallVector<int32_t> qb;
        int64_t c = 0;
        for (const APFloat &v : l.bias.getValues<APFloat>())
          qb.push_back(int32_t(
              nq::roundHalfEven(v.convertToDouble() / outScales[size_t(c++)])));
        bias = arith::ConstantOp::create(
            b, loc,
            DenseElementsAttr::get(
                RankedTensorType::get({int64_t(qb.size())}, b.getI32Type()),
                ArrayRef<int32_t>(qb)));
      }
      acc = Conv2DOp::create(
          b, loc, accType, qAct, qWeights, bias, Value(), conv.getStridesAttr(),
          conv.getPadsAttr(), conv.getDilationsAttr(), conv.getGroupsAttr(),
          actFmt, wFmt, conv.getMultiplierAttr(), conv.getInputSparsityAttr(),
          conv.getFilterSparsityAttr(), conv.getTileAttr());
    }
    Value result = DequantizeOp::create(
        b, loc, resultType, acc, nullptr, b.getDenseF64ArrayAttr(outScales),
        b.getDenseI64ArrayAttr(SmallVector<int64_t>(outScales.size(), 0)),
        b.getI64IntegerAttr(l.resultChannelAxis));
    l.op->getResult(0).replaceAllUsesWith(result);
    l.op->erase();
  }
}

/// The values the MAC ops' activation operands take over the calibration
/// data.
LogicalResult observeActivations(ModuleOp module,
                                 const CalibrationData &calibration,
                                 StringRef entry, Seen &seen) {
  SetVector<Value> calibrated;
  for (Operation *op : floatMacOps(module)) {
    if (std::optional<Layer> l = asLayer(op)) {
      calibrated.insert(l->activation);
    } else if (auto mm = dyn_cast<MatmulOp>(op)) {
      if (!mm.getAcc()) {
        calibrated.insert(mm.getLhs());
        calibrated.insert(mm.getRhs());
      }
    }
  }
  return runOnCalibrationData(module, "kite-quantize", calibration, entry,
                              [&](DenseMap<Value, interp::Tensor> &values) {
                                for (Value v : calibrated) {
                                  auto it = values.find(v);
                                  if (it == values.end())
                                    continue;
                                  std::vector<float> &dst = seen[v];
                                  dst.insert(dst.end(), it->second.f.begin(),
                                             it->second.f.end());
                                }
                              });
}

/// The first result of @entry on the calibration batches, concatenated.
FailureOr<std::vector<float>>
calibrationOutputs(ModuleOp module, const CalibrationData &calibration,
                   StringRef entry) {
  interp::Interpreter interp;
  std::vector<float> outputs;
  if (failed(forEachCalibrationBatch(
          module, "kite-quantize", calibration, entry,
          [&](func::FuncOp func, std::vector<interp::Tensor> &inputs,
              const CalibrationBatch &b) -> LogicalResult {
            FailureOr<std::vector<interp::Tensor>> out =
                interp.run(func, inputs);
            if (failed(out) || out->empty() || !(*out)[0].isFloat)
              return failure();
            const interp::Tensor &y = (*out)[0];
            int64_t rows = y.shape.empty() ? 1 : y.shape[0];
            int64_t kept = std::min(rows, b.fresh) * (y.size() / rows);
            outputs.insert(outputs.end(), y.f.begin(), y.f.begin() + kept);
            return success();
          })))
    return failure();
  return outputs;
}

struct QuantizePass : kite::impl::KiteQuantizeBase<QuantizePass> {
  using KiteQuantizeBase::KiteQuantizeBase;
  /// The inputs in `calibration` (set by runOnOperation).
  const CalibrationData *calibrationData = nullptr;

  std::optional<WeightRange> parseWeightRange() const {
    return weightMethod == "auto"     ? std::optional(WeightRange::Auto)
           : weightMethod == "minmax" ? std::optional(WeightRange::MinMax)
           : weightMethod == "mse"    ? std::optional(WeightRange::MSE)
                                      : std::nullopt;
  }

  /// Relative output error, on the calibration data, of `module` with
  /// the layers `widths` names quantized (the others float).
  FailureOr<double> outputError(ModuleOp module, const Widths &widths,
                                const Seen &seen, nq::Calibration calib,
                                ArrayRef<float> reference) {
    IRMapping mapping;
    OwningOpRef<ModuleOp> copy =
        cast<ModuleOp>(module.getOperation()->clone(mapping));
    Widths copyWidths;
    for (auto [op, w] : widths)
      copyWidths[mapping.lookup(op)] = w;
    SeenRefs copySeen;
    for (const auto &[v, values] : seen)
      copySeen[mapping.lookup(v)] = &values;
    quantizeLayers(*copy, copyWidths, copySeen, calib, percentile,
                   *parseWeightRange());
    FailureOr<std::vector<float>> out =
        calibrationOutputs(*copy, *calibrationData, entry);
    if (failed(out))
      return failure();
    return relativeSquaredError(*out, reference);
  }

  /// Weight widths by sensitivity (see the pass description). Products of
  /// two activations (attention's Q K^T and A V) have no weights and keep
  /// `weight-bits`: a narrower K or V also costs more than it saves, since
  /// Q, K and V then differ in format and the QKV projection's drain can no
  /// longer write all three as int8 codes (docs/passes.md).
  LogicalResult chooseWeightWidths(ModuleOp module,
                                   ArrayRef<Operation *> allMacOps,
                                   Widths &widths, const Seen &seen,
                                   nq::Calibration calib) {
    SmallVector<Operation *> macOps;
    SmallVector<size_t> index; // of macOps[l] in allMacOps
    for (auto [i, op] : llvm::enumerate(allMacOps))
      if (asLayer(op)) {
        macOps.push_back(op);
        index.push_back(i);
      }
    SmallVector<unsigned> candidates(weightWidths.begin(), weightWidths.end());
    if (candidates.empty())
      candidates = {8, 4, 2};
    llvm::sort(candidates, std::greater<unsigned>());
    candidates.erase(std::unique(candidates.begin(), candidates.end()),
                     candidates.end());
    TargetAttr target = lookupTarget(module);
    for (unsigned w : candidates)
      if (w < 2 || w > 8 || (target && !target.supportsIntBits(w)))
        return module.emitError()
               << "kite-quantize: weight width " << w
               << " is outside [2, 8] or not supported by the target";
    FailureOr<std::vector<float>> reference =
        calibrationOutputs(module, *calibrationData, entry);
    if (failed(reference))
      return failure();
    // error[l][c]: layer l alone at candidates[c].
    SmallVector<SmallVector<double>> error(macOps.size());
    SmallVector<int64_t> macs;
    int64_t totalMacs = 0;
    for (auto [l, op] : llvm::enumerate(macOps)) {
      macs.push_back(macCount(op));
      totalMacs += macs.back();
      for (unsigned w : candidates) {
        Widths one{{op, {widths.lookup(op).first, w}}};
        FailureOr<double> e = outputError(module, one, seen, calib, *reference);
        if (failed(e))
          return failure();
        error[l].push_back(*e);
        llvm::errs() << llvm::formatv(
            "kite-quantize: layer {0} ({1} MACs) at {2}-bit weights: relative "
            "output error {3:e2}\n",
            index[l], macs[l], w, *e);
      }
    }
    // Greedy narrowing from the widest candidate.
    SmallVector<size_t> at(macOps.size(), 0);
    auto average = [&] {
      double bits = 0;
      for (size_t l = 0; l < at.size(); ++l)
        bits += double(macs[l]) * candidates[at[l]];
      return totalMacs ? bits / double(totalMacs) : 0.0;
    };
    while (average() > weightBitBudget) {
      std::optional<size_t> best;
      double bestCost = 0;
      for (size_t l = 0; l < at.size(); ++l) {
        if (at[l] + 1 >= candidates.size())
          continue;
        double saved =
            double(macs[l]) * (candidates[at[l]] - candidates[at[l] + 1]);
        double cost = (error[l][at[l] + 1] - error[l][at[l]]) / saved;
        if (!best || cost < bestCost) {
          best = l;
          bestCost = cost;
        }
      }
      if (!best)
        break; // every layer at the narrowest candidate
      ++at[*best];
    }
    for (auto [l, op] : llvm::enumerate(macOps))
      widths[op].second = candidates[at[l]];
    // As layer-bits spells it, every MAC op in order.
    std::string map;
    for (auto [l, op] : llvm::enumerate(allMacOps))
      map += (l ? "," : "") + std::to_string(widths[op].first) + "x" +
             std::to_string(widths[op].second);
    llvm::errs() << llvm::formatv(
        "kite-quantize: chose layer-bits={0} ({1:f2} MAC-weighted average "
        "weight bits, budget {2:f2})\n",
        map, average(), weightBitBudget.getValue());
    return success();
  }

  /// Drops from `widths` the layers whose activations an integer format
  /// cannot span: more than lp-fallback of the nonzero calibration values
  /// round to 0 (a power spectrum's quiet bins). They stay float for
  /// kite-lp-quantize, whose log-domain words keep relative precision.
  void leaveWideRangesForLP(ArrayRef<Operation *> macOps, Widths &widths,
                            const Seen &seen, nq::Calibration calib) {
    for (auto [i, op] : llvm::enumerate(macOps)) {
      std::optional<Layer> layer = asLayer(op);
      auto it =
          layer && widths.count(op) ? seen.find(layer->activation) : seen.end();
      if (it == seen.end())
        continue;
      const std::vector<float> &x = it->second;
      unsigned bits = widths.lookup(op).first;
      nq::QuantParams p = nq::calibrateShared(x, nq::IntFormat{bits, true},
                                              true, calib, percentile);
      size_t nonzero = 0, flushed = 0;
      for (float v : x)
        if (v != 0) {
          ++nonzero;
          flushed += std::fabs(v) < p.scale / 2;
        }
      double fraction = nonzero ? double(flushed) / double(nonzero) : 0;
      if (fraction <= lpFallback)
        continue;
      widths.erase(op);
      llvm::errs() << llvm::formatv(
          "kite-quantize: layer {0} ({1}): {2:p} of its nonzero calibration "
          "activations round to 0 in int{3}; left for logarithmic posits\n",
          i, op->getName(), fraction, bits);
    }
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto fail = [&](const Twine &message) {
      module.emitError() << "kite-quantize: " << message;
      signalPassFailure();
    };
    if (calibration.empty())
      return fail("needs calibration data (calibration=<file.npy|.npz>)");
    std::optional<nq::Calibration> calib =
        method == "minmax"       ? std::optional(nq::Calibration::MinMax)
        : method == "percentile" ? std::optional(nq::Calibration::Percentile)
        : method == "mse"        ? std::optional(nq::Calibration::MSE)
                                 : std::nullopt;
    if (!calib)
      return fail("method must be minmax, percentile or mse, got '" + method +
                  "'");
    if (!(lpFallback >= 0 && lpFallback <= 1))
      return fail("lp-fallback must be a fraction in [0, 1], got " +
                  llvm::formatv("{0}", double(lpFallback)).str());
    std::optional<WeightRange> weightRange = parseWeightRange();
    if (!weightRange)
      return fail("weight-method must be auto, minmax or mse, got '" +
                  weightMethod + "'");
    // Widths of every float MAC op, in IR order.
    SmallVector<Operation *> macOps = floatMacOps(module);
    if (layerBits.size() > macOps.size())
      return fail("layer-bits has " + Twine(layerBits.size()) +
                  " entries but the module has " + Twine(macOps.size()) +
                  " float MAC ops");
    if (weightBitBudget > 0 && !layerBits.empty())
      return fail("give layer-bits or weight-bit-budget, not both");
    Widths widths;
    TargetAttr target = lookupTarget(module);
    for (auto [i, op] : llvm::enumerate(macOps)) {
      unsigned a = actBits, w = weightBits;
      if (i < layerBits.size() && layerBits[i] == "f")
        continue; // left float, for kite-lp-quantize
      if (i < layerBits.size() && layerBits[i] != "-") {
        auto [as, ws] = StringRef(layerBits[i]).split('x');
        if (as.getAsInteger(10, a) ||
            (ws.empty() ? (w = a, false) : ws.getAsInteger(10, w)))
          return fail("layer-bits entry '" + layerBits[i] +
                      "' is not '-', 'f', 'A' or 'AxW'");
      }
      for (unsigned bits : {a, w})
        if (bits < 2 || bits > 8)
          return fail("widths must be in [2, 8], got " + Twine(bits));
      if (target && (!target.supportsIntBits(a) || !target.supportsIntBits(w)))
        return fail("target '" + target.getName() +
                    "' does not support the requested widths " + Twine(a) +
                    "x" + Twine(w));
      widths[op] = {a, w};
    }
    calibrationData = getAnalysis<CalibrationFiles>().load(
        &getContext(), calibration, "kite-quantize");
    if (!calibrationData)
      return signalPassFailure();
    Seen seen;
    if (failed(observeActivations(module, *calibrationData, entry, seen)))
      return signalPassFailure();
    if (weightBitBudget > 0 &&
        failed(chooseWeightWidths(module, macOps, widths, seen, *calib)))
      return signalPassFailure();
    if (lpFallback > 0 && (!target || target.supportsLPBits(8)))
      leaveWideRangesForLP(macOps, widths, seen, *calib);
    SeenRefs refs;
    for (const auto &[v, values] : seen)
      refs[v] = &values;
    quantizeLayers(module, widths, refs, *calib, percentile, *weightRange);
    quantizeBeforeDataMovement(module);
  }
};
} // namespace
