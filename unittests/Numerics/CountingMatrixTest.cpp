//===- CountingMatrixTest.cpp - FAMES' counting matrices ------------------===//

#include "kite/Numerics/CountingMatrix.h"

#include "gtest/gtest.h"

#include <map>
#include <random>

using namespace kite::numerics;

namespace {
using Expected = std::map<std::pair<int64_t, int64_t>, PairStats>;

/// Every pair of the formats matches `expected` (absent pairs: zero).
void expectMatches(const CountingMatrices &c, const Expected &expected) {
  for (int64_t x = c.lhs().min(); x <= c.lhs().max(); ++x)
    for (int64_t y = c.rhs().min(); y <= c.rhs().max(); ++y) {
      auto it = expected.find({x, y});
      PairStats want = it == expected.end() ? PairStats() : it->second;
      EXPECT_EQ(c.at(x, y).count, want.count) << x << " x " << y;
      EXPECT_NEAR(c.at(x, y).gradSum, want.gradSum, 1e-9) << x << " x " << y;
    }
}

/// Stored integers of a format: an unsigned one sign-extended from its
/// storage, as the interpreter holds i8 tensors.
std::vector<int64_t> randomStored(std::mt19937 &rng, size_t n, MulOperand f) {
  std::uniform_int_distribution<int64_t> d(f.min(), f.max());
  std::vector<int64_t> v(n);
  for (int64_t &x : v) {
    x = d(rng);
    if (!f.isSigned && x >= (int64_t(1) << (f.bits - 1)))
      x -= int64_t(1) << f.bits;
  }
  return v;
}

std::vector<float> randomGrads(std::mt19937 &rng, size_t n) {
  std::uniform_real_distribution<float> d(-1, 1);
  std::vector<float> v(n);
  for (float &x : v)
    x = d(rng);
  return v;
}

/// Adds to `want` the products of a grouped NCHW convolution, one by one.
void addConvByHand(Expected &want, MulOperand fa, MulOperand fw,
                   const std::vector<int64_t> &input,
                   const std::vector<int64_t> &filter,
                   const std::vector<float> &grad, int64_t batch,
                   int64_t channels, int64_t filters, int64_t groups,
                   const ConvWindow &w) {
  int64_t cg = channels / groups, fg = filters / groups;
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t f = 0; f < filters; ++f)
      for (int64_t y = 0; y < w.oh; ++y)
        for (int64_t x = 0; x < w.ow; ++x)
          for (int64_t ch = 0; ch < cg; ++ch)
            for (int64_t ky = 0; ky < w.kh; ++ky)
              for (int64_t kx = 0; kx < w.kw; ++kx) {
                int64_t iy, ix;
                if (!w.source(y, x, ky, kx, iy, ix))
                  continue;
                int64_t in =
                    ((b * channels + (f / fg) * cg + ch) * w.ih + iy) * w.iw +
                    ix;
                int64_t tap = ((f * cg + ch) * w.kh + ky) * w.kw + kx;
                PairStats &p = want[{fa.read(input[size_t(in)]),
                                     fw.read(filter[size_t(tap)])}];
                p.count += 1;
                p.gradSum +=
                    grad[size_t(((b * filters + f) * w.oh + y) * w.ow + x)];
              }
}
} // namespace

TEST(CountingMatrixTest, SmallMatmulByHand) {
  // [1 2] x [[3], [1]] with dL/d out = 0.5: products 1*3 and 2*1.
  CountingMatrices c({4, true}, {4, true});
  std::vector<int64_t> lhs = {1, 2}, rhs = {3, 1};
  std::vector<float> grad = {0.5f};
  c.addMatmul(lhs.data(), rhs.data(), grad.data(), 1, 1, 2, 1, true);
  c.addMatmul(lhs.data(), rhs.data(), grad.data(), 1, 1, 2, 1, true);
  expectMatches(c, {{{1, 3}, {2, 1.0}}, {{2, 1}, {2, 1.0}}});
}

