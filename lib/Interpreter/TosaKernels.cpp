//===- TosaKernels.cpp - reference semantics of TOSA ops ------------------===//
//
// The subset of TOSA that Kite imports and that torch-mlir/IREE emit for
// the supported models, following the TOSA 1.0 specification's pseudo-code.
// Float ops compute in f32.
//
//===----------------------------------------------------------------------===//

#include "kite/Interpreter/Interpreter.h"
#include "kite/Numerics/IntQuant.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"

#include <Eigen/Core>

#include <cmath>
#include <limits>

using namespace mlir;
using namespace kite::interp;

namespace {

/// The static shape of result `i`, or failure with a diagnostic.
FailureOr<SmallVector<int64_t, 4>> resultShape(Operation *op, unsigned i = 0) {
  auto type = dyn_cast<RankedTensorType>(op->getResult(i).getType());
  if (!type || !type.hasStaticShape())
    return op->emitOpError("needs a statically shaped tensor result");
  return SmallVector<int64_t, 4>(type.getShape());
}

bool resultIsFloat(Operation *op, unsigned i = 0) {
  return isa<FloatType>(getElementTypeOrSelf(op->getResult(i).getType()));
}

unsigned resultIntWidth(Operation *op, unsigned i = 0) {
  Type t = getElementTypeOrSelf(op->getResult(i).getType());
  return t.isIntOrIndex() ? t.getIntOrFloatBitWidth() : 64;
}

/// Wraps v to a signed `width`-bit integer (two's complement).
int64_t wrap(int64_t v, unsigned width) {
  if (width >= 64)
    return v;
  uint64_t mask = (uint64_t(1) << width) - 1;
  uint64_t u = uint64_t(v) & mask;
  if (width > 1 && (u >> (width - 1)))
    u |= ~mask;
  return int64_t(u);
}

/// Elementwise op over operands broadcast to the result shape (TOSA:
/// equal ranks, size-1 dimensions broadcast).
template <typename FloatFn, typename IntFn>
LogicalResult elementwise(Operation *op, ArrayRef<const Tensor *> in,
                          SmallVectorImpl<Tensor> &out, FloatFn ff, IntFn fi,
                          size_t arity) {
  FailureOr<SmallVector<int64_t, 4>> shape = resultShape(op);
  if (failed(shape))
    return failure();
  for (size_t k = 0; k < arity; ++k)
    if (in[k]->shape.size() != shape->size())
      return op->emitOpError("operands must have the result's rank");
  bool isFloat = in[0]->isFloat;
  Tensor r = isFloat ? Tensor::floats(*shape) : Tensor::ints(*shape);
  SmallVector<int64_t, 4> outStrides = stridesOf(*shape);
  SmallVector<SmallVector<int64_t, 4>, 3> inStrides;
  for (size_t k = 0; k < arity; ++k) {
    SmallVector<int64_t, 4> s = stridesOf(in[k]->shape);
    for (size_t d = 0; d < s.size(); ++d)
      if (in[k]->shape[d] == 1 && (*shape)[d] != 1)
        s[d] = 0;
      else if (in[k]->shape[d] != (*shape)[d])
        return op->emitOpError("operand shapes do not broadcast");
    inStrides.push_back(s);
  }
  unsigned width = resultIntWidth(op);
  int64_t n = r.size();
  for (int64_t idx = 0; idx < n; ++idx) {
    int64_t rem = idx, offs[3] = {0, 0, 0};
    for (size_t d = 0; d < shape->size(); ++d) {
      int64_t c = rem / outStrides[d];
      rem %= outStrides[d];
      for (size_t k = 0; k < arity; ++k)
        offs[k] += c * inStrides[k][d];
    }
    if (isFloat) {
      float a = in[0]->f[offs[0]];
      float b = arity > 1 ? in[1]->f[offs[1]] : 0.0f;
      r.f[idx] = ff(a, b);
    } else {
      int64_t a = in[0]->i[offs[0]];
      int64_t b = arity > 1 ? in[1]->i[offs[1]] : 0;
      r.i[idx] = wrap(fi(a, b), width);
    }
  }
  out.push_back(std::move(r));
  return success();
}

template <typename FloatFn, typename IntFn>
Kernel binary(FloatFn ff, IntFn fi) {
  return [=](Operation *op, ArrayRef<const Tensor *> in,
             SmallVectorImpl<Tensor> &out) -> LogicalResult {
    if (in[0]->isFloat != in[1]->isFloat)
      return op->emitOpError("operands must both be float or both integer");
    return elementwise(op, in, out, ff, fi, 2);
  };
}

template <typename FloatFn> Kernel unaryFloat(FloatFn ff) {
  return [=](Operation *op, ArrayRef<const Tensor *> in,
             SmallVectorImpl<Tensor> &out) -> LogicalResult {
    if (!in[0]->isFloat)
      return op->emitOpError("is only supported on float tensors");
    return elementwise(
        op, in, out, [&](float a, float) { return ff(a); },
        [](int64_t a, int64_t) { return a; }, 1);
  };
}

float attrAsFloat(Attribute attr) {
  if (auto f = dyn_cast<FloatAttr>(attr))
    return float(f.getValueAsDouble());
  if (auto i = dyn_cast<IntegerAttr>(attr))
    return float(i.getValue().getSExtValue());
  return 0.0f;
}

int64_t attrAsInt(Attribute attr) {
  if (auto i = dyn_cast<IntegerAttr>(attr))
    return i.getValue().getSExtValue();
  if (auto f = dyn_cast<FloatAttr>(attr))
    return int64_t(f.getValueAsDouble());
  return 0;
}

/// Reduction along `axis`, keeping the dimension (size 1).
template <typename Fn>
LogicalResult reduce(Operation *op, const Tensor &x, int64_t axis, float init,
                     Fn fn, SmallVectorImpl<Tensor> &out) {
  if (axis < 0 || axis >= int64_t(x.shape.size()))
    return op->emitOpError("axis out of range");
  int64_t outer = numElements(ArrayRef<int64_t>(x.shape).take_front(axis));
  int64_t len = x.shape[axis];
  int64_t inner = numElements(ArrayRef<int64_t>(x.shape).drop_front(axis + 1));
  SmallVector<int64_t, 4> shape(x.shape);
  shape[axis] = 1;
  Tensor r = x.isFloat ? Tensor::floats(shape) : Tensor::ints(shape);
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t in = 0; in < inner; ++in) {
      if (x.isFloat) {
        float acc = init;
        for (int64_t k = 0; k < len; ++k)
          acc = fn(acc, x.f[(o * len + k) * inner + in]);
        r.f[o * inner + in] = acc;
      } else {
        double acc = init;
        for (int64_t k = 0; k < len; ++k)
          acc = fn(acc, double(x.i[(o * len + k) * inner + in]));
        r.i[o * inner + in] = int64_t(acc);
      }
    }
  out.push_back(std::move(r));
  return success();
}

