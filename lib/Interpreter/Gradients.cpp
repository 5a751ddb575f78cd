//===- Gradients.cpp - reverse-mode differentiation in the interpreter ----===//
//
// runWithGradients keeps every value of a forward run, seeds dL/d(result 0)
// from the loss, and walks the ops backwards, calling each op's backward
// rule and summing gradients of values used more than once. Quantized ops
// follow the straight-through view documented in Interpreter.h.
//
//===----------------------------------------------------------------------===//

#include "KernelSupport.h"

#include "kite/Dialect/Kite/IR/Kite.h"
#include "kite/Interpreter/Interpreter.h"
#include "kite/Numerics/ConvWindow.h"
#include "kite/Numerics/Gemm.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"

#include <array>
#include <cmath>

using namespace mlir;
using namespace kite;
using namespace kite::interp;

namespace {
/// Element k of a tensor as a double, float or integer alike.
double at(const Tensor &t, int64_t k) {
  return t.isFloat ? double(t.f[k]) : double(t.i[k]);
}

/// For every element of `out`, the index of the element of `in` (same rank,
/// size-1 dims broadcast) that feeds it. Walked as an odometer: the
/// backward pass calls this on every elementwise op's full result.
std::vector<int64_t> broadcastSources(ArrayRef<int64_t> out,
                                      ArrayRef<int64_t> in) {
  std::vector<int64_t> src(size_t(numElements(out)));
  if (out == in) {
    for (size_t k = 0; k < src.size(); ++k)
      src[k] = int64_t(k);
    return src;
  }
  SmallVector<int64_t, 4> is = stridesOf(in), coord(out.size(), 0);
  int64_t s = 0;
  for (size_t k = 0; k < src.size(); ++k) {
    src[k] = s;
    // Advance the last coordinate, carrying into earlier ones.
    for (size_t d = out.size(); d-- > 0;) {
      int64_t step = in[d] == 1 ? 0 : is[d];
      if (++coord[d] < out[d]) {
        s += step;
        break;
      }
      coord[d] = 0;
      s -= step * (out[d] - 1);
    }
  }
  return src;
}

/// Sums `g` (shaped like the result) into the shape of a broadcast operand.
Tensor reduceTo(const Tensor &g, ArrayRef<int64_t> shape) {
  Tensor r = Tensor::floats(shape);
  std::vector<int64_t> src = broadcastSources(g.shape, shape);
  for (size_t k = 0; k < src.size(); ++k)
    r.f[src[k]] += g.f[k];
  return r;
}

/// Calls fn(index) for every row of `shape` along `axis` (negative counts
/// from the end), `index(k)` being the flat index of the row's k-th element.
template <typename Fn>
void forEachRow(ArrayRef<int64_t> shape, int64_t axis, Fn fn) {
  int64_t rank = int64_t(shape.size());
  axis = axis < 0 ? axis + rank : axis;
  int64_t len = shape[axis], inner = numElements(shape.drop_front(axis + 1)),
          outer = numElements(shape.take_front(axis));
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < inner; ++i)
      fn(len, [=](int64_t k) { return size_t((o * len + k) * inner + i); });
}

/// Softmax of `x` along `axis`, in float.
Tensor softmaxRows(const Tensor &x, int64_t axis) {
  Tensor y = Tensor::floats(x.shape);
  forEachRow(x.shape, axis, [&](int64_t len, auto index) {
    double top = at(x, int64_t(index(0))), sum = 0;
    for (int64_t k = 1; k < len; ++k)
      top = std::max(top, at(x, int64_t(index(k))));
    for (int64_t k = 0; k < len; ++k)
      sum += y.f[index(k)] = float(std::exp(at(x, int64_t(index(k))) - top));
    for (int64_t k = 0; k < len; ++k)
      y.f[index(k)] = float(y.f[index(k)] / sum);
  });
  return y;
}

/// dL/dx of y = softmax(x) along `axis`, times `scale`: per row,
/// y * (gy - <gy, y>).
Tensor softmaxVjp(const Tensor &y, const Tensor &gy, int64_t axis,
                  double scale) {
  Tensor gx = Tensor::floats(y.shape);
  forEachRow(y.shape, axis, [&](int64_t len, auto index) {
    double dot = 0;
    for (int64_t k = 0; k < len; ++k)
      dot += double(gy.f[index(k)]) * y.f[index(k)];
    for (int64_t k = 0; k < len; ++k)
      gx.f[index(k)] = float(y.f[index(k)] * (gy.f[index(k)] - dot) * scale);
  });
  return gx;
}

/// Backward rule of an elementwise op: dL/da_i = g * da(x...), summed into
/// the operand's (possibly broadcast) shape.
template <typename Fn> BackwardKernel elementwiseBackward(Fn partial) {
  return [=](Operation *, ArrayRef<const Tensor *> in,
             ArrayRef<const Tensor *> res, ArrayRef<const Tensor *> g,
             MutableArrayRef<std::optional<Tensor>> grads) -> LogicalResult {
    const Tensor &y = *res[0], &gy = *g[0];
    size_t arity = std::min<size_t>(in.size(), 2);
    SmallVector<std::vector<int64_t>, 2> srcs;
    for (size_t i = 0; i < arity; ++i)
      srcs.push_back(broadcastSources(y.shape, in[i]->shape));
    for (size_t i = 0; i < arity; ++i) {
      Tensor full = Tensor::floats(y.shape);
      for (int64_t k = 0, n = y.size(); k < n; ++k) {
        double a = at(*in[0], srcs[0][k]);
        double b = arity > 1 ? at(*in[1], srcs[1][k]) : 0.0;
        full.f[k] = float(double(gy.f[k]) * partial(i, a, b, at(y, k)));
      }
      grads[i] = in[i]->shape == y.shape ? std::move(full)
                                         : reduceTo(full, in[i]->shape);
    }
    return success();
  };
}

