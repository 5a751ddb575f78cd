//===- Elementwise.cpp - ONNX elementwise ops -----------------------------===//
//
// Arithmetic, comparisons and logic (numpy broadcasting), unary math, the
// activation functions, Clip, Where and Cast. Activations without a TOSA op
// are composed from TOSA elementwise ops with the formula ONNX defines.
//
//===----------------------------------------------------------------------===//

#include "Importer.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace kite::onnximport;
using B = TosaBuilder::Binary;
using U = TosaBuilder::Unary;

namespace {

/// The scalar `v` broadcastable against `like`.
Value scalar(Node &n, Value like, double v) { return n.b.scalarLike(like, v); }

LogicalResult requireFloat(Node &n, Value x) {
  if (!isa<FloatType>(TosaBuilder::elementOf(x)))
    return n.fail() << "only float tensors are supported";
  return success();
}

template <B Kind> LogicalResult binaryOp(Node &n) {
  FailureOr<Value> x = n.value(0), y = n.value(1);
  if (failed(x) || failed(y))
    return failure();
  return n.define(0, n.b.binary(Kind, *x, *y));
}

/// a < b is b > a; a <= b is b >= a.
template <B Kind> LogicalResult swappedOp(Node &n) {
  FailureOr<Value> x = n.value(0), y = n.value(1);
  if (failed(x) || failed(y))
    return failure();
  return n.define(0, n.b.binary(Kind, *y, *x));
}

LogicalResult divOp(Node &n) {
  FailureOr<Value> x = n.value(0);
  if (failed(x))
    return failure();
  // A constant float divisor is inverted at import: x * (1 / y).
  Val &y = n.in(1);
  if (y.host && y.isFloat() && n.in(0).isFloat() && !n.in(0).host) {
    Tensor r = *y.host;
    for (float &v : r.f)
      v = 1.0f / v;
    return n.define(0, n.b.binary(B::Mul, *x, n.b.constant(r, y.element)));
  }
  FailureOr<Value> yv = n.value(1);
  if (failed(yv))
    return failure();
  return n.define(0, n.b.binary(B::Div, *x, *yv));
}

LogicalResult powOp(Node &n) {
  FailureOr<Value> x = n.value(0), y = n.value(1);
  if (failed(x) || failed(y))
    return failure();
  Type element = TosaBuilder::elementOf(*x);
  // TOSA's pow is a float op: integer operands are computed in f32 (as
  // onnxruntime does in double) and cast back.
  Value base = n.b.cast(*x, n.b.f32()), exponent = n.b.cast(*y, n.b.f32());
  FailureOr<Value> r = n.b.binary(B::Pow, base, exponent);
  if (failed(r))
    return failure();
  return n.define(0, n.b.cast(*r, element));
}

/// Max, Min, Sum, Mean: a fold over any number of broadcast inputs.
template <B Kind, bool IsMean = false> LogicalResult variadicOp(Node &n) {
  FailureOr<Value> acc = n.value(0);
  if (failed(acc))
    return failure();
  for (int i = 1; i < n.numInputs(); ++i) {
    FailureOr<Value> v = n.value(i);
    if (failed(v))
      return failure();
    acc = n.b.binary(Kind, *acc, *v);
    if (failed(acc))
      return failure();
  }
  if (IsMean && n.numInputs() > 1)
    acc = n.b.affine(*acc, 1.0 / n.numInputs(), 0.0);
  return n.define(0, acc);
}

/// Integer Mod takes the divisor's sign (fmod = 0); fmod = 1 (and floats)
/// the dividend's, as C's fmod.
LogicalResult modOp(Node &n) {
  FailureOr<Value> x = n.value(0), y = n.value(1);
  if (failed(x) || failed(y))
    return failure();
  bool isFloat = isa<FloatType>(TosaBuilder::elementOf(*x));
  bool fmod = n.attrInt("fmod", 0);
  if (isFloat && !fmod)
    return n.fail() << "float Mod needs fmod = 1";
  // q = trunc(x / y); r = x - q * y.
  FailureOr<Value> q = n.b.binary(B::Div, *x, *y);
  if (failed(q))
    return failure();
  if (isFloat) {
    FailureOr<Value> neg = n.b.binary(B::Greater, scalar(n, *q, 0.0), *q);
    if (failed(neg))
      return failure();
    Value up = n.b.unary(U::Ceil, *q);
    Value down = n.b.unary(U::Floor, *q);
    q = n.b.select(*neg, up, down);
    if (failed(q))
      return failure();
  }
  FailureOr<Value> qy = n.b.binary(B::Mul, *q, *y);
  if (failed(qy))
    return failure();
  FailureOr<Value> r = n.b.binary(B::Sub, *x, *qy);
  if (failed(r) || fmod)
    return n.define(0, r);
  // Move a non-zero remainder whose sign differs from the divisor's.
  Value zero = scalar(n, *r, 0.0);
  FailureOr<Value> rNeg = n.b.binary(B::Greater, zero, *r);
  FailureOr<Value> yNeg = n.b.binary(B::Greater, zero, *y);
  FailureOr<Value> rZero = n.b.binary(B::Equal, *r, zero);
  if (failed(rNeg) || failed(yNeg) || failed(rZero))
    return failure();
  FailureOr<Value> differ = n.b.binary(B::Xor, *rNeg, *yNeg);
  if (failed(differ))
    return failure();
  FailureOr<Value> fix = n.b.binary(B::And, *differ, n.b.unary(U::Not, *rZero));
  FailureOr<Value> shifted = n.b.binary(B::Add, *r, *y);
  if (failed(fix) || failed(shifted))
    return failure();
  return n.define(0, n.b.select(*fix, *shifted, *r));
}

template <U Kind> LogicalResult unaryOp(Node &n) {
  FailureOr<Value> x = n.value(0);
  if (failed(x))
    return failure();
  bool intOk = Kind == U::Abs || Kind == U::Neg || Kind == U::Not;
  if (!intOk && failed(requireFloat(n, *x)))
    return failure();
  if (Kind == U::Not && !TosaBuilder::elementOf(*x).isInteger(1))
    return n.fail() << "Not takes a boolean tensor";
  return n.define(0, n.b.unary(Kind, *x));
}

LogicalResult sqrtOp(Node &n) {
  FailureOr<Value> x = n.value(0);
  if (failed(x) || failed(requireFloat(n, *x)))
    return failure();
  // sqrt(x) = x^0.5 (TOSA has no sqrt; the LayerNorm raising expects pow).
  return n.define(0, n.b.binary(B::Pow, *x, scalar(n, *x, 0.5)));
}

LogicalResult reluOp(Node &n) {
  FailureOr<Value> x = n.value(0);
  if (failed(x))
    return failure();
  return n.define(0, n.b.clamp(*x, 0.0, std::numeric_limits<float>::max()));
}

/// The float activations, each from its ONNX formula. Returns the result.
using Activation = FailureOr<Value> (*)(Node &, Value);

FailureOr<Value> leakyRelu(Node &n, Value x) {
  double alpha = n.attrFloat("alpha", 0.01f);
  FailureOr<Value> ax = n.b.affine(x, alpha, 0.0);
  if (failed(ax))
    return failure();
  // For 0 <= alpha <= 1 the larger of x and alpha * x is the answer.
  if (alpha >= 0.0 && alpha <= 1.0)
    return n.b.binary(B::Max, x, *ax);
  FailureOr<Value> pos = n.b.binary(B::GreaterEqual, x, scalar(n, x, 0.0));
  return failed(pos) ? FailureOr<Value>() : n.b.select(*pos, x, *ax);
}

/// x >= 0 ? x : neg(x) (also for NaN: the negative branch).
FailureOr<Value> whereNonNegative(Node &n, Value x, Value neg) {
  FailureOr<Value> pos = n.b.binary(B::GreaterEqual, x, scalar(n, x, 0.0));
  return failed(pos) ? FailureOr<Value>() : n.b.select(*pos, x, neg);
}

/// alpha * (exp(x) - 1)
FailureOr<Value> expm1Scaled(Node &n, Value x, double alpha) {
  return n.b.affine(n.b.unary(U::Exp, x), alpha, -alpha);
}

FailureOr<Value> elu(Node &n, Value x) {
  FailureOr<Value> neg = expm1Scaled(n, x, n.attrFloat("alpha", 1.0f));
  return failed(neg) ? FailureOr<Value>() : whereNonNegative(n, x, *neg);
}

FailureOr<Value> selu(Node &n, Value x) {
  double alpha = n.attrFloat("alpha", 1.67326319217681884765625f);
  double gamma = n.attrFloat("gamma", 1.05070102214813232421875f);
  FailureOr<Value> neg = expm1Scaled(n, x, alpha);
  if (failed(neg))
    return failure();
  FailureOr<Value> pos = n.b.binary(B::Greater, x, scalar(n, x, 0.0));
  if (failed(pos))
    return failure();
  FailureOr<Value> y = n.b.select(*pos, x, *neg);
  return failed(y) ? FailureOr<Value>() : n.b.affine(*y, gamma, 0.0);
}

FailureOr<Value> celu(Node &n, Value x) {
  double alpha = n.attrFloat("alpha", 1.0f);
  FailureOr<Value> scaled = n.b.affine(x, 1.0 / alpha, 0.0);
  if (failed(scaled))
    return failure();
  FailureOr<Value> neg = expm1Scaled(n, *scaled, alpha);
  if (failed(neg))
    return failure();
  FailureOr<Value> lo = n.b.binary(B::Min, *neg, scalar(n, x, 0.0));
  FailureOr<Value> hi = n.b.binary(B::Max, x, scalar(n, x, 0.0));
  if (failed(lo) || failed(hi))
    return failure();
  return n.b.binary(B::Add, *hi, *lo);
}

FailureOr<Value> thresholdedRelu(Node &n, Value x) {
  FailureOr<Value> above =
      n.b.binary(B::Greater, x, scalar(n, x, n.attrFloat("alpha", 1.0f)));
  return failed(above) ? FailureOr<Value>()
                       : n.b.select(*above, x, scalar(n, x, 0.0));
}

FailureOr<Value> hardSigmoid(Node &n, Value x) {
  FailureOr<Value> y =
      n.b.affine(x, n.attrFloat("alpha", 0.2f), n.attrFloat("beta", 0.5f));
  return failed(y) ? FailureOr<Value>()
                   : FailureOr<Value>(n.b.clamp(*y, 0.0, 1.0));
}

FailureOr<Value> hardSwish(Node &n, Value x) {
  FailureOr<Value> y = n.b.affine(x, 1.0 / 6.0, 0.5);
  if (failed(y))
    return failure();
  return n.b.binary(B::Mul, x, n.b.clamp(*y, 0.0, 1.0));
}

FailureOr<Value> softsign(Node &n, Value x) {
  FailureOr<Value> d = n.b.affine(n.b.unary(U::Abs, x), 1.0, 1.0);
  if (failed(d))
    return failure();
  return n.b.binary(B::Mul, x, n.b.unary(U::Reciprocal, *d));
}

/// log(1 + exp(x)) = max(x, 0) + log(1 + exp(-|x|)), which does not
/// overflow.
FailureOr<Value> softplus(Node &n, Value x) {
  Value e = n.b.unary(U::Exp, n.b.unary(U::Neg, n.b.unary(U::Abs, x)));
  FailureOr<Value> l = n.b.affine(e, 1.0, 1.0);
  FailureOr<Value> hi = n.b.binary(B::Max, x, scalar(n, x, 0.0));
  if (failed(l) || failed(hi))
    return failure();
  return n.b.binary(B::Add, *hi, n.b.unary(U::Log, *l));
}

FailureOr<Value> shrink(Node &n, Value x) {
  double bias = n.attrFloat("bias", 0.0f), lambd = n.attrFloat("lambd", 0.5f);
  FailureOr<Value> below = n.b.binary(B::Greater, scalar(n, x, -lambd), x);
  FailureOr<Value> above = n.b.binary(B::Greater, x, scalar(n, x, lambd));
  FailureOr<Value> up = n.b.affine(x, 1.0, bias);
  FailureOr<Value> down = n.b.affine(x, 1.0, -bias);
  if (failed(below) || failed(above) || failed(up) || failed(down))
    return failure();
  FailureOr<Value> inner = n.b.select(*above, *down, scalar(n, x, 0.0));
  return failed(inner) ? FailureOr<Value>() : n.b.select(*below, *up, *inner);
}

FailureOr<Value> tan(Node &n, Value x) {
  Value sin = n.b.unary(U::Sin, x);
  Value invCos = n.b.unary(U::Reciprocal, n.b.unary(U::Cos, x));
  return n.b.binary(B::Mul, sin, invCos);
}

/// Round half to even: floor(x), plus one above .5 or at .5 from an odd
/// floor.
FailureOr<Value> round(Node &n, Value x) {
  Value r = n.b.unary(U::Floor, x);
  FailureOr<Value> d = n.b.binary(B::Sub, x, r);
  FailureOr<Value> half = n.b.affine(r, 0.5, 0.0);
  if (failed(d) || failed(half))
    return failure();
  FailureOr<Value> twice = n.b.affine(n.b.unary(U::Floor, *half), 2.0, 0.0);
  if (failed(twice))
    return failure();
  FailureOr<Value> odd = n.b.binary(B::Greater, r, *twice);
  FailureOr<Value> above = n.b.binary(B::Greater, *d, scalar(n, x, 0.5));
  FailureOr<Value> tie = n.b.binary(B::Equal, *d, scalar(n, x, 0.5));
  if (failed(odd) || failed(above) || failed(tie))
    return failure();
  FailureOr<Value> tieUp = n.b.binary(B::And, *tie, *odd);
  if (failed(tieUp))
    return failure();
  FailureOr<Value> up = n.b.binary(B::Or, *above, *tieUp);
  FailureOr<Value> r1 = n.b.affine(r, 1.0, 1.0);
  if (failed(up) || failed(r1))
    return failure();
  return n.b.select(*up, *r1, r);
}

template <Activation Fn> LogicalResult activationOp(Node &n) {
  FailureOr<Value> x = n.value(0);
  if (failed(x) || failed(requireFloat(n, *x)))
    return failure();
  return n.define(0, Fn(n, *x));
}

LogicalResult signOp(Node &n) {
  FailureOr<Value> x = n.value(0);
  if (failed(x))
    return failure();
  Value zero = scalar(n, *x, 0.0);
  FailureOr<Value> pos = n.b.binary(B::Greater, *x, zero);
  FailureOr<Value> neg = n.b.binary(B::Greater, zero, *x);
  if (failed(pos) || failed(neg))
    return failure();
  FailureOr<Value> low = n.b.select(*neg, scalar(n, *x, -1.0), zero);
  if (failed(low))
    return failure();
  return n.define(0, n.b.select(*pos, scalar(n, *x, 1.0), *low));
}

LogicalResult preluOp(Node &n) {
  FailureOr<Value> x = n.value(0), slope = n.value(1);
  if (failed(x) || failed(slope) || failed(requireFloat(n, *x)))
    return failure();
  FailureOr<Value> neg = n.b.binary(B::Mul, *x, *slope);
  if (failed(neg))
    return failure();
  return n.define(0, whereNonNegative(n, *x, *neg));
}

LogicalResult isNaNOp(Node &n) {
  FailureOr<Value> x = n.value(0);
  if (failed(x) || failed(requireFloat(n, *x)))
    return failure();
  FailureOr<Value> same = n.b.binary(B::Equal, *x, *x);
  if (failed(same))
    return failure();
  return n.define(0, n.b.unary(U::Not, *same));
}

LogicalResult isInfOp(Node &n) {
  FailureOr<Value> x = n.value(0);
  if (failed(x) || failed(requireFloat(n, *x)))
    return failure();
  double inf = std::numeric_limits<double>::infinity();
  FailureOr<Value> pos = n.b.binary(B::Equal, *x, scalar(n, *x, inf));
  FailureOr<Value> neg = n.b.binary(B::Equal, *x, scalar(n, *x, -inf));
  if (failed(pos) || failed(neg))
    return failure();
  bool wantPos = n.attrInt("detect_positive", 1),
       wantNeg = n.attrInt("detect_negative", 1);
  if (wantPos && wantNeg)
    return n.define(0, n.b.binary(B::Or, *pos, *neg));
  if (wantPos)
    return n.define(0, *pos);
  if (wantNeg)
    return n.define(0, *neg);
  FailureOr<Value> none = n.b.binary(B::And, *pos, *neg);
  return n.define(0, none);
}

/// Clip: bounds as attributes (opset <= 10) or optional inputs; constant
/// bounds clamp, computed ones become max/min.
LogicalResult clipOp(Node &n) {
  FailureOr<Value> x = n.value(0);
  if (failed(x))
    return failure();
  bool isFloat = isa<FloatType>(TosaBuilder::elementOf(*x));
  double lo = isFloat ? -std::numeric_limits<double>::infinity() : -9.3e18;
  double hi = -lo;
  if (n.opset < 11) {
    lo = n.attrFloat("min", float(lo));
    hi = n.attrFloat("max", float(hi));
  }
  Value y = *x;
  for (int i = 1; i <= 2; ++i) {
    if (!n.has(i))
      continue;
    if (n.in(i).host) {
      FailureOr<double> bound = n.constScalar(i, i == 1 ? "min" : "max");
      if (failed(bound))
        return failure();
      (i == 1 ? lo : hi) = *bound;
      continue;
    }
    FailureOr<Value> bound = n.value(i);
    if (failed(bound))
      return failure();
    FailureOr<Value> r = n.b.binary(i == 1 ? B::Max : B::Min, y, *bound);
    if (failed(r))
      return failure();
    y = *r;
  }
  if (isFloat) {
    lo = std::max(lo, -double(std::numeric_limits<float>::max()));
    hi = std::min(hi, double(std::numeric_limits<float>::max()));
  }
  return n.define(0, n.b.clamp(y, lo, hi));
}

LogicalResult whereOp(Node &n) {
  FailureOr<Value> c = n.value(0), x = n.value(1), y = n.value(2);
  if (failed(c) || failed(x) || failed(y))
    return failure();
  if (!TosaBuilder::elementOf(*c).isInteger(1))
    return n.fail() << "the condition must be boolean";
  return n.define(0, n.b.select(*c, *x, *y));
}

/// Casts x to `element` as ONNX does: float to integer truncates.
FailureOr<Value> castTo(Node &n, Value x, Type element) {
  Type from = TosaBuilder::elementOf(x);
  if (isa<FloatType>(from) && element.isInteger() && !element.isInteger(1)) {
    FailureOr<Value> neg = n.b.binary(B::Greater, scalar(n, x, 0.0), x);
    if (failed(neg))
      return failure();
    Value up = n.b.unary(U::Ceil, x);
    Value down = n.b.unary(U::Floor, x);
    FailureOr<Value> t = n.b.select(*neg, up, down);
    if (failed(t))
      return failure();
    x = *t;
  }
  return n.b.cast(x, element);
}

LogicalResult castOp(Node &n) {
  int64_t to = n.attrInt("to", onnx::TensorProto::FLOAT);
  Type element = elementTypeOf(int(to), n.b.context());
  if (!element)
    return n.fail() << "casting to "
                    << onnx::TensorProto::DataType_Name(
                           onnx::TensorProto::DataType(to))
                    << " is not supported (float32, int32, int64, bool)";
  FailureOr<Value> x = n.value(0);
  if (failed(x))
    return failure();
  return n.define(0, castTo(n, *x, element));
}

LogicalResult castLikeOp(Node &n) {
  FailureOr<Value> x = n.value(0);
  if (failed(x))
    return failure();
  return n.define(0, castTo(n, *x, n.in(1).element));
}

void add(OpTable &t, StringRef name, int minIn, int maxIn, Handler h,
         StringRef notes = "") {
  OpInfo info;
  info.family = "Elementwise";
  info.minInputs = minIn;
  info.maxInputs = maxIn;
  info.handler = h;
  info.notes = notes;
  t[name] = info;
}
} // namespace

