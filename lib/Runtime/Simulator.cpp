//===- Simulator.cpp - functional core and cost model of kite-sim --------===//
//
// The functional semantics of every instruction mirrors the reference
// interpreter's kernel for the tensor-level op it comes from (same float
// operation order, same numerics-library calls), so outputs agree bit for
// bit; tests/Runtime and the end-to-end tests check it.
//
//===----------------------------------------------------------------------===//

#include "kite/Runtime/Simulator.h"

#include "kite/Numerics/ConvWindow.h"
#include "kite/Numerics/Gelu.h"
#include "kite/Numerics/IntQuant.h"
#include "kite/Numerics/LP.h"
#include "kite/Numerics/LutSoftmax.h"
#include "kite/Numerics/Multipliers.h"
#include "kite/Numerics/NMSelect.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <optional>
#include <sstream>
#include <tuple>

using namespace kite::rt;
using kite::numerics::signExtend;
namespace numerics = kite::numerics;

double Stats::energyJ() const {
  double pj = 0;
  for (const auto &[name, e] : energyPj)
    pj += e;
  return pj * 1e-12;
}

double Stats::seconds(const TargetParams &t) const {
  return double(cycles) / (double(t.clockMhz) * 1e6);
}

double Stats::edpJs(const TargetParams &t) const {
  return energyJ() * seconds(t);
}

double Stats::utilisation(const TargetParams &t) const {
  return cycles ? double(macs) / (double(cycles) * double(t.rows * t.cols))
                : 0.0;
}

namespace {
/// Largest magnitude accepted for sizes, strides and addresses, so that
/// products of a few of them cannot overflow int64.
constexpr int64_t kMaxExtent = int64_t(1) << 40;
constexpr int64_t kLineBytes = 64;

int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

int64_t saturate(int64_t v, unsigned width) {
  if (width >= 64)
    return v;
  int64_t hi = (int64_t(1) << (width - 1)) - 1, lo = -hi - 1;
  return std::min(std::max(v, lo), hi);
}

/// The integer an operand byte holds: sign-extended from its storage width,
/// or zero-extended for unsigned formats.
int64_t operandValue(const OperandFormat &f, uint8_t byte) {
  int64_t v = signExtend(int8_t(byte), f.storageBits);
  return f.isSigned ? v : v & ((int64_t(1) << f.storageBits) - 1);
}

/// vec_clamp's element function (the interpreter's tosa.clamp): NaN passes.
float clampKeepingNaN(float v, float lo, float hi) {
  return std::isnan(v) ? v : std::min(std::max(v, lo), hi);
}

bool inFormat(const OperandFormat &f, int64_t v) {
  int64_t lo = f.isSigned ? -(int64_t(1) << (f.bits - 1)) : 0;
  int64_t hi = f.isSigned ? (int64_t(1) << (f.bits - 1)) - 1
                          : (int64_t(1) << f.bits) - 1;
  return v >= lo && v <= hi;
}

struct Range {
  Space space;
  int64_t lo, hi;
};

/// Per-line completion times of the last write and the last read.
struct Scoreboard {
  std::vector<int64_t> writeDone, readDone;
  explicit Scoreboard(int64_t bytes)
      : writeDone(size_t(ceilDiv(bytes, kLineBytes)), 0),
        readDone(writeDone.size(), 0) {}
};
} // namespace

struct Simulator::Impl {
  const Program &program;
  const TargetParams &target;
  std::vector<uint8_t> dram, scratch, act, weight;
  std::vector<int64_t> acc; ///< one word per kAccWordBytes of ACC
  std::vector<uint8_t> accNar;
  Scoreboard boards[5]; ///< indexed by Space

  /// A MAC-array configuration: operand formats, multiplier, and the
  /// products of every (lhs byte, rhs byte) pair when they are not plain
  /// integer products (approximate multipliers: intProducts; LP:
  /// accumulator fixed point with a NaR flag).
  struct MacConfig {
    OperandFormat lhs, rhs;
    std::optional<numerics::LPCodec> lhsCodec, rhsCodec;
    std::optional<numerics::Multiplier> multiplier;
    std::vector<int32_t> intProducts;
    std::vector<int64_t> lpProducts;
    std::vector<uint8_t> lpNar;
    double energyPj = 0;
    std::string component;
  };
  /// Built once per distinct config_mma, reused by later runs and layers.
  std::map<std::tuple<int64_t, int64_t, std::string>, MacConfig> macConfigs;
  const MacConfig *mac = nullptr; ///< the active one; null before config_mma

