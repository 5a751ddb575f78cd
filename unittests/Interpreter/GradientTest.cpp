//===- GradientTest.cpp - backward rules against finite differences -------===//

#include "kite/Conversion/ImportOnnx/ImportOnnx.h"
#include "kite/Conversion/Passes.h"
#include "kite/Dialect/Kite/IR/Kite.h"
#include "kite/Interpreter/Interpreter.h"

#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/Parser/Parser.h"

#include "gtest/gtest.h"

#include <cmath>
#include <random>

using namespace mlir;
using namespace kite::interp;

namespace {
class GradientTest : public ::testing::Test {
protected:
  GradientTest() {
    ctx.loadDialect<arith::ArithDialect, func::FuncDialect, tosa::TosaDialect,
                    kite::KiteDialect>();
  }

  /// @f of `source` run on `x` with the gradients of an MSE loss against a
  /// zero target: its output and dL/dx (nullopt, the test failed, if it
  /// does not parse or run).
  std::optional<std::pair<Tensor, Tensor>> outputAndGradient(StringRef source,
                                                             const Tensor &x) {
    OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(source, &ctx);
    if (!module) {
      ADD_FAILURE() << "does not parse: " << source.str();
      return std::nullopt;
    }
    auto func = module->lookupSymbol<func::FuncOp>("f");
    Loss loss{Loss::Kind::MSE, Tensor::floats(x.shape)};
    Interpreter interp;
    FailureOr<GradientRun> run = interp.runWithGradients(func, {x}, loss);
    if (failed(run)) {
      ADD_FAILURE() << "no gradient run";
      return std::nullopt;
    }
    return std::make_pair(run->outputs[0],
                          run->grads[func.getBody().front().getArgument(0)]);
  }

  /// Random inputs for every argument of @f in [lo, hi], an MSE loss against
  /// a random target; compares dL/d(argument) with central differences.
  void check(StringRef source, float lo = -1.0f, float hi = 1.0f,
             double tol = 2e-2, unsigned seed = 7) {
    OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(source, &ctx);
    ASSERT_TRUE(module) << source.str();
    auto func = module->lookupSymbol<func::FuncOp>("f");
    ASSERT_TRUE(func);
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> dist(lo, hi);
    std::vector<Tensor> inputs;
    for (Type t : func.getFunctionType().getInputs()) {
      Tensor x = Tensor::floats(cast<RankedTensorType>(t).getShape());
      for (float &v : x.f)
        v = dist(rng);
      inputs.push_back(std::move(x));
    }
    Interpreter interp;
    FailureOr<std::vector<Tensor>> out = interp.run(func, inputs);
    ASSERT_TRUE(succeeded(out));
    Loss loss{Loss::Kind::MSE, Tensor::floats((*out)[0].shape)};
    std::uniform_real_distribution<float> unit(-1, 1);
    for (float &v : loss.target.f)
      v = unit(rng);
    FailureOr<GradientRun> run = interp.runWithGradients(func, inputs, loss);
    ASSERT_TRUE(succeeded(run));
    auto lossOf = [&](const std::vector<Tensor> &in) {
      std::vector<Tensor> y = *interp.run(func, in);
      double l = 0;
      for (int64_t k = 0; k < y[0].size(); ++k) {
        double d = double(y[0].f[k]) - loss.target.f[k];
        l += d * d / double(y[0].size());
      }
      return l;
    };
    Block &body = func.getBody().front();
    for (size_t a = 0; a < inputs.size(); ++a) {
      auto g = run->grads.find(body.getArgument(a));
      ASSERT_NE(g, run->grads.end()) << "no gradient for argument " << a;
      for (int64_t k = 0; k < inputs[a].size(); ++k) {
        const float eps = 1e-3f;
        std::vector<Tensor> plus = inputs, minus = inputs;
        plus[a].f[k] += eps;
        minus[a].f[k] -= eps;
        double numeric = (lossOf(plus) - lossOf(minus)) / (2 * eps);
        EXPECT_NEAR(g->second.f[k], numeric,
                    tol * std::max(1.0, std::fabs(numeric)))
            << "argument " << a << " element " << k << " of\n"
            << source.str();
      }
    }
  }

