//===- NumericsBench.cpp - throughput of the numerics library -------------===//
//
// LP encode/decode/multiply and multiplier throughput, with the host's plain
// integer multiply measured in the same run as the reference. Run with
// scripts/bench; numbers are recorded in docs/numerics.md.
//
//===----------------------------------------------------------------------===//

#include "kite/Numerics/LP.h"
#include "kite/Numerics/Multipliers.h"

#include <benchmark/benchmark.h>

#include <random>
#include <vector>

using namespace kite::numerics;

namespace {
constexpr size_t kBatch = 4096;

std::vector<double> randomValues() {
  std::mt19937_64 rng(1);
  std::lognormal_distribution<double> dist(0.0, 2.0);
  std::vector<double> v(kBatch);
  for (size_t i = 0; i < kBatch; ++i)
    v[i] = (i & 1 ? -1 : 1) * dist(rng);
  return v;
}

std::vector<int64_t> randomCodes(int64_t lo, int64_t hi, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int64_t> dist(lo, hi);
  std::vector<int64_t> v(kBatch);
  for (int64_t &x : v)
    x = dist(rng);
  return v;
}

const LPCodec &codec8() {
  static const LPCodec codec(LPFormat{8, 1, 7, 0});
  return codec;
}
} // namespace

static void BM_LPEncode8(benchmark::State &state) {
  std::vector<double> values = randomValues();
  const LPCodec &codec = codec8();
  for (auto _ : state)
    for (double x : values)
      benchmark::DoNotOptimize(codec.encode(x));
  state.SetItemsProcessed(state.iterations() * kBatch);
}
BENCHMARK(BM_LPEncode8);

static void BM_LPDecode8(benchmark::State &state) {
  std::vector<int64_t> codes = randomCodes(0, 255, 2);
  const LPCodec &codec = codec8();
  for (auto _ : state)
    for (int64_t c : codes)
      benchmark::DoNotOptimize(codec.decode(uint32_t(c)));
  state.SetItemsProcessed(state.iterations() * kBatch);
}
BENCHMARK(BM_LPDecode8);

// One LP product as the MAC array computes it: log-add, then conversion to
// the fixed-point accumulator.
static void BM_LPMultiplyToFixed8(benchmark::State &state) {
  std::vector<int64_t> a = randomCodes(0, 255, 3), w = randomCodes(0, 255, 4);
  const LPCodec &codec = codec8();
  for (auto _ : state) {
    int64_t acc = 0;
    for (size_t i = 0; i < kBatch; ++i)
      acc += lpToFixed(
          multiplyLP(codec.value(uint32_t(a[i])), codec.value(uint32_t(w[i]))),
          16);
    benchmark::DoNotOptimize(acc);
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
}
BENCHMARK(BM_LPMultiplyToFixed8);

// Table-driven approximate multiply-accumulate, 8x8 bits.
static void BM_ApproxMultiply8(benchmark::State &state, const char *name) {
  std::string error;
  auto m = Multiplier::create(name, {8, false}, {8, true}, &error);
  if (!m) {
    state.SkipWithError(error.c_str());
    return;
  }
  std::vector<int64_t> a = randomCodes(0, 255, 5),
                       w = randomCodes(-128, 127, 6);
  for (auto _ : state) {
    int64_t acc = 0;
    for (size_t i = 0; i < kBatch; ++i)
      acc += m->multiply(a[i], w[i]);
    benchmark::DoNotOptimize(acc);
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
}
BENCHMARK_CAPTURE(BM_ApproxMultiply8, exact, "exact");
BENCHMARK_CAPTURE(BM_ApproxMultiply8, drum4, "drum4");

// The host's own integer multiply-accumulate: the reference.
static void BM_HostIntMultiply8(benchmark::State &state) {
  std::vector<int64_t> a = randomCodes(0, 255, 5),
                       w = randomCodes(-128, 127, 6);
  for (auto _ : state) {
    int64_t acc = 0;
    for (size_t i = 0; i < kBatch; ++i)
      acc += a[i] * w[i];
    benchmark::DoNotOptimize(acc);
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
}
BENCHMARK(BM_HostIntMultiply8);

// Building a multiplier: product table and metrics over all 2^16 pairs.
static void BM_CreateMultiplier8(benchmark::State &state) {
  std::string error;
  for (auto _ : state)
    benchmark::DoNotOptimize(
        Multiplier::create("mitchell", {8, false}, {8, true}, &error));
}
BENCHMARK(BM_CreateMultiplier8);

BENCHMARK_MAIN();
