//===- ErfTest.cpp - numerics::erf against the exact error function -------===//

#include "kite/Numerics/Erf.h"
#include "kite/Numerics/Gelu.h"

#include "gtest/gtest.h"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

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

namespace {
TEST(Gelu, RowMatchesTheScalarDefinition) {
  // The row runs this CPU's widest clone; gelu() here is the baseline
  // build. Both forms, in place and not, random bit patterns included.
  std::vector<float> x(1027);
  uint32_t state = 12345;
  for (size_t i = 0; i < x.size(); ++i) {
    state = state * 1664525u + 1013904223u;
    if (i % 4 == 0)
      std::memcpy(&x[i], &state, 4);
    else
      x[i] = float(int32_t(state >> 8) % 20000) * 1e-3f;
  }
  for (bool tanhForm : {false, true}) {
    std::vector<float> out(x.size()), inPlace = x;
    kite::numerics::geluRow(x.data(), int64_t(x.size()), tanhForm, out.data());
    kite::numerics::geluRow(inPlace.data(), int64_t(x.size()), tanhForm,
                            inPlace.data());
    for (size_t i = 0; i < x.size(); ++i) {
      float want = kite::numerics::gelu(x[i], tanhForm);
      ASSERT_EQ(std::memcmp(&out[i], &want, 4), 0) << "x " << x[i];
      ASSERT_EQ(std::memcmp(&inPlace[i], &want, 4), 0) << "x " << x[i];
    }
  }
}
} // namespace
