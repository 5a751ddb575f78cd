//===- SimulatorTest.cpp - every instruction of the simulator
//--------------===//
//
// Each test runs a small hand-written program and checks the outputs against
// a direct computation with the numerics library (the same semantics the
// interpreter has), and the cost model's basic promises.
//
//===----------------------------------------------------------------------===//

#include "kite/Runtime/HostRun.h"

#include "kite/Numerics/Binary.h"
#include "kite/Numerics/IntQuant.h"
#include "kite/Numerics/LP.h"
#include "kite/Numerics/LutSoftmax.h"
#include "kite/Numerics/Multipliers.h"
#include "kite/Numerics/Reduce.h"
#include "kite/Numerics/Unary.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <set>

using namespace kite::rt;
namespace numerics = kite::numerics;

namespace {
Field I(int64_t v) {
  Field f;
  f.i = v;
  return f;
}
Field F(double v) {
  Field f;
  f.f = v;
  return f;
}
Field IA(std::vector<int64_t> v) {
  Field f;
  f.ints = std::move(v);
  return f;
}
Field FA(std::vector<double> v) {
  Field f;
  f.floats = std::move(v);
  return f;
}
Field S(std::string v) {
  Field f;
  f.s = std::move(v);
  return f;
}

OperandFormat int8() { return OperandFormat(); }

/// Builds a program: data at bump-allocated DRAM addresses, instructions in
/// order; outputs are DRAM regions read back after the run.
struct Builder {
  Program p;
  int64_t next = 0;

  Builder() {
    p.target.name = "test";
    p.target.actBytes = p.target.weightBytes = p.target.accBytes = 4096;
    p.target.rows = p.target.cols = 4;
    p.dramBytes = 1 << 16;
  }
  int64_t alloc(int64_t bytes) {
    int64_t at = next;
    next += (bytes + 63) / 64 * 64;
    return at;
  }
  template <typename T> int64_t data(const std::vector<T> &values) {
    Segment s;
    s.addr = alloc(int64_t(values.size() * sizeof(T)));
    s.bytes.resize(values.size() * sizeof(T));
    std::memcpy(s.bytes.data(), values.data(), s.bytes.size());
    p.constants.push_back(s);
    return s.addr;
  }
  void op(Opcode code, std::vector<Field> fields) {
    p.code.push_back({code, std::move(fields)});
  }
  int64_t output(DType dtype, std::vector<int64_t> shape) {
    IoDesc d{dtype, shape, 0};
    d.addr = alloc(d.bytes());
    p.outputs.push_back(d);
    return d.addr;
  }
  void matmul(int64_t a, int64_t b, int64_t m, int64_t k, int64_t n,
              int64_t out, OperandFormat fa, OperandFormat fw,
              const std::string &mul = "exact", DType dtype = DType::I32) {
    op(Opcode::ConfigMma, {I(fa.pack()), I(fw.pack()), S(mul)});
    op(Opcode::DmaLoad, {I(a), I(1), I(0), I(m), I(k), I(k)});
    op(Opcode::DmaLoad, {I(b), I(2), I(0), I(k), I(n), I(n)});
    op(Opcode::Mma, {I(0), I(0), I(0), I(m), I(k), I(n), I(0)});
    op(Opcode::StoreAcc,
       {I(0), I(m), I(n), I(out), I(n), I(1), I(int64_t(dtype)), I(-1)});
  }
  /// Runs once; returns the outputs (or fails the test).
  std::vector<std::vector<uint8_t>> run(std::string *errorOut = nullptr) {
    Simulator sim(p);
    std::vector<std::vector<uint8_t>> out;
    std::string error;
    bool ok = sim.run({}, out, error);
    if (errorOut) {
      *errorOut = error;
      return out;
    }
    EXPECT_TRUE(ok) << error;
    lastStats = sim.stats();
    return out;
  }
  Stats lastStats;
};

template <typename T> std::vector<T> as(const std::vector<uint8_t> &bytes) {
  std::vector<T> v(bytes.size() / sizeof(T));
  std::memcpy(v.data(), bytes.data(), v.size() * sizeof(T));
  return v;
}

std::vector<int8_t> randomInt8(size_t n, std::mt19937 &rng, int lo = -128,
                               int hi = 127) {
  std::uniform_int_distribution<int> d(lo, hi);
  std::vector<int8_t> v(n);
  for (int8_t &x : v)
    x = int8_t(d(rng));
  return v;
}
} // namespace

/// A lut_softmax over `outer` rows of 4 f32 logits at `src` with tables
/// `t`, storing `dtype` at `dst`; with a `format`, the probabilities are
/// dequantized by `probScale` and requantized by `outScale`.
std::vector<Field> lutSoftmaxFields(const numerics::LutSoftmaxTables &t,
                                    int64_t src, int64_t dst, DType dtype,
                                    int64_t outer, double probScale = 1.0,
                                    int64_t format = kNoFormat,
                                    double outScale = 1.0) {
  std::vector<int64_t> expT(t.expTable.begin(), t.expTable.end()),
      normT(t.normTable.begin(), t.normTable.end());
  return {I(src),
          I(int64_t(DType::F32)),
          I(dst),
          I(int64_t(dtype)),
          I(outer),
          I(4),
          I(1),
          I(t.method == numerics::SoftmaxMethod::Rexp ? 0 : 1),
          F(t.inputScale),
          F(t.step),
          I(t.outBits),
          I(t.sumShift),
          I(t.outShift),
          IA(expT),
          IA(normT),
          I(t.normRows),
          I(t.normCols),
          F(probScale),
          I(0),
          I(format),
          F(outScale),
          I(0)};
}

TEST(Simulator, Int8MatmulIsExact) {
  std::mt19937 rng(1);
  int64_t m = 5, k = 7, n = 3;
  std::vector<int8_t> a = randomInt8(size_t(m * k), rng),
                      w = randomInt8(size_t(k * n), rng);
  Builder b;
  int64_t da = b.data(a), dw = b.data(w);
  b.matmul(da, dw, m, k, n, b.output(DType::I32, {m, n}), int8(), int8());
  std::vector<int32_t> y = as<int32_t>(b.run()[0]);
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) {
      int32_t want = 0;
      for (int64_t t = 0; t < k; ++t)
        want += a[size_t(i * k + t)] * w[size_t(t * n + j)];
      EXPECT_EQ(y[size_t(i * n + j)], want);
    }
  EXPECT_EQ(b.lastStats.macs, m * k * n);
}

TEST(Simulator, AccumulationAcrossKTilesEqualsOneTile) {
  std::mt19937 rng(2);
  int64_t m = 3, k = 8, n = 4;
  std::vector<int8_t> a = randomInt8(size_t(m * k), rng),
                      w = randomInt8(size_t(k * n), rng);
  Builder one;
  int64_t a1 = one.data(a), w1 = one.data(w);
  one.matmul(a1, w1, m, k, n, one.output(DType::I32, {m, n}), int8(), int8());
  Builder two;
  int64_t a2 = two.data(a), w2 = two.data(w);
  int64_t out = two.output(DType::I32, {m, n});
  two.op(Opcode::ConfigMma, {I(int8().pack()), I(int8().pack()), S("exact")});
  for (int64_t half = 0; half < 2; ++half) {
    // A columns [4h, 4h+4) and W rows [4h, 4h+4), in the other half of
    // each buffer.
    int64_t slot = half * 2048;
    two.op(Opcode::DmaLoad,
           {I(a2 + half * 4), I(1), I(slot), I(m), I(4), I(k)});
    two.op(Opcode::DmaLoad,
           {I(w2 + half * 4 * n), I(2), I(slot), I(4), I(n), I(n)});
    two.op(Opcode::Mma, {I(slot), I(slot), I(0), I(m), I(4), I(n), I(half)});
  }
  two.op(Opcode::StoreAcc,
         {I(0), I(m), I(n), I(out), I(n), I(1), I(int64_t(DType::I32)), I(-1)});
  EXPECT_EQ(one.run()[0], two.run()[0]);
}

