//===- LPTest.cpp - logarithmic posits, exhaustively ----------------------===//
//
// Every code of every LP format with n <= 8 (every es, rs and sf) is checked
// against a reference written here from the definition, on the word as a
// string of '0'/'1' characters, with long double arithmetic.
//
//===----------------------------------------------------------------------===//

#include "kite/Numerics/LP.h"

#include "gtest/gtest.h"

#include <cmath>
#include <random>
#include <string>

using namespace kite::numerics;

namespace {
struct Reference {
  bool zero = false, nar = false, negative = false;
  long double log = 0; ///< log2 |value|
};

/// The definition, read off the bit string.
Reference referenceDecode(const LPFormat &f, uint32_t code) {
  Reference r;
  std::string bits;
  for (int i = int(f.n) - 1; i >= 0; --i)
    bits += ((code >> i) & 1) ? '1' : '0';
  if (bits.find('1') == std::string::npos) {
    r.zero = true;
    return r;
  }
  if (bits == "1" + std::string(f.n - 1, '0')) {
    r.nar = true;
    return r;
  }
  if (bits[0] == '1') {
    r.negative = true;
    uint64_t magnitude = (uint64_t(1) << f.n) - code; // two's complement
    bits.clear();
    for (int i = int(f.n) - 1; i >= 0; --i)
      bits += ((magnitude >> i) & 1) ? '1' : '0';
  }
  std::string body = bits.substr(1);
  size_t pos = 0;
  char first = body[0];
  int run = 0;
  while (pos < body.size() && body[pos] == first && run < int(f.rs)) {
    ++run;
    ++pos;
  }
  bool cappedOrEnded = run == int(f.rs) || pos == body.size();
  if (!cappedOrEnded)
    ++pos; // the terminating opposite bit
  int k = first == '1' ? run - 1 : -run;
  long double e = 0;
  for (unsigned i = 0; i < f.es; ++i) {
    e *= 2;
    if (pos < body.size())
      e += body[pos++] == '1';
  }
  long double frac = 0, weight = 0.5L;
  for (; pos < body.size(); ++pos, weight /= 2)
    frac += body[pos] == '1' ? weight : 0;
  r.log = (long double)k * std::pow(2.0L, (long double)f.es) + e + frac - f.sf;
  return r;
}

/// Nearest positive code to log2|x| by brute force in long double; ties go
/// to the even code. Returns 0 when the distances are too close to call.
uint32_t referenceNearest(const LPCodec &codec, long double target) {
  uint32_t best = 0;
  long double bestDist = INFINITY, secondDist = INFINITY;
  for (uint32_t c = 1; c < codec.narCode(); ++c) {
    long double d =
        std::fabs(target - (long double)codec.value(c).log / kLogOne);
    if (d < bestDist) {
      secondDist = bestDist;
      bestDist = d;
      best = c;
    } else if (d < secondDist) {
      secondDist = d;
    }
  }
  return secondDist - bestDist < 1e-9L ? 0 : best;
}

template <typename Fn> void forEachFormat(unsigned maxN, Fn fn) {
  for (unsigned n = 2; n <= maxN; ++n)
    for (unsigned es = 0; es <= 4; ++es)
      for (unsigned rs = 1; rs <= n - 1; ++rs)
        for (int sf = -64; sf <= 64; ++sf)
          fn(LPFormat{n, es, rs, sf});
}
} // namespace

TEST(LPTest, ValidateNamesTheParameter) {
  EXPECT_EQ(LPFormat::validate(8, 1, 7, 0), "");
  EXPECT_EQ(LPFormat::validate(1, 0, 1, 0),
            "LP word width n = 1 is out of range: must be in [2, 16]");
  EXPECT_EQ(LPFormat::validate(8, 5, 7, 0),
            "LP exponent size es = 5 is out of range: must be in [0, 4]");
  EXPECT_EQ(LPFormat::validate(8, 1, 8, 0),
            "LP regime cap rs = 8 is out of range: must be in [1, n - 1] = "
            "[1, 7]");
  EXPECT_EQ(LPFormat::validate(8, 1, 7, -65),
            "LP scale factor sf = -65 is out of range: must be in [-64, 64]");
}

