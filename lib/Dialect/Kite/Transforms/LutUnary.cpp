//===- LutUnary.cpp - elementwise functions on the LUT unit ---------------===//
//
// A chain of float elementwise ops with one tensor input (sigmoid, a scaled
// tanh, hard-swish = x * clamp(x + 3, 0, 6) / 6, ...) is a function of that
// input alone. Once the input is quantized to int8 the function has only
// 256 arguments, so it is a 256-entry table: evaluated here, with the
// interpreter's own kernels, on every code.
//
//===----------------------------------------------------------------------===//

#include "kite/Dialect/Kite/Search/Calibration.h"
#include "kite/Dialect/Kite/Transforms/Passes.h"
#include "kite/Interpreter/Interpreter.h"
#include "kite/Numerics/IntQuant.h"
#include "kite/Numerics/LutTable.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "llvm/Support/FormatVariadic.h"

namespace kite {
#define GEN_PASS_DEF_KITELUTUNARY
#include "kite/dialects/Kite/Passes.h.inc"
} // namespace kite

using namespace mlir;
using namespace kite;

namespace {

/// A splat constant operand: it broadcasts, so each result element still
/// depends on one input element.
bool isSplatConstant(Value v) {
  ElementsAttr attr;
  return matchPattern(v, m_Constant(&attr)) &&
         (attr.isSplat() || attr.getNumElements() == 1);
}

/// A float elementwise op the table can absorb.
bool isElementwise(Operation *op) {
  if (op->getNumResults() != 1)
    return false;
  auto type = dyn_cast<RankedTensorType>(op->getResult(0).getType());
  if (!type || !type.getElementType().isF32() || !type.hasStaticShape())
    return false;
  // tosa.mul is elementwise too, but not marked so (its shift operand).
  return op->hasTrait<OpTrait::tosa::TosaElementwiseOperator>() ||
         isa<tosa::MulOp, GeluOp>(op);
}

/// Ops a MAC drain or a single vector pass already covers cheaply: a region
/// of one of these alone is left as it is.
bool isCheap(Operation *op) {
  // The drain has a GELU stage (store_acc_fused's activation).
  if (isa<tosa::ClampOp, GeluOp>(op))
    return true;
  return isa<tosa::AddOp, tosa::SubOp, tosa::MulOp, tosa::MaximumOp,
             tosa::MinimumOp>(op) &&
         llvm::any_of(op->getOperands(), isSplatConstant);
}

/// A chain of elementwise ops reading one tensor `input` (and splat
/// constants); only `output` is used outside it.
struct Region {
  SmallVector<Operation *> ops;
  Value input, output;
  std::string name() const {
    std::string s;
    for (Operation *op : ops)
      s += (s.empty() ? "" : "+") + op->getName().getStringRef().str();
    return s;
  }
};

/// The one operand of `op` that is not a splat constant, if exactly one.
Value tensorOperand(Operation *op) {
  Value found;
  for (Value v : op->getOperands()) {
    if (isSplatConstant(v))
      continue;
    if (found)
      return {};
    found = v;
  }
  return found;
}

std::optional<Region> growRegion(Operation *seed,
                                 const DenseSet<Operation *> &taken) {
  Region r;
  r.input = tensorOperand(seed);
  if (!r.input || taken.count(seed) ||
      cast<ShapedType>(r.input.getType()) != seed->getResult(0).getType())
    return std::nullopt;
  r.ops.push_back(seed);
  r.output = seed->getResult(0);
  // Grown only through values with one use: every value but the output
  // stays inside.
  while (r.output.hasOneUse()) {
    Operation *user = *r.output.getUsers().begin();
    if (!isElementwise(user) || user->getBlock() != seed->getBlock() ||
        user->getResult(0).getType() != r.output.getType())
      break;
    bool inside = llvm::all_of(user->getOperands(), [&](Value v) {
      return v == r.input || isSplatConstant(v) ||
             llvm::is_contained(r.ops, v.getDefiningOp());
    });
    if (!inside)
      break;
    r.ops.push_back(user);
    r.output = user->getResult(0);
  }
  if (r.ops.size() == 1 && isCheap(seed))
    return std::nullopt;
  return r;
}

using numerics::coverRange;
using numerics::quantizeSaturating;
using Quant = numerics::Int8Quant;

/// The region's float function at the 256 inputs `dequantize(c, in)`,
/// computed by the interpreter's kernels on a tensor of the input's shape.
FailureOr<std::array<double, 256>> tabulate(const Region &r, const Quant &in) {
  interp::Interpreter interp;
  auto type = cast<RankedTensorType>(r.input.getType());
  int64_t n = type.getNumElements();
  std::array<double, 256> values;
  for (int64_t first = 0; first < 256; first += n) {
    DenseMap<Value, interp::Tensor> env;
    interp::Tensor x = interp::Tensor::floats(type.getShape());
    for (int64_t i = 0; i < n; ++i)
      x.f[i] = float(
          numerics::dequantize((first + i) % 256 - 128, in.scale, in.zero));
    env[r.input] = std::move(x);
    for (Operation *op : r.ops) {
      for (Value v : op->getOperands())
        if (!env.count(v) && failed(interp.evaluate(*v.getDefiningOp(), env)))
          return failure();
      if (failed(interp.evaluate(*op, env)))
        return failure();
    }
    const interp::Tensor &y = env[r.output];
    for (int64_t i = 0; i < n && first + i < 256; ++i)
      values[size_t((first + i) % 256)] = y.f[i];
  }
  return values;
}

/// Calibration samples of one region: its input and float output.
struct Samples {
  std::vector<float> x, y;
  double xlo = INFINITY, xhi = -INFINITY, ylo = INFINITY, yhi = -INFINITY;
};

constexpr size_t kMaxSamples = size_t(1) << 20;

/// Appends the values of `ret`'s operands (the model's outputs) in one run.
void appendOutputs(func::ReturnOp ret, DenseMap<Value, interp::Tensor> &values,
                   std::vector<float> &all) {
  for (Value v : ret.getOperands()) {
    const interp::Tensor &t = values[v];
    if (t.isFloat)
      all.insert(all.end(), t.f.begin(), t.f.end());
    else
      for (int64_t i : t.i)
        all.push_back(float(i));
  }
}

/// The return of @`entry`, or null with an error on the module.
func::ReturnOp entryReturn(ModuleOp module, StringRef entry) {
  auto func = module.lookupSymbol<func::FuncOp>(entry);
  if (!func) {
    module.emitError("kite-lut-unary: no function @") << entry;
    return {};
  }
  return cast<func::ReturnOp>(func.getBody().front().getTerminator());
}

/// The int8 per-tensor quantize that reads `v` alone (the next MAC layer's
/// input): a table can write its codes directly.
QuantizeOp nextLayerQuantize(Value v) {
  if (!v.hasOneUse())
    return {};
  auto next = dyn_cast<QuantizeOp>(*v.getUsers().begin());
  if (!next)
    return {};
  std::optional<IntFormatAttr> format = next.getFormat();
  std::optional<ArrayRef<double>> scale = next.getScale();
  std::optional<ArrayRef<int64_t>> zero = next.getZeroPoint();
  if (!format || !*format || format->getBits() != 8 || !format->getIsSigned() ||
      !scale || scale->size() != 1 || !zero || zero->size() != 1 ||
      !next.getType().getElementType().isInteger(8))
    return {};
  return next;
}

/// How a table does on the calibration values against the path it
/// replaces, the float function followed by the same output quantization.
struct Quality {
  /// Mean |table code - that path's code|: what the input's own rounding
  /// to int8 adds.
  double error = 0;
  /// The share of nonzero outputs the table sends to zero where the model
  /// did not (a linear int8 output cannot hold a heavy-tailed one, e.g. the
  /// power spectrum an LP layer reads): against the float output, or, when
  /// the table writes the next layer's codes, that layer's own codes.
  double flushed = 0;
};

Quality measure(const Samples &s, const Quant &in, const Quant &out,
                const numerics::LutTable &table, bool writesNextLayer) {
  double codeSum = 0;
  size_t nonzero = 0, flushed = 0;
  for (size_t i = 0; i < s.x.size(); ++i) {
    int64_t c = table[size_t(quantizeSaturating(s.x[i], in) + 128)];
    int64_t ref = quantizeSaturating(s.y[i], out);
    codeSum += double(std::abs(c - ref));
    bool wasZero = writesNextLayer ? ref == out.zero : s.y[i] == 0;
    nonzero += !wasZero;
    flushed += !wasZero && c == out.zero;
  }
  Quality q;
  q.error = codeSum / double(s.x.size());
  q.flushed = nonzero ? double(flushed) / double(nonzero) : 0.0;
  return q;
}

struct LutUnaryPass : kite::impl::KiteLutUnaryBase<LutUnaryPass> {
  using KiteLutUnaryBase::KiteLutUnaryBase;
  /// The inputs in `calibration` (set by runOnOperation).
  const CalibrationData *calibrationData = nullptr;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    TargetAttr target = lookupTarget(module);
    if (!target || !target.getLut() || target.getLut().getEntries() < 256) {
      if (report)
        llvm::errs() << "kite-lut-unary: target '"
                     << (target ? target.getName() : StringRef("(none)"))
                     << "' has no LUT unit with 256-entry tables; elementwise "
                        "functions stay on the vector unit\n";
      return;
    }
    if (calibration.empty()) {
      module.emitError("kite-lut-unary needs calibration data (calibration=) "
                       "to quantize each function's input");
      return signalPassFailure();
    }
    SmallVector<Region> regions;
    DenseSet<Operation *> taken;
    module.walk([&](Operation *op) {
      if (!isElementwise(op))
        return;
      if (std::optional<Region> r = growRegion(op, taken)) {
        taken.insert(r->ops.begin(), r->ops.end());
        regions.push_back(std::move(*r));
      }
    });
    if (regions.empty())
      return;

