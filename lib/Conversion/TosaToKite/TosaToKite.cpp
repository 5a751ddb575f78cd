//===- TosaToKite.cpp - raise TOSA to kite ops ----------------------------===//

#include "kite/Conversion/Passes.h"
#include "kite/Support/ElementsAttr.h"

#include "mlir/Dialect/Tosa/Utils/ConversionUtils.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cmath>

namespace kite {
#define GEN_PASS_DEF_CONVERTTOSATOKITE
#include "kite/dialects/Conversion/Passes.h.inc"
} // namespace kite

using namespace mlir;
using namespace kite;

namespace {
/// Looks through reshapes (an importer broadcasts constants with them).
Value skipReshapes(Value v) {
  while (auto r = v.getDefiningOp<tosa::ReshapeOp>())
    v = r.getInput1();
  return v;
}

/// The value of a constant with a single distinct float value.
std::optional<double> scalarConst(Value v) {
  DenseFPElementsAttr attr;
  if (!matchPattern(skipReshapes(v), m_Constant(&attr)))
    return std::nullopt;
  if (attr.isSplat())
    return attr.getSplatValue<APFloat>().convertToDouble();
  if (attr.getNumElements() == 1)
    return (*attr.getValues<APFloat>().begin()).convertToDouble();
  return std::nullopt;
}

bool near(std::optional<double> v, double want, double tol = 1e-6) {
  return v && std::fabs(*v - want) <= tol * std::max(1.0, std::fabs(want));
}

/// Calls match(lhs, rhs) with both operand orders of a commutative op.
template <typename Fn> bool eitherOrder(Operation *op, Fn match) {
  return match(op->getOperand(0), op->getOperand(1)) ||
         match(op->getOperand(1), op->getOperand(0));
}

bool isFloatTensor(Value v) {
  return isa<FloatType>(getElementTypeOrSelf(v.getType()));
}

/// `v` = reduce_sum over a chain of axes of `input`; returns the input and
/// the axes (in any order).
Value reduceSumChain(Value v, SmallVectorImpl<int64_t> &axes) {
  while (auto r = v.getDefiningOp<tosa::ReduceSumOp>()) {
    axes.push_back(r.getAxis());
    v = r.getInput();
  }
  return v;
}

/// `v` = mean of `x` over its trailing axes from `*axis`: reduce_sum chain
/// times the constant 1/N.
bool matchMean(Value v, Value &x, int64_t &axis) {
  auto mul = v.getDefiningOp<tosa::MulOp>();
  if (!mul)
    return false;
  return eitherOrder(mul, [&](Value sum, Value scale) {
    SmallVector<int64_t> axes;
    Value in = reduceSumChain(sum, axes);
    if (axes.empty())
      return false;
    auto type = cast<RankedTensorType>(in.getType());
    llvm::sort(axes);
    int64_t rank = type.getRank(), first = axes.front(), count = 1;
    for (auto [i, a] : llvm::enumerate(axes)) {
      if (a != first + int64_t(i))
        return false;
      count *= type.getDimSize(a);
    }
    if (axes.back() != rank - 1 ||
        !near(scalarConst(scale), 1.0 / double(count)))
      return false;
    x = in;
    axis = first;
    return true;
  });
}

struct MatmulToKite : OpRewritePattern<tosa::MatMulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tosa::MatMulOp op,
                                PatternRewriter &rewriter) const override {
    if (!isFloatTensor(op.getA()) || !near(scalarConst(op.getAZp()), 0) ||
        !near(scalarConst(op.getBZp()), 0))
      return rewriter.notifyMatchFailure(op, "needs float operands, zero zps");
    rewriter.replaceOpWithNewOp<MatmulOp>(
        op, op.getType(), op.getA(), op.getB(), /*acc=*/Value(),
        /*lhs_format=*/nullptr, /*rhs_format=*/nullptr, /*multiplier=*/nullptr,
        /*lhs_sparsity=*/nullptr, /*rhs_sparsity=*/nullptr, /*tile=*/nullptr);
    return success();
  }
};

