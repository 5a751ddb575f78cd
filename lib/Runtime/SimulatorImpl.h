//===- SimulatorImpl.h - the simulator's state, shared by its units --*- C++
//-*-===//
//-*-===//
//
// Internal to lib/Runtime. Simulator::Impl holds the machine state (memory
// spaces, the active MAC configuration, scoreboards, statistics); its
// instructions are defined by the unit that runs them: SimMac.cpp (the MAC
// array and its drain), SimVector.cpp (the vector and LUT units),
// SimDma.cpp (DMA and strided copies). Simulator.cpp holds bounds checks,
// the timing scoreboard, energy accounting and the dispatch.
//
//===----------------------------------------------------------------------===//

#ifndef KITE_LIB_RUNTIME_SIMULATORIMPL_H
#define KITE_LIB_RUNTIME_SIMULATORIMPL_H

#include "Footprint.h"
#include "kite/Runtime/Simulator.h"

#include "kite/Numerics/ConvWindow.h"
#include "kite/Numerics/Gelu.h"
#include "kite/Numerics/IntQuant.h"
#include "kite/Numerics/LP.h"
#include "kite/Numerics/LutSoftmax.h"
#include "kite/Numerics/Multipliers.h"
#include "kite/Numerics/NMSelect.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <optional>
#include <sstream>
#include <tuple>

namespace kite::rt {
namespace detail {
/// Largest magnitude accepted for sizes, strides and addresses, so that
/// products of a few of them cannot overflow int64.
constexpr int64_t kMaxExtent = int64_t(1) << 40;
constexpr int64_t kLineBytes = 64;

inline int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

/// Whether the product of `factors` (sizes read from a binary) lies in
/// [0, kMaxExtent]; computed without overflow, a negative factor fails.
template <typename Range> bool productWithin(const Range &factors) {
  int64_t p = 1;
  for (int64_t f : factors)
    if (f < 0 || __builtin_mul_overflow(p, f, &p) || p > kMaxExtent)
      return false;
  return true;
}

inline int64_t saturate(int64_t v, unsigned width) {
  if (width >= 64)
    return v;
  int64_t hi = (int64_t(1) << (width - 1)) - 1, lo = -hi - 1;
  return std::min(std::max(v, lo), hi);
}

/// The integer an operand byte holds: sign-extended from its storage width,
/// or zero-extended for unsigned formats.
inline int64_t operandValue(const OperandFormat &f, uint8_t byte) {
  int64_t v = numerics::signExtend(int8_t(byte), f.storageBits);
  return f.isSigned ? v : v & ((int64_t(1) << f.storageBits) - 1);
}

/// vec_clamp's element function (the interpreter's tosa.clamp): NaN passes.
inline float clampKeepingNaN(float v, float lo, float hi) {
  return std::isnan(v) ? v : std::min(std::max(v, lo), hi);
}

inline bool inFormat(const OperandFormat &f, int64_t v) {
  int64_t lo = f.isSigned ? -(int64_t(1) << (f.bits - 1)) : 0;
  int64_t hi = f.isSigned ? (int64_t(1) << (f.bits - 1)) - 1
                          : (int64_t(1) << f.bits) - 1;
  return v >= lo && v <= hi;
}

struct Range {
  Space space;
  int64_t lo, hi;
};

/// The bytes a strided operand read as `r` moves for `n` elements of
/// `elemBytes`: a broadcast operand is read once, its span, not n elements.
inline int64_t operandBytes(const Range &r, int64_t n, int64_t elemBytes) {
  return std::min(n * elemBytes, r.hi - r.lo);
}

/// Per-line completion times of the last write and the last read.
struct Scoreboard {
  std::vector<int64_t> writeDone, readDone;
  explicit Scoreboard(int64_t bytes)
      : writeDone(size_t(ceilDiv(bytes, kLineBytes)), 0),
        readDone(writeDone.size(), 0) {}
};
} // namespace detail
using namespace detail;

struct Simulator::Impl {
  const Program &program;
  const TargetParams &target;
  std::vector<uint8_t> dram, scratch, act, weight;
  std::vector<int64_t> acc; ///< one word per kAccWordBytes of ACC
  std::vector<uint8_t> accNar;
  Scoreboard boards[5]; ///< indexed by Space

