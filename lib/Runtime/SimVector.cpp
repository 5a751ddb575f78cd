//===- SimVector.cpp - the vector and LUT units ---------------------------===//
//
// vec_binary, vec_compare, vec_select, vec_clamp, vec_reduce, vec_pool,
// vec_quantize, vec_dequantize, vec_layer_norm, vec_gelu, vec_unary, vec_lut
// and lut_softmax.
//
//===----------------------------------------------------------------------===//

#include "SimulatorImpl.h"
#include "kite/Numerics/Binary.h"
#include "kite/Numerics/LayerNorm.h"
#include "kite/Numerics/Reduce.h"
#include "kite/Numerics/Unary.h"

using namespace kite::rt;
using kite::numerics::signExtend;
namespace numerics = kite::numerics;

bool Simulator::Impl::vecBinary(const Instr &x) {
  const decoded::VecBinary d(x);
  int64_t kind = d.kind, lhs = d.lhs, rhs = d.rhs, dst = d.dst;
  const auto &shape = d.shape, &ls = d.lhs_strides, &rs = d.rhs_strides;
  if (kind < 0 || kind >= numerics::kNumBinaryFns)
    return fail("unknown binary kind " + std::to_string(kind));
  auto fn = numerics::BinaryFn(kind);
  std::vector<Range> reads, writes;
  if (!stridedAccess(Space::Dram, lhs, 4, shape, ls, reads) ||
      !stridedAccess(Space::Dram, rhs, 4, shape, rs, reads) ||
      !access(Space::Dram, dst, product(shape) * 4, writes))
    return false;
  // A row at a time, the function chosen outside the loop; elements in the
  // same order as one at a time (dst may be an operand).
  int64_t la = shape.empty() ? 0 : ls.back() * 4,
          ra = shape.empty() ? 0 : rs.back() * 4;
  numerics::withBinaryFn(fn, [&](auto f) {
    walkRows(shape, {&ls, &rs},
             [&](int64_t linear, const std::vector<int64_t> &o, int64_t n) {
               const uint8_t *a = mem(lhs + o[0] * 4), *b = mem(rhs + o[1] * 4);
               uint8_t *c = mem(dst + linear * 4);
               for (int64_t k = 0; k < n; ++k) {
                 float x, y;
                 std::memcpy(&x, a + k * la, 4);
                 std::memcpy(&y, b + k * ra, 4);
                 float r = numerics::applyBinary(decltype(f)::value, x, y);
                 std::memcpy(c + k * 4, &r, 4);
               }
             });
  });
  int64_t n = product(shape);
  int ops = numerics::binaryOps(fn);
  double perOp = fn == numerics::BinaryFn::Mul ? target.fp32Mul
                 : ops > 1 ? (target.fp32Add + target.fp32Mul) / 2
                           : target.fp32Add;
  charge("vector", double(n) * ops * perOp);
  Traffic t;
  t.add(lhs, operandBytes(reads[0], n, 4))
      .add(rhs, operandBytes(reads[1], n, 4))
      .add(dst, n * 4);
  schedule(Unit::Vector, vectorCycles(n, ops, t), reads, writes);
  return true;
}

bool Simulator::Impl::vecCompare(const Instr &x) {
  const decoded::VecCompare d(x);
  int64_t kind = d.kind, lhs = d.lhs, rhs = d.rhs, dst = d.dst;
  const auto &shape = d.shape, &ls = d.lhs_strides, &rs = d.rhs_strides;
  if (kind < 0 || kind >= numerics::kNumCompareFns)
    return fail("unknown comparison kind " + std::to_string(kind));
  auto fn = numerics::CompareFn(kind);
  std::vector<Range> reads, writes;
  if (!stridedAccess(Space::Dram, lhs, 4, shape, ls, reads) ||
      !stridedAccess(Space::Dram, rhs, 4, shape, rs, reads) ||
      !access(Space::Dram, dst, product(shape), writes))
    return false;
  walk(shape, {&ls, &rs}, [&](int64_t linear, const std::vector<int64_t> &o) {
    storeInt(dst + linear, DType::I8,
             numerics::applyCompare(fn, loadF32(lhs + o[0] * 4),
                                    loadF32(rhs + o[1] * 4)));
  });
  int64_t n = product(shape);
  charge("vector", double(n) * target.fp32Add);
  Traffic t;
  t.add(lhs, operandBytes(reads[0], n, 4))
      .add(rhs, operandBytes(reads[1], n, 4))
      .add(dst, n);
  schedule(Unit::Vector, vectorCycles(n, 1, t), reads, writes);
  return true;
}

