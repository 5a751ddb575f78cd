//===- SimHost.cpp - host segments ----------------------------------------===//
//
// host_call runs an op the accelerator has no unit for on the host, with
// the runtime's own kernels (the runtime stays MLIR-free); each matches
// the reference interpreter's kernel of the op it replaces bit for bit.
//
//===----------------------------------------------------------------------===//

#include "SimulatorImpl.h"
#include "kite/Numerics/Binary.h"
#include "kite/Numerics/IntQuant.h"

#include <cmath>
#include <cstring>
#include <limits>

using namespace kite::rt;
namespace numerics = kite::numerics;

bool Simulator::Impl::hostCall(const Instr &x) {
  const decoded::HostCall d(x);
  int64_t kind = d.kind, src = d.src, dst = d.dst, outer = d.outer, len = d.len,
          inner = d.inner;
  if (!requireHost())
    return false;
  if (kind < 0 || kind >= kNumHostKernels)
    return fail("unknown host kernel " + std::to_string(kind));
  DType st = DType::F32, dt = DType::F32;
  if (!dtypeOf(d.src_dtype, st, DType::I64) ||
      !dtypeOf(d.dst_dtype, dt, DType::I64) ||
      !checkExtents({outer, len, inner}, {{outer, len, inner}}))
    return false;
  auto kernel = HostKernel(kind);
  if (kernel == HostKernel::ArgMax && (len < 1 || dt == DType::F32))
    return fail("argmax needs a non-empty axis and an integer result");
  int64_t n = outer * len * inner,
          results = kernel == HostKernel::ArgMax ? outer * inner : n;
  unsigned sb = dtypeBytes(st), db = dtypeBytes(dt);
  std::vector<Range> reads, writes;
  if (!access(Space::Dram, src, n * sb, reads) ||
      !access(Space::Dram, dst, results * db, writes))
    return false;
  auto load = [&](int64_t i) {
    return st == DType::F32 ? double(loadF32(src + i * sb))
                            : double(loadInt(src + i * sb, st));
  };
  unsigned bits = db * 8;
  if (kernel == HostKernel::ArgMax) {
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t k = 0; k < inner; ++k) {
        int64_t best = 0;
        for (int64_t j = 1; j < len; ++j)
          if (load((o * len + j) * inner + k) >
              load((o * len + best) * inner + k))
            best = j;
        storeInt(dst + (o * inner + k) * db, dt, best);
      }
  } else {
    // As tosa.cast: the interpreter's conversions, value by value.
    for (int64_t i = 0; i < n; ++i) {
      int64_t at = dst + i * db;
      if (st == DType::F32 && dt == DType::F32)
        storeF32(at, loadF32(src + i * sb));
      else if (st == DType::F32)
        storeInt(at, dt, numerics::castFloatToInt(loadF32(src + i * sb), bits));
      else if (dt == DType::F32)
        storeF32(at, float(loadInt(src + i * sb, st)));
      else
        storeInt(at, dt, numerics::signExtend(loadInt(src + i * sb, st), bits));
    }
  }
  chargeHost(n * sb, results * db, n,
             Traffic().add(src, n * sb).add(dst, results * db), reads, writes);
  return true;
}

bool Simulator::Impl::requireHost() {
  return target.hostLinkBytesPerCycle > 0 ||
         fail("target '" + target.name + "' has no host");
}

void Simulator::Impl::chargeHost(int64_t in, int64_t out, int64_t elements,
                                 const Traffic &traffic,
                                 const std::vector<Range> &reads,
                                 const std::vector<Range> &writes) {
  // The accelerator waits while the operands cross the link, the host
  // computes and the result comes back.
  int64_t link =
      int64_t(std::ceil(double(in + out) / target.hostLinkBytesPerCycle));
  int64_t compute =
      int64_t(std::ceil(double(elements) * target.hostCyclesPerElement));
  charge("host", double(elements) * target.hostElementPj);
  chargeTraffic(traffic);
  schedule(Unit::Host, link + compute, reads, writes);
}

// host_elementwise's kinds reuse numerics' integer arithmetic and
// comparisons by value.
static_assert(int64_t(HostElementwiseKind::Min) ==
                  int64_t(numerics::BinaryFn::Min) &&
              int64_t(HostElementwiseKind::Greater) -
                      int64_t(HostElementwiseKind::Equal) ==
                  int64_t(numerics::CompareFn::Greater) &&
              int64_t(HostElementwiseKind::GreaterEqual) -
                      int64_t(HostElementwiseKind::Equal) ==
                  int64_t(numerics::CompareFn::GreaterEqual));

