//===- GemmTest.cpp - numerics::gemm against loops ------------------------===//

#include "kite/Numerics/Gemm.h"

#include "gtest/gtest.h"

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