  /// A MAC-array configuration: operand formats, multiplier, and the
  /// products of every (lhs byte, rhs byte) pair when they are not plain
  /// integer products (approximate multipliers: the shared multiplier's; LP:
  /// accumulator fixed point with a NaR flag).
  struct MacConfig {
    OperandFormat lhs, rhs;
    const numerics::LPCodec *lhsCodec = nullptr, *rhsCodec = nullptr;
    /// Approximate: the shared multiplier, whose products by operand byte
    /// the mma kernels read.
    const numerics::Multiplier *multiplier = nullptr;
    const numerics::LPProductTable *lpProducts = nullptr; ///< shared
    /// Integer operands by stored byte: value, and whether the format holds it.
    std::array<float, 256> lhsValue{}, rhsValue{};
    std::array<bool, 256> lhsValid{}, rhsValid{};
    /// Exact integer products: reduction steps a float GEMM sums exactly.
    int64_t exactTerms = 0;
    double energyPj = 0;
    std::string component;
  };
  /// Built once per distinct config_mma, reused by later runs and layers.
  std::map<std::tuple<int64_t, int64_t, std::string>, MacConfig> macConfigs;
  const MacConfig *mac = nullptr; ///< the active one; null before config_mma
  /// Exact integer operands as floats for mma's GEMM, kept between calls.
  std::vector<float> exactA, exactW;

  Stats stats;
  double totalPj = 0;
  bool profiling = false;
  std::vector<InstrCost> costs;
  bool tracing = false;
  std::vector<TraceEvent> events;
  int64_t unitFree[5] = {0, 0, 0, 0, 0};
  int64_t runStart = 0;
  /// The DRAM the first run touches, to check the output descriptors.
  std::optional<DramFootprint> footprint;

  // The instruction being executed, for error messages.
  size_t index = 0;
  const OpSpec *spec = nullptr;
  std::string *error = nullptr;

  explicit Impl(const Program &p)
      : program(p), target(p.target), dram(size_t(p.dramBytes), 0),
        scratch(size_t(p.target.scratchBytes), 0),
        act(size_t(p.target.actBytes), 0),
        weight(size_t(p.target.weightBytes), 0),
        acc(size_t(p.target.accBytes / kAccWordBytes), 0),
        accNar(acc.size(), 0), boards{Scoreboard(p.dramBytes),
                                      Scoreboard(p.target.actBytes),
                                      Scoreboard(p.target.weightBytes),
                                      Scoreboard(p.target.accBytes),
                                      Scoreboard(p.target.scratchBytes)} {}

  bool fail(const std::string &message) {
    *error = "instruction " + std::to_string(index) + " (" + spec->name +
             "): " + message;
    return false;
  }

  int64_t spaceBytes(Space s) const {
    return s == Space::Dram ? program.dramBytes : target.spaceBytes(s);
  }
  /// The host byte behind memory operand address `addr` (DRAM or, from
  /// kScratchBase up, the scratchpad), once access() has checked it.
  uint8_t *mem(int64_t addr) {
    return addr >= kScratchBase ? &scratch[size_t(addr - kScratchBase)]
                                : &dram[size_t(addr)];
  }
  const uint8_t *mem(int64_t addr) const {
    return const_cast<Impl *>(this)->mem(addr);
  }
  uint8_t *base(Space s) {
    switch (s) {
    case Space::Dram:
      return dram.data();
    case Space::Act:
      return act.data();
    case Space::Weight:
      return weight.data();
    case Space::Scratch:
      return scratch.data();
    case Space::Acc:
      return nullptr;
    }
    return nullptr;
  }

  static const char *spaceName(Space s) {
    static const char *names[] = {"DRAM", "ACT", "WEIGHT", "ACC", "scratchpad"};
    return names[int(s)];
  }

  /// Checks that [addr, addr + bytes) lies in `space` and records it. A
  /// memory operand (space Dram) from kScratchBase up is in the scratchpad.
  bool access(Space space, int64_t addr, int64_t bytes,
              std::vector<Range> &ranges);

  /// The byte span of a strided walk: `shape` with element `strides`.
  bool stridedAccess(Space space, int64_t addr, unsigned elemBytes,
                     const std::vector<int64_t> &shape,
                     const std::vector<int64_t> &strides,
                     std::vector<Range> &ranges);

  /// Checks sizes read from the binary before any arithmetic on them: each
  /// of `values`, and the product of each group in `products`, must lie in
  /// [0, kMaxExtent], so the offsets computed from them cannot overflow.
  bool checkExtents(
      std::initializer_list<int64_t> values,
      std::initializer_list<std::initializer_list<int64_t>> products = {});

