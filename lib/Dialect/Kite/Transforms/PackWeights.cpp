//===- PackWeights.cpp - constant MAC weights in the array's layout -------===//

#include "kite/Dialect/Kite/IR/PackedWeights.h"
#include "kite/Dialect/Kite/Transforms/Passes.h"

#include "mlir/IR/Matchers.h"

namespace kite {
#define GEN_PASS_DEF_KITEPACKWEIGHTS
#include "kite/dialects/Kite/Passes.h.inc"
} // namespace kite

using namespace mlir;
using namespace kite;

namespace {
/// A constant packed one way: the weights, their sparsity, groups, filter.
using PackKey = std::tuple<Value, NMAttr, int64_t, unsigned>;

/// Replaces `weights` (operand `index` of `op`) by its packed form when it
/// is a constant of codes the array takes. Ops that read one constant the
/// same way (the terms of a TASD-A series) share one packed copy, recorded
/// in `packedFor`.
void pack(OpBuilder &b, Operation *op, unsigned index, bool filter,
          int64_t groups, NMAttr nm, DenseMap<PackKey, Value> &packedFor) {
  Value weights = op->getOperand(index);
  PackKey key{weights, nm, groups, unsigned(filter)};
  if (Value packed = packedFor.lookup(key);
      packed && packed.getParentBlock() == op->getBlock() &&
      packed.getDefiningOp()->isBeforeInBlock(op)) {
    op->setOperand(index, packed);
    if (weights.use_empty())
      weights.getDefiningOp()->erase();
    return;
  }
  auto type = cast<RankedTensorType>(weights.getType());
  Type element = type.getElementType();
  auto lp = dyn_cast<LPType>(element);
  bool packable =
      lp ? lp.getN() <= 8
         : element.isSignlessInteger() && element.getIntOrFloatBitWidth() <= 8;
  DenseElementsAttr attr;
  std::optional<WeightLayout> layout =
      weightLayout(type.getShape(), filter, groups);
  if (!packable || !layout || !matchPattern(weights, m_Constant(&attr)))
    return;
  PackedWeights packed =
      packWeights(weightCodes(attr, element), *layout, nm, element);
  auto bytes = [&](auto &data) {
    auto t = RankedTensorType::get({int64_t(data.size())}, b.getI8Type());
    SmallVector<int8_t> signedBytes(data.begin(), data.end());
    return DenseIntElementsAttr::get(t, ArrayRef<int8_t>(signedBytes));
  };
  b.setInsertionPoint(op);
  Value result = PackedWeightsOp::create(
      b, weights.getLoc(), type, bytes(packed.values),
      nm ? bytes(packed.index) : DenseIntElementsAttr(), nm,
      b.getI64IntegerAttr(groups), filter ? b.getUnitAttr() : UnitAttr());
  op->setOperand(index, result);
  packedFor[key] = result;
  if (Operation *constant = weights.getDefiningOp();
      constant && constant->use_empty())
    constant->erase();
}

struct PackWeights : kite::impl::KitePackWeightsBase<PackWeights> {
  using Base::Base;

  void runOnOperation() override {
    OpBuilder b(&getContext());
    DenseMap<PackKey, Value> packedFor;
    getOperation().walk([&](Operation *op) {
      if (auto conv = dyn_cast<Conv2DOp>(op))
        pack(b, conv, 1, /*filter=*/true, int64_t(conv.getGroups()),
             conv.getFilterSparsityAttr(), packedFor);
      else if (auto mm = dyn_cast<MatmulOp>(op); mm && mm.getRhsSparsityAttr())
        pack(b, mm, 1, /*filter=*/false,
             ShapedType::getNumElements(
                 mm.getRhs().getType().getShape().drop_back(2)),
             mm.getRhsSparsityAttr(), packedFor);
    });
  }
};
} // namespace