TEST(Simulator, StoreSaturatesAndAddsBias) {
  Builder b;
  std::vector<int8_t> a = {127, 127}, w = {127, 127};
  std::vector<int32_t> bias = {-20000};
  int64_t da = b.data(a), dw = b.data(w), db = b.data(bias);
  int64_t out8 = b.output(DType::I8, {1}), out32 = b.output(DType::I32, {1});
  b.op(Opcode::ConfigMma, {I(int8().pack()), I(int8().pack()), S("exact")});
  b.op(Opcode::DmaLoad, {I(da), I(1), I(0), I(1), I(2), I(2)});
  b.op(Opcode::DmaLoad, {I(dw), I(2), I(0), I(2), I(1), I(1)});
  b.op(Opcode::DmaLoad, {I(db), I(2), I(64), I(1), I(4), I(4)});
  b.op(Opcode::Mma, {I(0), I(0), I(0), I(1), I(2), I(1), I(0)});
  b.op(Opcode::StoreAcc,
       {I(0), I(1), I(1), I(out8), I(1), I(1), I(int64_t(DType::I8)), I(-1)});
  b.op(Opcode::StoreAcc,
       {I(0), I(1), I(1), I(out32), I(1), I(1), I(int64_t(DType::I32)), I(64)});
  auto out = b.run();
  EXPECT_EQ(as<int8_t>(out[0])[0], 127);            // 32258 saturates
  EXPECT_EQ(as<int32_t>(out[1])[0], 32258 - 20000); // bias per column
}

TEST(Simulator, FusedDrainEqualsTheVectorOpsItReplaces) {
  // acc -> (+ int bias) -> dequantize per column -> + f32 bias -> clamp ->
  // quantize (int8, then LP), as one store_acc_fused and as store_acc and
  // four vector instructions: the same bytes.
  std::mt19937 rng(11);
  int64_t m = 6, k = 32, n = 5;
  std::vector<int8_t> a = randomInt8(size_t(m * k), rng),
                      w = randomInt8(size_t(k * n), rng);
  std::vector<int32_t> accBias = {100, -2000, 0, 77, 5};
  std::vector<float> bias = {0.5f, -1.0f, 0.25f, 2.0f, -0.125f};
  std::vector<double> scales = {1e-4, 2e-4, 5e-5, 1.5e-4, 1e-4};
  std::vector<int64_t> zeros(5, 0);
  OperandFormat lp;
  lp.isLP = true;
  lp.bits = 8;
  lp.es = 1;
  lp.rs = 7;
  lp.sf = -2; // negative: the packed word is negative too
  std::vector<float> residual(size_t(m * n));
  for (size_t e = 0; e < residual.size(); ++e)
    residual[e] = 0.125f * float(int(e % 7) - 3);
  // A multiply by 1 is none; activation: 0 none, 1 GELU, 2 tanh GELU, 3
  // leaky ReLU (alpha 0.2); the int8 result per tensor or per column.
  std::vector<double> perTensor = {0.02},
                      perColumn = {0.02, 0.03, 0.01, 0.025, 0.04};
  for (auto [out, multiply, activation, addResidual, outScales] :
       {std::tuple{int8(), 1.0f, 0, false, perTensor},
        {lp, 1.0f, 0, true, perTensor},
        {int8(), 0.75f, 1, true, perColumn},
        {int8(), 1.0f, 2, false, perTensor},
        {int8(), 1.0f, 3, true, perColumn}}) {
    Builder b;
    b.p.target.scratchBytes = 4096;
    b.p.target.lutLanes = 4;
    b.p.target.lutEntries = 256;
    // int8 codes also go through a LUT-unit table (a reversal) on the
    // way out, as a vec_lut after the split path.
    std::vector<int64_t> table;
    if (!out.isLP)
      for (int c = 0; c < 256; ++c)
        table.push_back(127 - c);
    std::vector<float> factor = {multiply}, alpha = {0.2f};
    int64_t da = b.data(a), dw = b.data(w), dab = b.data(accBias),
            dfb = b.data(bias), dfactor = b.data(factor),
            dres = b.data(residual), dalpha = b.data(alpha);
    int64_t fused = b.output(DType::I8, {m, n}),
            split = b.output(DType::I8, {m, n});
    int64_t acc32 = b.alloc(m * n * 4), f32 = b.alloc(m * n * 4),
            scaled = b.alloc(m * n * 4);
    b.op(Opcode::ConfigMma, {I(int8().pack()), I(int8().pack()), S("exact")});
    b.op(Opcode::DmaLoad, {I(da), I(1), I(0), I(m), I(k), I(k)});
    b.op(Opcode::DmaLoad, {I(dw), I(2), I(0), I(k), I(n), I(n)});
    b.op(Opcode::DmaLoad, {I(dab), I(2), I(1024), I(1), I(n * 4), I(n * 4)});
    b.op(Opcode::DmaLoad, {I(dfb), I(2), I(2048), I(1), I(n * 4), I(n * 4)});
    b.op(Opcode::Mma, {I(0), I(0), I(0), I(m), I(k), I(n), I(0)});
    b.op(Opcode::StoreAccFused, {I(0),
                                 I(m),
                                 I(n),
                                 I(fused),
                                 I(n),
                                 I(1),
                                 I(int64_t(DType::I8)),
                                 I(1024),
                                 FA(scales),
                                 IA(zeros),
                                 I(2048),
                                 F(-1.0),
                                 F(3.0),
                                 I(out.pack()),
                                 FA(outScales),
                                 I(0),
                                 F(multiply),
                                 I(activation),
                                 I(addResidual ? dres : -1),
                                 IA(table),
                                 F(activation == 3 ? alpha[0] : 0.0)});
    b.op(Opcode::StoreAcc, {I(0), I(m), I(n), I(acc32), I(n), I(1),
                            I(int64_t(DType::I32)), I(1024)});
    OperandFormat i32;
    i32.bits = i32.storageBits = 32;
    b.op(Opcode::VecDequantize,
         {I(acc32), I(int64_t(DType::I32)), I(f32), I(m * n), I(1),
          I(i32.pack()), FA(scales), IA(zeros)});
    if (multiply != 1.0f)
      b.op(Opcode::VecBinary, {I(2), I(f32), I(dfactor), I(f32), IA({m, n}),
                               IA({n, 1}), IA({0, 0})});
    b.op(Opcode::VecBinary,
         {I(0), I(f32), I(dfb), I(f32), IA({m, n}), IA({n, 1}), IA({0, 1})});
    if (addResidual)
      b.op(Opcode::VecBinary,
           {I(0), I(f32), I(dres), I(f32), IA({m, n}), IA({n, 1}), IA({n, 1})});
    b.op(Opcode::VecClamp, {I(f32), I(f32), I(m * n), F(-1.0), F(3.0)});
    if (activation == 3) { // max(x, x * alpha)
      b.op(Opcode::VecBinary, {I(2), I(f32), I(dalpha), I(scaled), IA({m, n}),
                               IA({n, 1}), IA({0, 0})});
      b.op(Opcode::VecBinary, {I(3), I(f32), I(scaled), I(f32), IA({m, n}),
                               IA({n, 1}), IA({n, 1})});
    } else if (activation) {
      b.op(Opcode::VecGelu, {I(f32), I(f32), I(m * n), I(activation - 1)});
    }
    b.op(Opcode::VecQuantize, {I(f32), I(split), I(int64_t(DType::I8)),
                               I(m * n), I(1), I(out.pack()), FA(outScales),
                               IA(std::vector<int64_t>(outScales.size(), 0))});
    if (!table.empty())
      b.op(Opcode::VecLut, {I(split), I(split), I(m * n), IA(table)});
    auto outs = b.run();
    EXPECT_EQ(outs[0], outs[1])
        << out.str() << " multiply " << multiply << " activation " << activation
        << " residual " << addResidual;
    std::set<uint8_t> distinct(outs[0].begin(), outs[0].end());
    EXPECT_GT(distinct.size(), 5u) << out.str(); // not all clamped away
  }
}

