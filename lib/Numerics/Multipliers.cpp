//===- Multipliers.cpp - exact and approximate multipliers ----------------===//

#include "kite/Numerics/Multipliers.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <map>
#include <memory>
#include <mutex>

using namespace kite::numerics;

//===----------------------------------------------------------------------===//
// Names
//===----------------------------------------------------------------------===//

/// Parses a decimal integer that is the whole of `text`.
static std::optional<int> parseInt(std::string_view text) {
  if (text.empty() || text.size() > 3)
    return std::nullopt;
  int value = 0;
  for (char c : text) {
    if (c < '0' || c > '9')
      return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

static bool consumePrefix(std::string_view &s, std::string_view prefix) {
  if (s.substr(0, prefix.size()) != prefix)
    return false;
  s.remove_prefix(prefix.size());
  return true;
}

std::optional<MulSpec>
kite::numerics::parseMultiplierName(std::string_view name, std::string *error) {
  MulSpec spec;
  std::string_view rest = name;
  std::optional<int> a, b;
  if (rest == "exact")
    return spec;
  if (rest == "mitchell") {
    spec.family = MulFamily::Mitchell;
    return spec;
  }
  if (rest == "udm") {
    spec.family = MulFamily::UDM;
    return spec;
  }
  // Families with one numeric setting: <prefix><p1>, p1 > 0.
  static const std::pair<std::string_view, MulFamily> oneSetting[] = {
      {"mitchell_t", MulFamily::Mitchell},
      {"trunc", MulFamily::Truncated},
      {"drum", MulFamily::DRUM},
      {"udm", MulFamily::UDM}};
  for (auto [prefix, family] : oneSetting) {
    rest = name;
    if (consumePrefix(rest, prefix) && (a = parseInt(rest)) && *a > 0) {
      spec.family = family;
      spec.p1 = *a;
      return spec;
    }
  }
  rest = name;
  if (consumePrefix(rest, "bam_h")) {
    size_t sep = rest.find("_v");
    if (sep != std::string_view::npos && (a = parseInt(rest.substr(0, sep))) &&
        (b = parseInt(rest.substr(sep + 2))) && *a > 0) {
      spec.family = MulFamily::BrokenArray;
      spec.p1 = *a;
      spec.p2 = *b;
      return spec;
    }
  }
  if (error)
    *error = "unknown multiplier '" + std::string(name) +
             "'; known families: exact, trunc<k>, bam_h<h>_v<v>, mitchell, "
             "mitchell_t<t>, drum<k>, udm, udm<k>";
  return std::nullopt;
}

std::string kite::numerics::multiplierName(const MulSpec &spec) {
  switch (spec.family) {
  case MulFamily::Exact:
    return "exact";
  case MulFamily::Truncated:
    return "trunc" + std::to_string(spec.p1);
  case MulFamily::BrokenArray:
    return "bam_h" + std::to_string(spec.p1) + "_v" + std::to_string(spec.p2);
  case MulFamily::Mitchell:
    return spec.p1 ? "mitchell_t" + std::to_string(spec.p1) : "mitchell";
  case MulFamily::DRUM:
    return "drum" + std::to_string(spec.p1);
  case MulFamily::UDM:
    return spec.p1 ? "udm" + std::to_string(spec.p1) : "udm";
  }
  return "";
}

const std::vector<std::string> &kite::numerics::multiplierLibrary() {
  static const std::vector<std::string> names = {
      "exact",     "trunc1",      "trunc2",      "trunc3",      "trunc4",
      "trunc5",    "trunc6",      "trunc7",      "trunc8",      "bam_h1_v0",
      "bam_h1_v4", "bam_h1_v6",   "bam_h2_v0",   "bam_h2_v6",   "bam_h2_v8",
      "mitchell",  "mitchell_t1", "mitchell_t2", "mitchell_t3", "drum2",
      "drum3",     "drum4",       "drum5",       "drum6",       "udm",
      "udm4",      "udm8"};
  return names;
}

//===----------------------------------------------------------------------===//
// Functional models of the unsigned cores
//===----------------------------------------------------------------------===//

static unsigned floorLog2(uint64_t x) {
  unsigned r = 0;
  while (x >>= 1)
    ++r;
  return r;
}

static unsigned ceilLog2(uint64_t x) {
  return x <= 1 ? 0 : floorLog2(x - 1) + 1;
}

/// Partial-product bit a_j * w_i (row i, column i + j) is kept by a broken
/// array with horizontal break level h and vertical break level v iff
/// i >= h and i + j >= v. Truncation is h = 0, v = k.
static uint64_t brokenArray(uint64_t a, uint64_t w, unsigned wBits, int h,
                            int v) {
  uint64_t sum = 0;
  for (unsigned i = unsigned(h); i < wBits; ++i) {
    if (!((w >> i) & 1))
      continue;
    uint64_t row = a << i;
    if (v > 0)
      row &= ~((uint64_t(1) << v) - 1);
    sum += row;
  }
  return sum;
}

/// Mitchell (1962): log2 x ~ k + f with x = 2^k (1 + f); the product is the
/// antilog of the summed approximate logs. Fractions optionally truncated to
/// t bits. Exact in integers: f_a 2^(ka+kw) = (a - 2^ka) 2^kw.
static uint64_t mitchell(uint64_t a, uint64_t w, int t) {
  if (a == 0 || w == 0)
    return 0;
  unsigned ka = floorLog2(a), kw = floorLog2(w);
  uint64_t fa = a - (uint64_t(1) << ka), fw = w - (uint64_t(1) << kw);
  if (t > 0 && ka > unsigned(t))
    fa = (fa >> (ka - t)) << (ka - t);
  if (t > 0 && kw > unsigned(t))
    fw = (fw >> (kw - t)) << (kw - t);
  uint64_t one = uint64_t(1) << (ka + kw);
  uint64_t fsum = (fa << kw) + (fw << ka);
  return fsum < one ? one + fsum : 2 * fsum;
}

/// DRUM-k (Hashemi et al., 2015): an operand of k bits or fewer is used as
/// is; a longer one keeps the k bits from its leading one, with the lowest
/// kept bit forced to 1 (unbiasing), and the rest dropped.
static uint64_t drumOperand(uint64_t x, int k) {
  if (x < (uint64_t(1) << k))
    return x;
  unsigned shift = floorLog2(x) - unsigned(k) + 1;
  return ((x >> shift) | 1) << shift;
}

/// UDM (Kulkarni et al., 2011): the 2x2 block gives 3 * 3 = 7 (three output
/// bits); wider multipliers are composed from four half-width ones with exact
/// additions. Blocks whose output weight is below `limit` are approximate.
static uint64_t udm(uint64_t a, uint64_t w, unsigned width, unsigned weight,
                    unsigned limit) {
  if (width == 2)
    return (a == 3 && w == 3 && weight < limit) ? 7 : a * w;
  unsigned h = width / 2;
  uint64_t lo = (uint64_t(1) << h) - 1;
  uint64_t ah = a >> h, al = a & lo, wh = w >> h, wl = w & lo;
  return (udm(ah, wh, h, weight + 2 * h, limit) << (2 * h)) +
         ((udm(ah, wl, h, weight + h, limit) +
           udm(al, wh, h, weight + h, limit))
          << h) +
         udm(al, wl, h, weight, limit);
}

static unsigned udmWidth(unsigned aBits, unsigned wBits) {
  unsigned p = 2;
  while (p < std::max(aBits, wBits))
    p *= 2;
  return p;
}

uint64_t kite::numerics::coreProduct(const MulSpec &spec, uint64_t a,
                                     uint64_t w, unsigned aBits,
                                     unsigned wBits) {
  switch (spec.family) {
  case MulFamily::Exact:
    return a * w;
  case MulFamily::Truncated:
    return brokenArray(a, w, wBits, 0, spec.p1);
  case MulFamily::BrokenArray:
    return brokenArray(a, w, wBits, spec.p1, spec.p2);
  case MulFamily::Mitchell:
    return mitchell(a, w, spec.p1);
  case MulFamily::DRUM:
    return drumOperand(a, spec.p1) * drumOperand(w, spec.p1);
  case MulFamily::UDM:
    return udm(a, w, udmWidth(aBits, wBits), 0,
               spec.p1 ? unsigned(spec.p1) : ~0u);
  }
  return 0;
}

//===----------------------------------------------------------------------===//
// Energy model (gate equivalents; docs/numerics.md)
//===----------------------------------------------------------------------===//

namespace {
// Static CMOS cells in NAND2 equivalents (transistor count / 4).
constexpr double kAnd2 = 1.5, kOr2 = 1.5, kMux2 = 3.0, kHalfAdder = 4.0,
                 kFullAdder = 7.0;
} // namespace

/// Unsigned a x w array multiplier: a*w AND gates, a*(w-1) adder cells of
/// which a are half adders.
static double arrayGE(unsigned aBits, unsigned wBits) {
  double cells = double(aBits) * wBits;
  double adders = double(aBits) * (wBits - 1);
  return cells * kAnd2 + (adders - aBits) * kFullAdder + aBits * kHalfAdder;
}

/// Leading-one detector of b bits: an OR chain and a priority AND per bit.
static double lodGE(unsigned bits) { return bits * (kOr2 + kAnd2); }

/// Barrel shifter: `bits` wide, able to shift by 0 .. maxShift.
static double shifterGE(unsigned bits, unsigned maxShift) {
  return double(bits) * ceilLog2(maxShift + 1) * kMux2;
}

/// Composition of a UDM of `width` from four half-width ones: the two middle
/// products are added (width + 1 bits) and the sum is added at offset
/// width/2 into the concatenation of the outer products (3*width/2 bits).
static double udmGE(unsigned width, unsigned weight, unsigned limit) {
  if (width == 2) {
    bool approximate = weight < limit;
    // Exact 2x2: 4 AND + 2 HA. UDM block: 4 AND + 1 OR (3 output bits).
    return approximate ? 4 * kAnd2 + kOr2 : 4 * kAnd2 + 2 * kHalfAdder;
  }
  unsigned h = width / 2;
  double adders = (width + 1) + 3.0 * width / 2;
  return udmGE(h, weight + 2 * h, limit) + 2 * udmGE(h, weight + h, limit) +
         udmGE(h, weight, limit) + adders * kFullAdder;
}

double kite::numerics::coreGateEquivalents(const MulSpec &spec, unsigned aBits,
                                           unsigned wBits) {
  switch (spec.family) {
  case MulFamily::Exact:
    return arrayGE(aBits, wBits);
  case MulFamily::Truncated:
  case MulFamily::BrokenArray: {
    // Each partial-product bit carries its AND gate and adder cell; a broken
    // array drops both for every bit it omits.
    int h = spec.family == MulFamily::Truncated ? 0 : spec.p1;
    int v = spec.family == MulFamily::Truncated ? spec.p1 : spec.p2;
    unsigned kept = 0;
    for (unsigned i = unsigned(h); i < wBits; ++i)
      for (unsigned j = 0; j < aBits; ++j)
        kept += int(i + j) >= v;
    return arrayGE(aBits, wBits) * kept / (double(aBits) * wBits);
  }
  case MulFamily::Mitchell: {
    // Two leading-one detectors, two normalising shifters of the fraction,
    // one adder of the logs (fraction + characteristic), one antilog shifter.
    unsigned maxBits = std::max(aBits, wBits);
    unsigned fa = spec.p1 ? std::min<unsigned>(spec.p1, aBits - 1) : aBits - 1;
    unsigned fw = spec.p1 ? std::min<unsigned>(spec.p1, wBits - 1) : wBits - 1;
    double ge = lodGE(aBits) + lodGE(wBits) + shifterGE(fa, aBits - 1) +
                shifterGE(fw, wBits - 1);
    ge += (std::max(fa, fw) + ceilLog2(maxBits) + 1) * kFullAdder;
    ge += shifterGE(aBits + wBits, aBits + wBits - 2);
    return ge;
  }
  case MulFamily::DRUM: {
    // k x k exact core; for each operand wider than k a leading-one
    // detector and a k-bit steering mux; an output shifter.
    unsigned k = unsigned(spec.p1);
    unsigned ka = std::min(k, aBits), kw = std::min(k, wBits);
    double ge = arrayGE(ka, kw);
    if (aBits > k)
      ge += lodGE(aBits) + shifterGE(k, aBits - k);
    if (wBits > k)
      ge += lodGE(wBits) + shifterGE(k, wBits - k);
    unsigned maxShift = (aBits - ka) + (wBits - kw);
    if (maxShift)
      ge += shifterGE(aBits + wBits, maxShift);
    return ge;
  }
  case MulFamily::UDM:
    return udmGE(udmWidth(aBits, wBits), 0, spec.p1 ? unsigned(spec.p1) : ~0u);
  }
  return 0;
}

double kite::numerics::exactEnergyRelativeTo8x8(unsigned aBits,
                                                unsigned wBits) {
  return arrayGE(aBits, wBits) / arrayGE(8, 8);
}

/// The exact design a family is compared against: UDM against the same
/// composition built from exact 2x2 blocks, everything else against the
/// exact array multiplier.
static double referenceGE(const MulSpec &spec, unsigned aBits, unsigned wBits) {
  if (spec.family == MulFamily::UDM)
    return udmGE(udmWidth(aBits, wBits), 0, 0);
  return arrayGE(aBits, wBits);
}

//===----------------------------------------------------------------------===//
// Multiplier
//===----------------------------------------------------------------------===//

/// "" when `spec` makes sense for the widths, else why not.
static std::string checkSettings(const MulSpec &spec, unsigned aBits,
                                 unsigned wBits) {
  auto range = [](const char *what, int lo, int hi) {
    if (hi < lo)
      return std::string("no value of ") + what + " fits these widths";
    return std::string(what) + " must be in [" + std::to_string(lo) + ", " +
           std::to_string(hi) + "]";
  };
  int columns = int(aBits + wBits) - 2;
  int maxBits = int(std::max(aBits, wBits));
  switch (spec.family) {
  case MulFamily::Exact:
    return "";
  case MulFamily::Truncated:
    return spec.p1 <= columns ? "" : range("k", 1, columns);
  case MulFamily::BrokenArray:
    if (spec.p1 >= int(wBits))
      return range("h", 1, int(wBits) - 1);
    return spec.p2 <= columns ? "" : range("v", 0, columns);
  case MulFamily::Mitchell:
    return spec.p1 < maxBits - 1 ? "" : range("t", 1, maxBits - 2);
  case MulFamily::DRUM:
    return spec.p1 >= 2 && spec.p1 < maxBits ? "" : range("k", 2, maxBits - 1);
  case MulFamily::UDM: {
    int limit = 2 * int(udmWidth(aBits, wBits)) - 2;
    return spec.p1 <= limit ? "" : range("k", 1, limit);
  }
  }
  return "";
}

std::string kite::numerics::checkMultiplier(std::string_view name,
                                            unsigned aBits, unsigned wBits) {
  for (unsigned bits : {aBits, wBits})
    if (bits < 2 || bits > 8)
      return "multiplier operand width " + std::to_string(bits) +
             " is out of range: must be in [2, 8]";
  std::string error;
  std::optional<MulSpec> spec = parseMultiplierName(name, &error);
  if (!spec)
    return error;
  std::string bad = checkSettings(*spec, aBits, wBits);
  if (!bad.empty())
    return "multiplier '" + std::string(name) + "' is not defined for " +
           std::to_string(aBits) + "x" + std::to_string(wBits) +
           "-bit operands: " + bad;
  return "";
}

std::optional<Multiplier> Multiplier::create(std::string_view name,
                                             MulOperand a, MulOperand w,
                                             std::string *error) {
  std::string problem = checkMultiplier(name, a.bits, w.bits);
  if (!problem.empty()) {
    if (error)
      *error = std::move(problem);
    return std::nullopt;
  }
  std::optional<MulSpec> spec = parseMultiplierName(name, nullptr);
  Multiplier m;
  m.mulSpec = *spec;
  m.canonicalName = multiplierName(*spec);
  m.aOp = a;
  m.wOp = w;
  // Sign-magnitude: the core multiplies magnitudes, so the table and its
  // error metrics need each magnitude pair once. `count` is how many
  // operands of the range have magnitude u, `sign` the sum of their signs.
  uint64_t aMag = uint64_t(std::max(-a.min(), a.max())),
           wMag = uint64_t(std::max(-w.min(), w.max()));
  auto count = [](MulOperand f, uint64_t u) {
    return u == 0 ? 1
                  : int64_t(int64_t(u) <= f.max()) + (-int64_t(u) >= f.min());
  };
  auto sign = [](MulOperand f, uint64_t u) {
    return u == 0 ? 0
                  : int64_t(int64_t(u) <= f.max()) - (-int64_t(u) >= f.min());
  };
  std::vector<uint64_t> cores((aMag + 1) * (wMag + 1));
  double absSum = 0, sum = 0, relSum = 0, maxExact = 0;
  int64_t wce = 0, errors = 0, nonZero = 0;
  for (uint64_t x = 0; x <= aMag; ++x) {
    for (uint64_t y = 0; y <= wMag; ++y) {
      uint64_t core = coreProduct(*spec, x, y, a.bits, w.bits);
      cores[x * (wMag + 1) + y] = core;
      int64_t n = count(a, x) * count(w, y), exact = int64_t(x * y),
              e = int64_t(core) - exact;
      absSum += double(n * std::llabs(e));
      sum += double(sign(a, x) * sign(w, y) * e);
      wce = std::max<int64_t>(wce, std::llabs(e));
      errors += e != 0 ? n : 0;
      maxExact = std::max(maxExact, double(exact));
      if (exact != 0) {
        relSum += double(n * std::llabs(e)) / double(exact);
        nonZero += n;
      }
    }
  }
  m.table.reserve(size_t(1) << (a.bits + w.bits));
  for (int64_t x = a.min(); x <= a.max(); ++x)
    for (int64_t y = w.min(); y <= w.max(); ++y) {
      int64_t core = int64_t(cores[uint64_t(std::llabs(x)) * (wMag + 1) +
                                   uint64_t(std::llabs(y))]);
      m.table.push_back(int32_t((x < 0) != (y < 0) ? -core : core));
      m.largest = std::max(m.largest, core);
    }
  double pairs = double(m.table.size());
  m.errorMetrics.mae = absSum / pairs;
  m.errorMetrics.wce = wce;
  m.errorMetrics.mred = nonZero ? relSum / double(nonZero) : 0.0;
  m.errorMetrics.ep = double(errors) / pairs;
  m.errorMetrics.bias = sum / pairs;
  m.errorMetrics.nmed = maxExact > 0 ? m.errorMetrics.mae / maxExact : 0.0;
  m.energy = coreGateEquivalents(*spec, a.bits, w.bits) /
             referenceGE(*spec, a.bits, w.bits);
  return m;
}

void Multiplier::accumulate(int64_t m, int64_t k, int64_t n, const uint8_t *a,
                            const uint8_t *w, int64_t *out) const {
  if (largest <= std::numeric_limits<int32_t>::max() / std::max<int64_t>(k, 1))
    addOffsetProducts(m, k, n, a, w, *bytes, out);
  else
    addTableProducts(m, k, n, a, w, bytes->table.data(), out);
}

const Multiplier *Multiplier::shared(std::string_view name, MulOperand a,
                                     MulOperand w, std::string *error) {
  static std::mutex mutex;
  static std::map<std::string, std::unique_ptr<Multiplier>> cache;
  std::string key = std::string(name) + "/" + std::to_string(a.bits) +
                    (a.isSigned ? "s" : "u") + std::to_string(w.bits) +
                    (w.isSigned ? "s" : "u");
  std::lock_guard<std::mutex> lock(mutex);
  auto it = cache.find(key);
  if (it != cache.end())
    return it->second.get();
  std::optional<Multiplier> m = create(name, a, w, error);
  if (!m)
    return nullptr;
  // By operand byte: 256 KB, so only for the shared ones (the
  // interpreter's), which run whole models.
  auto valueOf = [](MulOperand f, unsigned byte) {
    int64_t v = byte & ((1u << f.bits) - 1);
    return f.isSigned && v > f.max() ? v - (int64_t(1) << f.bits) : v;
  };
  std::vector<int32_t> byBytes(256 * 256);
  for (unsigned x = 0; x < 256; ++x)
    for (unsigned y = 0; y < 256; ++y)
      byBytes[x << 8 | y] = int32_t(m->multiply(valueOf(a, x), valueOf(w, y)));
  m->bytes = OffsetProducts::fullTable(std::move(byBytes));
  if (w.bits <= 7)
    m->bytes->setColumnBits(w.bits);
  return cache.emplace(key, std::make_unique<Multiplier>(std::move(*m)))
      .first->second.get();
}
