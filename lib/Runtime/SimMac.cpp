//===- SimMac.cpp - the MAC array and its drain ---------------------------===//
//
// config_mma, mma, mma_nm, mma_act_nm (exact, approximate and LP
// products), store_acc / store_acc_fused (the drain and its epilogue) and
// im2col.
//
//===----------------------------------------------------------------------===//

#include "SimulatorImpl.h"

#include "kite/Numerics/Binary.h"
#include "kite/Numerics/Gemm.h"

#include <algorithm>
#include <climits>

using namespace kite::rt;
using kite::numerics::signExtend;
namespace numerics = kite::numerics;

bool Simulator::Impl::configMma(const Instr &x) {
  const decoded::ConfigMma d(x);
  auto key = std::make_tuple(d.lhs_format, d.rhs_format, d.multiplier);
  auto it = macConfigs.find(key);
  if (it == macConfigs.end()) {
    MacConfig config;
    if (!buildMacConfig(OperandFormat::unpack(d.lhs_format),
                        OperandFormat::unpack(d.rhs_format), d.multiplier,
                        config))
      return false;
    it = macConfigs.emplace(key, std::move(config)).first;
  }
  mac = &it->second;
  schedule(Unit::Array, 1, {}, {});
  return true;
}

bool Simulator::Impl::buildMacConfig(const OperandFormat &a,
                                     const OperandFormat &w,
                                     const std::string &name,
                                     MacConfig &config) {
  for (auto [f, codec] :
       {std::pair{&a, &config.lhsCodec}, {&w, &config.rhsCodec}}) {
    if (f->isLP) {
      std::string problem =
          numerics::LPFormat{f->bits, f->es, f->rs, f->sf}.validate();
      if (!problem.empty() || f->bits > 8)
        return fail("bad LP operand format " + f->str() + " " + problem);
      *codec = &numerics::LPCodec::shared(
          numerics::LPFormat{f->bits, f->es, f->rs, f->sf});
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
      config.multiplier = numerics::Multiplier::shared(
          name, {a.bits, a.isSigned}, {w.bits, w.isSigned}, &problem);
      if (!config.multiplier)
        return fail(problem);
      relative = config.multiplier->relativeEnergy();
    }
    config.energyPj = target.intMacPj(a.bits, w.bits, relative);
  }
  config.lhs = a;
  config.rhs = w;
  if (!a.isLP) {
    for (unsigned byte = 0; byte < 256; ++byte) {
      int64_t av = operandValue(a, uint8_t(byte)),
              wv = operandValue(w, uint8_t(byte));
      config.lhsValue[byte] = float(av);
      config.rhsValue[byte] = float(wv);
      config.lhsValid[byte] = inFormat(a, av);
      config.rhsValid[byte] = inFormat(w, wv);
    }
    auto magnitude = [](const OperandFormat &f) {
      return f.isSigned ? uint64_t(1) << (f.bits - 1)
                        : (uint64_t(1) << f.bits) - 1;
    };
    config.exactTerms = numerics::exactFloatTerms(magnitude(a), magnitude(w));
  }
  config.component = "mac " + a.str() + "x" + w.str() + " " + name;
  if (a.isLP) {
    config.lpProducts = &numerics::LPProductTable::shared(
        *config.lhsCodec, *config.rhsCodec, int(target.lpAccFracBits));
  }
  return true;
}

bool Simulator::Impl::checkOperands(const OperandFormat &f,
                                    const std::array<bool, 256> &valid,
                                    const uint8_t *bytes, int64_t count) {
  // Formats that fill their storage byte hold every byte.
  if (f.bits == f.storageBits && f.storageBits == 8)
    return true;
  for (int64_t e = 0; e < count; ++e)
    if (!valid[bytes[e]])
      return fail("operand value " + std::to_string(operandValue(f, bytes[e])) +
                  " is outside " + f.str());
  return true;
}