TEST(Simulator, ApproximateProductsComeFromTheMultiplier) {
  std::mt19937 rng(3);
  int64_t m = 4, k = 6, n = 5;
  std::vector<int8_t> a = randomInt8(size_t(m * k), rng),
                      w = randomInt8(size_t(k * n), rng);
  Builder b;
  int64_t da = b.data(a), dw = b.data(w);
  b.matmul(da, dw, m, k, n, b.output(DType::I32, {m, n}), int8(), int8(),
           "trunc4");
  std::vector<int32_t> y = as<int32_t>(b.run()[0]);
  std::string error;
  auto mul =
      numerics::Multiplier::create("trunc4", {8, true}, {8, true}, &error);
  ASSERT_TRUE(mul) << error;
  bool differsFromExact = false;
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) {
      int64_t want = 0, exact = 0;
      for (int64_t t = 0; t < k; ++t) {
        want += mul->multiply(a[size_t(i * k + t)], w[size_t(t * n + j)]);
        exact += a[size_t(i * k + t)] * w[size_t(t * n + j)];
      }
      EXPECT_EQ(y[size_t(i * n + j)], want);
      differsFromExact |= want != exact;
    }
  EXPECT_TRUE(differsFromExact);
  // Cheaper than exact: its energy is the multiplier's relative energy.
  Builder exact;
  int64_t ea = exact.data(a), ew = exact.data(w);
  exact.matmul(ea, ew, m, k, n, exact.output(DType::I32, {m, n}), int8(),
               int8());
  exact.run();
  EXPECT_LT(b.lastStats.energyPj.at("mac int8xint8 trunc4"),
            exact.lastStats.energyPj.at("mac int8xint8 exact"));
}

TEST(Simulator, LPProductsAccumulateInFixedPoint) {
  numerics::LPFormat fa{8, 1, 7, 0}, fw{6, 1, 5, -1};
  numerics::LPCodec ca(fa), cw(fw);
  std::vector<uint8_t> a = {uint8_t(ca.encode(1.5)), uint8_t(ca.encode(-0.25)),
                            uint8_t(ca.encode(3.0))};
  std::vector<uint8_t> w = {uint8_t(cw.encode(0.75)), uint8_t(cw.encode(2.0)),
                            uint8_t(cw.encode(-1.0))};
  OperandFormat la, lw;
  la.isLP = lw.isLP = true;
  la.bits = 8, la.es = 1, la.rs = 7, la.sf = 0;
  lw.bits = 6, lw.es = 1, lw.rs = 5, lw.sf = -1;
  Builder b;
  int64_t da = b.data(a), dw = b.data(w);
  b.matmul(da, dw, 1, 3, 1, b.output(DType::F32, {1}), la, lw, "exact",
           DType::F32);
  float y = as<float>(b.run()[0])[0];
  int64_t acc = 0;
  for (int t = 0; t < 3; ++t)
    acc += numerics::lpToFixed(
        numerics::multiplyLP(ca.value(a[size_t(t)]), cw.value(w[size_t(t)])),
        int(b.p.target.lpAccFracBits));
  EXPECT_EQ(y, float(std::ldexp(double(acc), -int(b.p.target.lpAccFracBits))));
  EXPECT_NEAR(y, 1.5 * 0.75 - 0.25 * 2.0 - 3.0, 0.05);
}

TEST(Simulator, OperandsOutsideTheirFormatAreErrors) {
  Builder b;
  OperandFormat int4 = int8();
  int4.bits = 4;
  std::vector<int8_t> a = {9}, w = {1};
  int64_t da = b.data(a), dw = b.data(w);
  b.matmul(da, dw, 1, 1, 1, b.output(DType::I32, {1}), int4, int8());
  std::string error;
  b.run(&error);
  EXPECT_EQ(error, "instruction 3 (mma): operand value 9 is outside int4/i8");
}

TEST(Simulator, Im2colZeroesThePadding) {
  Builder b;
  std::vector<int8_t> x = {1, 2, 3, 4}; // 1 x 2 x 2
  int64_t dx = b.data(x);
  int64_t out = b.output(DType::I8, {4, 4});
  b.op(Opcode::Im2col, {I(dx), I(out), IA({1, 2, 2}), I(0), I(1), IA({2, 2}),
                        IA({1, 1}), IA({1, 1}), IA({1, 1}), IA({2, 2})});
  // Output position (0,0) sees the window at (-1,-1): only x[0][0] inside.
  std::vector<int8_t> y = as<int8_t>(b.run()[0]);
  EXPECT_EQ(
      y, (std::vector<int8_t>{0, 0, 0, 1, 0, 0, 1, 2, 0, 1, 0, 3, 1, 2, 3, 4}));
}

TEST(Simulator, VectorOpsMatchTheirDefinitions) {
  Builder b;
  std::vector<float> x = {1.0f, -2.0f, NAN, 4.0f, 0.5f, -0.25f};
  std::vector<float> row = {10.0f, 20.0f, 30.0f};
  int64_t dx = b.data(x), dr = b.data(row);
  int64_t sum = b.output(DType::F32, {2, 3}), clamp = b.output(DType::F32, {6}),
          copy = b.output(DType::F32, {3, 2}), red = b.output(DType::F32, {1}),
          maxp = b.output(DType::F32, {1, 1, 1, 1}),
          avgp = b.output(DType::F32, {1, 1, 1, 1});
  b.op(Opcode::VecBinary,
       {I(0), I(dx), I(dr), I(sum), IA({2, 3}), IA({3, 1}), IA({0, 1})});
  b.op(Opcode::VecClamp, {I(dx), I(clamp), I(6), F(0.0), F(1.0)});
  b.op(Opcode::VecCopy,
       {I(dx), I(copy), I(4), IA({3, 2}), IA({1, 3}), IA({2, 1})});
  b.op(Opcode::VecReduce, {I(0), I(dr), I(red), I(1), I(3), I(1)});
  // A 1x3 window over the NaN-free pixels x[3..5] (NHWC 1x1x3x1).
  int64_t f32 = int64_t(DType::F32);
  b.op(Opcode::VecPool, {I(0), I(dx + 12), I(maxp), I(f32), IA({1, 1, 3, 1}),
                         IA({1, 3}), IA({1, 1}), IA({0, 0}), IA({1, 1})});
  b.op(Opcode::VecPool, {I(1), I(dx + 12), I(avgp), I(f32), IA({1, 1, 3, 1}),
                         IA({1, 3}), IA({1, 1}), IA({0, 1}), IA({1, 1})});
  auto out = b.run();
  std::vector<float> s = as<float>(out[0]), c = as<float>(out[1]),
                     t = as<float>(out[2]);
  EXPECT_EQ(s[0], 11.0f);
  EXPECT_EQ(s[4], 20.5f);
  EXPECT_TRUE(std::isnan(s[2]));
  EXPECT_EQ(c[0], 1.0f);
  EXPECT_EQ(c[1], 0.0f);
  EXPECT_TRUE(std::isnan(c[2])); // NaN passes through a clamp
  EXPECT_EQ(t[1], 4.0f);         // transpose: t[0][1] = x[1][0]
  EXPECT_EQ(t[2], -2.0f);
  EXPECT_EQ(t[5], -0.25f);
  EXPECT_EQ(as<float>(out[3])[0], 60.0f);
  EXPECT_EQ(as<float>(out[4])[0], 4.0f);
  // Left padding 1: the window covers x[3], x[4] only (padding not counted).
  EXPECT_EQ(as<float>(out[5])[0], (4.0f + 0.5f) / 2.0f);
}

TEST(Simulator, MaxPoolsSignedInt8Codes) {
  Builder b;
  // NHWC 1x2x3x1, 2x2 windows at stride 1 with left padding 1: the padding
  // never wins, and -128 loses to every code.
  std::vector<int8_t> x = {-128, -5, 7, -1, -128, 6};
  int64_t dx = b.data(x);
  int64_t out = b.output(DType::I8, {1, 1, 4, 1});
  b.op(Opcode::VecPool,
       {I(0), I(dx), I(out), I(int64_t(DType::I8)), IA({1, 2, 3, 1}),
        IA({2, 2}), IA({1, 1}), IA({0, 1}), IA({1, 4})});
  EXPECT_EQ(as<int8_t>(b.run()[0]), (std::vector<int8_t>{-1, -1, 7, 7}));
}

