//===- IntQuantTest.cpp - integer quantization ----------------------------===//

#include "kite/Numerics/IntQuant.h"

#include "gtest/gtest.h"

#include <cmath>
#include <cstring>
#include <random>
#include <vector>

using namespace kite::numerics;

TEST(IntQuantTest, FormatRanges) {
  EXPECT_EQ((IntFormat{8, true}.min()), -128);
  EXPECT_EQ((IntFormat{8, true}.max()), 127);
  EXPECT_EQ((IntFormat{4, false}.max()), 15);
  EXPECT_EQ((IntFormat{2, true}.min()), -2);
  EXPECT_EQ((IntFormat{16, true}.max()), 32767);
  EXPECT_EQ(IntFormat::validate(1),
            "integer format width 1 is out of range: must be in [2, 16]");
  EXPECT_EQ(IntFormat::validate(16), "");
}

TEST(IntQuantTest, RoundHalfEvenAndSaturate) {
  EXPECT_EQ(roundHalfEven(2.5), 2);
  EXPECT_EQ(roundHalfEven(3.5), 4);
  EXPECT_EQ(roundHalfEven(-2.5), -2);
  EXPECT_EQ(roundHalfEven(-0.5), 0);
  EXPECT_EQ(roundHalfEven(2.4999), 2);
  IntFormat i8{8, true};
  EXPECT_EQ(quantize(1.25, 0.5, 0, i8), 2);   // 2.5 -> 2
  EXPECT_EQ(quantize(1.75, 0.5, 0, i8), 4);   // 3.5 -> 4
  EXPECT_EQ(quantize(1e30, 0.5, 0, i8), 127); // saturates, no overflow
  EXPECT_EQ(quantize(-1e30, 0.5, 0, i8), -128);
  EXPECT_EQ(quantize(NAN, 0.5, 3, i8), 3);
  IntFormat u4{4, false};
  EXPECT_EQ(quantize(-1.0, 0.1, 8, u4), 0);
  EXPECT_EQ(quantize(0.0, 0.1, 8, u4), 8);
  EXPECT_EQ(dequantize(10, 0.1, 8), 0.2);
}

TEST(IntQuantTest, ParamsForRange) {
  IntFormat i8{8, true};
  QuantParams sym = paramsForRange(-2.0, 1.0, i8, /*symmetric=*/true);
  EXPECT_DOUBLE_EQ(sym.scale, 2.0 / 127);
  EXPECT_EQ(sym.zeroPoint, 0);
  QuantParams asym = paramsForRange(-1.0, 3.0, IntFormat{8, false}, false);
  EXPECT_DOUBLE_EQ(asym.scale, 4.0 / 255);
  EXPECT_EQ(asym.zeroPoint, 64); // round(1 / (4/255)) = 63.75 -> 64
  // Zero is exactly representable: it quantizes to the zero point.
  EXPECT_EQ(quantize(0.0, asym.scale, asym.zeroPoint, IntFormat{8, false}),
            asym.zeroPoint);
  // A range that excludes zero is widened to include it.
  QuantParams pos = paramsForRange(2.0, 4.0, IntFormat{8, false}, false);
  EXPECT_EQ(pos.zeroPoint, 0);
  EXPECT_DOUBLE_EQ(pos.scale, 4.0 / 255);
  EXPECT_EQ(paramsForRange(0, 0, i8, true).scale, 1.0);
}

TEST(IntQuantTest, CalibrationMethods) {
  std::mt19937_64 rng(7);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> data(4000);
  for (float &x : data)
    x = normal(rng);
  data[17] = 40.0f; // one outlier
  IntFormat i4{4, true};
  QuantParams mm = calibrate(data, i4, true, Calibration::MinMax);
  QuantParams pc = calibrate(data, i4, true, Calibration::Percentile, 99.9);
  QuantParams mse = calibrate(data, i4, true, Calibration::MSE);
  EXPECT_DOUBLE_EQ(mm.scale, 40.0 / 7);
  EXPECT_LT(pc.scale, mm.scale / 5);
  // The MSE search clips far below the outlier (whose own clipping error
  // counts too) and beats both other methods.
  EXPECT_LT(mse.scale, mm.scale / 4);
  double errMse = quantizationMSE(data, mse, i4);
  EXPECT_LT(errMse, quantizationMSE(data, mm, i4));
  EXPECT_LT(errMse, quantizationMSE(data, pc, i4));
}

TEST(IntQuantTest, PerChannel) {
  // Shape 2x3, axis 1: channels are columns.
  std::vector<float> data = {1, -4, 0.5f, -2, 8, 0.25f};
  auto params = calibratePerChannel(data, {2, 3}, 1, IntFormat{8, true}, true,
                                    Calibration::MinMax);
  ASSERT_EQ(params.size(), 3u);
  EXPECT_DOUBLE_EQ(params[0].scale, 2.0 / 127);
  EXPECT_DOUBLE_EQ(params[1].scale, 8.0 / 127);
  EXPECT_DOUBLE_EQ(params[2].scale, 0.5 / 127);
  auto rows = calibratePerChannel(data, {2, 3}, 0, IntFormat{8, true}, true,
                                  Calibration::MinMax);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_DOUBLE_EQ(rows[1].scale, 8.0 / 127);
}

TEST(IntQuantTest, TruncationToInt64SaturatesInsteadOfOverflowing) {
  EXPECT_EQ(truncateToInt64(2.9), 2);
  EXPECT_EQ(truncateToInt64(-2.9), -2);
  EXPECT_EQ(truncateToInt64(3.4e38), std::numeric_limits<int64_t>::max());
  EXPECT_EQ(truncateToInt64(-INFINITY), std::numeric_limits<int64_t>::min());
  EXPECT_EQ(truncateToInt64(9223372036854775808.0),
            std::numeric_limits<int64_t>::max());
  EXPECT_EQ(truncateToInt64(NAN), 0);
}

TEST(IntQuantTest, QuantizeRowMatchesQuantize) {
  // Random bit patterns (NaN, infinities, subnormals, huge values) and
  // values near the range, half-way points included; odd lengths leave a
  // tail after the vector loop.
  std::mt19937 rng(7);
  std::vector<float> x(4099);
  for (size_t i = 0; i < x.size(); ++i) {
    uint32_t u = rng();
    if (i % 3 == 0)
      std::memcpy(&x[i], &u, 4);
    else
      x[i] = float(int(u % 4001) - 2000) * 0.125f;
  }
  for (IntFormat f : {IntFormat{8, true}, IntFormat{8, false},
                      IntFormat{4, true}, IntFormat{16, true}})
    for (int64_t zero :
         {int64_t(0), int64_t(3), int64_t(-7), int64_t(200), int64_t(1) << 20})
      for (double scale : {0.05, 1.7e-3, 0.25, 13.0}) {
        ASSERT_TRUE(quantizeRowFits(zero, f));
        std::vector<int32_t> codes(x.size());
        quantizeRow(x.data(), int64_t(x.size()), scale, zero, f, codes.data());
        for (size_t i = 0; i < x.size(); ++i)
          ASSERT_EQ(codes[i], quantize(x[i], scale, zero, f))
              << "x " << x[i] << " scale " << scale << " zero " << zero
              << " bits " << f.bits;
      }
  EXPECT_FALSE(quantizeRowFits(int64_t(1) << 21, IntFormat{8, true}));
  EXPECT_FALSE(quantizeRowFits(0, IntFormat{24, true}));
}
