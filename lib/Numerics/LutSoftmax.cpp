//===- LutSoftmax.cpp - look-up-table softmax -----------------------------===//

#include "kite/Numerics/LutSoftmax.h"
#include "kite/Numerics/IntQuant.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

using namespace kite::numerics;

uint64_t LutSoftmaxTables::bytes() const {
  return ((expTable.size() + normTable.size()) * outBits + 7) / 8;
}

std::string LutSoftmaxTables::validate() const {
  if (outBits < 2 || outBits > 16)
    return "out_bits " + std::to_string(outBits) +
           " is out of range: must be in [2, 16]";
  if (!(inputScale > 0) || !(step > 0) || !std::isfinite(inputScale / step))
    return "input_scale and step must be positive and finite";
  if (sumShift < 0 || sumShift > 62 || outShift < 0 || outShift > 62)
    return "sum_shift and out_shift must be in [0, 62]";
  if (expTable.size() < 2)
    return "exp_table must have at least 2 entries";
  if (normRows < 1 || normCols < 1 ||
      normTable.size() != size_t(normRows) * normCols)
    return "norm_table must have norm_rows x norm_cols entries";
  if (method == SoftmaxMethod::Rexp && normCols != 1)
    return "norm_table of method rexp must be 1-D";
  int64_t maxEntry = (int64_t(1) << outBits) - 1;
  for (auto [name, table] :
       {std::pair{"exp_table", &expTable}, std::pair{"norm_table", &normTable}})
    for (int32_t e : *table)
      if (e < 0 || e > maxEntry)
        return std::string(name) + " entry " + std::to_string(e) +
               " is out of range for " + std::to_string(outBits) +
               "-bit unsigned entries";
  return "";
}

/// The numerator entry of the row maximum (distance 0).
static int64_t topEntry(const SoftmaxUnitGeometry &unit) {
  return unit.method == SoftmaxMethod::Rexp ? (int64_t(1) << unit.outBits) - 1
                                            : int64_t(unit.normCols) - 1;
}

int kite::numerics::maxSumShift(const SoftmaxUnitGeometry &unit,
                                unsigned rowLength) {
  uint64_t maxSum = uint64_t(topEntry(unit)) * std::max(1u, rowLength);
  int s = 0;
  while ((maxSum >> s) >= unit.normRows)
    ++s;
  return s;
}

/// Mean of the sums in [minSum, maxSum] that land in row `row`.
static double rowSum(unsigned row, unsigned rows, int shift, uint64_t minSum,
                     uint64_t maxSum) {
  uint64_t lo = uint64_t(row) << shift;
  uint64_t hi = row + 1 == rows ? maxSum : ((uint64_t(row) + 1) << shift) - 1;
  lo = std::max(lo, minSum);
  hi = std::min(hi, maxSum);
  if (lo > hi) // unreachable row: use its lower edge
    return double(std::max<uint64_t>(uint64_t(row) << shift, minSum));
  return (double(lo) + double(hi)) / 2.0;
}

LutSoftmaxTables
kite::numerics::generateLutSoftmax(const SoftmaxUnitGeometry &unit,
                                   unsigned rowLength, double inputScale,
                                   int sumShift) {
  LutSoftmaxTables t;
  t.method = unit.method;
  t.inputScale = inputScale;
  t.step = unit.step;
  t.outBits = unit.outBits;
  t.normRows = unit.normRows;
  t.normCols = unit.method == SoftmaxMethod::Rexp ? 1 : unit.normCols;
  t.sumShift = sumShift;
  const int64_t full = (int64_t(1) << unit.outBits) - 1;
  const int64_t top = topEntry(unit);
  for (unsigned d = 0; d < unit.expEntries; ++d)
    t.expTable.push_back(
        int32_t(roundHalfEven(double(top) * std::exp(-double(d) * unit.step))));
  const uint64_t minSum = uint64_t(top);
  const uint64_t maxSum = uint64_t(top) * std::max(1u, rowLength);
  t.outShift = unit.method == SoftmaxMethod::Rexp ? int(unit.outBits) - 1 : 0;
  for (unsigned j = 0; j < t.normRows; ++j) {
    double s = rowSum(j, t.normRows, sumShift, minSum, maxSum);
    if (unit.method == SoftmaxMethod::Rexp) {
      t.normTable.push_back(int32_t(std::min<int64_t>(
          full, roundHalfEven(std::ldexp(double(full), t.outShift) / s))));
      continue;
    }
    for (unsigned i = 0; i < t.normCols; ++i)
      t.normTable.push_back(int32_t(
          std::min<int64_t>(full, roundHalfEven(double(full) * i / s))));
  }
  return t;
}

/// The grids fitLutSoftmax tries, as multiples of the target's Δ.
static constexpr double kStepScales[] = {1.0, 0.75, 0.5, 0.375};

