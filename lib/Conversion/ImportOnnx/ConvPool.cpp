//===- ConvPool.cpp - ONNX convolutions and pools -------------------------===//
//
// ONNX's windows are NCHW; TOSA's NHWC, so the importer transposes around
// them (convert-tosa-to-kite cancels the pairs again for kite.conv2d).
// 1-D windows run as 2-D ones of height 1. Convolutions: group 1 as
// tosa.conv2d, depthwise (group = channels) as tosa.depthwise_conv2d, other
// groups as one conv2d per group, concatenated. ConvTranspose is
// tosa.transpose_conv2d. Pools: 2-D undilated windows as TOSA's pools;
// dilated and 3-D windows as the max or mean of strided views.
//
//===----------------------------------------------------------------------===//

#include "Importer.h"

#include <limits>

using namespace mlir;
using namespace kite::onnximport;
using B = TosaBuilder::Binary;

namespace {

/// The window of a conv or pool over its spatial dimensions: padding at
/// both ends (resolved from auto_pad, ceil_mode and pads), the number of
/// trailing input elements no window reads (cropped, since TOSA wants the
/// padded extent minus the window to be a multiple of the stride) and the
/// output size.
struct Window {
  Shape begin, end, crop, out;
};

FailureOr<Window> resolveWindow(Node &n, ArrayRef<int64_t> in,
                                ArrayRef<int64_t> kernel,
                                ArrayRef<int64_t> strides,
                                ArrayRef<int64_t> dil, bool ceilMode) {
  size_t rank = in.size();
  Window w;
  Shape pads = n.attrInts("pads");
  if (pads.empty())
    pads.assign(2 * rank, 0);
  if (pads.size() != 2 * rank)
    return n.fail() << "pads has " << pads.size() << " values, expected "
                    << 2 * rank;
  std::string autoPad = n.attrString("auto_pad", "NOTSET");
  for (size_t d = 0; d < rank; ++d) {
    if (strides[d] < 1 || dil[d] < 1 || kernel[d] < 1)
      return n.fail() << "strides, dilations and kernel sizes must be >= 1";
    if (pads[d] < 0 || pads[d + rank] < 0)
      return n.fail() << "negative pads are not supported";
    // Bounded, the window arithmetic below cannot overflow.
    for (int64_t v : {strides[d], dil[d], kernel[d], pads[d], pads[d + rank]})
      if (v > kMaxElements)
        return n.fail() << "strides, dilations, kernel sizes and pads must "
                           "be at most 2^28, got "
                        << v;
    int64_t span = dil[d] * (kernel[d] - 1) + 1, out, lo = pads[d],
            hi = pads[d + rank];
    if (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
      out = (in[d] + strides[d] - 1) / strides[d];
      int64_t total =
          std::max<int64_t>(0, (out - 1) * strides[d] + span - in[d]);
      int64_t small = total / 2, large = total - small;
      lo = autoPad == "SAME_UPPER" ? small : large;
      hi = autoPad == "SAME_UPPER" ? large : small;
    } else if (autoPad == "VALID") {
      lo = hi = 0;
      out = (in[d] - span) / strides[d] + 1;
    } else if (autoPad == "NOTSET") {
      int64_t extent = in[d] + lo + hi - span;
      out = (ceilMode ? (extent + strides[d] - 1) / strides[d]
                      : extent / strides[d]) +
            1;
      // A ceil-mode window must start inside the input or its left padding.
      if (ceilMode && (out - 1) * strides[d] >= in[d] + lo)
        --out;
    } else {
      return n.unsupported("auto_pad", autoPad);
    }
    if (out < 1 || in[d] + lo + hi < span)
      return n.fail() << "the window is larger than the padded input";
    // Make the padded extent exactly cover the windows: grow the end
    // padding (ceil mode) or shrink it and crop unread input (floor mode).
    int64_t needed = (out - 1) * strides[d] + span;
    int64_t have = in[d] + lo + hi, crop = 0;
    if (needed > have) {
      hi += needed - have;
    } else {
      int64_t extra = have - needed;
      int64_t fromPad = std::min(extra, hi);
      hi -= fromPad;
      crop = extra - fromPad;
    }
    w.begin.push_back(lo);
    w.end.push_back(hi);
    w.crop.push_back(crop);
    w.out.push_back(out);
  }
  return w;
}

/// The window attributes of a node for `rank` spatial dimensions; kernel
/// sizes from `kernel` (conv weights) unless kernel_shape is given.
struct WindowAttrs {
  Shape kernel, strides, dil;
};

FailureOr<WindowAttrs> windowAttrs(Node &n, size_t rank,
                                   ArrayRef<int64_t> kernel) {
  WindowAttrs a;
  a.kernel = n.attrInts("kernel_shape");
  if (a.kernel.empty())
    a.kernel.assign(kernel.begin(), kernel.end());
  a.strides = n.attrInts("strides");
  a.dil = n.attrInts("dilations");
  if (a.strides.empty())
    a.strides.assign(rank, 1);
  if (a.dil.empty())
    a.dil.assign(rank, 1);
  if (a.kernel.size() != rank || a.strides.size() != rank ||
      a.dil.size() != rank)
    return n.fail() << "kernel_shape, strides and dilations must have " << rank
                    << " values";
  return a;
}

/// Lifts a 1-D window op to 2-D: [N, C, L] as [N, C, 1, L].
void liftTo2D(Shape &v, int64_t fill) { v.insert(v.begin(), fill); }

/// NCHW -> NHWC, cropping what no window reads.
Value toNHWC(Node &n, Value x, const Window &w) {
  Shape xs = TosaBuilder::shapeOf(x);
  Value nhwc = n.b.transpose(x, {0, 2, 3, 1});
  return n.b.slice(nhwc, {0, 0, 0, 0},
                   {xs[0], xs[2] - w.crop[0], xs[3] - w.crop[1], xs[1]});
}

LogicalResult convOp(Node &n) {
  FailureOr<Value> x = n.value(0), wv = n.value(1);
  if (failed(x) || failed(wv))
    return failure();
  Shape xs = TosaBuilder::shapeOf(*x), ws = TosaBuilder::shapeOf(*wv);
  if (!n.in(0).isFloat() || !n.in(1).isFloat())
    return n.fail() << "only float convolutions are supported";
  if (xs.size() != ws.size() || (xs.size() != 3 && xs.size() != 4))
    return n.fail() << "only 1-D and 2-D convolutions are supported (input "
                       "rank "
                    << xs.size() << ")";
  int64_t group = n.attrInt("group", 1);
  int64_t oc = ws[0], c = xs[1];
  if (group < 1 || c % group || oc % group || ws[1] * group != c)
    return n.fail() << "input has " << c << " channels, weights expect "
                    << ws[1] << " per group of " << group;
  size_t rank = xs.size() - 2;
  FailureOr<WindowAttrs> a =
      windowAttrs(n, rank, ArrayRef<int64_t>(ws).drop_front(2));
  if (failed(a))
    return failure();
  if (ArrayRef<int64_t>(a->kernel) != ArrayRef<int64_t>(ws).drop_front(2))
    return n.fail() << "kernel_shape does not match the weights";
  bool oneD = rank == 1;
  Value input = *x, weights = *wv;
  if (oneD) {
    liftTo2D(a->kernel, 1);
    liftTo2D(a->strides, 1);
    liftTo2D(a->dil, 1);
    input = n.b.reshape(input, {xs[0], xs[1], 1, xs[2]});
    weights = n.b.reshape(weights, {ws[0], ws[1], 1, ws[2]});
    xs = {xs[0], xs[1], 1, xs[2]};
    ws = {ws[0], ws[1], 1, ws[2]};
  }
  FailureOr<Window> w = [&]() -> FailureOr<Window> {
    if (!oneD)
      return resolveWindow(n, {xs[2], xs[3]}, a->kernel, a->strides, a->dil,
                           false);
    FailureOr<Window> w1 = resolveWindow(n, {xs[3]}, {a->kernel[1]},
                                         {a->strides[1]}, {a->dil[1]}, false);
    if (failed(w1))
      return failure();
    Window r = *w1;
    r.begin.insert(r.begin.begin(), 0);
    r.end.insert(r.end.begin(), 0);
    r.crop.insert(r.crop.begin(), 0);
    r.out.insert(r.out.begin(), 1);
    return r;
  }();
  if (failed(w))
    return failure();
  Value bias;
  if (n.has(2)) {
    FailureOr<Value> bv = n.value(2);
    if (failed(bv))
      return failure();
    bias = *bv;
  } else {
    bias = n.b.constF32({oc}, std::vector<float>(size_t(oc), 0.0f));
  }
  Value nhwc = toNHWC(n, input, *w);
  Value zp = n.b.constF32({1}, {0.0f});
  SmallVector<NamedAttribute> attrs = {
      n.b.builder().getNamedAttr(
          "pad", n.b.builder().getDenseI64ArrayAttr(
                     {w->begin[0], w->end[0], w->begin[1], w->end[1]})),
      n.b.builder().getNamedAttr(
          "stride", n.b.builder().getDenseI64ArrayAttr(a->strides)),
      n.b.builder().getNamedAttr("dilation",
                                 n.b.builder().getDenseI64ArrayAttr(a->dil)),
      n.b.builder().getNamedAttr("acc_type",
                                 TypeAttr::get(n.b.builder().getF32Type()))};
  Shape outShape = {xs[0], w->out[0], w->out[1], oc};
  Value y;
  if (group == 1) {
    y = n.b.emit<tosa::Conv2DOp>(
        outShape, n.b.f32(),
        {nhwc, n.b.transpose(weights, {0, 2, 3, 1}), bias, zp, zp}, attrs);
  } else if (group == c) {
    // Depthwise: [C * M, 1, KH, KW] -> [KH, KW, C, M].
    int64_t m = oc / c;
    Value dw =
        n.b.transpose(n.b.reshape(weights, {c, m, ws[2], ws[3]}), {2, 3, 0, 1});
    y = n.b.emit<tosa::DepthwiseConv2DOp>(outShape, n.b.f32(),
                                          {nhwc, dw, bias, zp, zp}, attrs);
  } else {
    int64_t cg = c / group, og = oc / group;
    Shape ns = TosaBuilder::shapeOf(nhwc);
    SmallVector<Value> parts;
    for (int64_t g = 0; g < group; ++g) {
      Value xg = n.b.slice(nhwc, {0, 0, 0, g * cg}, {ns[0], ns[1], ns[2], cg});
      Value wg = n.b.slice(weights, {g * og, 0, 0, 0}, {og, cg, ws[2], ws[3]});
      Value bg = n.b.slice(bias, {g * og}, {og});
      Shape gs = outShape;
      gs[3] = og;
      parts.push_back(n.b.emit<tosa::Conv2DOp>(
          gs, n.b.f32(), {xg, n.b.transpose(wg, {0, 2, 3, 1}), bg, zp, zp},
          attrs));
    }
    y = n.b.concat(parts, 3);
  }
  y = n.b.transpose(y, {0, 3, 1, 2});
  if (oneD)
    y = n.b.reshape(y, {xs[0], oc, w->out[1]});
  return n.define(0, y);
}

/// Inserts dil - 1 zeros between kernel taps along the last two dimensions
/// of constant ConvTranspose weights.
Tensor dilateKernel(const Tensor &w, int64_t dh, int64_t dw) {
  int64_t a = w.shape[0], c = w.shape[1], kh = w.shape[2], kw = w.shape[3];
  int64_t eh = (kh - 1) * dh + 1, ew = (kw - 1) * dw + 1;
  Tensor r = Tensor::floats({a, c, eh, ew});
  for (int64_t p = 0; p < a * c; ++p)
    for (int64_t y = 0; y < kh; ++y)
      for (int64_t x = 0; x < kw; ++x)
        r.f[(p * eh + y * dh) * ew + x * dw] = w.f[(p * kh + y) * kw + x];
  return r;
}

LogicalResult convTransposeOp(Node &n) {
  FailureOr<Value> x = n.value(0);
  if (failed(x))
    return failure();
  Shape xs = TosaBuilder::shapeOf(*x), ws = n.in(1).shape;
  if (!n.in(0).isFloat() || !n.in(1).isFloat())
    return n.fail() << "only float convolutions are supported";
  if (xs.size() != ws.size() || (xs.size() != 3 && xs.size() != 4))
    return n.fail() << "only 1-D and 2-D transposed convolutions are "
                       "supported";
  size_t rank = xs.size() - 2;
  int64_t group = n.attrInt("group", 1), c = xs[1];
  if (group < 1 || ws[0] != c || c % group)
    return n.fail() << "weights have " << ws[0] << " input channels, the "
                    << "input " << c << " (group " << group << ")";
  int64_t og = ws[1], oc = og * group;
  FailureOr<WindowAttrs> a =
      windowAttrs(n, rank, ArrayRef<int64_t>(ws).drop_front(2));
  if (failed(a))
    return failure();
  Shape pads = n.attrInts("pads"), outPadding = n.attrInts("output_padding"),
        outputShape = n.attrInts("output_shape");
  if (pads.empty())
    pads.assign(2 * rank, 0);
  if (outPadding.empty())
    outPadding.assign(rank, 0);
  if (pads.size() != 2 * rank || outPadding.size() != rank ||
      (!outputShape.empty() && outputShape.size() != rank))
    return n.fail() << "pads, output_padding or output_shape has the wrong "
                       "length";
  std::string autoPad = n.attrString("auto_pad", "NOTSET");
  if (autoPad != "NOTSET" && autoPad != "SAME_UPPER" &&
      autoPad != "SAME_LOWER" && autoPad != "VALID")
    return n.unsupported("auto_pad", autoPad);
  // The padding removed from each end of the full output.
  Shape lo(rank), hi(rank);
  for (size_t d = 0; d < rank; ++d) {
    int64_t span = (a->kernel[d] - 1) * a->dil[d] + 1;
    int64_t full = a->strides[d] * (xs[2 + d] - 1) + outPadding[d] + span;
    if (!outputShape.empty() || autoPad == "SAME_UPPER" ||
        autoPad == "SAME_LOWER") {
      int64_t want =
          outputShape.empty() ? xs[2 + d] * a->strides[d] : outputShape[d];
      // A negative total extends the output; halves round down (ONNX's
      // reference), so the odd element goes to the end.
      int64_t total = full - want;
      int64_t half = total >= 0 ? total / 2 : -((1 - total) / 2);
      bool upper = autoPad == "SAME_UPPER";
      lo[d] = upper ? half : total - half;
      hi[d] = total - lo[d];
    } else if (autoPad == "NOTSET") {
      lo[d] = pads[d];
      hi[d] = pads[d + rank];
    }
    if (lo[d] + hi[d] >= full)
      return n.fail() << "pads leave no output";
  }
  // Dilated kernels become undilated ones with zeros between the taps.
  Value weights;
  if (llvm::any_of(a->dil, [](int64_t d) { return d != 1; })) {
    if (!n.in(1).host)
      return n.notConstant(1, "weights of a dilated ConvTranspose");
    Tensor wt = *n.in(1).host;
    if (rank == 1)
      wt.shape = {ws[0], ws[1], 1, ws[2]};
    wt = dilateKernel(wt, rank == 1 ? 1 : a->dil[0], a->dil.back());
    if (rank == 1)
      wt.shape = {wt.shape[0], wt.shape[1], wt.shape[3]};
    weights = n.b.constant(wt, n.b.f32());
  } else {
    FailureOr<Value> wv = n.value(1);
    if (failed(wv))
      return failure();
    weights = *wv;
  }
  Value input = *x;
  Shape wsd = TosaBuilder::shapeOf(weights);
  if (rank == 1) {
    input = n.b.reshape(input, {xs[0], xs[1], 1, xs[2]});
    weights = n.b.reshape(weights, {wsd[0], wsd[1], 1, wsd[2]});
    xs = {xs[0], xs[1], 1, xs[2]};
    wsd = {wsd[0], wsd[1], 1, wsd[2]};
    liftTo2D(a->strides, 1);
    liftTo2D(lo, 0);
    liftTo2D(hi, 0);
    liftTo2D(outPadding, 0);
  }
  Value bias;
  if (n.has(2)) {
    FailureOr<Value> bv = n.value(2);
    if (failed(bv))
      return failure();
    bias = *bv;
  } else {
    bias = n.b.constF32({oc}, std::vector<float>(size_t(oc), 0.0f));
  }
  Value zp = n.b.constF32({1}, {0.0f});
  int64_t kh = wsd[2], kw = wsd[3];
  Shape outShape = {
      xs[0], (xs[2] - 1) * a->strides[0] + kh - lo[0] - hi[0] + outPadding[0],
      (xs[3] - 1) * a->strides[1] + kw - lo[1] - hi[1] + outPadding[1]};
  // TOSA: output size = (in - 1) * stride + out_pad_top + out_pad_bottom
  // + kernel; ONNX's pads crop the full output, output_padding extends it.
  SmallVector<int64_t> outPad = {-lo[0], outPadding[0] - hi[0], -lo[1],
                                 outPadding[1] - hi[1]};
  Value nhwc = n.b.transpose(input, {0, 2, 3, 1});
  auto &bld = n.b.builder();
  SmallVector<NamedAttribute> attrs = {
      bld.getNamedAttr("out_pad", bld.getDenseI64ArrayAttr(outPad)),
      bld.getNamedAttr("stride", bld.getDenseI64ArrayAttr(a->strides)),
      bld.getNamedAttr("acc_type", TypeAttr::get(bld.getF32Type()))};
  int64_t cg = c / group;
  SmallVector<Value> parts;
  for (int64_t g = 0; g < group; ++g) {
    Value xg = group == 1 ? nhwc
                          : n.b.slice(nhwc, {0, 0, 0, g * cg},
                                      {xs[0], xs[2], xs[3], cg});
    // [C/g, OC/g, KH, KW] -> [OC/g, KH, KW, C/g]
    Value wg = n.b.transpose(
        n.b.slice(weights, {g * cg, 0, 0, 0}, {cg, og, kh, kw}), {1, 2, 3, 0});
    Value bg = n.b.slice(bias, {g * og}, {og});
    parts.push_back(n.b.emit<tosa::TransposeConv2DOp>(
        {outShape[0], outShape[1], outShape[2], og}, n.b.f32(),
        {xg, wg, bg, zp, zp}, attrs));
  }
  Value y = n.b.transpose(n.b.concat(parts, 3), {0, 3, 1, 2});
  if (rank == 1)
    y = n.b.reshape(y, {xs[0], oc, outShape[2]});
  return n.define(0, y);
}

/// A pool as the max or mean of strided views of the padded input: any
/// rank, any dilation.
FailureOr<Value> poolByViews(Node &n, Value x, const WindowAttrs &a,
                             const Window &w, bool isMax, bool countPad) {
  Shape xs = TosaBuilder::shapeOf(x);
  size_t rank = xs.size() - 2;
  Shape start(xs.size(), 0), size(xs), before(xs.size(), 0),
      after(xs.size(), 0);
  for (size_t d = 0; d < rank; ++d) {
    size[2 + d] -= w.crop[d];
    before[2 + d] = w.begin[d];
    after[2 + d] = w.end[d];
  }
  double fill = isMax ? -std::numeric_limits<double>::infinity() : 0.0;
  Value padded = n.b.pad(n.b.slice(x, start, size), before, after, fill);
  Value acc;
  Shape offset(rank, 0);
  while (true) {
    Value view = padded;
    for (size_t d = 0; d < rank; ++d)
      view = n.b.stridedSlice(view, int64_t(2 + d), offset[d] * a.dil[d],
                              w.out[d], a.strides[d]);
    if (!acc) {
      acc = view;
    } else {
      FailureOr<Value> r = n.b.binary(isMax ? B::Max : B::Add, acc, view);
      if (failed(r))
        return failure();
      acc = *r;
    }
    size_t d = rank;
    while (d > 0 && ++offset[d - 1] == a.kernel[d - 1])
      offset[--d] = 0;
    if (d == 0)
      break;
  }
  if (isMax)
    return acc;
  // Divide by how many window elements each output averages: the input's
  // (and, with count_include_pad, the given pads') elements.
  Shape pads = n.attrInts("pads");
  Shape countShape(2, 1);
  countShape.append(w.out.begin(), w.out.end());
  Tensor inv = Tensor::floats(countShape);
  for (int64_t k = 0, e = inv.size(); k < e; ++k) {
    int64_t rem = k, count = 1;
    for (int64_t d = int64_t(rank) - 1; d >= 0; --d) {
      int64_t o = rem % w.out[d];
      rem /= w.out[d];
      int64_t lo = countPad && !pads.empty() ? -pads[d] : 0;
      int64_t hi = xs[2 + d] + (countPad && !pads.empty() ? pads[d + rank] : 0);
      int64_t inside = 0;
      for (int64_t t = 0; t < a.kernel[d]; ++t) {
        int64_t at = o * a.strides[d] + t * a.dil[d] - w.begin[d];
        inside += at >= lo && at < hi;
      }
      count *= inside;
    }
    inv.f[k] = count ? 1.0f / float(count) : 0.0f;
  }
  return n.b.binary(B::Mul, acc, n.b.constant(inv, n.b.f32()));
}

template <bool IsMax> LogicalResult poolOp(Node &n) {
  FailureOr<Value> x = n.value(0);
  if (failed(x))
    return failure();
  if (n.wantsOutput(1))
    return n.fail() << "the Indices output is not supported";
  if (!n.in(0).isFloat())
    return n.fail() << "only float pooling is supported";
  Shape xs = TosaBuilder::shapeOf(*x);
  if (xs.size() < 3 || xs.size() > 5)
    return n.fail() << "only 1-D, 2-D and 3-D pooling is supported";
  size_t rank = xs.size() - 2;
  if (n.attrInts("kernel_shape").empty())
    return n.fail() << "kernel_shape is required";
  FailureOr<WindowAttrs> a = windowAttrs(n, rank, {});
  if (failed(a))
    return failure();
  bool countPad = !IsMax && n.attrInt("count_include_pad", 0);
  FailureOr<Window> w =
      resolveWindow(n, ArrayRef<int64_t>(xs).drop_front(2), a->kernel,
                    a->strides, a->dil, n.attrInt("ceil_mode", 0));
  if (failed(w))
    return failure();
  bool dilated = llvm::any_of(a->dil, [](int64_t d) { return d != 1; });
  if (rank == 3 || dilated)
    return n.define(0, poolByViews(n, *x, *a, *w, IsMax, countPad));

  // 1-D and 2-D undilated windows: TOSA's pools on NHWC.
  Value input = *x;
  if (rank == 1) {
    input = n.b.reshape(input, {xs[0], xs[1], 1, xs[2]});
    for (Shape *v : {&a->kernel, &a->strides, &w->out})
      liftTo2D(*v, 1);
    for (Shape *v : {&w->begin, &w->end, &w->crop})
      liftTo2D(*v, 0);
  }
  Shape s4 = TosaBuilder::shapeOf(input);
  Value nhwc = toNHWC(n, input, *w);
  SmallVector<int64_t> pad = {w->begin[0], w->end[0], w->begin[1], w->end[1]};
  if (countPad) {
    // Zero padding that counts: pad explicitly (only the ONNX pads; the
    // ceil-mode extension is never counted).
    Shape onnxPads = n.attrInts("pads");
    if (onnxPads.empty())
      onnxPads.assign(2 * rank, 0);
    if (rank == 1)
      onnxPads = {0, onnxPads[0], 0, onnxPads[1]};
    int64_t t = onnxPads[0], l = onnxPads[1];
    int64_t bt = std::min(onnxPads[2], w->end[0]),
            r = std::min(onnxPads[3], w->end[1]);
    nhwc = n.b.pad(nhwc, {0, t, l, 0}, {0, bt, r, 0}, 0.0);
    pad = {w->begin[0] - t, w->end[0] - bt, w->begin[1] - l, w->end[1] - r};
  }
  auto &bld = n.b.builder();
  SmallVector<NamedAttribute> attrs = {
      bld.getNamedAttr("kernel", bld.getDenseI64ArrayAttr(a->kernel)),
      bld.getNamedAttr("stride", bld.getDenseI64ArrayAttr(a->strides)),
      bld.getNamedAttr("pad", bld.getDenseI64ArrayAttr(pad))};
  Shape shape = {s4[0], w->out[0], w->out[1], s4[1]};
  Value y;
  if (IsMax) {
    y = n.b.emit<tosa::MaxPool2dOp>(shape, n.b.f32(), {nhwc}, attrs);
  } else {
    attrs.push_back(
        bld.getNamedAttr("acc_type", TypeAttr::get(bld.getF32Type())));
    Value zp = n.b.constF32({1}, {0.0f});
    y = n.b.emit<tosa::AvgPool2dOp>(shape, n.b.f32(), {nhwc, zp, zp}, attrs);
  }
  y = n.b.transpose(y, {0, 3, 1, 2});
  if (rank == 1)
    y = n.b.reshape(y, {xs[0], xs[1], w->out[1]});
  return n.define(0, y);
}

template <bool IsMax> LogicalResult globalPoolOp(Node &n) {
  FailureOr<Value> x = n.value(0);
  if (failed(x))
    return failure();
  Shape xs = TosaBuilder::shapeOf(*x);
  if (xs.size() < 3)
    return n.fail() << "the input needs spatial dimensions";
  SmallVector<int64_t> axes;
  int64_t count = 1;
  for (size_t d = 2; d < xs.size(); ++d) {
    axes.push_back(int64_t(d));
    count *= xs[d];
  }
  if (IsMax)
    return n.define(0, n.b.reduce(TosaBuilder::Reduce::Max, *x, axes));
  return n.define(0, n.b.affine(n.b.reduce(TosaBuilder::Reduce::Sum, *x, axes),
                                1.0 / double(count), 0.0));
}

void add(OpTable &t, StringRef name, int minIn, int maxIn, Handler h,
         StringRef notes, int maxOut = 1) {
  OpInfo info;
  info.family = "ConvPool";
  info.minInputs = minIn;
  info.maxInputs = maxIn;
  info.maxOutputs = maxOut;
  info.handler = h;
  info.notes = notes;
  t[name] = info;
}
} // namespace

void kite::onnximport::registerConvPoolOps(OpTable &t) {
  add(t, "Conv", 2, 3, convOp,
      "1-D and 2-D; groups (depthwise as tosa.depthwise_conv2d), strides, "
      "dilations, auto_pad");
  add(t, "ConvTranspose", 2, 3, convTransposeOp,
      "1-D and 2-D; groups, output_padding, output_shape, auto_pad, "
      "dilations (constant weights)");
  add(t, "MaxPool", 1, 1, poolOp<true>,
      "1-D, 2-D, 3-D; dilations, ceil_mode, auto_pad; no Indices output", 2);
  add(t, "AveragePool", 1, 1, poolOp<false>,
      "1-D, 2-D, 3-D; count_include_pad, ceil_mode, auto_pad");
  add(t, "GlobalAveragePool", 1, 1, globalPoolOp<false>, "");
  add(t, "GlobalMaxPool", 1, 1, globalPoolOp<true>, "");
}
