//===- LP.h - logarithmic posits LP<n, es, rs, sf> --------------*- C++ -*-===//
//
// Bit-exact encode/decode/multiply for logarithmic posits, shared by the
// dialect, the interpreter, the search passes and the simulator. Definition:
// docs/numerics.md. Plain C++, no MLIR dependency.
//
//===----------------------------------------------------------------------===//

#ifndef KITE_NUMERICS_LP_H
#define KITE_NUMERICS_LP_H

#include "kite/Numerics/Gemm.h"

#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace kite::numerics {

/// Parameters of an LP<n, es, rs, sf> format.
struct LPFormat {
  unsigned n = 8;  ///< word width, 2..16
  unsigned es = 1; ///< exponent bits, 0..4
  unsigned rs = 7; ///< regime run-length cap, 1..n-1
  int sf = 0;      ///< integer scale factor, -64..64

  /// "" when the parameters are valid, else a message naming the first bad
  /// parameter and its range.
  static std::string validate(unsigned n, unsigned es, unsigned rs, int sf);
  std::string validate() const { return validate(n, es, rs, sf); }
  std::string str() const; ///< "LP<8, 1, 7, 0>"
  bool operator==(const LPFormat &o) const {
    return n == o.n && es == o.es && rs == o.rs && sf == o.sf;
  }
};

/// Log values are fixed point with this many fractional bits. Every LP word
/// of n <= 16 bits has at most 14 fraction bits, so logs of values and of
/// products are exact in this form.
constexpr int kLogFracBits = 16;
constexpr int64_t kLogOne = int64_t(1) << kLogFracBits;

/// A decoded word: zero, NaR, or +/- 2^(log / 2^kLogFracBits).
struct LPValue {
  enum class Kind : uint8_t { Zero, NaR, Finite };
  Kind kind = Kind::Zero;
  bool negative = false;
  int32_t log = 0; ///< log2 |value| (scale factor applied), 2^-16 units

  bool isZero() const { return kind == Kind::Zero; }
  bool isNaR() const { return kind == Kind::NaR; }
  /// Orders words by |value| (what N:M selection keeps): zero lowest.
  double magnitude() const {
    return isZero() ? -std::numeric_limits<double>::infinity() : double(log);
  }
  /// The exact value as a double (NaR is NaN).
  double toDouble() const;
};

/// Decodes the bits of one word by the definition (regime run, exponent,
/// log-fraction). `code` uses the low n bits.
LPValue decodeLP(const LPFormat &format, uint32_t code);

/// Encode/decode for one format, with the tables that make encoding a binary
/// search. Construct once per format and reuse; thread-safe after
/// construction.
class LPCodec {
public:
  explicit LPCodec(const LPFormat &format);
  /// The codec of `format`, built once per process and kept (building one
  /// finds its thresholds: hundreds of log2s). Thread-safe.
  static const LPCodec &shared(const LPFormat &format);

  const LPFormat &format() const { return fmt; }
  uint32_t numCodes() const { return uint32_t(1) << fmt.n; }
  uint32_t narCode() const { return uint32_t(1) << (fmt.n - 1); }
  uint32_t mask() const { return numCodes() - 1; }

  /// Nearest word to x in the log domain, t = std::log2(|x|) (ties to the
  /// even word), saturating to +/-maxpos; |x| below minpos/2 becomes zero,
  /// |x| in [minpos/2, minpos] becomes +/-minpos (compared as doubles); NaN
  /// and +/-inf become NaR. A search over the thresholds between words,
  /// which are exactly where this rounding changes its answer.
  uint32_t encode(double x) const;
  /// encode() of each of `x`'s `n` values into `out`, in one loop.
  void encode(const float *x, int64_t n, int64_t *out) const;
  /// The same by the definition: log2, then the nearest word.
  uint32_t encodeByLog(double x) const;
  /// The word's exact value; NaR is NaN.
  double decode(uint32_t code) const { return values[code & mask()]; }
  const LPValue &value(uint32_t code) const { return decoded[code & mask()]; }

  double maxpos() const { return decode(maxposCode()); }
  double minpos() const { return decode(1); }
  uint32_t maxposCode() const { return narCode() - 1; }
  /// log2(maxpos / minpos): the dynamic range in binades.
  double dynamicRangeBinades() const;

