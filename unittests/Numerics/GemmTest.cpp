//===- GemmTest.cpp - numerics::gemm against loops ------------------------===//

#include "kite/Numerics/Gemm.h"

#include "gtest/gtest.h"

#include <algorithm>
#include <array>
#include <climits>
#include <random>
#include <thread>
#include <vector>

using namespace kite::numerics;

namespace {

/// Element (r, c) of an operand stored row-major, transposed or not.
float at(const std::vector<float> &m, int64_t ld, bool transposed, int64_t r,
         int64_t c) {
  return transposed ? m[size_t(c * ld + r)] : m[size_t(r * ld + c)];
}

TEST(Gemm, MatchesLoopsForEveryLayout) {
  std::mt19937 rng(7);
  // Small integers: every product and sum is exact in float, so the
  // comparison is exact whatever order the GEMM adds in.
  std::uniform_int_distribution<int> value(-8, 8);
  const int64_t m = 13, n = 37, k = 70;
  for (bool ta : {false, true})
    for (bool tb : {false, true})
      for (bool accumulate : {false, true}) {
        int64_t lda = (ta ? m : k) + 3, ldb = (tb ? k : n) + 1, ldc = n + 2;
        std::vector<float> a(size_t((ta ? k : m) * lda)),
            b(size_t((tb ? n : k) * ldb)), c(size_t(m * ldc));
        for (float &v : a)
          v = float(value(rng));
        for (float &v : b)
          v = float(value(rng));
        for (float &v : c)
          v = float(value(rng));
        std::vector<float> want = c;
        for (int64_t i = 0; i < m; ++i)
          for (int64_t j = 0; j < n; ++j) {
            float sum = accumulate ? want[size_t(i * ldc + j)] : 0.0f;
            for (int64_t x = 0; x < k; ++x)
              sum += at(a, lda, ta, i, x) * at(b, ldb, tb, x, j);
            want[size_t(i * ldc + j)] = sum;
          }
        gemm(m, n, k, {a.data(), lda, ta}, {b.data(), ldb, tb}, c.data(), ldc,
             accumulate);
        for (int64_t i = 0; i < m; ++i)
          for (int64_t j = 0; j < n; ++j)
            EXPECT_EQ(c[size_t(i * ldc + j)], want[size_t(i * ldc + j)])
                << "ta=" << ta << " tb=" << tb << " acc=" << accumulate
                << " at (" << i << ", " << j << ")";
      }
}

TEST(Gemm, EmptyReductionZeroesOrKeeps) {
  std::vector<float> c = {1, 2, 3, 4};
  gemm(2, 2, 0, {nullptr, 1}, {nullptr, 2}, c.data(), 2, true);
  EXPECT_EQ(c, (std::vector<float>{1, 2, 3, 4}));
  gemm(2, 2, 0, {nullptr, 1}, {nullptr, 2}, c.data(), 2, false);
  EXPECT_EQ(c, (std::vector<float>{0, 0, 0, 0}));
}

TEST(Gemm, SameResultsFromConcurrentCallers) {
  const int64_t s = 64;
  std::vector<float> a(s * s), b(s * s);
  std::mt19937 rng(3);
  std::normal_distribution<float> value;
  for (float &v : a)
    v = value(rng);
  for (float &v : b)
    v = value(rng);
  std::vector<float> alone(s * s), first(s * s), second(s * s);
  gemm(s, s, s, {a.data(), s}, {b.data(), s}, alone.data(), s);
  std::thread t1([&] {
    gemm(s, s, s, {a.data(), s}, {b.data(), s}, first.data(), s);
  });
  std::thread t2([&] {
    gemm(s, s, s, {a.data(), s}, {b.data(), s}, second.data(), s);
  });
  t1.join();
  t2.join();
  EXPECT_EQ(first, alone);
  EXPECT_EQ(second, alone);
}

TEST(GemmDouble, MatchesLoopsAcrossPanelAndBlockEdges) {
  std::mt19937 rng(11);
  std::uniform_int_distribution<int> value(-9, 9);
  // Row counts around the 4-row block, column counts around the 16-column
  // panel; integer values keep every sum exact.
  for (int64_t m : {1, 3, 4, 9})
    for (int64_t n : {1, 15, 16, 33})
      for (int64_t k : {1, 7, 40}) {
        int64_t ldc = n + 3;
        std::vector<double> a(size_t(m * k)), bt(size_t(n * k)),
            c(size_t(m * ldc), -1.0);
        for (double &v : a)
          v = value(rng);
        for (double &v : bt)
          v = value(rng);
        gemmDouble(m, n, k, a.data(), bt.data(), c.data(), ldc);
        for (int64_t i = 0; i < m; ++i)
          for (int64_t j = 0; j < ldc; ++j) {
            double want = -1.0; // the padding of each row stays untouched
            if (j < n) {
              want = 0;
              for (int64_t x = 0; x < k; ++x)
                want += a[size_t(i * k + x)] * bt[size_t(j * k + x)];
            }
            EXPECT_EQ(c[size_t(i * ldc + j)], want)
                << m << "x" << n << "x" << k << " at (" << i << ", " << j
                << ")";
          }
      }
}

} // namespace