Kernel reduction(float init, float (*fn)(float, float)) {
  return [=](Operation *op, ArrayRef<const Tensor *> in,
             SmallVectorImpl<Tensor> &out) -> LogicalResult {
    int64_t axis = cast<IntegerAttr>(op->getAttr("axis")).getInt();
    return reduce(op, *in[0], axis, init, fn, out);
  };
}

/// A scalar zero point operand (tensor<1xT>).
double scalarOf(const Tensor &t) {
  if (t.size() == 0)
    return 0;
  return t.isFloat ? double(t.f[0]) : double(t.i[0]);
}

LogicalResult matmulKernel(Operation *op, ArrayRef<const Tensor *> in,
                           SmallVectorImpl<Tensor> &out) {
  const Tensor &a = *in[0], &b = *in[1];
  if (a.shape.size() != 3 || b.shape.size() != 3)
    return op->emitOpError("operands must be 3-D");
  int64_t n = a.shape[0], h = a.shape[1], c = a.shape[2], w = b.shape[2];
  if (b.shape[0] != n || b.shape[1] != c)
    return op->emitOpError("operand shapes do not match");
  if (a.isFloat) {
    Tensor r = Tensor::floats({n, h, w});
    using Mat =
        Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    for (int64_t k = 0; k < n; ++k) {
      Eigen::Map<const Mat> ma(a.f.data() + k * h * c, h, c);
      Eigen::Map<const Mat> mb(b.f.data() + k * c * w, c, w);
      Eigen::Map<Mat> mr(r.f.data() + k * h * w, h, w);
      mr.noalias() = ma * mb;
    }
    out.push_back(std::move(r));
    return success();
  }
  int64_t az = int64_t(scalarOf(*in[2])), bz = int64_t(scalarOf(*in[3]));
  Tensor r = Tensor::ints({n, h, w});
  for (int64_t k = 0; k < n; ++k)
    for (int64_t y = 0; y < h; ++y)
      for (int64_t x = 0; x < w; ++x) {
        int64_t acc = 0;
        for (int64_t j = 0; j < c; ++j)
          acc +=
              (a.i[(k * h + y) * c + j] - az) * (b.i[(k * c + j) * w + x] - bz);
        r.i[(k * h + y) * w + x] = wrap(acc, resultIntWidth(op));
      }
  out.push_back(std::move(r));
  return success();
}