  /// @f returning its [2, 3] argument: a loss's gradient is then the
  /// gradient with respect to the logits themselves.
  OwningOpRef<ModuleOp> logitsIdentity() {
    return parseSourceString<ModuleOp>(R"(
func.func @f(%a: tensor<2x3xf32>) -> tensor<2x3xf32> {
  return %a : tensor<2x3xf32>
})",
                                       &ctx);
  }

  MLIRContext ctx;
};

// One op on two 2x3 operands (the second broadcast from 1x3).
std::string binary(StringRef op) {
  return (R"(func.func @f(%a: tensor<2x3xf32>, %b: tensor<1x3xf32>) -> tensor<2x3xf32> {
  %r = )" +
          op +
          R"( %a, %b : (tensor<2x3xf32>, tensor<1x3xf32>) -> tensor<2x3xf32>
  return %r : tensor<2x3xf32>
})")
      .str();
}
std::string unary(StringRef op) {
  return (R"(func.func @f(%a: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %r = )" +
          op + R"( %a : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %r : tensor<2x3xf32>
})")
      .str();
}
} // namespace

TEST_F(GradientTest, TosaElementwise) {
  check(binary("tosa.add"));
  check(binary("tosa.sub"));
  // max/min have a kink where the operands tie: draw inputs away from it.
  check(binary("tosa.maximum"), -1.0f, 1.0f, 2e-2, /*seed=*/3);
  check(binary("tosa.minimum"), -1.0f, 1.0f, 2e-2, /*seed=*/3);
  check(binary("tosa.pow"), 0.5f, 1.5f);
  // Broadcast in the middle and last dims, both operands (a per-channel
  // scale times a per-row one).
  check(
      R"(func.func @f(%a: tensor<2x1x3xf32>, %b: tensor<1x4x1xf32>) -> tensor<2x4x3xf32> {
  %s = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %r = tosa.mul %a, %b, %s : (tensor<2x1x3xf32>, tensor<1x4x1xf32>, tensor<1xi8>) -> tensor<2x4x3xf32>
  return %r : tensor<2x4x3xf32>
})");
  check(
      R"(func.func @f(%a: tensor<2x3xf32>, %b: tensor<1x3xf32>) -> tensor<2x3xf32> {
  %s = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %r = tosa.mul %a, %b, %s : (tensor<2x3xf32>, tensor<1x3xf32>, tensor<1xi8>) -> tensor<2x3xf32>
  return %r : tensor<2x3xf32>
})");
  for (StringRef op :
       {"tosa.exp", "tosa.erf", "tosa.tanh", "tosa.sigmoid", "tosa.abs"})
    check(unary(op));
  for (StringRef op : {"tosa.log", "tosa.reciprocal", "tosa.rsqrt"})
    check(unary(op), 0.5f, 2.0f);
  check(R"(func.func @f(%a: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %r = tosa.clamp %a {min_val = 0.0 : f32, max_val = 0.5 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %r : tensor<2x3xf32>
})");
  check(R"(func.func @f(%a: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %z = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %r = tosa.negate %a, %z, %z : (tensor<2x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x3xf32>
  return %r : tensor<2x3xf32>
})");
}

