//===- Shape.cpp - ONNX shape, indexing and data-movement ops -------------===//
//
// Reshape-like ops, Shape/Size (static, so always constants), Concat,
// Split, Slice (any step), Gather and GatherElements (constant or computed
// indices), Transpose, Expand, Tile, Pad (constant, edge, reflect),
// DepthToSpace/SpaceToDepth, Trilu and the constant generators
// (ConstantOfShape, Range, EyeLike). Shapes and index arguments that decide
// a result's shape must be constants.
//
//===----------------------------------------------------------------------===//

#include "Importer.h"

#include <cmath>

using namespace mlir;
using namespace kite::onnximport;
using B = TosaBuilder::Binary;

namespace {

/// Output shape of Reshape: 0 copies the input dimension (unless
/// allowzero), -1 is inferred.
FailureOr<Shape> reshapeTarget(Node &n, ArrayRef<int64_t> in,
                               ArrayRef<int64_t> spec, bool allowZero) {
  Shape shape;
  int64_t known = 1, infer = -1;
  for (size_t d = 0; d < spec.size(); ++d) {
    int64_t s = spec[d];
    if (s == 0 && !allowZero) {
      if (d >= in.size())
        return n.fail() << "shape entry " << d
                        << " is 0 but the input has rank " << in.size();
      s = in[d];
    }
    if (s == -1) {
      if (infer >= 0)
        return n.fail() << "the shape has more than one -1";
      infer = int64_t(d);
      shape.push_back(1);
      continue;
    }
    if (s < 0)
      return n.fail() << "shape entry " << d << " is " << s;
    shape.push_back(s);
    known = product({known, s}); // saturating: sizes from the file
  }
  if (infer >= 0) {
    if (known == 0 || product(in) % known)
      return n.fail() << "cannot infer the -1 of the shape for " << product(in)
                      << " elements";
    shape[infer] = product(in) / known;
  }
  if (product(shape) != product(in))
    return n.fail() << "the shape has " << product(shape)
                    << " elements, the input " << product(in);
  return shape;
}

/// Outputs input 0 reshaped (host tensors stay host tensors).
LogicalResult defineReshaped(Node &n, ArrayRef<int64_t> shape) {
  Val &x = n.in(0);
  if (x.host) {
    Tensor t = *x.host;
    t.shape.assign(shape.begin(), shape.end());
    return n.defineHost(0, std::move(t), x.element);
  }
  return n.define(0, n.b.reshape(x.value, shape));
}

LogicalResult reshapeOp(Node &n) {
  FailureOr<SmallVector<int64_t, 4>> spec = n.constInts(1, "target shape");
  if (failed(spec))
    return failure();
  FailureOr<Shape> shape =
      reshapeTarget(n, n.in(0).shape, *spec, n.attrInt("allowzero", 0));
  return failed(shape) ? failure() : defineReshaped(n, *shape);
}

LogicalResult flattenOp(Node &n) {
  ArrayRef<int64_t> in = n.in(0).shape;
  int64_t a = n.attrInt("axis", 1), rank = int64_t(in.size());
  if (a < -rank || a > rank)
    return n.fail() << "axis " << a << " is out of range for rank " << rank;
  if (a < 0)
    a += rank;
  return defineReshaped(n,
                        {product(in.take_front(a)), product(in.drop_front(a))});
}

/// Squeeze/Unsqueeze axes: an attribute before opset 13, an input after.
FailureOr<Shape> squeezeAxes(Node &n) {
  if (n.has(1)) {
    FailureOr<SmallVector<int64_t, 4>> a = n.constInts(1, "axes");
    return failed(a) ? FailureOr<Shape>() : Shape(*a);
  }
  return n.attrInts("axes");
}

LogicalResult squeezeOp(Node &n) {
  ArrayRef<int64_t> in = n.in(0).shape;
  FailureOr<Shape> list = squeezeAxes(n);
  if (failed(list))
    return failure();
  FailureOr<SmallVector<int64_t, 4>> axes = n.axes(*list, int64_t(in.size()));
  if (failed(axes))
    return failure();
  Shape shape;
  for (size_t d = 0; d < in.size(); ++d) {
    bool drop = list->empty() ? in[d] == 1 : llvm::is_contained(*axes, d);
    if (drop && in[d] != 1)
      return n.fail() << "cannot squeeze dimension " << d << " of size "
                      << in[d];
    if (!drop)
      shape.push_back(in[d]);
  }
  return defineReshaped(n, shape);
}

LogicalResult unsqueezeOp(Node &n) {
  ArrayRef<int64_t> in = n.in(0).shape;
  FailureOr<Shape> list = squeezeAxes(n);
  if (failed(list))
    return failure();
  int64_t rank = int64_t(in.size() + list->size());
  FailureOr<SmallVector<int64_t, 4>> axes = n.axes(*list, rank);
  if (failed(axes))
    return failure();
  Shape shape;
  size_t src = 0;
  for (int64_t d = 0; d < rank; ++d)
    shape.push_back(llvm::is_contained(*axes, d) ? 1 : in[src++]);
  return defineReshaped(n, shape);
}

LogicalResult shapeOp(Node &n) {
  ArrayRef<int64_t> in = n.in(0).shape;
  int64_t rank = int64_t(in.size());
  auto clampAxis = [&](int64_t a) {
    return std::clamp<int64_t>(a < 0 ? a + rank : a, 0, rank);
  };
  int64_t start = clampAxis(n.attrInt("start", 0));
  int64_t end = n.hasAttr("end") ? clampAxis(n.attrInt("end", rank)) : rank;
  Tensor t = Tensor::ints({std::max<int64_t>(end - start, 0)});
  for (int64_t d = start; d < end; ++d)
    t.i[d - start] = in[d];
  return n.defineHost(0, std::move(t), n.b.i64());
}

LogicalResult sizeOp(Node &n) {
  Tensor t = Tensor::ints({}, product(n.in(0).shape));
  return n.defineHost(0, std::move(t), n.b.i64());
}

LogicalResult concatOp(Node &n) {
  int64_t rank = int64_t(n.in(0).shape.size());
  FailureOr<int64_t> axis = n.axis(n.attrInt("axis", 0), rank);
  if (failed(axis))
    return failure();
  SmallVector<Value> values;
  for (int i = 0; i < n.numInputs(); ++i) {
    if (int64_t(n.in(i).shape.size()) != rank)
      return n.fail() << "input " << i << " has rank " << n.in(i).shape.size()
                      << ", input 0 has " << rank;
    for (int64_t d = 0; d < rank; ++d)
      if (d != *axis && n.in(i).shape[d] != n.in(0).shape[d])
        return n.fail() << "input " << i << " differs in dimension " << d;
    if (n.in(i).element != n.in(0).element)
      return n.fail() << "inputs have different element types";
    if (n.in(i).shape[*axis] == 0)
      continue; // empty inputs add nothing
    FailureOr<Value> v = n.value(i);
    if (failed(v))
      return failure();
    values.push_back(*v);
  }
  if (values.empty())
    return n.fail() << "every input is empty";
  return n.define(0, n.b.concat(values, *axis));
}

LogicalResult splitOp(Node &n) {
  FailureOr<Value> x = n.value(0);
  if (failed(x))
    return failure();
  Shape xs = TosaBuilder::shapeOf(*x);
  FailureOr<int64_t> axis = n.axis(n.attrInt("axis", 0), int64_t(xs.size()));
  if (failed(axis))
    return failure();
  Shape split = n.attrInts("split");
  if (n.has(1)) {
    FailureOr<SmallVector<int64_t, 4>> s = n.constInts(1, "split");
    if (failed(s))
      return failure();
    split = *s;
  }
  int64_t parts = n.numOutputs();
  if (split.empty()) {
    if (xs[*axis] % parts)
      return n.fail() << "dimension " << xs[*axis] << " does not split into "
                      << parts << " equal parts";
    split.assign(size_t(parts), xs[*axis] / parts);
  }
  if (int64_t(split.size()) != parts)
    return n.fail() << split.size() << " split sizes for " << parts
                    << " outputs";
  int64_t offset = 0;
  for (int64_t s : split) {
    if (s < 0)
      return n.fail() << "negative split size " << s;
    offset += s;
  }
  if (offset != xs[*axis])
    return n.fail() << "split sizes add up to " << offset << ", dimension is "
                    << xs[*axis];
  offset = 0;
  for (int64_t i = 0; i < parts; ++i) {
    Shape start(xs.size(), 0), size(xs);
    start[*axis] = offset;
    size[*axis] = split[i];
    offset += split[i];
    if (n.wantsOutput(int(i)) &&
        failed(n.define(int(i), n.b.slice(*x, start, size))))
      return failure();
  }
  return success();
}

/// Slice with any steps: a contiguous slice, a reversed one, or a gather.
LogicalResult sliceOp(Node &n) {
  FailureOr<Value> x = n.value(0);
  if (failed(x))
    return failure();
  Shape xs = TosaBuilder::shapeOf(*x);
  int64_t rank = int64_t(xs.size());
  Shape starts, ends, axesList, steps;
  if (n.opset < 10 || !n.has(1)) {
    starts = n.attrInts("starts");
    ends = n.attrInts("ends");
    axesList = n.attrInts("axes");
  } else {
    FailureOr<SmallVector<int64_t, 4>> s = n.constInts(1, "starts"),
                                       e = n.constInts(2, "ends");
    if (failed(s) || failed(e))
      return failure();
    starts = *s;
    ends = *e;
    if (n.has(3)) {
      FailureOr<SmallVector<int64_t, 4>> a = n.constInts(3, "axes");
      if (failed(a))
        return failure();
      axesList = *a;
    }
    if (n.has(4)) {
      FailureOr<SmallVector<int64_t, 4>> st = n.constInts(4, "steps");
      if (failed(st))
        return failure();
      steps = *st;
    }
  }
  if (ends.size() != starts.size() ||
      (!axesList.empty() && axesList.size() != starts.size()) ||
      (!steps.empty() && steps.size() != starts.size()))
    return n.fail() << "starts, ends, axes and steps differ in length";
  Value y = *x;
  SmallVector<int64_t> seen;
  for (size_t j = 0; j < starts.size(); ++j) {
    FailureOr<int64_t> a =
        n.axis(axesList.empty() ? int64_t(j) : axesList[j], rank);
    if (failed(a))
      return failure();
    if (llvm::is_contained(seen, *a))
      return n.fail() << "axis " << *a << " is sliced twice";
    seen.push_back(*a);
    int64_t dim = xs[*a], step = steps.empty() ? 1 : steps[j];
    if (step == 0)
      return n.fail() << "step 0";
    auto wrapIndex = [&](int64_t v) {
      return v < 0 ? (v < -dim ? -dim - 1 : v) + dim : v;
    };
    int64_t s = wrapIndex(starts[j]), e = wrapIndex(ends[j]), count;
    if (step > 0) {
      s = std::clamp<int64_t>(s, 0, dim);
      e = std::clamp<int64_t>(e, 0, dim);
      count = e > s ? (e - s + step - 1) / step : 0;
    } else {
      s = std::clamp<int64_t>(s, 0, dim - 1);
      e = std::clamp<int64_t>(e, -1, dim - 1);
      count = s > e ? (s - e - step - 1) / -step : 0;
    }
    if (count == 0) {
      // An empty slice of a constant (a shape computation) is a constant.
      if (!n.in(0).host)
        return n.fail() << "the slice of dimension " << *a
                        << " is empty, which is not supported";
      Shape empty(xs);
      empty[*a] = 0;
      return n.defineHost(
          0, n.in(0).isFloat() ? Tensor::floats(empty) : Tensor::ints(empty),
          n.in(0).element);
    }
    y = n.b.stridedSlice(y, *a, s, count, step);
  }
  return n.define(0, y);
}

/// Indices in [-dim, dim) as [0, dim), checked.
FailureOr<SmallVector<int64_t, 4>>
normalizeIndices(Node &n, ArrayRef<int64_t> idx, int64_t dim) {
  SmallVector<int64_t, 4> r;
  for (int64_t i : idx) {
    if (i < -dim || i >= dim)
      return n.fail() << "index " << i << " is out of range for dimension "
                      << dim;
    r.push_back(i < 0 ? i + dim : i);
  }
  return r;
}

/// Computed indices in [-dim, dim) as i32 in [0, dim).
FailureOr<Value> normalizeRuntimeIndices(Node &n, Value idx, int64_t dim) {
  Value i64 = n.b.cast(idx, n.b.i64());
  FailureOr<Value> neg = n.b.binary(B::Greater, n.b.scalarLike(i64, 0), i64);
  FailureOr<Value> up = n.b.affine(i64, 1.0, double(dim));
  if (failed(neg) || failed(up))
    return failure();
  FailureOr<Value> r = n.b.select(*neg, *up, i64);
  return failed(r) ? FailureOr<Value>()
                   : FailureOr<Value>(n.b.cast(*r, n.b.i32()));
}

LogicalResult gatherOp(Node &n) {
  FailureOr<Value> x = n.value(0);
  if (failed(x))
    return failure();
  Shape xs = TosaBuilder::shapeOf(*x), is = n.in(1).shape;
  FailureOr<int64_t> axis = n.axis(n.attrInt("axis", 0), int64_t(xs.size()));
  if (failed(axis))
    return failure();
  if (n.in(1).isFloat())
    return n.fail() << "indices must be integers";
  int64_t dim = xs[*axis];
  Shape shape(xs.begin(), xs.begin() + *axis);
  shape.append(is.begin(), is.end());
  shape.append(xs.begin() + *axis + 1, xs.end());
  if (std::optional<SmallVector<int64_t, 4>> idx = n.hostInts(1)) {
    FailureOr<SmallVector<int64_t, 4>> norm = normalizeIndices(n, *idx, dim);
    if (failed(norm))
      return failure();
    return n.define(0, n.b.reshape(n.b.gatherAxis(*x, *axis, *norm), shape));
  }
  FailureOr<Value> iv = n.value(1);
  if (failed(iv))
    return failure();
  FailureOr<Value> norm = normalizeRuntimeIndices(n, *iv, dim);
  if (failed(norm))
    return failure();
  int64_t outer = product(ArrayRef<int64_t>(xs).take_front(*axis));
  int64_t inner = product(ArrayRef<int64_t>(xs).drop_front(*axis + 1));
  int64_t w = product(is);
  Value rows = n.b.tile(n.b.reshape(*norm, {1, w}), {outer, 1});
  Value g =
      n.b.emit<tosa::GatherOp>({outer, w, inner}, TosaBuilder::elementOf(*x),
                               {n.b.reshape(*x, {outer, dim, inner}), rows});
  return n.define(0, n.b.reshape(g, shape));
}

/// out[i] = x[i with i[axis] replaced by idx[i]]: a gather over the
/// flattened input at constant offsets plus idx * stride(axis).
LogicalResult gatherElementsOp(Node &n) {
  FailureOr<Value> x = n.value(0);
  if (failed(x))
    return failure();
  Shape xs = TosaBuilder::shapeOf(*x), is = n.in(1).shape;
  int64_t rank = int64_t(xs.size());
  FailureOr<int64_t> axis = n.axis(n.attrInt("axis", 0), rank);
  if (failed(axis))
    return failure();
  if (int64_t(is.size()) != rank)
    return n.fail() << "indices must have the input's rank";
  for (int64_t d = 0; d < rank; ++d)
    if (d != *axis && is[d] > xs[d])
      return n.fail() << "indices exceed the input in dimension " << d;
  Shape strides = kite::interp::stridesOf(xs),
        istrides = kite::interp::stridesOf(is);
  int64_t count = product(is);
  Tensor base = Tensor::ints({1, count});
  for (int64_t k = 0; k < count; ++k) {
    int64_t rem = k;
    for (int64_t d = 0; d < rank; ++d) {
      int64_t c = rem / istrides[d];
      rem %= istrides[d];
      if (d != *axis)
        base.i[k] += c * strides[d];
    }
  }
  Value flatIdx;
  int64_t dim = xs[*axis];
  if (std::optional<SmallVector<int64_t, 4>> idx = n.hostInts(1)) {
    FailureOr<SmallVector<int64_t, 4>> norm = normalizeIndices(n, *idx, dim);
    if (failed(norm))
      return failure();
    for (int64_t k = 0; k < count; ++k)
      base.i[k] += (*norm)[k] * strides[*axis];
    flatIdx = n.b.constant(base, n.b.i32());
  } else {
    FailureOr<Value> iv = n.value(1);
    if (failed(iv))
      return failure();
    FailureOr<Value> norm = normalizeRuntimeIndices(n, *iv, dim);
    if (failed(norm))
      return failure();
    FailureOr<Value> scaled =
        n.b.affine(n.b.reshape(*norm, {1, count}), double(strides[*axis]), 0.0);
    if (failed(scaled))
      return failure();
    FailureOr<Value> sum =
        n.b.binary(B::Add, *scaled, n.b.constant(base, n.b.i32()));
    if (failed(sum))
      return failure();
    flatIdx = *sum;
  }
  Value g =
      n.b.emit<tosa::GatherOp>({1, count, 1}, TosaBuilder::elementOf(*x),
                               {n.b.reshape(*x, {1, product(xs), 1}), flatIdx});
  return n.define(0, n.b.reshape(g, is));
}

LogicalResult transposeOp(Node &n) {
  FailureOr<Value> x = n.value(0);
  if (failed(x))
    return failure();
  size_t rank = n.in(0).shape.size();
  Shape perm = n.attrInts("perm");
  SmallVector<int32_t> perms;
  SmallVector<bool> used(rank, false);
  for (size_t d = 0; d < rank; ++d) {
    int64_t p = perm.empty() ? int64_t(rank - 1 - d) : perm[d];
    if (perm.size() && perm.size() != rank)
      return n.fail() << "perm has " << perm.size() << " entries for rank "
                      << rank;
    if (p < 0 || p >= int64_t(rank) || used[p])
      return n.fail() << "perm is not a permutation of 0.." << rank - 1;
    used[p] = true;
    perms.push_back(int32_t(p));
  }
  return n.define(0, n.b.transpose(*x, perms));
}

LogicalResult expandOp(Node &n) {
  FailureOr<Value> x = n.value(0);
  FailureOr<SmallVector<int64_t, 4>> target = n.constInts(1, "shape");
  if (failed(x) || failed(target))
    return failure();
  Shape xs = TosaBuilder::shapeOf(*x);
  size_t rank = std::max(xs.size(), target->size());
  xs.insert(xs.begin(), rank - xs.size(), 1);
  target->insert(target->begin(), rank - target->size(), 1);
  Shape out;
  for (size_t d = 0; d < rank; ++d) {
    int64_t a = xs[d], t = (*target)[d];
    if (a != t && a != 1 && t != 1)
      return n.fail() << "dimension " << d << " of size " << a
                      << " does not broadcast to " << t;
    out.push_back(a == 1 ? t : a);
  }
  return n.define(0, n.b.broadcastTo(*x, out));
}

LogicalResult tileOp(Node &n) {
  FailureOr<Value> x = n.value(0);
  FailureOr<SmallVector<int64_t, 4>> repeats = n.constInts(1, "repeats");
  if (failed(x) || failed(repeats))
    return failure();
  if (repeats->size() != n.in(0).shape.size() ||
      llvm::any_of(*repeats, [](int64_t r) { return r < 1; }))
    return n.fail() << "repeats needs one value >= 1 per dimension";
  return n.define(0, n.b.tile(*x, *repeats));
}

/// Pad: constant, edge or reflect, pads as an input (or attribute before
/// opset 11); negative pads crop.
LogicalResult padOp(Node &n) {
  FailureOr<Value> x = n.value(0);
  if (failed(x))
    return failure();
  Shape xs = TosaBuilder::shapeOf(*x);
  size_t rank = xs.size();
  std::string mode = n.attrString("mode", "constant");
  if (mode != "constant" && mode != "edge" && mode != "reflect")
    return n.unsupported("mode", mode);
  Shape pads = n.attrInts("pads");
  double value = n.attrFloat("value", 0.0f);
  if (n.has(1)) {
    FailureOr<SmallVector<int64_t, 4>> p = n.constInts(1, "pads");
    if (failed(p))
      return failure();
    pads = *p;
  }
  if (n.has(2)) {
    FailureOr<double> v = n.constScalar(2, "constant_value");
    if (failed(v))
      return failure();
    value = *v;
  }
  Shape axesList;
  for (size_t d = 0; d < rank; ++d)
    axesList.push_back(int64_t(d));
  if (n.has(3)) {
    FailureOr<SmallVector<int64_t, 4>> a = n.constInts(3, "axes");
    if (failed(a))
      return failure();
    axesList.clear();
    for (int64_t v : *a) {
      FailureOr<int64_t> ax = n.axis(v, int64_t(rank));
      if (failed(ax))
        return failure();
      axesList.push_back(*ax);
    }
  }
  size_t k = axesList.size();
  if (pads.size() != 2 * k)
    return n.fail() << "expected " << 2 * k << " pads, got " << pads.size();
  Shape before(rank, 0), after(rank, 0);
  for (size_t j = 0; j < k; ++j) {
    if (std::abs(pads[j]) > kMaxElements ||
        std::abs(pads[j + k]) > kMaxElements)
      return n.fail() << "pads are out of range";
    before[axesList[j]] = pads[j];
    after[axesList[j]] = pads[j + k];
  }
  // Negative pads crop first.
  Shape start(rank, 0), size(xs);
  for (size_t d = 0; d < rank; ++d) {
    if (before[d] < 0)
      start[d] = -before[d], size[d] += before[d], before[d] = 0;
    if (after[d] < 0)
      size[d] += after[d], after[d] = 0;
    if (size[d] < 1)
      return n.fail() << "pads crop dimension " << d << " away";
  }
  Value y = n.b.slice(*x, start, size);
  if (mode == "constant")
    return n.define(0, n.b.pad(y, before, after, value));
  for (size_t d = 0; d < rank; ++d) {
    if (!before[d] && !after[d])
      continue;
    int64_t dim = size[d];
    if (mode == "reflect" && (before[d] >= dim || after[d] >= dim))
      return n.fail() << "reflect pads must be smaller than the dimension";
    SmallVector<int64_t> idx;
    for (int64_t i = -before[d]; i < dim + after[d]; ++i) {
      int64_t j = i;
      if (mode == "edge")
        j = std::clamp<int64_t>(i, 0, dim - 1);
      else if (i < 0)
        j = -i;
      else if (i >= dim)
        j = 2 * (dim - 1) - i;
      idx.push_back(j);
    }
    y = n.b.gatherAxis(y, int64_t(d), idx);
  }
  return n.define(0, y);
}

template <bool ToSpace> LogicalResult depthSpaceOp(Node &n) {
  FailureOr<Value> x = n.value(0);
  if (failed(x))
    return failure();
  Shape xs = TosaBuilder::shapeOf(*x);
  int64_t bs = n.attrInt("blocksize", 0);
  if (xs.size() != 4 || bs < 1)
    return n.fail() << "needs a 4-D input and blocksize >= 1";
  int64_t N = xs[0], C = xs[1], H = xs[2], W = xs[3];
  if (ToSpace) {
    if (C % (bs * bs))
      return n.fail() << "channels " << C << " do not divide by blocksize^2";
    bool crd = n.attrString("mode", "DCR") == "CRD";
    Value r = crd ? n.b.reshape(*x, {N, C / (bs * bs), bs, bs, H, W})
                  : n.b.reshape(*x, {N, bs, bs, C / (bs * bs), H, W});
    r = crd ? n.b.transpose(r, {0, 1, 4, 2, 5, 3})
            : n.b.transpose(r, {0, 3, 4, 1, 5, 2});
    return n.define(0, n.b.reshape(r, {N, C / (bs * bs), H * bs, W * bs}));
  }
  if (H % bs || W % bs)
    return n.fail() << "spatial dimensions do not divide by blocksize";
  Value r = n.b.reshape(*x, {N, C, H / bs, bs, W / bs, bs});
  r = n.b.transpose(r, {0, 3, 5, 1, 2, 4});
  return n.define(0, n.b.reshape(r, {N, C * bs * bs, H / bs, W / bs}));
}

LogicalResult triluOp(Node &n) {
  FailureOr<Value> x = n.value(0);
  if (failed(x))
    return failure();
  Shape xs = TosaBuilder::shapeOf(*x);
  if (xs.size() < 2)
    return n.fail() << "the input must have rank >= 2";
  int64_t k = 0;
  if (n.has(1)) {
    FailureOr<double> kv = n.constScalar(1, "k");
    if (failed(kv))
      return failure();
    k = int64_t(*kv);
  }
  bool upper = n.attrInt("upper", 1);
  int64_t rows = xs[xs.size() - 2], cols = xs.back();
  Shape maskShape(xs.size() - 2, 1);
  maskShape.append({rows, cols});
  Tensor mask = Tensor::ints(maskShape);
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t j = 0; j < cols; ++j)
      mask.i[i * cols + j] = upper ? j - i >= k : j - i <= k;
  return n.define(
      0, n.b.select(n.b.constant(mask, n.b.i1()), *x, n.b.scalarLike(*x, 0.0)));
}

