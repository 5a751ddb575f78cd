//===- NMSelectTest.cpp - N:M selection and decomposition series ----------===//

#include "kite/Numerics/NMSelect.h"

#include "gtest/gtest.h"

#include <cstdlib>
#include <random>

using namespace kite::numerics;

namespace {
std::vector<int64_t> randomRow(std::mt19937 &rng, int64_t len) {
  std::uniform_int_distribution<int> value(-20, 20);
  std::vector<int64_t> row(static_cast<size_t>(len));
  for (int64_t &v : row)
    v = value(rng);
  return row;
}

/// Every term of `series` on `row`, in order.
std::vector<std::vector<int64_t>> terms(const std::vector<int64_t> &row,
                                        const std::vector<NMPattern> &series,
                                        int64_t threshold = 0) {
  std::vector<std::vector<int64_t>> out;
  for (size_t t = 1; t <= series.size(); ++t)
    out.push_back(keptByLastTerm(
        int64_t(row.size()),
        std::vector<NMPattern>(series.begin(), series.begin() + t),
        [&](int64_t j) { return std::llabs(row[size_t(j)]); }, threshold));
  return out;
}

TEST(NMSelect, OneTermIsTheGroupSelection) {
  std::mt19937 rng(1);
  for (int trial = 0; trial < 200; ++trial) {
    std::vector<int64_t> row = randomRow(rng, 1 + trial % 23);
    auto mag = [&](int64_t j) { return std::llabs(row[size_t(j)]); };
    std::vector<int64_t> expected;
    for (int64_t g0 = 0; g0 < int64_t(row.size()); g0 += 8)
      for (int64_t t : keptInGroup(
               std::min<int64_t>(8, int64_t(row.size()) - g0), 3,
               [&](int64_t x) { return mag(g0 + x); }, 4))
        expected.push_back(g0 + t);
    EXPECT_EQ(keptByLastTerm(int64_t(row.size()), {{3, 8}}, mag, 4), expected);
  }
}

TEST(NMSelect, LaterTermsTakeFromTheResidual) {
  // 2:4 keeps |9|, |7| and |6|, |5|; 1:8 then takes the largest left, |4|.
  std::vector<int64_t> row{9, 1, -7, 0, 3, -6, 5, -4};
  auto mag = [&](int64_t j) { return std::llabs(row[size_t(j)]); };
  EXPECT_EQ(keptByLastTerm(8, {{2, 4}}, mag),
            (std::vector<int64_t>{0, 2, 5, 6}));
  EXPECT_EQ(keptByLastTerm(8, {{2, 4}, {1, 8}}, mag),
            (std::vector<int64_t>{7}));
  // A third term continues from both (a kept zero reads as zero).
  EXPECT_EQ(keptByLastTerm(8, {{2, 4}, {1, 8}, {1, 2}}, mag),
            (std::vector<int64_t>{1, 3, 4}));
}

TEST(NMSelect, TermsAreDisjointAndTwoHalvesMakeTheWhole) {
  std::mt19937 rng(2);
  for (int trial = 0; trial < 200; ++trial) {
    std::vector<int64_t> row = randomRow(rng, 1 + trial % 31);
    // 2:8 + 2:8 keeps what 4:8 keeps (magnitudes tie-broken alike).
    auto two = terms(row, {{2, 8}, {2, 8}});
    std::vector<int64_t> both = two[0];
    both.insert(both.end(), two[1].begin(), two[1].end());
    std::sort(both.begin(), both.end());
    EXPECT_EQ(both, terms(row, {{4, 8}})[0]);
    // 2:4 + 2:4 keeps every element exactly once.
    auto whole = terms(row, {{2, 4}, {2, 4}});
    std::vector<int64_t> all = whole[0];
    all.insert(all.end(), whole[1].begin(), whole[1].end());
    std::sort(all.begin(), all.end());
    ASSERT_EQ(all.size(), row.size());
    for (size_t j = 0; j < all.size(); ++j)
      EXPECT_EQ(all[j], int64_t(j));
  }
}

TEST(NMSelect, ThresholdHoldsForEveryTerm) {
  std::vector<int64_t> row{9, 1, -2, 0, 3, -6, 5, -4};
  auto kept = terms(row, {{1, 4}, {2, 8}}, /*threshold=*/4);
  EXPECT_EQ(kept[0], (std::vector<int64_t>{0, 5}));
  EXPECT_EQ(kept[1], (std::vector<int64_t>{6, 7}));
  EXPECT_EQ(seriesPeriod({{2, 4}, {1, 8}, {1, 6}}), 24);
}

TEST(NMSelect, DropClearsWhatTheLastTermDoesNotKeep) {
  // Clearing in place while the magnitudes read the same row: the
  // selection is made first.
  std::vector<int64_t> row{9, 1, -2, 0, 3, -6, 5, -4};
  dropAllButLastTerm(
      8, {{1, 4}, {1, 4}}, [&](int64_t t) { return std::llabs(row[t]); }, 0,
      [&](int64_t t) { row[size_t(t)] = 0; });
  EXPECT_EQ(row, (std::vector<int64_t>{0, 0, -2, 0, 0, 0, 5, 0}));
}
} // namespace