bool Simulator::Impl::vecSelect(const Instr &x) {
  const decoded::VecSelect d(x);
  int64_t cond = d.cond, lhs = d.lhs, rhs = d.rhs, dst = d.dst;
  const auto &shape = d.shape, &cs = d.cond_strides, &ls = d.lhs_strides,
             &rs = d.rhs_strides;
  std::vector<Range> reads, writes;
  if (!stridedAccess(Space::Dram, cond, 1, shape, cs, reads) ||
      !stridedAccess(Space::Dram, lhs, 4, shape, ls, reads) ||
      !stridedAccess(Space::Dram, rhs, 4, shape, rs, reads) ||
      !access(Space::Dram, dst, product(shape) * 4, writes))
    return false;
  walk(shape, {&cs, &ls, &rs},
       [&](int64_t linear, const std::vector<int64_t> &o) {
         bool pick = loadInt(cond + o[0], DType::I8) != 0;
         storeF32(dst + linear * 4,
                  loadF32(pick ? lhs + o[1] * 4 : rhs + o[2] * 4));
       });
  int64_t n = product(shape);
  charge("vector", double(n) * target.fp32Add);
  Traffic t;
  t.add(cond, operandBytes(reads[0], n, 1))
      .add(lhs, operandBytes(reads[1], n, 4))
      .add(rhs, operandBytes(reads[2], n, 4))
      .add(dst, n * 4);
  schedule(Unit::Vector, vectorCycles(n, 1, t), reads, writes);
  return true;
}

bool Simulator::Impl::vecClamp(const Instr &x) {
  const decoded::VecClamp d(x);
  int64_t src = d.src, dst = d.dst, n = d.count;
  float lo = float(d.min), hi = float(d.max);
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
           vectorCycles(n, 1, Traffic().add(src, n * 4).add(dst, n * 4)), reads,
           writes);
  return true;
}

bool Simulator::Impl::vecReduce(const Instr &x) {
  const decoded::VecReduce d(x);
  int64_t kind = d.kind, src = d.src, dst = d.dst, outer = d.outer, len = d.len,
          inner = d.inner;
  if (kind < 0 || kind >= numerics::kNumReduceFns)
    return fail("unknown reduction kind " + std::to_string(kind));
  auto fn = numerics::ReduceFn(kind);
  std::vector<Range> reads, writes;
  if (!checkExtents({outer, len, inner}, {{outer, len, inner}}) ||
      !access(Space::Dram, src, outer * len * inner * 4, reads) ||
      !access(Space::Dram, dst, outer * inner * 4, writes))
    return false;
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t in = 0; in < inner; ++in) {
      float acc = numerics::reduceIdentity(fn);
      for (int64_t k = 0; k < len; ++k)
        acc = numerics::reduceStep(
            fn, acc, loadF32(src + ((o * len + k) * inner + in) * 4));
      storeF32(dst + (o * inner + in) * 4, acc);
    }
  int64_t n = outer * len * inner;
  charge("vector",
         double(n) * (fn == numerics::ReduceFn::Product ? target.fp32Mul
                                                        : target.fp32Add));
  Traffic t;
  t.add(src, n * 4).add(dst, outer * inner * 4);
  schedule(Unit::Vector, vectorCycles(n, 1, t), reads, writes);
  return true;
}

