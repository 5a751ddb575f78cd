//===- LutSoftmax.h - look-up-table softmax ---------------------*- C++ -*-===//
//
// Table generation and bit-exact evaluation of the LUT softmax unit
// (Vasyltsov & Chang, arXiv 2111.10770), rexp and 2D-LUT methods. The
// evaluation here is the one definition of the unit: the interpreter and the
// simulator both call it. Plain C++.
//
//===----------------------------------------------------------------------===//

#ifndef KITE_NUMERICS_LUTSOFTMAX_H
#define KITE_NUMERICS_LUTSOFTMAX_H

#include <cstdint>
#include <string>
#include <vector>

namespace kite::numerics {

enum class SoftmaxMethod { Rexp, Lut2D };

/// The hardware unit's geometry (the target's `#kite.softmax_unit`).
struct SoftmaxUnitGeometry {
  SoftmaxMethod method = SoftmaxMethod::Lut2D;
  double step = 1.0;       ///< input grid Δ
  unsigned outBits = 8;    ///< w
  unsigned expEntries = 7; ///< D + 1
  unsigned normRows = 60;
  unsigned normCols = 11; ///< 1 for rexp
};

/// Everything the unit needs for one softmax: tables and shifts. These are
/// exactly the attributes of `kite.lut_softmax`.
struct LutSoftmaxTables {
  SoftmaxMethod method = SoftmaxMethod::Lut2D;
  double inputScale = 1.0; ///< real value of one input unit
  double step = 1.0;
  unsigned outBits = 8;
  int sumShift = 0;
  int outShift = 0;
  std::vector<int32_t> expTable;
  std::vector<int32_t> normTable; ///< rows x cols, row-major
  unsigned normRows = 0, normCols = 1;

  /// Storage of both tables at outBits bits per entry.
  uint64_t bytes() const;
  /// "" if the tables are consistent (sizes, entry ranges, shifts).
  std::string validate() const;
};

/// Generates tables for rows of `rowLength` elements whose inputs are in
/// units of `inputScale` (1.0 for float inputs), with sums quantised by
/// `sumShift`:
///  * rexp:  exp[d] = round((2^w-1) e^(-dΔ)); norm[j] = min(2^w-1,
///    round(2^(w-1) (2^w-1) / S_j)), out_shift = w - 1;
///  * lut2d: exp[d] = round((cols-1) e^(-dΔ)) (a column index: the numerator
///    in steps of 1/(cols-1)); norm[j][i] = min(2^w-1, round((2^w-1) i /
///    S_j)), out_shift = 0;
/// where S_j is the mean of the reachable sums that land in row j (the row
/// maximum always contributes the top entry, so S >= that entry).
LutSoftmaxTables generateLutSoftmax(const SoftmaxUnitGeometry &unit,
                                    unsigned rowLength, double inputScale,
                                    int sumShift);

/// The least sum shift at which every reachable sum has its own row; larger
/// shifts only lose precision.
int maxSumShift(const SoftmaxUnitGeometry &unit, unsigned rowLength);

/// Generates tables with the sum shift in [0, maxSumShift] that minimises
/// the mean absolute probability error on `samples` (rows of `rowLength`
/// inputs, flattened); ties keep the smaller shift. With `fitStep`, also
/// the distance grid Δ among 1, 3/4, 1/2 and 3/8 of the unit's (the
/// instruction carries its own Δ): a row whose logits lie within Δ/2 of
/// its maximum falls into one grid cell and comes out uniform, which a finer
/// grid resolves at the price of the range the few table entries cover. The
/// pass fits on calibration data, the tool on syntheticSoftmaxInputs().
LutSoftmaxTables fitLutSoftmax(const SoftmaxUnitGeometry &unit,
                               unsigned rowLength, double inputScale,
                               const std::vector<double> &samples,
                               bool fitStep = false);

/// Evaluates one row bit-exactly (semantics of `kite.lut_softmax`). `x` are
/// the inputs in their own units (floats, or integers converted to double);
/// `out` receives unsigned outBits-bit probabilities (value / (2^w - 1)).
/// -inf (a mask) takes the smallest entry, +inf the row maximum's; a NaN has
/// no probability: false, and `out` is unspecified.
[[nodiscard]] bool evalLutSoftmaxRow(const LutSoftmaxTables &tables,
                                     const double *x, size_t n, int32_t *out);

/// Exact softmax of one row, for comparison.
void exactSoftmaxRow(const double *x, size_t n, double *out);

/// The exact f32 softmax of `kite.softmax` and of the vector unit's
/// `vec_softmax`, in place: the row maximum, exp(x - max) summed in order,
/// each divided by the sum.
void softmaxRowF32(float *row, size_t n);

/// The documented random-input distribution: `rows` rows of `rowLength`
/// inputs drawn i.i.d. from N(0, sigma^2) by a Box-Muller transform of
/// std::mt19937_64(seed) (fully specified, unlike std::normal_distribution),
/// flattened.
std::vector<double> syntheticSoftmaxInputs(unsigned rowLength, unsigned rows,
                                           double sigma, uint64_t seed);

/// Accuracy of the tables against exact softmax on `samples` (rows of
/// `rowLength` inputs, flattened, in the tables' input units).
struct LutSoftmaxError {
  double maxAbs = 0;        ///< max |p_lut - p_exact| over all elements
  double meanAbs = 0;       ///< mean |p_lut - p_exact|
  double top1Agreement = 0; ///< rows whose argmax agrees (first on ties)
};
LutSoftmaxError measureLutSoftmaxError(const LutSoftmaxTables &tables,
                                       unsigned rowLength,
                                       const std::vector<double> &samples);

} // namespace kite::numerics

#endif // KITE_NUMERICS_LUTSOFTMAX_H
