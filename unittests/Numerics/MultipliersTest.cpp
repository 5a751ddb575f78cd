//===- MultipliersTest.cpp - the multiplier library, exhaustively ---------===//
//
// Each family is checked on every operand pair of every width combination
// 2..8 against a reference written here in a different form from the
// library's (bit strings, radix-4 digits, real-valued logarithms).
//
//===----------------------------------------------------------------------===//

#include "kite/Numerics/Multipliers.h"

#include "gtest/gtest.h"

#include <cmath>
#include <functional>
#include <string>

using namespace kite::numerics;

namespace {
using CoreFn = std::function<uint64_t(uint64_t, uint64_t, unsigned, unsigned)>;

std::string binary(uint64_t x) {
  std::string s;
  for (; x; x >>= 1)
    s.insert(s.begin(), char('0' + (x & 1)));
  return s.empty() ? "0" : s;
}

uint64_t fromBinary(const std::string &s) { return std::stoull(s, nullptr, 2); }

/// Sum of the partial-product bits a_j w_i 2^(i+j) that `keep(i, j)` keeps.
uint64_t partialProducts(uint64_t a, uint64_t w, unsigned aBits, unsigned wBits,
                         const std::function<bool(int, int)> &keep) {
  uint64_t sum = 0;
  for (unsigned i = 0; i < wBits; ++i)
    for (unsigned j = 0; j < aBits; ++j)
      if (((w >> i) & 1) && ((a >> j) & 1) && keep(int(i), int(j)))
        sum += uint64_t(1) << (i + j);
  return sum;
}

uint64_t drumReference(uint64_t x, int k) {
  std::string s = binary(x);
  if (int(s.size()) <= k)
    return x;
  std::string kept = s.substr(0, size_t(k));
  kept.back() = '1';
  return fromBinary(kept + std::string(s.size() - size_t(k), '0'));
}

/// Mitchell's approximation on real numbers: log2 x ~ k + f, antilog
/// 2^c (1 + f) of the sum c + f.
uint64_t mitchellReference(uint64_t a, uint64_t w, int t) {
  if (!a || !w)
    return 0;
  auto approxLog = [t](uint64_t x) {
    int k = int(std::floor(std::log2((long double)x)));
    long double f = (long double)x / std::ldexp(1.0L, k) - 1;
    if (t > 0)
      f = std::floor(f * std::ldexp(1.0L, t)) / std::ldexp(1.0L, t);
    return k + f;
  };
  long double sum = approxLog(a) + approxLog(w);
  long double c = std::floor(sum);
  return uint64_t(std::llround(std::ldexp(1.0L, int(c)) * (1 + sum - c)));
}

/// UDM as a sum over radix-4 digit pairs: B(x, y) = x * y except 3 * 3 = 7,
/// approximate only for blocks of weight 2(i + j) below `limit`.
uint64_t udmReference(uint64_t a, uint64_t w, unsigned limit) {
  uint64_t sum = 0;
  for (unsigned i = 0; i < 4; ++i)
    for (unsigned j = 0; j < 4; ++j) {
      uint64_t x = (a >> (2 * i)) & 3, y = (w >> (2 * j)) & 3;
      uint64_t block = (x == 3 && y == 3 && 2 * (i + j) < limit) ? 7 : x * y;
      sum += block << (2 * (i + j));
    }
  return sum;
}

struct Case {
  std::string name;
  CoreFn reference;
};

std::vector<Case> cases() {
  std::vector<Case> all;
  all.push_back({"exact", [](uint64_t a, uint64_t w, unsigned, unsigned) {
                   return a * w;
                 }});
  for (int k : {1, 2, 4, 8})
    all.push_back({"trunc" + std::to_string(k),
                   [k](uint64_t a, uint64_t w, unsigned ab, unsigned wb) {
                     return partialProducts(a, w, ab, wb, [k](int i, int j) {
                       return i + j >= k;
                     });
                   }});
  for (auto [h, v] : {std::pair{1, 0}, {1, 4}, {2, 6}})
    all.push_back(
        {"bam_h" + std::to_string(h) + "_v" + std::to_string(v),
         [h = h, v = v](uint64_t a, uint64_t w, unsigned ab, unsigned wb) {
           return partialProducts(a, w, ab, wb, [&](int i, int j) {
             return i >= h && i + j >= v;
           });
         }});
  for (int t : {0, 1, 3})
    all.push_back({t ? "mitchell_t" + std::to_string(t) : "mitchell",
                   [t](uint64_t a, uint64_t w, unsigned, unsigned) {
                     return mitchellReference(a, w, t);
                   }});
  for (int k : {2, 3, 5})
    all.push_back({"drum" + std::to_string(k),
                   [k](uint64_t a, uint64_t w, unsigned, unsigned) {
                     return drumReference(a, k) * drumReference(w, k);
                   }});
  for (unsigned limit : {0u, 4u, 8u})
    all.push_back({limit ? "udm" + std::to_string(limit) : "udm",
                   [limit](uint64_t a, uint64_t w, unsigned, unsigned) {
                     return udmReference(a, w, limit ? limit : ~0u);
                   }});
  return all;
}
} // namespace