namespace {
/// The table products of a (m x k) and w (k x n) summed by a plain loop.
template <typename P>
std::vector<int64_t>
tableLoop(int64_t m, int64_t k, int64_t n, const std::vector<uint8_t> &a,
          const std::vector<uint8_t> &w, const std::vector<P> &table) {
  std::vector<int64_t> out(size_t(m * n), 0);
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j)
      for (int64_t t = 0; t < k; ++t)
        out[size_t(i * n + j)] +=
            table[size_t(a[i * k + t]) << 8 | w[t * n + j]];
  return out;
}
} // namespace

// Both table widths against a loop, with entries up to 2^30 whose sums
// leave 32 bits, on odd shapes; and where k times the largest entry fits 32
// bits, the offset kernels (each vector width the CPU has, and the plain
// loop) on the same table as a full OffsetProducts, with rows of zeros to
// skip, added to what the output held.
TEST(TableProducts, MatchLoopsOnOddShapes) {
  std::mt19937 rng(5);
  for (int32_t largest : {100, 1 << 20, (1 << 30) + 7})
    for (auto [m, k, n] : {std::array<int64_t, 3>{1, 1, 1},
                           {3, 7, 5},
                           {17, 33, 9},
                           {4, 130, 40},
                           {2, 9, 300},
                           {5, 40, 31}}) {
      std::vector<int32_t> t32(256 * 256);
      std::uniform_int_distribution<int32_t> entry(-largest, largest);
      for (int32_t &e : t32)
        e = entry(rng);
      for (unsigned zero : {0u, 3u, 200u})
        std::fill_n(t32.begin() + (zero << 8), 256, 0);
      std::vector<int64_t> t64(t32.begin(), t32.end());
      std::vector<uint8_t> a(size_t(m * k)), w(size_t(k * n));
      for (uint8_t &x : a)
        x = uint8_t(rng() % 3 ? rng() : 3);
      for (uint8_t &x : w)
        x = uint8_t(rng());
      std::vector<int64_t> want = tableLoop(m, k, n, a, w, t64);
      std::vector<int64_t> got32(size_t(m * n), 0), got64(size_t(m * n), 0);
      addTableProducts(m, k, n, a.data(), w.data(), t32.data(), got32.data());
      addTableProducts(m, k, n, a.data(), w.data(), t64.data(), got64.data());
      EXPECT_EQ(got32, want) << largest << " " << m << "x" << k << "x" << n;
      EXPECT_EQ(got64, want) << largest << " " << m << "x" << k << "x" << n;
      if (int64_t(largest) * k > INT32_MAX)
        continue;
      OffsetProducts full = OffsetProducts::fullTable(t32);
      EXPECT_TRUE(full.zeroRow[3] && full.zeroRow[200] && !full.zeroRow[1]);
      for (OffsetKernel kernel : {OffsetKernel::Plain, OffsetKernel::Avx2,
                                  OffsetKernel::Avx512, OffsetKernel::Best}) {
        std::vector<int64_t> narrow(size_t(m * n), 5);
        addOffsetProducts(m, k, n, a.data(), w.data(), full, narrow.data(),
                          kernel);
        for (int64_t &v : narrow)
          v -= 5;
        EXPECT_EQ(narrow, want) << largest << " " << m << "x" << k << "x" << n
                                << " kernel " << int(kernel);
      }
    }
}

// Products that depend only on the weights' low bits (as LP words of up to 7
// bits do) read from registers by permutes: each width against the loop and
// the plain kernel, weight bytes with junk above those bits included, on
// column counts that end mid-register and past one pass of 128; a table
// that depends on more bits is refused.
TEST(TableProducts, PermutesMatchLoopsForNarrowWeights) {
  std::mt19937 rng(9);
  for (unsigned bits : {3u, 5u, 6u, 7u})
    for (auto [m, k, n] : {std::array<int64_t, 3>{1, 1, 1},
                           {3, 21, 16},
                           {4, 50, 37},
                           {2, 9, 96},
                           {2, 5, 130}}) {
      unsigned mask = (1u << bits) - 1;
      std::vector<int32_t> narrowTable(256u << bits), t32(256 * 256);
      for (int32_t &e : narrowTable)
        e = int32_t(rng() % 2001) - 1000;
      for (unsigned x = 0; x < 256; ++x)
        for (unsigned y = 0; y < 256; ++y)
          t32[x << 8 | y] = x % 5 ? narrowTable[x << bits | (y & mask)] : 0;
      OffsetProducts products = OffsetProducts::fullTable(t32);
      ASSERT_TRUE(products.setColumnBits(bits));
      EXPECT_EQ(products.rowBits, std::max(bits, 5u));
      std::vector<uint8_t> a(size_t(m * k)), w(size_t(k * n));
      for (uint8_t &x : a)
        x = uint8_t(rng());
      for (uint8_t &x : w)
        x = uint8_t(rng());
      std::vector<int64_t> want = tableLoop(
          m, k, n, a, w, std::vector<int64_t>(t32.begin(), t32.end()));
      for (OffsetKernel kernel : {OffsetKernel::Plain, OffsetKernel::Best}) {
        std::vector<int64_t> got(size_t(m * n), 0);
        addOffsetProducts(m, k, n, a.data(), w.data(), products, got.data(),
                          kernel);
        EXPECT_EQ(got, want) << bits << " bits, " << m << "x" << k << "x" << n;
      }
      if (bits < 7) {
        OffsetProducts wider = OffsetProducts::fullTable(t32);
        wider.table[1 << 8 | (1u << bits)] += 1; // now bit `bits` matters
        EXPECT_FALSE(wider.setColumnBits(bits));
        EXPECT_EQ(wider.rowBits, 0u);
      }
    }
}