BackwardKernel unaryBackward(double (*partial)(double x, double y)) {
  return elementwiseBackward(
      [=](size_t, double a, double, double y) { return partial(a, y); });
}

/// Whether a value's gradient can be used: a constant's flows nowhere, so
/// the MAC rules (the expensive ones) leave it out.
bool wantsGradient(Value v) {
  Operation *def = v.getDefiningOp();
  return !def || !def->hasTrait<OpTrait::ConstantLike>();
}

/// C[b] = A[b] (m x k) * B[b] (k x n): dA = g B^T, dB = A^T g (summed over
/// batches when B is shared); a null output is not computed.
void matmulBackward(const Tensor &a, const Tensor &b, const Tensor &g,
                    int64_t batches, int64_t m, int64_t k, int64_t n,
                    bool bShared, Tensor *ga, Tensor *gb) {
  for (int64_t t = 0; t < batches; ++t) {
    int64_t bb = bShared ? 0 : t;
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j) {
        double gv = g.f[(t * m + i) * n + j];
        if (gv == 0)
          continue;
        if (ga)
          for (int64_t x = 0; x < k; ++x)
            ga->f[(t * m + i) * k + x] +=
                float(gv * at(b, (bb * k + x) * n + j));
        if (gb)
          for (int64_t x = 0; x < k; ++x)
            gb->f[(bb * k + x) * n + j] +=
                float(gv * at(a, (t * m + i) * k + x));
      }
  }
}

/// matmulBackward into `grads[0]` and `grads[1]` for the operands of `op`
/// that want one.
void matmulBackwardInto(Operation *op, const Tensor &a, const Tensor &b,
                        const Tensor &g, int64_t batches, int64_t m, int64_t k,
                        int64_t n, bool bShared,
                        MutableArrayRef<std::optional<Tensor>> grads) {
  for (unsigned i = 0; i < 2; ++i)
    if (wantsGradient(op->getOperand(i)))
      grads[i] = Tensor::floats((i == 0 ? a : b).shape);
  matmulBackward(a, b, g, batches, m, k, n, bShared,
                 grads[0] ? &*grads[0] : nullptr,
                 grads[1] ? &*grads[1] : nullptr);
}

constexpr double kInvSqrtPi2 = 1.1283791670955126; // 2 / sqrt(pi)
} // namespace

//===----------------------------------------------------------------------===//
// The driver
//===----------------------------------------------------------------------===//

FailureOr<GradientRun> Interpreter::runWithGradients(func::FuncOp func,
                                                     ArrayRef<Tensor> inputs,
                                                     const Loss &loss) {
  GradientRun run;
  FailureOr<std::vector<Tensor>> outputs = runKeeping(func, inputs, run.values);
  if (failed(outputs))
    return failure();
  run.outputs = std::move(*outputs);
  if (run.outputs.empty())
    return func.emitError("a gradient run needs a function result");
  const Tensor &y = run.outputs[0];
  Tensor seed = Tensor::floats(y.shape);
  // A loss row by row (rows first, the rest of the result a row): the mean
  // of the rows' losses, each row's gradient / rows the seed.
  auto perRow = [&](auto rowLoss) {
    int64_t rows = y.shape[0], classes = y.size() / rows;
    std::vector<double> gradient(static_cast<size_t>(classes));
    for (int64_t r = 0; r < rows; ++r) {
      run.loss += rowLoss(r, classes, gradient.data()) / double(rows);
      for (int64_t c = 0; c < classes; ++c)
        seed.f[r * classes + c] = float(gradient[size_t(c)] / double(rows));
    }
  };
  if (loss.kind == Loss::Kind::CrossEntropy) {
    if (y.shape.size() != 2 || loss.target.size() != y.shape[0])
      return func.emitError("cross-entropy needs [rows, classes] logits and "
                            "one label per row");
    for (int64_t r = 0; r < y.shape[0]; ++r)
      if (int64_t label = int64_t(at(loss.target, r));
          label < 0 || label >= y.shape[1])
        return func.emitError() << "label " << label << " is out of range";
    perRow([&](int64_t r, int64_t classes, double *gradient) {
      return crossEntropyRow(y, r, classes, int64_t(at(loss.target, r)),
                             gradient);
    });
  } else if (loss.kind == Loss::Kind::KL) {
    if (y.shape.size() != 2 || loss.target.shape != y.shape ||
        !loss.target.isFloat)
      return func.emitError("KL divergence needs [rows, classes] logits and "
                            "float reference logits of that shape");
    perRow([&](int64_t r, int64_t classes, double *gradient) {
      return klDivergenceRow(y, r, classes, &loss.target.f[r * classes],
                             gradient);
    });
  } else if (loss.kind == Loss::Kind::Cosine) {
    if (y.shape.empty() || y.shape[0] < 1 || loss.target.size() != y.size() ||
        !loss.target.isFloat)
      return func.emitError("the cosine distance needs rows and float "
                            "reference values of the result's size");
    perRow([&](int64_t r, int64_t width, double *gradient) {
      return cosineDistanceRow(y, r, width, &loss.target.f[r * width],
                               gradient);
    });
  } else {
    if (loss.target.size() != y.size())
      return func.emitError("the MSE reference must have the result's size");
    double n = double(y.size());
    for (int64_t k = 0; k < y.size(); ++k) {
      double d = at(y, k) - at(loss.target, k);
      run.loss += d * d / n;
      seed.f[k] = float(2 * d / n);
    }
  }

  if (failed(gradientsFrom(func, run.values, std::move(seed), run.grads)))
    return failure();
  return run;
}