  // Typed memory-operand access (little-endian host assumed, as the format is).
  float loadF32(int64_t addr) const {
    float v;
    std::memcpy(&v, mem(addr), 4);
    return v;
  }
  void storeF32(int64_t addr, float v) { std::memcpy(mem(addr), &v, 4); }
  int64_t loadInt(int64_t addr, DType t) const {
    const uint8_t *p = mem(addr);
    switch (t) {
    case DType::I8:
      return int8_t(p[0]);
    case DType::I16: {
      int16_t v;
      std::memcpy(&v, p, 2);
      return v;
    }
    case DType::I64: {
      int64_t v;
      std::memcpy(&v, p, 8);
      return v;
    }
    default: {
      int32_t v;
      std::memcpy(&v, p, 4);
      return v;
    }
    }
  }
  void storeInt(int64_t addr, DType t, int64_t v) {
    storeIntAt(mem(addr), t, v);
  }
  static void storeIntAt(uint8_t *p, DType t, int64_t v) {
    switch (t) {
    case DType::I8:
      p[0] = uint8_t(v);
      break;
    case DType::I16: {
      int16_t x = int16_t(v);
      std::memcpy(p, &x, 2);
      break;
    }
    case DType::I64:
      std::memcpy(p, &v, 8);
      break;
    default: {
      int32_t x = int32_t(v);
      std::memcpy(p, &x, 4);
      break;
    }
    }
  }

  /// The dtype of code `code`, up to `widest` (i64 only in host segments).
  bool dtypeOf(int64_t code, DType &out, DType widest = DType::I32);

  //===--------------------------------------------------------------------===//
  // Timing and energy
  //===--------------------------------------------------------------------===//

  void charge(const std::string &component, double pj) {
    stats.energyPj[component] += pj;
    totalPj += pj;
  }
  /// Bytes one instruction moves to or from DRAM and the scratchpad.
  struct Traffic {
    int64_t dram = 0, scratch = 0;
    Traffic &add(int64_t addr, int64_t bytes) {
      (addr >= kScratchBase ? scratch : dram) += bytes;
      return *this;
    }
  };
  /// Charges `t` and returns the cycles it needs at the bandwidths.
  int64_t chargeTraffic(const Traffic &t);
  void chargeSram(int64_t bytes) {
    charge("sram", double(bytes) / 4 * target.sramRead32b);
  }
  /// A vector instruction: charges its traffic; as many cycles as its
  /// lanes (one per array column) or its memory traffic need.
  int64_t vectorCycles(int64_t elements, double opsPerElement,
                       const Traffic &t);

  void schedule(Unit unit, int64_t cycles, const std::vector<Range> &reads,
                const std::vector<Range> &writes);

  //===--------------------------------------------------------------------===//
  // Instructions
  //===--------------------------------------------------------------------===//

  bool dmaLoad(const Instr &x);

  bool configMma(const Instr &x);

  bool buildMacConfig(const OperandFormat &a, const OperandFormat &w,
                      const std::string &name, MacConfig &config);

  /// Fails naming the first of `count` operand bytes its format does not
  /// hold.
  bool checkOperands(const OperandFormat &f, const std::array<bool, 256> &valid,
                     const uint8_t *bytes, int64_t count);

  /// mma, and with `actNM` mma_act_nm: the A tile read through the
  /// run-time N:M selection along k (numerics::keptByLastTerm on the operand
  /// values, after the `prior` terms of its series), the array running
  /// ceil(k / group) * keep reduction steps.
  bool mma(const Instr &x, bool actNM = false);

  /// Costs of an m x k x n product on the array (k: the reduction length
  /// the array actually runs) and its scheduling.
  void finishMma(int64_t m, int64_t k, int64_t n,
                 const std::vector<Range> &reads,
                 const std::vector<Range> &writes);

  /// mma with B compressed N:M along k: only kept products are computed,
  /// so the array runs ceil(k / group) * keep reduction steps.
  bool mmaNM(const Instr &x);

  float weightF32(int64_t addr, int64_t j) const;
  int32_t weightI32(int64_t addr, int64_t j) const;
  /// LP accumulator fixed point to float, as the interpreter converts it.
  float lpAccToF32(int64_t word, bool nar) const;

