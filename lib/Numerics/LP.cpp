//===- LP.cpp - logarithmic posits ----------------------------------------===//

#include "kite/Numerics/LP.h"

#include "kite/Numerics/Gemm.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <numeric>
#include <tuple>

using namespace kite::numerics;

namespace {
uint64_t bitsOf(double x) {
  uint64_t b;
  std::memcpy(&b, &x, sizeof b);
  return b;
}

double fromBits(uint64_t b) {
  double x;
  std::memcpy(&x, &b, sizeof x);
  return x;
}
} // namespace

std::string LPFormat::validate(unsigned n, unsigned es, unsigned rs, int sf) {
  if (n < 2 || n > 16)
    return "LP word width n = " + std::to_string(n) +
           " is out of range: must be in [2, 16]";
  if (es > 4)
    return "LP exponent size es = " + std::to_string(es) +
           " is out of range: must be in [0, 4]";
  if (rs < 1 || rs > n - 1)
    return "LP regime cap rs = " + std::to_string(rs) +
           " is out of range: must be in [1, n - 1] = [1, " +
           std::to_string(n - 1) + "]";
  if (sf < -64 || sf > 64)
    return "LP scale factor sf = " + std::to_string(sf) +
           " is out of range: must be in [-64, 64]";
  return "";
}

std::string LPFormat::str() const {
  return "LP<" + std::to_string(n) + ", " + std::to_string(es) + ", " +
         std::to_string(rs) + ", " + std::to_string(sf) + ">";
}

double LPValue::toDouble() const {
  switch (kind) {
  case Kind::Zero:
    return 0.0;
  case Kind::NaR:
    return std::numeric_limits<double>::quiet_NaN();
  case Kind::Finite:
    break;
  }
  // 2^(log / 2^16) = 2^floor * 2^frac; exp2 of the fraction then an exact
  // scaling keeps the result independent of how the log splits.
  int32_t whole = log >> kLogFracBits; // floor for negative logs too
  // log - whole * 2^16, without shifting a negative value left.
  double frac = double(log & (kLogOne - 1)) / double(kLogOne);
  double magnitude = std::ldexp(std::exp2(frac), whole);
  return negative ? -magnitude : magnitude;
}

LPValue kite::numerics::decodeLP(const LPFormat &f, uint32_t code) {
  const uint32_t mask = (uint32_t(1) << f.n) - 1;
  code &= mask;
  LPValue v;
  if (code == 0)
    return v;
  const uint32_t signBit = uint32_t(1) << (f.n - 1);
  if (code == signBit) {
    v.kind = LPValue::Kind::NaR;
    return v;
  }
  v.kind = LPValue::Kind::Finite;
  if (code & signBit) {
    v.negative = true;
    code = (~code + 1) & mask;
  }
  // Bits after the sign, most significant first.
  int remaining = int(f.n) - 1;
  auto bitAt = [&](int i) { return (code >> i) & 1u; }; // i from n-2 down
  int pos = remaining - 1;
  uint32_t r = bitAt(pos);
  int m = 0;
  while (pos >= 0 && bitAt(pos) == r && m < int(f.rs)) {
    ++m;
    --pos;
  }
  // The opposite bit ends the run unless the cap or the word's end did.
  if (m < int(f.rs) && pos >= 0)
    --pos;
  int k = r ? m - 1 : -m;
  // Exponent: the next es bits; bits past the end read as 0.
  int e = 0;
  for (unsigned i = 0; i < f.es; ++i) {
    e <<= 1;
    if (pos >= 0)
      e |= int(bitAt(pos--));
  }
  // The rest is the log-fraction, pos + 1 bits.
  int fracBits = pos + 1;
  int64_t frac = fracBits > 0 ? int64_t(code & ((1u << fracBits) - 1)) : 0;
  int64_t log = (int64_t(k) * (int64_t(1) << f.es) + e - f.sf) * kLogOne +
                (frac << (kLogFracBits - fracBits));
  v.log = int32_t(log);
  return v;
}