LogicalResult Interpreter::gradientsFrom(func::FuncOp func,
                                         const DenseMap<Value, Tensor> &values,
                                         Tensor seed,
                                         DenseMap<Value, Tensor> &grads) {
  Block &body = func.getBody().front();
  auto ret = cast<func::ReturnOp>(body.getTerminator());
  // A value the forward run did not keep reads as empty, as before.
  static const Tensor none;
  auto valueOf = [&](Value v) -> const Tensor & {
    auto it = values.find(v);
    return it == values.end() ? none : it->second;
  };
  if (ret.getNumOperands() == 0 ||
      seed.shape != valueOf(ret.getOperand(0)).shape)
    return func.emitError("a gradient seed must have the result's shape");
  grads[ret.getOperand(0)] = std::move(seed);
  for (Operation &op : llvm::reverse(body.without_terminator())) {
    SmallVector<const Tensor *> resultGrads;
    bool any = false;
    std::vector<Tensor> zeros;
    zeros.reserve(op.getNumResults());
    for (Value r : op.getResults()) {
      auto it = grads.find(r);
      if (it != grads.end()) {
        resultGrads.push_back(&it->second);
        any = true;
      } else {
        zeros.push_back(Tensor::floats(valueOf(r).shape));
        resultGrads.push_back(&zeros.back());
      }
    }
    if (!any || op.getNumOperands() == 0)
      continue;
    auto rule = backward.find(op.getName().getStringRef());
    if (rule == backward.end())
      return op.emitOpError("has no backward rule, but the loss depends on it");
    SmallVector<const Tensor *> operands, results;
    for (Value v : op.getOperands())
      operands.push_back(&valueOf(v));
    for (Value v : op.getResults())
      results.push_back(&valueOf(v));
    SmallVector<std::optional<Tensor>> operandGrads(op.getNumOperands());
    if (failed(rule->second(&op, operands, results, resultGrads, operandGrads)))
      return failure();
    for (auto [v, g] : llvm::zip(op.getOperands(), operandGrads)) {
      if (!g)
        continue;
      auto [it, inserted] = grads.try_emplace(v, std::move(*g));
      if (!inserted)
        for (int64_t k = 0, n = it->second.size(); k < n; ++k)
          it->second.f[k] += g->f[k];
    }
  }
  return success();
}

//===----------------------------------------------------------------------===//
// TOSA
//===----------------------------------------------------------------------===//

