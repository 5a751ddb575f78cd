//===- LutTable.h - a function of int8 codes as a 256-entry table -*- C++ -*-=//
//
// The LUT unit maps each int8 code to an int8 code. Any elementwise
// function f becomes such a table once its input and output quantizations
// are fixed: entry c holds quantize(f(dequantize(c - 128))). Plain C++.
//
//===----------------------------------------------------------------------===//

#ifndef KITE_NUMERICS_LUTTABLE_H
#define KITE_NUMERICS_LUTTABLE_H

#include <array>
#include <cstdint>
#include <functional>

namespace kite::numerics {

/// Per-tensor int8 quantization: real = (code - zero) * scale.
struct Int8Quant {
  double scale = 1;
  int64_t zero = 0;
};

/// Asymmetric int8 parameters whose 256 codes span [lo, hi] widened to
/// hold 0 (so that 0 is exact and the zero point fits int8).
Int8Quant coverRange(double lo, double hi);

/// The int8 code of `y`, saturating; ±inf go to the extreme codes.
int64_t quantizeSaturating(double y, const Int8Quant &q);

/// Entry c (c = 0..255 for code c - 128) of the table of `f` between the
/// two quantizations; false if f is NaN at some code (the table would be
/// meaningless there).
using LutTable = std::array<int8_t, 256>;
bool buildLutTable(const std::function<double(double)> &f, const Int8Quant &in,
                   const Int8Quant &out, LutTable &table);
/// The same from the function's values at the 256 input codes (value c for
/// code c - 128), for a caller that evaluates them itself.
bool lutTableFromValues(const std::array<double, 256> &values,
                        const Int8Quant &out, LutTable &table);

/// The table's result for real input x: dequantize(table[quantize(x)]).
double evalLutTable(const LutTable &table, const Int8Quant &in,
                    const Int8Quant &out, double x);

} // namespace kite::numerics

#endif // KITE_NUMERICS_LUTTABLE_H
