//===- LutTable.cpp - a function of int8 codes as a 256-entry table -------===//

#include "kite/Numerics/LutTable.h"
#include "kite/Numerics/IntQuant.h"

#include <algorithm>
#include <cmath>

using namespace kite::numerics;

static constexpr IntFormat kInt8{8, true};

Int8Quant kite::numerics::coverRange(double lo, double hi) {
  lo = std::min(lo, 0.0);
  hi = std::max(hi, 0.0);
  Int8Quant q;
  if (hi > lo && std::isfinite(hi - lo)) {
    q.scale = (hi - lo) / 255.0;
    q.zero =
        std::clamp<int64_t>(std::llround(-128.0 - lo / q.scale), -128, 127);
  }
  return q;
}

int64_t kite::numerics::quantizeSaturating(double y, const Int8Quant &q) {
  if (std::isinf(y))
    return y > 0 ? 127 : -128;
  return quantize(y, q.scale, q.zero, kInt8);
}

bool kite::numerics::buildLutTable(const std::function<double(double)> &f,
                                   const Int8Quant &in, const Int8Quant &out,
                                   LutTable &table) {
  std::array<double, 256> values;
  for (int c = 0; c < 256; ++c)
    values[size_t(c)] = f(dequantize(c - 128, in.scale, in.zero));
  return lutTableFromValues(values, out, table);
}

bool kite::numerics::lutTableFromValues(const std::array<double, 256> &values,
                                        const Int8Quant &out, LutTable &table) {
  for (size_t c = 0; c < 256; ++c) {
    if (std::isnan(values[c]))
      return false;
    table[c] = int8_t(quantizeSaturating(values[c], out));
  }
  return true;
}

double kite::numerics::evalLutTable(const LutTable &table, const Int8Quant &in,
                                    const Int8Quant &out, double x) {
  int64_t c = quantizeSaturating(x, in);
  return dequantize(table[size_t(c + 128)], out.scale, out.zero);
}