bool Simulator::Impl::vecPool(const Instr &x) {
  const decoded::VecPool d(x);
  int64_t kind = d.kind, src = d.src, dst = d.dst;
  const auto &in = d.input, &kernel = d.kernel, &stride = d.strides,
             &pad = d.pads, &outShape = d.output;
  DType dtype = DType::F32;
  if (kind != 0 && kind != 1)
    return fail("pool kind must be 0 (max) or 1 (avg)");
  if (!dtypeOf(d.dtype, dtype))
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
                     stride[1], pad[0], pad[1]},
                    {{n, ih, iw, c},
                     {n, oh, ow, c},
                     {oh, stride[0]},
                     {ow, stride[1]},
                     {kernel[0], kernel[1]}}))
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
          float accum = isMax ? -std::numeric_limits<float>::infinity() : 0.0f;
          int64_t maxCode = std::numeric_limits<int64_t>::min(), count = 0;
          // Only the taps inside the input: padding costs no iterations.
          int64_t y0 = y * stride[0] - pad[0], x0 = xo * stride[1] - pad[1];
          for (int64_t iy = std::max<int64_t>(y0, 0);
               iy < std::min(y0 + kernel[0], ih); ++iy)
            for (int64_t ix = std::max<int64_t>(x0, 0);
                 ix < std::min(x0 + kernel[1], iw); ++ix) {
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
            storeF32(at, isMax ? accum : (count ? accum / float(count) : 0.0f));
        }
  int64_t outs = n * oh * ow * c, window = kernel[0] * kernel[1];
  charge("vector",
         double(outs * window) * (isF32 ? target.fp32Add : target.int8Add));
  Traffic t;
  t.add(src, n * ih * iw * c * eb).add(dst, outs * eb);
  schedule(Unit::Vector, vectorCycles(outs, double(window), t), reads, writes);
  return true;
}

bool Simulator::Impl::requantization(int64_t format, std::vector<double> scales,
                                     int64_t zero, DType dtype,
                                     Requantization &r) {
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

bool Simulator::Impl::checkQuantSide(QuantSide &q) {
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
    q.codec = &numerics::LPCodec::shared(lf);
    return true;
  }
  if (q.f.bits < 1 || q.f.bits > 32 || q.f.storageBits < q.f.bits ||
      q.f.storageBits > 32)
    return fail("bad integer format " + q.f.str());
  if (q.scales->empty() || q.scales->size() != q.zeros->size())
    return fail("scales and zero_points must be non-empty and equally long");
  return true;
}

bool Simulator::Impl::vecQuantize(const Instr &x) {
  const decoded::VecQuantize d(x);
  int64_t src = d.src, dst = d.dst;
  QuantSide q;
  if (!quantSide(d, q))
    return false;
  std::vector<Range> reads, writes;
  if (!access(Space::Dram, src, q.count * 4, reads) ||
      !access(Space::Dram, dst, q.count * q.eb, writes))
    return false;
  // Both ranges lie in one memory (access checked them).
  const uint8_t *in = mem(src);
  uint8_t *out = mem(dst);
  q.encodeAll(in, [&](int64_t k, int64_t code) {
    storeIntAt(out + k * q.eb, q.dtype, code);
  });
  charge("vector", double(q.count) * (target.fp32Mul + target.fp32Add));
  Traffic t;
  t.add(src, q.count * 4).add(dst, q.count * q.eb);
  schedule(Unit::Vector, vectorCycles(q.count, 2, t), reads, writes);
  return true;
}

bool Simulator::Impl::vecDequantize(const Instr &x) {
  const decoded::VecDequantize d(x);
  int64_t src = d.src, dst = d.dst;
  QuantSide q;
  if (!quantSide(d, q))
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

bool Simulator::Impl::vecLayerNorm(const Instr &x) {
  const decoded::VecLayerNorm d(x);
  int64_t src = d.src, dst = d.dst, rows = d.rows, len = d.len, scale = d.scale,
          bias = d.bias, format = d.format;
  float eps = float(d.epsilon);
  Requantization rq;
  if (!requantization(format, {d.out_scale}, d.out_zero_point, DType::I8, rq))
    return false;
  bool quantized = rq.on;
  int64_t ob = quantized ? 1 : 4;
  std::vector<Range> reads, writes;
  if (!checkExtents({rows, len}, {{rows, len}}) || len < 1 ||
      !access(Space::Dram, src, rows * len * 4, reads) ||
      !access(Space::Dram, dst, rows * len * ob, writes) ||
      (scale >= 0 && !access(Space::Dram, scale, len * 4, reads)) ||
      (bias >= 0 && !access(Space::Dram, bias, len * 4, reads)))
    return false;
  std::vector<float> row(static_cast<size_t>(len));
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t k = 0; k < len; ++k)
      row[size_t(k)] = loadF32(src + (r * len + k) * 4);
    auto [mean, inv] = numerics::layerNormStats(row.data(), len, eps);
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
  schedule(Unit::Vector, vectorCycles(n, quantized ? 7 : 5, t), reads, writes);
  return true;
}

