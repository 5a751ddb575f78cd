//===- IntQuant.h - integer quantization ------------------------*- C++ -*-===//
//
// Integer formats, affine quantization and calibration. Rounding is half to
// even, saturation clamps to the format's range. Plain C++.
//
//===----------------------------------------------------------------------===//

#ifndef KITE_NUMERICS_INTQUANT_H
#define KITE_NUMERICS_INTQUANT_H

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace kite::numerics {

/// A b-bit integer format, two's complement when signed.
struct IntFormat {
  unsigned bits = 8; ///< 2..16
  bool isSigned = true;

  static std::string validate(unsigned bits);
  int64_t min() const { return isSigned ? -(int64_t(1) << (bits - 1)) : 0; }
  int64_t max() const {
    return isSigned ? (int64_t(1) << (bits - 1)) - 1 : (int64_t(1) << bits) - 1;
  }
  /// Number of codes, 2^bits.
  uint32_t numCodes() const { return uint32_t(1) << bits; }
};

/// Round half to even, the rounding every Kite quantizer uses.
inline int64_t roundHalfEven(double x) {
  // Below 2^51, adding and removing 1.5 * 2^52 leaves x rounded to an
  // integer by the FPU's default mode (to nearest, ties to even): what
  // nearbyint does, without its library call (SSE2 has no round
  // instruction), which the simulator's drains make per element.
  constexpr double kShift = 6755399441055744.0; // 1.5 * 2^52
  if (std::fabs(x) < 2251799813685248.0)        // 2^51
    return int64_t((x + kShift) - kShift);
  return int64_t(std::nearbyint(x));
}

/// clamp(roundHalfEven(x / scale) + zeroPoint, min, max). Inline: the
/// simulator's drain quantizes every element it stores.
inline int64_t quantize(double x, double scale, int64_t zeroPoint,
                        IntFormat format) {
  double scaled = x / scale;
  if (std::isnan(scaled))
    return std::clamp<int64_t>(zeroPoint, format.min(), format.max());
  // Clamp before converting so huge values cannot overflow int64.
  double lo = double(format.min() - zeroPoint) - 1.0;
  double hi = double(format.max() - zeroPoint) + 1.0;
  scaled = std::clamp(scaled, lo, hi);
  return std::clamp(roundHalfEven(scaled) + zeroPoint, format.min(),
                    format.max());
}
/// (q - zeroPoint) * scale.
inline double dequantize(int64_t q, double scale, int64_t zeroPoint) {
  return double(q - zeroPoint) * scale;
}

/// Whether quantizeRow can stand for quantize() with these parameters: the
/// clamped values and codes then fit 32 bits.
inline bool quantizeRowFits(int64_t zeroPoint, IntFormat format) {
  return format.bits <= 16 && zeroPoint >= -(int64_t(1) << 20) &&
         zeroPoint <= (int64_t(1) << 20);
}

/// quantize() of `n` floats with one scale and zero point, into `codes`:
/// the same results, computed without branches so the loop vectorizes
/// (compiled per x86 vector width; one element at a time was most of a
/// simulated drain). Only where quantizeRowFits.
void quantizeRow(const float *x, int64_t n, double scale, int64_t zeroPoint,
                 IntFormat format, int32_t *codes);

/// tosa.cast of a float to a `bits`-bit signed integer: round half to even,
/// saturate, NaN gives 0. The interpreter's tosa.cast and the simulator's
/// host cast share it.
int64_t castFloatToInt(double v, unsigned bits);

/// A double truncated toward zero into int64, saturating at its ends (NaN
/// gives 0): C++'s conversion is undefined outside the range, and values
/// from a model file can be anything.
inline int64_t truncateToInt64(double v) {
  if (std::isnan(v))
    return 0;
  if (v >= 9223372036854775808.0)
    return std::numeric_limits<int64_t>::max();
  if (v <= -9223372036854775808.0)
    return std::numeric_limits<int64_t>::min();
  return int64_t(v);
}

/// The low `width` bits of v read as a two's-complement integer.
inline int64_t signExtend(int64_t v, unsigned width) {
  if (width >= 64)
    return v;
  uint64_t mask = (uint64_t(1) << width) - 1, u = uint64_t(v) & mask;
  if (u >> (width - 1))
    u |= ~mask;
  return int64_t(u);
}

/// Scale and zero point for one tensor or channel.
struct QuantParams {
  double scale = 1.0;
  int64_t zeroPoint = 0;
};

/// Parameters mapping the real range [lo, hi] onto the format.
/// Symmetric: zero point 0 and scale = max(|lo|, |hi|) / max (for a signed
/// format the range is [-max, max]; the code `min` stays unused).
/// Asymmetric: the range is widened to include 0, scale = (hi - lo) /
/// (max - min), and the zero point is the code of 0.0, rounded and clamped.
/// A degenerate range (all zero) gives scale 1.
QuantParams paramsForRange(double lo, double hi, IntFormat format,
                           bool symmetric);

/// How calibration picks the clipping range of a tensor.
enum class Calibration {
  MinMax,     ///< the observed minimum and maximum
  Percentile, ///< the p-th and (100-p)-th percentiles of the values
  MSE,        ///< the clipping threshold that minimises the quantization MSE
};

/// Chooses parameters for `data` by `method`. `percentile` is used by
/// Percentile (e.g. 99.99). MSE searches 100 clipping thresholds in
/// (0, max|x|] (and, for asymmetric formats, scales the observed range by
/// the same factors) and keeps the one with the least mean squared error of
/// quantize-dequantize; ties keep the wider range.
QuantParams calibrate(const std::vector<float> &data, IntFormat format,
                      bool symmetric, Calibration method,
                      double percentile = 99.99);

/// calibrate(), remembered for the whole process (thread-safe) by a hash of
/// `data` and the settings: a search that compiles one model many times
/// (kitec --optimize) calibrates the same activations once, not once per
/// candidate.
QuantParams calibrateShared(const std::vector<float> &data, IntFormat format,
                            bool symmetric, Calibration method,
                            double percentile = 99.99);

/// Per-channel calibration: `data` has row-major `shape`, one set of
/// parameters per index along `axis`.
std::vector<QuantParams> calibratePerChannel(const std::vector<float> &data,
                                             const std::vector<int64_t> &shape,
                                             int64_t axis, IntFormat format,
                                             bool symmetric, Calibration method,
                                             double percentile = 99.99);

/// Mean squared error of quantize-dequantize of `data` with `params`.
double quantizationMSE(const std::vector<float> &data, QuantParams params,
                       IntFormat format);

} // namespace kite::numerics

#endif // KITE_NUMERICS_INTQUANT_H