/// Sizes in a binary are untrusted: each instruction whose sizes (or their
/// products) leave [0, 2^40], or describe an empty product, is one error
/// line, never an overflowed offset, an empty accumulator range or a loop
/// of 2^80 steps (the reliability campaign's kbin reproducers, by class).
TEST(Simulator, SizesFromTheBinaryAreChecked) {
  const int64_t big = int64_t(1) << 32, f32 = int64_t(DType::F32);
  auto errorOf = [](std::vector<std::pair<Opcode, std::vector<Field>>> ops) {
    Builder b;
    b.op(Opcode::ConfigMma, {I(int8().pack()), I(int8().pack()), S("exact")});
    for (auto &[code, fields] : ops)
      b.op(code, fields);
    std::string error;
    b.run(&error);
    return error;
  };
  EXPECT_EQ(
      errorOf({{Opcode::Mma, {I(0), I(0), I(0), I(0), I(4), I(4), I(1)}}}),
      "instruction 1 (mma): empty product (m, k and n must be >= 1)");
  EXPECT_EQ(
      errorOf({{Opcode::MmaNM,
                {I(0), I(0), I(0), I(0), I(4), I(0), I(4), I(2), I(4), I(1)}}}),
      "instruction 1 (mma_nm): empty product (m, k and n must be >= 1)");
  EXPECT_EQ(
      errorOf({{Opcode::Mma, {I(0), I(0), I(0), I(big), I(big), I(1), I(0)}}}),
      "instruction 1 (mma): size 4294967296 x 4294967296 out of range");
  EXPECT_EQ(
      errorOf({{Opcode::VecReduce, {I(0), I(0), I(0), I(big), I(big), I(1)}}}),
      "instruction 1 (vec_reduce): size 4294967296 x 4294967296 x 1 out "
      "of range");
  EXPECT_EQ(errorOf({{Opcode::VecBinary,
                      {I(0), I(0), I(0), I(0), IA({big, big}), IA({0, 0}),
                       IA({0, 0})}}}),
            "instruction 1 (vec_binary): shape has more than 1099511627776 "
            "elements");
  EXPECT_EQ(
      errorOf({{Opcode::VecCopy,
                {I(0), I(0), I(4), IA({2, big}), IA({big, big}), IA({0, 0})}}}),
      "instruction 1 (vec_copy): strided access too large");
  // A window of 2^40 x 2^40 taps: rejected, not a hang.
  EXPECT_EQ(errorOf({{Opcode::VecPool,
                      {I(0), I(0), I(0), I(f32), IA({1, 1, 1, 1}),
                       IA({int64_t(1) << 40, int64_t(1) << 40}), IA({1, 1}),
                       IA({0, 0}), IA({1, 1})}}}),
            "instruction 1 (vec_pool): size 1099511627776 x 1099511627776 out "
            "of range");
  EXPECT_EQ(errorOf({{Opcode::Im2col,
                      {I(0), I(0), IA({1, big, big}), I(0), I(1), IA({1, 1}),
                       IA({1, 1}), IA({0, 0}), IA({1, 1}), IA({1, 1})}}}),
            "instruction 1 (im2col): size 1 x 4294967296 x 4294967296 out of "
            "range");
  numerics::LutSoftmaxTables t =
      numerics::generateLutSoftmax(numerics::SoftmaxUnitGeometry{}, 4, 1.0, 0);
  std::vector<Field> softmax = lutSoftmaxFields(t, 0, 64, DType::I16, big);
  softmax[5] = I(big);
  EXPECT_EQ(errorOf({{Opcode::LutSoftmax, softmax}}),
            "instruction 1 (lut_softmax): size 4294967296 x 4294967296 x 1 out "
            "of range");
}

/// vec_softmax over the middle axis of [2, 3, 2] equals the definition row
/// by row (numerics::softmaxRowF32, kite.softmax's kernel), in place too.
TEST(Simulator, VecSoftmaxIsTheExactSoftmax) {
  Builder b;
  std::vector<float> x = {1, -2, 0.5f, 3, -1, 7, 2, 2, -INFINITY, 0, 4, -3};
  int64_t dx = b.data(x);
  int64_t out = b.output(DType::F32, {2, 3, 2});
  b.op(Opcode::VecSoftmax, {I(dx), I(out), I(2), I(3), I(2)});
  // In place too: the input's own bytes are the second output.
  b.op(Opcode::VecSoftmax, {I(dx), I(dx), I(2), I(3), I(2)});
  b.p.outputs.push_back({DType::F32, {2, 3, 2}, dx});
  auto outs = b.run();
  for (const auto &bytes : outs) {
    std::vector<float> got = as<float>(bytes);
    for (int o = 0; o < 2; ++o)
      for (int in = 0; in < 2; ++in) {
        float row[3];
        for (int k = 0; k < 3; ++k)
          row[k] = x[size_t((o * 3 + k) * 2 + in)];
        numerics::softmaxRowF32(row, 3);
        for (int k = 0; k < 3; ++k)
          EXPECT_EQ(got[size_t((o * 3 + k) * 2 + in)], row[k]);
      }
  }
  std::string error;
  Builder bad;
  bad.op(Opcode::VecSoftmax, {I(0), I(0), I(1), I(0), I(1)});
  bad.run(&error);
  EXPECT_EQ(error,
            "instruction 0 (vec_softmax): softmax rows must not be empty");
}

/// A NaN has no probability in the LUT softmax: the simulator says where,
/// as the interpreter's kernel does; -inf (a mask) is fine.
TEST(Simulator, LutSoftmaxRejectsNaN) {
  numerics::LutSoftmaxTables t =
      numerics::generateLutSoftmax(numerics::SoftmaxUnitGeometry{}, 4, 1.0, 0);
  for (float bad : {NAN, -INFINITY}) {
    Builder b;
    std::vector<float> x = {1.0f, 2.0f, 3.0f, 4.0f, 1.0f, bad, 0.0f, 2.0f};
    int64_t dx = b.data(x);
    int64_t sm = b.output(DType::I16, {2, 4});
    b.op(Opcode::LutSoftmax, lutSoftmaxFields(t, dx, sm, DType::I16, 2));
    std::string error;
    b.run(&error);
    EXPECT_EQ(error, std::isnan(bad) ? "instruction 0 (lut_softmax): a "
                                       "softmax row holds NaN (row 1)"
                                     : "");
  }
}

TEST(Simulator, LPCodesAreStoredSignExtended) {
  // LP<6,1,5,0>: 1.0 is code 16, -1.0 its two's complement 48, stored as
  // -16 so that i8 max pooling orders codes like values.
  Builder b;
  std::vector<float> x = {1.0f, -1.0f};
  int64_t dx = b.data(x);
  int64_t out = b.output(DType::I8, {2});
  OperandFormat lp;
  lp.isLP = true;
  lp.bits = lp.storageBits = 6;
  lp.es = 1;
  lp.rs = 5;
  b.op(Opcode::VecQuantize, {I(dx), I(out), I(int64_t(DType::I8)), I(2), I(1),
                             I(lp.pack()), FA({}), IA({})});
  EXPECT_EQ(as<int8_t>(b.run()[0]), (std::vector<int8_t>{16, -16}));
}

/// The error of one store_acc_fused of a 1 x 3 int8 tile (per-tensor
/// scale) with these out_scales, activation and alpha.
static std::string drainError(std::vector<double> outScales, int64_t activation,
                              double alpha) {
  Builder b;
  int64_t out = b.output(DType::I8, {1, 3});
  b.op(Opcode::StoreAccFused, {I(0),
                               I(1),
                               I(3),
                               I(out),
                               I(3),
                               I(1),
                               I(int64_t(DType::I8)),
                               I(-1),
                               FA({0.5}),
                               IA({0}),
                               I(-1),
                               F(-1.0),
                               F(1.0),
                               I(int8().pack()),
                               FA(outScales),
                               I(0),
                               F(1.0),
                               I(activation),
                               I(-1),
                               IA({}),
                               F(alpha)});
  std::string error;
  b.run(&error);
  return error;
}