/// tosa.conv2d, and tosa.depthwise_conv2d as a kite.conv2d of one group per
/// input channel; NHWC around them becomes NCHW (canonicalize cancels the
/// transposes between convolutions).
template <typename OpTy> struct Conv2DToKite : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;
  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    constexpr bool depthwise = std::is_same_v<OpTy, tosa::DepthwiseConv2DOp>;
    auto type = cast<RankedTensorType>(op.getType());
    auto biasType = cast<RankedTensorType>(op.getBias().getType());
    if (!isFloatTensor(op.getInput()) ||
        !near(scalarConst(op.getInputZp()), 0) ||
        !near(scalarConst(op.getWeightZp()), 0) ||
        biasType.getDimSize(0) != type.getDimSize(3))
      return rewriter.notifyMatchFailure(op, "unsupported conv2d");
    Location loc = op.getLoc();
    auto transposed = [&](Value v, ArrayRef<int32_t> perms) {
      return createTranspose(rewriter, loc, v, perms);
    };
    Value x = transposed(op.getInput(), {0, 3, 1, 2});
    Value w = op.getWeight();
    int64_t groups = 1;
    if (depthwise) {
      // [KH, KW, C, M] -> [KH, KW, 1, C * M] (output channel c * M + m)
      // -> [C * M, 1, KH, KW].
      auto wType = cast<RankedTensorType>(w.getType());
      SmallVector<int64_t> flat = {wType.getDimSize(0), wType.getDimSize(1), 1,
                                   wType.getDimSize(2) * wType.getDimSize(3)};
      w = tosa::ReshapeOp::create(
          rewriter, loc, RankedTensorType::get(flat, wType.getElementType()), w,
          tosa::getTosaConstShape(rewriter, loc, flat));
      w = transposed(w, {3, 2, 0, 1});
      groups = wType.getDimSize(2);
    } else {
      w = transposed(w, {0, 3, 1, 2});
    }
    ArrayRef<int64_t> pad = op.getPad(); // top, bottom, left, right
    auto nchw = RankedTensorType::get({type.getDimSize(0), type.getDimSize(3),
                                       type.getDimSize(1), type.getDimSize(2)},
                                      type.getElementType());
    Value y = Conv2DOp::create(
        rewriter, loc, nchw, x, w, op.getBias(), Value(),
        rewriter.getDenseI64ArrayAttr(op.getStride()),
        rewriter.getDenseI64ArrayAttr({pad[0], pad[2], pad[1], pad[3]}),
        rewriter.getDenseI64ArrayAttr(op.getDilation()),
        rewriter.getI64IntegerAttr(groups), nullptr, nullptr, nullptr, nullptr,
        nullptr, nullptr);
    rewriter.replaceOp(op, transposed(y, {0, 2, 3, 1}));
    return success();
  }
};