TEST(MultipliersTest, EveryFamilyMatchesItsDefinitionExhaustively) {
  uint64_t checked = 0;
  for (const Case &c : cases())
    for (unsigned ab = 2; ab <= 8; ++ab)
      for (unsigned wb = 2; wb <= 8; ++wb)
        for (bool aSigned : {false, true})
          for (bool wSigned : {false, true}) {
            std::string error;
            auto m = Multiplier::create(c.name, {ab, aSigned}, {wb, wSigned},
                                        &error);
            if (!m) {
              // Only settings that do not fit the widths may be refused.
              EXPECT_NE(error.find("is not defined for"), std::string::npos)
                  << error;
              continue;
            }
            for (int64_t a = m->lhs().min(); a <= m->lhs().max(); ++a)
              for (int64_t w = m->rhs().min(); w <= m->rhs().max(); ++w) {
                int64_t magnitude = int64_t(c.reference(
                    uint64_t(std::llabs(a)), uint64_t(std::llabs(w)), ab, wb));
                int64_t expected = (a < 0) != (w < 0) ? -magnitude : magnitude;
                ASSERT_EQ(m->multiply(a, w), expected)
                    << c.name << " " << ab << "x" << wb << " " << a << "*" << w;
                ++checked;
              }
          }
  EXPECT_GT(checked, 10000000u);
}

TEST(MultipliersTest, LibraryNamesParseAndRoundTrip) {
  const auto &library = multiplierLibrary();
  EXPECT_EQ(library.front(), "exact");
  for (const std::string &name : library) {
    std::string error;
    auto spec = parseMultiplierName(name, &error);
    ASSERT_TRUE(spec) << error;
    EXPECT_EQ(multiplierName(*spec), name);
    // Every library multiplier exists at 8x8 bits.
    EXPECT_TRUE(Multiplier::create(name, {8, false}, {8, true}, &error))
        << name << ": " << error;
  }
  std::string error;
  EXPECT_FALSE(parseMultiplierName("wallace", &error));
  EXPECT_NE(error.find("unknown multiplier 'wallace'"), std::string::npos);
  EXPECT_FALSE(Multiplier::create("trunc8", {2, false}, {2, false}, &error));
  EXPECT_EQ(error, "multiplier 'trunc8' is not defined for 2x2-bit operands: "
                   "k must be in [1, 2]");
  EXPECT_FALSE(Multiplier::create("exact", {9, false}, {2, false}, &error));
  EXPECT_EQ(error,
            "multiplier operand width 9 is out of range: must be in [2, 8]");
}

