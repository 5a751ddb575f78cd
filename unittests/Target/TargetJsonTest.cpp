//===- TargetJsonTest.cpp - #kite.target <-> JSON -------------------------===//

#include "kite/Target/TargetJson.h"
#include "kite/Target/KnownTargets.h"

#include "gtest/gtest.h"

using namespace mlir;
using namespace kite;

namespace {
class TargetJsonTest : public ::testing::Test {
protected:
  TargetJsonTest() { ctx.loadDialect<KiteDialect>(); }

  /// The error message of parsing `text`, or "" on success.
  std::string errorOf(StringRef text) {
    llvm::Expected<llvm::json::Value> value = llvm::json::parse(text);
    EXPECT_TRUE(bool(value)) << llvm::toString(value.takeError());
    llvm::Expected<TargetAttr> target = targetFromJson(&ctx, *value);
    return target ? "" : llvm::toString(target.takeError());
  }

  MLIRContext ctx;
};
} // namespace

TEST_F(TargetJsonTest, KnownTargetsRoundTrip) {
  for (StringRef name : getKnownTargetNames()) {
    TargetAttr target = getKnownTarget(&ctx, name);
    ASSERT_TRUE(target) << name.str();
    llvm::Expected<TargetAttr> back =
        targetFromJson(&ctx, targetToJson(target));
    ASSERT_TRUE(bool(back)) << llvm::toString(back.takeError());
    EXPECT_EQ(*back, target) << name.str();
  }
}

TEST_F(TargetJsonTest, EmptyObjectIsTheDefault) {
  llvm::Expected<TargetAttr> target =
      targetFromJson(&ctx, llvm::json::Object{});
  ASSERT_TRUE(bool(target));
  EXPECT_EQ(*target, getDefaultTarget(&ctx));
}

TEST_F(TargetJsonTest, FieldsOverrideTheBase) {
  llvm::Expected<TargetAttr> target = targetFromJson(
      &ctx, *llvm::json::parse(R"({"base": "kite-mini", "name": "edge",
          "array": {"rows": 4}, "sparsity": ["1:4", "2:8"],
          "energy_pj": {"dram_read_32b": 320}})"));
  ASSERT_TRUE(bool(target)) << llvm::toString(target.takeError());
  EXPECT_EQ(target->getName(), "edge");
  EXPECT_EQ(target->getArrayRows(), 4u);
  EXPECT_EQ(target->getArrayCols(), 8u);
  EXPECT_TRUE(target->supportsSparsity(NMAttr::get(&ctx, 2, 8)));
  EXPECT_FALSE(target->supportsSparsity(NMAttr::get(&ctx, 2, 4)));
  EXPECT_EQ(target->getEnergy().getDramRead32b().convertToDouble(), 320.0);
  EXPECT_EQ(target->getEnergy().getInt8Mul().convertToDouble(), 0.2);
}

TEST_F(TargetJsonTest, ErrorsNameTheField) {
  EXPECT_EQ(errorOf(R"({"energy_pj": {"int8_mul": "x"}})"),
            "field 'energy_pj.int8_mul': expected a number");
  EXPECT_EQ(errorOf(R"({"array": {"rows": -1}})"),
            "field 'array.rows': expected a non-negative integer");
  EXPECT_EQ(errorOf(R"({"memory": {"weight_kb": 3}})"),
            "field 'memory.weight_kb': unknown field");
  EXPECT_EQ(errorOf(R"({"sparsity": ["2:4", "5:4"]})"),
            "field 'sparsity': element 1: N:M pattern 5:4 is invalid: "
            "requires 0 < N <= M");
  EXPECT_EQ(errorOf(R"({"softmax": {"method": "taylor"}})"),
            "field 'softmax.method': expected \"rexp\" or \"lut2d\", got "
            "\"taylor\"");
  EXPECT_EQ(errorOf(R"({"base": "nope"})"),
            "field 'base': unknown built-in target 'nope'");
  EXPECT_EQ(errorOf(R"([1, 2])"), "target: expected a JSON object");
}

TEST_F(TargetJsonTest, RangeErrorsComeFromTheVerifier) {
  EXPECT_EQ(errorOf(R"({"multipliers": ["drum4"]})"),
            "target: target multipliers must include \"exact\"");
  EXPECT_EQ(errorOf(R"({"int_bits": [8, 4]})"),
            "target: target int_bits must be strictly increasing");
  EXPECT_EQ(errorOf(R"({"acc_bits": 20, "lp_acc_frac_bits": 20})"),
            "target: target lp_acc_frac_bits = 20 must be less than "
            "acc_bits = 20");
  EXPECT_EQ(errorOf(R"({"energy_pj": {"fp32_add": 0}})"),
            "target: energy fp32_add must be a positive finite number, got "
            "0.000000e+00");
}
