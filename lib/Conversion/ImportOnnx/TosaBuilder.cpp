//===- TosaBuilder.cpp - TOSA emitters shared by the ONNX handlers --------===//

#include "Importer.h"
#include "kite/Support/ElementsAttr.h"

using namespace mlir;
using namespace kite::onnximport;

Shape TosaBuilder::shapeOf(Value v) {
  return Shape(llvm::cast<RankedTensorType>(v.getType()).getShape());
}

Type TosaBuilder::elementOf(Value v) {
  return llvm::cast<RankedTensorType>(v.getType()).getElementType();
}

// Constants
// ------------------------------------------------------------------

Value TosaBuilder::constant(const Tensor &t, Type element) {
  auto ty = type(t.shape, element);
  DenseElementsAttr attr;
  if (isa<FloatType>(element)) {
    if (t.isFloat) {
      attr = DenseElementsAttr::get(ty, ArrayRef<float>(t.f));
    } else {
      std::vector<float> f(t.i.begin(), t.i.end());
      attr = DenseElementsAttr::get(ty, ArrayRef<float>(f));
    }
  } else {
    unsigned width = element.getIntOrFloatBitWidth();
    SmallVector<APInt> ints;
    ints.reserve(size_t(t.size()));
    for (int64_t k = 0, n = t.size(); k < n; ++k) {
      int64_t v = t.isFloat ? int64_t(t.f[k]) : t.i[k];
      ints.push_back(width == 1 ? APInt(1, v != 0)
                                : APInt(width, uint64_t(v), /*isSigned=*/true,
                                        /*implicitTrunc=*/true));
    }
    attr = DenseElementsAttr::get(ty, ints);
  }
  return tosa::ConstOp::create(b, loc, ty, attr);
}

Value TosaBuilder::constF32(ArrayRef<int64_t> shape, ArrayRef<float> data) {
  auto ty = type(shape, f32());
  return tosa::ConstOp::create(b, loc, ty, DenseElementsAttr::get(ty, data));
}

Value TosaBuilder::constI32(ArrayRef<int64_t> shape, ArrayRef<int32_t> data) {
  auto ty = type(shape, i32());
  return tosa::ConstOp::create(b, loc, ty, DenseElementsAttr::get(ty, data));
}

Value TosaBuilder::scalarLike(Value like, double v) {
  Shape ones(shapeOf(like).size(), 1);
  Type element = elementOf(like);
  Tensor t = isa<FloatType>(element) ? Tensor::floats(ones, float(v))
                                     : Tensor::ints(ones, int64_t(v));
  return constant(t, element);
}

/// A tensor<1xT> zero point, as tosa.negate and the MAC ops take it.
static Value zeroPoint(TosaBuilder &tb, Type element) {
  Tensor t = isa<FloatType>(element) ? Tensor::floats({1}) : Tensor::ints({1});
  return tb.constant(t, element);
}

Value TosaBuilder::constShape(ArrayRef<int64_t> values) {
  auto ty = RankedTensorType::get({int64_t(values.size())}, b.getIndexType());
  SmallVector<APInt> ints;
  for (int64_t v : values)
    ints.push_back(APInt(64, uint64_t(v), true));
  return tosa::ConstShapeOp::create(
      b, loc, tosa::shapeType::get(context(), int(values.size())),
      DenseIntElementsAttr::get(ty, ints));
}

// Data movement
// --------------------------------------------------------------

Value TosaBuilder::reshape(Value v, ArrayRef<int64_t> shape) {
  if (ArrayRef<int64_t>(shapeOf(v)) == shape)
    return v;
  // A constant is made in its new shape (e.g. a bias broadcast to a rank).
  if (auto c = v.getDefiningOp<tosa::ConstOp>()) {
    auto attr = llvm::cast<DenseElementsAttr>(c.getValues());
    auto ty = type(shape, elementOf(v));
    return tosa::ConstOp::create(b, loc, ty, attr.reshape(ty));
  }
  return emit<tosa::ReshapeOp>(shape, elementOf(v), {v, constShape(shape)});
}