/// tosa.transpose_conv2d as stride_y x stride_x ordinary convolutions, one
/// per output phase (the outputs whose row is r mod stride_y and column
/// c mod stride_x read only the taps r, r + stride_y, ... and c, ...), each
/// on the MAC array, interleaved by two concatenations. The kernel is
/// zero-extended to a multiple of the stride; the extra outputs, bias only,
/// are where a positive bottom/right out_pad wants them, or are sliced off.
struct TransposeConv2DToKite : OpRewritePattern<tosa::TransposeConv2DOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tosa::TransposeConv2DOp op,
                                PatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    auto inType = cast<RankedTensorType>(op.getInput().getType());
    DenseFPElementsAttr weight;
    ArrayRef<int64_t> stride = op.getStride(), outPad = op.getOutPad();
    if (!isFloatTensor(op.getInput()) || !type.hasStaticShape() ||
        !inType.hasStaticShape() || !near(scalarConst(op.getInputZp()), 0) ||
        !near(scalarConst(op.getWeightZp()), 0) ||
        !matchPattern(op.getWeight(), m_Constant(&weight)) ||
        cast<RankedTensorType>(op.getBias().getType()).getDimSize(0) !=
            type.getDimSize(3) ||
        outPad[0] > 0 || outPad[2] > 0)
      return rewriter.notifyMatchFailure(op, "unsupported transpose_conv2d");
    // weight [OC, KH, KW, IC]
    ArrayRef<int64_t> ws = weight.getType().getShape();
    int64_t oc = ws[0], ic = ws[3], n = inType.getDimSize(0);
    int64_t taps[2] = {(ws[1] + stride[0] - 1) / stride[0],
                       (ws[2] + stride[1] - 1) / stride[1]};
    int64_t phaseH = inType.getDimSize(1) + taps[0] - 1,
            phaseW = inType.getDimSize(2) + taps[1] - 1;
    // The full output (out_pad 0, kernel extended) holds the result at
    // [-out_pad top, -out_pad left].
    int64_t fullH = phaseH * stride[0], fullW = phaseW * stride[1];
    if (-outPad[0] + type.getDimSize(1) > fullH ||
        -outPad[2] + type.getDimSize(2) > fullW)
      return rewriter.notifyMatchFailure(op, "out_pad beyond the phases");
    SmallVector<float> w(weight.getValues<float>());
    Location loc = op.getLoc();
    Type f32 = type.getElementType();
    Value x = createTranspose(rewriter, loc, op.getInput(), {0, 3, 1, 2});
    auto reshape = [&](Value v, ArrayRef<int64_t> shape) -> Value {
      return tosa::ReshapeOp::create(
          rewriter, loc, RankedTensorType::get(shape, f32), v,
          tosa::getTosaConstShape(rewriter, loc, shape));
    };
    auto concat = [&](ArrayRef<Value> parts, int64_t axis) -> Value {
      auto t = cast<RankedTensorType>(parts[0].getType());
      SmallVector<int64_t> shape(t.getShape());
      shape[size_t(axis)] *= int64_t(parts.size());
      return tosa::ConcatOp::create(rewriter, loc,
                                    RankedTensorType::get(shape, f32), parts,
                                    rewriter.getI32IntegerAttr(int32_t(axis)));
    };
    SmallVector<Value> rows;
    for (int64_t ry = 0; ry < stride[0]; ++ry) {
      SmallVector<Value> cols;
      for (int64_t rx = 0; rx < stride[1]; ++rx) {
        // Phase kernel [OC, IC, taps y, taps x], flipped: tap j reads
        // kernel row ry + (taps - 1 - j) * stride.
        SmallVector<float> g;
        g.reserve(size_t(oc * ic * taps[0] * taps[1]));
        for (int64_t o = 0; o < oc; ++o)
          for (int64_t i = 0; i < ic; ++i)
            for (int64_t j = 0; j < taps[0]; ++j)
              for (int64_t l = 0; l < taps[1]; ++l) {
                int64_t ky = ry + (taps[0] - 1 - j) * stride[0],
                        kx = rx + (taps[1] - 1 - l) * stride[1];
                g.push_back(
                    ky < ws[1] && kx < ws[2]
                        ? w[size_t(((o * ws[1] + ky) * ws[2] + kx) * ic + i)]
                        : 0.0f);
              }
        auto gType = RankedTensorType::get({oc, ic, taps[0], taps[1]}, f32);
        Value filter = tosa::ConstOp::create(
            rewriter, loc, gType,
            DenseElementsAttr::get(gType, ArrayRef<float>(g)));
        Value y = Conv2DOp::create(
            rewriter, loc, RankedTensorType::get({n, oc, phaseH, phaseW}, f32),
            x, filter, op.getBias(), Value(),
            rewriter.getDenseI64ArrayAttr({1, 1}),
            rewriter.getDenseI64ArrayAttr(
                {taps[0] - 1, taps[1] - 1, taps[0] - 1, taps[1] - 1}),
            rewriter.getDenseI64ArrayAttr({1, 1}),
            rewriter.getI64IntegerAttr(1), nullptr, nullptr, nullptr, nullptr,
            nullptr, nullptr);
        cols.push_back(reshape(y, {n, oc, phaseH, 1, phaseW, 1}));
      }
      rows.push_back(concat(cols, 5));
    }
    Value full = reshape(concat(rows, 3), {n, oc, fullH, fullW});
    Value nhwc = createTranspose(rewriter, loc, full, {0, 2, 3, 1});
    if (fullH != type.getDimSize(1) || fullW != type.getDimSize(2))
      nhwc = tosa::SliceOp::create(
          rewriter, loc, type, nhwc,
          tosa::getTosaConstShape(rewriter, loc,
                                  {0, -outPad[0], -outPad[2], 0}),
          tosa::getTosaConstShape(rewriter, loc, type.getShape()));
    rewriter.replaceOp(op, nhwc);
    return success();
  }
};

