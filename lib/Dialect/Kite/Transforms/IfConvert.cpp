//===- IfConvert.cpp - both branches of a cheap scf.if, then a select ----===//
//
// The accelerator runs straight-line code. A cascade (a cheap second model
// consulted when the first one fires) costs less computed always than a
// trip to the host, so such an if becomes both branches and a select.
//
//===----------------------------------------------------------------------===//

#include "kite/Dialect/Kite/Transforms/Passes.h"

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/Dialect/Tosa/Utils/ConversionUtils.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace kite {
#define GEN_PASS_DEF_KITEIFCONVERT
#include "kite/dialects/Kite/Passes.h.inc"
} // namespace kite

using namespace mlir;
using namespace kite;

namespace {

int64_t elements(Value v) {
  auto type = dyn_cast<RankedTensorType>(v.getType());
  return type && type.hasStaticShape() ? type.getNumElements() : -1;
}

/// Multiply-accumulates of a TOSA or kite MAC op (0 for other ops, -1 when
/// a shape is not static).
int64_t macs(Operation *op) {
  auto dim = [](Value v, int64_t d) {
    return cast<ShapedType>(v.getType()).getDimSize(d);
  };
  int64_t out = op->getNumResults() ? elements(op->getResult(0)) : 0;
  if (auto mm = dyn_cast<tosa::MatMulOp>(op))
    return out * dim(mm.getA(), 2);
  if (auto conv = dyn_cast<tosa::Conv2DOp>(op)) // weight [O, KH, KW, I]
    return out * dim(conv.getWeight(), 1) * dim(conv.getWeight(), 2) *
           dim(conv.getWeight(), 3);
  if (auto dw = dyn_cast<tosa::DepthwiseConv2DOp>(op)) // [KH, KW, C, M]
    return out * dim(dw.getWeight(), 0) * dim(dw.getWeight(), 1);
  if (auto tc = dyn_cast<tosa::TransposeConv2DOp>(op)) // [O, KH, KW, I]
    return elements(tc.getInput()) * dim(tc.getWeight(), 0) *
           dim(tc.getWeight(), 1) * dim(tc.getWeight(), 2);
  if (isa<MatmulOp, Conv2DOp>(op))
    return macCount(op);
  return 0;
}

/// The branches' MACs, or -1 when an op in them has effects, regions or
/// unknown shapes.
int64_t branchMacs(scf::IfOp ifOp) {
  int64_t total = 0;
  for (Region *region : {&ifOp.getThenRegion(), &ifOp.getElseRegion()})
    for (Operation &op : region->getOps()) {
      if (isa<scf::YieldOp>(op))
        continue;
      if (op.getNumRegions() || !isMemoryEffectFree(&op))
        return -1;
      int64_t m = macs(&op);
      if (m < 0)
        return -1;
      total += m;
    }
  return total;
}

/// The one-element i1 tensor the condition is read from.
Value conditionTensor(scf::IfOp ifOp) {
  auto extract = ifOp.getCondition().getDefiningOp<tensor::ExtractOp>();
  if (!extract || elements(extract.getTensor()) != 1)
    return {};
  return extract.getTensor();
}

struct KiteIfConvertPass
    : public kite::impl::KiteIfConvertBase<KiteIfConvertPass> {
  using KiteIfConvertBase::KiteIfConvertBase;

  void runOnOperation() override {
    SmallVector<scf::IfOp> ifs;
    // Innermost first: an if inside a branch converts before its parent's
    // effects are judged.
    getOperation()->walk<WalkOrder::PostOrder>(
        [&](scf::IfOp op) { ifs.push_back(op); });
    for (scf::IfOp ifOp : ifs)
      convert(ifOp);
  }

  void convert(scf::IfOp ifOp) {
    Value cond = conditionTensor(ifOp);
    int64_t m = branchMacs(ifOp);
    if (!cond || m < 0 || m > maxBranchMacs || ifOp.getElseRegion().empty())
      return;
    for (Type t : ifOp.getResultTypes())
      if (!isa<RankedTensorType>(t))
        return;
    IRRewriter rewriter(ifOp);
    Location loc = ifOp.getLoc();
    auto inlineBranch = [&](Region &region) {
      IRMapping map;
      for (Operation &op : region.front().without_terminator())
        rewriter.clone(op, map);
      SmallVector<Value> values;
      for (Value v : region.front().getTerminator()->getOperands())
        values.push_back(map.lookupOrDefault(v));
      return values;
    };
    SmallVector<Value> thenValues = inlineBranch(ifOp.getThenRegion());
    SmallVector<Value> elseValues = inlineBranch(ifOp.getElseRegion());
    SmallVector<Value> results;
    for (auto [t, e, type] :
         llvm::zip(thenValues, elseValues, ifOp.getResultTypes())) {
      auto resultType = cast<RankedTensorType>(type);
      SmallVector<int64_t> ones(resultType.getRank(), 1);
      auto condType = RankedTensorType::get(ones, rewriter.getI1Type());
      Value c = cond;
      if (cond.getType() != condType) {
        ImplicitLocOpBuilder ib(loc, rewriter);
        c = tosa::ReshapeOp::create(ib, condType, cond,
                                    tosa::getTosaConstShape(ib, ones));
      }
      results.push_back(
          tosa::SelectOp::create(rewriter, loc, resultType, c, t, e));
    }
    rewriter.replaceOp(ifOp, results);
  }
};

} // namespace