Value TosaBuilder::transpose(Value v, ArrayRef<int32_t> perms) {
  Shape in = shapeOf(v), shape;
  bool identity = true;
  for (auto [d, p] : llvm::enumerate(perms)) {
    shape.push_back(in[p]);
    identity &= int32_t(d) == p;
  }
  if (identity)
    return v;
  // A constant (a convolution's weights) is transposed at import.
  if (auto c = v.getDefiningOp<tosa::ConstOp>()) {
    DenseElementsAttr t = kite::transposeElements(
        llvm::cast<DenseElementsAttr>(c.getValues()), perms);
    return tosa::ConstOp::create(b, loc, t.getType(), t);
  }
  return emit<tosa::TransposeOp>(
      shape, elementOf(v), {v},
      {b.getNamedAttr("perms", b.getDenseI32ArrayAttr(perms))});
}

Value TosaBuilder::toRank(Value v, size_t rank) {
  Shape shape = shapeOf(v);
  if (shape.size() >= rank)
    return v;
  shape.insert(shape.begin(), rank - shape.size(), 1);
  return reshape(v, shape);
}

Value TosaBuilder::slice(Value v, ArrayRef<int64_t> start,
                         ArrayRef<int64_t> size) {
  if (llvm::all_of(start, [](int64_t s) { return s == 0; }) &&
      size == ArrayRef<int64_t>(shapeOf(v)))
    return v;
  return emit<tosa::SliceOp>(size, elementOf(v),
                             {v, constShape(start), constShape(size)});
}

Value TosaBuilder::gatherAxis(Value v, int64_t axis,
                              ArrayRef<int64_t> indices) {
  Shape shape = shapeOf(v);
  int64_t dim = shape[axis], w = int64_t(indices.size());
  // A contiguous run is a slice.
  bool contiguous = w > 0;
  for (int64_t k = 1; k < w; ++k)
    contiguous &= indices[k] == indices[0] + k;
  if (contiguous) {
    Shape start(shape.size(), 0), size(shape);
    start[axis] = indices[0];
    size[axis] = w;
    return slice(v, start, size);
  }
  int64_t outer = product(ArrayRef<int64_t>(shape).take_front(axis));
  int64_t inner = product(ArrayRef<int64_t>(shape).drop_front(axis + 1));
  SmallVector<int32_t> rows;
  rows.reserve(size_t(outer * w));
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i : indices)
      rows.push_back(int32_t(i));
  Value g = emit<tosa::GatherOp>(
      {outer, w, inner}, elementOf(v),
      {reshape(v, {outer, dim, inner}), constI32({outer, w}, rows)});
  shape[axis] = w;
  return reshape(g, shape);
}

Value TosaBuilder::stridedSlice(Value v, int64_t axis, int64_t start,
                                int64_t count, int64_t step) {
  SmallVector<int64_t> indices;
  for (int64_t k = 0; k < count; ++k)
    indices.push_back(start + k * step);
  if (step == -1 && count > 1) {
    // A reversed run: slice, then reverse.
    Value run = gatherAxis(v, axis, llvm::to_vector(llvm::reverse(indices)));
    return emit<tosa::ReverseOp>(
        shapeOf(run), elementOf(v), {run},
        {b.getNamedAttr("axis", b.getI32IntegerAttr(int32_t(axis)))});
  }
  return gatherAxis(v, axis, indices);
}

Value TosaBuilder::pad(Value v, ArrayRef<int64_t> before,
                       ArrayRef<int64_t> after, double fill) {
  Shape shape = shapeOf(v);
  SmallVector<int64_t> padding;
  bool none = true;
  for (size_t d = 0; d < shape.size(); ++d) {
    padding.push_back(before[d]);
    padding.push_back(after[d]);
    shape[d] += before[d] + after[d];
    none &= before[d] == 0 && after[d] == 0;
  }
  if (none)
    return v;
  Type element = elementOf(v);
  Tensor c = isa<FloatType>(element) ? Tensor::floats({1}, float(fill))
                                     : Tensor::ints({1}, int64_t(fill));
  return emit<tosa::PadOp>(shape, element,
                           {v, constShape(padding), constant(c, element)});
}