  /// A drain of the rows x cols accumulator tile at `src` to `dst`: checks
  /// it, calls store(row, words, nars, dtype) per row (its cols accumulator
  /// words and NaR flags; element j goes to dst + (row * rowStride + j *
  /// colStride) * element bytes) and charges it, with `epilogueOps` float
  /// operations per element on the way and, with `residual` >= 0, an f32
  /// read per element laid out like the result.
  template <typename Store>
  bool drain(int64_t src, int64_t rows, int64_t cols, int64_t dst,
             int64_t rowStride, int64_t colStride, int64_t dtypeCode,
             std::initializer_list<int64_t> weightVectors, double epilogueOps,
             int64_t residual, Store store);

  bool storeAcc(const Instr &x);

  bool storeAccFused(const Instr &x);

  bool im2col(const Instr &x);

  /// Walks `shape` row-major, calling fn(linear, offsets...) with each
  /// operand's element offset under its strides.
  template <typename Fn>
  static void walk(const std::vector<int64_t> &shape,
                   const std::vector<const std::vector<int64_t> *> &strides,
                   Fn fn) {
    size_t ops = strides.size();
    std::vector<int64_t> at(ops), inner(ops, 0);
    for (size_t o = 0; o < ops && !shape.empty(); ++o)
      inner[o] = strides[o]->back();
    walkRows(shape, strides,
             [&](int64_t linear, const std::vector<int64_t> &row, int64_t n) {
               at = row;
               for (int64_t k = 0; k < n; ++k) {
                 fn(linear + k, at);
                 for (size_t o = 0; o < ops; ++o)
                   at[o] += inner[o];
               }
             });
  }

  /// walk() a row of the innermost dimension at a time: fn(linear, offsets,
  /// n) at each row's first element; the row's n elements follow at each
  /// operand's innermost stride.
  template <typename Fn>
  static void walkRows(const std::vector<int64_t> &shape,
                       const std::vector<const std::vector<int64_t> *> &strides,
                       Fn fn) {
    size_t rank = shape.size(), ops = strides.size();
    int64_t n = rank ? shape.back() : 1;
    std::vector<int64_t> idx(rank, 0), off(ops, 0);
    for (int64_t linear = 0, total = product(shape); linear < total;
         linear += n) {
      fn(linear, off, n);
      for (size_t d = rank > 1 ? rank - 1 : 0; d-- > 0;) {
        for (size_t o = 0; o < ops; ++o)
          off[o] += (*strides[o])[d];
        if (++idx[d] < shape[d])
          break;
        for (size_t o = 0; o < ops; ++o)
          off[o] -= (*strides[o])[d] * shape[d];
        idx[d] = 0;
      }
    }
  }

  static int64_t product(const std::vector<int64_t> &shape) {
    int64_t n = 1;
    for (int64_t d : shape)
      n *= d;
    return n;
  }

  bool vecBinary(const Instr &x);
  bool vecGather(const Instr &x);
  bool vecCompare(const Instr &x);
  bool vecSelect(const Instr &x);

  bool vecClamp(const Instr &x);

  bool vecCopy(const Instr &x);

  bool vecReduce(const Instr &x);

  bool vecPool(const Instr &x);

  /// What vec_quantize and vec_dequantize share: the integer side's dtype,
  /// the format (with its LP codec) and the per-channel parameters.
  struct QuantSide {
    DType dtype = DType::F32;
    unsigned eb = 0;
    OperandFormat f;
    const numerics::LPCodec *codec = nullptr; ///< LPCodec::shared
    const std::vector<double> *scales = nullptr;
    const std::vector<int64_t> *zeros = nullptr;
    int64_t count = 0, inner = 1;