void kite::interp::registerTosaBackward(Interpreter &interp) {
  interp.registerBackward(
      "tosa.add",
      elementwiseBackward([](size_t, double, double, double) { return 1.0; }));
  interp.registerBackward(
      "tosa.sub", elementwiseBackward([](size_t i, double, double, double) {
        return i ? -1.0 : 1.0;
      }));
  interp.registerBackward(
      "tosa.mul", elementwiseBackward([](size_t i, double a, double b, double) {
        return i ? a : b;
      }));
  interp.registerBackward(
      "tosa.maximum",
      elementwiseBackward([](size_t i, double a, double b, double) {
        return (i == 0) == (a >= b) ? 1.0 : 0.0;
      }));
  interp.registerBackward(
      "tosa.minimum",
      elementwiseBackward([](size_t i, double a, double b, double) {
        return (i == 0) == (a <= b) ? 1.0 : 0.0;
      }));
  interp.registerBackward(
      "tosa.pow",
      elementwiseBackward([](size_t i, double a, double b, double y) {
        return i == 0 ? b * std::pow(a, b - 1)
                      : (a > 0 ? y * std::log(a) : 0.0);
      }));
  interp.registerBackward("tosa.exp",
                          unaryBackward([](double, double y) { return y; }));
  interp.registerBackward(
      "tosa.log", unaryBackward([](double x, double) { return 1 / x; }));
  interp.registerBackward("tosa.erf", unaryBackward([](double x, double) {
                            return kInvSqrtPi2 * std::exp(-x * x);
                          }));
  interp.registerBackward(
      "tosa.tanh", unaryBackward([](double, double y) { return 1 - y * y; }));
  interp.registerBackward("tosa.sigmoid", unaryBackward([](double, double y) {
                            return y * (1 - y);
                          }));
  interp.registerBackward(
      "tosa.reciprocal",
      unaryBackward([](double, double y) { return -y * y; }));
  interp.registerBackward("tosa.rsqrt", unaryBackward([](double, double y) {
                            return -0.5 * y * y * y;
                          }));
  interp.registerBackward("tosa.abs", unaryBackward([](double x, double) {
                            return x > 0 ? 1.0 : x < 0 ? -1.0 : 0.0;
                          }));
  interp.registerBackward(
      "tosa.negate", [](Operation *, ArrayRef<const Tensor *> in,
                        ArrayRef<const Tensor *>, ArrayRef<const Tensor *> g,
                        MutableArrayRef<std::optional<Tensor>> grads) {
        Tensor r = *g[0];
        for (float &v : r.f)
          v = -v;
        grads[0] = std::move(r);
        return success();
      });
  interp.registerBackward(
      "tosa.clamp", [](Operation *op, ArrayRef<const Tensor *> in,
                       ArrayRef<const Tensor *> res, ArrayRef<const Tensor *> g,
                       MutableArrayRef<std::optional<Tensor>> grads) {
        // Gradient passes where the clamp is not active.
        Tensor r = Tensor::floats(in[0]->shape);
        for (int64_t k = 0, n = r.size(); k < n; ++k)
          r.f[k] = at(*in[0], k) == at(*res[0], k) ? g[0]->f[k] : 0.0f;
        grads[0] = std::move(r);
        return success();
      });
  auto passThrough = [](Operation *, ArrayRef<const Tensor *> in,
                        ArrayRef<const Tensor *>, ArrayRef<const Tensor *> g,
                        MutableArrayRef<std::optional<Tensor>> grads) {
    Tensor r = *g[0];
    r.shape = in[0]->shape;
    grads[0] = std::move(r);
    return success();
  };
  interp.registerBackward("tosa.reshape", passThrough);
  interp.registerBackward("tosa.identity", passThrough);
  interp.registerBackward("tosa.cast", passThrough);
  interp.registerBackward("tosa.reduce_sum",
                          [](Operation *, ArrayRef<const Tensor *> in,
                             ArrayRef<const Tensor *> res,
                             ArrayRef<const Tensor *> g,
                             MutableArrayRef<std::optional<Tensor>> grads) {
                            Tensor r = Tensor::floats(in[0]->shape);
                            std::vector<int64_t> src =
                                broadcastSources(in[0]->shape, res[0]->shape);
                            for (int64_t k = 0, n = r.size(); k < n; ++k)
                              r.f[k] = g[0]->f[src[k]];
                            grads[0] = std::move(r);
                            return success();
                          });
  interp.registerBackward(
      "tosa.reduce_max",
      [](Operation *, ArrayRef<const Tensor *> in, ArrayRef<const Tensor *> res,
         ArrayRef<const Tensor *> g,
         MutableArrayRef<std::optional<Tensor>> grads) {
        // To the first maximum of each reduced slice.
        Tensor r = Tensor::floats(in[0]->shape);
        std::vector<int64_t> src =
            broadcastSources(in[0]->shape, res[0]->shape);
        std::vector<bool> taken(size_t(res[0]->size()), false);
        for (int64_t k = 0, n = r.size(); k < n; ++k)
          if (!taken[src[k]] && at(*in[0], k) == at(*res[0], src[k])) {
            taken[src[k]] = true;
            r.f[k] = g[0]->f[src[k]];
          }
        grads[0] = std::move(r);
        return success();
      });
  interp.registerBackward(
      "tosa.transpose", [](Operation *op, ArrayRef<const Tensor *> in,
                           ArrayRef<const Tensor *>, ArrayRef<const Tensor *> g,
                           MutableArrayRef<std::optional<Tensor>> grads) {
        ArrayRef<int32_t> perms = cast<tosa::TransposeOp>(op).getPerms();
        const Tensor &x = *in[0];
        SmallVector<int64_t, 4> xs = stridesOf(x.shape), outShape, gs;
        for (int32_t p : perms)
          outShape.push_back(x.shape[p]);
        gs = stridesOf(outShape);
        Tensor r = Tensor::floats(x.shape);
        for (int64_t k = 0, n = r.size(); k < n; ++k) {
          int64_t rem = k, src = 0;
          for (size_t d = 0; d < outShape.size(); ++d) {
            int64_t c = rem / gs[d];
            rem %= gs[d];
            src += c * xs[perms[d]];
          }
          r.f[src] = g[0]->f[k];
        }
        grads[0] = std::move(r);
        return success();
      });
  interp.registerBackward(
      "tosa.slice", [](Operation *, ArrayRef<const Tensor *> in,
                       ArrayRef<const Tensor *> res, ArrayRef<const Tensor *> g,
                       MutableArrayRef<std::optional<Tensor>> grads) {
        const Tensor &x = *in[0];
        SmallVector<int64_t, 4> xs = stridesOf(x.shape),
                                os = stridesOf(res[0]->shape);
        Tensor r = Tensor::floats(x.shape);
        for (int64_t k = 0, n = res[0]->size(); k < n; ++k) {
          int64_t rem = k, dst = 0;
          for (size_t d = 0; d < x.shape.size(); ++d) {
            dst += (rem / os[d] + in[1]->i[d]) * xs[d];
            rem %= os[d];
          }
          r.f[dst] = g[0]->f[k];
        }
        grads[0] = std::move(r);
        return success();
      });
  interp.registerBackward(
      "tosa.pad", [](Operation *, ArrayRef<const Tensor *> in,
                     ArrayRef<const Tensor *> res, ArrayRef<const Tensor *> g,
                     MutableArrayRef<std::optional<Tensor>> grads) {
        const Tensor &x = *in[0];
        SmallVector<int64_t, 4> xs = stridesOf(x.shape),
                                os = stridesOf(res[0]->shape);
        Tensor r = Tensor::floats(x.shape);
        for (int64_t k = 0, n = r.size(); k < n; ++k) {
          int64_t rem = k, src = 0;
          for (size_t d = 0; d < x.shape.size(); ++d) {
            src += (rem / xs[d] + in[1]->i[2 * d]) * os[d];
            rem %= xs[d];
          }
          r.f[k] = g[0]->f[src];
        }
        grads[0] = std::move(r);
        return success();
      });
  interp.registerBackward(
      "tosa.concat",
      [](Operation *op, ArrayRef<const Tensor *> in,
         ArrayRef<const Tensor *> res, ArrayRef<const Tensor *> g,
         MutableArrayRef<std::optional<Tensor>> grads) {
        int64_t axis = cast<IntegerAttr>(op->getAttr("axis")).getInt();
        ArrayRef<int64_t> shape = res[0]->shape;
        int64_t outer = numElements(shape.take_front(axis)),
                inner = numElements(shape.drop_front(axis + 1));
        int64_t offset = 0;
        for (size_t i = 0; i < in.size(); ++i) {
          int64_t len = in[i]->shape[axis];
          Tensor r = Tensor::floats(in[i]->shape);
          for (int64_t o = 0; o < outer; ++o)
            for (int64_t k = 0; k < len * inner; ++k)
              r.f[o * len * inner + k] =
                  g[0]->f[(o * shape[axis] + offset) * inner + k];
          offset += len;
          grads[i] = std::move(r);
        }
        return success();
      });
  interp.registerBackward(
      "tosa.gather", [](Operation *, ArrayRef<const Tensor *> in,
                        ArrayRef<const Tensor *>, ArrayRef<const Tensor *> g,
                        MutableArrayRef<std::optional<Tensor>> grads) {
        const Tensor &values = *in[0], &idx = *in[1];
        int64_t n = values.shape[0], k = values.shape[1], c = values.shape[2],
                w = idx.shape[1];
        Tensor r = Tensor::floats(values.shape);
        for (int64_t b = 0; b < n; ++b)
          for (int64_t j = 0; j < w; ++j)
            for (int64_t ch = 0; ch < c; ++ch)
              r.f[(b * k + idx.i[b * w + j]) * c + ch] +=
                  g[0]->f[(b * w + j) * c + ch];
        grads[0] = std::move(r);
        return success();
      });
  interp.registerBackward(
      "tosa.matmul", [](Operation *op, ArrayRef<const Tensor *> in,
                        ArrayRef<const Tensor *>, ArrayRef<const Tensor *> g,
                        MutableArrayRef<std::optional<Tensor>> grads) {
        const Tensor &a = *in[0], &b = *in[1];
        matmulBackwardInto(op, a, b, *g[0], a.shape[0], a.shape[1], a.shape[2],
                           b.shape[2], false, grads);
        return success();
      });
  interp.registerBackward(
      "tosa.conv2d",
      [](Operation *op, ArrayRef<const Tensor *> in,
         ArrayRef<const Tensor *> res, ArrayRef<const Tensor *> g,
         MutableArrayRef<std::optional<Tensor>> grads) {
        auto conv = cast<tosa::Conv2DOp>(op);
        const Tensor &x = *in[0], &w = *in[1], &gy = *g[0];
        ArrayRef<int64_t> pad = conv.getPad(), stride = conv.getStride(),
                          dil = conv.getDilation();
        int64_t n = x.shape[0], ih = x.shape[1], iw = x.shape[2],
                c = x.shape[3];
        int64_t oc = w.shape[0], kh = w.shape[1], kw = w.shape[2];
        int64_t oh = res[0]->shape[1], ow = res[0]->shape[2];
        numerics::ConvWindow window =
            tosaConvWindow(pad, stride, dil, ih, iw, kh, kw, oh, ow);
        bool wantW = wantsGradient(conv.getWeight());
        Tensor gx = Tensor::floats(x.shape),
               gw = wantW ? Tensor::floats(w.shape) : Tensor(),
               gb = Tensor::floats(in[2]->shape);
        for (int64_t b = 0; b < n; ++b)
          for (int64_t y = 0; y < oh; ++y)
            for (int64_t xo = 0; xo < ow; ++xo)
              for (int64_t o = 0; o < oc; ++o) {
                float gv = gy.f[((b * oh + y) * ow + xo) * oc + o];
                gb.f[gb.size() == 1 ? 0 : o] += gv;
                for (int64_t ky = 0; ky < kh; ++ky)
                  for (int64_t kx = 0; kx < kw; ++kx) {
                    int64_t iy, ix;
                    if (!window.source(y, xo, ky, kx, iy, ix))
                      continue;
                    for (int64_t ch = 0; ch < c; ++ch) {
                      int64_t xi = ((b * ih + iy) * iw + ix) * c + ch,
                              wi = ((o * kh + ky) * kw + kx) * c + ch;
                      gx.f[xi] += gv * w.f[wi];
                      if (wantW)
                        gw.f[wi] += gv * x.f[xi];
                    }
                  }
              }
        grads[0] = std::move(gx);
        if (wantW)
          grads[1] = std::move(gw);
        grads[2] = std::move(gb);
        return success();
      });
  auto poolBackward = [](bool isMax) -> BackwardKernel {
    return [isMax](Operation *op, ArrayRef<const Tensor *> in,
                   ArrayRef<const Tensor *> res, ArrayRef<const Tensor *> g,
                   MutableArrayRef<std::optional<Tensor>> grads) {
      auto i64s = [&](StringRef name) {
        return cast<DenseI64ArrayAttr>(op->getAttr(name)).asArrayRef();
      };
      ArrayRef<int64_t> kernel = i64s("kernel"), stride = i64s("stride"),
                        pad = i64s("pad");
      const Tensor &x = *in[0];
      int64_t n = x.shape[0], ih = x.shape[1], iw = x.shape[2], c = x.shape[3];
      int64_t oh = res[0]->shape[1], ow = res[0]->shape[2];
      Tensor gx = Tensor::floats(x.shape);
      for (int64_t b = 0; b < n; ++b)
        for (int64_t y = 0; y < oh; ++y)
          for (int64_t xo = 0; xo < ow; ++xo)
            for (int64_t ch = 0; ch < c; ++ch) {
              int64_t outIdx = ((b * oh + y) * ow + xo) * c + ch;
              SmallVector<int64_t, 16> window;
              for (int64_t ky = 0; ky < kernel[0]; ++ky)
                for (int64_t kx = 0; kx < kernel[1]; ++kx) {
                  int64_t iy = y * stride[0] + ky - pad[0],
                          ix = xo * stride[1] + kx - pad[2];
                  if (iy >= 0 && iy < ih && ix >= 0 && ix < iw)
                    window.push_back(((b * ih + iy) * iw + ix) * c + ch);
                }
              if (window.empty())
                continue;
              if (isMax) {
                // The first input equal to the maximum (float values or
                // integer codes) takes the gradient.
                auto isMaximum = [&](int64_t k) {
                  return x.isFloat ? x.f[k] == res[0]->f[outIdx]
                                   : x.i[k] == res[0]->i[outIdx];
                };
                for (int64_t k : window)
                  if (isMaximum(k)) {
                    gx.f[k] += g[0]->f[outIdx];
                    break;
                  }
              } else {
                for (int64_t k : window)
                  gx.f[k] += g[0]->f[outIdx] / float(window.size());
              }
            }
      grads[0] = std::move(gx);
      return success();
    };
  };
  interp.registerBackward("tosa.max_pool2d", poolBackward(true));
  interp.registerBackward("tosa.avg_pool2d", poolBackward(false));
}