Value TosaBuilder::concat(ValueRange values, int64_t axis) {
  if (values.size() == 1)
    return values[0];
  Shape shape = shapeOf(values[0]);
  shape[axis] = 0;
  for (Value v : values)
    shape[axis] += shapeOf(v)[axis];
  return emit<tosa::ConcatOp>(
      shape, elementOf(values[0]), values,
      {b.getNamedAttr("axis", b.getI32IntegerAttr(int32_t(axis)))});
}

Value TosaBuilder::tile(Value v, ArrayRef<int64_t> multiples) {
  if (llvm::all_of(multiples, [](int64_t m) { return m == 1; }))
    return v;
  Shape shape = shapeOf(v);
  for (size_t d = 0; d < shape.size(); ++d)
    shape[d] *= multiples[d];
  return emit<tosa::TileOp>(shape, elementOf(v), {v, constShape(multiples)});
}

FailureOr<Value> TosaBuilder::broadcastTo(Value v, ArrayRef<int64_t> shape) {
  if (shapeOf(v).size() > shape.size())
    return fail() << "cannot broadcast a rank-" << shapeOf(v).size()
                  << " tensor to rank " << shape.size();
  v = toRank(v, shape.size());
  Shape in = shapeOf(v);
  SmallVector<int64_t> multiples;
  for (size_t d = 0; d < shape.size(); ++d) {
    if (in[d] != shape[d] && in[d] != 1)
      return fail() << "dimension " << d << " of size " << in[d]
                    << " does not broadcast to " << shape[d];
    multiples.push_back(in[d] == shape[d] ? 1 : shape[d]);
  }
  return tile(v, multiples);
}

// Elementwise
// ----------------------------------------------------------------

FailureOr<Value> TosaBuilder::binary(Binary kind, Value x, Value y) {
  size_t rank = std::max(shapeOf(x).size(), shapeOf(y).size());
  x = toRank(x, rank);
  y = toRank(y, rank);
  Shape sx = shapeOf(x), sy = shapeOf(y), shape;
  for (size_t d = 0; d < rank; ++d) {
    if (sx[d] != sy[d] && sx[d] != 1 && sy[d] != 1)
      return fail() << "operand shapes do not broadcast (dimension " << d
                    << ": " << sx[d] << " vs " << sy[d] << ")";
    shape.push_back(sx[d] == 1 ? sy[d] : sx[d]);
  }
  Type element = elementOf(x);
  if (element != elementOf(y))
    return fail() << "operands have different element types (" << element
                  << " and " << elementOf(y) << ")";
  switch (kind) {
  case Binary::Add:
    return emit<tosa::AddOp>(shape, element, {x, y});
  case Binary::Sub:
    return emit<tosa::SubOp>(shape, element, {x, y});
  case Binary::Mul: {
    auto shiftType = type({1}, b.getI8Type());
    Value shift = tosa::ConstOp::create(
        b, loc, shiftType, DenseElementsAttr::get(shiftType, int8_t(0)));
    return emit<tosa::MulOp>(shape, element, {x, y, shift});
  }
  case Binary::Div:
    if (isa<FloatType>(element))
      return binary(Binary::Mul, x, unary(Unary::Reciprocal, y));
    return emit<tosa::IntDivOp>(shape, element, {x, y});
  case Binary::Pow:
    return emit<tosa::PowOp>(shape, element, {x, y});
  case Binary::Max:
    return emit<tosa::MaximumOp>(shape, element, {x, y});
  case Binary::Min:
    return emit<tosa::MinimumOp>(shape, element, {x, y});
  case Binary::Equal:
    return emit<tosa::EqualOp>(shape, i1(), {x, y});
  case Binary::Greater:
    return emit<tosa::GreaterOp>(shape, i1(), {x, y});
  case Binary::GreaterEqual:
    return emit<tosa::GreaterEqualOp>(shape, i1(), {x, y});
  case Binary::And:
    return emit<tosa::LogicalAndOp>(shape, i1(), {x, y});
  case Binary::Or:
    return emit<tosa::LogicalOrOp>(shape, i1(), {x, y});
  case Binary::Xor:
    return emit<tosa::LogicalXorOp>(shape, i1(), {x, y});
  }
  llvm_unreachable("binary kind");
}