    std::pair<double, int64_t> params(int64_t k) const {
      size_t ch = size_t((k / inner) % int64_t(scales->size()));
      return {(*scales)[ch], (*zeros)[ch]};
    }
    /// The code element `k` of value `v` is stored as.
    int64_t encode(float v, int64_t k) const {
      if (codec) // sign-extended: signed order is value order (kite.bitcast)
        return numerics::signExtend(codec->encode(v), f.bits);
      auto [scale, zero] = params(k);
      return encodeWith(v, scale, zero);
    }
    /// encode() of an integer format with the element's parameters given.
    int64_t encodeWith(float v, double scale, int64_t zero) const {
      return numerics::signExtend(
          numerics::quantize(v, scale, zero, {f.bits, f.isSigned}),
          f.storageBits);
    }
    /// fn(k, encode(value k, k)) for the `count` f32 values at `values`, in
    /// order. Each channel's parameters are taken once per run of elements
    /// that share them, and integer formats quantize a block at a time
    /// (numerics::quantizeRow): two divisions per element in params() and
    /// a branchy quantize were vec_quantize's cost.
    template <typename Fn> void encodeAll(const uint8_t *values, Fn fn) const {
      auto load = [&](int64_t k) {
        float v;
        std::memcpy(&v, values + k * 4, 4);
        return v;
      };
      if (codec) {
        for (int64_t k = 0; k < count; ++k)
          fn(k, encode(load(k), k));
        return;
      }
      numerics::IntFormat format{f.bits, f.isSigned};
      int64_t run = scales->size() == 1 ? count : inner;
      constexpr int64_t kBlock = 4096;
      std::vector<float> x;
      std::vector<int32_t> codes;
      size_t ch = 0;
      for (int64_t first = 0; first < count; first += run) {
        double scale = (*scales)[ch];
        int64_t zero = (*zeros)[ch], end = std::min(count, first + run);
        if (++ch == scales->size())
          ch = 0;
        if (!numerics::quantizeRowFits(zero, format)) {
          for (int64_t k = first; k < end; ++k)
            fn(k, encodeWith(load(k), scale, zero));
          continue;
        }
        for (int64_t block = first; block < end; block += kBlock) {
          int64_t n = std::min(kBlock, end - block);
          x.resize(size_t(n));
          codes.resize(size_t(n));
          std::memcpy(x.data(), values + block * 4, size_t(n) * 4);
          numerics::quantizeRow(x.data(), n, scale, zero, format, codes.data());
          for (int64_t i = 0; i < n; ++i)
            fn(block + i, numerics::signExtend(codes[i], f.storageBits));
        }
      }
    }
  };

  /// The quantization side of vec_quantize or vec_dequantize (which
  /// share these fields).
  template <typename QuantizeOrDequantize>
  bool quantSide(const QuantizeOrDequantize &d, QuantSide &q) {
    q.count = d.count;
    q.inner = d.inner;
    q.f = OperandFormat::unpack(d.format);
    q.scales = &d.scales;
    q.zeros = &d.zero_points;
    if (!dtypeOf(d.dtype, q.dtype) || !checkExtents({q.count, q.inner}))
      return false;
    return checkQuantSide(q);
  }
  /// The per-tensor quantization an instruction may apply to its results
  /// (store_acc_fused, vec_layer_norm, lut_softmax), like a one-scale
  /// vec_quantize. Set up in place: q points into it.
  struct Requantization {
    std::vector<double> scales;
    std::vector<int64_t> zeros;
    QuantSide q;
    bool on = false;
  };
  /// Sets `r` up for `format` (kNoFormat: off) with `scales` (one, or one
  /// per column: encode element j of a row with k = j) and checks it.
  bool requantization(int64_t format, std::vector<double> scales, int64_t zero,
                      DType dtype, Requantization &r);

  /// Checks q's dtype, format and scales; makes its LP codec.
  bool checkQuantSide(QuantSide &q);

  bool vecQuantize(const Instr &x);

  bool vecDequantize(const Instr &x);

  bool vecLayerNorm(const Instr &x);

  bool vecGelu(const Instr &x);
  bool vecSoftmax(const Instr &x);
  bool vecUnary(const Instr &x);
  bool vecLut(const Instr &x);
  bool hostCall(const Instr &x);
  bool hostElementwise(const Instr &x);
  bool hostGather(const Instr &x);
  /// Whether the target has a host (fails the run if not).
  bool requireHost();
  /// The cost of a host segment: `in` bytes to the host and `out` back
  /// over the link, and the host's time and energy for `elements`.
  void chargeHost(int64_t in, int64_t out, int64_t elements,
                  const Traffic &traffic, const std::vector<Range> &reads,
                  const std::vector<Range> &writes);
  /// A LUT-unit table (256 int8 codes) on a target with the unit.
  bool checkLutTable(const std::vector<int64_t> &table);

  bool lutSoftmax(const Instr &x);

  bool execute(const Instr &x);
};

} // namespace kite::rt

#endif // KITE_LIB_RUNTIME_SIMULATORIMPL_H
