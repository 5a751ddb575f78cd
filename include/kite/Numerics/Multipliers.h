//===- Multipliers.h - exact and approximate multipliers --------*- C++ -*-===//
//
// The multiplier library of the Kite MAC array: exact, truncated,
// broken-array (BAM), Mitchell logarithmic, DRUM and under-designed (UDM)
// multipliers for operand widths 2..8, each with a bit-exact functional
// model, its error table and metrics, and a relative energy figure.
// Definitions and the energy model: docs/numerics.md. Plain C++.
//
//===----------------------------------------------------------------------===//

#ifndef KITE_NUMERICS_MULTIPLIERS_H
#define KITE_NUMERICS_MULTIPLIERS_H

#include "kite/Numerics/Gemm.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kite::numerics {

enum class MulFamily { Exact, Truncated, BrokenArray, Mitchell, DRUM, UDM };

/// A parsed multiplier name: family and its settings.
struct MulSpec {
  MulFamily family = MulFamily::Exact;
  int p1 = 0; ///< trunc: k; bam: h; mitchell: t (0 = full); drum: k; udm: k (0
              ///< = all)
  int p2 = 0; ///< bam: v
};

/// One operand of a multiplier: width 2..8 and signedness. Signed operands
/// are multiplied as sign and magnitude: the unsigned core sees |x| < 2^bits.
struct MulOperand {
  unsigned bits = 8;
  bool isSigned = true;
  int64_t min() const { return isSigned ? -(int64_t(1) << (bits - 1)) : 0; }
  int64_t max() const {
    return isSigned ? (int64_t(1) << (bits - 1)) - 1 : (int64_t(1) << bits) - 1;
  }
  /// A stored (sign-extended) integer read in this format: an unsigned
  /// format takes its low `bits` bits.
  int64_t read(int64_t stored) const {
    return isSigned ? stored : stored & ((int64_t(1) << bits) - 1);
  }
};

/// Error statistics over every operand pair, E = M(a, w) - a * w.
struct ErrorMetrics {
  double mae = 0;  ///< mean |E|
  int64_t wce = 0; ///< worst-case |E|
  double mred = 0; ///< mean |E| / |a * w| over pairs with a * w != 0
  double ep = 0;   ///< error probability: fraction of pairs with E != 0
  double bias = 0; ///< mean E
  double nmed = 0; ///< MAE / max |a * w|
};

/// Parses "exact", "trunc<k>", "bam_h<h>_v<v>", "mitchell", "mitchell_t<t>",
/// "drum<k>", "udm", "udm<k>". On failure returns nullopt and sets *error.
std::optional<MulSpec> parseMultiplierName(std::string_view name,
                                           std::string *error);

/// "" when `name` is a multiplier defined for aBits x wBits operands, else
/// why not (unknown name, width out of range, settings that do not fit).
/// Cheap: builds no tables.
std::string checkMultiplier(std::string_view name, unsigned aBits,
                            unsigned wBits);

/// The canonical name of a spec (inverse of parseMultiplierName).
std::string multiplierName(const MulSpec &spec);

/// Every multiplier Kite ships, in library order (exact first).
const std::vector<std::string> &multiplierLibrary();

/// The unsigned core of `spec` on magnitudes a < 2^aBits, w < 2^wBits, by
/// its published construction.
uint64_t coreProduct(const MulSpec &spec, uint64_t a, uint64_t w,
                     unsigned aBits, unsigned wBits);

/// A multiplier specialised to operand formats: a product table over every
/// operand pair, metrics and relative energy.
class Multiplier {
public:
  /// Fails (nullopt, *error set) for an unknown name, widths outside 2..8,
  /// or settings that do not fit the widths.
  static std::optional<Multiplier> create(std::string_view name, MulOperand a,
                                          MulOperand w, std::string *error);
  /// The same, built once per (name, formats) for the whole process and
  /// shared (thread-safe): a table is 2^(a+w) products.
  static const Multiplier *shared(std::string_view name, MulOperand a,
                                  MulOperand w, std::string *error);

  int64_t multiply(int64_t a, int64_t w) const {
    return table[size_t((a - aOp.min()) << wOp.bits | (w - wOp.min()))];
  }
  /// M(a, w) - a * w.
  int64_t error(int64_t a, int64_t w) const { return multiply(a, w) - a * w; }

  const std::string &name() const { return canonicalName; }
  const MulSpec &spec() const { return mulSpec; }
  MulOperand lhs() const { return aOp; }
  MulOperand rhs() const { return wOp; }
  /// Products indexed by (a - a.min) * 2^w.bits + (w - w.min).
  const std::vector<int32_t> &productTable() const { return table; }
  /// The shared multipliers' products by operand byte, for
  /// addOffsetProducts and addTableProducts: a value is stored as its low
  /// 8 bits, and a byte's low `bits` bits, sign- or zero-extended, are its
  /// value (so the permute kernels read weights of up to 7 bits). Null for
  /// multipliers not from shared().
  const OffsetProducts *byteProducts() const {
    return bytes ? &*bytes : nullptr;
  }
  /// out (m x n) += the products of a (m x k) and w (k x n), both operand
  /// bytes, from byteProducts() (shared multipliers only): 32-bit sums when
  /// k times the largest product fits, else 64-bit ones.
  void accumulate(int64_t m, int64_t k, int64_t n, const uint8_t *a,
                  const uint8_t *w, int64_t *out) const;
  const ErrorMetrics &metrics() const { return errorMetrics; }
  /// Energy relative to the exact multiplier of the same widths (1.0).
  double relativeEnergy() const { return energy; }

private:
  Multiplier() = default;
  MulSpec mulSpec;
  std::string canonicalName;
  MulOperand aOp, wOp;
  std::vector<int32_t> table;
  std::optional<OffsetProducts> bytes;
  int64_t largest = 0;
  ErrorMetrics errorMetrics;
  double energy = 1.0;
};

/// Energy of the exact aBits x wBits multiplier relative to the exact 8x8
/// one (gate-equivalent ratio); with the target's int8_mul energy this puts
/// every multiplier in picojoules.
double exactEnergyRelativeTo8x8(unsigned aBits, unsigned wBits);

/// Gate-equivalent cost of the unsigned core (docs/numerics.md), the basis
/// of relativeEnergy().
double coreGateEquivalents(const MulSpec &spec, unsigned aBits, unsigned wBits);

} // namespace kite::numerics

#endif // KITE_NUMERICS_MULTIPLIERS_H