/// The element type of a `dtype` attribute, or `dflt`.
FailureOr<Type> dtypeAttr(Node &n, Type dflt) {
  if (!n.hasAttr("dtype"))
    return dflt;
  int64_t dt = n.attrInt("dtype", 1);
  Type t = elementTypeOf(int(dt), n.b.context());
  if (!t)
    return n.fail() << "dtype "
                    << onnx::TensorProto::DataType_Name(
                           onnx::TensorProto::DataType(dt))
                    << " is not supported";
  return t;
}

LogicalResult constantOfShapeOp(Node &n) {
  FailureOr<SmallVector<int64_t, 4>> shape = n.constInts(0, "shape");
  if (failed(shape))
    return failure();
  for (int64_t d : *shape)
    if (d < 0 || d > (int64_t(1) << 30))
      return n.fail() << "shape entry " << d << " is out of range";
  Tensor value = Tensor::floats({1});
  Type element = n.b.f32();
  if (const onnx::AttributeProto *a = n.attr("value")) {
    std::string error;
    FailureOr<Tensor> t = decodeTensor(a->t(), n.b.context(), element, error);
    if (failed(t))
      return n.fail() << error;
    if (t->size() != 1)
      return n.fail() << "value must have one element";
    value = *t;
  }
  Tensor r = value.isFloat ? Tensor::floats(*shape, value.f[0])
                           : Tensor::ints(*shape, value.i[0]);
  return n.defineHost(0, std::move(r), element);
}