LPCodec::LPCodec(const LPFormat &format) : fmt(format) {
  assert(fmt.validate().empty() && "invalid LP format");
  uint32_t count = numCodes();
  decoded.resize(count);
  values.resize(count);
  for (uint32_t c = 0; c < count; ++c) {
    decoded[c] = decodeLP(fmt, c);
    values[c] = decoded[c].toDouble();
  }
  positiveLogs.reserve(narCode() - 1);
  for (uint32_t c = 1; c < narCode(); ++c) {
    positiveLogs.push_back(decoded[c].log);
    assert((c == 1 || positiveLogs[c - 1] > positiveLogs[c - 2]) &&
           "LP codes must be monotone");
  }
  // Each threshold by bisection on the bits, so encode answers exactly as
  // encodeByLog for every double (the rounding is monotone in |x|): first
  // within a few thousand ulps of the midpoint of the two words' logs,
  // else between the two words' values (a word's own value rounds to it).
  thresholds.assign(maxposCode() + 1, ~uint64_t(0));
  thresholds[0] = bitsOf(minpos() / 2);
  constexpr uint64_t kNear = 4096;
  for (uint32_t c = 2; c <= maxposCode(); ++c) {
    uint64_t below = bitsOf(values[c - 1]), at = bitsOf(values[c]);
    uint64_t guess = bitsOf(
        std::exp2((double(positiveLogs[c - 2]) + double(positiveLogs[c - 1])) /
                  double(2 * kLogOne)));
    uint64_t lo = std::max(below, guess - kNear),
             hi = std::min(at, guess + kNear);
    if (lo < hi && encodeByLog(fromBits(lo)) < c &&
        encodeByLog(fromBits(hi)) >= c) {
      below = lo;
      at = hi;
    }
    assert(encodeByLog(fromBits(below)) < c && encodeByLog(fromBits(at)) >= c);
    while (at - below > 1) {
      uint64_t mid = below + (at - below) / 2;
      (encodeByLog(fromBits(mid)) >= c ? at : below) = mid;
    }
    thresholds[c - 1] = at;
  }
  // Buckets of 2^8 per binade hold at most a few thresholds for words of up
  // to 11 bits; coarser buckets keep the widest formats' table small.
  uint64_t last = thresholds[maxposCode() - 1];
  bucketShift = 52 - 8;
  while (((last >> bucketShift) - (thresholds[0] >> bucketShift)) >= 65536)
    ++bucketShift;
  firstBucket = thresholds[0] >> bucketShift;
  bucketCounts.resize((last >> bucketShift) - firstBucket + 1);
  uint32_t atStart = 0;
  for (size_t b = 0; b < bucketCounts.size(); ++b) {
    uint64_t start = (firstBucket + b) << bucketShift;
    while (thresholds[atStart] <= start)
      ++atStart;
    bucketCounts[b] = uint16_t(atStart);
  }
}

double LPCodec::dynamicRangeBinades() const {
  return double(positiveLogs.back() - positiveLogs.front()) / double(kLogOne);
}

uint32_t LPCodec::encode(double x) const {
  uint64_t bits = bitsOf(x);
  uint64_t magnitude = bits & ~(uint64_t(1) << 63);
  if (magnitude >= bitsOf(std::numeric_limits<double>::infinity()))
    return narCode(); // NaN and +/-inf
  // The count of thresholds at or below |x|: from its bucket's count on.
  uint32_t code;
  uint64_t bucket = magnitude >> bucketShift;
  if (bucket < firstBucket) {
    code = 0;
  } else if (bucket - firstBucket >= bucketCounts.size()) {
    code = maxposCode();
  } else {
    code = bucketCounts[bucket - firstBucket];
    while (thresholds[code] <= magnitude)
      ++code;
  }
  return (bits >> 63) ? negate(code) : code;
}

void LPCodec::encode(const float *x, int64_t n, int64_t *out) const {
  for (int64_t k = 0; k < n; ++k)
    out[k] = encode(double(x[k]));
}