  /// Two's-complement negation within n bits (exact; NaR and zero map to
  /// themselves).
  uint32_t negate(uint32_t code) const { return (~code + 1) & mask(); }

private:
  LPFormat fmt;
  std::vector<LPValue> decoded; ///< by code
  std::vector<double> values;   ///< by code
  /// Logs of positive codes 1 .. 2^(n-1)-1 in increasing order (index i is
  /// code i + 1; the order is monotone, checked at construction).
  std::vector<int32_t> positiveLogs;
  /// thresholds[c - 1]: the bits of the smallest positive double that
  /// encodeByLog rounds to code c or above, for c = 1 .. maxpos, then all
  /// ones. Positive doubles order as their bits, so a word is the count of
  /// thresholds at or below |x|'s bits.
  std::vector<uint64_t> thresholds;
  /// That count at the start of each bucket of bits (|x|'s exponent and
  /// top mantissa bits, bits >> bucketShift) from firstBucket on, so
  /// encoding scans at most a few thresholds.
  std::vector<uint16_t> bucketCounts;
  uint64_t firstBucket = 0;
  unsigned bucketShift = 0;
};

/// Product of two decoded LP values: exact, the sum of the logs.
LPValue multiplyLP(const LPValue &a, const LPValue &b);

/// Converts an LP value (typically a product) to the accumulator's fixed
/// point with `fracBits` fractional bits: round_half_even(value * 2^fracBits)
/// where the significand 2^frac(log) is first rounded to 30 fractional bits
/// (the antilog table's precision). Saturates to +/-(2^62). NaR gives 0 and
/// sets `*nar` if given.
int64_t lpToFixed(const LPValue &v, int fracBits, bool *nar = nullptr);

/// Where a product table's NaR entries lie: the codes all of whose
/// products are NaR (as the activation, as the weight: NaR operands), and
/// the activation codes with NaR products elsewhere (rare).
struct LPNarMap {
  std::array<uint8_t, 256> byA{}, byW{}, other{};
  explicit LPNarMap(const std::vector<uint8_t> &nar);
};

/// lpToFixed(multiplyLP(a.value(x), w.value(y)), fracBits) for every pair
/// of words' low 8 bits, and whether it is NaR: a MAC's LP product becomes
/// one table read (the simulator's and the interpreter's tables).
class LPProductTable {
public:
  LPProductTable(const LPCodec &a, const LPCodec &w, int fracBits);
  /// The table of two shared codecs (LPCodec::shared), built once per
  /// process and kept. Thread-safe.
  static const LPProductTable &shared(const LPCodec &a, const LPCodec &w,
                                      int fracBits);

  int64_t product(uint8_t x, uint8_t y) const { return wide[x << 8 | y]; }
  bool isNaR(uint8_t x, uint8_t y) const { return nar[x << 8 | y] != 0; }

  /// out (m x n) += the products of a (m x k) and w (k x n), both codes;
  /// narOut (m x n) |= whether any of an output's products is NaR.
  void accumulate(int64_t m, int64_t k, int64_t n, const uint8_t *a,
                  const uint8_t *w, int64_t *out, uint8_t *narOut) const;
  /// Whether accumulate reads products by the sum of the operands' log
  /// indices where they fit 32 bits (a table that stays in L1), rather than
  /// from the 256 x 256 table: formats whose logs lie on one grid, which
  /// every format up to 8 bits does.
  bool indexedBySum() const { return bySum; }

private:
  std::vector<int64_t> wide; ///< [x << 8 | y]
  /// The same clamped to 32 bits, indexed by the sum of log indices or as
  /// the full table: what a call reads when k times its largest product
  /// fits 32 bits, which on real data is almost always.
  OffsetProducts narrow;
  bool bySum = false;
  /// Each code's log magnitude (zero and NaR lowest): a product grows with
  /// its operands' magnitudes, so the largest one a call reads is that of
  /// its largest operands.
  std::array<int64_t, 256> rankA{}, rankW{};
  std::vector<uint8_t> nar;
  std::optional<LPNarMap> narMap;
};

} // namespace kite::numerics

#endif // KITE_NUMERICS_LP_H