TEST(Simulator, DrainOutScalesAreOneOrOnePerColumn) {
  EXPECT_EQ(drainError({1.0, 0.5}, 0, 0.0),
            "instruction 0 (store_acc_fused): out_scales must hold "
            "one scale or one per column");
}

TEST(Simulator, DrainLeakyReluNeedsAnAlphaBelowOne) {
  for (double alpha : {0.0, 1.0, 1.5})
    EXPECT_EQ(drainError({1.0}, 3, alpha),
              "instruction 0 (store_acc_fused): a leaky activation needs "
              "0 < alpha < 1")
        << alpha;
  EXPECT_EQ(drainError({1.0}, 3, 0.2), "");
}

TEST(Simulator, LutTablesNeedTheUnit) {
  std::vector<int8_t> x = {-128, 0, 5, 127};
  std::vector<int64_t> table(256);
  for (int c = 0; c < 256; ++c)
    table[size_t(c)] = c / 2 - 64;
  for (int64_t lanes : {0, 4}) {
    Builder b;
    b.p.target.lutLanes = lanes;
    b.p.target.lutEntries = lanes ? 256 : 0;
    int64_t dx = b.data(x), out = b.output(DType::I8, {4});
    b.op(Opcode::VecLut, {I(dx), I(out), I(4), IA(table)});
    std::string error;
    auto outs = b.run(&error);
    if (!lanes) {
      EXPECT_EQ(error, "instruction 0 (vec_lut): target 'test' has no LUT "
                       "unit with 256-entry tables");
      continue;
    }
    ASSERT_EQ(error, "");
    std::vector<int8_t> y = as<int8_t>(outs[0]);
    EXPECT_EQ(y, (std::vector<int8_t>{-64, 0, 2, 63}));
  }
  Builder b;
  b.p.target.lutLanes = 4;
  b.p.target.lutEntries = 256;
  int64_t dx = b.data(x), out = b.output(DType::I8, {4});
  b.op(Opcode::VecLut, {I(dx), I(out), I(4), IA({1, 2})});
  std::string error;
  b.run(&error);
  EXPECT_EQ(
      error,
      "instruction 0 (vec_lut): a LUT table must have 256 entries, got 2");
}

TEST(Simulator, AveragePoolingTakesF32Only) {
  Builder b;
  std::vector<int8_t> x = {1, 2};
  int64_t dx = b.data(x);
  int64_t out = b.output(DType::I8, {1, 1, 1, 1});
  b.op(Opcode::VecPool,
       {I(1), I(dx), I(out), I(int64_t(DType::I8)), IA({1, 1, 2, 1}),
        IA({1, 2}), IA({1, 1}), IA({0, 0}), IA({1, 1})});
  std::string error;
  b.run(&error);
  EXPECT_EQ(error, "instruction 0 (vec_pool): pooling takes f32, or i8 for "
                   "max pooling");
}

TEST(Simulator, QuantizeDequantizePerChannel) {
  Builder b;
  std::vector<float> x = {0.5f, -1.0f, 3.0f, 100.0f};
  int64_t dx = b.data(x);
  int64_t q = b.output(DType::I8, {4}), d = b.output(DType::F32, {4});
  OperandFormat f = int8();
  // Two channels of two elements (inner 2): scales 0.5 and 0.1.
  b.op(Opcode::VecQuantize, {I(dx), I(q), I(int64_t(DType::I8)), I(4), I(2),
                             I(f.pack()), FA({0.5, 0.1}), IA({0, 1})});
  b.op(Opcode::VecDequantize, {I(q), I(int64_t(DType::I8)), I(d), I(4), I(2),
                               I(f.pack()), FA({0.5, 0.1}), IA({0, 1})});
  auto out = b.run();
  std::vector<int8_t> qs = as<int8_t>(out[0]);
  numerics::IntFormat nf{8, true};
  EXPECT_EQ(qs[0], numerics::quantize(0.5, 0.5, 0, nf));
  EXPECT_EQ(qs[1], numerics::quantize(-1.0, 0.5, 0, nf));
  EXPECT_EQ(qs[2], numerics::quantize(3.0, 0.1, 1, nf));
  EXPECT_EQ(qs[3], 127); // saturates
  EXPECT_EQ(as<float>(out[1])[2], float(numerics::dequantize(qs[2], 0.1, 1)));
}

TEST(Simulator, LayerNormGeluAndLutSoftmax) {
  Builder b;
  std::vector<float> x = {1.0f, 2.0f, 3.0f, 4.0f};
  int64_t dx = b.data(x);
  int64_t ln = b.output(DType::F32, {4}), ge = b.output(DType::F32, {4}),
          sm = b.output(DType::I16, {4});
  b.op(Opcode::VecLayerNorm, {I(dx), I(ln), I(1), I(4), F(1e-5), I(-1), I(-1),
                              I(kNoFormat), F(1.0), I(0)});
  b.op(Opcode::VecGelu, {I(dx), I(ge), I(4), I(0)});
  numerics::SoftmaxUnitGeometry unit;
  numerics::LutSoftmaxTables t = numerics::generateLutSoftmax(unit, 4, 1.0, 0);
  b.op(Opcode::LutSoftmax, lutSoftmaxFields(t, dx, sm, DType::I16, 1));
  auto out = b.run();
  std::vector<float> l = as<float>(out[0]);
  EXPECT_NEAR(l[0], -1.3416, 1e-3);
  EXPECT_NEAR(l[3], 1.3416, 1e-3);
  EXPECT_EQ(as<float>(out[1])[1],
            0.5f * 2.0f * (1.0f + std::erf(2.0f / std::sqrt(2.0f))));
  double row[4] = {1, 2, 3, 4};
  int32_t probs[4];
  ASSERT_TRUE(numerics::evalLutSoftmaxRow(t, row, 4, probs));
  std::vector<int16_t> p = as<int16_t>(out[2]);
  for (int k = 0; k < 4; ++k)
    EXPECT_EQ(p[size_t(k)], probs[k]);
  EXPECT_GT(b.lastStats.energyPj.at("lut"), 0.0);
}

TEST(Simulator, VecUnaryComputesTheNumericsFunctions) {
  std::vector<float> x = {-3.5f, -0.25f, 0.0f, 0.75f, 2.5f, 40.0f};
  for (int64_t kind = 0; kind < numerics::kNumUnaryFns; ++kind) {
    Builder b;
    int64_t dx = b.data(x);
    int64_t out = b.output(DType::F32, {int64_t(x.size())});
    b.op(Opcode::VecUnary, {I(kind), I(dx), I(out), I(int64_t(x.size()))});
    std::vector<float> y = as<float>(b.run()[0]);
    for (size_t k = 0; k < x.size(); ++k) {
      float want = numerics::applyUnary(numerics::UnaryFn(kind), x[k]);
      // Bit for bit, NaN for NaN (log of a negative number).
      EXPECT_TRUE(std::memcmp(&y[k], &want, 4) == 0 ||
                  (std::isnan(y[k]) && std::isnan(want)))
          << numerics::unaryName(numerics::UnaryFn(kind)) << "(" << x[k]
          << ") = " << y[k] << ", want " << want;
    }
    EXPECT_GT(b.lastStats.energyPj.at("vector"), 0.0);
  }
  Builder bad;
  int64_t dx = bad.data(x);
  bad.op(Opcode::VecUnary, {I(13), I(dx), I(dx), I(1)});
  std::string error;
  bad.run(&error);
  EXPECT_EQ(error, "instruction 0 (vec_unary): unknown function kind 13");
}