TEST_F(GradientTest, TosaReductionsAndDataMovement) {
  check(R"(func.func @f(%a: tensor<2x3xf32>) -> tensor<1x3xf32> {
  %r = tosa.reduce_sum %a {axis = 0 : i32} : (tensor<2x3xf32>) -> tensor<1x3xf32>
  return %r : tensor<1x3xf32>
})");
  check(R"(func.func @f(%a: tensor<2x3xf32>) -> tensor<2x1xf32> {
  %r = tosa.reduce_max %a {axis = 1 : i32} : (tensor<2x3xf32>) -> tensor<2x1xf32>
  return %r : tensor<2x1xf32>
})");
  check(R"(func.func @f(%a: tensor<2x3xf32>) -> tensor<3x2xf32> {
  %t = tosa.transpose %a {perms = array<i32: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  %s = tosa.const_shape {values = dense<[3, 2]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %r = tosa.reshape %t, %s : (tensor<3x2xf32>, !tosa.shape<2>) -> tensor<3x2xf32>
  return %r : tensor<3x2xf32>
})");
  check(
      R"(func.func @f(%a: tensor<2x3xf32>, %b: tensor<2x1xf32>) -> tensor<2x2xf32> {
  %c = tosa.concat %a, %b {axis = 1 : i32} : (tensor<2x3xf32>, tensor<2x1xf32>) -> tensor<2x4xf32>
  %st = tosa.const_shape {values = dense<[0, 1]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %sz = tosa.const_shape {values = dense<[2, 2]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %r = tosa.slice %c, %st, %sz : (tensor<2x4xf32>, !tosa.shape<2>, !tosa.shape<2>) -> tensor<2x2xf32>
  return %r : tensor<2x2xf32>
})");
  check(R"(func.func @f(%a: tensor<2x3xf32>) -> tensor<3x4xf32> {
  %p = tosa.const_shape {values = dense<[1, 0, 0, 1]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %v = "tosa.const"() <{values = dense<0.5> : tensor<1xf32>}> : () -> tensor<1xf32>
  %r = tosa.pad %a, %p, %v : (tensor<2x3xf32>, !tosa.shape<4>, tensor<1xf32>) -> tensor<3x4xf32>
  return %r : tensor<3x4xf32>
})");
  check(R"(func.func @f(%a: tensor<1x3x2xf32>) -> tensor<1x4x2xf32> {
  %i = "tosa.const"() <{values = dense<[[2, 0, 2, 1]]> : tensor<1x4xi32>}> : () -> tensor<1x4xi32>
  %r = tosa.gather %a, %i : (tensor<1x3x2xf32>, tensor<1x4xi32>) -> tensor<1x4x2xf32>
  return %r : tensor<1x4x2xf32>
})");
}

TEST_F(GradientTest, TosaMatmulConvPool) {
  check(
      R"(func.func @f(%a: tensor<2x2x3xf32>, %b: tensor<2x3x2xf32>) -> tensor<2x2x2xf32> {
  %z = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %r = tosa.matmul %a, %b, %z, %z : (tensor<2x2x3xf32>, tensor<2x3x2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x2x2xf32>
  return %r : tensor<2x2x2xf32>
})");
  check(
      R"(func.func @f(%x: tensor<1x4x4x2xf32>, %w: tensor<3x2x2x2xf32>, %b: tensor<3xf32>) -> tensor<1x2x5x3xf32> {
  %z = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %r = tosa.conv2d %x, %w, %b, %z, %z {pad = array<i64: 0, 0, 1, 1>, stride = array<i64: 2, 1>, dilation = array<i64: 1, 1>, acc_type = f32}
      : (tensor<1x4x4x2xf32>, tensor<3x2x2x2xf32>, tensor<3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x5x3xf32>
  return %r : tensor<1x2x5x3xf32>
})");
  check(R"(func.func @f(%x: tensor<1x4x4x1xf32>) -> tensor<1x2x2x1xf32> {
  %r = tosa.max_pool2d %x {kernel = array<i64: 2, 2>, stride = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>}
      : (tensor<1x4x4x1xf32>) -> tensor<1x2x2x1xf32>
  return %r : tensor<1x2x2x1xf32>
})");
  check(R"(func.func @f(%x: tensor<1x4x4x1xf32>) -> tensor<1x3x3x1xf32> {
  %z = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %r = tosa.avg_pool2d %x, %z, %z {kernel = array<i64: 2, 2>, stride = array<i64: 2, 2>, pad = array<i64: 1, 1, 1, 1>, acc_type = f32}
      : (tensor<1x4x4x1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x3x1xf32>
  return %r : tensor<1x3x3x1xf32>
})");
}