void kite::onnximport::registerElementwiseOps(OpTable &t) {
  add(t, "Add", 2, 2, binaryOp<B::Add>);
  add(t, "Sub", 2, 2, binaryOp<B::Sub>);
  add(t, "Mul", 2, 2, binaryOp<B::Mul>);
  add(t, "Div", 2, 2, divOp, "floats as x * (1 / y); integers truncate");
  add(t, "Pow", 2, 2, powOp, "computed in f32");
  add(t, "Mod", 2, 2, modOp, "fmod = 0 (integers) and 1");
  add(t, "Max", 1, -1, variadicOp<B::Max>);
  add(t, "Min", 1, -1, variadicOp<B::Min>);
  add(t, "Sum", 1, -1, variadicOp<B::Add>);
  add(t, "Mean", 1, -1, variadicOp<B::Add, true>);
  add(t, "Equal", 2, 2, binaryOp<B::Equal>);
  add(t, "Greater", 2, 2, binaryOp<B::Greater>);
  add(t, "GreaterOrEqual", 2, 2, binaryOp<B::GreaterEqual>);
  add(t, "Less", 2, 2, swappedOp<B::Greater>);
  add(t, "LessOrEqual", 2, 2, swappedOp<B::GreaterEqual>);
  add(t, "And", 2, 2, binaryOp<B::And>);
  add(t, "Or", 2, 2, binaryOp<B::Or>);
  add(t, "Xor", 2, 2, binaryOp<B::Xor>);
  add(t, "Not", 1, 1, unaryOp<U::Not>);
  add(t, "Where", 3, 3, whereOp);

  add(t, "Abs", 1, 1, unaryOp<U::Abs>);
  add(t, "Neg", 1, 1, unaryOp<U::Neg>);
  add(t, "Exp", 1, 1, unaryOp<U::Exp>);
  add(t, "Log", 1, 1, unaryOp<U::Log>);
  add(t, "Erf", 1, 1, unaryOp<U::Erf>);
  add(t, "Tanh", 1, 1, unaryOp<U::Tanh>);
  add(t, "Sigmoid", 1, 1, unaryOp<U::Sigmoid>);
  add(t, "Reciprocal", 1, 1, unaryOp<U::Reciprocal>);
  add(t, "Floor", 1, 1, unaryOp<U::Floor>);
  add(t, "Ceil", 1, 1, unaryOp<U::Ceil>);
  add(t, "Sin", 1, 1, unaryOp<U::Sin>);
  add(t, "Cos", 1, 1, unaryOp<U::Cos>);
  add(t, "Tan", 1, 1, activationOp<tan>);
  add(t, "Sqrt", 1, 1, sqrtOp);
  add(t, "Round", 1, 1, activationOp<round>, "half to even");
  add(t, "Sign", 1, 1, signOp);
  add(t, "IsNaN", 1, 1, isNaNOp);
  add(t, "IsInf", 1, 1, isInfOp);

  add(t, "Relu", 1, 1, reluOp);
  add(t, "LeakyRelu", 1, 1, activationOp<leakyRelu>);
  add(t, "PRelu", 2, 2, preluOp);
  add(t, "Elu", 1, 1, activationOp<elu>);
  add(t, "Selu", 1, 1, activationOp<selu>);
  add(t, "Celu", 1, 1, activationOp<celu>);
  add(t, "ThresholdedRelu", 1, 1, activationOp<thresholdedRelu>);
  add(t, "HardSigmoid", 1, 1, activationOp<hardSigmoid>);
  add(t, "HardSwish", 1, 1, activationOp<hardSwish>);
  add(t, "Softsign", 1, 1, activationOp<softsign>);
  add(t, "Softplus", 1, 1, activationOp<softplus>);
  add(t, "Shrink", 1, 1, activationOp<shrink>);
  add(t, "Clip", 1, 3, clipOp,
      "bounds as attributes (opset <= 10) or inputs, constant or computed");

  add(t, "Cast", 1, 1, castOp, "to float32, int32, int64, bool");
  add(t, "CastLike", 2, 2, castLikeOp);
}
