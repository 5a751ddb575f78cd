//===- SimHost.cpp - host segments ----------------------------------------===//
//
// host_call runs an op the accelerator has no unit for on the host, with
// the runtime's own kernels (the runtime stays MLIR-free); each matches
// the reference interpreter's kernel of the op it replaces bit for bit.
//
//===----------------------------------------------------------------------===//

#include "SimulatorImpl.h"
#include "kite/Numerics/IntQuant.h"

#include <cmath>

using namespace kite::rt;
namespace numerics = kite::numerics;

bool Simulator::Impl::hostCall(const Instr &x) {
  using F = field::HostCall;
  int64_t kind = x.fields[F::kind].i, src = x.fields[F::src].i,
          dst = x.fields[F::dst].i, outer = x.fields[F::outer].i,
          len = x.fields[F::len].i, inner = x.fields[F::inner].i;
  if (target.hostLinkBytesPerCycle <= 0)
    return fail("target '" + target.name + "' has no host");
  if (kind < 0 || kind >= kNumHostKernels)
    return fail("unknown host kernel " + std::to_string(kind));
  DType st = DType::F32, dt = DType::F32;
  if (!dtypeOf(x.fields[F::src_dtype].i, st, DType::I64) ||
      !dtypeOf(x.fields[F::dst_dtype].i, dt, DType::I64) ||
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
  // Operands to the host and the result back over the link, and the
  // host's own time per element.
  int64_t link = int64_t(
      std::ceil(double(n * sb + results * db) / target.hostLinkBytesPerCycle));
  int64_t compute = int64_t(std::ceil(double(n) * target.hostCyclesPerElement));
  charge("host", double(n) * target.hostElementPj);
  chargeTraffic(Traffic().add(src, n * sb).add(dst, results * db));
  schedule(Unit::Host, link + compute, reads, writes);
  return true;
}