LogicalResult rangeOp(Node &n) {
  FailureOr<double> start = n.constScalar(0, "start"),
                    limit = n.constScalar(1, "limit"),
                    delta = n.constScalar(2, "delta");
  if (failed(start) || failed(limit) || failed(delta))
    return failure();
  if (*delta == 0)
    return n.fail() << "delta is 0";
  double count = std::ceil((*limit - *start) / *delta);
  if (!(count < double(1 << 30)))
    return n.fail() << "the range has too many elements";
  int64_t len = std::max<int64_t>(0, int64_t(count));
  bool isFloat = n.in(0).isFloat();
  Tensor r = isFloat ? Tensor::floats({len}) : Tensor::ints({len});
  for (int64_t k = 0; k < len; ++k) {
    if (isFloat)
      r.f[k] = float(*start + double(k) * *delta);
    else
      r.i[k] = int64_t(*start) + k * int64_t(*delta);
  }
  return n.defineHost(0, std::move(r), n.in(0).element);
}

LogicalResult eyeLikeOp(Node &n) {
  Shape s = n.in(0).shape;
  if (s.size() != 2)
    return n.fail() << "the input must be 2-D";
  FailureOr<Type> element = dtypeAttr(n, n.in(0).element);
  if (failed(element))
    return failure();
  int64_t k = n.attrInt("k", 0);
  bool isFloat = isa<FloatType>(*element);
  Tensor r = isFloat ? Tensor::floats(s) : Tensor::ints(s);
  for (int64_t i = 0; i < s[0]; ++i) {
    int64_t j = i + k;
    if (j < 0 || j >= s[1])
      continue;
    if (isFloat)
      r.f[i * s[1] + j] = 1;
    else
      r.i[i * s[1] + j] = 1;
  }
  return n.defineHost(0, std::move(r), *element);
}

