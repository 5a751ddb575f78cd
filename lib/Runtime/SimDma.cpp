//===- SimDma.cpp - DMA and strided copies --------------------------------===//
//
// dma_load (DRAM or scratchpad to an on-chip buffer), vec_copy and
// vec_gather.
//
//===----------------------------------------------------------------------===//

#include "SimulatorImpl.h"

using namespace kite::rt;
using kite::numerics::signExtend;
namespace numerics = kite::numerics;

bool Simulator::Impl::dmaLoad(const Instr &x) {
  const decoded::DmaLoad d(x);
  int64_t src = d.src, space = d.space, dst = d.dst, rows = d.rows,
          rowBytes = d.row_bytes, stride = d.src_stride;
  if (space != int64_t(Space::Act) && space != int64_t(Space::Weight) &&
      space != int64_t(Space::Acc))
    return fail("destination must be the ACT (1), WEIGHT (2) or ACC (3) "
                "buffer");
  if (space == int64_t(Space::Acc) &&
      (dst % kAccWordBytes || rowBytes % kAccWordBytes))
    return fail("loads into ACC move whole 32-bit accumulators");
  if (!checkExtents({rows, rowBytes, stride}, {{rows, rowBytes}}))
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
  schedule(Unit::Dma, chargeTraffic(Traffic().add(src, bytes)), reads, writes);
  return true;
}

bool Simulator::Impl::vecCopy(const Instr &x) {
  const decoded::VecCopy d(x);
  int64_t src = d.src, dst = d.dst, eb = d.elem_bytes;
  const auto &shape = d.shape, &strides = d.src_strides,
             &dstStrides = d.dst_strides;
  if (eb != 1 && eb != 2 && eb != 4)
    return fail("element size must be 1, 2 or 4 bytes");
  std::vector<Range> reads, writes;
  if (!stridedAccess(Space::Dram, src, unsigned(eb), shape, strides, reads) ||
      !stridedAccess(Space::Dram, dst, unsigned(eb), shape, dstStrides, writes))
    return false;
  walk(shape, {&strides, &dstStrides},
       [&](int64_t, const std::vector<int64_t> &o) {
         std::memmove(mem(dst + o[1] * eb), mem(src + o[0] * eb), size_t(eb));
       });
  int64_t bytes = product(shape) * eb;
  schedule(Unit::Vector,
           vectorCycles(0, 0, Traffic().add(src, bytes).add(dst, bytes)), reads,
           writes);
  return true;
}

bool Simulator::Impl::vecGather(const Instr &x) {
  const decoded::VecGather d(x);
  int64_t src = d.src, dst = d.dst, eb = d.elem_bytes, outer = d.outer, k = d.k,
          inner = d.inner;
  const std::vector<int64_t> &indices = d.indices;
  if (eb != 1 && eb != 2 && eb != 4)
    return fail("element size must be 1, 2 or 4 bytes");
  for (int64_t i : indices)
    if (i < 0 || i >= k)
      return fail("index " + std::to_string(i) + " is outside [0, " +
                  std::to_string(k) + ")");
  int64_t w = int64_t(indices.size());
  std::vector<Range> reads, writes;
  if (!checkExtents({outer, k, inner, w},
                    {{outer, k, inner, 4}, {outer, w, inner, 4}}) ||
      !access(Space::Dram, src, outer * k * inner * eb, reads) ||
      !access(Space::Dram, dst, outer * w * inner * eb, writes))
    return false;
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t j = 0; j < w; ++j)
      std::memmove(mem(dst + (o * w + j) * inner * eb),
                   mem(src + (o * k + indices[size_t(j)]) * inner * eb),
                   size_t(inner * eb));
  int64_t bytes = outer * w * inner * eb;
  schedule(Unit::Vector,
           vectorCycles(0, 0, Traffic().add(src, bytes).add(dst, bytes)), reads,
           writes);
  return true;
}