bool Simulator::Impl::mma(const Instr &x, bool actNM) {
  int64_t a, b, c, m, k, n, keep = 0, group = 0, threshold = 0;
  bool accumulate;
  // mma_act_nm is mma with the selection's fields.
  auto common = [&](const auto &d) {
    a = d.a, b = d.b, c = d.c, m = d.m, k = d.k, n = d.n;
    accumulate = d.accumulate != 0;
  };
  const std::vector<int64_t> *prior = nullptr;
  if (actNM) {
    const decoded::MmaActNM d(x);
    common(d);
    keep = d.keep, group = d.group, threshold = d.threshold;
    prior = &d.prior;
  } else {
    common(decoded::Mma(x));
  }
  if (!mac)
    return fail("no config_mma before the first mma");
  std::vector<numerics::NMPattern> series;
  if (actNM) {
    if (prior->size() % 2)
      return fail("prior must hold (keep, group) pairs");
    for (size_t t = 0; t <= prior->size(); t += 2) {
      int64_t termKeep = t < prior->size() ? (*prior)[t] : keep,
              termGroup = t < prior->size() ? (*prior)[t + 1] : group;
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
  if (!checkExtents({m, k, n}, {{m, k}, {k, n}, {m, n}, {m, k, n}}))
    return false;
  if (m < 1 || k < 1 || n < 1)
    return fail("empty product (m, k and n must be >= 1)");
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
  // Range checks; LP codes are all valid.
  if (!mac->lhs.isLP &&
      (!checkOperands(mac->lhs, mac->lhsValid, &act[size_t(a)], m * k) ||
       !checkOperands(mac->rhs, mac->rhsValid, &weight[size_t(b)], k * n)))
    return false;
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
  if (mac->lpProducts) {
    mac->lpProducts->accumulate(m, k, n, wa, ww, out, nar);
  } else if (mac->multiplier) {
    // The shared multiplier's products by operand byte: a stored in-range
    // operand's byte is its value's low 8 bits (the operands were checked).
    mac->multiplier->accumulate(m, k, n, wa, ww, out);
  } else {
    // Exact integers: a float GEMM per run of the reduction short enough
    // for every partial sum to be exact, added to the 64-bit accumulators
    // (bit for bit an integer loop). The operands were range-checked above.
    exactA.resize(size_t(m * k));
    exactW.resize(size_t(k * n));
    numerics::lookupFloats(wa, m * k, mac->lhsValue.data(), exactA.data());
    numerics::lookupFloats(ww, k * n, mac->rhsValue.data(), exactW.data());
    numerics::addExactProduct(m, n, k, {exactA.data(), k}, {exactW.data(), n},
                              mac->exactTerms, out);
  }
  finishMma(m, keep ? ceilDiv(k, group) * keep : k, n, reads, writes);
  return true;
}

void Simulator::Impl::finishMma(int64_t m, int64_t k, int64_t n,
                                const std::vector<Range> &reads,
                                const std::vector<Range> &writes) {
  int64_t macs = m * k * n;
  stats.macs += macs;
  charge(mac->component, double(macs) * mac->energyPj);
  int64_t colPasses = ceilDiv(n, target.cols),
          rowPasses = ceilDiv(k, target.rows);
  chargeSram(m * k * colPasses + k * n + 2 * m * n * rowPasses * kAccWordBytes);
  int64_t cycles = std::max<int64_t>(
      colPasses * rowPasses * (m + target.rows) + target.cols, 1);
  schedule(Unit::Array, cycles, reads, writes);
}

bool Simulator::Impl::mmaNM(const Instr &x) {
  const decoded::MmaNM d(x);
  int64_t a = d.a, b = d.b, idx = d.index, c = d.c, m = d.m, k = d.k, n = d.n,
          keep = d.keep, group = d.group;
  bool accumulate = d.accumulate != 0;
  if (!mac)
    return fail("no config_mma before the first mma_nm");
  if (!checkExtents({m, k, n}, {{m, k}, {k, n}, {m, n}, {m, k, n}}))
    return false;
  if (m < 1 || k < 1 || n < 1)
    return fail("empty product (m, k and n must be >= 1)");
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
      unpacked[size_t(r * n + j)] =
          uint8_t(nmIndexAt(&weight[size_t(idx + r * indexRowBytes)], j, bits));
  const uint8_t *va = &act[size_t(a)], *vb = &weight[size_t(b)],
                *vi = unpacked.data();
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t j = 0; j < n; ++j)
      if (vi[r * n + j] >= group || (r / keep) * group + vi[r * n + j] >= k)
        return fail("index " + std::to_string(vi[r * n + j]) + " of row " +
                    std::to_string(r) + " lies outside its group");
  if (!mac->lhs.isLP && (!checkOperands(mac->lhs, mac->lhsValid, va, m * k) ||
                         !checkOperands(mac->rhs, mac->rhsValid, vb, rows * n)))
    return false;
  int64_t *out = &acc[size_t(c / kAccWordBytes)];
  uint8_t *nar = &accNar[size_t(c / kAccWordBytes)];
  if (!accumulate) {
    std::fill(out, out + m * n, 0);
    std::fill(nar, nar + m * n, 0);
  }
  if (!mac->lpProducts && !mac->multiplier) {
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
          uint8_t x = arow[vi[r * n + j]], y = vb[r * n + j];
          if (mac->lpProducts) {
            out[i * n + j] += mac->lpProducts->product(x, y);
            nar[i * n + j] |= mac->lpProducts->isNaR(x, y);
          } else {
            out[i * n + j] +=
                mac->multiplier->byteProducts()->table[size_t(x) << 8 | y];
          }
        }
      }
  }
  finishMma(m, rows, n, reads, writes);
  return true;
}

