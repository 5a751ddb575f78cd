//===- LutSoftmax.cpp - softmax on the look-up-table unit -----------------===//

#include "kite/Numerics/LutSoftmax.h"
#include "kite/Dialect/Kite/Search/Calibration.h"
#include "kite/Dialect/Kite/Transforms/Passes.h"
#include "kite/Interpreter/Interpreter.h"
#include "kite/Numerics/IntQuant.h"
#include "kite/Target/KnownTargets.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"

namespace kite {
#define GEN_PASS_DEF_KITELUTSOFTMAX
#include "kite/dialects/Kite/Passes.h.inc"
} // namespace kite

using namespace mlir;
using namespace kite;

namespace {
/// The rows each softmax sees (in its input's real values) and their
/// largest magnitude, gathered by running the interpreter.
struct SoftmaxSamples {
  std::vector<double> rows;
  double maxAbs = 0;
};

/// Copies every row of `x` along `axis` into `out`.
void appendRows(const interp::Tensor &x, int64_t axis, SoftmaxSamples &out) {
  ArrayRef<int64_t> shape = x.shape;
  int64_t len = shape[axis],
          inner = interp::numElements(shape.drop_front(axis + 1));
  int64_t outer = interp::numElements(shape.take_front(axis));
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < inner; ++i)
      for (int64_t k = 0; k < len; ++k) {
        double v = x.f[(o * len + k) * inner + i];
        out.rows.push_back(v);
        out.maxAbs = std::max(out.maxAbs, std::fabs(v));
      }
}

/// How the fitted tables do on the calibration rows against the exact
/// softmax of their float values: the share of rows whose most probable
/// entry the LUT also ranks first (ties count), and the mean |Δp|.
struct LutQuality {
  double agreement = 1, meanAbs = 0;
  size_t rows = 0;
};

LutQuality measure(const numerics::LutSoftmaxTables &t,
                   const std::vector<double> &real,
                   const std::vector<double> &codes, unsigned len) {
  LutQuality q;
  q.rows = real.size() / len;
  if (!q.rows)
    return q;
  double full = double((int64_t(1) << t.outBits) - 1), absSum = 0;
  size_t agree = 0;
  std::vector<double> exact(len);
  std::vector<int32_t> lut(len);
  for (size_t r = 0; r < q.rows; ++r) {
    numerics::exactSoftmaxRow(&real[r * len], len, exact.data());
    if (!numerics::evalLutSoftmaxRow(t, &codes[r * len], len, lut.data()))
      continue; // a NaN row: counted as a miss
    size_t top =
        size_t(std::max_element(exact.begin(), exact.end()) - exact.begin());
    agree += lut[top] == *std::max_element(lut.begin(), lut.end());
    for (unsigned k = 0; k < len; ++k)
      absSum += std::fabs(double(lut[k]) / full - exact[k]);
  }
  q.agreement = double(agree) / double(q.rows);
  q.meanAbs = absSum / double(q.rows * len);
  return q;
}

int64_t normalizedAxis(SoftmaxOp op) {
  int64_t axis = op.getAxis();
  return axis < 0 ? axis + op.getInput().getType().getRank() : axis;
}

struct LutSoftmaxPass : kite::impl::KiteLutSoftmaxBase<LutSoftmaxPass> {
  using KiteLutSoftmaxBase::KiteLutSoftmaxBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    TargetAttr target = lookupTarget(module);
    if (!target)
      target = getDefaultTarget(&getContext());
    SoftmaxUnitAttr unitAttr = target.getSoftmax();
    numerics::SoftmaxUnitGeometry unit = unitAttr.getGeometry();
    if (method == "rexp") {
      unit.method = numerics::SoftmaxMethod::Rexp;
      unit.normCols = 1;
    } else if (method == "lut2d") {
      if (unit.normCols < 2) {
        module.emitError() << "kite-lut-softmax: the softmax unit of target '"
                           << target.getName() << "' is 1-D (rexp)";
        return signalPassFailure();
      }
      unit.method = numerics::SoftmaxMethod::Lut2D;
    } else if (method != "target") {
      module.emitError() << "kite-lut-softmax: method must be rexp, lut2d or "
                            "target, got '"
                         << method << "'";
      return signalPassFailure();
    }

    SmallVector<SoftmaxOp> ops;
    module.walk([&](SoftmaxOp op) {
      if (op.getInput().getType().getElementType().isF32() &&
          op.getInput().getType().hasStaticShape())
        ops.push_back(op);
    });
    SmallVector<StringRef> forced;
    if (!units.empty()) {
      StringRef(units).split(forced, ',');
      if (forced.size() != ops.size()) {
        module.emitError() << "kite-lut-softmax: units names " << forced.size()
                           << " softmaxes, the module has " << ops.size();
        return signalPassFailure();
      }
      for (auto [i, unit] : llvm::enumerate(forced))
        if (unit != "lut" && unit != "exact") {
          ops[i].emitError() << "kite-lut-softmax: units[" << i
                             << "] must be lut or exact, got '" << unit << "'";
          return signalPassFailure();
        }
    }
    // The softmaxes the check decides or the tables serve.
    SmallVector<SoftmaxOp> lutOps;
    for (auto [i, op] : llvm::enumerate(ops))
      if (forced.empty() || forced[i] == "lut")
        lutOps.push_back(op);
    DenseMap<Operation *, SoftmaxSamples> samples;
    // Without a softmax there is nothing to sample the model for.
    if (!calibration.empty() && !lutOps.empty()) {
      const CalibrationData *data = getAnalysis<CalibrationFiles>().load(
          &getContext(), calibration, "kite-lut-softmax");
      if (!data || failed(runOnCalibrationData(
                       module, "kite-lut-softmax", *data, entry,
                       [&](DenseMap<Value, interp::Tensor> &values) {
                         for (SoftmaxOp op : lutOps)
                           if (values.count(op.getInput()))
                             appendRows(values[op.getInput()],
                                        normalizedAxis(op),
                                        samples[op.getOperation()]);
                       })))
        return signalPassFailure();
    }

