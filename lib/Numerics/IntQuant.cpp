//===- IntQuant.cpp - integer quantization --------------------------------===//

#include "kite/Numerics/IntQuant.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <functional>
#include <map>
#include <mutex>
#include <string_view>
#include <tuple>

using namespace kite::numerics;

std::string IntFormat::validate(unsigned bits) {
  if (bits < 2 || bits > 16)
    return "integer format width " + std::to_string(bits) +
           " is out of range: must be in [2, 16]";
  return "";
}

namespace {
// quantize(), step for step, with selects instead of branches: the same
// comparisons and the same rounding (the shift trick, exact below 2^51),
// in 32 bits, which quantizeRowFits guarantees suffice.
__attribute__((target_clones("avx512f", "avx2", "default"))) void
quantizeRowImpl(const float *x, int64_t n, double scale, int32_t zero,
                int32_t codeMin, int32_t codeMax, int32_t *codes) {
  double lo = double(codeMin - zero) - 1.0, hi = double(codeMax - zero) + 1.0;
  int32_t nanCode = std::clamp(zero, codeMin, codeMax);
  constexpr double kShift = 6755399441055744.0; // 1.5 * 2^52
  for (int64_t i = 0; i < n; ++i) {
    double s = double(x[i]) / scale;
    bool nan = s != s;
    double c = s < lo ? lo : s;
    c = c > hi ? hi : c;
    c = nan ? 0.0 : c;
    int32_t q = int32_t((c + kShift) - kShift) + zero;
    q = q < codeMin ? codeMin : q;
    q = q > codeMax ? codeMax : q;
    codes[i] = nan ? nanCode : q;
  }
}
} // namespace

void kite::numerics::quantizeRow(const float *x, int64_t n, double scale,
                                 int64_t zeroPoint, IntFormat format,
                                 int32_t *codes) {
  assert(quantizeRowFits(zeroPoint, format));
  quantizeRowImpl(x, n, scale, int32_t(zeroPoint), int32_t(format.min()),
                  int32_t(format.max()), codes);
}

int64_t kite::numerics::castFloatToInt(double v, unsigned bits) {
  double lo = -std::ldexp(1.0, int(bits) - 1),
         hi = std::ldexp(1.0, int(bits) - 1) - 1;
  return roundHalfEven(std::isnan(v) ? 0.0 : std::min(std::max(v, lo), hi));
}

QuantParams kite::numerics::paramsForRange(double lo, double hi,
                                           IntFormat format, bool symmetric) {
  QuantParams p;
  if (symmetric) {
    double bound = std::max(std::fabs(lo), std::fabs(hi));
    p.scale = bound > 0 ? bound / double(format.max()) : 1.0;
    p.zeroPoint = 0;
    return p;
  }
  lo = std::min(lo, 0.0);
  hi = std::max(hi, 0.0);
  if (hi - lo <= 0)
    return p;
  p.scale = (hi - lo) / double(format.max() - format.min());
  p.zeroPoint = std::clamp(format.min() - roundHalfEven(lo / p.scale),
                           format.min(), format.max());
  return p;
}

double kite::numerics::quantizationMSE(const std::vector<float> &data,
                                       QuantParams params, IntFormat format) {
  if (data.empty())
    return 0.0;
  double sum = 0.0;
  for (float x : data) {
    double y = dequantize(quantize(x, params.scale, params.zeroPoint, format),
                          params.scale, params.zeroPoint);
    sum += (y - x) * (y - x);
  }
  return sum / double(data.size());
}

static double percentileOf(std::vector<float> sorted, double p) {
  if (sorted.empty())
    return 0.0;
  std::sort(sorted.begin(), sorted.end());
  double rank = std::clamp(p, 0.0, 100.0) / 100.0 * double(sorted.size() - 1);
  size_t i = size_t(rank);
  double t = rank - double(i);
  if (i + 1 >= sorted.size())
    return sorted.back();
  return sorted[i] * (1.0 - t) + sorted[i + 1] * t;
}

QuantParams kite::numerics::calibrate(const std::vector<float> &data,
                                      IntFormat format, bool symmetric,
                                      Calibration method, double percentile) {
  if (data.empty())
    return {};
  auto [minIt, maxIt] = std::minmax_element(data.begin(), data.end());
  double lo = *minIt, hi = *maxIt;
  switch (method) {
  case Calibration::MinMax:
    return paramsForRange(lo, hi, format, symmetric);
  case Calibration::Percentile:
    return paramsForRange(percentileOf(data, 100.0 - percentile),
                          percentileOf(data, percentile), format, symmetric);
  case Calibration::MSE: {
    QuantParams best = paramsForRange(lo, hi, format, symmetric);
    double bestErr = quantizationMSE(data, best, format);
    constexpr int kSteps = 100;
    for (int i = kSteps - 1; i >= 1; --i) {
      double factor = double(i) / kSteps;
      QuantParams p =
          paramsForRange(lo * factor, hi * factor, format, symmetric);
      double err = quantizationMSE(data, p, format);
      if (err < bestErr) {
        bestErr = err;
        best = p;
      }
    }
    return best;
  }
  }
  return {};
}

QuantParams kite::numerics::calibrateShared(const std::vector<float> &data,
                                            IntFormat format, bool symmetric,
                                            Calibration method,
                                            double percentile) {
  using Key = std::tuple<size_t, size_t, unsigned, bool, bool, int, double>;
  static std::mutex mutex;
  static std::map<Key, QuantParams> remembered;
  Key key{std::hash<std::string_view>{}(
              std::string_view(reinterpret_cast<const char *>(data.data()),
                               data.size() * sizeof(float))),
          data.size(),
          format.bits,
          format.isSigned,
          symmetric,
          int(method),
          percentile};
  {
    std::lock_guard<std::mutex> lock(mutex);
    if (auto it = remembered.find(key); it != remembered.end())
      return it->second;
  }
  QuantParams p = calibrate(data, format, symmetric, method, percentile);
  std::lock_guard<std::mutex> lock(mutex);
  remembered.emplace(key, p);
  return p;
}

std::vector<QuantParams> kite::numerics::calibratePerChannel(
    const std::vector<float> &data, const std::vector<int64_t> &shape,
    int64_t axis, IntFormat format, bool symmetric, Calibration method,
    double percentile) {
  assert(axis >= 0 && axis < int64_t(shape.size()) && "axis out of range");
  int64_t outer = 1, inner = 1;
  for (int64_t i = 0; i < axis; ++i)
    outer *= shape[i];
  for (size_t i = size_t(axis) + 1; i < shape.size(); ++i)
    inner *= shape[i];
  int64_t channels = shape[axis];
  std::vector<QuantParams> params;
  params.reserve(size_t(channels));
  std::vector<float> channel;
  for (int64_t c = 0; c < channels; ++c) {
    channel.clear();
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t i = 0; i < inner; ++i)
        channel.push_back(data[size_t((o * channels + c) * inner + i)]);
    params.push_back(calibrate(channel, format, symmetric, method, percentile));
  }
  return params;
}