bool Simulator::Impl::vecGelu(const Instr &x) {
  const decoded::VecGelu d(x);
  int64_t src = d.src, dst = d.dst, n = d.count;
  bool tanhForm = d.tanh != 0;
  std::vector<Range> reads, writes;
  if (!checkExtents({n}) || !access(Space::Dram, src, n * 4, reads) ||
      !access(Space::Dram, dst, n * 4, writes))
    return false;
  for (int64_t i = 0; i < n; ++i)
    storeF32(dst + i * 4, numerics::gelu(loadF32(src + i * 4), tanhForm));
  charge("vector", double(n) * 4 * (target.fp32Add + target.fp32Mul));
  schedule(Unit::Vector,
           vectorCycles(n, 8, Traffic().add(src, n * 4).add(dst, n * 4)), reads,
           writes);
  return true;
}

bool Simulator::Impl::vecSoftmax(const Instr &x) {
  const decoded::VecSoftmax d(x);
  int64_t src = d.src, dst = d.dst, outer = d.outer, len = d.len,
          inner = d.inner;
  std::vector<Range> reads, writes;
  if (!checkExtents({outer, len, inner}, {{outer, len, inner, 4}}))
    return false;
  if (len < 1)
    return fail("softmax rows must not be empty");
  int64_t n = outer * len * inner;
  if (!access(Space::Dram, src, n * 4, reads) ||
      !access(Space::Dram, dst, n * 4, writes))
    return false;
  // Row by row, read whole before written: src and dst may be one buffer.
  std::vector<float> row(static_cast<size_t>(len));
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t in = 0; in < inner; ++in) {
      for (int64_t k = 0; k < len; ++k)
        row[size_t(k)] = loadF32(src + ((o * len + k) * inner + in) * 4);
      numerics::softmaxRowF32(row.data(), row.size());
      for (int64_t k = 0; k < len; ++k)
        storeF32(dst + ((o * len + k) * inner + in) * 4, row[size_t(k)]);
    }
  // Per element: max, subtract, sum and divide, and exp as vec_unary
  // counts it.
  int ops = 4 + numerics::unaryOps(numerics::UnaryFn::Exp);
  charge("vector", double(n) * ops * (target.fp32Add + target.fp32Mul) / 2);
  schedule(Unit::Vector,
           vectorCycles(n, ops, Traffic().add(src, n * 4).add(dst, n * 4)),
           reads, writes);
  return true;
}

bool Simulator::Impl::vecUnary(const Instr &x) {
  const decoded::VecUnary d(x);
  int64_t kind = d.kind, src = d.src, dst = d.dst, n = d.count;
  if (kind < 0 || kind >= numerics::kNumUnaryFns)
    return fail("unknown function kind " + std::to_string(kind));
  auto fn = numerics::UnaryFn(kind);
  std::vector<Range> reads, writes;
  if (!checkExtents({n}) || !access(Space::Dram, src, n * 4, reads) ||
      !access(Space::Dram, dst, n * 4, writes))
    return false;
  for (int64_t i = 0; i < n; ++i)
    storeF32(dst + i * 4, numerics::applyUnary(fn, loadF32(src + i * 4)));
  int ops = numerics::unaryOps(fn);
  charge("vector", double(n) * ops * (target.fp32Add + target.fp32Mul) / 2);
  schedule(Unit::Vector,
           vectorCycles(n, ops, Traffic().add(src, n * 4).add(dst, n * 4)),
           reads, writes);
  return true;
}