/// exp(x - reduce_max(x, a)) * reciprocal(reduce_sum(that, a)).
struct SoftmaxToKite : OpRewritePattern<tosa::MulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tosa::MulOp op,
                                PatternRewriter &rewriter) const override {
    Value x;
    int64_t axis = 0;
    bool matched = eitherOrder(op, [&](Value e, Value r) {
      auto exp = e.getDefiningOp<tosa::ExpOp>();
      auto recip = r.getDefiningOp<tosa::ReciprocalOp>();
      if (!exp || !recip)
        return false;
      auto sum = recip.getInput1().getDefiningOp<tosa::ReduceSumOp>();
      auto sub = exp.getInput1().getDefiningOp<tosa::SubOp>();
      if (!sum || !sub || sum.getInput() != e)
        return false;
      auto max = sub.getInput2().getDefiningOp<tosa::ReduceMaxOp>();
      if (!max || max.getInput() != sub.getInput1() ||
          max.getAxis() != sum.getAxis())
        return false;
      x = sub.getInput1();
      axis = sum.getAxis();
      return x.getType() == op.getType();
    });
    if (!matched || !isFloatTensor(op))
      return rewriter.notifyMatchFailure(op, "not a decomposed softmax");
    rewriter.replaceOpWithNewOp<SoftmaxOp>(op, op.getType(), x,
                                           rewriter.getI64IntegerAttr(axis));
    return success();
  }
};

/// (x - mean(x)) * invstd with invstd = rsqrt(var + eps) or
/// reciprocal(pow(var + eps, 0.5)) and var = mean(d * d) or mean(pow(d, 2)).
struct LayerNormToKite : OpRewritePattern<tosa::MulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tosa::MulOp op,
                                PatternRewriter &rewriter) const override {
    Value x;
    int64_t axis = 0;
    double eps = 0;
    bool matched = eitherOrder(op, [&](Value dv, Value inv) {
      auto sub = dv.getDefiningOp<tosa::SubOp>();
      if (!sub)
        return false;
      Value mx;
      int64_t a;
      if (!matchMean(sub.getInput2(), mx, a) || mx != sub.getInput1())
        return false;
      // The variance plus epsilon, under rsqrt or 1/sqrt.
      Value varEps;
      if (auto r = inv.getDefiningOp<tosa::RsqrtOp>()) {
        varEps = r.getInput1();
      } else if (auto r = inv.getDefiningOp<tosa::ReciprocalOp>()) {
        auto p = r.getInput1().getDefiningOp<tosa::PowOp>();
        if (!p || !near(scalarConst(p.getInput2()), 0.5))
          return false;
        varEps = p.getInput1();
      } else {
        return false;
      }
      auto add = varEps.getDefiningOp<tosa::AddOp>();
      if (!add)
        return false;
      return eitherOrder(add, [&](Value var, Value e) {
        std::optional<double> ev = scalarConst(e);
        Value sq;
        int64_t va;
        if (!ev || !matchMean(var, sq, va) || va != a)
          return false;
        auto mul = sq.getDefiningOp<tosa::MulOp>();
        auto pow = sq.getDefiningOp<tosa::PowOp>();
        bool isSquare =
            (mul && mul.getInput1() == dv && mul.getInput2() == dv) ||
            (pow && pow.getInput1() == dv &&
             near(scalarConst(pow.getInput2()), 2.0));
        if (!isSquare)
          return false;
        x = mx;
        axis = a;
        eps = *ev;
        return true;
      });
    });
    if (!matched || x.getType() != op.getType())
      return rewriter.notifyMatchFailure(op, "not a decomposed layer norm");
    rewriter.replaceOpWithNewOp<LayerNormOp>(
        op, op.getType(), x, Value(), Value(), rewriter.getI64IntegerAttr(axis),
        rewriter.getF64FloatAttr(eps));
    return success();
  }
};

