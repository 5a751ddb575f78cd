//===- TosaConvKernels.cpp - TOSA matmul, convolutions and pools ----------===//
//
// tosa.matmul (numerics::gemm for floats), conv2d (numerics::gemmDouble),
// depthwise_conv2d, transpose_conv2d and the 2-D pools, on NHWC tensors as
// TOSA defines them.
//
//===----------------------------------------------------------------------===//

#include "KernelSupport.h"

#include "kite/Numerics/Gemm.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace kite::interp;

namespace {

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
    for (int64_t k = 0; k < n; ++k)
      kite::numerics::gemm(h, w, c, {a.f.data() + k * h * c, c},
                           {b.f.data() + k * c * w, w}, r.f.data() + k * h * w,
                           w);
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

/// The window geometry of a convolution: pad [top, bottom, left, right],
/// stride and dilation.
struct ConvGeometry {
  ArrayRef<int64_t> pad, stride, dil;
};

/// Checks what every convolution kernel needs: float NHWC input and weights
/// of the expected rank, a bias with one value or one per output channel.
LogicalResult checkConv(Operation *op, ArrayRef<const Tensor *> in,
                        int64_t outChannels) {
  const Tensor &x = *in[0], &wt = *in[1], &bias = *in[2];
  if (!x.isFloat || !wt.isFloat || !bias.isFloat)
    return op->emitOpError("is only supported on float tensors");
  if (x.shape.size() != 4 || wt.shape.size() != 4)
    return op->emitOpError("needs 4-D input and weights");
  if (bias.size() != 1 && bias.size() != outChannels)
    return op->emitOpError("bias has ")
           << bias.size() << " values for " << outChannels << " channels";
  return success();
}

LogicalResult conv2dKernel(Operation *op, ArrayRef<const Tensor *> in,
                           SmallVectorImpl<Tensor> &out) {
  auto conv = cast<tosa::Conv2DOp>(op);
  const Tensor &x = *in[0], &wt = *in[1], &bias = *in[2];
  FailureOr<SmallVector<int64_t, 4>> shape = resultShape(op);
  if (failed(shape) || failed(checkConv(op, in, (*shape)[3])))
    return failure();
  ArrayRef<int64_t> pad = conv.getPad(), stride = conv.getStride(),
                    dil = conv.getDilation();
  int64_t n = x.shape[0], ih = x.shape[1], iw = x.shape[2], c = x.shape[3];
  int64_t oc = wt.shape[0], kh = wt.shape[1], kw = wt.shape[2];
  if (wt.shape[3] != c)
    return op->emitOpError("weights and input disagree on channels");
  int64_t oh = (*shape)[1], ow = (*shape)[2], k = kh * kw * c;
  kite::numerics::ConvWindow window =
      tosaConvWindow(pad, stride, dil, ih, iw, kh, kw, oh, ow);
  // im2col: each output pixel's window as a row of [KH * KW * C] (zeros in
  // the padding), then one matrix product with the [OC, KH * KW * C]
  // weights per image.
  // The products accumulate in double: deep float networks (PP-OCR's 60
  // convolutions) amplify the order-dependent rounding of f32 sums past
  // 1e-4 of their outputs; the reference interpreter keeps that error small.
  std::vector<double> w(wt.f.begin(), wt.f.begin() + oc * k);
  Tensor r = Tensor::floats(*shape);
  std::vector<double> patches(size_t(oh * ow * k)), sum(size_t(oh * ow * oc));
  for (int64_t b = 0; b < n; ++b) {
    const float *image = &x.f[b * ih * iw * c];
    std::fill(patches.begin(), patches.end(), 0.0);
    for (int64_t y = 0; y < oh; ++y)
      for (int64_t xo = 0; xo < ow; ++xo) {
        double *row = &patches[(y * ow + xo) * k];
        for (int64_t ky = 0; ky < kh; ++ky)
          for (int64_t kx = 0; kx < kw; ++kx) {
            int64_t iy, ix;
            if (window.source(y, xo, ky, kx, iy, ix))
              std::copy_n(&image[(iy * iw + ix) * c], c,
                          &row[(ky * kw + kx) * c]);
          }
      }
    kite::numerics::gemmDouble(oh * ow, oc, k, patches.data(), w.data(),
                               sum.data(), oc);
    float *dst = &r.f[b * oh * ow * oc];
    for (int64_t p = 0; p < oh * ow; ++p)
      for (int64_t o = 0; o < oc; ++o)
        dst[p * oc + o] =
            float(sum[p * oc + o] + double(bias.f[bias.size() == 1 ? 0 : o]));
  }
  out.push_back(std::move(r));
  return success();
}

/// tosa.depthwise_conv2d: weights [KH, KW, C, M]; output channel c * M + m
/// reads input channel c only.
LogicalResult depthwiseKernel(Operation *op, ArrayRef<const Tensor *> in,
                              SmallVectorImpl<Tensor> &out) {
  auto conv = cast<tosa::DepthwiseConv2DOp>(op);
  const Tensor &x = *in[0], &wt = *in[1], &bias = *in[2];
  FailureOr<SmallVector<int64_t, 4>> shape = resultShape(op);
  if (failed(shape) || failed(checkConv(op, in, (*shape)[3])))
    return failure();
  ArrayRef<int64_t> pad = conv.getPad(), stride = conv.getStride(),
                    dil = conv.getDilation();
  int64_t n = x.shape[0], ih = x.shape[1], iw = x.shape[2], c = x.shape[3];
  int64_t kh = wt.shape[0], kw = wt.shape[1], m = wt.shape[3];
  if (wt.shape[2] != c || (*shape)[3] != c * m)
    return op->emitOpError("weights and input disagree on channels");
  int64_t oh = (*shape)[1], ow = (*shape)[2], oc = c * m;
  kite::numerics::ConvWindow window =
      tosaConvWindow(pad, stride, dil, ih, iw, kh, kw, oh, ow);
  Tensor r = Tensor::floats(*shape);
  for (int64_t b = 0; b < n; ++b)
    for (int64_t y = 0; y < oh; ++y)
      for (int64_t xo = 0; xo < ow; ++xo) {
        float *po = &r.f[((b * oh + y) * ow + xo) * oc];
        for (int64_t o = 0; o < oc; ++o)
          po[o] = bias.f[bias.size() == 1 ? 0 : o];
        for (int64_t ky = 0; ky < kh; ++ky)
          for (int64_t kx = 0; kx < kw; ++kx) {
            int64_t iy, ix;
            if (!window.source(y, xo, ky, kx, iy, ix))
              continue;
            const float *px = &x.f[((b * ih + iy) * iw + ix) * c];
            const float *pw = &wt.f[(ky * kw + kx) * c * m];
            for (int64_t o = 0; o < oc; ++o)
              po[o] += px[o / m] * pw[o];
          }
      }
  out.push_back(std::move(r));
  return success();
}

/// tosa.transpose_conv2d: weights [OC, KH, KW, IC]; input pixel (iy, ix)
/// adds into output (iy * stride + out_pad_top + ky, ix * stride +
/// out_pad_left + kx); negative out_pad crops.
LogicalResult transposeConvKernel(Operation *op, ArrayRef<const Tensor *> in,
                                  SmallVectorImpl<Tensor> &out) {
  auto conv = cast<tosa::TransposeConv2DOp>(op);
  const Tensor &x = *in[0], &wt = *in[1], &bias = *in[2];
  FailureOr<SmallVector<int64_t, 4>> shape = resultShape(op);
  if (failed(shape) || failed(checkConv(op, in, (*shape)[3])))
    return failure();
  ArrayRef<int64_t> outPad = conv.getOutPad(), stride = conv.getStride();
  int64_t n = x.shape[0], ih = x.shape[1], iw = x.shape[2], c = x.shape[3];
  int64_t oc = wt.shape[0], kh = wt.shape[1], kw = wt.shape[2];
  if (wt.shape[3] != c || (*shape)[3] != oc)
    return op->emitOpError("weights and input disagree on channels");
  int64_t oh = (*shape)[1], ow = (*shape)[2];
  Tensor r = Tensor::floats(*shape);
  for (int64_t k = 0, e = r.size(); k < e; ++k)
    r.f[k] = bias.f[bias.size() == 1 ? 0 : k % oc];
  for (int64_t b = 0; b < n; ++b)
    for (int64_t iy = 0; iy < ih; ++iy)
      for (int64_t ix = 0; ix < iw; ++ix) {
        const float *px = &x.f[((b * ih + iy) * iw + ix) * c];
        for (int64_t ky = 0; ky < kh; ++ky) {
          int64_t oy = iy * stride[0] + outPad[0] + ky;
          if (oy < 0 || oy >= oh)
            continue;
          for (int64_t kx = 0; kx < kw; ++kx) {
            int64_t ox = ix * stride[1] + outPad[2] + kx;
            if (ox < 0 || ox >= ow)
              continue;
            float *po = &r.f[((b * oh + oy) * ow + ox) * oc];
            for (int64_t o = 0; o < oc; ++o) {
              const float *pw = &wt.f[((o * kh + ky) * kw + kx) * c];
              float acc = 0;
              for (int64_t ch = 0; ch < c; ++ch)
                acc += px[ch] * pw[ch];
              po[o] += acc;
            }
          }
        }
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
  if (x.shape.size() != 4)
    return op->emitOpError("needs a 4-D input");
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
} // namespace

void kite::interp::registerTosaConvKernels(Interpreter &interp) {
  interp.registerKernel("tosa.matmul", matmulKernel);
  interp.registerKernel("tosa.conv2d", conv2dKernel);
  interp.registerKernel("tosa.depthwise_conv2d", depthwiseKernel);
  interp.registerKernel("tosa.transpose_conv2d", transposeConvKernel);
  interp.registerKernel("tosa.max_pool2d", poolKernel<true>);
  interp.registerKernel("tosa.avg_pool2d", poolKernel<false>);
}