  Stats stats;
  double totalPj = 0;
  bool profiling = false;
  std::vector<InstrCost> costs;
  bool tracing = false;
  std::vector<TraceEvent> events;
  int64_t unitFree[4] = {0, 0, 0, 0};
  int64_t runStart = 0;

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
              std::vector<Range> &ranges) {
    int64_t at = addr;
    if (space == Space::Dram && addr >= kScratchBase) {
      space = Space::Scratch;
      at -= kScratchBase;
    }
    int64_t size = spaceBytes(space);
    if (at < 0 || bytes < 0 || at > size || bytes > size - at)
      return fail(std::string(spaceName(space)) + " range [" +
                  std::to_string(addr) + ", +" + std::to_string(bytes) +
                  ") is outside the " + std::to_string(size) + "-byte space");
    if (bytes)
      ranges.push_back({space, at, at + bytes});
    return true;
  }

  /// The byte span of a strided walk: `shape` with element `strides`.
  bool stridedAccess(Space space, int64_t addr, unsigned elemBytes,
                     const std::vector<int64_t> &shape,
                     const std::vector<int64_t> &strides,
                     std::vector<Range> &ranges) {
    if (shape.size() != strides.size() || shape.size() > 8)
      return fail("shape and strides must have the same rank (at most 8)");
    int64_t last = 0;
    for (size_t d = 0; d < shape.size(); ++d) {
      if (shape[d] <= 0 || shape[d] > kMaxExtent || strides[d] < 0 ||
          strides[d] > kMaxExtent)
        return fail("bad shape or stride");
      last += (shape[d] - 1) * strides[d];
      if (last > kMaxExtent)
        return fail("strided access too large");
    }
    return access(space, addr, (last + 1) * elemBytes, ranges);
  }

  bool checkExtents(std::initializer_list<int64_t> values) {
    for (int64_t v : values)
      if (v < 0 || v > kMaxExtent)
        return fail("size " + std::to_string(v) + " out of range");
    return true;
  }

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
    default: {
      int32_t v;
      std::memcpy(&v, p, 4);
      return v;
    }
    }
  }
  void storeInt(int64_t addr, DType t, int64_t v) {
    uint8_t *p = mem(addr);
    switch (t) {
    case DType::I8:
      p[0] = uint8_t(v);
      break;
    case DType::I16: {
      int16_t x = int16_t(v);
      std::memcpy(p, &x, 2);
      break;
    }
    default: {
      int32_t x = int32_t(v);
      std::memcpy(p, &x, 4);
      break;
    }
    }
  }

  bool dtypeOf(int64_t code, DType &out) {
    if (code < 0 || code > int64_t(DType::I32))
      return fail("unknown dtype " + std::to_string(code));
    out = DType(code);
    return true;
  }

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
  int64_t chargeTraffic(const Traffic &t) {
    stats.dramBytes += t.dram;
    stats.scratchBytes += t.scratch;
    charge("dram", double(t.dram) / 4 * target.dramRead32b);
    if (t.scratch)
      charge("scratch", double(t.scratch) / 4 * target.scratchRead32b());
    return std::max<int64_t>(
        {int64_t(std::ceil(double(t.dram) / target.dramBytesPerCycle)),
         int64_t(std::ceil(double(t.scratch) / target.sramBytesPerCycle)), 1});
  }
  void chargeSram(int64_t bytes) {
    charge("sram", double(bytes) / 4 * target.sramRead32b);
  }
  /// A vector instruction: charges its traffic; as many cycles as its
  /// lanes (one per array column) or its memory traffic need.
  int64_t vectorCycles(int64_t elements, double opsPerElement,
                       const Traffic &t) {
    int64_t compute = int64_t(
        std::ceil(double(elements) * opsPerElement / double(target.cols)));
    return std::max(compute, chargeTraffic(t));
  }

  void schedule(Unit unit, int64_t cycles, const std::vector<Range> &reads,
                const std::vector<Range> &writes) {
    int64_t start = std::max(runStart, unitFree[int(unit)]);
    if (unit == Unit::Control)
      for (int64_t t : unitFree)
        start = std::max(start, t);
    auto lines = [](const Range &r, auto fn) {
      for (int64_t l = r.lo / kLineBytes; l <= (r.hi - 1) / kLineBytes; ++l)
        fn(size_t(l));
    };
    for (const Range &r : reads)
      lines(r, [&](size_t l) {
        start = std::max(start, boards[int(r.space)].writeDone[l]);
      });
    for (const Range &r : writes)
      lines(r, [&](size_t l) {
        Scoreboard &b = boards[int(r.space)];
        start = std::max({start, b.writeDone[l], b.readDone[l]});
      });
    int64_t end = start + cycles;
    for (const Range &r : reads)
      lines(r, [&](size_t l) {
        int64_t &t = boards[int(r.space)].readDone[l];
        t = std::max(t, end);
      });
    for (const Range &r : writes)
      lines(r, [&](size_t l) { boards[int(r.space)].writeDone[l] = end; });
    unitFree[int(unit)] = end;
    stats.busyCycles[unitName(unit)] += cycles;
    if (profiling)
      costs[index].cycles += cycles;
    ++stats.instructions;
    if (tracing)
      events.push_back({spec->name, unit, start, end});
  }

  //===--------------------------------------------------------------------===//
  // Instructions
  //===--------------------------------------------------------------------===//

  bool dmaLoad(const Instr &x) {
    int64_t src = x.fields[0].i, space = x.fields[1].i, dst = x.fields[2].i,
            rows = x.fields[3].i, rowBytes = x.fields[4].i,
            stride = x.fields[5].i;
    if (space != int64_t(Space::Act) && space != int64_t(Space::Weight) &&
        space != int64_t(Space::Acc))
      return fail("destination must be the ACT (1), WEIGHT (2) or ACC (3) "
                  "buffer");
    if (space == int64_t(Space::Acc) &&
        (dst % kAccWordBytes || rowBytes % kAccWordBytes))
      return fail("loads into ACC move whole 32-bit accumulators");
    if (!checkExtents({rows, rowBytes, stride}))
      return false;
    std::vector<Range> reads, writes;
    if (rows && (!stridedAccess(Space::Dram, src, 1, {rows, rowBytes},
                                {stride, 1}, reads) ||
                 !access(Space(space), dst, rows * rowBytes, writes)))
      return false;
    if (space == int64_t(Space::Acc)) {
      // Initial accumulators (a matmul's acc operand): int32, sign-extended.
      for (int64_t r = 0; r < rows; ++r)
        for (int64_t w = 0; w < rowBytes / kAccWordBytes; ++w) {
          size_t word =
              size_t(dst / kAccWordBytes + r * rowBytes / kAccWordBytes + w);
          acc[word] = loadInt(src + r * stride + w * kAccWordBytes, DType::I32);
          accNar[word] = 0;
        }
    } else {
      uint8_t *out = base(Space(space));
      for (int64_t r = 0; r < rows; ++r)
        std::memcpy(out + dst + r * rowBytes, mem(src + r * stride),
                    size_t(rowBytes));
    }
    int64_t bytes = rows * rowBytes;
    chargeSram(bytes);
    schedule(Unit::Dma, chargeTraffic(Traffic().add(src, bytes)), reads,
             writes);
    return true;
  }

  bool configMma(const Instr &x) {
    auto key = std::make_tuple(x.fields[0].i, x.fields[1].i, x.fields[2].s);
    auto it = macConfigs.find(key);
    if (it == macConfigs.end()) {
      MacConfig config;
      if (!buildMacConfig(OperandFormat::unpack(x.fields[0].i),
                          OperandFormat::unpack(x.fields[1].i), x.fields[2].s,
                          config))
        return false;
      it = macConfigs.emplace(key, std::move(config)).first;
    }
    mac = &it->second;
    schedule(Unit::Array, 1, {}, {});
    return true;
  }

  bool buildMacConfig(const OperandFormat &a, const OperandFormat &w,
                      const std::string &name, MacConfig &config) {
    for (auto [f, codec] :
         {std::pair{&a, &config.lhsCodec}, {&w, &config.rhsCodec}}) {
      if (f->isLP) {
        std::string problem =
            numerics::LPFormat{f->bits, f->es, f->rs, f->sf}.validate();
        if (!problem.empty() || f->bits > 8)
          return fail("bad LP operand format " + f->str() + " " + problem);
        codec->emplace(numerics::LPFormat{f->bits, f->es, f->rs, f->sf});
      } else if (f->bits < 1 || f->bits > 8 || f->storageBits < f->bits ||
                 f->storageBits > 8) {
        return fail("bad integer operand format " + f->str());
      }
    }
    if (a.isLP != w.isLP)
      return fail("operands must both be integer or both LP");
    if (a.isLP) {
      if (name != "exact")
        return fail("LP operands take the exact (log-add) multiplier");
      config.energyPj = target.lpMacPj(a.bits, w.bits);
    } else {
      double relative = 1;
      if (name != "exact") {
        std::string problem;
        config.multiplier = numerics::Multiplier::create(
            name, {a.bits, a.isSigned}, {w.bits, w.isSigned}, &problem);
        if (!config.multiplier)
          return fail(problem);
        relative = config.multiplier->relativeEnergy();
      }
      config.energyPj = target.intMacPj(a.bits, w.bits, relative);
    }
    config.lhs = a;
    config.rhs = w;
    config.component = "mac " + a.str() + "x" + w.str() + " " + name;
    if (a.isLP) {
      config.lpProducts.resize(256 * 256);
      config.lpNar.resize(256 * 256);
      int frac = int(target.lpAccFracBits);
      for (unsigned x = 0; x < 256; ++x)
        for (unsigned y = 0; y < 256; ++y) {
          bool isNar = false;
          config.lpProducts[x << 8 | y] = numerics::lpToFixed(
              numerics::multiplyLP(config.lhsCodec->value(x),
                                   config.rhsCodec->value(y)),
              frac, &isNar);
          config.lpNar[x << 8 | y] = isNar;
        }
    } else if (config.multiplier) {
      config.intProducts.assign(256 * 256, 0);
      for (unsigned x = 0; x < 256; ++x)
        for (unsigned y = 0; y < 256; ++y) {
          int64_t av = operandValue(a, uint8_t(x)),
                  wv = operandValue(w, uint8_t(y));
          // Out-of-range operands never reach the table (mma checks them).
          if (inFormat(a, av) && inFormat(w, wv))
            config.intProducts[x << 8 | y] =
                int32_t(config.multiplier->multiply(av, wv));
        }
    }
    return true;
  }

  /// The value of an integer operand byte, or failure outside its format.
  bool intOperand(const OperandFormat &f, uint8_t byte, int64_t &v) {
    v = operandValue(f, byte);
    if (!inFormat(f, v))
      return fail("operand value " + std::to_string(v) + " is outside " +
                  f.str());
    return true;
  }

  /// mma, and with `actNM` mma_act_nm: the A tile read through the
  /// run-time N:M selection along k (numerics::keptByLastTerm on the operand
  /// values, after the `prior` terms of its series), the array running
  /// ceil(k / group) * keep reduction steps.
  bool mma(const Instr &x, bool actNM = false) {
    int64_t a = x.fields[0].i, b = x.fields[1].i, c = x.fields[2].i,
            m = x.fields[3].i, k = x.fields[4].i, n = x.fields[5].i;
    int64_t keep = actNM ? x.fields[6].i : 0, group = actNM ? x.fields[7].i : 0,
            threshold = actNM ? x.fields[8].i : 0;
    bool accumulate = x.fields[actNM ? 9 : 6].i != 0;
    if (!mac)
      return fail("no config_mma before the first mma");
    std::vector<numerics::NMPattern> series;
    if (actNM) {
      const std::vector<int64_t> &prior = x.fields[10].ints;
      if (prior.size() % 2)
        return fail("prior must hold (keep, group) pairs");
      for (size_t t = 0; t <= prior.size(); t += 2) {
        int64_t termKeep = t < prior.size() ? prior[t] : keep,
                termGroup = t < prior.size() ? prior[t + 1] : group;
        if (termKeep < 1 || termGroup < termKeep || termGroup > 256)
          return fail("needs 1 <= keep <= group <= 256");
        series.push_back({unsigned(termKeep), unsigned(termGroup)});
      }
    }
    if (threshold < 0 || threshold > numerics::kMaxSelectionThreshold)
      return fail("threshold must be in [0, " +
                  std::to_string(numerics::kMaxSelectionThreshold) + "]");
    if (keep && mac->lhs.isLP)
      return fail("mma_act_nm selects integer activations; the active "
                  "config_mma has LP operands");
    if (!checkExtents({m, k, n}) || m * k > kMaxExtent || k * n > kMaxExtent ||
        m * n > kMaxExtent)
      return false;
    if (c % kAccWordBytes)
      return fail("accumulator address must be a multiple of 4");
    std::vector<Range> reads, writes;
    if (!access(Space::Act, a, m * k, reads) ||
        !access(Space::Weight, b, k * n, reads) ||
        !access(Space::Acc, c, m * n * kAccWordBytes, writes))
      return false;
    if (accumulate)
      reads.push_back(writes.back());
    int64_t *out = &acc[size_t(c / kAccWordBytes)];
    uint8_t *nar = &accNar[size_t(c / kAccWordBytes)];
    if (!accumulate) {
      std::fill(out, out + m * n, 0);
      std::fill(nar, nar + m * n, 0);
    }
    if (!mac->lhs.isLP) { // range checks; LP codes are all valid
      int64_t v;
      for (int64_t e = 0; e < m * k; ++e)
        if (!intOperand(mac->lhs, act[size_t(a + e)], v))
          return false;
      for (int64_t e = 0; e < k * n; ++e)
        if (!intOperand(mac->rhs, weight[size_t(b + e)], v))
          return false;
    }
    const uint8_t *wa = &act[size_t(a)], *ww = &weight[size_t(b)];
    std::vector<uint8_t> selected;
    if (keep) {
      selected.assign(wa, wa + m * k);
      for (int64_t i = 0; i < m; ++i) {
        uint8_t *row = &selected[size_t(i * k)];
        numerics::dropAllButLastTerm(
            k, series,
            [&](int64_t t) {
              return std::abs(operandValue(mac->lhs, wa[i * k + t]));
            },
            threshold, [&](int64_t t) { row[t] = 0; }); // integer zero
      }
      wa = selected.data();
    }
    // Table-driven products accumulate row by row: out[i][j] += P[a_it][w_tj].
    auto gather = [&](const auto &table, auto &&perEntry) {
      for (int64_t i = 0; i < m; ++i)
        for (int64_t t = 0; t < k; ++t) {
          size_t base = size_t(wa[i * k + t]) << 8;
          const uint8_t *wrow = ww + t * n;
          for (int64_t j = 0; j < n; ++j)
            perEntry(i * n + j, base | wrow[j], table);
        }
    };
    if (!mac->lpProducts.empty()) {
      gather(mac->lpProducts, [&](int64_t o, size_t at, const auto &table) {
        out[o] += table[at];
        nar[o] |= mac->lpNar[at];
      });
    } else if (!mac->intProducts.empty()) {
      gather(mac->intProducts, [&](int64_t o, size_t at, const auto &table) {
        out[o] += table[at];
      });
    } else {
      // Exact integers: widen once, multiply-accumulate in int32 over the
      // tile (|products| < 2^16, so sums of up to 2^15 terms fit) and add
      // the tile's sums to the 64-bit accumulators.
      std::vector<int32_t> vw(static_cast<size_t>(k * n)),
          row(static_cast<size_t>(n));
      for (int64_t e = 0; e < k * n; ++e)
        vw[size_t(e)] = int32_t(operandValue(mac->rhs, ww[e]));
      for (int64_t i = 0; i < m; ++i) {
        for (int64_t t0 = 0; t0 < k; t0 += 1 << 15) {
          std::fill(row.begin(), row.end(), 0);
          for (int64_t t = t0; t < std::min(k, t0 + (1 << 15)); ++t) {
            int32_t a32 = int32_t(operandValue(mac->lhs, wa[i * k + t]));
            const int32_t *wrow = &vw[size_t(t * n)];
            for (int64_t j = 0; j < n; ++j)
              row[size_t(j)] += a32 * wrow[j];
          }
          for (int64_t j = 0; j < n; ++j)
            out[i * n + j] += row[size_t(j)];
        }
      }
    }
    finishMma(m, keep ? ceilDiv(k, group) * keep : k, n, reads, writes);
    return true;
  }

  /// Costs of an m x k x n product on the array (k: the reduction length
  /// the array actually runs) and its scheduling.
  void finishMma(int64_t m, int64_t k, int64_t n,
                 const std::vector<Range> &reads,
                 const std::vector<Range> &writes) {
    int64_t macs = m * k * n;
    stats.macs += macs;
    charge(mac->component, double(macs) * mac->energyPj);
    int64_t colPasses = ceilDiv(n, target.cols),
            rowPasses = ceilDiv(k, target.rows);
    chargeSram(m * k * colPasses + k * n +
               2 * m * n * rowPasses * kAccWordBytes);
    int64_t cycles = std::max<int64_t>(
        colPasses * rowPasses * (m + target.rows) + target.cols, 1);
    schedule(Unit::Array, cycles, reads, writes);
  }

  /// mma with B compressed N:M along k: only kept products are computed,
  /// so the array runs ceil(k / group) * keep reduction steps.
  bool mmaNM(const Instr &x) {
    int64_t a = x.fields[0].i, b = x.fields[1].i, idx = x.fields[2].i,
            c = x.fields[3].i, m = x.fields[4].i, k = x.fields[5].i,
            n = x.fields[6].i, keep = x.fields[7].i, group = x.fields[8].i;
    bool accumulate = x.fields[9].i != 0;
    if (!mac)
      return fail("no config_mma before the first mma_nm");
    if (!checkExtents({m, k, n}) || m * k > kMaxExtent || m * n > kMaxExtent ||
        k * n > kMaxExtent)
      return false;
    if (keep < 1 || group < keep || group > 256)
      return fail("needs 1 <= keep <= group <= 256");
    if (c % kAccWordBytes)
      return fail("accumulator address must be a multiple of 4");
    int64_t rows = ceilDiv(k, group) * keep;
    int64_t indexRowBytes = nmIndexRowBytes(n, group);
    std::vector<Range> reads, writes;
    if (!access(Space::Act, a, m * k, reads) ||
        !access(Space::Weight, b, rows * n, reads) ||
        !access(Space::Weight, idx, rows * indexRowBytes, reads) ||
        !access(Space::Acc, c, m * n * kAccWordBytes, writes))
      return false;
    if (accumulate)
      reads.push_back(writes.back());
    // The packed indices, one byte each from here on.
    std::vector<uint8_t> unpacked(size_t(rows * n));
    unsigned bits = nmIndexBits(group);
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t j = 0; j < n; ++j)
        unpacked[size_t(r * n + j)] = uint8_t(
            nmIndexAt(&weight[size_t(idx + r * indexRowBytes)], j, bits));
    const uint8_t *va = &act[size_t(a)], *vb = &weight[size_t(b)],
                  *vi = unpacked.data();
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t j = 0; j < n; ++j)
        if (vi[r * n + j] >= group || (r / keep) * group + vi[r * n + j] >= k)
          return fail("index " + std::to_string(vi[r * n + j]) + " of row " +
                      std::to_string(r) + " lies outside its group");
    int64_t v;
    if (!mac->lhs.isLP) {
      for (int64_t e = 0; e < m * k; ++e)
        if (!intOperand(mac->lhs, va[e], v))
          return false;
      for (int64_t e = 0; e < rows * n; ++e)
        if (!intOperand(mac->rhs, vb[e], v))
          return false;
    }
    int64_t *out = &acc[size_t(c / kAccWordBytes)];
    uint8_t *nar = &accNar[size_t(c / kAccWordBytes)];
    if (!accumulate) {
      std::fill(out, out + m * n, 0);
      std::fill(nar, nar + m * n, 0);
    }
    if (mac->lpProducts.empty() && mac->intProducts.empty()) {
      // Exact integers: widen once, then gather A by the indices.
      std::vector<int32_t> a32(static_cast<size_t>(m * k)),
          b32(static_cast<size_t>(rows * n));
      for (int64_t e = 0; e < m * k; ++e)
        a32[size_t(e)] = int32_t(operandValue(mac->lhs, va[e]));
      for (int64_t e = 0; e < rows * n; ++e)
        b32[size_t(e)] = int32_t(operandValue(mac->rhs, vb[e]));
      for (int64_t i = 0; i < m; ++i)
        for (int64_t r = 0; r < rows; ++r) {
          const int32_t *arow = &a32[size_t(i * k + (r / keep) * group)];
          const int32_t *brow = &b32[size_t(r * n)];
          const uint8_t *irow = vi + r * n;
          int64_t *orow = out + i * n;
          for (int64_t j = 0; j < n; ++j)
            orow[j] += arow[irow[j]] * brow[j];
        }
    } else {
      for (int64_t i = 0; i < m; ++i)
        for (int64_t r = 0; r < rows; ++r) {
          const uint8_t *arow = va + i * k + (r / keep) * group;
          for (int64_t j = 0; j < n; ++j) {
            size_t at = size_t(arow[vi[r * n + j]]) << 8 | vb[r * n + j];
            if (!mac->lpProducts.empty()) {
              out[i * n + j] += mac->lpProducts[at];
              nar[i * n + j] |= mac->lpNar[at];
            } else {
              out[i * n + j] += mac->intProducts[at];
            }
          }
        }
    }
    finishMma(m, rows, n, reads, writes);
    return true;
  }

  float weightF32(int64_t addr, int64_t j) const {
    float v;
    std::memcpy(&v, &weight[size_t(addr + j * 4)], 4);
    return v;
  }
  int32_t weightI32(int64_t addr, int64_t j) const {
    int32_t v;
    std::memcpy(&v, &weight[size_t(addr + j * 4)], 4);
    return v;
  }
  /// LP accumulator fixed point to float, as the interpreter converts it.
  float lpAccToF32(int64_t word, bool nar) const {
    return nar ? std::numeric_limits<float>::quiet_NaN()
               : 0.0f + float(std::ldexp(double(word),
                                         -int(target.lpAccFracBits)));
  }

  /// A drain of the rows x cols accumulator tile at `src` to `dst`: checks
  /// it, calls store(address, word, nar, column, element offset) per
  /// element and charges it, with `epilogueOps` float operations per
  /// element on the way and, with `residual` >= 0, an f32 read per element
  /// laid out like the result.
  template <typename Store>
  bool drain(int64_t src, int64_t rows, int64_t cols, int64_t dst,
             int64_t rowStride, int64_t colStride, int64_t dtypeCode,
             std::initializer_list<int64_t> weightVectors, double epilogueOps,
             int64_t residual, Store store) {
    DType dtype = DType::F32;
    if (!dtypeOf(dtypeCode, dtype) ||
        !checkExtents({rows, cols, rowStride, colStride}) ||
        rows * cols > kMaxExtent)
      return false;
    if (src % kAccWordBytes)
      return fail("accumulator address must be a multiple of 4");
    std::vector<Range> reads, writes;
    unsigned eb = dtypeBytes(dtype);
    if (!access(Space::Acc, src, rows * cols * kAccWordBytes, reads) ||
        (rows && cols &&
         !stridedAccess(Space::Dram, dst, eb, {rows, cols},
                        {rowStride, colStride}, writes)))
      return false;
    for (int64_t v : weightVectors)
      if (v >= 0 && !access(Space::Weight, v, cols * 4, reads))
        return false;
    if (residual >= 0 && rows && cols &&
        !stridedAccess(Space::Dram, residual, 4, {rows, cols},
                       {rowStride, colStride}, reads))
      return false;
    const int64_t *in = &acc[size_t(src / kAccWordBytes)];
    const uint8_t *nar = &accNar[size_t(src / kAccWordBytes)];
    for (int64_t i = 0; i < rows; ++i)
      for (int64_t j = 0; j < cols; ++j) {
        int64_t element = i * rowStride + j * colStride;
        store(dst + element * eb, dtype, in[i * cols + j],
              nar[i * cols + j] != 0, j, element);
      }
    chargeSram(rows * cols * kAccWordBytes);
    int64_t n = rows * cols;
    int64_t compute =
        int64_t(std::ceil(double(n) * epilogueOps / double(target.cols)));
    Traffic traffic;
    traffic.add(dst, n * eb);
    if (residual >= 0)
      traffic.add(residual, n * 4);
    schedule(Unit::Dma, std::max(compute, chargeTraffic(traffic)), reads,
             writes);
    return true;
  }

  bool storeAcc(const Instr &x) {
    int64_t bias = x.fields[7].i;
    return drain(x.fields[0].i, x.fields[1].i, x.fields[2].i, x.fields[3].i,
                 x.fields[4].i, x.fields[5].i, x.fields[6].i, {bias}, 0, -1,
                 [&](int64_t at, DType dtype, int64_t word, bool nar, int64_t j,
                     int64_t) {
                   if (dtype == DType::F32) { // LP accumulators
                     float v = lpAccToF32(word, nar);
                     storeF32(at, bias >= 0 ? v + weightF32(bias, j) : v);
                     return;
                   }
                   unsigned width = dtypeBytes(dtype) * 8;
                   int64_t v = saturate(word, width);
                   if (bias >= 0)
                     v = saturate(v + weightI32(bias, j), width);
                   storeInt(at, dtype, v);
                 });
  }

  bool storeAccFused(const Instr &x) {
    int64_t accBias = x.fields[7].i, bias = x.fields[10].i,
            format = x.fields[13].i, activation = x.fields[17].i,
            residual = x.fields[18].i;
    float multiply = float(x.fields[16].f);
    const std::vector<double> &scales = x.fields[8].floats;
    const std::vector<int64_t> &zeros = x.fields[9].ints;
    float lo = float(x.fields[11].f), hi = float(x.fields[12].f);
    if (zeros.size() != scales.size() ||
        (scales.size() > 1 && int64_t(scales.size()) != x.fields[2].i))
      return fail("scales and zero_points must be equally long: empty, one, "
                  "or one per column");
    if (scales.empty() && accBias >= 0)
      return fail("acc_bias needs integer accumulators (scales)");
    if (activation < 0 || activation > 2)
      return fail("activation must be 0 (none), 1 (GELU) or 2 (tanh GELU)");
    Requantization rq;
    if (format == kNoFormat && x.fields[6].i != int64_t(DType::F32))
      return fail("without a format the result is f32 (dtype 0)");
    DType dtype = DType::F32;
    if (!dtypeOf(x.fields[6].i, dtype) ||
        !requantization(format, x.fields[14].floats, x.fields[15].i, dtype, rq))
      return false;
    if (rq.on && !rq.q.f.isLP && rq.scales.size() != 1 &&
        int64_t(rq.scales.size()) != x.fields[2].i)
      return fail("out_scales must hold one scale or one per column");
    // Float operations per element and their energy.
    bool clamps = lo > -std::numeric_limits<float>::infinity() ||
                  hi < std::numeric_limits<float>::infinity();
    double ops = 0, opPj = 0;
    for (auto [on, count, pj] :
         {std::tuple{!scales.empty(), 1, target.fp32Mul},
          {multiply != 1.0f, 1, target.fp32Mul},
          {bias >= 0, 1, target.fp32Add},
          {residual >= 0, 1, target.fp32Add},
          {clamps, 2, target.fp32Add},
          {activation != 0, 8, (target.fp32Mul + target.fp32Add) / 2},
          {format != kNoFormat, 2, (target.fp32Mul + target.fp32Add) / 2}})
      if (on) {
        ops += count;
        opPj += count * pj;
      }
    bool ok =
        drain(x.fields[0].i, x.fields[1].i, x.fields[2].i, x.fields[3].i,
              x.fields[4].i, x.fields[5].i, x.fields[6].i, {accBias, bias}, ops,
              residual,
              [&](int64_t at, DType dtype, int64_t word, bool nar, int64_t j,
                  int64_t element) {
                float v;
                if (scales.empty()) {
                  v = lpAccToF32(word, nar);
                } else {
                  int64_t a = saturate(word, 32);
                  if (accBias >= 0)
                    a = saturate(a + weightI32(accBias, j), 32);
                  size_t ch = scales.size() == 1 ? 0 : size_t(j);
                  v = float(numerics::dequantize(a, scales[ch], zeros[ch]));
                }
                if (multiply != 1.0f)
                  v = v * multiply;
                if (bias >= 0)
                  v = v + weightF32(bias, j);
                if (residual >= 0)
                  v = v + loadF32(residual + element * 4);
                v = clampKeepingNaN(v, lo, hi);
                if (activation != 0)
                  v = numerics::gelu(v, activation == 2);
                if (rq.on)
                  storeInt(at, dtype, rq.q.encode(v, j));
                else
                  storeF32(at, v);
              });
    if (ok)
      charge("vector", double(x.fields[1].i * x.fields[2].i) * opPj);
    return ok;
  }

  bool im2col(const Instr &x) {
    int64_t src = x.fields[0].i, dst = x.fields[1].i, chOffset = x.fields[3].i,
            cg = x.fields[4].i;
    const auto &in = x.fields[2].ints, &kernel = x.fields[5].ints,
               &stride = x.fields[6].ints, &pad = x.fields[7].ints,
               &dil = x.fields[8].ints, &outShape = x.fields[9].ints;
    if (in.size() != 3 || kernel.size() != 2 || stride.size() != 2 ||
        pad.size() != 2 || dil.size() != 2 || outShape.size() != 2)
      return fail("input takes 3 values; kernel, strides, pads, dilations "
                  "and output take 2");
    int64_t c = in[0], ih = in[1], iw = in[2], kh = kernel[0], kw = kernel[1],
            oh = outShape[0], ow = outShape[1];
    if (!checkExtents({c, ih, iw, kh, kw, oh, ow, cg, chOffset, stride[0],
                       stride[1], dil[0], dil[1]}) ||
        chOffset + cg > c || pad[0] < 0 || pad[1] < 0 ||
        c * ih * iw > kMaxExtent || oh * ow > kMaxExtent ||
        cg * kh * kw > kMaxExtent)
      return fail("inconsistent im2col geometry");
    int64_t ck = cg * kh * kw;
    std::vector<Range> reads, writes;
    if (!access(Space::Dram, src, c * ih * iw, reads) ||
        !access(Space::Dram, dst, oh * ow * ck, writes))
      return false;
    numerics::ConvWindow window{ih,        iw,        kh,     kw,
                                stride[0], stride[1], pad[0], pad[1],
                                dil[0],    dil[1],    oh,     ow};
    window.im2col(mem(src + chOffset * ih * iw), cg, mem(dst));
    int64_t bytes = oh * ow * ck;
    schedule(Unit::Dma,
             chargeTraffic(Traffic().add(src, bytes).add(dst, bytes)), reads,
             writes);
    return true;
  }

  /// Walks `shape` row-major, calling fn(linear, offsets...) with each
  /// operand's element offset under its strides.
  template <typename Fn>
  static void walk(const std::vector<int64_t> &shape,
                   const std::vector<const std::vector<int64_t> *> &strides,
                   Fn fn) {
    size_t rank = shape.size(), ops = strides.size();
    std::vector<int64_t> idx(rank, 0), off(ops, 0);
    int64_t total = 1;
    for (int64_t d : shape)
      total *= d;
    for (int64_t linear = 0; linear < total; ++linear) {
      fn(linear, off);
      for (size_t d = rank; d-- > 0;) {
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

  bool vecBinary(const Instr &x) {
    int64_t kind = x.fields[0].i, lhs = x.fields[1].i, rhs = x.fields[2].i,
            dst = x.fields[3].i;
    const auto &shape = x.fields[4].ints, &ls = x.fields[5].ints,
               &rs = x.fields[6].ints;
    if (kind < 0 || kind > 4)
      return fail("unknown binary kind " + std::to_string(kind));
    std::vector<Range> reads, writes;
    std::vector<int64_t> contiguous(shape.size(), 0);
    if (!stridedAccess(Space::Dram, lhs, 4, shape, ls, reads) ||
        !stridedAccess(Space::Dram, rhs, 4, shape, rs, reads) ||
        !access(Space::Dram, dst, product(shape) * 4, writes))
      return false;
    walk(shape, {&ls, &rs}, [&](int64_t linear, const std::vector<int64_t> &o) {
      float a = loadF32(lhs + o[0] * 4), b = loadF32(rhs + o[1] * 4), r = 0;
      switch (kind) {
      case 0:
        r = a + b;
        break;
      case 1:
        r = a - b;
        break;
      case 2:
        r = a * b;
        break;
      case 3:
        r = std::isnan(a) || std::isnan(b) ? NAN : std::max(a, b);
        break;
      default:
        r = std::isnan(a) || std::isnan(b) ? NAN : std::min(a, b);
        break;
      }
      storeF32(dst + linear * 4, r);
    });
    int64_t n = product(shape);
    charge("vector", double(n) * (kind == 2 ? target.fp32Mul : target.fp32Add));
    // A broadcast operand is read once: its span, not n elements.
    auto span = [&](size_t k) {
      return std::min(n * 4, reads[k].hi - reads[k].lo);
    };
    Traffic t;
    t.add(lhs, span(0)).add(rhs, span(1)).add(dst, n * 4);
    schedule(Unit::Vector, vectorCycles(n, 1, t), reads, writes);
    return true;
  }

  bool vecClamp(const Instr &x) {
    int64_t src = x.fields[0].i, dst = x.fields[1].i, n = x.fields[2].i;
    float lo = float(x.fields[3].f), hi = float(x.fields[4].f);
    std::vector<Range> reads, writes;
    if (!checkExtents({n}) || !access(Space::Dram, src, n * 4, reads) ||
        !access(Space::Dram, dst, n * 4, writes))
      return false;
    for (int64_t k = 0; k < n; ++k) {
      float a = loadF32(src + k * 4);
      storeF32(dst + k * 4, clampKeepingNaN(a, lo, hi));
    }
    charge("vector", double(n) * 2 * target.fp32Add);
    schedule(Unit::Vector,
             vectorCycles(n, 1, Traffic().add(src, n * 4).add(dst, n * 4)),
             reads, writes);
    return true;
  }

  bool vecCopy(const Instr &x) {
    int64_t src = x.fields[0].i, dst = x.fields[1].i, eb = x.fields[2].i;
    const auto &shape = x.fields[3].ints, &strides = x.fields[4].ints;
    if (eb != 1 && eb != 2 && eb != 4)
      return fail("element size must be 1, 2 or 4 bytes");
    std::vector<Range> reads, writes;
    if (!stridedAccess(Space::Dram, src, unsigned(eb), shape, strides, reads) ||
        !access(Space::Dram, dst, product(shape) * eb, writes))
      return false;
    walk(shape, {&strides}, [&](int64_t linear, const std::vector<int64_t> &o) {
      std::memmove(mem(dst + linear * eb), mem(src + o[0] * eb), size_t(eb));
    });
    int64_t bytes = product(shape) * eb;
    schedule(Unit::Vector,
             vectorCycles(0, 0, Traffic().add(src, bytes).add(dst, bytes)),
             reads, writes);
    return true;
  }

  bool vecReduce(const Instr &x) {
    int64_t src = x.fields[0].i, dst = x.fields[1].i, outer = x.fields[2].i,
            len = x.fields[3].i, inner = x.fields[4].i;
    std::vector<Range> reads, writes;
    if (!checkExtents({outer, len, inner}) || outer * len > kMaxExtent ||
        outer * len * inner > kMaxExtent ||
        !access(Space::Dram, src, outer * len * inner * 4, reads) ||
        !access(Space::Dram, dst, outer * inner * 4, writes))
      return false;
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t in = 0; in < inner; ++in) {
        float sum = 0.0f;
        for (int64_t k = 0; k < len; ++k)
          sum = sum + loadF32(src + ((o * len + k) * inner + in) * 4);
        storeF32(dst + (o * inner + in) * 4, sum);
      }
    int64_t n = outer * len * inner;
    charge("vector", double(n) * target.fp32Add);
    Traffic t;
    t.add(src, n * 4).add(dst, outer * inner * 4);
    schedule(Unit::Vector, vectorCycles(n, 1, t), reads, writes);
    return true;
  }

  bool vecPool(const Instr &x) {
    int64_t kind = x.fields[0].i, src = x.fields[1].i, dst = x.fields[2].i;
    const auto &in = x.fields[4].ints, &kernel = x.fields[5].ints,
               &stride = x.fields[6].ints, &pad = x.fields[7].ints,
               &outShape = x.fields[8].ints;
    DType dtype = DType::F32;
    if (kind != 0 && kind != 1)
      return fail("pool kind must be 0 (max) or 1 (avg)");
    if (!dtypeOf(x.fields[3].i, dtype))
      return false;
    bool isMax = kind == 0, isF32 = dtype == DType::F32;
    if (!isF32 && (dtype != DType::I8 || !isMax))
      return fail("pooling takes f32, or i8 for max pooling");
    if (in.size() != 4 || kernel.size() != 2 || stride.size() != 2 ||
        pad.size() != 2 || outShape.size() != 2)
      return fail("input takes 4 values (NHWC); kernel, strides, pads and "
                  "output take 2");
    int64_t n = in[0], ih = in[1], iw = in[2], c = in[3], oh = outShape[0],
            ow = outShape[1];
    if (!checkExtents({n, ih, iw, c, oh, ow, kernel[0], kernel[1], stride[0],
                       stride[1], pad[0], pad[1]}) ||
        n * ih * iw * c > kMaxExtent || n * oh * ow * c > kMaxExtent)
      return false;
    if (kernel[0] > ih + 2 * pad[0] || kernel[1] > iw + 2 * pad[1])
      return fail("pooling window larger than the padded input");
    int64_t eb = dtypeBytes(dtype);
    std::vector<Range> reads, writes;
    if (!access(Space::Dram, src, n * ih * iw * c * eb, reads) ||
        !access(Space::Dram, dst, n * oh * ow * c * eb, writes))
      return false;
    for (int64_t b = 0; b < n; ++b)
      for (int64_t y = 0; y < oh; ++y)
        for (int64_t xo = 0; xo < ow; ++xo)
          for (int64_t ch = 0; ch < c; ++ch) {
            float accum =
                isMax ? -std::numeric_limits<float>::infinity() : 0.0f;
            int64_t maxCode = std::numeric_limits<int64_t>::min(), count = 0;
            for (int64_t ky = 0; ky < kernel[0]; ++ky)
              for (int64_t kx = 0; kx < kernel[1]; ++kx) {
                int64_t iy = y * stride[0] + ky - pad[0];
                int64_t ix = xo * stride[1] + kx - pad[1];
                if (iy < 0 || iy >= ih || ix < 0 || ix >= iw)
                  continue;
                int64_t at = src + (((b * ih + iy) * iw + ix) * c + ch) * eb;
                if (!isF32) {
                  maxCode = std::max(maxCode, loadInt(at, dtype));
                  continue;
                }
                float v = loadF32(at);
                accum = isMax ? std::max(accum, v) : accum + v;
                ++count;
              }
            int64_t at = dst + (((b * oh + y) * ow + xo) * c + ch) * eb;
            if (!isF32)
              storeInt(at, dtype, maxCode);
            else
              storeF32(at,
                       isMax ? accum : (count ? accum / float(count) : 0.0f));
          }
    int64_t outs = n * oh * ow * c, window = kernel[0] * kernel[1];
    charge("vector",
           double(outs * window) * (isF32 ? target.fp32Add : target.int8Add));
    Traffic t;
    t.add(src, n * ih * iw * c * eb).add(dst, outs * eb);
    schedule(Unit::Vector, vectorCycles(outs, double(window), t), reads,
             writes);
    return true;
  }

  /// What vec_quantize and vec_dequantize share: the integer side's dtype,
  /// the format (with its LP codec) and the per-channel parameters.
  struct QuantSide {
    DType dtype = DType::F32;
    unsigned eb = 0;
    OperandFormat f;
    std::optional<numerics::LPCodec> codec;
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
        return signExtend(codec->encode(v), f.bits);
      auto [scale, zero] = params(k);
      return signExtend(
          numerics::quantize(v, scale, zero, {f.bits, f.isSigned}),
          f.storageBits);
    }
  };

  bool quantSide(const Instr &x, int dtypeField, QuantSide &q) {
    q.count = x.fields[3].i;
    q.inner = x.fields[4].i;
    q.f = OperandFormat::unpack(x.fields[5].i);
    q.scales = &x.fields[6].floats;
    q.zeros = &x.fields[7].ints;
    if (!dtypeOf(x.fields[size_t(dtypeField)].i, q.dtype) ||
        !checkExtents({q.count, q.inner}))
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
                      DType dtype, Requantization &r) {
    r.scales = std::move(scales);
    r.zeros.assign(r.scales.size(), zero);
    r.q.dtype = dtype;
    r.q.scales = &r.scales;
    r.q.zeros = &r.zeros;
    r.on = format != kNoFormat;
    if (!r.on)
      return true;
    r.q.f = OperandFormat::unpack(format);
    return checkQuantSide(r.q);
  }

  /// Checks q's dtype, format and scales; makes its LP codec.
  bool checkQuantSide(QuantSide &q) {
    if (q.dtype == DType::F32)
      return fail("the quantized dtype must be an integer");
    if (q.inner < 1)
      return fail("inner must be >= 1");
    q.eb = dtypeBytes(q.dtype);
    if (q.f.isLP) {
      numerics::LPFormat lf{q.f.bits, q.f.es, q.f.rs, q.f.sf};
      std::string problem = lf.validate();
      if (!problem.empty())
        return fail("bad LP format: " + problem);
      q.codec.emplace(lf);
      return true;
    }
    if (q.f.bits < 1 || q.f.bits > 32 || q.f.storageBits < q.f.bits ||
        q.f.storageBits > 32)
      return fail("bad integer format " + q.f.str());
    if (q.scales->empty() || q.scales->size() != q.zeros->size())
      return fail("scales and zero_points must be non-empty and equally long");
    return true;
  }

  bool vecQuantize(const Instr &x) {
    int64_t src = x.fields[0].i, dst = x.fields[1].i;
    QuantSide q;
    if (!quantSide(x, 2, q))
      return false;
    std::vector<Range> reads, writes;
    if (!access(Space::Dram, src, q.count * 4, reads) ||
        !access(Space::Dram, dst, q.count * q.eb, writes))
      return false;
    for (int64_t k = 0; k < q.count; ++k)
      storeInt(dst + k * q.eb, q.dtype, q.encode(loadF32(src + k * 4), k));
    charge("vector", double(q.count) * (target.fp32Mul + target.fp32Add));
    Traffic t;
    t.add(src, q.count * 4).add(dst, q.count * q.eb);
    schedule(Unit::Vector, vectorCycles(q.count, 2, t), reads, writes);
    return true;
  }

  bool vecDequantize(const Instr &x) {
    int64_t src = x.fields[0].i, dst = x.fields[2].i;
    QuantSide q;
    if (!quantSide(x, 1, q))
      return false;
    std::vector<Range> reads, writes;
    if (!access(Space::Dram, src, q.count * q.eb, reads) ||
        !access(Space::Dram, dst, q.count * 4, writes))
      return false;
    for (int64_t k = 0; k < q.count; ++k) {
      int64_t v = loadInt(src + k * q.eb, q.dtype);
      if (q.codec) {
        storeF32(dst + k * 4, float(q.codec->decode(uint32_t(v) & 0xff)));
        continue;
      }
      if (!q.f.isSigned && q.f.storageBits < 64)
        v &= (int64_t(1) << q.f.storageBits) - 1;
      auto [scale, zero] = q.params(k);
      storeF32(dst + k * 4, float(numerics::dequantize(v, scale, zero)));
    }
    charge("vector", double(q.count) * target.fp32Mul);
    Traffic t;
    t.add(src, q.count * q.eb).add(dst, q.count * 4);
    schedule(Unit::Vector, vectorCycles(q.count, 1, t), reads, writes);
    return true;
  }

  bool vecLayerNorm(const Instr &x) {
    int64_t src = x.fields[0].i, dst = x.fields[1].i, rows = x.fields[2].i,
            len = x.fields[3].i, scale = x.fields[5].i, bias = x.fields[6].i,
            format = x.fields[7].i;
    float eps = float(x.fields[4].f);
    Requantization rq;
    if (!requantization(format, {x.fields[8].f}, x.fields[9].i, DType::I8, rq))
      return false;
    bool quantized = rq.on;
    int64_t ob = quantized ? 1 : 4;
    std::vector<Range> reads, writes;
    if (!checkExtents({rows, len}) || len < 1 || rows * len > kMaxExtent ||
        !access(Space::Dram, src, rows * len * 4, reads) ||
        !access(Space::Dram, dst, rows * len * ob, writes) ||
        (scale >= 0 && !access(Space::Dram, scale, len * 4, reads)) ||
        (bias >= 0 && !access(Space::Dram, bias, len * 4, reads)))
      return false;
    std::vector<float> row(static_cast<size_t>(len));
    for (int64_t r = 0; r < rows; ++r) {
      for (int64_t k = 0; k < len; ++k)
        row[size_t(k)] = loadF32(src + (r * len + k) * 4);
      float mean = 0, var = 0;
      for (float v : row)
        mean += v;
      mean /= float(len);
      for (float v : row)
        var += (v - mean) * (v - mean);
      var /= float(len);
      float inv = 1.0f / std::sqrt(var + eps);
      for (int64_t k = 0; k < len; ++k) {
        float y = (row[size_t(k)] - mean) * inv;
        if (scale >= 0)
          y *= loadF32(scale + k * 4);
        if (bias >= 0)
          y += loadF32(bias + k * 4);
        if (quantized)
          storeInt(dst + r * len + k, DType::I8, rq.q.encode(y, 0));
        else
          storeF32(dst + (r * len + k) * 4, y);
      }
    }
    int64_t n = rows * len;
    charge("vector",
           double(n) * (3 * target.fp32Add + 2 * target.fp32Mul +
                        (quantized ? target.fp32Mul + target.fp32Add : 0.0)));
    Traffic t;
    t.add(src, n * 4).add(dst, n * ob);
    if (scale >= 0)
      t.add(scale, len * 4);
    if (bias >= 0)
      t.add(bias, len * 4);
    schedule(Unit::Vector, vectorCycles(n, quantized ? 7 : 5, t), reads,
             writes);
    return true;
  }

  bool vecGelu(const Instr &x) {
    int64_t src = x.fields[0].i, dst = x.fields[1].i, n = x.fields[2].i;
    bool tanhForm = x.fields[3].i != 0;
    std::vector<Range> reads, writes;
    if (!checkExtents({n}) || !access(Space::Dram, src, n * 4, reads) ||
        !access(Space::Dram, dst, n * 4, writes))
      return false;
    for (int64_t i = 0; i < n; ++i)
      storeF32(dst + i * 4, numerics::gelu(loadF32(src + i * 4), tanhForm));
    charge("vector", double(n) * 4 * (target.fp32Add + target.fp32Mul));
    schedule(Unit::Vector,
             vectorCycles(n, 8, Traffic().add(src, n * 4).add(dst, n * 4)),
             reads, writes);
    return true;
  }

  bool lutSoftmax(const Instr &x) {
    int64_t src = x.fields[0].i, dst = x.fields[2].i, outer = x.fields[4].i,
            len = x.fields[5].i, inner = x.fields[6].i, method = x.fields[7].i;
    DType srcType = DType::F32, dstType = DType::F32;
    if (!dtypeOf(x.fields[1].i, srcType) || !dtypeOf(x.fields[3].i, dstType))
      return false;
    if (dstType == DType::F32)
      return fail("probabilities are stored as integers");
    if (method != 0 && method != 1)
      return fail("method must be 0 (rexp) or 1 (lut2d)");
    numerics::LutSoftmaxTables t;
    t.method = method == 0 ? numerics::SoftmaxMethod::Rexp
                           : numerics::SoftmaxMethod::Lut2D;
    t.inputScale = x.fields[8].f;
    t.step = x.fields[9].f;
    if (x.fields[10].i < 1 || x.fields[10].i > 16 || x.fields[11].i < -1 ||
        x.fields[11].i > 63 || x.fields[12].i < -1 || x.fields[12].i > 63 ||
        x.fields[15].i < 0 || x.fields[15].i > 4096 || x.fields[16].i < 1 ||
        x.fields[16].i > 4096)
      return fail("softmax unit parameters out of range");
    t.outBits = unsigned(x.fields[10].i);
    t.sumShift = int(x.fields[11].i);
    t.outShift = int(x.fields[12].i);
    for (int64_t v : x.fields[13].ints)
      t.expTable.push_back(int32_t(v));
    for (int64_t v : x.fields[14].ints)
      t.normTable.push_back(int32_t(v));
    t.normRows = unsigned(x.fields[15].i);
    t.normCols = unsigned(x.fields[16].i);
    std::string problem = t.validate();
    if (!problem.empty())
      return fail("bad tables: " + problem);
    // The optional requantization: dequantize, then quantize.
    double probScale = x.fields[17].f;
    int64_t probZero = x.fields[18].i;
    Requantization rq;
    if (!requantization(x.fields[19].i, {x.fields[20].f}, x.fields[21].i,
                        dstType, rq))
      return false;
    bool requantized = rq.on;
    std::vector<Range> reads, writes;
    unsigned sb = dtypeBytes(srcType), db = dtypeBytes(dstType);
    if (!checkExtents({outer, len, inner}) || len < 1 ||
        outer * len > kMaxExtent || outer * len * inner > kMaxExtent)
      return false;
    int64_t n = outer * len * inner;
    if (!access(Space::Dram, src, n * sb, reads) ||
        !access(Space::Dram, dst, n * db, writes))
      return false;
    std::vector<double> row(static_cast<size_t>(len));
    std::vector<int32_t> probs(static_cast<size_t>(len));
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t in = 0; in < inner; ++in) {
        for (int64_t k = 0; k < len; ++k) {
          int64_t at = (o * len + k) * inner + in;
          row[size_t(k)] = srcType == DType::F32
                               ? double(loadF32(src + at * 4))
                               : double(loadInt(src + at * sb, srcType));
        }
        numerics::evalLutSoftmaxRow(t, row.data(), row.size(), probs.data());
        for (int64_t k = 0; k < len; ++k) {
          int64_t at = dst + ((o * len + k) * inner + in) * db;
          if (!requantized) {
            storeInt(at, dstType, probs[size_t(k)]);
            continue;
          }
          float v = float(
              numerics::dequantize(probs[size_t(k)], probScale, probZero));
          storeInt(at, dstType, rq.q.encode(v, 0));
        }
      }
    charge("lut", double(n) * 2 * target.lutRead8b);
    charge("vector",
           double(n) *
               (2 * target.int8Add +
                (requantized ? 2 * target.fp32Mul + target.fp32Add : 0.0)));
    schedule(Unit::Vector,
             vectorCycles(n, requantized ? 5 : 2,
                          Traffic().add(src, n * sb).add(dst, n * db)),
             reads, writes);
    return true;
  }

  bool execute(const Instr &x) {
    switch (x.opcode) {
    case Opcode::DmaLoad:
      return dmaLoad(x);
    case Opcode::ConfigMma:
      return configMma(x);
    case Opcode::Mma:
      return mma(x);
    case Opcode::StoreAccFused:
      return storeAccFused(x);
    case Opcode::StoreAcc:
      return storeAcc(x);
    case Opcode::Im2col:
      return im2col(x);
    case Opcode::VecBinary:
      return vecBinary(x);
    case Opcode::VecClamp:
      return vecClamp(x);
    case Opcode::VecCopy:
      return vecCopy(x);
    case Opcode::VecReduce:
      return vecReduce(x);
    case Opcode::VecPool:
      return vecPool(x);
    case Opcode::VecQuantize:
      return vecQuantize(x);
    case Opcode::VecDequantize:
      return vecDequantize(x);
    case Opcode::VecLayerNorm:
      return vecLayerNorm(x);
    case Opcode::VecGelu:
      return vecGelu(x);
    case Opcode::LutSoftmax:
      return lutSoftmax(x);
    case Opcode::MmaNM:
      return mmaNM(x);
    case Opcode::MmaActNM:
      return mma(x, /*actNM=*/true);
    case Opcode::Fence:
      schedule(Unit::Control, 0, {}, {});
      return true;
    }
    return fail("unknown opcode");
  }
};

