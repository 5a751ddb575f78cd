//===- MacKernelTest.cpp - integer MAC kernels against a plain sum --------===//
//
// kite.matmul on exact integer products runs as float GEMMs over runs of
// the reduction short enough to be exact; these check it against int64
// sums where the products are extreme and the reduction long.
//
//===----------------------------------------------------------------------===//

#include "kite/Dialect/Kite/IR/Kite.h"
#include "kite/Interpreter/Interpreter.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Parser/Parser.h"

#include "gtest/gtest.h"

#include <random>
#include <string>

using namespace mlir;
using namespace kite::interp;

namespace {
std::string matmulSource(int64_t m, int64_t k, int64_t n, StringRef format) {
  std::string shapes = "tensor<" + std::to_string(m) + "x" + std::to_string(k) +
                       "xi8>, tensor<" + std::to_string(k) + "x" +
                       std::to_string(n) + "xi8>";
  std::string result =
      "tensor<" + std::to_string(m) + "x" + std::to_string(n) + "xi32>";
  return "func.func @f(%a: tensor<" + std::to_string(m) + "x" +
         std::to_string(k) + "xi8>, %w: tensor<" + std::to_string(k) + "x" +
         std::to_string(n) + "xi8>) -> " + result +
         " {\n  %y = kite.matmul %a, %w {lhs_format = " + format.str() +
         ", rhs_format = " + format.str() + "} : (" + shapes + ") -> " +
         result + "\n  return %y : " + result + "\n}\n";
}

/// Runs m x k x n with values from `pick` and compares with int64 sums.
template <typename Pick>
void check(int64_t m, int64_t k, int64_t n, StringRef format, Pick pick) {
  MLIRContext ctx;
  ctx.loadDialect<func::FuncDialect, kite::KiteDialect>();
  std::string source = matmulSource(m, k, n, format);
  OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(source, &ctx);
  ASSERT_TRUE(module) << source;
  Tensor a = Tensor::ints({m, k}), w = Tensor::ints({k, n});
  for (int64_t &v : a.i)
    v = pick();
  for (int64_t &v : w.i)
    v = pick();
  Interpreter interp;
  FailureOr<std::vector<Tensor>> out =
      interp.run(module->lookupSymbol<func::FuncOp>("f"), {a, w});
  ASSERT_TRUE(succeeded(out));
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) {
      int64_t sum = 0;
      for (int64_t x = 0; x < k; ++x)
        sum += a.i[i * k + x] * w.i[x * n + j];
      ASSERT_EQ((*out)[0].i[i * n + j], sum) << "element " << i << ", " << j;
    }
}

TEST(MacKernelTest, LongReductionOfExtremeProducts) {
  // 2100 products near 2^14 sum to ~3e7 > 2^24, where a float drops the
  // last bit: three float runs.
  std::mt19937 rng(0);
  std::uniform_int_distribution<int> dist(101, 127);
  check(3, 2100, 5, "#kite.int<8, signed>", [&] { return dist(rng); });
}

TEST(MacKernelTest, RandomInt8) {
  std::mt19937 rng(1);
  std::uniform_int_distribution<int> dist(-128, 127);
  check(7, 3000, 9, "#kite.int<8, signed>", [&] { return dist(rng); });
}

TEST(MacKernelTest, RandomInt4) {
  std::mt19937 rng(2);
  std::uniform_int_distribution<int> dist(-8, 7);
  check(5, 1500, 4, "#kite.int<4, signed>", [&] { return dist(rng); });
}
} // namespace