bool Simulator::Impl::checkLutTable(const std::vector<int64_t> &table) {
  if (target.lutLanes == 0 || target.lutEntries < 256)
    return fail("target '" + target.name +
                "' has no LUT unit with 256-entry tables");
  if (table.size() != 256)
    return fail("a LUT table must have 256 entries, got " +
                std::to_string(table.size()));
  for (int64_t v : table)
    if (v < -128 || v > 127)
      return fail("LUT table entry " + std::to_string(v) +
                  " is not an int8 code");
  return true;
}

bool Simulator::Impl::vecLut(const Instr &x) {
  const decoded::VecLut d(x);
  int64_t src = d.src, dst = d.dst, n = d.count;
  const std::vector<int64_t> &table = d.table;
  std::vector<Range> reads, writes;
  if (!checkLutTable(table) || !checkExtents({n}) ||
      !access(Space::Dram, src, n, reads) ||
      !access(Space::Dram, dst, n, writes))
    return false;
  for (int64_t i = 0; i < n; ++i)
    storeInt(dst + i, DType::I8,
             table[size_t(loadInt(src + i, DType::I8) + 128)]);
  charge("lut", double(n) * target.lutRead8b);
  // `lanes` lookups per cycle, or the traffic, whichever is slower.
  int64_t lookups = (n + target.lutLanes - 1) / target.lutLanes;
  schedule(Unit::Vector,
           std::max(lookups, chargeTraffic(Traffic().add(src, n).add(dst, n))),
           reads, writes);
  return true;
}

bool Simulator::Impl::lutSoftmax(const Instr &x) {
  const decoded::LutSoftmax d(x);
  int64_t src = d.src, dst = d.dst, outer = d.outer, len = d.len,
          inner = d.inner, method = d.method;
  DType srcType = DType::F32, dstType = DType::F32;
  if (!dtypeOf(d.src_dtype, srcType) || !dtypeOf(d.dtype, dstType))
    return false;
  if (dstType == DType::F32)
    return fail("probabilities are stored as integers");
  if (method != 0 && method != 1)
    return fail("method must be 0 (rexp) or 1 (lut2d)");
  numerics::LutSoftmaxTables t;
  t.method = method == 0 ? numerics::SoftmaxMethod::Rexp
                         : numerics::SoftmaxMethod::Lut2D;
  t.inputScale = d.input_scale;
  t.step = d.step;
  if (d.out_bits < 1 || d.out_bits > 16 || d.sum_shift < -1 ||
      d.sum_shift > 63 || d.out_shift < -1 || d.out_shift > 63 ||
      d.norm_rows < 0 || d.norm_rows > 4096 || d.norm_cols < 1 ||
      d.norm_cols > 4096)
    return fail("softmax unit parameters out of range");
  t.outBits = unsigned(d.out_bits);
  t.sumShift = int(d.sum_shift);
  t.outShift = int(d.out_shift);
  for (int64_t v : d.exp_table)
    t.expTable.push_back(int32_t(v));
  for (int64_t v : d.norm_table)
    t.normTable.push_back(int32_t(v));
  t.normRows = unsigned(d.norm_rows);
  t.normCols = unsigned(d.norm_cols);
  std::string problem = t.validate();
  if (!problem.empty())
    return fail("bad tables: " + problem);
  // The optional requantization: dequantize, then quantize.
  double probScale = d.prob_scale;
  int64_t probZero = d.prob_zero_point;
  Requantization rq;
  if (!requantization(d.format, {d.out_scale}, d.out_zero_point, dstType, rq))
    return false;
  bool requantized = rq.on;
  std::vector<Range> reads, writes;
  unsigned sb = dtypeBytes(srcType), db = dtypeBytes(dstType);
  if (!checkExtents({outer, len, inner}, {{outer, len, inner}}))
    return false;
  if (len < 1)
    return fail("softmax rows must not be empty");
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
      if (!numerics::evalLutSoftmaxRow(t, row.data(), row.size(), probs.data()))
        return fail("a softmax row holds NaN (row " +
                    std::to_string(o * inner + in) + ")");
      for (int64_t k = 0; k < len; ++k) {
        int64_t at = dst + ((o * len + k) * inner + in) * db;
        if (!requantized) {
          storeInt(at, dstType, probs[size_t(k)]);
          continue;
        }
        float v =
            float(numerics::dequantize(probs[size_t(k)], probScale, probZero));
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