LogicalResult conv2dKernel(Operation *op, ArrayRef<const Tensor *> in,
                           SmallVectorImpl<Tensor> &out) {
  auto conv = cast<tosa::Conv2DOp>(op);
  const Tensor &x = *in[0], &wt = *in[1], &bias = *in[2];
  if (!x.isFloat)
    return op->emitOpError("is only supported on float tensors");
  FailureOr<SmallVector<int64_t, 4>> shape = resultShape(op);
  if (failed(shape))
    return failure();
  ArrayRef<int64_t> pad = conv.getPad(), stride = conv.getStride(),
                    dil = conv.getDilation();
  int64_t n = x.shape[0], ih = x.shape[1], iw = x.shape[2], c = x.shape[3];
  int64_t oc = wt.shape[0], kh = wt.shape[1], kw = wt.shape[2];
  int64_t oh = (*shape)[1], ow = (*shape)[2];
  Tensor r = Tensor::floats(*shape);
  for (int64_t b = 0; b < n; ++b)
    for (int64_t y = 0; y < oh; ++y)
      for (int64_t xo = 0; xo < ow; ++xo)
        for (int64_t o = 0; o < oc; ++o) {
          float acc = bias.f[bias.size() == 1 ? 0 : o];
          for (int64_t ky = 0; ky < kh; ++ky) {
            int64_t iy = y * stride[0] + ky * dil[0] - pad[0];
            if (iy < 0 || iy >= ih)
              continue;
            for (int64_t kx = 0; kx < kw; ++kx) {
              int64_t ix = xo * stride[1] + kx * dil[1] - pad[2];
              if (ix < 0 || ix >= iw)
                continue;
              const float *px = &x.f[((b * ih + iy) * iw + ix) * c];
              const float *pw = &wt.f[((o * kh + ky) * kw + kx) * c];
              for (int64_t ch = 0; ch < c; ++ch)
                acc += px[ch] * pw[ch];
            }
          }
          r.f[((b * oh + y) * ow + xo) * oc + o] = acc;
        }
  out.push_back(std::move(r));
  return success();
}