uint32_t LPCodec::encodeByLog(double x) const {
  if (std::isnan(x) || std::isinf(x))
    return narCode();
  if (x == 0.0)
    return 0;
  bool negative = x < 0;
  double magnitude = std::fabs(x);
  // Underflow is decided on the value itself: log2 cannot resolve the last
  // ulp below minpos / 2.
  if (magnitude < minpos() / 2)
    return 0;
  // log2 in units of 2^-16: the scaling by a power of two is exact.
  double t = std::log2(magnitude) * double(kLogOne);
  const int32_t minLog = positiveLogs.front(), maxLog = positiveLogs.back();
  uint32_t code;
  if (magnitude <= minpos() || t <= double(minLog)) {
    code = 1;
  } else if (t >= double(maxLog)) {
    code = maxposCode();
  } else {
    // Largest i with positiveLogs[i] <= t; then the nearer of i and i + 1.
    auto it = std::upper_bound(positiveLogs.begin(), positiveLogs.end(), t,
                               [](double v, int32_t l) { return v < l; });
    size_t hi = size_t(it - positiveLogs.begin()), lo = hi - 1;
    double twiceT = 2.0 * t;
    double mid = double(positiveLogs[lo]) + double(positiveLogs[hi]);
    uint32_t loCode = uint32_t(lo + 1), hiCode = uint32_t(hi + 1);
    if (twiceT < mid)
      code = loCode;
    else if (twiceT > mid)
      code = hiCode;
    else
      code = (loCode & 1) ? hiCode : loCode;
  }
  return negative ? negate(code) : code;
}

LPValue kite::numerics::multiplyLP(const LPValue &a, const LPValue &b) {
  LPValue p;
  if (a.isNaR() || b.isNaR()) {
    p.kind = LPValue::Kind::NaR;
    return p;
  }
  if (a.isZero() || b.isZero())
    return p;
  p.kind = LPValue::Kind::Finite;
  p.negative = a.negative != b.negative;
  p.log = a.log + b.log;
  return p;
}

namespace {
/// round(2^(j / 2^16) * 2^30) for every 16-bit log fraction j.
const std::vector<uint32_t> &antilogTable() {
  static const std::vector<uint32_t> table = [] {
    std::vector<uint32_t> t(static_cast<size_t>(kLogOne));
    for (int64_t j = 0; j < kLogOne; ++j)
      t[j] = uint32_t(
          std::llround(std::ldexp(std::exp2(double(j) / double(kLogOne)), 30)));
    return t;
  }();
  return table;
}
} // namespace

int64_t kite::numerics::lpToFixed(const LPValue &v, int fracBits, bool *nar) {
  if (nar)
    *nar = v.isNaR();
  if (v.kind != LPValue::Kind::Finite)
    return 0;
  int32_t whole = v.log >> kLogFracBits;
  uint32_t frac = uint32_t(v.log & (kLogOne - 1)); // log - whole * 2^16
  int64_t mant = antilogTable()[frac];             // in [2^30, 2^31]
  int shift = whole + fracBits - 30;
  int64_t result;
  constexpr int64_t kSaturate = int64_t(1) << 62;
  if (shift >= 0) {
    result = shift > 31 ? kSaturate : std::min(mant << shift, kSaturate);
  } else if (-shift > 32) {
    result = 0;
  } else {
    int s = -shift;
    int64_t q = mant >> s, rem = mant & ((int64_t(1) << s) - 1);
    int64_t half = int64_t(1) << (s - 1);
    if (rem > half || (rem == half && (q & 1)))
      ++q;
    result = q;
  }
  return v.negative ? -result : result;
}

const LPCodec &LPCodec::shared(const LPFormat &format) {
  static std::mutex mutex;
  static std::map<std::tuple<unsigned, unsigned, unsigned, int>,
                  std::unique_ptr<const LPCodec>>
      cache;
  std::lock_guard<std::mutex> lock(mutex);
  auto &slot = cache[{format.n, format.es, format.rs, format.sf}];
  if (!slot)
    slot = std::make_unique<const LPCodec>(format);
  return *slot;
}

const LPProductTable &LPProductTable::shared(const LPCodec &a, const LPCodec &w,
                                             int fracBits) {
  static std::mutex mutex;
  static std::map<std::tuple<const LPCodec *, const LPCodec *, int>,
                  std::unique_ptr<const LPProductTable>>
      cache;
  std::lock_guard<std::mutex> lock(mutex);
  auto &slot = cache[{&a, &w, fracBits}];
  if (!slot)
    slot = std::make_unique<const LPProductTable>(a, w, fracBits);
  return *slot;
}