    MLIRContext *ctx = &getContext();
    Builder attrs(ctx);
    for (auto [index, op] : llvm::enumerate(ops)) {
      if (!forced.empty() && forced[index] == "exact")
        continue;
      OpBuilder b(op);
      Location loc = op.getLoc();
      auto type = op.getInput().getType();
      int64_t axis = normalizedAxis(op);
      unsigned rowLength = unsigned(type.getDimSize(axis));
      Value input = op.getInput();
      double inputScale = 1.0;
      std::vector<double> fitRows;
      auto it = samples.find(op.getOperation());
      if (it != samples.end() && !it->second.rows.empty()) {
        // int8 input, symmetric per tensor, max-abs calibrated; the fit
        // sees the rows in the quantized units the unit will see.
        numerics::IntFormat int8{8, true};
        inputScale = it->second.maxAbs > 0 ? it->second.maxAbs / 127.0 : 1.0;
        for (double v : it->second.rows)
          fitRows.push_back(double(numerics::quantize(v, inputScale, 0, int8)));
        auto qType = RankedTensorType::get(type.getShape(), b.getI8Type());
        input = QuantizeOp::create(b, loc, qType, input,
                                   IntFormatAttr::get(ctx, 8, true),
                                   b.getDenseF64ArrayAttr({inputScale}),
                                   b.getDenseI64ArrayAttr({0}), nullptr);
      } else {
        fitRows = numerics::syntheticSoftmaxInputs(rowLength, 500, 2.0, 1);
      }
      numerics::LutSoftmaxTables t = numerics::fitLutSoftmax(
          unit, rowLength, inputScale, fitRows, fitStep);
      DictionaryAttr check;
      if (it != samples.end() && !it->second.rows.empty()) {
        // The guard: tables that lose the rows' ranking or their shape on
        // this model's own data are not used.
        LutQuality q = measure(t, it->second.rows, fitRows, rowLength);
        bool outside = q.agreement < minAgreement || q.meanAbs > maxError;
        bool refused = outside && forced.empty();
        // Kept on the op that runs (kitec's report lists it).
        check = attrs.getDictionaryAttr(
            {attrs.getNamedAttr("agreement",
                                attrs.getF64FloatAttr(q.agreement)),
             attrs.getNamedAttr("mean_abs_error",
                                attrs.getF64FloatAttr(q.meanAbs)),
             attrs.getNamedAttr("rows", attrs.getI64IntegerAttr(q.rows)),
             attrs.getNamedAttr("used", attrs.getBoolAttr(!refused))});
        if (report)
          llvm::errs() << llvm::formatv(
              "kite-lut-softmax: softmax {0} (rows of {1}): on {2} calibration "
              "rows argmax agreement {3:f4}, mean |dp| {4:e2}{5}\n",
              index, rowLength, q.rows, q.agreement, q.meanAbs,
              refused   ? "; outside the bound, the exact softmax stays "
                          "(vector unit)"
              : outside ? "; outside the bound, on the LUT as units says"
                        : "");
        if (refused) {
          input.getDefiningOp()->erase(); // the int8 quantize for the unit
          op->setAttr(kLutCheckAttrName, check);
          continue;
        }
      }
      auto i32 = b.getI32Type();
      auto expType = RankedTensorType::get({int64_t(t.expTable.size())}, i32);
      SmallVector<int64_t, 2> normShape = {int64_t(t.normRows)};
      if (t.method == numerics::SoftmaxMethod::Lut2D)
        normShape.push_back(int64_t(t.normCols));
      auto normType = RankedTensorType::get(normShape, i32);
      auto outType = RankedTensorType::get(
          type.getShape(), b.getIntegerType(t.outBits < 16 ? 16 : 32));
      Value probs = LutSoftmaxOp::create(
          b, loc, outType, input, b.getI64IntegerAttr(op.getAxis()),
          SoftmaxMethodAttr::get(ctx, t.method == numerics::SoftmaxMethod::Rexp
                                          ? SoftmaxMethod::Rexp
                                          : SoftmaxMethod::Lut2D),
          b.getF64FloatAttr(t.inputScale), b.getF64FloatAttr(t.step),
          b.getI64IntegerAttr(t.outBits), b.getI64IntegerAttr(t.sumShift),
          b.getI64IntegerAttr(t.outShift),
          DenseIntElementsAttr::get(expType, ArrayRef<int32_t>(t.expTable)),
          DenseIntElementsAttr::get(normType, ArrayRef<int32_t>(t.normTable)));
      if (check)
        probs.getDefiningOp()->setAttr(kLutCheckAttrName, check);
      double full = double((int64_t(1) << t.outBits) - 1);
      Value result = DequantizeOp::create(b, loc, type, probs, nullptr,
                                          b.getDenseF64ArrayAttr({1.0 / full}),
                                          b.getDenseI64ArrayAttr({0}), nullptr);
      op.replaceAllUsesWith(result);
      op.erase();
    }
  }
};
} // namespace