float Simulator::Impl::weightF32(int64_t addr, int64_t j) const {
  float v;
  std::memcpy(&v, &weight[size_t(addr + j * 4)], 4);
  return v;
}

int32_t Simulator::Impl::weightI32(int64_t addr, int64_t j) const {
  int32_t v;
  std::memcpy(&v, &weight[size_t(addr + j * 4)], 4);
  return v;
}

float Simulator::Impl::lpAccToF32(int64_t word, bool nar) const {
  return nar ? std::numeric_limits<float>::quiet_NaN()
             : 0.0f +
                   float(std::ldexp(double(word), -int(target.lpAccFracBits)));
}

template <typename Store>
bool Simulator::Impl::drain(int64_t src, int64_t rows, int64_t cols,
                            int64_t dst, int64_t rowStride, int64_t colStride,
                            int64_t dtypeCode,
                            std::initializer_list<int64_t> weightVectors,
                            double epilogueOps, int64_t residual, Store store) {
  DType dtype = DType::F32;
  if (!dtypeOf(dtypeCode, dtype) ||
      !checkExtents({rows, cols, rowStride, colStride}, {{rows, cols}}))
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
    store(i, in + i * cols, nar + i * cols, dtype);
  chargeSram(rows * cols * kAccWordBytes);
  int64_t n = rows * cols;
  int64_t compute =
      int64_t(std::ceil(double(n) * epilogueOps / double(target.cols)));
  Traffic traffic;
  traffic.add(dst, n * eb);
  if (residual >= 0)
    traffic.add(residual, n * 4);
  schedule(Unit::Dma, std::max(compute, chargeTraffic(traffic)), reads, writes);
  return true;
}

bool Simulator::Impl::storeAcc(const Instr &x) {
  const decoded::StoreAcc d(x);
  int64_t bias = d.bias, cols = d.cols;
  return drain(
      d.src, d.rows, cols, d.dst, d.row_stride, d.col_stride, d.dtype, {bias},
      0, -1,
      [&](int64_t i, const int64_t *word, const uint8_t *nar, DType dtype) {
        unsigned eb = dtypeBytes(dtype);
        for (int64_t j = 0; j < cols; ++j) {
          int64_t at = d.dst + (i * d.row_stride + j * d.col_stride) * eb;
          if (dtype == DType::F32) { // LP accumulators
            float v = lpAccToF32(word[j], nar[j] != 0);
            storeF32(at, bias >= 0 ? v + weightF32(bias, j) : v);
            continue;
          }
          int64_t v = saturate(word[j], eb * 8);
          if (bias >= 0)
            v = saturate(v + weightI32(bias, j), eb * 8);
          storeInt(at, dtype, v);
        }
      });
}

namespace {
/// The drain's dequantization of a row of accumulator words, step for step
/// as saturate() and numerics::dequantize do it (the subtraction in double
/// is exact: the sums are saturated to 32 bits and the zero points are
/// below 2^31), without branches so it vectorizes.
__attribute__((target_clones("avx512f", "avx2", "default"))) void
dequantizeRow(const int64_t *words, const int32_t *accBias, const double *scale,
              const double *zero, int64_t n, float *out) {
  constexpr int64_t lo = INT32_MIN, hi = INT32_MAX;
  if (accBias) {
    for (int64_t j = 0; j < n; ++j) {
      int64_t a = std::clamp(std::clamp(words[j], lo, hi) + accBias[j], lo, hi);
      out[j] = float((double(int32_t(a)) - zero[j]) * scale[j]);
    }
    return;
  }
  for (int64_t j = 0; j < n; ++j) {
    int64_t a = std::clamp(words[j], lo, hi);
    out[j] = float((double(int32_t(a)) - zero[j]) * scale[j]);
  }
}
} // namespace

