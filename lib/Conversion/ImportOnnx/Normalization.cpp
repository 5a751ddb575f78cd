//===- Normalization.cpp - ONNX normalizations, softmax and reductions ----===//
//
// BatchNormalization (inference), InstanceNormalization,
// LayerNormalization, LRN and MeanVarianceNormalization; Softmax,
// LogSoftmax and Hardmax (opset < 13: over the input flattened at `axis`);
// the Reduce* family and ArgMax/ArgMin. Each is decomposed into TOSA
// reductions and elementwise ops; convert-tosa-to-kite recognizes softmax
// and LayerNorm in this form again.
//
//===----------------------------------------------------------------------===//

#include "Importer.h"

#include <numeric>

using namespace mlir;
using namespace kite::onnximport;
using B = TosaBuilder::Binary;
using U = TosaBuilder::Unary;
using R = TosaBuilder::Reduce;

namespace {

/// The mean over `axes` (kept as size 1).
FailureOr<Value> mean(Node &n, Value x, ArrayRef<int64_t> axes) {
  Shape xs = TosaBuilder::shapeOf(x);
  int64_t count = 1;
  for (int64_t a : axes)
    count *= xs[a];
  return n.b.affine(n.b.reduce(R::Sum, x, axes), 1.0 / double(count), 0.0);
}

/// (x - mean) / sqrt(var + eps) over `axes`; also the mean and the inverse
/// standard deviation.
struct Normalized {
  Value y, mean, invStd;
};
FailureOr<Normalized> normalize(Node &n, Value x, ArrayRef<int64_t> axes,
                                double eps) {
  FailureOr<Value> mu = mean(n, x, axes);
  if (failed(mu))
    return failure();
  FailureOr<Value> d = n.b.binary(B::Sub, x, *mu);
  if (failed(d))
    return failure();
  FailureOr<Value> sq = n.b.binary(B::Mul, *d, *d);
  if (failed(sq))
    return failure();
  FailureOr<Value> var = mean(n, *sq, axes);
  if (failed(var))
    return failure();
  FailureOr<Value> ve = n.b.affine(*var, 1.0, eps);
  if (failed(ve))
    return failure();
  Value invStd = n.b.unary(U::Rsqrt, *ve);
  FailureOr<Value> y = n.b.binary(B::Mul, *d, invStd);
  if (failed(y))
    return failure();
  return Normalized{*y, *mu, invStd};
}

/// Per-channel parameter input i ([C]) as [1, C, 1, ...] for an input of
/// rank `rank`.
FailureOr<Value> channelParam(Node &n, int i, size_t rank) {
  FailureOr<Value> v = n.value(i);
  if (failed(v))
    return failure();
  Shape shape(rank, 1);
  shape[1] = product(TosaBuilder::shapeOf(*v));
  return n.b.reshape(*v, shape);
}

LogicalResult batchNormOp(Node &n) {
  if (n.attrInt("training_mode", 0))
    return n.unsupported("training_mode", "1");
  if (n.numOutputs() > 1)
    return n.fail() << "the running mean and variance outputs (training) are "
                       "not supported";
  FailureOr<Value> x = n.value(0);
  if (failed(x))
    return failure();
  size_t rank = TosaBuilder::shapeOf(*x).size();
  if (rank < 2)
    return n.fail() << "the input needs a channel dimension";
  SmallVector<Value, 4> p;
  int64_t channels = TosaBuilder::shapeOf(*x)[1];
  for (int i = 1; i <= 4; ++i) {
    if (n.in(i).shape.size() != 1 || n.in(i).shape[0] != channels)
      return n.fail() << "input " << i << " must have shape [" << channels
                      << "] (one value per channel)";
    FailureOr<Value> v = channelParam(n, i, rank);
    if (failed(v))
      return failure();
    p.push_back(*v);
  }
  // y = (x - mean) * scale / sqrt(var + eps) + bias
  FailureOr<Value> ve = n.b.affine(p[3], 1.0, n.attrFloat("epsilon", 1e-5f));
  if (failed(ve))
    return failure();
  FailureOr<Value> k = n.b.binary(B::Mul, p[0], n.b.unary(U::Rsqrt, *ve));
  FailureOr<Value> d = n.b.binary(B::Sub, *x, p[2]);
  if (failed(k) || failed(d))
    return failure();
  FailureOr<Value> m = n.b.binary(B::Mul, *d, *k);
  if (failed(m))
    return failure();
  return n.define(0, n.b.binary(B::Add, *m, p[1]));
}

LogicalResult instanceNormOp(Node &n) {
  FailureOr<Value> x = n.value(0);
  if (failed(x))
    return failure();
  size_t rank = TosaBuilder::shapeOf(*x).size();
  if (rank < 3)
    return n.fail() << "the input needs spatial dimensions";
  SmallVector<int64_t> axes;
  for (size_t d = 2; d < rank; ++d)
    axes.push_back(int64_t(d));
  int64_t channels = TosaBuilder::shapeOf(*x)[1];
  for (int i = 1; i <= 2; ++i)
    if (n.in(i).shape.size() != 1 || n.in(i).shape[0] != channels)
      return n.fail() << "input " << i << " must have shape [" << channels
                      << "] (one value per channel)";
  FailureOr<Normalized> norm =
      normalize(n, *x, axes, n.attrFloat("epsilon", 1e-5f));
  FailureOr<Value> scale = channelParam(n, 1, rank),
                   bias = channelParam(n, 2, rank);
  if (failed(norm) || failed(scale) || failed(bias))
    return failure();
  FailureOr<Value> y = n.b.binary(B::Mul, norm->y, *scale);
  if (failed(y))
    return failure();
  return n.define(0, n.b.binary(B::Add, *y, *bias));
}

LogicalResult layerNormOp(Node &n) {
  FailureOr<Value> x = n.value(0);
  if (failed(x))
    return failure();
  Shape xs = TosaBuilder::shapeOf(*x);
  FailureOr<int64_t> axis = n.axis(n.attrInt("axis", -1), int64_t(xs.size()));
  if (failed(axis))
    return failure();
  if (n.attrInt("stash_type", 1) != 1)
    return n.unsupported("stash_type",
                         std::to_string(n.attrInt("stash_type", 1)));
  SmallVector<int64_t> axes;
  for (int64_t d = *axis; d < int64_t(xs.size()); ++d)
    axes.push_back(d);
  FailureOr<Normalized> norm =
      normalize(n, *x, axes, n.attrFloat("epsilon", 1e-5f));
  if (failed(norm))
    return failure();
  // Optional outputs: the mean and 1/sqrt(var + eps), reduced dims kept.
  if (n.wantsOutput(1))
    (void)n.define(1, norm->mean);
  if (n.wantsOutput(2))
    (void)n.define(2, norm->invStd);
  Value y = norm->y;
  for (int i = 1; i <= 2; ++i) {
    if (!n.has(i))
      continue;
    FailureOr<Value> p = n.value(i);
    if (failed(p))
      return failure();
    FailureOr<Value> r = n.b.binary(i == 1 ? B::Mul : B::Add, y, *p);
    if (failed(r))
      return failure();
    y = *r;
  }
  return n.define(0, y);
}

LogicalResult mvnOp(Node &n) {
  FailureOr<Value> x = n.value(0);
  if (failed(x))
    return failure();
  int64_t rank = int64_t(TosaBuilder::shapeOf(*x).size());
  Shape list = n.hasAttr("axes") ? n.attrInts("axes") : Shape{0, 2, 3};
  FailureOr<SmallVector<int64_t, 4>> axes = n.axes(list, rank);
  if (failed(axes))
    return failure();
  // (x - E[x]) / sqrt(E[(x - E[x])^2]) with ONNX's function's epsilon.
  FailureOr<Normalized> norm = normalize(n, *x, *axes, 1e-9);
  return failed(norm) ? failure() : n.define(0, norm->y);
}

/// LRN: x / (bias + alpha / size * sum of squares over `size` channels
/// around c)^beta.
LogicalResult lrnOp(Node &n) {
  FailureOr<Value> x = n.value(0);
  if (failed(x))
    return failure();
  Shape xs = TosaBuilder::shapeOf(*x);
  int64_t size = n.attrInt("size", 0);
  if (size < 1 || xs.size() < 3)
    return n.fail() << "needs size >= 1 and an input with channels";
  // A window wider than every channel on both sides sums nothing more; the
  // handler builds one slice per step of it.
  if (size > 2 * xs[1] + 1)
    return n.fail() << "size " << size << " exceeds 2 x " << xs[1]
                    << " channels + 1";
  FailureOr<Value> sq = n.b.binary(B::Mul, *x, *x);
  if (failed(sq))
    return failure();
  Shape before(xs.size(), 0), after(xs.size(), 0);
  before[1] = (size - 1) / 2;
  after[1] = size - 1 - before[1];
  Value padded = n.b.pad(*sq, before, after, 0.0);
  Value sum;
  for (int64_t k = 0; k < size; ++k) {
    Shape start(xs.size(), 0);
    start[1] = k;
    Value part = n.b.slice(padded, start, xs);
    if (!sum) {
      sum = part;
      continue;
    }
    FailureOr<Value> s = n.b.binary(B::Add, sum, part);
    if (failed(s))
      return failure();
    sum = *s;
  }
  FailureOr<Value> base = n.b.affine(
      sum, n.attrFloat("alpha", 1e-4f) / double(size), n.attrFloat("bias", 1));
  if (failed(base))
    return failure();
  FailureOr<Value> denom = n.b.binary(
      B::Pow, *base, n.b.scalarLike(*base, n.attrFloat("beta", 0.75f)));
  if (failed(denom))
    return failure();
  return n.define(0, n.b.binary(B::Mul, *x, n.b.unary(U::Reciprocal, *denom)));
}

/// Runs `body` on the input seen as the rows softmax-like ops normalize:
/// one axis (opset >= 13) or, before 13, the input flattened to 2-D at
/// `axis`; the result takes the input's shape again.
template <typename Fn> LogicalResult overRows(Node &n, Fn body) {
  FailureOr<Value> x = n.value(0);
  if (failed(x))
    return failure();
  if (!n.in(0).isFloat())
    return n.fail() << "only float tensors are supported";
  Shape xs = TosaBuilder::shapeOf(*x);
  int64_t rank = int64_t(xs.size());
  FailureOr<int64_t> axis =
      n.axis(n.attrInt("axis", n.opset >= 13 ? -1 : 1), rank);
  if (failed(axis))
    return failure();
  if (n.opset >= 13 || *axis == rank - 1)
    return n.define(0, body(*x, *axis));
  Shape rows = {product(ArrayRef<int64_t>(xs).take_front(*axis)),
                product(ArrayRef<int64_t>(xs).drop_front(*axis))};
  FailureOr<Value> r = body(n.b.reshape(*x, rows), 1);
  return failed(r) ? failure() : n.define(0, n.b.reshape(*r, xs));
}

template <bool IsLog> LogicalResult softmaxOp(Node &n) {
  return overRows(n, [&](Value x, int64_t axis) -> FailureOr<Value> {
    Value m = n.b.reduce(R::Max, x, {axis});
    FailureOr<Value> d = n.b.binary(B::Sub, x, m);
    if (failed(d))
      return failure();
    Value e = n.b.unary(U::Exp, *d);
    Value s = n.b.reduce(R::Sum, e, {axis});
    if (IsLog)
      return n.b.binary(B::Sub, *d, n.b.unary(U::Log, s));
    return n.b.binary(B::Mul, e, n.b.unary(U::Reciprocal, s));
  });
}

/// The positions 0 .. len-1 along `axis` of a tensor of rank `rank`, as a
/// broadcastable i64 constant.
Value iota(Node &n, size_t rank, int64_t axis, int64_t len) {
  Shape shape(rank, 1);
  shape[axis] = len;
  Tensor t = Tensor::ints(shape);
  std::iota(t.i.begin(), t.i.end(), 0);
  return n.b.constant(t, n.b.i64());
}

LogicalResult hardmaxOp(Node &n) {
  return overRows(n, [&](Value x, int64_t axis) -> FailureOr<Value> {
    Shape xs = TosaBuilder::shapeOf(x);
    Value index = n.b.argmax(x, axis);
    FailureOr<Value> hot =
        n.b.binary(B::Equal, iota(n, xs.size(), axis, xs[axis]), index);
    if (failed(hot))
      return failure();
    FailureOr<Value> full = n.b.broadcastTo(*hot, xs);
    if (failed(full))
      return failure();
    return n.b.cast(*full, n.b.f32());
  });
}

enum class ReduceKind {
  Sum,
  Mean,
  Max,
  Min,
  Prod,
  L1,
  L2,
  LogSum,
  LogSumExp,
  SumSquare
};

template <ReduceKind Kind> LogicalResult reduceOp(Node &n) {
  FailureOr<Value> x = n.value(0);
  if (failed(x))
    return failure();
  Shape xs = TosaBuilder::shapeOf(*x);
  bool isFloat = n.in(0).isFloat();
  bool intOk = Kind == ReduceKind::Sum || Kind == ReduceKind::Max ||
               Kind == ReduceKind::Min || Kind == ReduceKind::Prod;
  if (!isFloat && !intOk)
    return n.fail() << "only float tensors are supported";
  Shape list = n.attrInts("axes");
  if (n.has(1)) {
    FailureOr<SmallVector<int64_t, 4>> a = n.constInts(1, "axes");
    if (failed(a))
      return failure();
    list = *a;
  }
  if (list.empty()) {
    if (n.attrInt("noop_with_empty_axes", 0))
      return n.define(0, *x);
    for (size_t d = 0; d < xs.size(); ++d)
      list.push_back(int64_t(d));
  }
  FailureOr<SmallVector<int64_t, 4>> axes = n.axes(list, int64_t(xs.size()));
  if (failed(axes))
    return failure();
  Value y;
  auto sumOf = [&](Value v) { return n.b.reduce(R::Sum, v, *axes); };
  switch (Kind) {
  case ReduceKind::Sum:
    y = sumOf(*x);
    break;
  case ReduceKind::Max:
    y = n.b.reduce(R::Max, *x, *axes);
    break;
  case ReduceKind::Min:
    y = n.b.reduce(R::Min, *x, *axes);
    break;
  case ReduceKind::Prod:
    y = n.b.reduce(R::Prod, *x, *axes);
    break;
  case ReduceKind::Mean: {
    FailureOr<Value> m = mean(n, *x, *axes);
    if (failed(m))
      return failure();
    y = *m;
    break;
  }
  case ReduceKind::L1:
    y = sumOf(n.b.unary(U::Abs, *x));
    break;
  case ReduceKind::L2:
  case ReduceKind::SumSquare: {
    FailureOr<Value> sq = n.b.binary(B::Mul, *x, *x);
    if (failed(sq))
      return failure();
    y = sumOf(*sq);
    if (Kind == ReduceKind::L2) {
      FailureOr<Value> r = n.b.binary(B::Pow, y, n.b.scalarLike(y, 0.5));
      if (failed(r))
        return failure();
      y = *r;
    }
    break;
  }
  case ReduceKind::LogSum:
    y = n.b.unary(U::Log, sumOf(*x));
    break;
  case ReduceKind::LogSumExp: {
    // log(sum(exp(x - m))) + m with m the maximum, which cannot overflow.
    Value m = n.b.reduce(R::Max, *x, *axes);
    FailureOr<Value> d = n.b.binary(B::Sub, *x, m);
    if (failed(d))
      return failure();
    FailureOr<Value> r =
        n.b.binary(B::Add, n.b.unary(U::Log, sumOf(n.b.unary(U::Exp, *d))), m);
    if (failed(r))
      return failure();
    y = *r;
    break;
  }
  }
  if (!n.attrInt("keepdims", 1)) {
    Shape shape;
    for (size_t d = 0; d < xs.size(); ++d)
      if (!llvm::is_contained(*axes, int64_t(d)))
        shape.push_back(xs[d]);
    y = n.b.reshape(y, shape);
  }
  return n.define(0, y);
}

template <bool IsMin> LogicalResult argOp(Node &n) {
  FailureOr<Value> x = n.value(0);
  if (failed(x))
    return failure();
  Shape xs = TosaBuilder::shapeOf(*x);
  FailureOr<int64_t> axis = n.axis(n.attrInt("axis", 0), int64_t(xs.size()));
  if (failed(axis))
    return failure();
  Value v = IsMin ? n.b.unary(U::Neg, *x) : *x;
  bool last = n.attrInt("select_last_index", 0);
  if (last)
    v = n.b.emit<tosa::ReverseOp>(
        xs, TosaBuilder::elementOf(v), {v},
        {n.b.builder().getNamedAttr(
            "axis", n.b.builder().getI32IntegerAttr(int32_t(*axis)))});
  Value index = n.b.argmax(v, *axis);
  if (last) {
    // Position in the reversed tensor -> position in the input.
    FailureOr<Value> r =
        n.b.binary(B::Sub, n.b.scalarLike(index, double(xs[*axis] - 1)), index);
    if (failed(r))
      return failure();
    index = *r;
  }
  if (!n.attrInt("keepdims", 1)) {
    xs.erase(xs.begin() + *axis);
    index = n.b.reshape(index, xs);
  }
  return n.define(0, index);
}

void add(OpTable &t, StringRef name, int minIn, int maxIn, Handler h,
         StringRef notes = "", int maxOut = 1) {
  OpInfo info;
  info.family = "Normalization";
  info.minInputs = minIn;
  info.maxInputs = maxIn;
  info.maxOutputs = maxOut;
  info.handler = h;
  info.notes = notes;
  t[name] = info;
}
} // namespace

