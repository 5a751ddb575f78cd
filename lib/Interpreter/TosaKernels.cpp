//===- TosaKernels.cpp - reference semantics of TOSA elementwise ops ------===//
//
// The subset of TOSA that Kite imports and that torch-mlir/IREE emit for
// the supported models, following the TOSA 1.0 specification's pseudo-code:
// elementwise arithmetic, comparisons and logic, reductions and argmax.
// Float ops compute in f32; integer results wrap to their width; booleans
// (i1) are 0 and 1. Data movement and the MAC/window ops are in their own
// files.
//
//===----------------------------------------------------------------------===//

#include "KernelSupport.h"
#include "kite/Numerics/Binary.h"
#include "kite/Numerics/IntQuant.h"
#include "kite/Numerics/Reduce.h"
#include "kite/Numerics/Unary.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace kite::interp;
namespace numerics = kite::numerics;

namespace {

/// A binary function as a type, for kernels specialised on it.
template <numerics::BinaryFn F>
using Fn = std::integral_constant<numerics::BinaryFn, F>;

/// The result shape of an elementwise op and a walk over its first `arity`
/// operands broadcast to it.
FailureOr<SmallVector<int64_t, 4>> prepare(Operation *op,
                                           ArrayRef<const Tensor *> in,
                                           size_t arity, BroadcastWalk &walk) {
  FailureOr<SmallVector<int64_t, 4>> shape = resultShape(op);
  if (failed(shape))
    return failure();
  if (!walk.init(*shape, in.take_front(arity)))
    return op->emitOpError("operand shapes do not broadcast to the result");
  return shape;
}

/// Elementwise op on float or integer operands of one kind (the first
/// operand's); the result has that kind.
template <typename FloatFn, typename IntFn>
LogicalResult elementwise(Operation *op, ArrayRef<const Tensor *> in,
                          SmallVectorImpl<Tensor> &out, FloatFn ff, IntFn fi,
                          size_t arity) {
  BroadcastWalk walk;
  FailureOr<SmallVector<int64_t, 4>> shape = prepare(op, in, arity, walk);
  if (failed(shape))
    return failure();
  bool isFloat = in[0]->isFloat;
  // In place (Interpreter::allowInPlace): the first operand is the result.
  bool inPlace = givenInPlace(in, out);
  Tensor r = inPlace   ? takeInPlace(out, *shape)
             : isFloat ? Tensor::floats(*shape)
                       : Tensor::ints(*shape);
  const Tensor &first = inPlace ? r : *in[0];
  unsigned width = resultIntWidth(op);
  // Operands of the result's size (no broadcast: they are read in the
  // result's order) or single values, over the whole tensor at once: rows
  // of 2 to 8 elements left the row loop's bookkeeping as the cost.
  int64_t count = r.size();
  const Tensor *second = arity > 1 ? in[1] : nullptr;
  if (isFloat && first.size() == count &&
      (!second || second->size() == count || second->size() == 1)) {
    const float *a = first.f.data();
    float *dst = r.f.data();
    if (second && second->size() == count) {
      const float *b = second->f.data();
      for (int64_t j = 0; j < count; ++j)
        dst[j] = ff(a[j], b[j]);
    } else {
      float bv = second ? second->f[0] : 0.0f;
      for (int64_t j = 0; j < count; ++j)
        dst[j] = ff(a[j], bv);
    }
    out.push_back(std::move(r));
    return success();
  }
  // Otherwise a row of the innermost dimension at a time: each operand
  // moves by its own stride along it (0 when broadcast).
  int64_t inner = shape->empty() ? 1 : shape->back();
  int64_t sa = walk.innerStride(0), sb = arity > 1 ? walk.innerStride(1) : 0;
  for (int64_t row = 0, n = r.size(); row < n && inner > 0;
       row += inner, walk.nextRow()) {
    int64_t a0 = walk.offset(0), b0 = arity > 1 ? walk.offset(1) : 0;
    if (isFloat) {
      const float *a = first.f.data() + a0;
      const float *b = arity > 1 ? in[1]->f.data() + b0 : nullptr;
      float *dst = r.f.data() + row;
      // The common layouts get loops the compiler can vectorise.
      if (b && sa == 1 && sb == 1)
        for (int64_t j = 0; j < inner; ++j)
          dst[j] = ff(a[j], b[j]);
      else if (float bv = b ? b[0] : 0.0f; sa == 1 && sb == 0)
        for (int64_t j = 0; j < inner; ++j)
          dst[j] = ff(a[j], bv);
      else
        for (int64_t j = 0; j < inner; ++j)
          dst[j] = ff(a[j * sa], b ? b[j * sb] : 0.0f);
    } else {
      const int64_t *a = first.i.data() + a0;
      const int64_t *b = arity > 1 ? in[1]->i.data() + b0 : nullptr;
      int64_t *dst = r.i.data() + row;
      for (int64_t j = 0; j < inner; ++j)
        dst[j] = wrap(fi(a[j * sa], b ? b[j * sb] : 0), width);
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

/// A comparison: a boolean (i1) result from two float or two integer
/// operands.
Kernel compare(numerics::CompareFn fn) {
  return [=](Operation *op, ArrayRef<const Tensor *> in,
             SmallVectorImpl<Tensor> &out) -> LogicalResult {
    if (in[0]->isFloat != in[1]->isFloat)
      return op->emitOpError("operands must both be float or both integer");
    BroadcastWalk walk;
    FailureOr<SmallVector<int64_t, 4>> shape = prepare(op, in, 2, walk);
    if (failed(shape))
      return failure();
    Tensor r = Tensor::ints(*shape);
    for (int64_t idx = 0, n = r.size(); idx < n; ++idx, walk.next())
      r.i[idx] = in[0]->isFloat
                     ? numerics::applyCompare(fn, in[0]->f[walk.offset(0)],
                                              in[1]->f[walk.offset(1)])
                     : numerics::applyCompare(fn, in[0]->i[walk.offset(0)],
                                              in[1]->i[walk.offset(1)]);
    out.push_back(std::move(r));
    return success();
  };
}

/// A logical op on booleans (any non-zero integer is true).
template <typename Fn> Kernel logical(Fn fn, size_t arity) {
  return [=](Operation *op, ArrayRef<const Tensor *> in,
             SmallVectorImpl<Tensor> &out) -> LogicalResult {
    for (size_t k = 0; k < arity; ++k)
      if (in[k]->isFloat)
        return op->emitOpError("operands must be boolean");
    return elementwise(
        op, in, out, [](float a, float) { return a; },
        [=](int64_t a, int64_t b) { return int64_t(fn(a != 0, b != 0)); },
        arity);
  };
}

LogicalResult selectKernel(Operation *op, ArrayRef<const Tensor *> in,
                           SmallVectorImpl<Tensor> &out) {
  const Tensor &cond = *in[0], &a = *in[1], &b = *in[2];
  if (cond.isFloat || a.isFloat != b.isFloat)
    return op->emitOpError(
        "needs a boolean condition and two values of one kind");
  BroadcastWalk walk;
  FailureOr<SmallVector<int64_t, 4>> shape = prepare(op, in, 3, walk);
  if (failed(shape))
    return failure();
  Tensor r = a.isFloat ? Tensor::floats(*shape) : Tensor::ints(*shape);
  for (int64_t idx = 0, n = r.size(); idx < n; ++idx, walk.next()) {
    bool pick = cond.i[walk.offset(0)] != 0;
    if (a.isFloat)
      r.f[idx] = pick ? a.f[walk.offset(1)] : b.f[walk.offset(2)];
    else
      r.i[idx] = pick ? a.i[walk.offset(1)] : b.i[walk.offset(2)];
  }
  out.push_back(std::move(r));
  return success();
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
    return numerics::truncateToInt64(f.getValueAsDouble());
  return 0;
}

/// Integer reductions, exact in int64 (wrapping as the narrower result
/// type's storage would).
int64_t reduceStepInt(numerics::ReduceFn fn, int64_t acc, int64_t x) {
  switch (fn) {
  case numerics::ReduceFn::Sum:
    return int64_t(uint64_t(acc) + uint64_t(x));
  case numerics::ReduceFn::Max:
    return std::max(acc, x);
  case numerics::ReduceFn::Min:
    return std::min(acc, x);
  case numerics::ReduceFn::Product:
    return int64_t(uint64_t(acc) * uint64_t(x));
  }
  return acc;
}

/// Reduction along `axis`, keeping the dimension (size 1).
Kernel reduction(numerics::ReduceFn fn) {
  return [=](Operation *op, ArrayRef<const Tensor *> in,
             SmallVectorImpl<Tensor> &out) -> LogicalResult {
    const Tensor &x = *in[0];
    int64_t axis = cast<IntegerAttr>(op->getAttr("axis")).getInt();
    if (axis < 0 || axis >= int64_t(x.shape.size()))
      return op->emitOpError("axis out of range");
    int64_t outer = numElements(ArrayRef<int64_t>(x.shape).take_front(axis));
    int64_t len = x.shape[axis];
    int64_t inner =
        numElements(ArrayRef<int64_t>(x.shape).drop_front(axis + 1));
    SmallVector<int64_t, 4> shape(x.shape);
    shape[axis] = 1;
    Tensor r = x.isFloat ? Tensor::floats(shape) : Tensor::ints(shape);
    int64_t intIdentity =
        fn == numerics::ReduceFn::Max   ? std::numeric_limits<int64_t>::min()
        : fn == numerics::ReduceFn::Min ? std::numeric_limits<int64_t>::max()
                                        : int64_t(numerics::reduceIdentity(fn));
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t k = 0; k < inner; ++k) {
        float facc = numerics::reduceIdentity(fn);
        int64_t iacc = intIdentity;
        for (int64_t j = 0; j < len; ++j) {
          int64_t at = (o * len + j) * inner + k;
          if (x.isFloat)
            facc = numerics::reduceStep(fn, facc, x.f[at]);
          else
            iacc = reduceStepInt(fn, iacc, x.i[at]);
        }
        if (x.isFloat)
          r.f[o * inner + k] = facc;
        else
          r.i[o * inner + k] = iacc;
      }
    out.push_back(std::move(r));
    return success();
  };
}

/// tosa.argmax: the index of the first largest element along `axis`, which
/// the result drops.
LogicalResult argmaxKernel(Operation *op, ArrayRef<const Tensor *> in,
                           SmallVectorImpl<Tensor> &out) {
  const Tensor &x = *in[0];
  int64_t axis = cast<IntegerAttr>(op->getAttr("axis")).getInt();
  if (axis < 0 || axis >= int64_t(x.shape.size()))
    return op->emitOpError("axis out of range");
  int64_t outer = numElements(ArrayRef<int64_t>(x.shape).take_front(axis));
  int64_t len = x.shape[axis];
  int64_t inner = numElements(ArrayRef<int64_t>(x.shape).drop_front(axis + 1));
  SmallVector<int64_t, 4> shape(x.shape);
  shape.erase(shape.begin() + axis);
  Tensor r = Tensor::ints(shape);
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t k = 0; k < inner; ++k) {
      int64_t best = 0;
      for (int64_t j = 1; j < len; ++j)
        if (valueAt(x, (o * len + j) * inner + k) >
            valueAt(x, (o * len + best) * inner + k))
          best = j;
      r.i[o * inner + k] = best;
    }
  out.push_back(std::move(r));
  return success();
}
} // namespace

void kite::interp::registerTosaKernels(Interpreter &interp) {
  registerTosaDataKernels(interp);
  registerTosaConvKernels(interp);

  using numerics::applyBinary;
  using numerics::applyBinaryInt;
  using numerics::BinaryFn;
  // The function is a template argument, so each kernel's loop has its
  // operation inlined rather than switched on per element.
  auto fn = [](auto f) {
    return
        [](float a, float b) { return applyBinary(decltype(f)::value, a, b); };
  };
  auto intFn = [](auto f) {
    return [](int64_t a, int64_t b) {
      return applyBinaryInt(decltype(f)::value, a, b);
    };
  };
  auto kernel = [&](auto f) { return binary(fn(f), intFn(f)); };
  // Elementwise kernels can overwrite their first operand (allowInPlace).
  for (StringRef name : {"tosa.add", "tosa.sub", "tosa.maximum", "tosa.minimum",
                         "tosa.pow", "tosa.mul"})
    interp.allowInPlace(name);
  interp.registerKernel("tosa.add", kernel(Fn<BinaryFn::Add>()));
  interp.registerKernel("tosa.sub", kernel(Fn<BinaryFn::Sub>()));
  interp.registerKernel("tosa.maximum", kernel(Fn<BinaryFn::Max>()));
  interp.registerKernel("tosa.minimum", kernel(Fn<BinaryFn::Min>()));
  interp.registerKernel(
      "tosa.pow", binary(fn(Fn<BinaryFn::Pow>()), [](int64_t a, int64_t b) {
        return numerics::truncateToInt64(std::pow(double(a), double(b)));
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
              int64_t p = applyBinaryInt(BinaryFn::Mul, a, b);
              return shift > 0 ? (p + (int64_t(1) << (shift - 1))) >> shift : p;
            },
            2);
      });
  interp.registerKernel(
      "tosa.intdiv",
      [](Operation *op, ArrayRef<const Tensor *> in,
         SmallVectorImpl<Tensor> &out) -> LogicalResult {
        if (in[0]->isFloat || in[1]->isFloat)
          return op->emitOpError("is only supported on integer tensors");
        for (int64_t d : in[1]->i)
          if (d == 0)
            return op->emitOpError("divides by zero");
        // The one quotient that does not fit its type: the most negative
        // value divided by -1.
        unsigned width = resultIntWidth(op);
        int64_t lowest = width >= 64 ? std::numeric_limits<int64_t>::min()
                                     : -(int64_t(1) << (width - 1));
        for (int64_t a : in[0]->i)
          if (a == lowest && llvm::is_contained(in[1]->i, -1))
            return op->emitOpError("overflows: ")
                   << a << " / -1 does not fit in i" << width;
        return elementwise(
            op, in, out, [](float a, float) { return a; },
            [](int64_t a, int64_t b) { return a / b; }, 2);
      });

