//===- CountingMatrix.cpp - FAMES' per-operand-pair statistics ------------===//

#include "kite/Numerics/CountingMatrix.h"

using namespace kite::numerics;

CountingMatrices::CountingMatrices(MulOperand lhs, MulOperand rhs)
    : a(lhs), w(rhs), stats((size_t(1) << rhs.bits) * rowSize()) {}

std::vector<uint32_t> CountingMatrices::offsets(const int64_t *stored,
                                                int64_t count, MulOperand f,
                                                size_t scale) {
  std::vector<uint32_t> out(static_cast<size_t>(count));
  for (int64_t i = 0; i < count; ++i)
    out[size_t(i)] = uint32_t(size_t(f.read(stored[i]) - f.min()) * scale);
  return out;
}

void CountingMatrices::addMatmul(const int64_t *lhs, const int64_t *rhs,
                                 const float *grad, int64_t batches, int64_t m,
                                 int64_t k, int64_t n, bool rhsShared) {
  // Precomputed offsets make a product's index one addition; the loop order
  // walks rhs and grad rows contiguously.
  std::vector<uint32_t> aIdx = offsets(lhs, batches * m * k, a, 1),
                        wIdx = offsets(rhs, (rhsShared ? 1 : batches) * k * n,
                                       w, rowSize());
  PairStats *pairs = stats.data();
  for (int64_t b = 0; b < batches; ++b) {
    const uint32_t *wb = &wIdx[size_t((rhsShared ? 0 : b) * k * n)];
    for (int64_t i = 0; i < m; ++i) {
      const float *gRow = &grad[(b * m + i) * n];
      for (int64_t x = 0; x < k; ++x) {
        uint32_t ai = aIdx[size_t((b * m + i) * k + x)];
        const uint32_t *wRow = wb + x * n;
        for (int64_t j = 0; j < n; ++j) {
          PairStats &p = pairs[ai + wRow[j]];
          p.count += 1;
          p.gradSum += gRow[j];
        }
      }
    }
  }
}

void CountingMatrices::addConv2D(const int64_t *input, const int64_t *filter,
                                 const float *grad, int64_t batch,
                                 int64_t channels, int64_t filters,
                                 int64_t groups, const ConvWindow &window) {
  const int64_t cg = channels / groups, fg = filters / groups;
  const int64_t plane = window.ih * window.iw, out = window.oh * window.ow;
  std::vector<uint32_t> aIdx = offsets(input, batch * channels * plane, a, 1),
                        wIdx = offsets(filter,
                                       filters * cg * window.kh * window.kw, w,
                                       rowSize());
  // After a ReLU about half the activations are zero, and as one entry
  // they would chain each update to the previous one. Consecutive zeros of
  // a row go to different stand-ins instead, added to the entry at the end.
  const size_t width = size_t(1) << a.bits, zero = size_t(-a.min());
  for (size_t i = 0; i < aIdx.size(); ++i)
    if (aIdx[i] == zero)
      aIdx[i] = uint32_t(width + i % kStandIns);
  PairStats *pairs = stats.data();
  for (int64_t nb = 0; nb < batch; ++nb)
    for (int64_t fo = 0; fo < filters; ++fo) {
      const float *gMap = &grad[(nb * filters + fo) * out];
      for (int64_t ch = 0; ch < cg; ++ch) {
        const uint32_t *image =
            &aIdx[size_t((nb * channels + (fo / fg) * cg + ch) * plane)];
        for (int64_t ky = 0; ky < window.kh; ++ky)
          for (int64_t kx = 0; kx < window.kw; ++kx) {
            PairStats *row =
                pairs +
                wIdx[size_t(((fo * cg + ch) * window.kh + ky) * window.kw +
                            kx)];
            auto [xLo, xHi, offset] = window.columnsInside(kx);
            for (int64_t y = 0; y < window.oh; ++y) {
              int64_t iy = window.sourceRow(y, ky);
              if (iy < 0)
                continue;
              const uint32_t *src = image + iy * window.iw;
              const float *g = gMap + y * window.ow;
              for (int64_t x = xLo; x < xHi; ++x) {
                PairStats &p = row[src[x * window.strideX + offset]];
                p.count += 1;
                p.gradSum += g[x];
              }
            }
          }
      }
    }
  for (size_t v = 0; v < (size_t(1) << w.bits); ++v) {
    PairStats *row = pairs + v * rowSize();
    for (size_t k = width; k < width + kStandIns; ++k) {
      row[zero].count += row[k].count;
      row[zero].gradSum += row[k].gradSum;
      row[k] = PairStats();
    }
  }
}