    // One run gives each region's samples and the reference outputs the
    // tables are checked against together.
    func::ReturnOp ret = entryReturn(module, entry);
    if (!ret)
      return signalPassFailure();
    calibrationData = getAnalysis<CalibrationFiles>().load(
        &getContext(), calibration, "kite-lut-unary");
    if (!calibrationData)
      return signalPassFailure();
    std::vector<Samples> samples(regions.size());
    std::vector<float> reference;
    if (failed(runOnCalibrationData(
            module, "kite-lut-unary", *calibrationData, entry,
            [&](DenseMap<Value, interp::Tensor> &values) {
              appendOutputs(ret, values, reference);
              for (auto [r, s] : llvm::zip(regions, samples)) {
                auto x = values.find(r.input), y = values.find(r.output);
                if (x == values.end() || y == values.end())
                  continue;
                for (size_t i = 0; i < x->second.f.size(); ++i) {
                  float xv = x->second.f[i], yv = y->second.f[i];
                  if (!std::isfinite(xv) || !std::isfinite(yv))
                    continue;
                  s.xlo = std::min(s.xlo, double(xv));
                  s.xhi = std::max(s.xhi, double(xv));
                  s.ylo = std::min(s.ylo, double(yv));
                  s.yhi = std::max(s.yhi, double(yv));
                  if (s.x.size() < kMaxSamples) {
                    s.x.push_back(xv);
                    s.y.push_back(yv);
                  }
                }
              }
            })))
      return signalPassFailure();