Simulator::Simulator(const Program &program)
    : impl(std::make_unique<Impl>(program)) {}
Simulator::~Simulator() = default;

const Stats &Simulator::stats() const { return impl->stats; }
void Simulator::enableTrace(bool on) { impl->tracing = on; }
void Simulator::enableProfile(bool on) {
  impl->profiling = on;
  impl->costs.resize(on ? impl->program.code.size() : 0);
}
const std::vector<InstrCost> &Simulator::profile() const { return impl->costs; }
const std::vector<TraceEvent> &Simulator::trace() const { return impl->events; }

bool Simulator::run(const std::vector<std::vector<uint8_t>> &inputs,
                    std::vector<std::vector<uint8_t>> &outputs,
                    std::string &error) {
  Impl &s = *impl;
  const Program &p = s.program;
  if (inputs.size() != p.inputs.size()) {
    error = "the program takes " + std::to_string(p.inputs.size()) +
            " inputs, got " + std::to_string(inputs.size());
    return false;
  }
  std::fill(s.dram.begin(), s.dram.end(), 0);
  std::fill(s.scratch.begin(), s.scratch.end(), 0);
  for (const Segment &seg : p.constants)
    std::copy(seg.bytes.begin(), seg.bytes.end(), s.dram.begin() + seg.addr);
  for (size_t k = 0; k < inputs.size(); ++k) {
    if (int64_t(inputs[k].size()) != p.inputs[k].bytes()) {
      error = "input " + std::to_string(k) + " has " +
              std::to_string(inputs[k].size()) + " bytes, expected " +
              std::to_string(p.inputs[k].bytes());
      return false;
    }
    std::copy(inputs[k].begin(), inputs[k].end(),
              s.dram.begin() + p.inputs[k].addr);
  }
  s.mac = nullptr;
  s.error = &error;
  s.runStart = s.stats.cycles;
  for (s.index = 0; s.index < p.code.size(); ++s.index) {
    const Instr &instr = p.code[s.index];
    s.spec = findOp(instr.opcode);
    if (!s.spec || s.spec->fields.size() != instr.fields.size()) {
      error = "instruction " + std::to_string(s.index) + " is malformed";
      return false;
    }
    double before = s.totalPj;
    if (!s.execute(instr))
      return false;
    if (s.profiling)
      s.costs[s.index].energyPj += s.totalPj - before;
  }
  int64_t end = s.runStart;
  for (int64_t t : s.unitFree)
    end = std::max(end, t);
  s.stats.cycles = end;
  ++s.stats.runs;
  outputs.clear();
  for (const IoDesc &d : p.outputs)
    outputs.emplace_back(s.dram.begin() + d.addr,
                         s.dram.begin() + d.addr + d.bytes());
  return true;
}

std::string kite::rt::traceJson(const std::vector<TraceEvent> &events,
                                const TargetParams &target) {
  std::ostringstream os;
  os.precision(12);
  double usPerCycle = 1.0 / double(target.clockMhz);
  os << "{\"displayTimeUnit\":\"ns\",\"traceEvents\":[";
  const char *units[] = {"dma", "array", "vector", "control"};
  for (int u = 0; u < 4; ++u)
    os << (u ? "," : "")
       << "{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":0,\"tid\":" << u
       << ",\"args\":{\"name\":\"" << units[u] << "\"}}";
  for (const TraceEvent &e : events)
    os << ",{\"name\":\"" << e.name
       << "\",\"ph\":\"X\",\"pid\":0,\"tid\":" << int(e.unit)
       << ",\"ts\":" << double(e.start) * usPerCycle
       << ",\"dur\":" << double(e.end - e.start) * usPerCycle << "}";
  os << "]}\n";
  return os.str();
}