//===----------------------------------------------------------------------===//
// kite
//===----------------------------------------------------------------------===//

void kite::interp::registerKiteBackward(Interpreter &interp) {
  interp.registerBackward(
      "kite.matmul",
      [](Operation *o, ArrayRef<const Tensor *> in, ArrayRef<const Tensor *>,
         ArrayRef<const Tensor *> g,
         MutableArrayRef<std::optional<Tensor>> grads) -> LogicalResult {
        auto op = cast<MatmulOp>(o);
        if (op.getLhsSparsity() || op.getRhsSparsity() || op.getMultiplier() ||
            isa<LPType>(op.getLhs().getType().getElementType()))
          return op.emitOpError("backward rule covers float and exact-integer "
                                "products without sparsity only");
        const Tensor &a = *in[0], &b = *in[1];
        ArrayRef<int64_t> as = a.shape;
        int64_t m = as[as.size() - 2], k = as.back(), n = b.shape.back();
        matmulBackwardInto(op, a, b, *g[0], numElements(as.drop_back(2)), m, k,
                           n, b.shape.size() == 2, grads);
        if (op.getAcc())
          grads[2] = *g[0];
        return success();
      });
  interp.registerBackward(
      "kite.conv2d",
      [](Operation *o, ArrayRef<const Tensor *> in,
         ArrayRef<const Tensor *> res, ArrayRef<const Tensor *> g,
         MutableArrayRef<std::optional<Tensor>> grads) -> LogicalResult {
        auto op = cast<Conv2DOp>(o);
        if (op.getInputSparsity() || op.getFilterSparsity() ||
            op.getMultiplier() ||
            isa<LPType>(op.getInput().getType().getElementType()))
          return op.emitOpError("backward rule covers float and exact-integer "
                                "products without sparsity only");
        const Tensor &x = *in[0], &w = *in[1], &gy = *g[0];
        int64_t n = x.shape[0], c = x.shape[1], ih = x.shape[2],
                iw = x.shape[3];
        int64_t f = w.shape[0], cg = w.shape[1], kh = w.shape[2],
                kw = w.shape[3];
        int64_t oh = res[0]->shape[2], ow = res[0]->shape[3];
        int64_t groups = op.getGroups(), fg = f / groups;
        ArrayRef<int64_t> stride = op.getStrides(), pad = op.getPads(),
                          dil = op.getDilations();
        numerics::ConvWindow window{ih,        iw,        kh,     kw,
                                    stride[0], stride[1], pad[0], pad[1],
                                    dil[0],    dil[1],    oh,     ow};
        bool wantW = wantsGradient(op.getFilter());
        Tensor gx = Tensor::floats(x.shape),
               gw = wantW ? Tensor::floats(w.shape) : Tensor();
        // Per image and group, as GEMMs over im2colTransposed's layout:
        // d input = col2im(filter^T x d output), d filter = d output x
        // columns^T.
        int64_t ck = cg * kh * kw, positions = oh * ow, plane = ih * iw;
        std::vector<float> filter(size_t(fg * ck)),
            columns(size_t(ck * positions)), image;
        for (int64_t g = 0; g < groups; ++g) {
          for (int64_t j = 0; j < fg * ck; ++j)
            filter[size_t(j)] = float(at(w, g * fg * ck + j));
          for (int64_t b = 0; b < n; ++b) {
            const float *dy = &gy.f[size_t((b * f + g * fg) * positions)];
            int64_t first = (b * c + g * cg) * plane;
            numerics::gemm(ck, positions, fg, {filter.data(), ck, true},
                           {dy, positions}, columns.data(), positions);
            window.addColumnsTransposed(columns.data(), cg, &gx.f[first]);
            if (!wantW)
              continue;
            image.resize(size_t(cg * plane));
            for (int64_t j = 0; j < cg * plane; ++j)
              image[size_t(j)] = float(at(x, first + j));
            window.im2colTransposed(image.data(), cg, columns.data());
            numerics::gemm(fg, ck, positions, {dy, positions},
                           {columns.data(), positions, true},
                           &gw.f[size_t(g * fg * ck)], ck,
                           /*accumulate=*/b > 0);
          }
        }
        grads[0] = std::move(gx);
        if (wantW)
          grads[1] = std::move(gw);
        if (op.getBias()) {
          Tensor gb = Tensor::floats(in[2]->shape);
          for (int64_t k = 0, total = gy.size(); k < total; ++k)
            gb.f[(k / (oh * ow)) % f] += gy.f[k];
          grads[2] = std::move(gb);
        }
        if (op.getAcc())
          grads[op.getBias() ? 3 : 2] = gy;
        return success();
      });
  interp.registerBackward(
      "kite.softmax",
      [](Operation *o, ArrayRef<const Tensor *>, ArrayRef<const Tensor *> res,
         ArrayRef<const Tensor *> g,
         MutableArrayRef<std::optional<Tensor>> grads) {
        grads[0] =
            softmaxVjp(*res[0], *g[0], cast<SoftmaxOp>(o).getAxis(), 1.0);
        return success();
      });
  // Straight through: the LUT unit's gradient is the exact softmax's at its
  // real input (codes x input_scale), with outputs in units of
  // 1 / (2^out_bits - 1).
  interp.registerBackward(
      "kite.lut_softmax",
      [](Operation *o, ArrayRef<const Tensor *> in, ArrayRef<const Tensor *>,
         ArrayRef<const Tensor *> g,
         MutableArrayRef<std::optional<Tensor>> grads) {
        auto op = cast<LutSoftmaxOp>(o);
        const Tensor &x = *in[0];
        double scale = op.getInputScale().convertToDouble();
        Tensor real = Tensor::floats(x.shape);
        for (int64_t k = 0, n = real.size(); k < n; ++k)
          real.f[size_t(k)] = float(at(x, k) * scale);
        Tensor y = softmaxRows(real, op.getAxis());
        Tensor gy = *g[0];
        double unit = double((int64_t(1) << op.getOutBits()) - 1);
        for (float &v : gy.f)
          v = float(v * unit);
        grads[0] = softmaxVjp(y, gy, op.getAxis(), scale);
        return success();
      });
  interp.registerBackward(
      "kite.layer_norm",
      [](Operation *o, ArrayRef<const Tensor *> in, ArrayRef<const Tensor *>,
         ArrayRef<const Tensor *> g,
         MutableArrayRef<std::optional<Tensor>> grads) {
        auto op = cast<LayerNormOp>(o);
        const Tensor &x = *in[0], &gy = *g[0];
        const Tensor *scale = op.getScale() ? in[1] : nullptr;
        int64_t len = numElements(
            ArrayRef<int64_t>(x.shape).drop_front(op.getNormalizedAxis()));
        double eps = op.getEpsilon().convertToDouble();
        Tensor gx = Tensor::floats(x.shape);
        Tensor gs = Tensor::floats({len}), gb = Tensor::floats({len});
        std::vector<double> xhat(static_cast<size_t>(len)),
            gxhat(static_cast<size_t>(len));
        for (int64_t base = 0, n = x.size(); base < n; base += len) {
          double mean = 0, var = 0;
          for (int64_t k = 0; k < len; ++k)
            mean += x.f[base + k];
          mean /= double(len);
          for (int64_t k = 0; k < len; ++k)
            var += (x.f[base + k] - mean) * (x.f[base + k] - mean);
          var /= double(len);
          double inv = 1 / std::sqrt(var + eps), sumG = 0, sumGX = 0;
          for (int64_t k = 0; k < len; ++k) {
            xhat[k] = (x.f[base + k] - mean) * inv;
            gxhat[k] = gy.f[base + k] * (scale ? scale->f[k] : 1.0);
            gs.f[k] += float(gy.f[base + k] * xhat[k]);
            gb.f[k] += gy.f[base + k];
            sumG += gxhat[k];
            sumGX += gxhat[k] * xhat[k];
          }
          for (int64_t k = 0; k < len; ++k)
            gx.f[base + k] =
                float(inv * (gxhat[k] - sumG / len - xhat[k] * sumGX / len));
        }
        grads[0] = std::move(gx);
        size_t next = 1;
        if (op.getScale()) {
          gs.shape = in[next]->shape;
          grads[next++] = std::move(gs);
        }
        if (op.getBias()) {
          gb.shape = in[next]->shape;
          grads[next] = std::move(gb);
        }
        return success();
      });
  interp.registerBackward(
      "kite.gelu", [](Operation *o, ArrayRef<const Tensor *> in,
                      ArrayRef<const Tensor *>, ArrayRef<const Tensor *> g,
                      MutableArrayRef<std::optional<Tensor>> grads) {
        bool tanhForm =
            cast<GeluOp>(o).getApproximation() == GeluApproximation::Tanh;
        const Tensor &x = *in[0];
        Tensor gx = Tensor::floats(x.shape);
        const double c = std::sqrt(2 / M_PI);
        for (int64_t k = 0, n = x.size(); k < n; ++k) {
          double v = x.f[k], d;
          if (tanhForm) {
            double u = c * (v + 0.044715 * v * v * v), t = std::tanh(u);
            d = 0.5 * (1 + t) +
                0.5 * v * (1 - t * t) * c * (1 + 3 * 0.044715 * v * v);
          } else {
            d = 0.5 * (1 + std::erf(v / M_SQRT2)) +
                v * std::exp(-0.5 * v * v) / std::sqrt(2 * M_PI);
          }
          gx.f[k] = float(g[0]->f[k] * d);
        }
        grads[0] = std::move(gx);
        return success();
      });
  // Straight through: an integer tensor's gradient is with respect to its
  // integer values (so quantize scales by 1/scale and dequantize by scale),
  // an LP tensor's with respect to its real value. Clamped values pass none.
  interp.registerBackward(
      "kite.quantize",
      [](Operation *o, ArrayRef<const Tensor *> in,
         ArrayRef<const Tensor *> res, ArrayRef<const Tensor *> g,
         MutableArrayRef<std::optional<Tensor>> grads) {
        auto op = cast<QuantizeOp>(o);
        Tensor gx = Tensor::floats(in[0]->shape);
        if (!op.getFormatAttr()) {
          gx.f = g[0]->f;
        } else {
          QuantParamsAt params = op.getQuantParams();
          int64_t lo = op.getFormatAttr().getMin(),
                  hi = op.getFormatAttr().getMax();
          for (int64_t k = 0, n = gx.size(); k < n; ++k) {
            double scale = params(k).first;
            int64_t q = res[0]->i[k];
            bool clamped =
                (q == lo || q == hi) &&
                std::fabs(in[0]->f[k] / scale) > double(std::max(-lo, hi));
            gx.f[k] = clamped ? 0.0f : float(g[0]->f[k] / scale);
          }
        }
        grads[0] = std::move(gx);
        return success();
      });
  // The table's slope in output codes per input code, a central difference
  // (one-sided at the ends): the derivative of the function it tabulates,
  // as the quantizations around it pass theirs straight through.
  interp.registerBackward(
      "kite.lut", [](Operation *o, ArrayRef<const Tensor *> in,
                     ArrayRef<const Tensor *>, ArrayRef<const Tensor *> g,
                     MutableArrayRef<std::optional<Tensor>> grads) {
        auto table = cast<LutOp>(o).getTable().getValues<int8_t>();
        std::array<float, 256> slope;
        for (int c = 0; c < 256; ++c) {
          int lo = std::max(c - 1, 0), hi = std::min(c + 1, 255);
          slope[size_t(c)] =
              float(int(table[size_t(hi)]) - int(table[size_t(lo)])) /
              float(hi - lo);
        }
        Tensor gx = Tensor::floats(in[0]->shape);
        for (int64_t k = 0, n = gx.size(); k < n; ++k)
          gx.f[k] = g[0]->f[k] * slope[size_t(in[0]->i[k] + 128)];
        grads[0] = std::move(gx);
        return success();
      });
  // The codes stand for the same values on both sides.
  interp.registerBackward(
      "kite.bitcast", [](Operation *, ArrayRef<const Tensor *>,
                         ArrayRef<const Tensor *>, ArrayRef<const Tensor *> g,
                         MutableArrayRef<std::optional<Tensor>> grads) {
        grads[0] = *g[0];
        return success();
      });
  interp.registerBackward("kite.dequantize",
                          [](Operation *o, ArrayRef<const Tensor *> in,
                             ArrayRef<const Tensor *>,
                             ArrayRef<const Tensor *> g,
                             MutableArrayRef<std::optional<Tensor>> grads) {
                            auto op = cast<DequantizeOp>(o);
                            Tensor gq = Tensor::floats(in[0]->shape);
                            if (!op.getScale()) {
                              gq.f = g[0]->f;
                            } else {
                              QuantParamsAt params = op.getQuantParams();
                              for (int64_t k = 0, n = gq.size(); k < n; ++k)
                                gq.f[k] = float(g[0]->f[k] * params(k).first);
                            }
                            grads[0] = std::move(gq);
                            return success();
                          });
}
