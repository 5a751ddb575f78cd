//===- PackedWeightsTest.cpp - MAC weights in the array's layout ----------===//

#include "kite/Dialect/Kite/IR/PackedWeights.h"
#include "kite/Runtime/Isa.h"

#include "gtest/gtest.h"

#include <random>

using namespace mlir;
using namespace kite;

namespace {
class PackedWeightsTest : public ::testing::Test {
protected:
  PackedWeightsTest() { ctx.loadDialect<KiteDialect>(); }

  /// Codes of `shape` in [-127, 127], a third of them zero.
  static std::vector<int64_t> randomCodes(ArrayRef<int64_t> shape,
                                          unsigned seed) {
    std::mt19937 rng(seed);
    std::uniform_int_distribution<int> code(-127, 127), zero(0, 2);
    std::vector<int64_t> codes(size_t(ShapedType::getNumElements(shape)));
    for (int64_t &c : codes)
      c = zero(rng) == 0 ? 0 : code(rng);
    return codes;
  }

  MLIRContext ctx;
};
} // namespace

TEST_F(PackedWeightsTest, FilterLayoutIsOneMatrixPerGroup) {
  // 4 filters of 1 x 1 x 2 in 2 groups: group g's K x N matrix has the
  // filters g*2, g*2 + 1 as columns.
  std::vector<int64_t> codes = {1, 2, 3, 4, 5, 6, 7, 8};
  WeightLayout layout = *weightLayout({4, 1, 1, 2}, true, 2);
  EXPECT_EQ(layout.k, 2);
  EXPECT_EQ(layout.n, 2);
  PackedWeights packed =
      packWeights(codes, layout, NMAttr(), IntegerType::get(&ctx, 8));
  EXPECT_EQ(packed.values, (std::vector<int8_t>{1, 3, 2, 4, 5, 7, 6, 8}));
  EXPECT_TRUE(packed.index.empty());
  EXPECT_EQ(unpackWeights(packed.values, packed.index, layout, NMAttr(),
                          IntegerType::get(&ctx, 8)),
            codes);
}

TEST_F(PackedWeightsTest, NMKeepsTheLargestAndUnpacksToThem) {
  // Column 0 keeps rows 2, 3; column 1 rows 1, 2 (|-4| beats 2).
  std::vector<int64_t> codes = {1, 2, 3, -4, 5, 6, 7, 0};
  WeightLayout layout = *weightLayout({4, 2}, false, 1);
  NMAttr nm = NMAttr::get(&ctx, 2, 4);
  Type i8 = IntegerType::get(&ctx, 8);
  PackedWeights packed = packWeights(codes, layout, nm, i8);
  EXPECT_EQ(packed.values, (std::vector<int8_t>{5, -4, 7, 6}));
  EXPECT_EQ(packed.index, (std::vector<uint8_t>{2 | 1 << 2, 3 | 2 << 2}));
  EXPECT_EQ(unpackWeights(packed.values, packed.index, layout, nm, i8),
            (std::vector<int64_t>{0, 0, 0, -4, 5, 6, 7, 0}));
}

TEST_F(PackedWeightsTest, AlreadyNMTensorsRoundTripExactly) {
  // A tensor with at most N nonzeros per group comes back unchanged, for
  // every pattern and for K not a multiple of M (short last group), batched
  // matmul weights and grouped filters alike.
  Type i8 = IntegerType::get(&ctx, 8);
  struct Case {
    SmallVector<int64_t> shape;
    bool filter;
    int64_t groups;
  };
  for (auto [n, m] : {std::pair{2, 4}, {1, 4}, {4, 8}, {1, 8}, {3, 4}})
    for (const Case &c : {Case{{13, 9}, false, 1}, Case{{3, 10, 24}, false, 3},
                          Case{{6, 2, 3, 3}, true, 2}}) {
      WeightLayout layout = *weightLayout(c.shape, c.filter, c.groups);
      NMAttr nm = NMAttr::get(&ctx, unsigned(n), unsigned(m));
      std::vector<int64_t> codes = randomCodes(c.shape, unsigned(n * 10 + m));
      // Prune to N:M first: packing what the MAC op reads, then unpacking,
      // gives it back.
      std::vector<int64_t> pruned = unpackWeights(
          packWeights(codes, layout, nm, i8).values,
          packWeights(codes, layout, nm, i8).index, layout, nm, i8);
      PackedWeights again = packWeights(pruned, layout, nm, i8);
      EXPECT_EQ(again.values.size(), size_t(c.groups * layout.valueBytes(nm)));
      EXPECT_EQ(again.index.size(), size_t(c.groups * layout.indexBytes(nm)));
      EXPECT_EQ(unpackWeights(again.values, again.index, layout, nm, i8),
                pruned)
          << n << ":" << m << " on " << c.shape.size() << "-d weights";
      // Each group of M along K keeps at most N nonzeros.
      for (int64_t g = 0; g < layout.groups; ++g)
        for (int64_t j = 0; j < layout.n; ++j)
          for (int64_t g0 = 0; g0 < layout.k; g0 += m) {
            int64_t nonzero = 0;
            for (int64_t r = g0; r < std::min<int64_t>(g0 + m, layout.k); ++r) {
              int64_t at = c.filter ? (g * layout.n + j) * layout.k + r
                                    : (g * layout.k + r) * layout.n + j;
              nonzero += pruned[size_t(at)] != 0;
            }
            EXPECT_LE(nonzero, n);
          }
    }
}

TEST_F(PackedWeightsTest, LPCodesStayUnsigned) {
  // LP<8, 1, 7, 0> codes above 127 are stored in a byte and come back
  // zero-extended.
  auto lp = LPType::get(&ctx, 8, 1, 7, 0);
  std::vector<int64_t> codes = {200, 3, 129, 0};
  WeightLayout layout = *weightLayout({2, 2}, false, 1);
  PackedWeights packed = packWeights(codes, layout, NMAttr(), lp);
  EXPECT_EQ(unpackWeights(packed.values, packed.index, layout, NMAttr(), lp),
            codes);
}