    std::vector<Plan> plans;
    for (auto [index, r] : llvm::enumerate(regions))
      if (failed(makePlan(index, r, samples[index], plans)))
        return signalPassFailure();
    FailureOr<size_t> kept = checkOutputs(module, plans, reference);
    if (failed(kept))
      return signalPassFailure();
    for (auto [k, plan] : llvm::enumerate(plans)) {
      if (k >= *kept) {
        plan.check = withUsed(plan.check, false);
        plan.region.ops.back()->setAttr(kLutCheckAttrName, plan.check);
        continue;
      }
      IRMapping identity;
      apply(plan, identity);
    }
  }

  /// A table for one region, before it replaces anything.
  struct Plan {
    Region region;
    Quant in, out;
    numerics::LutTable table;
    bool writesNextLayer = false;
    double error = 0;
    DictionaryAttr check;
  };

  DictionaryAttr withUsed(DictionaryAttr check, bool used) {
    NamedAttrList list(check);
    list.set("used", BoolAttr::get(&getContext(), used));
    return list.getDictionary(&getContext());
  }

  /// Appends region `r`'s plan to `plans` if its table passes the guard
  /// (else marks the region's last op with the measurement).
  LogicalResult makePlan(size_t index, Region &r, const Samples &s,
                         std::vector<Plan> &plans) {
    Operation *last = r.ops.back();
    if (s.x.empty()) {
      if (report)
        llvm::errs() << llvm::formatv(
            "kite-lut-unary: function {0} ({1}) never ran on the calibration "
            "data; it stays on the vector unit\n",
            index, r.name());
      return success();
    }
    Plan p;
    p.region = r;
    p.in = coverRange(s.xlo, s.xhi);
    FailureOr<std::array<double, 256>> f = tabulate(r, p.in);
    if (failed(f))
      return failure();
    QuantizeOp next = nextLayerQuantize(r.output);
    p.writesNextLayer = bool(next);
    if (next) {
      p.out.scale = (*next.getScale())[0];
      p.out.zero = (*next.getZeroPoint())[0];
    } else {
      p.out = coverRange(s.ylo, s.yhi);
    }
    if (!numerics::lutTableFromValues(*f, p.out, p.table)) {
      if (report)
        llvm::errs() << llvm::formatv(
            "kite-lut-unary: function {0} ({1}) is NaN on some input code; it "
            "stays on the vector unit\n",
            index, r.name());
      return success();
    }
    Quality q = measure(s, p.in, p.out, p.table, p.writesNextLayer);
    p.error = q.error;
    bool refused = !(q.error <= maxError) || q.flushed > maxFlushed;
    if (report)
      llvm::errs() << llvm::formatv(
          "kite-lut-unary: function {0} ({1}, {2} elements): on {3} "
          "calibration values in [{4:g}, {5:g}] mean |code - float path's "
          "code| {6:f3}, {7:f3} of the nonzero outputs flushed to zero{8}\n",
          index, r.name(), cast<ShapedType>(r.input.getType()).getNumElements(),
          s.x.size(), s.xlo, s.xhi, q.error, q.flushed,
          refused ? "; outside the bound, it stays on the vector unit" : "");
    Builder attrs(&getContext());
    p.check = attrs.getDictionaryAttr(
        {attrs.getNamedAttr("function", attrs.getStringAttr(r.name())),
         attrs.getNamedAttr("mean_code_error", attrs.getF64FloatAttr(q.error)),
         attrs.getNamedAttr("flushed", attrs.getF64FloatAttr(q.flushed)),
         attrs.getNamedAttr("values",
                            attrs.getI64IntegerAttr(int64_t(s.x.size()))),
         attrs.getNamedAttr("used", attrs.getBoolAttr(!refused))});
    if (refused)
      last->setAttr(kLutCheckAttrName, p.check);
    else
      plans.push_back(std::move(p));
    return success();
  }