template <bool IsMax>
LogicalResult poolKernel(Operation *op, ArrayRef<const Tensor *> in,
                         SmallVectorImpl<Tensor> &out) {
  const Tensor &x = *in[0];
  if (!x.isFloat && !IsMax)
    return op->emitOpError("is only supported on float tensors");
  FailureOr<SmallVector<int64_t, 4>> shape = resultShape(op);
  if (failed(shape))
    return failure();
  auto i64s = [&](StringRef name) {
    return cast<DenseI64ArrayAttr>(op->getAttr(name)).asArrayRef();
  };
  ArrayRef<int64_t> kernel = i64s("kernel"), stride = i64s("stride"),
                    pad = i64s("pad");
  int64_t n = x.shape[0], ih = x.shape[1], iw = x.shape[2], c = x.shape[3];
  int64_t oh = (*shape)[1], ow = (*shape)[2];
  Tensor r = x.isFloat ? Tensor::floats(*shape) : Tensor::ints(*shape);
  for (int64_t b = 0; b < n; ++b)
    for (int64_t y = 0; y < oh; ++y)
      for (int64_t xo = 0; xo < ow; ++xo)
        for (int64_t ch = 0; ch < c; ++ch) {
          float acc = IsMax ? -std::numeric_limits<float>::infinity() : 0.0f;
          int64_t maxInt = std::numeric_limits<int64_t>::min(), count = 0;
          for (int64_t ky = 0; ky < kernel[0]; ++ky)
            for (int64_t kx = 0; kx < kernel[1]; ++kx) {
              int64_t iy = y * stride[0] + ky - pad[0];
              int64_t ix = xo * stride[1] + kx - pad[2];
              if (iy < 0 || iy >= ih || ix < 0 || ix >= iw)
                continue; // padding: -inf for max, not counted for avg
              int64_t at = ((b * ih + iy) * iw + ix) * c + ch;
              if (!x.isFloat) {
                maxInt = std::max(maxInt, x.i[at]);
                continue;
              }
              acc = IsMax ? std::max(acc, x.f[at]) : acc + x.f[at];
              ++count;
            }
          int64_t at = ((b * oh + y) * ow + xo) * c + ch;
          if (!x.isFloat)
            r.i[at] = maxInt;
          else
            r.f[at] = IsMax ? acc : (count ? acc / float(count) : 0.0f);
        }
  out.push_back(std::move(r));
  return success();
}

/// Copies the elements of `x` at the positions `index(outIdx)` maps to.
template <typename IndexFn>
Tensor gatherCopy(const Tensor &x, ArrayRef<int64_t> shape, IndexFn index) {
  Tensor r = x.isFloat ? Tensor::floats(shape) : Tensor::ints(shape);
  SmallVector<int64_t, 4> strides = stridesOf(shape);
  SmallVector<int64_t, 4> coord(shape.size());
  for (int64_t idx = 0, n = r.size(); idx < n; ++idx) {
    int64_t rem = idx;
    for (size_t d = 0; d < shape.size(); ++d) {
      coord[d] = rem / strides[d];
      rem %= strides[d];
    }
    int64_t src = index(ArrayRef<int64_t>(coord));
    if (x.isFloat)
      r.f[idx] = src < 0 ? 0.0f : x.f[src];
    else
      r.i[idx] = src < 0 ? 0 : x.i[src];
  }
  return r;
}
} // namespace