TEST(Simulator, VecBinaryComputesTheNumericsFunctions) {
  std::vector<float> x = {-3.5f, -0.25f, 0.0f, 0.75f, 2.5f, 4.0f};
  std::vector<float> y = {2.0f, 0.5f, -1.0f, 3.0f, -0.5f, 0.5f};
  for (int64_t kind = 0; kind < numerics::kNumBinaryFns; ++kind) {
    Builder b;
    int64_t n = int64_t(x.size());
    int64_t dx = b.data(x), dy = b.data(y);
    int64_t out = b.output(DType::F32, {n});
    b.op(Opcode::VecBinary,
         {I(kind), I(dx), I(dy), I(out), IA({n}), IA({1}), IA({1})});
    std::vector<float> r = as<float>(b.run()[0]);
    for (size_t k = 0; k < x.size(); ++k) {
      float want = numerics::applyBinary(numerics::BinaryFn(kind), x[k], y[k]);
      // Bit for bit, NaN for NaN (a negative number to a fractional power).
      EXPECT_TRUE(std::memcmp(&r[k], &want, 4) == 0 ||
                  (std::isnan(r[k]) && std::isnan(want)))
          << numerics::binaryName(numerics::BinaryFn(kind)) << "(" << x[k]
          << ", " << y[k] << ") = " << r[k] << ", want " << want;
    }
  }
  Builder bad;
  int64_t dx = bad.data(x);
  bad.op(Opcode::VecBinary,
         {I(6), I(dx), I(dx), I(dx), IA({1}), IA({1}), IA({1})});
  std::string error;
  bad.run(&error);
  EXPECT_EQ(error, "instruction 0 (vec_binary): unknown binary kind 6");
}

TEST(Simulator, VecCompareFlagsAndVecSelectPicks) {
  std::vector<float> x = {0.25f, 0.5f, NAN, 0.75f};
  std::vector<float> half = {0.5f};
  std::vector<float> a = {1, 2, 3, 4}, c = {-1, -2, -3, -4};
  for (int64_t kind = 0; kind < numerics::kNumCompareFns; ++kind) {
    Builder b;
    int64_t dx = b.data(x), dh = b.data(half), da = b.data(a), dc = b.data(c);
    int64_t flags = b.output(DType::I8, {4}), out = b.output(DType::F32, {4});
    b.op(Opcode::VecCompare,
         {I(kind), I(dx), I(dh), I(flags), IA({4}), IA({1}), IA({0})});
    b.op(Opcode::VecSelect,
         {I(flags), I(da), I(dc), I(out), IA({4}), IA({1}), IA({1}), IA({1})});
    auto outs = b.run();
    std::vector<float> r = as<float>(outs[1]);
    for (size_t k = 0; k < x.size(); ++k) {
      bool want =
          numerics::applyCompare(numerics::CompareFn(kind), x[k], half[0]);
      EXPECT_EQ(outs[0][k], want ? 1 : 0) << "kind " << kind << " at " << k;
      EXPECT_EQ(r[k], want ? a[k] : c[k]) << "kind " << kind << " at " << k;
    }
  }
  // greater or equal: 0.5 >= 0.5, NaN compares false.
  EXPECT_TRUE(
      numerics::applyCompare(numerics::CompareFn::GreaterEqual, 0.5f, 0.5f));
  EXPECT_FALSE(
      numerics::applyCompare(numerics::CompareFn::GreaterEqual, NAN, 0.5f));
  Builder bad;
  int64_t dx = bad.data(x);
  bad.op(Opcode::VecCompare,
         {I(3), I(dx), I(dx), I(dx), IA({1}), IA({1}), IA({1})});
  std::string error;
  bad.run(&error);
  EXPECT_EQ(error, "instruction 0 (vec_compare): unknown comparison kind 3");
}

TEST(Simulator, VecCopyConcatenatesAndVecGatherPicksRows) {
  // Two 2x2 blocks side by side in a 2x4 result (a concatenation along the
  // last axis), then rows (1, 0, 1) of the 2x4 result.
  std::vector<float> a = {1, 2, 3, 4}, c = {5, 6, 7, 8};
  Builder b;
  int64_t da = b.data(a), dc = b.data(c);
  int64_t cat = b.output(DType::F32, {2, 4}),
          rows = b.output(DType::F32, {3, 4});
  b.op(Opcode::VecCopy,
       {I(da), I(cat), I(4), IA({2, 2}), IA({2, 1}), IA({4, 1})});
  b.op(Opcode::VecCopy,
       {I(dc), I(cat + 8), I(4), IA({2, 2}), IA({2, 1}), IA({4, 1})});
  b.op(Opcode::VecGather,
       {I(cat), I(rows), I(4), I(1), I(2), I(4), IA({1, 0, 1})});
  auto outs = b.run();
  EXPECT_EQ(as<float>(outs[0]), (std::vector<float>{1, 2, 5, 6, 3, 4, 7, 8}));
  EXPECT_EQ(as<float>(outs[1]),
            (std::vector<float>{3, 4, 7, 8, 1, 2, 5, 6, 3, 4, 7, 8}));
  Builder bad;
  int64_t d = bad.data(a);
  bad.op(Opcode::VecGather, {I(d), I(d), I(4), I(1), I(2), I(2), IA({2})});
  std::string error;
  bad.run(&error);
  EXPECT_EQ(error, "instruction 0 (vec_gather): index 2 is outside [0, 2)");
}

TEST(Simulator, VecReduceFoldsInIndexOrder) {
  // 2 x 3 x 2 (outer x len x inner); a NaN in the first column.
  std::vector<float> x = {1.5f,  -2.0f, NAN,  4.0f,  0.25f, 3.0f,
                          -1.0f, 8.0f,  2.0f, -0.5f, 6.0f,  1.0f};
  for (int64_t kind = 0; kind < numerics::kNumReduceFns; ++kind) {
    auto fn = numerics::ReduceFn(kind);
    Builder b;
    int64_t dx = b.data(x), out = b.output(DType::F32, {2, 2});
    b.op(Opcode::VecReduce, {I(kind), I(dx), I(out), I(2), I(3), I(2)});
    std::vector<float> r = as<float>(b.run()[0]);
    for (int64_t o = 0; o < 2; ++o)
      for (int64_t k = 0; k < 2; ++k) {
        float want = numerics::reduceIdentity(fn);
        for (int64_t j = 0; j < 3; ++j)
          want = numerics::reduceStep(fn, want, x[(o * 3 + j) * 2 + k]);
        float got = r[o * 2 + k];
        EXPECT_TRUE(std::memcmp(&got, &want, 4) == 0 ||
                    (std::isnan(got) && std::isnan(want)))
            << numerics::reduceName(fn) << " [" << o << "," << k
            << "] = " << got << ", want " << want;
      }
    if (fn == numerics::ReduceFn::Max) {
      EXPECT_EQ(r[0], 1.5f); // NaN skipped
    }
  }
  Builder bad;
  int64_t dx = bad.data(x);
  bad.op(Opcode::VecReduce, {I(4), I(dx), I(dx), I(1), I(1), I(1)});
  std::string error;
  bad.run(&error);
  EXPECT_EQ(error, "instruction 0 (vec_reduce): unknown reduction kind 4");
}

TEST(Simulator, QuantizedLayerNormEqualsLayerNormThenQuantize) {
  Builder b;
  std::vector<float> x = {1.0f, -2.0f, 3.5f, 0.25f, 7.0f, -1.5f};
  std::vector<float> gamma = {0.5f, 2.0f, -1.0f}, beta = {0.1f, 0.0f, -0.3f};
  int64_t dx = b.data(x), dg = b.data(gamma), db = b.data(beta);
  int64_t fused = b.output(DType::I8, {6}), split = b.output(DType::I8, {6});
  int64_t f32 = b.alloc(6 * 4);
  OperandFormat f = int8();
  b.op(Opcode::VecLayerNorm, {I(dx), I(fused), I(2), I(3), F(1e-5), I(dg),
                              I(db), I(f.pack()), F(0.03), I(0)});
  b.op(Opcode::VecLayerNorm, {I(dx), I(f32), I(2), I(3), F(1e-5), I(dg), I(db),
                              I(kNoFormat), F(1.0), I(0)});
  b.op(Opcode::VecQuantize, {I(f32), I(split), I(int64_t(DType::I8)), I(6),
                             I(1), I(f.pack()), FA({0.03}), IA({0})});
  auto out = b.run();
  EXPECT_EQ(out[0], out[1]);
  std::set<uint8_t> distinct(out[0].begin(), out[0].end());
  EXPECT_GT(distinct.size(), 3u);
}