namespace {
/// A product is lpToFixed of the sum of its operands' logs (multiplyLP), so
/// when both formats' logs lie on one grid, its table is one row per sign
/// of the product indexed by the sum of the operands' grid indices: rows
/// [0, size) positive, [size, 2 size) negative, [2 size, 3 size) positive
/// again (both operands negative), then 2 size zeros read by zero or NaR
/// weights. Nothing when the grid is too fine for the table to stay in L1
/// or when any entry differs from `narrow` (checked entry by entry).
std::optional<OffsetProducts> bySumOfLogs(const LPCodec &a, const LPCodec &w,
                                          int fracBits,
                                          const std::vector<int32_t> &narrow) {
  auto finite = [](const LPValue &v) {
    return v.kind == LPValue::Kind::Finite;
  };
  auto lowest = [&](const LPCodec &c) {
    int32_t low = std::numeric_limits<int32_t>::max();
    for (unsigned x = 0; x < 256; ++x)
      if (finite(c.value(x)))
        low = std::min(low, c.value(x).log);
    return low;
  };
  int32_t lowA = lowest(a), lowW = lowest(w);
  int64_t grid = 0, spanA = 0, spanW = 0;
  for (unsigned x = 0; x < 256; ++x) {
    if (finite(a.value(x)))
      grid = std::gcd<int64_t>(grid, a.value(x).log - lowA);
    if (finite(w.value(x)))
      grid = std::gcd<int64_t>(grid, w.value(x).log - lowW);
  }
  grid = std::max<int64_t>(grid, 1);
  for (unsigned x = 0; x < 256; ++x) {
    if (finite(a.value(x)))
      spanA = std::max<int64_t>(spanA, (a.value(x).log - lowA) / grid);
    if (finite(w.value(x)))
      spanW = std::max<int64_t>(spanW, (w.value(x).log - lowW) / grid);
  }
  constexpr int64_t kMaxEntries = 8192; // 32 KB: inside a 48 KB L1
  int64_t size = spanA + spanW + 1;
  if (5 * size > kMaxEntries)
    return std::nullopt;
  constexpr int64_t kMax = std::numeric_limits<int32_t>::max();
  OffsetProducts p;
  p.table.assign(size_t(5 * size), 0);
  for (int64_t s = 0; s < size; ++s)
    for (int64_t sign = 0; sign < 3; ++sign) {
      LPValue v{LPValue::Kind::Finite, sign == 1,
                int32_t(lowA + lowW + s * grid)};
      p.table[size_t(sign * size + s)] =
          int32_t(std::clamp(lpToFixed(v, fracBits), -kMax, kMax));
    }
  for (unsigned x = 0; x < 256; ++x) {
    const LPValue &va = a.value(x), &vw = w.value(x);
    p.zeroRow[x] = !finite(va);
    p.rowOf[x] =
        finite(va) ? uint16_t((va.log - lowA) / grid + (va.negative ? size : 0))
                   : 0;
    p.colOf[x] =
        finite(vw) ? uint16_t((vw.log - lowW) / grid + (vw.negative ? size : 0))
                   : uint16_t(3 * size);
  }
  for (unsigned x = 0; x < 256; ++x)
    for (unsigned y = 0; y < 256; ++y) {
      int32_t expect = narrow[x << 8 | y];
      if (p.zeroRow[x] ? expect != 0
                       : p.table[p.rowOf[x] + p.colOf[y]] != expect)
        return std::nullopt;
    }
  return p;
}
} // namespace

LPProductTable::LPProductTable(const LPCodec &a, const LPCodec &w, int fracBits)
    : wide(256 * 256), nar(256 * 256) {
  constexpr int64_t kMax = std::numeric_limits<int32_t>::max();
  std::vector<int32_t> full(256 * 256);
  for (unsigned x = 0; x < 256; ++x)
    for (unsigned y = 0; y < 256; ++y) {
      bool isNar = false;
      int64_t p =
          lpToFixed(multiplyLP(a.value(x), w.value(y)), fracBits, &isNar);
      wide[x << 8 | y] = p;
      full[x << 8 | y] = int32_t(std::clamp(p, -kMax, kMax));
      nar[x << 8 | y] = isNar;
    }
  auto rank = [](const LPValue &v) {
    return v.kind == LPValue::Kind::Finite
               ? int64_t(v.log)
               : std::numeric_limits<int64_t>::min();
  };
  for (unsigned c = 0; c < 256; ++c) {
    rankA[c] = rank(a.value(c));
    rankW[c] = rank(w.value(c));
  }
  narMap.emplace(nar);
  std::optional<OffsetProducts> small = bySumOfLogs(a, w, fracBits, full);
  bySum = small.has_value();
  narrow =
      bySum ? std::move(*small) : OffsetProducts::fullTable(std::move(full));
  // A word's value reads its low n bits only.
  if (w.format().n <= 7)
    narrow.setColumnBits(w.format().n);
}