TEST(LPTest, DecodeMatchesReferenceExhaustively) {
  uint64_t checked = 0;
  forEachFormat(8, [&](const LPFormat &f) {
    for (uint32_t c = 0; c < (1u << f.n); ++c) {
      Reference ref = referenceDecode(f, c);
      LPValue v = decodeLP(f, c);
      ASSERT_EQ(v.isZero(), ref.zero) << f.str() << " code " << c;
      ASSERT_EQ(v.isNaR(), ref.nar) << f.str() << " code " << c;
      if (ref.zero || ref.nar)
        continue;
      ASSERT_EQ(v.negative, ref.negative) << f.str() << " code " << c;
      // Logs are exact: compare the fixed-point log with the real one.
      ASSERT_EQ((long double)v.log, ref.log * kLogOne)
          << f.str() << " code " << c;
      long double value = std::exp2(ref.log) * (ref.negative ? -1 : 1);
      ASSERT_NEAR(v.toDouble() / (double)value, 1.0, 4e-16)
          << f.str() << " code " << c;
      ++checked;
    }
  });
  // sum over n of (n - 1) rs values * 5 es * 129 sf * (2^n - 2) finite codes
  uint64_t expected = 0;
  for (unsigned n = 2; n <= 8; ++n)
    expected += (n - 1) * 5 * 129 * ((uint64_t(1) << n) - 2);
  EXPECT_EQ(checked, expected);
}

TEST(LPTest, PositiveCodesAreMonotoneAndRoundTrip) {
  forEachFormat(8, [&](const LPFormat &f) {
    LPCodec codec(f);
    for (uint32_t c = 0; c < codec.numCodes(); ++c) {
      if (c == codec.narCode())
        continue;
      ASSERT_EQ(codec.encode(codec.decode(c)), c) << f.str() << " code " << c;
      if (c >= 2 && c < codec.narCode()) {
        ASSERT_GT(codec.value(c).log, codec.value(c - 1).log) << f.str();
      }
    }
    ASSERT_EQ(codec.encode(codec.decode(codec.narCode())), codec.narCode());
  });
}

TEST(LPTest, EncodeRoundsToNearestInTheLogDomain) {
  std::mt19937_64 rng(42);
  forEachFormat(8, [&](const LPFormat &f) {
    if (f.sf % 16 != 0) // the rounding does not depend on sf beyond a shift
      return;
    LPCodec codec(f);
    double lo = double(codec.value(1).log) / kLogOne - 2;
    double hi = double(codec.value(codec.maxposCode()).log) / kLogOne + 2;
    std::uniform_real_distribution<double> logs(lo, hi);
    for (int i = 0; i < 64; ++i) {
      double x = std::exp2(logs(rng));
      long double t = std::log2((long double)x);
      uint32_t got = codec.encode(x);
      uint32_t expected;
      long double minLog = (long double)codec.value(1).log / kLogOne;
      long double maxLog =
          (long double)codec.value(codec.maxposCode()).log / kLogOne;
      if (t < minLog - 1)
        expected = 0;
      else if (t <= minLog)
        expected = 1;
      else if (t >= maxLog)
        expected = codec.maxposCode();
      else if (!(expected = referenceNearest(codec, t)))
        continue; // too close to a midpoint for long double to call
      ASSERT_EQ(got, expected) << f.str() << " x = " << x;
      ASSERT_EQ(codec.encode(-x), codec.negate(expected)) << f.str();
    }
    // Exact midpoints (integer log2): ties go to the even code.
    for (uint32_t c = 1; c + 1 < codec.narCode(); ++c) {
      int64_t twice = int64_t(codec.value(c).log) + codec.value(c + 1).log;
      if (twice % (2 * kLogOne) != 0)
        continue;
      double x = std::ldexp(1.0, int(twice / (2 * kLogOne)));
      ASSERT_EQ(codec.encode(x), (c & 1) ? c + 1 : c) << f.str() << " tie";
    }
  });
}

