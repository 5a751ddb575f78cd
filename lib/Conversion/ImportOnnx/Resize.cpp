//===- Resize.cpp - ONNX Resize and Upsample ------------------------------===//
//
// Resizing is separable: along each resized axis, every output position
// reads a few input positions (taps) with fixed weights, computed here from
// ONNX's coordinate transformation in f32 as onnxruntime does. Nearest
// resizing is one gather per axis; linear and cubic ones sum gathered taps
// times constant weights. Every coordinate_transformation_mode and
// nearest_mode of opset 11-17 is taken, scales or sizes.
//
//===----------------------------------------------------------------------===//

#include "Importer.h"

#include <array>
#include <cmath>

using namespace mlir;
using namespace kite::onnximport;
using B = TosaBuilder::Binary;

namespace {

struct Tap {
  int64_t index;
  float weight;
};

/// How one axis resizes: per output position, its taps; `outside` marks
/// positions tf_crop_and_resize puts outside the input (they take the
/// extrapolation value).
struct AxisPlan {
  std::vector<std::vector<Tap>> taps;
  std::vector<bool> outside;
  bool identity() const {
    for (size_t k = 0; k < taps.size(); ++k) {
      if (outside[k])
        return false;
      for (const Tap &t : taps[k])
        if (t.weight != 0.0f && (t.index != int64_t(k) || t.weight != 1.0f))
          return false;
    }
    return true;
  }
};

struct ResizeAttrs {
  std::string mode, coord, nearest;
  float cubicA = -0.75f, extrapolation = 0.0f;
  bool excludeOutside = false;
};

/// The input coordinate of output position `x`. `outLen` is the resized
/// length before rounding (in * scale) when scales are given, as in ONNX's
/// reference.
float sourceCoordinate(const ResizeAttrs &a, float x, float scale, int64_t in,
                       float outLen, float roiStart, float roiEnd) {
  const std::string &c = a.coord;
  if (c == "half_pixel")
    return (x + 0.5f) / scale - 0.5f;
  if (c == "pytorch_half_pixel")
    return outLen > 1 ? (x + 0.5f) / scale - 0.5f : 0.0f;
  if (c == "align_corners")
    return outLen == 1 ? 0.0f : x * float(in - 1) / (outLen - 1);
  if (c == "tf_half_pixel_for_nn")
    return (x + 0.5f) / scale;
  if (c == "tf_crop_and_resize")
    return outLen > 1
               ? roiStart * float(in - 1) +
                     x * (roiEnd - roiStart) * float(in - 1) / (outLen - 1)
               : 0.5f * (roiStart + roiEnd) * float(in - 1);
  return x / scale; // asymmetric
}

int64_t nearestIndex(const std::string &mode, float x, float scale) {
  if (mode == "floor")
    return int64_t(std::floor(x));
  if (mode == "ceil")
    return int64_t(std::ceil(x));
  if (mode == "round_prefer_ceil")
    return int64_t(std::round(x));
  // round_prefer_floor; a downsampling "simple" rounding would differ.
  (void)scale;
  if (x == std::floor(x) + 0.5f)
    return int64_t(std::floor(x));
  return int64_t(std::round(x));
}

/// Keys' cubic convolution weights for a fractional offset t in [0, 1).
std::array<float, 4> cubicCoefficients(float t, float A) {
  auto near = [&](float d) { return ((A + 2) * d - (A + 3)) * d * d + 1; };
  auto far = [&](float d) { return ((A * d - 5 * A) * d + 8 * A) * d - 4 * A; };
  return {far(t + 1), near(t), near(1 - t), far(2 - t)};
}

AxisPlan planAxis(const ResizeAttrs &a, int64_t in, int64_t out, float outLen,
                  float scale, float roiStart, float roiEnd) {
  AxisPlan p;
  p.taps.resize(size_t(out));
  p.outside.assign(size_t(out), false);
  bool crop = a.coord == "tf_crop_and_resize";
  for (int64_t k = 0; k < out; ++k) {
    float x =
        sourceCoordinate(a, float(k), scale, in, outLen, roiStart, roiEnd);
    if (crop && (x < 0 || x > float(in - 1))) {
      // No input: as many taps as the others, all of weight 0.
      p.outside[k] = true;
      size_t taps = a.mode == "nearest" ? 1 : a.mode == "linear" ? 2 : 4;
      p.taps[k].assign(taps, {0, 0.0f});
      continue;
    }
    auto clampIndex = [&](int64_t i) {
      return std::clamp<int64_t>(i, 0, in - 1);
    };
    if (a.mode == "nearest") {
      p.taps[k].push_back({clampIndex(nearestIndex(a.nearest, x, scale)), 1});
    } else if (a.mode == "linear") {
      float xc = std::clamp(x, 0.0f, float(in - 1));
      int64_t x0 = int64_t(xc), x1 = std::min<int64_t>(x0 + 1, in - 1);
      float w1 = xc - float(x0);
      p.taps[k].push_back({x0, 1.0f - w1});
      p.taps[k].push_back({x1, w1});
    } else {
      int64_t base = int64_t(std::floor(x));
      std::array<float, 4> w = cubicCoefficients(x - float(base), a.cubicA);
      float sum = 0;
      for (int t = 0; t < 4; ++t) {
        int64_t i = base - 1 + t;
        if (a.excludeOutside && (i < 0 || i >= in))
          w[t] = 0;
        sum += w[t];
      }
      for (int t = 0; t < 4; ++t)
        p.taps[k].push_back(
            {clampIndex(base - 1 + t), a.excludeOutside ? w[t] / sum : w[t]});
    }
  }
  return p;
}

/// Applies one axis's plan: a gather (nearest) or the weighted sum of the
/// gathered taps.
FailureOr<Value> applyAxis(Node &n, Value x, int64_t axis, const AxisPlan &p,
                           float extrapolation) {
  Shape xs = TosaBuilder::shapeOf(x);
  int64_t out = int64_t(p.taps.size());
  size_t taps = p.taps[0].size();
  Shape wShape(xs.size(), 1);
  wShape[axis] = out;
  Value acc;
  for (size_t t = 0; t < taps; ++t) {
    SmallVector<int64_t> idx;
    Tensor w = Tensor::floats(wShape);
    for (int64_t k = 0; k < out; ++k) {
      idx.push_back(p.taps[k][t].index);
      w.f[k] = p.taps[k][t].weight;
    }
    Value g = n.b.gatherAxis(x, axis, idx);
    bool unit = llvm::all_of(w.f, [](float v) { return v == 1.0f; });
    if (!unit) {
      FailureOr<Value> m = n.b.binary(B::Mul, g, n.b.constant(w, n.b.f32()));
      if (failed(m))
        return failure();
      g = *m;
    }
    if (!acc) {
      acc = g;
      continue;
    }
    FailureOr<Value> s = n.b.binary(B::Add, acc, g);
    if (failed(s))
      return failure();
    acc = *s;
  }
  if (extrapolation != 0.0f && llvm::is_contained(p.outside, true)) {
    Tensor e = Tensor::floats(wShape);
    for (int64_t k = 0; k < out; ++k)
      e.f[k] = p.outside[k] ? extrapolation : 0.0f;
    return n.b.binary(B::Add, acc, n.b.constant(e, n.b.f32()));
  }
  return acc;
}

FailureOr<Value> resize(Node &n, Value x, const ResizeAttrs &a,
                        ArrayRef<float> scales, ArrayRef<int64_t> sizes,
                        ArrayRef<float> roi) {
  if (a.mode != "nearest" && a.mode != "linear" && a.mode != "cubic")
    return n.unsupported("mode", a.mode);
  static const char *coords[] = {"half_pixel",           "pytorch_half_pixel",
                                 "align_corners",        "asymmetric",
                                 "tf_half_pixel_for_nn", "tf_crop_and_resize"};
  if (!llvm::is_contained(coords, a.coord))
    return n.unsupported("coordinate_transformation_mode", a.coord);
  static const char *nearestModes[] = {"round_prefer_floor",
                                       "round_prefer_ceil", "floor", "ceil"};
  if (a.mode == "nearest" && !llvm::is_contained(nearestModes, a.nearest))
    return n.unsupported("nearest_mode", a.nearest);
  if (!isa<FloatType>(TosaBuilder::elementOf(x)))
    return n.fail() << "only float tensors are supported";
  Shape xs = TosaBuilder::shapeOf(x);
  size_t rank = xs.size();
  if ((!scales.empty() && scales.size() != rank) ||
      (!sizes.empty() && sizes.size() != rank))
    return n.fail() << "scales or sizes need one value per dimension";
  if (scales.empty() && sizes.empty())
    return n.fail() << "needs scales or sizes";
  if (a.coord == "tf_crop_and_resize" && roi.size() != 2 * rank)
    return n.fail() << "tf_crop_and_resize needs an roi of " << 2 * rank
                    << " values";
  for (size_t d = 0; d < rank; ++d) {
    int64_t out;
    float scale, outLen;
    if (!sizes.empty()) {
      out = sizes[d];
      scale = float(out) / float(xs[d]);
      outLen = float(out);
    } else {
      scale = scales[d];
      if (!(scale > 0))
        return n.fail() << "scale " << scale << " is not positive";
      outLen = float(xs[d]) * scale;
      out = int64_t(std::floor(outLen));
    }
    if (out < 1)
      return n.fail() << "dimension " << d << " resizes to " << out;
    float roiStart = roi.empty() ? 0.0f : roi[d],
          roiEnd = roi.empty() ? 1.0f : roi[d + rank];
    AxisPlan p = planAxis(a, xs[d], out, outLen, scale, roiStart, roiEnd);
    if (out == xs[d] && p.identity())
      continue;
    FailureOr<Value> r = applyAxis(n, x, int64_t(d), p, a.extrapolation);
    if (failed(r))
      return failure();
    x = *r;
  }
  return x;
}

/// The floats of a constant input (empty when the input is missing or
/// empty).
FailureOr<SmallVector<float>> constFloats(Node &n, int i, StringRef what) {
  SmallVector<float> r;
  if (!n.has(i))
    return r;
  if (!n.in(i).host)
    return n.notConstant(i, what);
  const Tensor &t = *n.in(i).host;
  for (int64_t k = 0, e = t.size(); k < e; ++k)
    r.push_back(t.isFloat ? t.f[k] : float(t.i[k]));
  return r;
}

LogicalResult resizeOp(Node &n) {
  FailureOr<Value> x = n.value(0);
  if (failed(x))
    return failure();
  ResizeAttrs a;
  a.mode = n.attrString("mode", "nearest");
  a.coord = n.attrString("coordinate_transformation_mode",
                         n.opset >= 11 ? "half_pixel" : "asymmetric");
  a.nearest = n.attrString("nearest_mode", "round_prefer_floor");
  a.cubicA = n.attrFloat("cubic_coeff_a", -0.75f);
  a.excludeOutside = n.attrInt("exclude_outside", 0);
  a.extrapolation = n.attrFloat("extrapolation_value", 0.0f);
  if (n.hasAttr("antialias") && n.attrInt("antialias", 0))
    return n.unsupported("antialias", "1");
  // Opset 10: (X, scales); 11+: (X, roi, scales, sizes).
  int scalesAt = n.opset >= 11 ? 2 : 1;
  FailureOr<SmallVector<float>> roi =
      n.opset >= 11 ? constFloats(n, 1, "roi") : SmallVector<float>();
  FailureOr<SmallVector<float>> scales = constFloats(n, scalesAt, "scales");
  if (failed(roi) || failed(scales))
    return failure();
  SmallVector<int64_t> sizes;
  if (n.opset >= 11 && n.has(3)) {
    FailureOr<SmallVector<int64_t, 4>> s = n.constInts(3, "sizes");
    if (failed(s))
      return failure();
    sizes.assign(s->begin(), s->end());
  }
  if (!sizes.empty())
    scales->clear();
  return n.define(0, resize(n, *x, a, *scales, sizes, *roi));
}

LogicalResult upsampleOp(Node &n) {
  FailureOr<Value> x = n.value(0);
  if (failed(x))
    return failure();
  ResizeAttrs a;
  a.mode = n.attrString("mode", "nearest");
  if (a.mode == "bilinear")
    a.mode = "linear";
  a.coord = "asymmetric";
  a.nearest = "floor";
  FailureOr<SmallVector<float>> scales = constFloats(n, 1, "scales");
  if (failed(scales))
    return failure();
  if (scales->empty())
    for (float s : n.attrFloats("scales"))
      scales->push_back(s);
  return n.define(0, resize(n, *x, a, *scales, {}, {}));
}

void add(OpTable &t, StringRef name, int minIn, int maxIn, Handler h,
         StringRef notes) {
  OpInfo info;
  info.family = "Resize";
  info.minInputs = minIn;
  info.maxInputs = maxIn;
  info.handler = h;
  info.notes = notes;
  t[name] = info;
}
} // namespace

void kite::onnximport::registerResizeOps(OpTable &t) {
  add(t, "Resize", 1, 4, resizeOp,
      "nearest (every nearest_mode), linear, cubic; every "
      "coordinate_transformation_mode; constant scales or sizes");
  add(t, "Upsample", 1, 2, upsampleOp, "nearest and linear");
}