Value TosaBuilder::unary(Unary kind, Value x) {
  Shape s = shapeOf(x);
  Type e = elementOf(x);
  switch (kind) {
  case Unary::Exp:
    return emit<tosa::ExpOp>(s, e, {x});
  case Unary::Log:
    return emit<tosa::LogOp>(s, e, {x});
  case Unary::Erf:
    return emit<tosa::ErfOp>(s, e, {x});
  case Unary::Tanh:
    return emit<tosa::TanhOp>(s, e, {x});
  case Unary::Sigmoid:
    return emit<tosa::SigmoidOp>(s, e, {x});
  case Unary::Rsqrt:
    return emit<tosa::RsqrtOp>(s, e, {x});
  case Unary::Reciprocal:
    return emit<tosa::ReciprocalOp>(s, e, {x});
  case Unary::Abs:
    return emit<tosa::AbsOp>(s, e, {x});
  case Unary::Neg: {
    Value zp = zeroPoint(*this, e);
    return emit<tosa::NegateOp>(s, e, {x, zp, zp});
  }
  case Unary::Floor:
    return emit<tosa::FloorOp>(s, e, {x});
  case Unary::Ceil:
    return emit<tosa::CeilOp>(s, e, {x});
  case Unary::Sin:
    return emit<tosa::SinOp>(s, e, {x});
  case Unary::Cos:
    return emit<tosa::CosOp>(s, e, {x});
  case Unary::Not:
    return emit<tosa::LogicalNotOp>(s, e, {x});
  }
  llvm_unreachable("unary kind");
}

FailureOr<Value> TosaBuilder::select(Value cond, Value a, Value bv) {
  size_t rank =
      std::max({shapeOf(cond).size(), shapeOf(a).size(), shapeOf(bv).size()});
  Shape shape(rank, 1);
  for (Value v : {cond, a, bv}) {
    Shape s = shapeOf(toRank(v, rank));
    for (size_t d = 0; d < rank; ++d) {
      if (s[d] != shape[d] && s[d] != 1 && shape[d] != 1)
        return fail() << "operand shapes do not broadcast";
      shape[d] = std::max(shape[d], s[d]);
    }
  }
  if (elementOf(a) != elementOf(bv))
    return fail() << "operands have different element types";
  // TOSA broadcasts size-1 dimensions of equal ranks.
  return emit<tosa::SelectOp>(
      shape, elementOf(a),
      {toRank(cond, rank), toRank(a, rank), toRank(bv, rank)});
}

Value TosaBuilder::clamp(Value x, double lo, double hi) {
  Type e = elementOf(x);
  Attribute minV, maxV;
  if (isa<FloatType>(e)) {
    minV = b.getFloatAttr(e, lo);
    maxV = b.getFloatAttr(e, hi);
  } else {
    unsigned w = e.getIntOrFloatBitWidth();
    double top = w >= 64 ? 9.2e18 : std::ldexp(1.0, int(w) - 1) - 1;
    double bottom = w >= 64 ? -9.2e18 : -std::ldexp(1.0, int(w) - 1);
    minV = b.getIntegerAttr(e, int64_t(std::max(lo, bottom)));
    maxV = b.getIntegerAttr(e, int64_t(std::min(hi, top)));
  }
  return emit<tosa::ClampOp>(
      shapeOf(x), e, {x},
      {b.getNamedAttr("min_val", minV), b.getNamedAttr("max_val", maxV)});
}

Value TosaBuilder::cast(Value x, Type element) {
  if (elementOf(x) == element)
    return x;
  return emit<tosa::CastOp>(shapeOf(x), element, {x});
}

FailureOr<Value> TosaBuilder::affine(Value x, double a, double c) {
  if (a != 1.0) {
    FailureOr<Value> r = binary(Binary::Mul, x, scalarLike(x, a));
    if (failed(r))
      return failure();
    x = *r;
  }
  if (c != 0.0)
    return binary(Binary::Add, x, scalarLike(x, c));
  return x;
}

// Reductions
// -----------------------------------------------------------------