kite::numerics::LPNarMap::LPNarMap(const std::vector<uint8_t> &nar) {
  auto at = [&](unsigned x, unsigned y) { return nar[x << 8 | y] != 0; };
  for (unsigned x = 0; x < 256; ++x) {
    byA[x] = byW[x] = 1;
    for (unsigned y = 0; y < 256; ++y) {
      byA[x] &= at(x, y);
      byW[x] &= at(y, x);
    }
  }
  for (unsigned x = 0; x < 256; ++x)
    for (unsigned y = 0; y < 256; ++y)
      other[x] |= at(x, y) && !byA[x] && !byW[y];
}

namespace {
/// out (m x n) |= whether any product of row i of a (m x k) and column j of
/// w (k x n), both codes, is NaR in `nar`: rows and columns with a NaR
/// operand at once, the table looked up only for `other` codes.
void orNarProducts(int64_t m, int64_t k, int64_t n, const uint8_t *a,
                   const uint8_t *w, const std::vector<uint8_t> &nar,
                   const LPNarMap &map, uint8_t *out) {
  std::vector<uint8_t> colNar(static_cast<size_t>(n), 0);
  for (int64_t t = 0; t < k; ++t)
    for (int64_t j = 0; j < n; ++j)
      colNar[size_t(j)] |= map.byW[w[t * n + j]];
  for (int64_t i = 0; i < m; ++i) {
    uint8_t rowNar = 0;
    for (int64_t t = 0; t < k; ++t) {
      uint8_t code = a[i * k + t];
      rowNar |= map.byA[code];
      if (!map.other[code])
        continue;
      const uint8_t *row = nar.data() + (size_t(code) << 8), *wrow = w + t * n;
      for (int64_t j = 0; j < n; ++j)
        out[i * n + j] |= row[wrow[j]];
    }
    for (int64_t j = 0; j < n; ++j)
      out[i * n + j] |= rowNar | colNar[size_t(j)];
  }
}
} // namespace

void LPProductTable::accumulate(int64_t m, int64_t k, int64_t n,
                                const uint8_t *a, const uint8_t *w,
                                int64_t *out, uint8_t *narOut) const {
  // Which codes occur, by one store per operand (no chain of compares);
  // the largest product and whether any NaR can occur follow from them.
  std::array<uint8_t, 256> seenA{}, seenW{};
  for (int64_t e = 0; e < m * k; ++e)
    seenA[a[e]] = 1;
  for (int64_t e = 0; e < k * n; ++e)
    seenW[w[e]] = 1;
  auto largestOf = [](const std::array<uint8_t, 256> &seen,
                      const std::array<int64_t, 256> &rank) {
    unsigned best = 0;
    for (unsigned c = 0; c < 256; ++c)
      if (seen[c] && rank[c] > rank[best])
        best = c;
    return best;
  };
  int64_t largest =
      std::abs(wide[largestOf(seenA, rankA) << 8 | largestOf(seenW, rankW)]);
  constexpr int64_t kMax = std::numeric_limits<int32_t>::max();
  if (largest <= kMax / std::max<int64_t>(k, 1))
    addOffsetProducts(m, k, n, a, w, narrow, out);
  else
    addTableProducts(m, k, n, a, w, wide.data(), out);
  bool anyNar = false;
  for (unsigned c = 0; c < 256; ++c)
    anyNar |= (seenA[c] && (narMap->byA[c] || narMap->other[c])) ||
              (seenW[c] && narMap->byW[c]);
  if (anyNar)
    orNarProducts(m, k, n, a, w, nar, *narMap, narOut);
}
