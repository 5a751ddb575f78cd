//===- ConvWindowTest.cpp - im2col layouts against the window -------------===//

#include "kite/Numerics/ConvWindow.h"

#include "gtest/gtest.h"

#include <vector>

using namespace kite::numerics;

namespace {

TEST(ConvWindow, Im2colMatchesTheWindowDefinition) {
  // {ih, iw, kh, kw, strideY, strideX, padTop, padLeft, dilY, dilX}; the
  // output size follows.
  const int64_t geometries[][10] = {
      {5, 6, 3, 2, 2, 1, 1, 0, 1, 2}, {7, 9, 3, 3, 1, 1, 1, 1, 1, 1},
      {8, 8, 3, 3, 2, 2, 1, 1, 1, 1}, {6, 11, 2, 3, 1, 2, 0, 2, 2, 2},
      {4, 4, 5, 5, 1, 1, 2, 2, 1, 1}, {3, 5, 1, 1, 1, 3, 0, 0, 1, 1}};
  for (const auto &g : geometries) {
    ConvWindow w{g[0], g[1], g[2], g[3], g[4], g[5],
                 g[6], g[7], g[8], g[9], 0,    0};
    w.oh = (g[0] + 2 * g[6] - g[8] * (g[2] - 1) - 1) / g[4] + 1;
    w.ow = (g[1] + 2 * g[7] - g[9] * (g[3] - 1) - 1) / g[5] + 1;
    const int64_t channels = 2, ck = channels * w.kh * w.kw,
                  positions = w.oh * w.ow;
    std::vector<float> image(size_t(channels * w.ih * w.iw));
    for (size_t i = 0; i < image.size(); ++i)
      image[i] = float(i + 1);
    std::vector<float> patches(size_t(positions * ck), -1),
        columns(size_t(ck * positions), -1);
    w.im2col(image.data(), channels, patches.data());
    w.im2colTransposed(image.data(), channels, columns.data());
    for (int64_t y = 0; y < w.oh; ++y)
      for (int64_t x = 0; x < w.ow; ++x)
        for (int64_t ch = 0; ch < channels; ++ch)
          for (int64_t ky = 0; ky < w.kh; ++ky)
            for (int64_t kx = 0; kx < w.kw; ++kx) {
              int64_t iy, ix, p = y * w.ow + x,
                              t = (ch * w.kh + ky) * w.kw + kx;
              float want = w.source(y, x, ky, kx, iy, ix)
                               ? image[size_t((ch * w.ih + iy) * w.iw + ix)]
                               : 0.0f;
              EXPECT_EQ(patches[size_t(p * ck + t)], want)
                  << "geometry " << (&g - geometries) << " position " << p
                  << " tap " << t;
              EXPECT_EQ(columns[size_t(t * positions + p)], want);
            }
  }
}

} // namespace