TEST(MultipliersTest, MetricsAreReproducible) {
  std::string error;
  auto exact = Multiplier::create("exact", {8, true}, {8, true}, &error);
  ASSERT_TRUE(exact);
  EXPECT_EQ(exact->metrics().mae, 0.0);
  EXPECT_EQ(exact->metrics().wce, 0);
  EXPECT_EQ(exact->metrics().ep, 0.0);
  EXPECT_EQ(exact->relativeEnergy(), 1.0);

  // The 2x2 UDM errs only at 3 * 3 = 7.
  auto udm = Multiplier::create("udm", {2, false}, {2, false}, &error);
  ASSERT_TRUE(udm);
  EXPECT_EQ(udm->multiply(3, 3), 7);
  EXPECT_EQ(udm->metrics().wce, 2);
  EXPECT_DOUBLE_EQ(udm->metrics().ep, 1.0 / 16);
  EXPECT_DOUBLE_EQ(udm->metrics().mae, 2.0 / 16);
  EXPECT_DOUBLE_EQ(udm->metrics().bias, -2.0 / 16);
  EXPECT_DOUBLE_EQ(udm->metrics().mred, (2.0 / 9) / 9);

  // Metrics recomputed from the product table agree.
  for (const std::string &name : multiplierLibrary()) {
    auto m = Multiplier::create(name, {6, false}, {5, true}, &error);
    if (!m)
      continue;
    double absSum = 0;
    int64_t wce = 0;
    for (int64_t a = 0; a <= 63; ++a)
      for (int64_t w = -16; w <= 15; ++w) {
        absSum += std::fabs(double(m->error(a, w)));
        wce = std::max<int64_t>(wce, std::llabs(m->error(a, w)));
      }
    EXPECT_DOUBLE_EQ(m->metrics().mae, absSum / (64 * 32)) << name;
    EXPECT_EQ(m->metrics().wce, wce) << name;
  }
}

TEST(MultipliersTest, EnergyOrdering) {
  std::string error;
  auto energy = [&](const char *name) {
    auto m = Multiplier::create(name, {8, false}, {8, false}, &error);
    EXPECT_TRUE(m) << error;
    return m ? m->relativeEnergy() : 0.0;
  };
  // More truncation, less energy; more error.
  EXPECT_LT(energy("trunc8"), energy("trunc4"));
  EXPECT_LT(energy("trunc4"), energy("trunc1"));
  EXPECT_LT(energy("trunc1"), 1.0);
  EXPECT_LT(energy("bam_h2_v8"), energy("bam_h1_v4"));
  EXPECT_LT(energy("drum3"), energy("drum5"));
  EXPECT_LT(energy("udm"), energy("udm4"));
  EXPECT_LT(energy("udm4"), 1.0);
  for (const std::string &name : multiplierLibrary())
    EXPECT_GT(energy(name.c_str()), 0.0) << name;
}

TEST(MultipliersTest, SharedTablesAreBuiltOncePerFormat) {
  std::string error;
  const Multiplier *a =
      Multiplier::shared("drum4", {8, false}, {8, true}, &error);
  ASSERT_TRUE(a) << error;
  EXPECT_EQ(a, Multiplier::shared("drum4", {8, false}, {8, true}, &error));
  const Multiplier *narrow =
      Multiplier::shared("drum4", {4, false}, {8, true}, &error);
  ASSERT_TRUE(narrow) << error;
  EXPECT_NE(a, narrow);
  std::optional<Multiplier> fresh =
      Multiplier::create("drum4", {8, false}, {8, true}, &error);
  ASSERT_TRUE(fresh);
  for (int64_t x = 0; x < 256; x += 17)
    for (int64_t y = -128; y < 128; y += 13)
      EXPECT_EQ(a->multiply(x, y), fresh->multiply(x, y));
  EXPECT_EQ(Multiplier::shared("nope", {8, false}, {8, true}, &error), nullptr);
  EXPECT_NE(error.find("nope"), std::string::npos) << error;
}