// encode searches thresholds found from encodeByLog; they must agree on
// every double, which matters most next to the thresholds themselves.
TEST(LPTest, EncodeAgreesWithTheDefinitionNextToEveryThreshold) {
  std::mt19937_64 rng(7);
  for (unsigned n : {2u, 4u, 6u, 8u, 10u, 12u})
    for (unsigned es : {0u, 1u, 2u, 4u})
      for (unsigned rs : {1u, n / 2, n - 1})
        for (int sf : {-20, 0, 3, 64}) {
          if (rs < 1 || !LPFormat::validate(n, es, rs, sf).empty())
            continue;
          LPCodec codec(LPFormat{n, es, rs, sf});
          auto check = [&](double x) {
            ASSERT_EQ(codec.encode(x), codec.encodeByLog(x))
                << LPFormat{n, es, rs, sf}.str() << " x = " << x;
            ASSERT_EQ(codec.encode(-x), codec.encodeByLog(-x));
          };
          for (uint32_t c = 1; c + 1 < codec.narCode(); ++c) {
            double mid = std::exp2(
                (double(codec.value(c).log) + codec.value(c + 1).log) /
                double(2 * kLogOne));
            double x = mid;
            for (int ulp = 0; ulp < 6; ++ulp)
              x = std::nextafter(x, 0.0);
            for (int ulp = 0; ulp < 12; ++ulp, x = std::nextafter(x, 1e308))
              check(x);
          }
          for (double x : {codec.minpos() / 2, codec.minpos(), codec.maxpos()})
            for (double y :
                 {std::nextafter(x, 0.0), x, std::nextafter(x, 1e308)})
              check(y);
          double lo = double(codec.value(1).log) / kLogOne - 3;
          double hi = double(codec.value(codec.maxposCode()).log) / kLogOne + 3;
          std::uniform_real_distribution<double> logs(lo, hi);
          for (int i = 0; i < 2000; ++i)
            check(std::exp2(logs(rng)));
        }
}

TEST(LPTest, SaturationUnderflowAndSpecials) {
  forEachFormat(8, [&](const LPFormat &f) {
    if (f.sf != 0 && f.sf != 5)
      return;
    LPCodec codec(f);
    EXPECT_EQ(codec.encode(0.0), 0u);
    EXPECT_EQ(codec.encode(-0.0), 0u);
    EXPECT_EQ(codec.encode(NAN), codec.narCode());
    EXPECT_EQ(codec.encode(INFINITY), codec.narCode());
    EXPECT_EQ(codec.encode(-INFINITY), codec.narCode());
    EXPECT_EQ(codec.encode(1e300), codec.maxposCode());
    EXPECT_EQ(codec.encode(-1e300), codec.negate(codec.maxposCode()));
    double half = codec.minpos() / 2;
    EXPECT_EQ(codec.encode(half), 1u) << f.str();
    EXPECT_EQ(codec.encode(std::nextafter(half, 0.0)), 0u) << f.str();
    EXPECT_EQ(codec.encode(-half), codec.negate(1)) << f.str();
    EXPECT_TRUE(std::isnan(codec.decode(codec.narCode())));
  });
}