void kite::onnximport::registerNormalizationOps(OpTable &t) {
  add(t, "BatchNormalization", 5, 5, batchNormOp, "inference only", 3);
  add(t, "InstanceNormalization", 3, 3, instanceNormOp);
  add(t, "LayerNormalization", 1, 3, layerNormOp,
      "with the Mean and InvStdDev outputs", 3);
  add(t, "MeanVarianceNormalization", 1, 1, mvnOp);
  add(t, "LRN", 1, 1, lrnOp);
  add(t, "Softmax", 1, 1, softmaxOp<false>,
      "opset < 13: over the input flattened at axis");
  add(t, "LogSoftmax", 1, 1, softmaxOp<true>,
      "opset < 13: over the input flattened at axis");
  add(t, "Hardmax", 1, 1, hardmaxOp,
      "opset < 13: over the input flattened at axis");
  add(t, "ReduceSum", 1, 2, reduceOp<ReduceKind::Sum>,
      "axes as attribute or constant input; noop_with_empty_axes");
  add(t, "ReduceMean", 1, 2, reduceOp<ReduceKind::Mean>);
  add(t, "ReduceMax", 1, 2, reduceOp<ReduceKind::Max>);
  add(t, "ReduceMin", 1, 2, reduceOp<ReduceKind::Min>);
  add(t, "ReduceProd", 1, 2, reduceOp<ReduceKind::Prod>);
  add(t, "ReduceL1", 1, 2, reduceOp<ReduceKind::L1>);
  add(t, "ReduceL2", 1, 2, reduceOp<ReduceKind::L2>);
  add(t, "ReduceLogSum", 1, 2, reduceOp<ReduceKind::LogSum>);
  add(t, "ReduceLogSumExp", 1, 2, reduceOp<ReduceKind::LogSumExp>);
  add(t, "ReduceSumSquare", 1, 2, reduceOp<ReduceKind::SumSquare>);
  add(t, "ArgMax", 1, 1, argOp<false>, "keepdims, select_last_index");
  add(t, "ArgMin", 1, 1, argOp<true>, "keepdims, select_last_index");
}
