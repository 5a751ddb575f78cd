//===- ConvWindow.h - the input positions of a 2-D convolution window -*- C++
//-*-===//
//
// One definition of which input pixel an output position and a filter tap
// read, shared by the interpreter's kite.conv2d (im2col), its gradient,
// FAMES' counting matrices and the simulator's im2col instruction. Plain
// C++.
//
//===----------------------------------------------------------------------===//

#ifndef KITE_NUMERICS_CONVWINDOW_H
#define KITE_NUMERICS_CONVWINDOW_H

#include <algorithm>
#include <cstdint>

namespace kite::numerics {

/// Geometry of one image plane of a strided, dilated, padded 2-D window.
struct ConvWindow {
  int64_t ih, iw; ///< input height, width
  int64_t kh, kw; ///< filter height, width
  int64_t strideY, strideX;
  int64_t padTop, padLeft;
  int64_t dilY, dilX;
  int64_t oh, ow; ///< output height, width

  /// Input position read by output (y, x) at tap (ky, kx); false when it
  /// falls into the padding.
  bool source(int64_t y, int64_t x, int64_t ky, int64_t kx, int64_t &iy,
              int64_t &ix) const {
    iy = y * strideY + ky * dilY - padTop;
    ix = x * strideX + kx * dilX - padLeft;
    return iy >= 0 && iy < ih && ix >= 0 && ix < iw;
  }

  /// The output columns [lo, hi) whose tap kx reads inside the input row,
  /// at input column x * strideX + the returned offset.
  struct Columns {
    int64_t lo, hi, offset;
  };
  Columns columnsInside(int64_t kx) const {
    int64_t offset = kx * dilX - padLeft;
    int64_t lo = std::clamp(ceilDiv(-offset, strideX), int64_t(0), ow);
    return {lo, std::clamp(ceilDiv(iw - offset, strideX), lo, ow), offset};
  }
  /// The input row output row y reads at tap ky, or -1 in the padding.
  int64_t sourceRow(int64_t y, int64_t ky) const {
    int64_t iy = y * strideY + ky * dilY - padTop;
    return iy >= 0 && iy < ih ? iy : -1;
  }

  /// im2col of `channels` planes of an NCHW image starting at `image`: row
  /// y * ow + x, column (ch * kh + ky) * kw + kx of `patches` holds the
  /// pixel that tap reads, zero in the padding.
  template <typename T>
  void im2col(const T *image, int64_t channels, T *patches) const {
    int64_t ck = channels * kh * kw;
    // Output columns whose every tap lies inside the input row: copied
    // without bound checks.
    int64_t xFirst = std::min(ow, (padLeft + strideX - 1) / strideX),
            xEnd = xFirst;
    while (xEnd < ow && xEnd * strideX + (kw - 1) * dilX - padLeft < iw)
      ++xEnd;
    for (int64_t y = 0; y < oh; ++y)
      for (int64_t ch = 0; ch < channels; ++ch)
        for (int64_t ky = 0; ky < kh; ++ky) {
          T *first = patches + y * ow * ck + (ch * kh + ky) * kw;
          int64_t iy = sourceRow(y, ky);
          if (iy < 0) {
            for (int64_t x = 0; x < ow; ++x)
              std::fill_n(first + x * ck, kw, T());
            continue;
          }
          const T *src = image + (ch * ih + iy) * iw;
          auto checked = [&](int64_t x) {
            for (int64_t kx = 0; kx < kw; ++kx) {
              int64_t ix = x * strideX + kx * dilX - padLeft;
              first[x * ck + kx] = ix >= 0 && ix < iw ? src[ix] : T();
            }
          };
          for (int64_t x = 0; x < xFirst; ++x)
            checked(x);
          for (int64_t x = xFirst; x < xEnd; ++x) {
            const T *tap = src + x * strideX - padLeft;
            T *dst = first + x * ck;
            for (int64_t kx = 0; kx < kw; ++kx)
              dst[kx] = tap[kx * dilX];
          }
          for (int64_t x = std::max(xEnd, xFirst); x < ow; ++x)
            checked(x);
        }
  }

  /// The transpose of im2col's patches, built directly: row
  /// (ch * kh + ky) * kw + kx, column y * ow + x of `columns`. Each row is
  /// a (strided) copy of one input row range, so a GEMM filter x columns
  /// writes its result in NCHW.
  template <typename T>
  void im2colTransposed(const T *image, int64_t channels, T *columns) const {
    int64_t positions = oh * ow;
    for (int64_t ch = 0; ch < channels; ++ch)
      for (int64_t ky = 0; ky < kh; ++ky)
        for (int64_t kx = 0; kx < kw; ++kx) {
          T *row = columns + ((ch * kh + ky) * kw + kx) * positions;
          auto [xLo, xHi, offset] = columnsInside(kx);
          for (int64_t y = 0; y < oh; ++y) {
            int64_t iy = sourceRow(y, ky);
            T *dst = row + y * ow;
            if (iy < 0) {
              std::fill(dst, dst + ow, T());
              continue;
            }
            // Zeros where the tap reads padding, a (strided) copy between.
            const T *src = image + (ch * ih + iy) * iw;
            std::fill(dst, dst + xLo, T());
            if (strideX == 1)
              std::copy(src + xLo + offset, src + xHi + offset, dst + xLo);
            else
              for (int64_t x = xLo; x < xHi; ++x)
                dst[x] = src[x * strideX + offset];
            std::fill(dst + xHi, dst + ow, T());
          }
        }
  }

  /// The adjoint of im2colTransposed: adds every entry of `columns` (laid
  /// out as im2colTransposed writes it) to the pixel of `image` it was read
  /// from; entries over the padding are dropped. A convolution's input
  /// gradient is this applied to filter^T x output gradient.
  template <typename T>
  void addColumnsTransposed(const T *columns, int64_t channels,
                            T *image) const {
    int64_t positions = oh * ow;
    for (int64_t ch = 0; ch < channels; ++ch)
      for (int64_t ky = 0; ky < kh; ++ky)
        for (int64_t kx = 0; kx < kw; ++kx) {
          const T *row = columns + ((ch * kh + ky) * kw + kx) * positions;
          auto [xLo, xHi, offset] = columnsInside(kx);
          for (int64_t y = 0; y < oh; ++y) {
            int64_t iy = sourceRow(y, ky);
            if (iy < 0)
              continue;
            T *dst = image + (ch * ih + iy) * iw;
            const T *src = row + y * ow;
            for (int64_t x = xLo; x < xHi; ++x)
              dst[x * strideX + offset] += src[x];
          }
        }
  }

private:
  /// ceil(a / b) for b > 0 and any sign of a.
  static int64_t ceilDiv(int64_t a, int64_t b) {
    return a >= 0 ? (a + b - 1) / b : -((-a) / b);
  }
};

} // namespace kite::numerics

#endif // KITE_NUMERICS_CONVWINDOW_H