// Words without fraction bits have the value of the standard posit with the
// same bits; these are published posit<n, es> values (useed = 2^2^es).
TEST(LPTest, StandardPositValues) {
  LPCodec p80(LPFormat{8, 0, 7, 0});
  EXPECT_EQ(p80.decode(0x40), 1.0);
  EXPECT_EQ(p80.decode(0x60), 2.0);
  EXPECT_EQ(p80.decode(0x70), 4.0);
  EXPECT_EQ(p80.decode(0x20), 0.5);
  EXPECT_EQ(p80.decode(0x10), 0.25);
  EXPECT_EQ(p80.decode(0xC0), -1.0);
  EXPECT_EQ(p80.maxpos(), 64.0);
  EXPECT_EQ(p80.minpos(), 1.0 / 64);
  LPCodec p81(LPFormat{8, 1, 7, 0});
  EXPECT_EQ(p81.maxpos(), 4096.0);
  EXPECT_EQ(p81.minpos(), 1.0 / 4096);
  EXPECT_EQ(p81.decode(0x50), 2.0);
  EXPECT_EQ(p81.decode(0x60), 4.0);
  LPCodec p161(LPFormat{16, 1, 15, 0});
  EXPECT_EQ(p161.decode(0x4000), 1.0);
  EXPECT_EQ(p161.decode(0x5000), 2.0);
  EXPECT_EQ(p161.decode(0x6000), 4.0);
  EXPECT_EQ(p161.maxpos(), std::ldexp(1.0, 28));
  EXPECT_EQ(p161.minpos(), std::ldexp(1.0, -28));
  LPCodec p82(LPFormat{8, 2, 7, 0});
  EXPECT_EQ(p82.maxpos(), std::ldexp(1.0, 24));
  EXPECT_EQ(p82.dynamicRangeBinades(), 48.0);
  // The log-fraction: 0x50 in posit<8,0> is 1.5; as an LP it is 2^0.5.
  EXPECT_DOUBLE_EQ(p80.decode(0x50), std::sqrt(2.0));
  // sf scales by 2^-sf.
  LPCodec scaled(LPFormat{8, 0, 7, 3});
  EXPECT_EQ(scaled.decode(0x40), 0.125);
}

TEST(LPTest, SixteenBitRoundTrip) {
  for (unsigned es : {0u, 1u, 2u, 4u})
    for (unsigned rs : {1u, 4u, 15u}) {
      LPCodec codec(LPFormat{16, es, rs, -7});
      for (uint32_t c = 0; c < codec.numCodes(); c += 7) {
        if (c != codec.narCode()) {
          ASSERT_EQ(codec.encode(codec.decode(c)), c);
        }
      }
    }
}

TEST(LPTest, MultiplyIsExactLogAddition) {
  LPCodec a(LPFormat{8, 1, 7, 2}), b(LPFormat{6, 0, 5, -1});
  for (uint32_t i = 0; i < a.numCodes(); ++i)
    for (uint32_t j = 0; j < b.numCodes(); ++j) {
      LPValue p = multiplyLP(a.value(i), b.value(j));
      if (a.value(i).isNaR() || b.value(j).isNaR()) {
        ASSERT_TRUE(p.isNaR());
        continue;
      }
      double expected = a.decode(i) * b.decode(j);
      if (expected == 0) {
        ASSERT_TRUE(p.isZero());
        continue;
      }
      ASSERT_EQ(p.log, a.value(i).log + b.value(j).log);
      ASSERT_NEAR(p.toDouble() / expected, 1.0, 1e-15);
    }
}

TEST(LPTest, ProductsToFixedPoint) {
  LPCodec codec(LPFormat{8, 1, 7, 0});
  for (uint32_t i = 0; i < codec.numCodes(); ++i)
    for (uint32_t j = 0; j < codec.numCodes(); j += 3) {
      LPValue p = multiplyLP(codec.value(i), codec.value(j));
      bool nar = false;
      int64_t fixed = lpToFixed(p, 16, &nar);
      ASSERT_EQ(nar, p.isNaR());
      if (p.isNaR())
        continue;
      double exact = std::ldexp(p.toDouble(), 16);
      // Within half an LSB plus the antilog table's 2^-30 relative error.
      ASSERT_LE(std::fabs(double(fixed) - exact),
                0.5 + std::fabs(exact) * 0x1p-30)
          << i << " * " << j;
    }
  // Ties round to even.
  LPValue half{LPValue::Kind::Finite, false, -kLogOne}; // 0.5
  EXPECT_EQ(lpToFixed(half, 0), 0);
  LPValue minusOne{LPValue::Kind::Finite, true, 0};
  EXPECT_EQ(lpToFixed(minusOne, 2), -4);
}