bool Simulator::Impl::storeAccFused(const Instr &x) {
  const decoded::StoreAccFused d(x);
  int64_t accBias = d.acc_bias, bias = d.bias, format = d.format,
          activation = d.activation, residual = d.residual;
  float multiply = float(d.multiply), alpha = float(d.alpha);
  const std::vector<double> &scales = d.scales;
  const std::vector<int64_t> &zeros = d.zero_points;
  float lo = float(d.clamp_min), hi = float(d.clamp_max);
  if (zeros.size() != scales.size() ||
      (scales.size() > 1 && int64_t(scales.size()) != d.cols))
    return fail("scales and zero_points must be equally long: empty, one, "
                "or one per column");
  if (scales.empty() && accBias >= 0)
    return fail("acc_bias needs integer accumulators (scales)");
  if (activation < 0 || activation > 3)
    return fail("activation must be 0 (none), 1 (GELU), 2 (tanh GELU) or 3 "
                "(leaky ReLU)");
  if (activation == 3 && !(alpha > 0 && alpha < 1))
    return fail("a leaky activation needs 0 < alpha < 1");
  Requantization rq;
  if (format == kNoFormat && d.dtype != int64_t(DType::F32))
    return fail("without a format the result is f32 (dtype 0)");
  DType dtype = DType::F32;
  if (!dtypeOf(d.dtype, dtype) ||
      !requantization(format, d.out_scales, d.out_zero_point, dtype, rq))
    return false;
  if (rq.on && !rq.q.f.isLP && rq.scales.size() != 1 &&
      int64_t(rq.scales.size()) != d.cols)
    return fail("out_scales must hold one scale or one per column");
  const std::vector<int64_t> &table = d.table;
  if (!table.empty() && (dtype != DType::I8 || rq.q.f.isLP))
    return fail("a table needs int8 results");
  if (!table.empty() && !checkLutTable(table))
    return false;
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
        {activation == 1 || activation == 2, 8,
         (target.fp32Mul + target.fp32Add) / 2},
        {activation == 3, 1, target.fp32Mul}, // x * alpha
        {activation == 3, 1, target.fp32Add}, // the max, priced as a compare
        {format != kNoFormat, 2, (target.fp32Mul + target.fp32Add) / 2},
        {!table.empty(), 1, 0.0}}) // a lookup: energy to the LUT unit
    if (on) {
      ops += count;
      opPj += count * pj;
    }
  // A row at a time, one loop per step that applies (the checks out of
  // the loops): per element the same operations in the same order as the
  // definition, so the same bits.
  int64_t cols = d.cols;
  std::vector<float> v;
  std::vector<int32_t> codes, colBias;
  std::vector<double> colScale, colZero;
  bool smallZeros = std::all_of(zeros.begin(), zeros.end(), [](int64_t z) {
    return z > -(int64_t(1) << 31) && z < (int64_t(1) << 31);
  });
  bool ok = drain(
      d.src, d.rows, cols, d.dst, d.row_stride, d.col_stride, d.dtype,
      {accBias, bias}, ops, residual,
      [&](int64_t i, const int64_t *word, const uint8_t *nar, DType dtype) {
        v.resize(size_t(cols));
        if (scales.empty()) {
          for (int64_t j = 0; j < cols; ++j)
            v[j] = lpAccToF32(word[j], nar[j] != 0);
        } else {
          bool one = scales.size() == 1;
          if (i == 0) { // once per instruction; drain checked the extents
            colScale.resize(size_t(cols));
            colZero.resize(size_t(cols));
            colBias.assign(accBias >= 0 ? size_t(cols) : 0, 0);
            for (int64_t j = 0; j < cols; ++j) {
              size_t ch = one ? 0 : size_t(j);
              colScale[j] = scales[ch];
              colZero[j] = double(zeros[ch]);
              if (accBias >= 0)
                colBias[j] = weightI32(accBias, j);
            }
          }
          if (smallZeros) {
            dequantizeRow(word, accBias >= 0 ? colBias.data() : nullptr,
                          colScale.data(), colZero.data(), cols, v.data());
          } else {
            for (int64_t j = 0; j < cols; ++j) {
              int64_t a = saturate(word[j], 32);
              if (accBias >= 0)
                a = saturate(a + colBias[j], 32);
              size_t ch = one ? 0 : size_t(j);
              v[j] = float(numerics::dequantize(a, scales[ch], zeros[ch]));
            }
          }
        }
        if (multiply != 1.0f)
          for (float &x : v)
            x = x * multiply;
        if (bias >= 0)
          for (int64_t j = 0; j < cols; ++j)
            v[j] = v[j] + weightF32(bias, j);
        int64_t row = i * d.row_stride, step = d.col_stride;
        if (residual >= 0)
          for (int64_t j = 0; j < cols; ++j)
            v[j] = v[j] + loadF32(residual + (row + j * step) * 4);
        if (clamps)
          for (float &x : v)
            x = clampKeepingNaN(x, lo, hi);
        if (activation == 3)
          for (float &x : v)
            x = numerics::applyBinary(numerics::BinaryFn::Max, x, x * alpha);
        else if (activation != 0)
          for (float &x : v)
            x = numerics::gelu(x, activation == 2);
        if (!rq.on) {
          for (int64_t j = 0; j < cols; ++j)
            storeF32(d.dst + (row + j * step) * 4, v[j]);
          return;
        }
        // Integer formats: one scale, or one per column (checked).
        unsigned eb = dtypeBytes(dtype);
        bool one = rq.scales.size() == 1;
        numerics::IntFormat format{rq.q.f.bits, rq.q.f.isSigned};
        if (!rq.q.codec && one &&
            numerics::quantizeRowFits(rq.zeros[0], format)) {
          codes.resize(size_t(cols));
          numerics::quantizeRow(v.data(), cols, rq.scales[0], rq.zeros[0],
                                format, codes.data());
          // The result lies in one memory (drain checked its range).
          uint8_t *out = mem(d.dst);
          for (int64_t j = 0; j < cols; ++j) {
            int64_t code = numerics::signExtend(codes[j], rq.q.f.storageBits);
            storeIntAt(out + (row + j * step) * eb, dtype,
                       table.empty() ? code : table[size_t(code + 128)]);
          }
          return;
        }
        for (int64_t j = 0; j < cols; ++j) {
          size_t och = one ? 0 : size_t(j);
          int64_t code =
              rq.q.codec ? rq.q.encode(v[j], j)
                         : rq.q.encodeWith(v[j], rq.scales[och], rq.zeros[och]);
          storeInt(d.dst + (row + j * step) * eb, dtype,
                   table.empty() ? code : table[size_t(code + 128)]);
        }
      });
  if (ok) {
    double n = double(d.rows * d.cols);
    charge("vector", n * opPj);
    if (!table.empty())
      charge("lut", n * target.lutRead8b);
  }
  return ok;
}