/// A constant `v` broadcast against `shape`'s trailing dims from `axis`, as
/// a constant of exactly those dims; null if it is not such a constant.
Value normalizedConst(PatternRewriter &rewriter, Location loc, Value v,
                      RankedTensorType type, int64_t axis) {
  DenseElementsAttr attr;
  if (!matchPattern(skipReshapes(v), m_Constant(&attr)))
    return {};
  ArrayRef<int64_t> dims = type.getShape().drop_front(axis);
  auto want = RankedTensorType::get(dims, type.getElementType());
  if (attr.getNumElements() != want.getNumElements() ||
      attr.getElementType() != type.getElementType())
    return {};
  return tosa::ConstOp::create(rewriter, loc, want, attr.reshape(want));
}

/// layer_norm(x) * scale and + bias with constants of the normalised shape
/// become the op's scale and bias.
template <typename OpTy> struct AbsorbLayerNormAffine : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;
  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    constexpr bool isScale = std::is_same_v<OpTy, tosa::MulOp>;
    LayerNormOp ln;
    Value c;
    eitherOrder(op, [&](Value a, Value b) {
      auto candidate = a.getDefiningOp<LayerNormOp>();
      if (!candidate || !candidate->hasOneUse() ||
          (isScale ? (candidate.getScale() || candidate.getBias())
                   : bool(candidate.getBias())))
        return false;
      ln = candidate;
      c = b;
      return true;
    });
    if (!ln || op.getType() != ln.getType())
      return rewriter.notifyMatchFailure(op, "no layer norm to absorb into");
    Value param = normalizedConst(rewriter, op.getLoc(), c, ln.getType(),
                                  ln.getNormalizedAxis());
    if (!param)
      return rewriter.notifyMatchFailure(op, "not a normalised-shape constant");
    rewriter.replaceOpWithNewOp<LayerNormOp>(
        op, ln.getType(), ln.getInput(), isScale ? param : ln.getScale(),
        isScale ? Value() : param, ln.getAxisAttr(), ln.getEpsilonAttr());
    return success();
  }
};

/// (x * (1 + erf(x * 1/sqrt(2)))) * 0.5.
struct GeluToKite : OpRewritePattern<tosa::MulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tosa::MulOp op,
                                PatternRewriter &rewriter) const override {
    Value x;
    bool matched = eitherOrder(op, [&](Value m, Value half) {
      auto mul = m.getDefiningOp<tosa::MulOp>();
      if (!mul || !near(scalarConst(half), 0.5))
        return false;
      return eitherOrder(mul, [&](Value xv, Value onePlus) {
        auto add = onePlus.getDefiningOp<tosa::AddOp>();
        if (!add)
          return false;
        return eitherOrder(add, [&](Value e, Value one) {
          auto erf = e.getDefiningOp<tosa::ErfOp>();
          if (!erf || !near(scalarConst(one), 1.0))
            return false;
          auto scaled = erf.getInput().getDefiningOp<tosa::MulOp>();
          if (!scaled)
            return false;
          return eitherOrder(scaled, [&](Value xi, Value k) {
            if (xi != xv || !near(scalarConst(k), M_SQRT1_2))
              return false;
            x = xv;
            return true;
          });
        });
      });
    });
    if (!matched || x.getType() != op.getType())
      return rewriter.notifyMatchFailure(op, "not an erf GELU");
    rewriter.replaceOpWithNewOp<GeluOp>(
        op, op.getType(), x,
        GeluApproximationAttr::get(getContext(), GeluApproximation::None));
    return success();
  }
};