TEST(Simulator, RequantizedLutSoftmaxEqualsDequantizeThenQuantize) {
  Builder b;
  std::vector<float> x = {1.0f, 2.0f, 3.0f, 4.0f, -1.0f, 0.5f, 0.0f, 2.5f};
  int64_t dx = b.data(x);
  int64_t fused = b.output(DType::I8, {8}), split = b.output(DType::I8, {8});
  int64_t probs = b.alloc(8 * 2), f32 = b.alloc(8 * 4);
  numerics::SoftmaxUnitGeometry unit;
  numerics::LutSoftmaxTables t = numerics::generateLutSoftmax(unit, 4, 1.0, 0);
  OperandFormat i8 = int8(), i16;
  i16.bits = i16.storageBits = 16;
  double probScale = 1.0 / 255, outScale = 0.004;

  b.op(Opcode::LutSoftmax, lutSoftmaxFields(t, dx, fused, DType::I8, 2,
                                            probScale, i8.pack(), outScale));
  b.op(Opcode::LutSoftmax, lutSoftmaxFields(t, dx, probs, DType::I16, 2));
  b.op(Opcode::VecDequantize, {I(probs), I(int64_t(DType::I16)), I(f32), I(8),
                               I(1), I(i16.pack()), FA({probScale}), IA({0})});
  b.op(Opcode::VecQuantize, {I(f32), I(split), I(int64_t(DType::I8)), I(8),
                             I(1), I(i8.pack()), FA({outScale}), IA({0})});
  auto out = b.run();
  EXPECT_EQ(out[0], out[1]);
  std::set<uint8_t> distinct(out[0].begin(), out[0].end());
  EXPECT_GT(distinct.size(), 3u);
}

TEST(Simulator, OutOfBoundsAccessIsAnErrorNotACrash) {
  Builder b;
  b.op(Opcode::DmaLoad, {I(0), I(1), I(4000), I(1), I(200), I(200)});
  std::string error;
  b.run(&error);
  EXPECT_EQ(error, "instruction 0 (dma_load): ACT range [4000, +200) is "
                   "outside the 4096-byte space");
  Builder c;
  c.op(Opcode::VecCopy,
       {I(0), I(0), I(4), IA({2, 2}), IA({1 << 30, 1}), IA({2, 1})});
  c.run(&error);
  EXPECT_EQ(error, "instruction 0 (vec_copy): DRAM range [0, +4294967304) is "
                   "outside the 65536-byte space");
}

TEST(Simulator, TheScratchpadKeepsIntermediatesOffDram) {
  // x -> clamp -> intermediate -> clamp -> output, with the intermediate
  // in DRAM or in the scratchpad: same values; scratchpad traffic is
  // charged as on-chip SRAM and is faster.
  std::vector<float> x(1024);
  for (size_t i = 0; i < x.size(); ++i)
    x[i] = float(i) - 512.0f;
  auto runWith = [&](bool onChip) {
    Builder b;
    b.p.target.scratchBytes = 8192;
    int64_t dx = b.data(x);
    int64_t mid = onChip ? kScratchBase : b.alloc(4096);
    int64_t out = b.output(DType::F32, {1024});
    b.op(Opcode::VecClamp, {I(dx), I(mid), I(1024), F(-100.0), F(100.0)});
    b.op(Opcode::VecClamp, {I(mid), I(out), I(1024), F(0.0), F(50.0)});
    std::vector<float> y = as<float>(b.run()[0]);
    return std::make_pair(y, b.lastStats);
  };
  auto [inDram, dramStats] = runWith(false);
  auto [onChip, chipStats] = runWith(true);
  EXPECT_EQ(inDram, onChip);
  EXPECT_EQ(onChip[600], 50.0f);
  EXPECT_EQ(dramStats.dramBytes, 4 * 4096);
  EXPECT_EQ(dramStats.scratchBytes, 0);
  EXPECT_EQ(chipStats.dramBytes, 2 * 4096);
  EXPECT_EQ(chipStats.scratchBytes, 2 * 4096);
  EXPECT_GT(chipStats.energyPj.at("scratch"), 0.0);
  EXPECT_LT(chipStats.energyJ(), dramStats.energyJ());
  EXPECT_LT(chipStats.cycles, dramStats.cycles);

  Builder c;
  c.p.target.scratchBytes = 8192;
  c.op(Opcode::VecClamp, {I(kScratchBase + 4096), I(0), I(1025), F(0), F(1)});
  std::string error;
  c.run(&error);
  EXPECT_EQ(error, "instruction 0 (vec_clamp): scratchpad range [1073745920, "
                   "+4100) is outside the 8192-byte space");
}

TEST(Simulator, DoubleBufferingOverlapsLoadsWithTheArray) {
  // Two tiles in the two halves: the second tile's loads run while the
  // array works on the first, so the run is shorter than the busy sum.
  Builder b;
  std::vector<int8_t> a(64 * 16, 1), w(16 * 4, 1);
  int64_t da = b.data(a), dw = b.data(w);
  int64_t out = b.output(DType::I32, {128, 4});
  b.op(Opcode::ConfigMma, {I(int8().pack()), I(int8().pack()), S("exact")});
  b.op(Opcode::DmaLoad, {I(dw), I(2), I(0), I(16), I(4), I(4)});
  for (int64_t tile = 0; tile < 2; ++tile) {
    int64_t slot = tile * 2048;
    b.op(Opcode::DmaLoad, {I(da), I(1), I(slot), I(64), I(16), I(16)});
    b.op(Opcode::Mma, {I(slot), I(0), I(slot), I(64), I(16), I(4), I(0)});
    b.op(Opcode::StoreAcc, {I(slot), I(64), I(4), I(out + tile * 64 * 16), I(4),
                            I(1), I(int64_t(DType::I32)), I(-1)});
  }
  b.run();
  int64_t busy = 0;
  for (const auto &[unit, cycles] : b.lastStats.busyCycles)
    busy += cycles;
  EXPECT_LT(b.lastStats.cycles, busy);
  EXPECT_GT(b.lastStats.energyJ(), 0.0);
  EXPECT_DOUBLE_EQ(b.lastStats.edpJs(b.p.target),
                   b.lastStats.energyJ() * b.lastStats.seconds(b.p.target));
}

TEST(Simulator, NMCompressedWeightsEqualTheDenseProduct) {
  // W (8 x 2) is already 2:4 along k: the compressed form loses nothing,
  // and the array runs half the MACs.
  std::mt19937 rng(5);
  int64_t m = 3, k = 8, n = 2;
  std::vector<int8_t> a = randomInt8(size_t(m * k), rng);
  std::vector<int8_t> w(size_t(k * n), 0), values;
  std::vector<uint8_t> index;
  const int keptRows[2][4] = {{1, 2, 4, 7}, {0, 3, 5, 6}}; // per column
  for (int j = 0; j < 2; ++j)
    for (int r : keptRows[j])
      w[size_t(r * n + j)] = int8_t(r * 3 - 7 + j);
  values.assign(size_t(4 * n), 0);
  index.assign(size_t(4 * n), 0);
  for (int j = 0; j < 2; ++j)
    for (int s = 0; s < 4; ++s) {
      int r = keptRows[j][s]; // group r / 4, slot s % 2
      values[size_t(s * n + j)] = w[size_t(r * n + j)];
      index[size_t(s * n + j)] = uint8_t(r % 4);
    }
  // Two bits per index: each row of two packs into one byte.
  std::vector<uint8_t> packed = packNMIndices(index, 4, n, 4);
  ASSERT_EQ(packed.size(), 4u);
  EXPECT_EQ(packed[0], uint8_t(1 | 0 << 2)); // rows 1 and 0 of group 0
  Builder dense;
  int64_t da = dense.data(a), dw = dense.data(w);
  dense.matmul(da, dw, m, k, n, dense.output(DType::I32, {m, n}), int8(),
               int8());
  Builder sparse;
  int64_t sa = sparse.data(a), sv = sparse.data(values),
          si = sparse.data(packed);
  int64_t out = sparse.output(DType::I32, {m, n});
  sparse.op(Opcode::ConfigMma,
            {I(int8().pack()), I(int8().pack()), S("exact")});
  sparse.op(Opcode::DmaLoad, {I(sa), I(1), I(0), I(m), I(k), I(k)});
  sparse.op(Opcode::DmaLoad, {I(sv), I(2), I(0), I(4), I(n), I(n)});
  sparse.op(Opcode::DmaLoad, {I(si), I(2), I(64), I(4), I(1), I(1)});
  sparse.op(Opcode::MmaNM,
            {I(0), I(0), I(64), I(0), I(m), I(k), I(n), I(2), I(4), I(0)});
  sparse.op(Opcode::StoreAcc, {I(0), I(m), I(n), I(out), I(n), I(1),
                               I(int64_t(DType::I32)), I(-1)});
  EXPECT_EQ(sparse.run()[0], dense.run()[0]);
  EXPECT_EQ(sparse.lastStats.macs * 2, dense.lastStats.macs);

  // An index outside its group is an error, not a wrong read: with k = 7
  // the second group has three positions, and column 0's row 3 names the
  // fourth.
  sparse.p.code[4].fields[5].i = 7;
  std::string error;
  sparse.run(&error);
  EXPECT_EQ(error, "instruction 4 (mma_nm): index 3 of row 3 lies outside "
                   "its group");
}