  /// The model's outputs on the calibration data, batch after batch.
  FailureOr<std::vector<float>> outputs(ModuleOp module) {
    func::ReturnOp ret = entryReturn(module, entry);
    if (!ret)
      return failure();
    std::vector<float> all;
    if (failed(runOnCalibrationData(
            module, "kite-lut-unary", *calibrationData, entry,
            [&](DenseMap<Value, interp::Tensor> &values) {
              appendOutputs(ret, values, all);
            })))
      return failure();
    return all;
  }

  /// The tables are checked one by one; together their roundings add up
  /// through the layers. Keeps the first k plans (the most accurate
  /// first) with which the model's outputs stay within `max-output-error`
  /// of the model without tables (relative squared error), halving k until
  /// they do; returns k.
  FailureOr<size_t> checkOutputs(ModuleOp module, std::vector<Plan> &plans,
                                 ArrayRef<float> reference) {
    if (plans.empty())
      return size_t(0);
    llvm::stable_sort(
        plans, [](const Plan &a, const Plan &b) { return a.error < b.error; });
    for (size_t k = plans.size(); k > 0; k /= 2) {
      IRMapping map;
      OwningOpRef<ModuleOp> trial(cast<ModuleOp>(module->clone(map)));
      for (const Plan &plan : ArrayRef(plans).take_front(k))
        apply(plan, map);
      FailureOr<std::vector<float>> got = outputs(*trial);
      if (failed(got))
        return failure();
      double error = relativeSquaredError(*got, reference);
      bool ok = error <= maxOutputError;
      if (report)
        llvm::errs() << llvm::formatv(
            "kite-lut-unary: with {0} of {1} tables the outputs differ by "
            "{2:e2} (relative squared error){3}\n",
            k, plans.size(), error, ok ? "" : "; outside the bound");
      if (ok)
        return k;
    }
    return size_t(0);
  }

  /// Replaces the region of `plan` (looked up through `map`) by its table.
  void apply(const Plan &plan, IRMapping &map) {
    const Region &r = plan.region;
    Operation *last = map.lookupOrDefault(r.ops.back());
    Value input = map.lookupOrDefault(r.input);
    Value output = map.lookupOrDefault(r.output);
    OpBuilder b(last);
    MLIRContext *ctx = &getContext();
    Location loc = last->getLoc();
    auto type = cast<RankedTensorType>(input.getType());
    auto codes = RankedTensorType::get(type.getShape(), b.getI8Type());
    Value codesIn = QuantizeOp::create(
        b, loc, codes, input, IntFormatAttr::get(ctx, 8, true),
        b.getDenseF64ArrayAttr({plan.in.scale}),
        b.getDenseI64ArrayAttr({plan.in.zero}), nullptr);
    auto tableType = RankedTensorType::get({256}, b.getI8Type());
    auto lut = LutOp::create(
        b, loc, codesIn,
        DenseIntElementsAttr::get(tableType, ArrayRef<int8_t>(plan.table)),
        b.getStringAttr(r.name()));
    lut->setAttr(kLutCheckAttrName, plan.check);
    if (plan.writesNextLayer) {
      Operation *next = *output.getUsers().begin();
      next->getResult(0).replaceAllUsesWith(lut.getResult());
      next->erase();
    } else {
      Value y = DequantizeOp::create(b, loc, type, lut.getResult(), nullptr,
                                     b.getDenseF64ArrayAttr({plan.out.scale}),
                                     b.getDenseI64ArrayAttr({plan.out.zero}),
                                     nullptr);
      output.replaceAllUsesWith(y);
    }
    for (Operation *op : llvm::reverse(r.ops))
      map.lookupOrDefault(op)->erase();
  }
};
} // namespace
