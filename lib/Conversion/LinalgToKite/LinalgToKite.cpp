//===- LinalgToKite.cpp - raise linalg-on-tensors to kite ops -------------===//

#include "kite/Conversion/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace kite {
#define GEN_PASS_DEF_CONVERTLINALGTOKITE
#include "kite/dialects/Conversion/Passes.h.inc"
} // namespace kite

using namespace mlir;
using namespace kite;

namespace {
/// `init` is a linalg.fill of the constant 0.
bool isZeroFill(Value init) {
  auto fill = init.getDefiningOp<linalg::FillOp>();
  FloatAttr value;
  return fill && matchPattern(fill.getInputs()[0], m_Constant(&value)) &&
         value.getValue().isZero();
}

/// The bias a convolution's init encodes: none for a zero fill, the 1-D
/// tensor for a generic that only broadcasts it along the channel
/// dimension `channel`; nullopt for anything else.
std::optional<Value> convBias(Value init, unsigned channel) {
  if (isZeroFill(init))
    return Value();
  auto g = init.getDefiningOp<linalg::GenericOp>();
  if (!g || g.getNumDpsInputs() != 1 || g.getNumDpsInits() != 1)
    return std::nullopt;
  Value in = g.getDpsInputs()[0];
  auto inType = dyn_cast<RankedTensorType>(in.getType());
  Block &body = g.getRegion().front();
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  SmallVector<AffineMap> maps = g.getIndexingMapsArray();
  if (!inType || inType.getRank() != 1 || body.getOperations().size() != 1 ||
      yield.getOperand(0) != body.getArgument(0) || !maps[1].isIdentity() ||
      maps[0].getNumResults() != 1 ||
      maps[0].getResult(0) != getAffineDimExpr(channel, g.getContext()))
    return std::nullopt;
  return in;
}

bool hasFloatTensors(linalg::LinalgOp op) {
  return op.hasPureTensorSemantics() &&
         llvm::all_of(op->getOperandTypes(), [](Type t) {
           return isa<FloatType>(getElementTypeOrSelf(t));
         });
}

template <typename OpTy> struct MatmulToKite : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;
  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    if (!hasFloatTensors(op) ||
        op.getIndexingMapsArray() != op.getDefaultIndexingMaps(op.getContext()))
      return rewriter.notifyMatchFailure(op, "not a plain float matmul");
    Value init = op.getDpsInits()[0];
    rewriter.replaceOpWithNewOp<MatmulOp>(
        op, op.getResultTypes()[0], op.getDpsInputs()[0], op.getDpsInputs()[1],
        isZeroFill(init) ? Value() : init, nullptr, nullptr, nullptr, nullptr,
        nullptr, nullptr);
    return success();
  }
};

struct SoftmaxToKite : OpRewritePattern<linalg::SoftmaxOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(linalg::SoftmaxOp op,
                                PatternRewriter &rewriter) const override {
    auto type = dyn_cast<RankedTensorType>(op.getResult()[0].getType());
    if (!type || !isa<FloatType>(type.getElementType()))
      return rewriter.notifyMatchFailure(op, "needs a float tensor");
    rewriter.replaceOpWithNewOp<SoftmaxOp>(
        op, type, op.getInput(),
        rewriter.getI64IntegerAttr(int64_t(op.getDimension())));
    return success();
  }
};

template <typename ConvTy, bool IsNhwc>
struct ConvToKite : OpRewritePattern<ConvTy> {
  using OpRewritePattern<ConvTy>::OpRewritePattern;
  LogicalResult matchAndRewrite(ConvTy op,
                                PatternRewriter &rewriter) const override {
    std::optional<Value> bias = convBias(op.getDpsInits()[0], IsNhwc ? 3 : 1);
    if (!hasFloatTensors(op) || !bias)
      return rewriter.notifyMatchFailure(
          op, "needs float tensors and a zero or broadcast-bias init");
    Location loc = op.getLoc();
    auto transposed = [&](Value v, ArrayRef<int32_t> perms) {
      return createTranspose(rewriter, loc, v, perms);
    };
    Value x = op.getDpsInputs()[0], w = op.getDpsInputs()[1];
    auto resultType = cast<RankedTensorType>(op.getResultTypes()[0]);
    if (IsNhwc) {
      x = transposed(x, {0, 3, 1, 2});
      w = transposed(w, {0, 3, 1, 2});
      resultType = RankedTensorType::get(
          {resultType.getDimSize(0), resultType.getDimSize(3),
           resultType.getDimSize(1), resultType.getDimSize(2)},
          resultType.getElementType());
    }
    auto i64s = [&](DenseIntElementsAttr attr) {
      return rewriter.getDenseI64ArrayAttr(
          llvm::to_vector(attr.getValues<int64_t>()));
    };
    Value y = Conv2DOp::create(
        rewriter, loc, resultType, x, w, *bias, Value(), i64s(op.getStrides()),
        rewriter.getDenseI64ArrayAttr({0, 0, 0, 0}), i64s(op.getDilations()),
        rewriter.getI64IntegerAttr(1), nullptr, nullptr, nullptr, nullptr,
        nullptr, nullptr);
    rewriter.replaceOp(op, IsNhwc ? transposed(y, {0, 2, 3, 1}) : y);
    return success();
  }
};

struct ConvertLinalgToKitePass
    : kite::impl::ConvertLinalgToKiteBase<ConvertLinalgToKitePass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<MatmulToKite<linalg::MatmulOp>,
                 MatmulToKite<linalg::BatchMatmulOp>, SoftmaxToKite,
                 ConvToKite<linalg::Conv2DNchwFchwOp, false>,
                 ConvToKite<linalg::Conv2DNhwcFhwcOp, true>>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
