//===- LPQuantize.cpp - MAC-array ops on logarithmic posits ---------------===//

#include "kite/Dialect/Kite/Transforms/Calibration.h"
#include "kite/Dialect/Kite/Transforms/Passes.h"
#include "kite/Numerics/LP.h"

#include "mlir/IR/Matchers.h"
#include "llvm/ADT/SetVector.h"

#include <cmath>

namespace kite {
#define GEN_PASS_DEF_KITELPQUANTIZE
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
    std::optional<nq::LPFormat> defaultAct = parseFormat(actFormat);
    std::optional<nq::LPFormat> defaultWeight = parseFormat(weightFormat);
    if (!defaultAct || !defaultWeight)
      return fail("formats are 'n,es,rs' with 2 <= n <= 16, es <= 4, "
                  "1 <= rs < n");
    SmallVector<Operation *> macOps;
    auto isFloat = [](Value v) {
      return isa<FloatType>(getElementTypeOrSelf(v.getType()));
    };
    module.walk([&](Operation *op) {
      if (isa<MatmulOp, Conv2DOp>(op) && isFloat(op->getOperand(0)) &&
          isFloat(op->getOperand(1)))
        macOps.push_back(op);
    });
    // Entries are ';'-separated because each format contains commas.
    SmallVector<StringRef> entries;
    if (!layerFormats.empty())
      StringRef(layerFormats).split(entries, ';');
    if (entries.size() > macOps.size())
      return fail("layer-formats has " + Twine(entries.size()) +
                  " entries but the module has " + Twine(macOps.size()) +
                  " float MAC ops");
    TargetAttr target = lookupTarget(module);
    DenseMap<Operation *, std::pair<nq::LPFormat, nq::LPFormat>> formats;
    for (auto [i, op] : llvm::enumerate(macOps)) {
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
      formats[op] = {a, w};
    }

    // Activations to calibrate: the left operand of every MAC op, and the
    // right one where it is not constant.
    SetVector<Value> activations;
    for (Operation *op : macOps) {
      activations.insert(op->getOperand(0));
      if (!matchPattern(op->getOperand(1), m_Constant()))
        activations.insert(op->getOperand(1));
    }
    DenseMap<Value, std::vector<float>> seen;
    if (failed(runOnCalibrationData(
            module, "kite-lp-quantize", calibration, entry,
            [&](DenseMap<Value, interp::Tensor> &values) {
              for (Value v : activations) {
                auto it = values.find(v);
                if (it != values.end())
                  seen[v].insert(seen[v].end(), it->second.f.begin(),
                                 it->second.f.end());
              }
            })))
      return signalPassFailure();

    MLIRContext *ctx = &getContext();
    auto lpTensor = [&](Value v, nq::LPFormat f) {
      return RankedTensorType::get(
          cast<RankedTensorType>(v.getType()).getShape(),
          LPType::get(ctx, f.n, f.es, f.rs, f.sf));
    };
    for (Operation *op : macOps) {
      if (!seen.count(op->getOperand(0)))
        continue; // not reached from the entry function
      auto [af, wf] = formats[op];
      OpBuilder b(op);
      Location loc = op->getLoc();
      auto toLP = [&](Value v, nq::LPFormat f) -> Value {
        DenseFPElementsAttr constant;
        if (matchPattern(v, m_Constant(&constant))) {
          std::vector<float> data;
          for (const APFloat &x : constant.getValues<APFloat>())
            data.push_back(float(x.convertToDouble()));
          f.sf = bestScaleFactor(f, data);
          nq::LPCodec codec(f);
          unsigned width = f.n <= 8 ? 8 : 16;
          SmallVector<APInt> codes;
          for (float x : data)
            codes.push_back(APInt(width, codec.encode(x)));
          auto storage = RankedTensorType::get(constant.getType().getShape(),
                                               b.getIntegerType(width));
          return ConstantOp::create(b, loc, lpTensor(v, f),
                                    DenseIntElementsAttr::get(storage, codes));
        }
        f.sf = bestScaleFactor(f, seen[v]);
        return QuantizeOp::create(b, loc, lpTensor(v, f), v, nullptr, nullptr,
                                  nullptr, nullptr);
      };
      bool activationProduct = !matchPattern(op->getOperand(1), m_Constant());
      Value lhs = toLP(op->getOperand(0), af);
      Value rhs = toLP(op->getOperand(1), activationProduct ? af : wf);
      Type resultType = op->getResult(0).getType();
      Value result;
      if (auto mm = dyn_cast<MatmulOp>(op)) {
        result = MatmulOp::create(
            b, loc, resultType, lhs, rhs, mm.getAcc(), nullptr, nullptr,
            nullptr, mm.getLhsSparsityAttr(), mm.getRhsSparsityAttr());
      } else {
        auto conv = cast<Conv2DOp>(op);
        result = Conv2DOp::create(
            b, loc, resultType, lhs, rhs, conv.getBias(), conv.getStridesAttr(),
            conv.getPadsAttr(), conv.getDilationsAttr(), conv.getGroupsAttr(),
            nullptr, nullptr, nullptr, conv.getInputSparsityAttr(),
            conv.getFilterSparsityAttr());
      }
      op->getResult(0).replaceAllUsesWith(result);
      op->erase();
    }
  }
};
} // namespace
