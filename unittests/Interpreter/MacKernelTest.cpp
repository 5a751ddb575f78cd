//===- MacKernelTest.cpp - integer MAC kernels against a plain sum --------===//
//
// kite.matmul and kite.conv2d on exact integer products run as float GEMMs
// over runs of the reduction short enough to be exact; these check them
// against int64 sums where the products are large and the reduction long.
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

TEST(MacKernelTest, GroupedConvolutionWithLongReduction) {
  // Two groups of 200 channels, 3x3, padding 1: a reduction of 1800 terms
  // near 2^14 each, past what one float GEMM sums exactly.
  const int64_t c = 400, h = 4, fc = 4, cg = 200;
  MLIRContext ctx;
  ctx.loadDialect<func::FuncDialect, kite::KiteDialect>();
  std::string x = "tensor<2x400x4x4xi8>", f = "tensor<4x200x3x3xi8>",
              y = "tensor<2x4x4x4xi32>";
  std::string source =
      "func.func @f(%x: " + x + ", %w: " + f + ") -> " + y +
      " {\n  %y = kite.conv2d %x, %w {strides = array<i64: 1, 1>, pads = "
      "array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 2 : "
      "i64, input_format = #kite.int<8, signed>, filter_format = "
      "#kite.int<8, signed>} : (" +
      x + ", " + f + ") -> " + y + "\n  return %y : " + y + "\n}\n";
  OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(source, &ctx);
  ASSERT_TRUE(module) << source;
  std::mt19937 rng(3);
  std::uniform_int_distribution<int> dist(101, 127);
  Tensor in = Tensor::ints({2, c, h, h}), w = Tensor::ints({fc, cg, 3, 3});
  for (int64_t &v : in.i)
    v = dist(rng);
  for (int64_t &v : w.i)
    v = dist(rng);
  Interpreter interp;
  FailureOr<std::vector<Tensor>> out =
      interp.run(module->lookupSymbol<func::FuncOp>("f"), {in, w});
  ASSERT_TRUE(succeeded(out));
  for (int64_t b = 0; b < 2; ++b)
    for (int64_t o = 0; o < fc; ++o)
      for (int64_t i = 0; i < h; ++i)
        for (int64_t j = 0; j < h; ++j) {
          int64_t sum = 0, g = o / (fc / 2);
          for (int64_t ch = 0; ch < cg; ++ch)
            for (int64_t di = 0; di < 3; ++di)
              for (int64_t dj = 0; dj < 3; ++dj) {
                int64_t r = i + di - 1, s = j + dj - 1;
                if (r < 0 || s < 0 || r >= h || s >= h)
                  continue;
                sum += in.i[((b * c + g * cg + ch) * h + r) * h + s] *
                       w.i[((o * cg + ch) * 3 + di) * 3 + dj];
              }
          ASSERT_EQ((*out)[0].i[((b * fc + o) * h + i) * h + j], sum)
              << "image " << b << ", filter " << o << " at " << i << ", " << j;
        }
}

TEST(MacKernelTest, RandomInt4) {
  std::mt19937 rng(2);
  std::uniform_int_distribution<int> dist(-8, 7);
  check(5, 1500, 4, "#kite.int<4, signed>", [&] { return dist(rng); });
}
} // namespace