void kite::interp::registerTosaKernels(Interpreter &interp) {
  auto constant = [](Operation *op, ArrayRef<const Tensor *>,
                     SmallVectorImpl<Tensor> &out) -> LogicalResult {
    auto attr = dyn_cast<ElementsAttr>(op->getAttr("values"));
    if (!attr)
      return op->emitOpError("has no elements attribute 'values'");
    FailureOr<Tensor> t = tensorFromAttr(op, attr);
    if (failed(t))
      return failure();
    out.push_back(std::move(*t));
    return success();
  };
  interp.registerKernel("tosa.const", constant);
  interp.registerKernel("tosa.const_shape", constant);

  interp.registerKernel("tosa.add",
                        binary([](float a, float b) { return a + b; },
                               [](int64_t a, int64_t b) { return a + b; }));
  interp.registerKernel("tosa.sub",
                        binary([](float a, float b) { return a - b; },
                               [](int64_t a, int64_t b) { return a - b; }));
  interp.registerKernel(
      "tosa.maximum",
      binary(
          [](float a, float b) {
            return std::isnan(a) || std::isnan(b) ? NAN : std::max(a, b);
          },
          [](int64_t a, int64_t b) { return std::max(a, b); }));
  interp.registerKernel(
      "tosa.minimum",
      binary(
          [](float a, float b) {
            return std::isnan(a) || std::isnan(b) ? NAN : std::min(a, b);
          },
          [](int64_t a, int64_t b) { return std::min(a, b); }));
  interp.registerKernel("tosa.pow",
                        binary([](float a, float b) { return std::pow(a, b); },
                               [](int64_t a, int64_t b) {
                                 return int64_t(std::pow(double(a), double(b)));
                               }));
  interp.registerKernel(
      "tosa.mul",
      [](Operation *op, ArrayRef<const Tensor *> in,
         SmallVectorImpl<Tensor> &out) -> LogicalResult {
        if (in[0]->isFloat != in[1]->isFloat)
          return op->emitOpError("operands must both be float or both integer");
        int64_t shift = in.size() > 2 ? int64_t(scalarOf(*in[2])) : 0;
        return elementwise(
            op, in, out, [](float a, float b) { return a * b; },
            [shift](int64_t a, int64_t b) {
              int64_t p = a * b;
              return shift > 0 ? (p + (int64_t(1) << (shift - 1))) >> shift : p;
            },
            2);
      });

  interp.registerKernel("tosa.exp",
                        unaryFloat([](float x) { return std::exp(x); }));
  interp.registerKernel("tosa.log",
                        unaryFloat([](float x) { return std::log(x); }));
  interp.registerKernel("tosa.erf",
                        unaryFloat([](float x) { return std::erf(x); }));
  interp.registerKernel("tosa.tanh",
                        unaryFloat([](float x) { return std::tanh(x); }));
  interp.registerKernel("tosa.sigmoid", unaryFloat([](float x) {
                          return 1.0f / (1.0f + std::exp(-x));
                        }));
  interp.registerKernel("tosa.reciprocal",
                        unaryFloat([](float x) { return 1.0f / x; }));
  interp.registerKernel(
      "tosa.rsqrt", unaryFloat([](float x) { return 1.0f / std::sqrt(x); }));
  interp.registerKernel("tosa.floor",
                        unaryFloat([](float x) { return std::floor(x); }));
  interp.registerKernel("tosa.ceil",
                        unaryFloat([](float x) { return std::ceil(x); }));
  interp.registerKernel(
      "tosa.abs",
      [](Operation *op, ArrayRef<const Tensor *> in,
         SmallVectorImpl<Tensor> &out) -> LogicalResult {
        return elementwise(
            op, in, out, [](float a, float) { return std::fabs(a); },
            [](int64_t a, int64_t) { return a < 0 ? -a : a; }, 1);
      });
  interp.registerKernel("tosa.negate",
                        [](Operation *op, ArrayRef<const Tensor *> in,
                           SmallVectorImpl<Tensor> &out) -> LogicalResult {
                          return elementwise(
                              op, in, out, [](float a, float) { return -a; },
                              [](int64_t a, int64_t) { return -a; }, 1);
                        });
  interp.registerKernel(
      "tosa.clamp",
      [](Operation *op, ArrayRef<const Tensor *> in,
         SmallVectorImpl<Tensor> &out) -> LogicalResult {
        Attribute lo = op->getAttr("min_val"), hi = op->getAttr("max_val");
        float flo = attrAsFloat(lo), fhi = attrAsFloat(hi);
        int64_t ilo = attrAsInt(lo), ihi = attrAsInt(hi);
        return elementwise(
            op, in, out,
            [=](float a, float) {
              return std::isnan(a) ? a : std::min(std::max(a, flo), fhi);
            },
            [=](int64_t a, int64_t) { return std::min(std::max(a, ilo), ihi); },
            1);
      });
  interp.registerKernel("tosa.identity",
                        [](Operation *, ArrayRef<const Tensor *> in,
                           SmallVectorImpl<Tensor> &out) -> LogicalResult {
                          out.push_back(*in[0]);
                          return success();
                        });

  interp.registerKernel(
      "tosa.reduce_sum",
      reduction(0.0f, [](float a, float b) { return a + b; }));
  interp.registerKernel(
      "tosa.reduce_max",
      reduction(-std::numeric_limits<float>::infinity(),
                [](float a, float b) { return std::max(a, b); }));
  interp.registerKernel(
      "tosa.reduce_min",
      reduction(std::numeric_limits<float>::infinity(),
                [](float a, float b) { return std::min(a, b); }));
  interp.registerKernel(
      "tosa.reduce_product",
      reduction(1.0f, [](float a, float b) { return a * b; }));

  interp.registerKernel("tosa.matmul", matmulKernel);
  interp.registerKernel("tosa.conv2d", conv2dKernel);
  interp.registerKernel("tosa.max_pool2d", poolKernel<true>);
  interp.registerKernel("tosa.avg_pool2d", poolKernel<false>);

  interp.registerKernel(
      "tosa.reshape",
      [](Operation *op, ArrayRef<const Tensor *> in,
         SmallVectorImpl<Tensor> &out) -> LogicalResult {
        FailureOr<SmallVector<int64_t, 4>> shape = resultShape(op);
        if (failed(shape))
          return failure();
        if (numElements(*shape) != in[0]->size())
          return op->emitOpError("changes the number of elements");
        Tensor r = *in[0];
        r.shape = *shape;
        out.push_back(std::move(r));
        return success();
      });
  interp.registerKernel(
      "tosa.transpose",
      [](Operation *op, ArrayRef<const Tensor *> in,
         SmallVectorImpl<Tensor> &out) -> LogicalResult {
        ArrayRef<int32_t> perms = cast<tosa::TransposeOp>(op).getPerms();
        const Tensor &x = *in[0];
        SmallVector<int64_t, 4> shape, srcStrides = stridesOf(x.shape);
        for (int32_t p : perms)
          shape.push_back(x.shape[p]);
        out.push_back(gatherCopy(x, shape, [&](ArrayRef<int64_t> c) {
          int64_t src = 0;
          for (size_t d = 0; d < c.size(); ++d)
            src += c[d] * srcStrides[perms[d]];
          return src;
        }));
        return success();
      });
  interp.registerKernel(
      "tosa.slice",
      [](Operation *op, ArrayRef<const Tensor *> in,
         SmallVectorImpl<Tensor> &out) -> LogicalResult {
        const Tensor &x = *in[0];
        const std::vector<int64_t> &start = in[1]->i;
        SmallVector<int64_t, 4> shape(in[2]->i.begin(), in[2]->i.end());
        SmallVector<int64_t, 4> srcStrides = stridesOf(x.shape);
        for (size_t d = 0; d < shape.size(); ++d)
          if (start[d] < 0 || start[d] + shape[d] > x.shape[d])
            return op->emitOpError("slice is out of bounds");
        out.push_back(gatherCopy(x, shape, [&](ArrayRef<int64_t> c) {
          int64_t src = 0;
          for (size_t d = 0; d < c.size(); ++d)
            src += (c[d] + start[d]) * srcStrides[d];
          return src;
        }));
        return success();
      });
  interp.registerKernel(
      "tosa.pad",
      [](Operation *op, ArrayRef<const Tensor *> in,
         SmallVectorImpl<Tensor> &out) -> LogicalResult {
        const Tensor &x = *in[0];
        const std::vector<int64_t> &padding = in[1]->i;
        SmallVector<int64_t, 4> shape, srcStrides = stridesOf(x.shape);
        for (size_t d = 0; d < x.shape.size(); ++d)
          shape.push_back(x.shape[d] + padding[2 * d] + padding[2 * d + 1]);
        Tensor r = gatherCopy(x, shape, [&](ArrayRef<int64_t> c) -> int64_t {
          int64_t src = 0;
          for (size_t d = 0; d < c.size(); ++d) {
            int64_t s = c[d] - padding[2 * d];
            if (s < 0 || s >= x.shape[d])
              return -1;
            src += s * srcStrides[d];
          }
          return src;
        });
        // Positions gatherCopy filled with 0 that are padding take pad_const.
        double fill = scalarOf(*in[2]);
        SmallVector<int64_t, 4> strides = stridesOf(shape);
        for (int64_t idx = 0, n = r.size(); idx < n; ++idx) {
          int64_t rem = idx;
          bool isPad = false;
          for (size_t d = 0; d < shape.size(); ++d) {
            int64_t s = rem / strides[d] - padding[2 * d];
            rem %= strides[d];
            isPad |= s < 0 || s >= x.shape[d];
          }
          if (!isPad)
            continue;
          if (r.isFloat)
            r.f[idx] = float(fill);
          else
            r.i[idx] = int64_t(fill);
        }
        out.push_back(std::move(r));
        return success();
      });
  interp.registerKernel(
      "tosa.concat",
      [](Operation *op, ArrayRef<const Tensor *> in,
         SmallVectorImpl<Tensor> &out) -> LogicalResult {
        int64_t axis = cast<IntegerAttr>(op->getAttr("axis")).getInt();
        FailureOr<SmallVector<int64_t, 4>> shape = resultShape(op);
        if (failed(shape))
          return failure();
        Tensor r =
            in[0]->isFloat ? Tensor::floats(*shape) : Tensor::ints(*shape);
        int64_t outer = numElements(ArrayRef<int64_t>(*shape).take_front(axis));
        int64_t inner =
            numElements(ArrayRef<int64_t>(*shape).drop_front(axis + 1));
        int64_t offset = 0, total = (*shape)[axis];
        for (const Tensor *t : in) {
          int64_t len = t->shape[axis];
          for (int64_t o = 0; o < outer; ++o)
            for (int64_t k = 0; k < len * inner; ++k) {
              int64_t dst = (o * total + offset) * inner + k;
              int64_t src = o * len * inner + k;
              if (r.isFloat)
                r.f[dst] = t->f[src];
              else
                r.i[dst] = t->i[src];
            }
          offset += len;
        }
        out.push_back(std::move(r));
        return success();
      });
  interp.registerKernel(
      "tosa.gather",
      [](Operation *op, ArrayRef<const Tensor *> in,
         SmallVectorImpl<Tensor> &out) -> LogicalResult {
        const Tensor &values = *in[0], &indices = *in[1];
        int64_t n = values.shape[0], k = values.shape[1], c = values.shape[2];
        int64_t w = indices.shape[1];
        for (int64_t idx : indices.i)
          if (idx < 0 || idx >= k)
            return op->emitOpError()
                   << "index " << idx << " is out of range [0, " << k << ")";
        out.push_back(gatherCopy(values, {n, w, c}, [&](ArrayRef<int64_t> co) {
          return (co[0] * k + indices.i[co[0] * w + co[1]]) * c + co[2];
        }));
        return success();
      });
  interp.registerKernel(
      "tosa.cast",
      [](Operation *op, ArrayRef<const Tensor *> in,
         SmallVectorImpl<Tensor> &out) -> LogicalResult {
        const Tensor &x = *in[0];
        bool toFloat = resultIsFloat(op);
        unsigned width = resultIntWidth(op);
        Tensor r = toFloat ? Tensor::floats(x.shape) : Tensor::ints(x.shape);
        for (int64_t k = 0, n = x.size(); k < n; ++k) {
          if (toFloat) {
            r.f[k] = x.isFloat ? x.f[k] : float(x.i[k]);
          } else if (x.isFloat) {
            // Round half to even, saturate (TOSA float-to-int cast).
            double lo = -std::ldexp(1.0, int(width) - 1),
                   hi = std::ldexp(1.0, int(width) - 1) - 1;
            double v = std::isnan(x.f[k])
                           ? 0.0
                           : std::min(std::max(double(x.f[k]), lo), hi);
            r.i[k] = width == 1 ? (x.f[k] != 0.0f)
                                : kite::numerics::roundHalfEven(v);
          } else {
            r.i[k] = width == 1 ? (x.i[k] != 0) : wrap(x.i[k], width);
          }
        }
        out.push_back(std::move(r));
        return success();
      });
}