TEST_F(GradientTest, KiteOps) {
  check(
      R"(func.func @f(%a: tensor<2x2x3xf32>, %b: tensor<3x2xf32>, %c: tensor<2x2x2xf32>) -> tensor<2x2x2xf32> {
  %r = kite.matmul %a, %b acc(%c) : (tensor<2x2x3xf32>, tensor<3x2xf32>, tensor<2x2x2xf32>) -> tensor<2x2x2xf32>
  return %r : tensor<2x2x2xf32>
})");
  check(
      R"(func.func @f(%x: tensor<1x4x4x4xf32>, %w: tensor<4x2x2x2xf32>, %b: tensor<4xf32>) -> tensor<1x4x2x3xf32> {
  %r = kite.conv2d %x, %w bias(%b) {strides = array<i64: 2, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 2>, groups = 2 : i64}
      : (tensor<1x4x4x4xf32>, tensor<4x2x2x2xf32>, tensor<4xf32>) -> tensor<1x4x2x2xf32>
  %p = tosa.const_shape {values = dense<[0, 0, 0, 0, 0, 0, 0, 1]> : tensor<8xindex>} : () -> !tosa.shape<8>
  %v = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %o = tosa.pad %r, %p, %v : (tensor<1x4x2x2xf32>, !tosa.shape<8>, tensor<1xf32>) -> tensor<1x4x2x3xf32>
  return %o : tensor<1x4x2x3xf32>
})");
  // Padding on every side, strided columns and two images.
  check(
      R"(func.func @f(%x: tensor<2x2x5x5xf32>, %w: tensor<3x2x3x3xf32>) -> tensor<2x3x3x3xf32> {
  %r = kite.conv2d %x, %w {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64}
      : (tensor<2x2x5x5xf32>, tensor<3x2x3x3xf32>) -> tensor<2x3x3x3xf32>
  return %r : tensor<2x3x3x3xf32>
})");
  check(R"(func.func @f(%a: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %r = kite.softmax %a {axis = 1 : i64} : tensor<2x4xf32>
  return %r : tensor<2x4xf32>
})");
  check(
      R"(func.func @f(%a: tensor<2x4xf32>, %g: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<2x4xf32> {
  %r = kite.layer_norm %a scale(%g) bias(%b) {axis = -1 : i64, epsilon = 1.0e-5 : f64} : (tensor<2x4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  return %r : tensor<2x4xf32>
})");
  check(R"(func.func @f(%a: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %r = kite.gelu %a {approximation = #kite.gelu_approximation<none>} : tensor<2x4xf32>
  return %r : tensor<2x4xf32>
})",
        -2.0f, 2.0f);
  check(R"(func.func @f(%a: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %r = kite.gelu %a {approximation = #kite.gelu_approximation<tanh>} : tensor<2x4xf32>
  return %r : tensor<2x4xf32>
})",
        -2.0f, 2.0f);
}

// Quantize/dequantize are straight through: inside the range the chain has
// gradient 1, a clamped element has none.
TEST_F(GradientTest, QuantizationIsStraightThrough) {
  Tensor x = Tensor::floats({4});
  x.f = {0.3f, -0.6f, 1.2f, 5.0f}; // 5.0 / 0.25 = 20 saturates at 7
  auto run = outputAndGradient(R"(
func.func @f(%a: tensor<4xf32>) -> tensor<4xf32> {
  %q = kite.quantize %a {format = #kite.int<4, signed>, scale = array<f64: 0.25>, zero_point = array<i64: 0>} : tensor<4xf32> -> tensor<4xi8>
  %d = kite.dequantize %q {scale = array<f64: 0.25>, zero_point = array<i64: 0>} : tensor<4xi8> -> tensor<4xf32>
  return %d : tensor<4xf32>
})",
                               x);
  ASSERT_TRUE(run);
  const auto &[y, g] = *run;
  for (int k = 0; k < 3; ++k)
    EXPECT_FLOAT_EQ(g.f[k], 2 * y.f[k] / 4) << k;
  EXPECT_EQ(g.f[3], 0.0f);
}