TEST(Simulator, RunTimeNMActivationsKeepTheLargestOfEachGroup) {
  // A row (1, -2, 3, -4 | 5, 0, 0, -1) reads as (0, 0, 3, -4 | 5, 0, 0, -1)
  // under 2:4, (7, 7, 7, 7 | ...) keeps its first two (ties go to the lower
  // index); mma_act_nm equals mma on the selected activations and runs half
  // the MACs.
  std::vector<int8_t> a = {1, -2, 3, -4, 5, 0, 0, -1, 7, 7, 7, 7, -1, 2, -3, 4};
  std::vector<int8_t> selected = {0, 0, 3, -4, 5, 0, 0,  -1,
                                  7, 7, 0, 0,  0, 0, -3, 4};
  std::mt19937 rng(9);
  int64_t m = 2, k = 8, n = 3;
  std::vector<int8_t> w = randomInt8(size_t(k * n), rng);
  Builder dense;
  int64_t da = dense.data(selected), dw = dense.data(w);
  dense.matmul(da, dw, m, k, n, dense.output(DType::I32, {m, n}), int8(),
               int8());
  Builder act;
  int64_t aa = act.data(a), aw = act.data(w);
  int64_t out = act.output(DType::I32, {m, n});
  act.op(Opcode::ConfigMma, {I(int8().pack()), I(int8().pack()), S("exact")});
  act.op(Opcode::DmaLoad, {I(aa), I(1), I(0), I(m), I(k), I(k)});
  act.op(Opcode::DmaLoad, {I(aw), I(2), I(0), I(k), I(n), I(n)});
  act.op(Opcode::MmaActNM,
         {I(0), I(0), I(0), I(m), I(k), I(n), I(2), I(4), I(0), I(0), IA({})});
  act.op(Opcode::StoreAcc,
         {I(0), I(m), I(n), I(out), I(n), I(1), I(int64_t(DType::I32)), I(-1)});
  EXPECT_EQ(act.run()[0], dense.run()[0]);
  EXPECT_EQ(act.lastStats.macs * 2, dense.lastStats.macs);

  // Threshold 4: of the kept values, magnitudes below 4 read as zero too.
  std::vector<int8_t> thresholded = {0, 0, 0, -4, 5, 0, 0, 0,
                                     7, 7, 0, 0,  0, 0, 0, 4};
  Builder denseThresholded;
  int64_t ta = denseThresholded.data(thresholded),
          tw = denseThresholded.data(w);
  denseThresholded.matmul(ta, tw, m, k, n,
                          denseThresholded.output(DType::I32, {m, n}), int8(),
                          int8());
  act.p.code[3].fields[8].i = 4;
  EXPECT_EQ(act.run()[0], denseThresholded.run()[0]);

  // The 1:8 term of the series 2:4+1:8 selects from what 2:4 left: row 0
  // (1, -2, 0, 0 | 0, 0, 0, 0) keeps -2, row 1 (0, 0, 7, 7 | -1, 2, 0, 0)
  // its first 7; one of eight MACs.
  std::vector<int8_t> residual = {0, -2, 0, 0, 0, 0, 0, 0,
                                  0, 0,  7, 0, 0, 0, 0, 0};
  Builder denseResidual;
  int64_t ra = denseResidual.data(residual), rw = denseResidual.data(w);
  denseResidual.matmul(ra, rw, m, k, n,
                       denseResidual.output(DType::I32, {m, n}), int8(),
                       int8());
  act.p.code[3].fields[8].i = 0;
  act.p.code[3].fields[6].i = 1;
  act.p.code[3].fields[7].i = 8;
  act.p.code[3].fields[10].ints = {2, 4};
  EXPECT_EQ(act.run()[0], denseResidual.run()[0]);
  EXPECT_EQ(act.lastStats.macs * 8, denseResidual.lastStats.macs);

  std::string error;
  act.p.code[3].fields[10].ints = {2};
  act.run(&error);
  EXPECT_EQ(error, "instruction 3 (mma_act_nm): prior must hold (keep, group) "
                   "pairs");
  act.p.code[3].fields[10].ints = {5, 4};
  act.run(&error);
  EXPECT_EQ(error, "instruction 3 (mma_act_nm): needs 1 <= keep <= group <= "
                   "256");
  act.p.code[3].fields[10].ints = {};
  act.p.code[3].fields[6].i = 2;
  act.p.code[3].fields[7].i = 4;
  act.p.code[3].fields[8].i = 129;
  act.run(&error);
  EXPECT_EQ(error, "instruction 3 (mma_act_nm): threshold must be in [0, 128]");
  act.p.code[3].fields[8].i = 0;
  act.p.code[3].fields[6].i = 5; // keep > group
  act.run(&error);
  EXPECT_EQ(error, "instruction 3 (mma_act_nm): needs 1 <= keep <= group <= "
                   "256");
}

TEST(HostRun, ScalarsAndOutputsWithoutABatchDimension) {
  // in: a scalar; out[0]: the clamped scalar (shape [1]).
  Builder b;
  int64_t in = b.alloc(4);
  b.p.inputs.push_back({DType::F32, {}, in});
  int64_t out = b.output(DType::F32, {1});
  b.op(Opcode::VecClamp, {I(in), I(out), I(1), F(0.0), F(1.0)});
  Simulator sim(b.p);
  kite::tensorio::HostTensor x;
  x.floats = {2.5};
  std::vector<kite::tensorio::HostTensor> outputs;
  std::string error;
  ASSERT_TRUE(runOnHostTensors(sim, b.p, {x}, false, outputs, error)) << error;
  ASSERT_EQ(outputs.size(), 1u);
  EXPECT_EQ(outputs[0].floats, std::vector<double>{1.0});

  // A batch-2 program whose output has one row: four input rows run twice
  // and give one output row per run, never reading past an output.
  Builder c;
  int64_t in2 = c.alloc(2 * 3 * 4);
  c.p.inputs.push_back({DType::F32, {2, 3}, in2});
  int64_t out2 = c.output(DType::F32, {1, 3});
  c.op(Opcode::VecClamp, {I(in2), I(out2), I(3), F(-1.0), F(1.0)});
  Simulator sim2(c.p);
  kite::tensorio::HostTensor rows;
  rows.shape = {4, 3};
  rows.floats = {-5, 0.5, 5, 0, 0, 0, 2, 2, 2, -2, -2, -2};
  ASSERT_TRUE(runOnHostTensors(sim2, c.p, {rows}, true, outputs, error))
      << error;
  EXPECT_EQ(outputs[0].shape, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(outputs[0].floats, (std::vector<double>{-1, 0.5, 1, 1, 1, 1}));
}
