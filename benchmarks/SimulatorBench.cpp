//===- SimulatorBench.cpp - MAC throughput of the simulator ---------------===//
//
// The simulator's functional core on one 128x128x128 tile repeated, per
// operand kind, next to the host's float GEMM on the same shape: OpenBLAS's
// cblas_sgemm on one thread, what a user would reach for. scripts/bench-sim
// prints the ratios. items_per_second counts MACs.
//
//===----------------------------------------------------------------------===//

#include "kite/Numerics/LP.h"
#include "kite/Runtime/Simulator.h"

#include <benchmark/benchmark.h>
#include <cblas.h>

#include <random>
#include <vector>

using namespace kite::rt;

namespace {
constexpr int64_t kDim = 128, kRepeats = 8;

Field word(int64_t v) {
  Field f;
  f.i = v;
  return f;
}

/// config, loads of A and B, kRepeats MMAs on the same tile, one drain.
Program tileProgram(OperandFormat format, const std::string &multiplier,
                    bool sparse = false) {
  Program p;
  p.target.name = "bench";
  p.target.actBytes = p.target.weightBytes = kDim * kDim;
  p.target.accBytes = kDim * kDim * kAccWordBytes;
  p.dramBytes = 2 * kDim * kDim + kDim * kDim * 4;
  std::mt19937 rng(7);
  Segment a{0, std::vector<uint8_t>(size_t(kDim * kDim))},
      b{kDim * kDim, std::vector<uint8_t>(size_t(kDim * kDim))};
  // Codes valid in every format benchmarked (|int| < 8, LP codes of small
  // magnitude).
  std::uniform_int_distribution<int> d(-7, 7);
  for (auto *seg : {&a, &b})
    for (uint8_t &x : seg->bytes)
      x = uint8_t(int8_t(d(rng)));
  if (sparse) // 2:4: the first half of B's bytes are values, then indices 0..3
    for (size_t e = b.bytes.size() / 2; e < b.bytes.size(); ++e)
      b.bytes[e] = uint8_t(e % 2 ? 3 : 0);
  p.constants = {a, b};
  Field mul;
  mul.s = multiplier;
  p.code.push_back(
      {Opcode::ConfigMma, {word(format.pack()), word(format.pack()), mul}});
  p.code.push_back(
      {Opcode::DmaLoad,
       {word(0), word(1), word(0), word(kDim), word(kDim), word(kDim)}});
  p.code.push_back({Opcode::DmaLoad,
                    {word(kDim * kDim), word(2), word(0), word(kDim),
                     word(kDim), word(kDim)}});
  for (int64_t r = 0; r < kRepeats; ++r)
    p.code.push_back(sparse ? Instr{Opcode::MmaNM,
                                    {word(0), word(0), word(kDim * kDim / 2),
                                     word(0), word(kDim), word(kDim),
                                     word(kDim), word(2), word(4), word(r > 0)}}
                            : Instr{Opcode::Mma,
                                    {word(0), word(0), word(0), word(kDim),
                                     word(kDim), word(kDim), word(r > 0)}});
  p.code.push_back(
      {Opcode::StoreAcc,
       {word(0), word(kDim), word(kDim), word(2 * kDim * kDim), word(kDim),
        word(1), word(int64_t(format.isLP ? DType::F32 : DType::I32)),
        word(-1)}});
  IoDesc out;
  out.dtype = format.isLP ? DType::F32 : DType::I32;
  out.shape = {kDim, kDim};
  out.addr = 2 * kDim * kDim;
  p.outputs = {out};
  return p;
}

void runTile(benchmark::State &state, OperandFormat format,
             const std::string &multiplier, bool sparse = false) {
  Program p = tileProgram(format, multiplier, sparse);
  Simulator sim(p);
  std::vector<std::vector<uint8_t>> out;
  std::string error;
  for (auto _ : state)
    if (!sim.run({}, out, error))
      state.SkipWithError(error.c_str());
  // Dense-equivalent MACs: a 2:4 tile does the work of a dense one.
  state.SetItemsProcessed(state.iterations() * kRepeats * kDim * kDim * kDim);
}

OperandFormat int8() { return OperandFormat(); }

OperandFormat lp8() {
  OperandFormat f;
  f.isLP = true;
  f.bits = 8;
  f.es = 1;
  f.rs = 7;
  return f;
}

void BM_SimInt8Exact(benchmark::State &s) { runTile(s, int8(), "exact"); }
void BM_SimInt8Trunc4(benchmark::State &s) { runTile(s, int8(), "trunc4"); }
void BM_SimInt8Drum4(benchmark::State &s) { runTile(s, int8(), "drum4"); }
void BM_SimLP8(benchmark::State &s) { runTile(s, lp8(), "exact"); }
void BM_SimInt8Sparse24(benchmark::State &s) {
  runTile(s, int8(), "exact", true);
}

void BM_HostFloatGemm(benchmark::State &state) {
  openblas_set_num_threads(1);
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> value(-1, 1);
  std::vector<float> a(kDim * kDim), b(kDim * kDim), c(kDim * kDim);
  for (float &v : a)
    v = value(rng);
  for (float &v : b)
    v = value(rng);
  for (auto _ : state)
    for (int64_t r = 0; r < kRepeats; ++r) {
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, kDim, kDim, kDim,
                  1.0f, a.data(), kDim, b.data(), kDim, 1.0f, c.data(), kDim);
      benchmark::DoNotOptimize(c.data());
    }
  state.SetItemsProcessed(state.iterations() * kRepeats * kDim * kDim * kDim);
}
} // namespace

BENCHMARK(BM_HostFloatGemm)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SimInt8Exact)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SimInt8Trunc4)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SimInt8Drum4)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SimLP8)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SimInt8Sparse24)->Unit(benchmark::kMillisecond);
BENCHMARK_MAIN();