TEST(CountingMatrixTest, MatmulMatchesBruteForce) {
  std::mt19937 rng(3);
  for (bool shared : {true, false})
    for (MulOperand fa : {MulOperand{8, true}, MulOperand{3, false}}) {
      MulOperand fw{2, true};
      int64_t batches = 3, m = 4, k = 5, n = 6;
      std::vector<int64_t> lhs = randomStored(rng, size_t(batches * m * k), fa),
                           rhs = randomStored(
                               rng, size_t((shared ? 1 : batches) * k * n), fw);
      std::vector<float> grad = randomGrads(rng, size_t(batches * m * n));
      CountingMatrices c(fa, fw);
      c.addMatmul(lhs.data(), rhs.data(), grad.data(), batches, m, k, n,
                  shared);
      Expected want;
      for (int64_t b = 0; b < batches; ++b)
        for (int64_t i = 0; i < m; ++i)
          for (int64_t j = 0; j < n; ++j)
            for (int64_t x = 0; x < k; ++x) {
              int64_t av = fa.read(lhs[size_t((b * m + i) * k + x)]);
              int64_t wv =
                  fw.read(rhs[size_t(((shared ? 0 : b) * k + x) * n + j)]);
              PairStats &p = want[{av, wv}];
              p.count += 1;
              p.gradSum += grad[size_t((b * m + i) * n + j)];
            }
      expectMatches(c, want);
    }
}

TEST(CountingMatrixTest, GroupedPaddedConvMatchesBruteForce) {
  std::mt19937 rng(5);
  MulOperand fa{8, false}, fw{4, true};
  int64_t batch = 2, channels = 4, groups = 2, filters = 6, ih = 5, iw = 6;
  int64_t kh = 3, kw = 2, stride = 2, pad = 1, dil = 1;
  int64_t oh = (ih + 2 * pad - dil * (kh - 1) - 1) / stride + 1,
          ow = (iw + 2 * pad - dil * (kw - 1) - 1) / stride + 1;
  int64_t cg = channels / groups;
  std::vector<int64_t> input = randomStored(
                           rng, size_t(batch * channels * ih * iw), fa),
                       filter = randomStored(
                           rng, size_t(filters * cg * kh * kw), fw);
  std::vector<float> grad = randomGrads(rng, size_t(batch * filters * oh * ow));
  ConvWindow window{ih, iw, kh, kw, stride, stride, pad, pad, dil, dil, oh, ow};
  CountingMatrices c(fa, fw);
  c.addConv2D(input.data(), filter.data(), grad.data(), batch, channels,
              filters, groups, window);
  Expected want;
  addConvByHand(want, fa, fw, input, filter, grad, batch, channels, filters,
                groups, window);
  expectMatches(c, want);
}

TEST(CountingMatrixTest, ConvWithZeroActivationsMatchesBruteForce) {
  // After a ReLU most activations are zero: their products go to stand-in
  // entries of the weight's row, added to the zero entry after the call.
  // Strides 1 and 3, dilation 2, a second call adding to the first.
  std::mt19937 rng(7);
  for (int64_t stride : {1, 3})
    for (MulOperand fa : {MulOperand{8, false}, MulOperand{8, true}}) {
      MulOperand fw{3, true};
      int64_t batch = 2, channels = 3, filters = 2, ih = 7, iw = 9;
      int64_t kh = 3, kw = 3, pad = 2, dil = 2;
      int64_t oh = (ih + 2 * pad - dil * (kh - 1) - 1) / stride + 1,
              ow = (iw + 2 * pad - dil * (kw - 1) - 1) / stride + 1;
      ConvWindow window{ih,  iw,  kh,  kw,  stride, stride,
                        pad, pad, dil, dil, oh,     ow};
      CountingMatrices c(fa, fw);
      Expected want;
      for (int call = 0; call < 2; ++call) {
        std::vector<int64_t> input = randomStored(
                                 rng, size_t(batch * channels * ih * iw), fa),
                             filter = randomStored(
                                 rng, size_t(filters * channels * kh * kw), fw);
        for (size_t i = 0; i < input.size(); ++i)
          if (i % 3 != 1)
            input[i] = 0;
        std::vector<float> grad =
            randomGrads(rng, size_t(batch * filters * oh * ow));
        c.addConv2D(input.data(), filter.data(), grad.data(), batch, channels,
                    filters, 1, window);
        addConvByHand(want, fa, fw, input, filter, grad, batch, channels,
                      filters, 1, window);
      }
      expectMatches(c, want);
    }
}