void add(OpTable &t, StringRef name, int minIn, int maxIn, Handler h,
         StringRef notes = "", int maxOut = 1) {
  OpInfo info;
  info.family = "Shape";
  info.minInputs = minIn;
  info.maxInputs = maxIn;
  info.maxOutputs = maxOut;
  info.handler = h;
  info.notes = notes;
  t[name] = info;
}
} // namespace

void kite::onnximport::registerShapeOps(OpTable &t) {
  add(t, "Reshape", 2, 2, reshapeOp, "constant shape; allowzero");
  add(t, "Flatten", 1, 1, flattenOp);
  add(t, "Squeeze", 1, 2, squeezeOp, "axes as attribute or constant input");
  add(t, "Unsqueeze", 1, 2, unsqueezeOp, "axes as attribute or constant input");
  add(t, "Shape", 1, 1, shapeOp, "start, end");
  add(t, "Size", 1, 1, sizeOp);
  add(t, "Concat", 1, -1, concatOp);
  add(t, "Split", 1, 2, splitOp, "sizes as attribute or constant input", 64);
  add(t, "Slice", 1, 5, sliceOp, "constant starts, ends, axes and any steps");
  add(t, "Gather", 2, 2, gatherOp, "constant or computed indices");
  add(t, "GatherElements", 2, 2, gatherElementsOp,
      "constant or computed indices");
  add(t, "Transpose", 1, 1, transposeOp);
  add(t, "Expand", 2, 2, expandOp, "constant shape");
  add(t, "Tile", 2, 2, tileOp, "constant repeats");
  add(t, "Pad", 1, 4, padOp,
      "constant, edge, reflect; constant pads, value and axes");
  add(t, "DepthToSpace", 1, 1, depthSpaceOp<true>, "DCR and CRD");
  add(t, "SpaceToDepth", 1, 1, depthSpaceOp<false>);
  add(t, "Trilu", 1, 2, triluOp, "constant k");
  add(t, "ConstantOfShape", 1, 1, constantOfShapeOp, "constant shape");
  add(t, "Range", 3, 3, rangeOp, "constant start, limit and delta");
  add(t, "EyeLike", 1, 1, eyeLikeOp);
}