/// tosa.transpose of a constant becomes the transposed constant, so weights
/// that an importer transposed (Gemm's transB, OIHW -> OHWI) are constants
/// again for the quantization passes.
struct FoldConstantTranspose : OpRewritePattern<tosa::TransposeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tosa::TransposeOp op,
                                PatternRewriter &rewriter) const override {
    DenseElementsAttr input;
    if (!matchPattern(op.getInput1(), m_Constant(&input)))
      return rewriter.notifyMatchFailure(op, "input is not a constant");
    rewriter.replaceOpWithNewOp<tosa::ConstOp>(
        op, op.getType(), kite::transposeElements(input, op.getPerms()));
    return success();
  }
};

/// NCHW -> NHWC transpose, pooling, NHWC -> NCHW transpose (how an importer
/// pools an NCHW tensor) becomes pooling each channel plane in place: the
/// NCHW tensor viewed as N*C images of one channel. The reshapes are free;
/// the transposes were two copies of the tensor through the vector unit.
template <typename PoolOp>
struct PoolChannelPlanes : OpRewritePattern<tosa::TransposeOp> {
  using OpRewritePattern<tosa::TransposeOp>::OpRewritePattern;
  LogicalResult matchAndRewrite(tosa::TransposeOp op,
                                PatternRewriter &rewriter) const override {
    auto pool = op.getInput1().getDefiningOp<PoolOp>();
    if (!pool || !pool->hasOneUse() ||
        op.getPerms() != ArrayRef<int32_t>{0, 3, 1, 2})
      return rewriter.notifyMatchFailure(op, "not NHWC pooling back to NCHW");
    auto toNhwc = pool.getInput().template getDefiningOp<tosa::TransposeOp>();
    if (!toNhwc || !toNhwc->hasOneUse() ||
        toNhwc.getPerms() != ArrayRef<int32_t>{0, 2, 3, 1})
      return rewriter.notifyMatchFailure(op, "pool input is not from NCHW");
    Value nchw = toNhwc.getInput1();
    auto inType = cast<RankedTensorType>(nchw.getType());
    auto outType = cast<RankedTensorType>(op.getType());
    if (!inType.hasStaticShape() || !outType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "dynamic shape");
    ArrayRef<int64_t> in = inType.getShape(), out = outType.getShape();
    Location loc = op.getLoc();
    auto reshape = [&](Value v, ArrayRef<int64_t> shape) -> Value {
      return tosa::ReshapeOp::create(
          rewriter, loc, RankedTensorType::get(shape, inType.getElementType()),
          v, tosa::getTosaConstShape(rewriter, loc, shape));
    };
    Value planes = reshape(nchw, {in[0] * in[1], in[2], in[3], 1});
    IRMapping map;
    map.map(pool.getInput(), planes);
    Operation *pooled = rewriter.clone(*pool, map);
    pooled->getResult(0).setType(RankedTensorType::get(
        {out[0] * out[1], out[2], out[3], 1}, outType.getElementType()));
    rewriter.replaceOp(op, reshape(pooled->getResult(0), out));
    return success();
  }
};

struct ConvertTosaToKitePass
    : kite::impl::ConvertTosaToKiteBase<ConvertTosaToKitePass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<MatmulToKite, Conv2DToKite<tosa::Conv2DOp>,
                 Conv2DToKite<tosa::DepthwiseConv2DOp>, TransposeConv2DToKite,
                 FoldConstantTranspose, PoolChannelPlanes<tosa::MaxPool2dOp>,
                 PoolChannelPlanes<tosa::AvgPool2dOp>,
                 AbsorbLayerNormAffine<tosa::MulOp>,
                 AbsorbLayerNormAffine<tosa::AddOp>>(&getContext());
    // Whole decompositions first: they contain multiplications the smaller
    // patterns would otherwise claim.
    patterns.add<SoftmaxToKite, LayerNormToKite, GeluToKite>(&getContext(),
                                                             /*benefit=*/2);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