bool Simulator::Impl::hostElementwise(const Instr &x) {
  const decoded::HostElementwise d(x);
  using Kind = HostElementwiseKind;
  int64_t kind = d.kind, a = d.a, b = d.b, cond = d.cond, dst = d.dst;
  const auto &shape = d.shape, &as = d.a_strides, &bs = d.b_strides,
             &cs = d.cond_strides;
  if (!requireHost())
    return false;
  if (kind < 0 || kind >= kNumHostElementwiseKinds)
    return fail("unknown host elementwise kind " + std::to_string(kind));
  auto k = Kind(kind);
  bool select = k == Kind::Select;
  bool boolean = k >= Kind::Equal && k <= Kind::LogicalXor;
  DType t = DType::F32, dt = DType::F32;
  if (!dtypeOf(d.dtype, t, DType::I64) || !dtypeOf(d.dst_dtype, dt, DType::I64))
    return false;
  if (t == DType::F32 || dt != (boolean ? DType::I8 : t))
    return fail("host_elementwise needs integer operands and a result of "
                "their dtype (i8 booleans for comparisons)");
  if (select != (cond >= 0))
    return fail("only select reads a cond");
  unsigned eb = dtypeBytes(t);
  std::vector<Range> reads, writes;
  if (!stridedAccess(Space::Dram, a, eb, shape, as, reads) ||
      !stridedAccess(Space::Dram, b, eb, shape, bs, reads) ||
      (select && !stridedAccess(Space::Dram, cond, 1, shape, cs, reads)))
    return false;
  int64_t n = product(shape);
  if (!access(Space::Dram, dst, n * eb, writes))
    return false;
  int64_t lowest = std::numeric_limits<int64_t>::min() >> (64 - 8 * eb);
  // Checked before anything is written, as the interpreter refuses the op.
  if (k == Kind::IntDiv) {
    bool bad = false;
    walk(shape, {&as, &bs}, [&](int64_t, const std::vector<int64_t> &o) {
      int64_t p = loadInt(a + o[0] * eb, t), q = loadInt(b + o[1] * eb, t);
      bad |= q == 0 || (p == lowest && q == -1);
    });
    if (bad)
      return fail("host intdiv divides by zero or overflows");
  }
  std::vector<const std::vector<int64_t> *> strides = {&as, &bs};
  if (select)
    strides.push_back(&cs);
  walk(shape, strides, [&](int64_t linear, const std::vector<int64_t> &o) {
    int64_t p = loadInt(a + o[0] * eb, t), q = loadInt(b + o[1] * eb, t), r = 0;
    switch (k) {
    case Kind::Add:
    case Kind::Sub:
    case Kind::Mul:
    case Kind::Max:
    case Kind::Min:
      r = numerics::applyBinaryInt(numerics::BinaryFn(kind), p, q);
      break;
    case Kind::IntDiv:
      r = p / q;
      break;
    case Kind::Equal:
    case Kind::Greater:
    case Kind::GreaterEqual:
      r = numerics::applyCompare(
          numerics::CompareFn(kind - int64_t(Kind::Equal)), p, q);
      break;
    case Kind::LogicalAnd:
      r = p != 0 && q != 0;
      break;
    case Kind::LogicalOr:
      r = p != 0 || q != 0;
      break;
    case Kind::LogicalXor:
      r = (p != 0) != (q != 0);
      break;
    case Kind::Select:
      r = loadInt(cond + o[2], DType::I8) != 0 ? p : q;
      break;
    }
    storeInt(dst + linear * dtypeBytes(dt), dt, r);
  });
  int64_t aBytes = operandBytes(reads[0], n, eb),
          bBytes = operandBytes(reads[1], n, eb),
          condBytes = select ? operandBytes(reads[2], n, 1) : 0,
          out = n * dtypeBytes(dt);
  Traffic traffic;
  traffic.add(a, aBytes).add(b, bBytes).add(dst, out);
  if (select)
    traffic.add(cond, condBytes);
  chargeHost(aBytes + bBytes + condBytes, out, n, traffic, reads, writes);
  return true;
}

bool Simulator::Impl::hostGather(const Instr &x) {
  const decoded::HostGather d(x);
  int64_t values = d.values, indices = d.indices, dst = d.dst, outer = d.outer,
          k = d.k, inner = d.inner, width = d.width;
  if (!requireHost())
    return false;
  DType t = DType::F32, it = DType::F32;
  if (!dtypeOf(d.dtype, t, DType::I64) ||
      !dtypeOf(d.indices_dtype, it, DType::I64) ||
      !checkExtents({outer, k, inner, width},
                    {{outer, k, inner}, {outer, width, inner}}))
    return false;
  if (it == DType::F32)
    return fail("host_gather indices must be integers");
  unsigned eb = dtypeBytes(t), ib = dtypeBytes(it);
  int64_t n = outer * width * inner;
  std::vector<Range> reads, writes;
  if (!access(Space::Dram, values, outer * k * inner * eb, reads) ||
      !access(Space::Dram, indices, outer * width * ib, reads) ||
      !access(Space::Dram, dst, n * eb, writes))
    return false;
  for (int64_t i = 0; i < outer * width; ++i) {
    int64_t index = loadInt(indices + i * ib, it);
    if (index < 0 || index >= k)
      return fail("host_gather index " + std::to_string(index) +
                  " is out of range [0, " + std::to_string(k) + ")");
  }
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t w = 0; w < width; ++w) {
      int64_t row = loadInt(indices + (o * width + w) * ib, it);
      std::memcpy(mem(dst + (o * width + w) * inner * eb),
                  mem(values + (o * k + row) * inner * eb), size_t(inner * eb));
    }
  // Only the indices go to the host; it moves the chosen rows itself.
  int64_t in = outer * width * ib, out = n * eb;
  chargeHost(in, 0, outer * width,
             Traffic().add(indices, in).add(dst, out).add(values, out), reads,
             writes);
  return true;
}