// The product table's accumulate against lpToFixed one product at a time,
// NaR and zero activations included: products that fit 32 bits; a table
// with products that do not, read where they do (the smallest codes) and
// where they do not.
TEST(LPTest, ProductTableAccumulatesLikeTheDefinition) {
  std::mt19937 rng(11);
  struct Case {
    LPFormat fa, fw;
    uint32_t smallestCodes; ///< codes +/-[0, this), or 0: any code
  };
  for (Case c : {Case{{8, 1, 7, 0}, {6, 1, 5, 2}, 0},
                 Case{{8, 1, 7, -4}, {8, 1, 7, 0}, 0},
                 Case{{8, 2, 7, -10}, {8, 2, 7, -10}, 12}}) {
    LPFormat fa = c.fa;
    LPCodec a(c.fa), w(c.fw);
    LPProductTable table(a, w, 16);
    const int64_t m = 5, k = 37, n = 27; // 16-, 8- and 1-wide blocks
    std::vector<uint8_t> ca(m * k), cw(k * n);
    auto draw = [&](const LPCodec &codec) {
      if (!c.smallestCodes)
        return uint8_t(rng() & codec.mask());
      uint32_t code = rng() % c.smallestCodes;
      return uint8_t(rng() % 2 ? codec.negate(code) : code);
    };
    // Every format of up to 8 bits reads products by the sum of its logs.
    EXPECT_TRUE(table.indexedBySum()) << fa.str();
    for (uint8_t &x : ca)
      x = uint8_t(rng() % 4 ? draw(a) : 0); // zeros are skipped
    for (uint8_t &x : cw)
      x = uint8_t(rng() % 8 ? draw(w) : 0);
    ca[3] = uint8_t(a.narCode());
    std::vector<int64_t> out(m * n, 0);
    std::vector<uint8_t> nar(m * n, 0);
    table.accumulate(m, k, n, ca.data(), cw.data(), out.data(), nar.data());
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j) {
        int64_t sum = 0;
        bool anyNar = false;
        for (int64_t t = 0; t < k; ++t) {
          bool isNar = false;
          sum += lpToFixed(
              multiplyLP(a.value(ca[i * k + t]), w.value(cw[t * n + j])), 16,
              &isNar);
          anyNar |= isNar;
        }
        ASSERT_EQ(bool(nar[i * n + j]), anyNar) << fa.str() << i << "," << j;
        if (!anyNar) {
          ASSERT_EQ(out[i * n + j], sum) << fa.str() << " " << i << "," << j;
        }
      }
  }
}

TEST(LPTest, SharedCodecsAndTablesAreBuiltOncePerFormat) {
  LPFormat a{8, 1, 7, 0}, b{6, 1, 5, 0};
  const LPCodec &ca = LPCodec::shared(a), &cb = LPCodec::shared(b);
  EXPECT_EQ(&ca, &LPCodec::shared(a));
  EXPECT_NE(&ca, &cb);
  EXPECT_TRUE(ca.format() == a);
  LPCodec fresh(b);
  for (uint32_t code = 0; code < fresh.numCodes(); ++code)
    EXPECT_EQ(cb.encode(fresh.decode(code)), fresh.encode(fresh.decode(code)));
  const LPProductTable &t = LPProductTable::shared(ca, cb, 16);
  EXPECT_EQ(&t, &LPProductTable::shared(ca, cb, 16));
  EXPECT_NE(&t, &LPProductTable::shared(ca, cb, 12));
  LPProductTable direct(ca, cb, 16);
  for (unsigned x = 0; x < 256; x += 7)
    for (unsigned y = 0; y < 64; ++y)
      EXPECT_EQ(t.product(uint8_t(x), uint8_t(y)),
                direct.product(uint8_t(x), uint8_t(y)));
}