LutSoftmaxTables kite::numerics::fitLutSoftmax(
    const SoftmaxUnitGeometry &unit, unsigned rowLength, double inputScale,
    const std::vector<double> &samples, bool fitStep) {
  LutSoftmaxTables best;
  double bestErr = INFINITY;
  for (double scale : kStepScales) {
    if (!fitStep && scale != 1.0)
      continue;
    SoftmaxUnitGeometry g = unit;
    g.step = unit.step * scale;
    for (int s = 0; s <= maxSumShift(g, rowLength); ++s) {
      LutSoftmaxTables t = generateLutSoftmax(g, rowLength, inputScale, s);
      double err = measureLutSoftmaxError(t, rowLength, samples).meanAbs;
      if (err < bestErr) {
        bestErr = err;
        best = std::move(t);
      }
    }
  }
  return best;
}

bool kite::numerics::evalLutSoftmaxRow(const LutSoftmaxTables &t,
                                       const double *x, size_t n,
                                       int32_t *out) {
  if (n == 0)
    return true;
  if (std::any_of(x, x + n, [](double v) { return std::isnan(v); }))
    return false;
  const double maxX = *std::max_element(x, x + n);
  const int64_t lastD = int64_t(t.expTable.size()) - 1;
  const double unitsPerStep = t.inputScale / t.step;
  const int64_t full = (int64_t(1) << t.outBits) - 1;
  int64_t sum = 0;
  for (size_t i = 0; i < n; ++i) {
    // x == max first: inf - inf is NaN.
    double distance = x[i] == maxX ? 0.0 : (maxX - x[i]) * unitsPerStep;
    int64_t d = distance >= double(lastD) ? lastD : roundHalfEven(distance);
    out[i] = t.expTable[size_t(std::min(d, lastD))];
    sum += out[i];
  }
  int64_t row = std::min<int64_t>(sum >> t.sumShift, int64_t(t.normRows) - 1);
  if (t.method == SoftmaxMethod::Rexp) {
    int64_t r = t.normTable[size_t(row)];
    for (size_t i = 0; i < n; ++i)
      out[i] = int32_t(std::min(full, (int64_t(out[i]) * r) >> t.outShift));
  } else {
    const int32_t *rowTable = t.normTable.data() + row * t.normCols;
    for (size_t i = 0; i < n; ++i)
      out[i] = rowTable[std::min<int64_t>(out[i] >> t.outShift,
                                          int64_t(t.normCols) - 1)];
  }
  return true;
}

void kite::numerics::exactSoftmaxRow(const double *x, size_t n, double *out) {
  if (n == 0)
    return;
  double maxX = *std::max_element(x, x + n), sum = 0;
  for (size_t i = 0; i < n; ++i)
    sum += out[i] = std::exp(x[i] - maxX);
  for (size_t i = 0; i < n; ++i)
    out[i] /= sum;
}

void kite::numerics::softmaxRowF32(float *row, size_t n) {
  float mx = -std::numeric_limits<float>::infinity();
  for (size_t i = 0; i < n; ++i)
    mx = std::max(mx, row[i]);
  float sum = 0;
  for (size_t i = 0; i < n; ++i)
    sum += row[i] = std::exp(row[i] - mx);
  for (size_t i = 0; i < n; ++i)
    row[i] /= sum;
}

std::vector<double> kite::numerics::syntheticSoftmaxInputs(unsigned rowLength,
                                                           unsigned rows,
                                                           double sigma,
                                                           uint64_t seed) {
  std::mt19937_64 rng(seed);
  // Uniform in (0, 1) from the top 53 bits.
  auto uniform = [&] { return (double(rng() >> 11) + 0.5) * 0x1p-53; };
  std::vector<double> x(size_t(rowLength) * rows);
  for (double &v : x) {
    double u1 = uniform(), u2 = uniform();
    v = sigma * std::sqrt(-2.0 * std::log(u1)) * std::cos(2 * M_PI * u2);
  }
  return x;
}

LutSoftmaxError
kite::numerics::measureLutSoftmaxError(const LutSoftmaxTables &tables,
                                       unsigned rowLength,
                                       const std::vector<double> &samples) {
  LutSoftmaxError err;
  if (rowLength == 0 || samples.size() < rowLength)
    return err;
  size_t rows = samples.size() / rowLength;
  std::vector<double> real(rowLength), exact(rowLength);
  std::vector<int32_t> lut(rowLength);
  const double full = double((int64_t(1) << tables.outBits) - 1);
  double absSum = 0;
  size_t agree = 0;
  for (size_t r = 0; r < rows; ++r) {
    const double *x = samples.data() + r * rowLength;
    for (unsigned i = 0; i < rowLength; ++i)
      real[i] = x[i] * tables.inputScale;
    exactSoftmaxRow(real.data(), rowLength, exact.data());
    (void)evalLutSoftmaxRow(tables, x, rowLength, lut.data()); // no NaN
    for (unsigned i = 0; i < rowLength; ++i) {
      double e = std::fabs(lut[i] / full - exact[i]);
      err.maxAbs = std::max(err.maxAbs, e);
      absSum += e;
    }
    agree += std::max_element(exact.begin(), exact.end()) - exact.begin() ==
             std::max_element(lut.begin(), lut.end()) - lut.begin();
  }
  err.meanAbs = absSum / (double(rows) * rowLength);
  err.top1Agreement = double(agree) / double(rows);
  return err;
}
