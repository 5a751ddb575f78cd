//===- CostModelTest.cpp - the MAC table and the cost-model registry ------===//

#include "kite/Dialect/Kite/Search/CostModel.h"
#include "ParseModule.h"
#include "kite/Numerics/Multipliers.h"

#include "gtest/gtest.h"

using namespace mlir;
using namespace kite;

namespace {

// No #kite.target: kite-v1's defaults (0.2 pJ per 8x8 product, 0.1 pJ per
// 32-bit add, a 16 x 16 array at 1 GHz). 4 x 16 outputs of 32 products.
constexpr const char *kModule = R"(
func.func @main(%a: tensor<4x32xi8>, %b: tensor<32x16xi8>, %f: tensor<4x32xf32>, %g: tensor<32x16xf32>) -> (tensor<4x16xi32>, tensor<4x16xi32>, tensor<4x16xf32>) {
  %0 = kite.matmul %a, %b : (tensor<4x32xi8>, tensor<32x16xi8>) -> tensor<4x16xi32>
  %1 = kite.matmul %a, %b {lhs_format = #kite.int<4, signed>, multiplier = #kite.mul<"drum3">, rhs_sparsity = #kite.nm<2, 4>} : (tensor<4x32xi8>, tensor<32x16xi8>) -> tensor<4x16xi32>
  %2 = kite.matmul %f, %g : (tensor<4x32xf32>, tensor<32x16xf32>) -> tensor<4x16xf32>
  return %0, %1, %2 : tensor<4x16xi32>, tensor<4x16xi32>, tensor<4x16xf32>
}
)";

class CostModelTest : public ::testing::Test {
protected:
  void SetUp() override {
    module = test::parseModule(ctx, kModule);
    ASSERT_TRUE(module);
    module->walk([&](Operation *op) {
      if (op->getName().getStringRef() == "kite.matmul")
        ops.push_back(op);
    });
    ASSERT_EQ(ops.size(), 3u);
  }

  MLIRContext ctx;
  OwningOpRef<ModuleOp> module;
  std::vector<Operation *> ops;
};

TEST_F(CostModelTest, PricesEachProductFromTheTable) {
  MacCost exact = macCost(ops[0]);
  EXPECT_DOUBLE_EQ(exact.macs, 2048);
  EXPECT_DOUBLE_EQ(exact.pjPerMac, 0.2 + 0.1);
  // A 4 x 8-bit approximate product on half the weights.
  const numerics::Multiplier *drum3 =
      numerics::Multiplier::shared("drum3", {4, true}, {8, true}, nullptr);
  ASSERT_TRUE(drum3);
  MacCost cheap = macCost(ops[1]);
  EXPECT_DOUBLE_EQ(cheap.macs, 1024);
  EXPECT_DOUBLE_EQ(cheap.pjPerMac,
                   0.2 * numerics::exactEnergyRelativeTo8x8(4, 8) *
                           drum3->relativeEnergy() +
                       0.1);
  EXPECT_LT(cheap.pjPerMac, exact.pjPerMac);
  MacCost fp = macCost(ops[2]);
  EXPECT_DOUBLE_EQ(fp.pjPerMac, 3.7 + 0.9);
}

TEST_F(CostModelTest, MacTableSumsTheLayers) {
  std::unique_ptr<CostModel> table = createCostModel("mac-table");
  ASSERT_TRUE(table);
  FailureOr<ModelCost> cost = table->measure(*module, "main");
  ASSERT_TRUE(succeeded(cost));
  double pj = 0, macs = 0;
  for (Operation *op : ops) {
    MacCost c = macCost(op);
    pj += c.pjPerMac * c.macs;
    macs += c.macs;
  }
  EXPECT_DOUBLE_EQ(cost->energyJ, pj * 1e-12);
  EXPECT_DOUBLE_EQ(cost->seconds, macs / 256 / 1e9);
  EXPECT_DOUBLE_EQ(cost->edpJs(), cost->energyJ * cost->seconds);
  EXPECT_TRUE(failed(table->measure(*module, "absent")));
}

TEST(CostModelRegistry, OnlyWhatTheToolRegistered) {
  // This binary does not link the simulator.
  EXPECT_EQ(createCostModel("simulator"), nullptr);
  EXPECT_EQ(costModelNames(), "mac-table");
  struct Fixed : CostModel {
    FailureOr<ModelCost> measure(ModuleOp, StringRef) const override {
      return ModelCost{2, 3};
    }
  };
  registerCostModel("fixed", [] { return std::make_unique<Fixed>(); });
  EXPECT_EQ(costModelNames(), "fixed, mac-table");
  std::unique_ptr<CostModel> fixed = createCostModel("fixed");
  ASSERT_TRUE(fixed);
  EXPECT_DOUBLE_EQ(fixed->measure(ModuleOp(), "")->edpJs(), 6);
}

} // namespace