Value TosaBuilder::reduce(Reduce kind, Value x, ArrayRef<int64_t> axes) {
  for (int64_t axis : axes) {
    Shape s = shapeOf(x);
    s[axis] = 1;
    NamedAttribute a =
        b.getNamedAttr("axis", b.getI32IntegerAttr(int32_t(axis)));
    Type e = elementOf(x);
    switch (kind) {
    case Reduce::Sum:
      x = emit<tosa::ReduceSumOp>(s, e, {x}, {a});
      break;
    case Reduce::Max:
      x = emit<tosa::ReduceMaxOp>(s, e, {x}, {a});
      break;
    case Reduce::Min:
      x = emit<tosa::ReduceMinOp>(s, e, {x}, {a});
      break;
    case Reduce::Prod:
      x = emit<tosa::ReduceProductOp>(s, e, {x}, {a});
      break;
    }
  }
  return x;
}

Value TosaBuilder::argmax(Value x, int64_t axis) {
  Shape s = shapeOf(x), dropped = s;
  dropped.erase(dropped.begin() + axis);
  Value r = emit<tosa::ArgMaxOp>(
      dropped, i32(), {x},
      {b.getNamedAttr("axis", b.getI32IntegerAttr(int32_t(axis)))});
  s[axis] = 1;
  return reshape(cast(r, i64()), s);
}

// Linear algebra
// -------------------------------------------------------------

FailureOr<Value> TosaBuilder::matmul(Value a, Value c) {
  if (!isa<FloatType>(elementOf(a)) || !isa<FloatType>(elementOf(c)))
    return fail() << "integer MatMul is not supported";
  Shape sa = shapeOf(a), sc = shapeOf(c);
  if (sa.empty() || sc.empty())
    return fail() << "MatMul operands must have rank >= 1";
  bool vecA = sa.size() == 1, vecC = sc.size() == 1;
  if (vecA)
    a = reshape(a, {1, sa[0]}), sa = {1, sa[0]};
  if (vecC)
    c = reshape(c, {sc[0], 1}), sc = {sc[0], 1};
  int64_t m = sa[sa.size() - 2], k = sa.back(), n = sc.back();
  if (sc[sc.size() - 2] != k)
    return fail() << "reduction dimensions differ (" << k << " vs "
                  << sc[sc.size() - 2] << ")";
  Shape ba(ArrayRef<int64_t>(sa).drop_back(2)),
      bc(ArrayRef<int64_t>(sc).drop_back(2));
  // The broadcast batch shape.
  size_t rank = std::max(ba.size(), bc.size());
  ba.insert(ba.begin(), rank - ba.size(), 1);
  bc.insert(bc.begin(), rank - bc.size(), 1);
  Shape batch;
  for (size_t d = 0; d < rank; ++d) {
    if (ba[d] != bc[d] && ba[d] != 1 && bc[d] != 1)
      return fail() << "batch dimensions do not broadcast";
    batch.push_back(std::max(ba[d], bc[d]));
  }
  Value r;
  Value zp = zeroPoint(*this, f32());
  if (product(bc) == 1) {
    // Shared right operand: fold the left batch into M.
    int64_t rows = product(ba) * m;
    r = emit<tosa::MatMulOp>(
        {1, rows, n}, f32(),
        {reshape(a, {1, rows, k}), reshape(c, {1, k, n}), zp, zp});
  } else {
    auto full = [&](Value v, Shape own, int64_t d0,
                    int64_t d1) -> FailureOr<Value> {
      own.append({d0, d1});
      Shape target(batch);
      target.append({d0, d1});
      FailureOr<Value> t = broadcastTo(reshape(v, own), target);
      if (failed(t))
        return failure();
      return reshape(*t, {product(batch), d0, d1});
    };
    FailureOr<Value> a3 = full(a, ba, m, k), c3 = full(c, bc, k, n);
    if (failed(a3) || failed(c3))
      return failure();
    r = emit<tosa::MatMulOp>({product(batch), m, n}, f32(), {*a3, *c3, zp, zp});
  }
  Shape outShape(batch);
  if (!vecA)
    outShape.push_back(m);
  if (!vecC)
    outShape.push_back(n);
  return reshape(r, outShape);
}