bool Simulator::Impl::im2col(const Instr &x) {
  const decoded::Im2col d(x);
  int64_t src = d.src, dst = d.dst, chOffset = d.channel_offset,
          cg = d.group_channels;
  const auto &in = d.input, &kernel = d.kernel, &stride = d.strides,
             &pad = d.pads, &dil = d.dilations, &outShape = d.output;
  if (in.size() != 3 || kernel.size() != 2 || stride.size() != 2 ||
      pad.size() != 2 || dil.size() != 2 || outShape.size() != 2)
    return fail("input takes 3 values; kernel, strides, pads, dilations "
                "and output take 2");
  int64_t c = in[0], ih = in[1], iw = in[2], kh = kernel[0], kw = kernel[1],
          oh = outShape[0], ow = outShape[1];
  if (!checkExtents({c, ih, iw, kh, kw, oh, ow, cg, chOffset, stride[0],
                     stride[1], dil[0], dil[1], pad[0], pad[1]},
                    {{c, ih, iw},
                     {oh, ow, cg, kh, kw},
                     {oh, stride[0]},
                     {ow, stride[1]},
                     {kh, dil[0]},
                     {kw, dil[1]}}))
    return false;
  if (chOffset + cg > c)
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
  schedule(Unit::Dma, chargeTraffic(Traffic().add(src, bytes).add(dst, bytes)),
           reads, writes);
  return true;
}