// The LUT softmax is straight through too: its gradient is the exact
// softmax's at the real input (codes x input_scale), outputs counting in
// units of 1/255 for 8-bit probabilities.
TEST_F(GradientTest, LutSoftmaxIsStraightThroughTheExactSoftmax) {
  Tensor x = Tensor::floats({1, 4});
  x.f = {0.5f, -0.25f, 1.0f, 0.125f}; // multiples of the scale
  auto run = outputAndGradient(R"(
func.func @f(%a: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %q = kite.quantize %a {format = #kite.int<8, signed>, scale = array<f64: 0.125>, zero_point = array<i64: 0>} : tensor<1x4xf32> -> tensor<1x4xi8>
  %l = kite.lut_softmax %q {axis = 1 : i64, exp_table = dense<[255, 94, 35, 13, 5, 2, 1]> : tensor<7xi32>, input_scale = 1.250000e-01 : f64, method = #kite.softmax_method<rexp>, norm_table = dense<[255, 128, 85, 64]> : tensor<4xi32>, out_bits = 8 : i64, out_shift = 8 : i64, step = 1.000000e+00 : f64, sum_shift = 7 : i64} : tensor<1x4xi8> -> tensor<1x4xi16>
  %p = kite.dequantize %l {scale = array<f64: 0.00392156862745098>, zero_point = array<i64: 0>} : tensor<1x4xi16> -> tensor<1x4xf32>
  return %p : tensor<1x4xf32>
})",
                               x);
  ASSERT_TRUE(run);
  const auto &[y, g] = *run;
  // dL/dp = 2 p / 4; exact softmax s of x; dL/dx = s (dL/dp - <dL/dp, s>).
  double sum = 0, dot = 0, s[4];
  for (int k = 0; k < 4; ++k)
    sum += s[k] = std::exp(double(x.f[k]));
  for (int k = 0; k < 4; ++k)
    dot += (s[k] /= sum) * 2 * y.f[k] / 4;
  for (int k = 0; k < 4; ++k)
    EXPECT_NEAR(g.f[k], s[k] * (2 * y.f[k] / 4 - dot), 1e-6) << k;
}

// A LUT passes its table's slope: halving codes (floor(c / 2)) passes half
// the gradient, in codes on both sides.
TEST_F(GradientTest, LutPassesItsTableSlope) {
  std::string table;
  for (int c = -128; c < 128; ++c)
    table +=
        (table.empty() ? "" : ", ") + std::to_string(int(std::floor(c / 2.0)));
  std::string source = R"(
func.func @f(%a: tensor<4xf32>) -> tensor<4xf32> {
  %q = kite.quantize %a {format = #kite.int<8, signed>, scale = array<f64: 0.125>, zero_point = array<i64: 0>} : tensor<4xf32> -> tensor<4xi8>
  %l = kite.lut %q {function = "halve", table = dense<[)" +
                       table + R"(]> : tensor<256xi8>} : tensor<4xi8>
  %d = kite.dequantize %l {scale = array<f64: 0.25>, zero_point = array<i64: 0>} : tensor<4xi8> -> tensor<4xf32>
  return %d : tensor<4xf32>
})";
  Tensor x = Tensor::floats({4});
  x.f = {0.5f, -0.25f, 1.0f, 3.0f};
  auto run = outputAndGradient(source, x);
  ASSERT_TRUE(run);
  const auto &[y, g] = *run;
  // dL/dy = 2 y / 4; then x 0.25 (dequantize), x 1/2 (the table's slope),
  // / 0.125 (quantize): x 1.
  for (int k = 0; k < 4; ++k)
    EXPECT_FLOAT_EQ(g.f[k], 2 * y.f[k] / 4) << k;
}

TEST_F(GradientTest, CrossEntropyLoss) {
  OwningOpRef<ModuleOp> module = logitsIdentity();
  auto func = module->lookupSymbol<func::FuncOp>("f");
  Tensor logits = Tensor::floats({2, 3});
  logits.f = {1, 2, 3, 0, 0, 0};
  Loss loss{Loss::Kind::CrossEntropy, Tensor::ints({2})};
  loss.target.i = {2, 0};
  Interpreter interp;
  FailureOr<GradientRun> run = interp.runWithGradients(func, {logits}, loss);
  ASSERT_TRUE(succeeded(run));
  double lse = std::log(std::exp(1.0) + std::exp(2.0) + std::exp(3.0));
  EXPECT_NEAR(run->loss, ((lse - 3) + std::log(3.0)) / 2, 1e-6);
  const Tensor &g = run->grads[func.getBody().front().getArgument(0)];
  EXPECT_NEAR(g.f[2], (std::exp(3 - lse) - 1) / 2, 1e-6);
  EXPECT_NEAR(g.f[3], (1.0 / 3 - 1) / 2, 1e-6);
}

TEST_F(GradientTest, KLDivergenceLoss) {
  OwningOpRef<ModuleOp> module = logitsIdentity();
  auto func = module->lookupSymbol<func::FuncOp>("f");
  Tensor logits = Tensor::floats({2, 3});
  logits.f = {1, 2, 3, 0, 0, 0};
  // Row 0 against itself shifted (the same softmax): no loss, no gradient;
  // row 1 (uniform) against a peaked reference.
  Loss loss{Loss::Kind::KL, Tensor::floats({2, 3})};
  loss.target.f = {11, 12, 13, 0, 0, 2};
  Interpreter interp;
  FailureOr<GradientRun> run = interp.runWithGradients(func, {logits}, loss);
  ASSERT_TRUE(succeeded(run));
  double z = 2 + std::exp(2.0);
  double p[3] = {1 / z, 1 / z, std::exp(2.0) / z};
  double kl = 0;
  for (double pc : p)
    kl += pc * std::log(pc * 3);
  EXPECT_NEAR(run->loss, kl / 2, 1e-6);
  const Tensor &g = run->grads[func.getBody().front().getArgument(0)];
  for (int c = 0; c < 3; ++c) {
    EXPECT_NEAR(g.f[c], 0, 1e-6) << c;
    EXPECT_NEAR(g.f[3 + c], (1.0 / 3 - p[c]) / 2, 1e-6) << c;
  }
  // Reference logits of another shape are an error.
  loss.target = Tensor::floats({1, 3});
  EXPECT_TRUE(failed(interp.runWithGradients(func, {logits}, loss)));
}

TEST_F(GradientTest, CosineDistanceLoss) {
  OwningOpRef<ModuleOp> module = logitsIdentity();
  auto func = module->lookupSymbol<func::FuncOp>("f");
  Tensor y = Tensor::floats({2, 3});
  y.f = {1, 2, 2, 0.5f, -1, 0.25f};
  // Row 0 along its reference (scaled): no loss, no gradient; row 1 by
  // central differences.
  Loss loss{Loss::Kind::Cosine, Tensor::floats({2, 3})};
  loss.target.f = {2, 4, 4, 1, 0.5f, -2};
  Interpreter interp;
  FailureOr<GradientRun> run = interp.runWithGradients(func, {y}, loss);
  ASSERT_TRUE(succeeded(run));
  auto rowLoss = [&](const Tensor &t) {
    return cosineDistanceRow(t, 1, 3, &loss.target.f[3]);
  };
  EXPECT_NEAR(run->loss, rowLoss(y) / 2, 1e-6);
  EXPECT_NEAR(cosineDistanceRow(y, 0, 3, &loss.target.f[0]), 0, 1e-6);
  const Tensor &g = run->grads[func.getBody().front().getArgument(0)];
  for (int c = 0; c < 3; ++c) {
    EXPECT_NEAR(g.f[c], 0, 1e-6) << c;
    Tensor plus = y, minus = y;
    plus.f[3 + c] += 1e-3f;
    minus.f[3 + c] -= 1e-3f;
    EXPECT_NEAR(g.f[3 + c], (rowLoss(plus) - rowLoss(minus)) / 2e-3 / 2, 1e-4)
        << c;
  }
  // A row of zeros: cosine 1 with zeros, 0 with anything else; no
  // gradient.
  Tensor zeros = Tensor::floats({1, 3});
  EXPECT_EQ(cosineDistanceRow(zeros, 0, 3, &loss.target.f[0]), 1.0);
  float none[3] = {0, 0, 0};
  EXPECT_EQ(cosineDistanceRow(zeros, 0, 3, none), 0.0);
  // Reference values of another size are an error.
  loss.target = Tensor::floats({1, 3});
  EXPECT_TRUE(failed(interp.runWithGradients(func, {y}, loss)));
}

TEST_F(GradientTest, SeedIsTheResultsGradient) {
  // FAMES's curvature probe: a second backward pass over a kept forward
  // run, from given values.
  OwningOpRef<ModuleOp> module = logitsIdentity();
  auto func = module->lookupSymbol<func::FuncOp>("f");
  Tensor y = Tensor::floats({2, 3});
  Interpreter interp;
  FailureOr<GradientRun> run = interp.runWithGradients(
      func, {y}, Loss{Loss::Kind::MSE, Tensor::floats({2, 3})});
  ASSERT_TRUE(succeeded(run));
  Tensor seed = Tensor::floats({2, 3});
  seed.f = {1, -1, 0.5f, -0.5f, 2, 0};
  llvm::DenseMap<Value, Tensor> grads;
  ASSERT_TRUE(succeeded(interp.gradientsFrom(func, run->values, seed, grads)));
  EXPECT_EQ(grads[func.getBody().front().getArgument(0)].f, seed.f);
  grads.clear();
  EXPECT_TRUE(failed(
      interp.gradientsFrom(func, run->values, Tensor::floats({1, 3}), grads)));
}

TEST_F(GradientTest, MissingRuleIsAnError) {
  OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(R"(
func.func @f(%a: tensor<2x2xi8>) -> tensor<2x2xi32> {
  %r = kite.matmul %a, %a {multiplier = #kite.mul<"drum4">} : (tensor<2x2xi8>, tensor<2x2xi8>) -> tensor<2x2xi32>
  return %r : tensor<2x2xi32>
})",
                                                             &ctx);
  auto func = module->lookupSymbol<func::FuncOp>("f");
  std::string message;
  ScopedDiagnosticHandler handler(&ctx, [&](Diagnostic &d) {
    message = d.str();
    return success();
  });
  Interpreter interp;
  Loss loss{Loss::Kind::MSE, Tensor::floats({2, 2})};
  EXPECT_TRUE(
      failed(interp.runWithGradients(func, {Tensor::ints({2, 2}, 1)}, loss)));
  EXPECT_EQ(message, "'kite.matmul' op backward rule covers float and "
                     "exact-integer products without sparsity only");
}

// The digits ViT end to end: the cross-entropy gradient with respect to the
// input image matches finite differences, imported (TOSA) and raised (kite).
TEST_F(GradientTest, DigitsViTInputGradient) {
  ctx.loadDialect<tosa::TosaDialect>();
  kite::OnnxImportOptions options;
  OwningOpRef<ModuleOp> tosaModule = kite::importOnnxFile(
      &ctx, KITE_SOURCE_DIR "/examples/models/digits/vit.onnx", options);
  ASSERT_TRUE(tosaModule);
  OwningOpRef<ModuleOp> kiteModule = tosaModule->clone();
  PassManager pm(&ctx);
  pm.addNestedPass<func::FuncOp>(kite::createConvertTosaToKite());
  pm.addPass(createCanonicalizerPass());
  ASSERT_TRUE(succeeded(pm.run(*kiteModule)));
  int kiteOps = 0;
  kiteModule->walk([&](Operation *op) {
    kiteOps += op->getDialect()->getNamespace() == "kite";
  });
  EXPECT_EQ(kiteOps, 23);

  std::mt19937 rng(5);
  std::uniform_real_distribution<float> pixel(0, 1);
  Tensor x = Tensor::floats({1, 1, 8, 8});
  for (float &v : x.f)
    v = pixel(rng);
  Loss loss{Loss::Kind::CrossEntropy, Tensor::ints({1}, 3)};
  Interpreter interp;
  std::vector<Tensor> grads;
  for (ModuleOp m : {*tosaModule, *kiteModule}) {
    auto func = m.lookupSymbol<func::FuncOp>("main");
    FailureOr<GradientRun> run = interp.runWithGradients(func, {x}, loss);
    ASSERT_TRUE(succeeded(run));
    Tensor g = run->grads[func.getBody().front().getArgument(0)];
    for (int k : {0, 9, 27, 36, 63}) {
      const float eps = 1e-3f;
      Tensor plus = x, minus = x;
      plus.f[k] += eps;
      minus.f[k] -= eps;
      double numeric = (interp.runWithGradients(func, {plus}, loss)->loss -
                        interp.runWithGradients(func, {minus}, loss)->loss) /
                       (2 * eps);
      EXPECT_NEAR(g.f[k], numeric, 2e-2 * std::max(1.0, std::fabs(numeric)))
          << "pixel " << k;
    }
    grads.push_back(std::move(g));
  }
  for (int64_t k = 0; k < grads[0].size(); ++k)
    EXPECT_NEAR(grads[0].f[k], grads[1].f[k], 1e-4) << k;
}
