//===- CostModel.cpp - the cost-model registry and the MAC table ----------===//

#include "kite/Dialect/Kite/Search/CostModel.h"

#include "kite/Dialect/Kite/IR/Kite.h"
#include "kite/Numerics/Multipliers.h"
#include "kite/Target/Kbin.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"

#include <mutex>

using namespace mlir;
using namespace kite;

CostModel::~CostModel() = default;

/// macCost() on the target numbers `t`.
static MacCost macCostOn(Operation *op, const rt::TargetParams &t);

namespace {
/// An operand of a MAC op as the array reads it.
struct Operand {
  enum Kind { Int, LP, Float } kind = Float;
  numerics::MulOperand format;
};

Operand operandOf(Value v, IntFormatAttr format) {
  Type t = cast<ShapedType>(v.getType()).getElementType();
  if (auto lp = dyn_cast<LPType>(t))
    return {Operand::LP, {lp.getN(), true}};
  if (!t.isSignlessInteger())
    return {};
  if (format)
    return {Operand::Int, {format.getBits(), format.getIsSigned()}};
  return {Operand::Int, {t.getIntOrFloatBitWidth(), true}};
}

/// N/M of an operand read through an N:M pattern.
double kept(NMAttr nm) {
  return nm ? double(nm.getN()) / double(nm.getM()) : 1.0;
}

/// The target's numbers for `op` (kite-v1's without a #kite.target).
rt::TargetParams paramsOf(Operation *op) {
  TargetAttr target = lookupTarget(op);
  return target ? targetParams(target) : rt::TargetParams();
}

class MacTableCostModel : public CostModel {
public:
  FailureOr<ModelCost> measure(ModuleOp module, StringRef entry) const final {
    auto func = module.lookupSymbol<func::FuncOp>(entry);
    if (!func)
      return module.emitError()
             << "mac-table cost model: no function @" << entry;
    rt::TargetParams t = paramsOf(module);
    double pj = 0, cycles = 0;
    func.walk([&](Operation *op) {
      if (!isa<MatmulOp, Conv2DOp>(op))
        return;
      MacCost c = macCostOn(op, t);
      pj += c.pjPerMac * c.macs;
      // The array takes rows x cols products a cycle when full.
      cycles += c.macs / double(t.rows * t.cols);
    });
    return ModelCost{pj * 1e-12, cycles / (double(t.clockMhz) * 1e6)};
  }
};

struct Registry {
  std::mutex mutex;
  llvm::StringMap<CostModelFactory> factories{
      {"mac-table", [] { return std::make_unique<MacTableCostModel>(); }}};
};

Registry &registry() {
  static Registry r;
  return r;
}
} // namespace

void kite::registerCostModel(StringRef name, CostModelFactory make) {
  Registry &r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  r.factories[name] = std::move(make);
}

std::unique_ptr<CostModel> kite::createCostModel(StringRef name) {
  Registry &r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  auto it = r.factories.find(name);
  return it == r.factories.end() ? nullptr : it->second();
}

std::string kite::costModelNames() {
  Registry &r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  SmallVector<StringRef> names;
  for (const auto &f : r.factories)
    names.push_back(f.getKey());
  llvm::sort(names);
  return llvm::join(names, ", ");
}

MacCost kite::macCost(Operation *op) { return macCostOn(op, paramsOf(op)); }

static MacCost macCostOn(Operation *op, const rt::TargetParams &t) {
  Operand a, w;
  double macs = double(macCount(op));
  MultiplierAttr multiplier;
  if (auto mm = dyn_cast<MatmulOp>(op)) {
    a = operandOf(mm.getLhs(), mm.getLhsFormatAttr());
    w = operandOf(mm.getRhs(), mm.getRhsFormatAttr());
    macs *= kept(mm.getLhsSparsityAttr()) * kept(mm.getRhsSparsityAttr());
    multiplier = mm.getMultiplierAttr();
  } else {
    auto conv = cast<Conv2DOp>(op);
    a = operandOf(conv.getInput(), conv.getInputFormatAttr());
    w = operandOf(conv.getFilter(), conv.getFilterFormatAttr());
    macs *=
        kept(conv.getInputSparsityAttr()) * kept(conv.getFilterSparsityAttr());
    multiplier = conv.getMultiplierAttr();
  }
  if (a.kind == Operand::LP && w.kind == Operand::LP)
    return {t.lpMacPj(a.format.bits, w.format.bits), macs};
  if (a.kind == Operand::Int && w.kind == Operand::Int) {
    double relative = 1;
    if (multiplier && multiplier.getName() != "exact")
      if (const numerics::Multiplier *m = numerics::Multiplier::shared(
              multiplier.getName(), a.format, w.format, nullptr))
        relative = m->relativeEnergy();
    return {t.intMacPj(a.format.bits, w.format.bits, relative), macs};
  }
  // Float products (before quantization, or left to the host): an FP32
  // multiply and add each.
  return {t.fp32Mul + t.fp32Add, macs};
}
