//===- FoldScaleShift.cpp - per-channel affine maps into MAC weights ------===//
//
// An inference-mode batch norm after a convolution is, once its constants
// fold, a subtraction, a multiplication and an addition by per-channel
// constants. Each folds into the MAC op: a scale multiplies the weights
// (and bias) of its output channel, a shift adds to the bias. A matmul has
// no bias, so only scales fold into its columns.
//
//===----------------------------------------------------------------------===//

#include "kite/Dialect/Kite/IR/Kite.h"
#include "kite/Dialect/Kite/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace kite {
#define GEN_PASS_DEF_KITEFOLDSCALESHIFT
#include "kite/dialects/Kite/Passes.h.inc"
} // namespace kite

using namespace mlir;
using namespace kite;

namespace {

/// The per-channel values of a constant broadcast along `axis` of a result
/// of `resultType` with `channels` channels (one value repeats), or nothing
/// when it varies along another axis.
std::optional<SmallVector<float>> perChannel(Value v,
                                             RankedTensorType resultType,
                                             int64_t axis, int64_t channels) {
  DenseFPElementsAttr attr;
  if (!matchPattern(v, m_Constant(&attr)) || !attr.getElementType().isF32())
    return std::nullopt;
  ArrayRef<int64_t> shape = attr.getType().getShape();
  if (shape.size() > size_t(resultType.getRank()))
    return std::nullopt;
  // Align to the result's rank from the right (numpy) and check that only
  // the channel axis may differ from 1.
  int64_t offset = resultType.getRank() - int64_t(shape.size());
  for (auto [d, size] : llvm::enumerate(shape))
    if (size != 1 && int64_t(d) + offset != axis)
      return std::nullopt;
  SmallVector<float> values;
  for (const APFloat &f : attr.getValues<APFloat>())
    values.push_back(f.convertToFloat());
  if (values.size() == 1)
    values.assign(size_t(channels), values[0]);
  if (int64_t(values.size()) != channels)
    return std::nullopt;
  return values;
}

/// A float MAC op with constant weights whose result only `user` reads: its
/// weights, bias and the axis of its output channels.
struct Mac {
  Operation *op;
  DenseFPElementsAttr weights, bias; ///< bias: conv only, may be null
  int64_t channelAxis;               ///< of the result
  int64_t weightAxis;                ///< of the weights
  int64_t channels;
};

std::optional<Mac> macFeeding(Value v) {
  Operation *def = v.getDefiningOp();
  if (!def || !v.hasOneUse())
    return std::nullopt;
  Mac m;
  m.op = def;
  if (auto conv = dyn_cast<Conv2DOp>(def)) {
    if (!conv.getResult().getType().getElementType().isF32() || conv.getAcc() ||
        conv.getInputSparsity() || conv.getFilterSparsity() ||
        !matchPattern(conv.getFilter(), m_Constant(&m.weights)))
      return std::nullopt;
    if (conv.getBias() && !matchPattern(conv.getBias(), m_Constant(&m.bias)))
      return std::nullopt;
    m.channelAxis = 1;
    m.weightAxis = 0;
  } else if (auto mm = dyn_cast<MatmulOp>(def)) {
    if (!mm.getResult().getType().getElementType().isF32() || mm.getAcc() ||
        mm.getLhsSparsity() || mm.getRhsSparsity() ||
        !matchPattern(mm.getRhs(), m_Constant(&m.weights)) ||
        m.weights.getType().getRank() != 2)
      return std::nullopt;
    m.channelAxis = mm.getResult().getType().getRank() - 1;
    m.weightAxis = 1;
  } else {
    return std::nullopt;
  }
  m.channels = m.weights.getType().getDimSize(m.weightAxis);
  return m;
}

/// `attr` with every element of channel `c` (along `axis`) mapped by `fn`.
DenseElementsAttr mapChannels(DenseFPElementsAttr attr, int64_t axis,
                              function_ref<float(float, int64_t)> fn) {
  ArrayRef<int64_t> shape = attr.getType().getShape();
  int64_t inner = 1;
  for (int64_t d = axis + 1; d < int64_t(shape.size()); ++d)
    inner *= shape[d];
  int64_t channels = shape[axis];
  SmallVector<float> values;
  int64_t k = 0;
  for (const APFloat &f : attr.getValues<APFloat>())
    values.push_back(fn(f.convertToFloat(), (k++ / inner) % channels));
  return DenseElementsAttr::get(attr.getType(), ArrayRef<float>(values));
}

template <typename OpTy> struct FoldIntoMac : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;
  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    constexpr bool isMul = std::is_same_v<OpTy, tosa::MulOp>;
    constexpr bool isSub = std::is_same_v<OpTy, tosa::SubOp>;
    auto type = cast<RankedTensorType>(op.getType());
    if (isMul) {
      DenseElementsAttr shift;
      if (!matchPattern(op->getOperand(2), m_Constant(&shift)) ||
          !llvm::all_of(shift.getValues<APInt>(),
                        [](const APInt &v) { return v.isZero(); }))
        return failure();
    }
    // The MAC op's operand first; the constant may be either side except
    // for a subtraction.
    for (int side = 0; side < (isSub ? 1 : 2); ++side) {
      Value macSide = op->getOperand(side), other = op->getOperand(1 - side);
      std::optional<Mac> mac = macFeeding(macSide);
      if (!mac || macSide.getType() != type)
        continue;
      std::optional<SmallVector<float>> c =
          perChannel(other, type, mac->channelAxis, mac->channels);
      if (!c)
        continue;
      bool isConv = isa<Conv2DOp>(mac->op);
      if (!isMul && !isConv)
        return failure(); // a matmul has no bias to shift
      OpBuilder::InsertionGuard guard(rewriter);
      rewriter.setInsertionPoint(mac->op);
      Location loc = mac->op->getLoc();
      auto constant = [&](DenseElementsAttr a) {
        return arith::ConstantOp::create(rewriter, loc, a).getResult();
      };
      rewriter.modifyOpInPlace(mac->op, [&] {
        if (isMul) {
          mac->op->setOperand(
              1, constant(mapChannels(mac->weights, mac->weightAxis,
                                      [&](float w, int64_t ch) {
                                        return w * (*c)[size_t(ch)];
                                      })));
        }
        if (!isConv)
          return;
        auto conv = cast<Conv2DOp>(mac->op);
        if (!mac->bias && isMul)
          return;
        DenseFPElementsAttr bias = mac->bias;
        if (!bias)
          bias = cast<DenseFPElementsAttr>(DenseElementsAttr::get(
              RankedTensorType::get({mac->channels}, rewriter.getF32Type()),
              0.0f));
        DenseElementsAttr shifted =
            mapChannels(bias, 0, [&](float b, int64_t ch) {
              float v = (*c)[size_t(ch)];
              return isMul ? b * v : isSub ? b - v : b + v;
            });
        conv.getBiasMutable().assign(constant(shifted));
      });
      rewriter.replaceOp(op, macSide);
      return success();
    }
    return failure();
  }
};

struct KiteFoldScaleShift
    : kite::impl::KiteFoldScaleShiftBase<KiteFoldScaleShift> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FoldIntoMac<tosa::MulOp>, FoldIntoMac<tosa::AddOp>,
                 FoldIntoMac<tosa::SubOp>>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