  interp.registerKernel("tosa.select", selectKernel);
  using numerics::CompareFn;
  for (auto [name, f] :
       {std::pair{"tosa.equal", CompareFn::Equal},
        std::pair{"tosa.greater", CompareFn::Greater},
        std::pair{"tosa.greater_equal", CompareFn::GreaterEqual}})
    interp.registerKernel(name, compare(f));
  interp.registerKernel("tosa.logical_and",
                        logical([](bool a, bool b) { return a && b; }, 2));
  interp.registerKernel("tosa.logical_or",
                        logical([](bool a, bool b) { return a || b; }, 2));
  interp.registerKernel("tosa.logical_xor",
                        logical([](bool a, bool b) { return a != b; }, 2));
  interp.registerKernel("tosa.logical_not",
                        logical([](bool a, bool) { return !a; }, 1));

  // Float functions: one definition with the simulator's vec_unary.
  using numerics::UnaryFn;
  for (auto [name, fn] : {std::pair{"tosa.exp", UnaryFn::Exp},
                          std::pair{"tosa.log", UnaryFn::Log},
                          std::pair{"tosa.erf", UnaryFn::Erf},
                          std::pair{"tosa.tanh", UnaryFn::Tanh},
                          std::pair{"tosa.sin", UnaryFn::Sin},
                          std::pair{"tosa.cos", UnaryFn::Cos},
                          std::pair{"tosa.sigmoid", UnaryFn::Sigmoid},
                          std::pair{"tosa.reciprocal", UnaryFn::Reciprocal},
                          std::pair{"tosa.rsqrt", UnaryFn::Rsqrt},
                          std::pair{"tosa.floor", UnaryFn::Floor},
                          std::pair{"tosa.ceil", UnaryFn::Ceil}})
    interp.registerKernel(name, unaryFloat([fn = fn](float x) {
                            return numerics::applyUnary(fn, x);
                          }));
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

  using numerics::ReduceFn;
  interp.registerKernel("tosa.reduce_sum", reduction(ReduceFn::Sum));
  interp.registerKernel("tosa.reduce_max", reduction(ReduceFn::Max));
  interp.registerKernel("tosa.reduce_min", reduction(ReduceFn::Min));
  interp.registerKernel("tosa.reduce_product", reduction(ReduceFn::Product));
  interp.registerKernel("tosa.argmax", argmaxKernel);
}
