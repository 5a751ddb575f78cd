//===- ErfTest.cpp - numerics::erf against the exact error function -------===//

#include "kite/Numerics/Erf.h"

#include "gtest/gtest.h"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

namespace {

// Distance in ulps between two finite floats of the same sign.
int64_t ulps(float a, float b) {
  int32_t ia, ib;
  std::memcpy(&ia, &a, 4);
  std::memcpy(&ib, &b, 4);
  return std::llabs(int64_t(ia) - int64_t(ib));
}

TEST(Erf, WithinOneUlpOfTheExactValue) {
  // Every 61st float from 0 to 6 (past where erf rounds to 1) -- about 18 M
  // values, including subnormals -- against erf in double, rounded.
  int64_t worst = 0, exact = 0, checked = 0;
  for (uint32_t u = 0;; u += 61) {
    float x;
    std::memcpy(&x, &u, 4);
    if (x > 6.0f)
      break;
    float got = kite::numerics::erf(x);
    float want = float(std::erf(double(x)));
    int64_t d = ulps(got, want);
    worst = std::max(worst, d);
    exact += d == 0;
    ++checked;
    ASSERT_EQ(kite::numerics::erf(-x), -got) << "erf is odd, at " << x;
  }
  EXPECT_LE(worst, 1);
  EXPECT_GT(double(exact) / double(checked), 0.95);
}

TEST(Erf, SpecialValues) {
  float inf = std::numeric_limits<float>::infinity();
  EXPECT_EQ(kite::numerics::erf(inf), 1.0f);
  EXPECT_EQ(kite::numerics::erf(-inf), -1.0f);
  EXPECT_EQ(kite::numerics::erf(1e30f), 1.0f);
  EXPECT_TRUE(std::isnan(kite::numerics::erf(std::nanf(""))));
  EXPECT_EQ(kite::numerics::erf(0.0f), 0.0f);
  EXPECT_TRUE(std::signbit(kite::numerics::erf(-0.0f)));
}

} // namespace
