//===- ScheduleDma.cpp - issue DMA loads as early as they may -------------===//
//
// The DMA engine works through its instructions in program order, drains
// included. When each tile's loads sit right before its mma, they queue
// behind the previous tile's drain, which waits for the previous mma: the
// engine and the array take turns. Moving every load up to just after the
// last instruction it depends on lets it fill the other ping-pong half
// while the array works on this one.
//
//===----------------------------------------------------------------------===//

#include "kite/Dialect/KiteIsa/Transforms/Passes.h"
#include "kite/Runtime/Isa.h"

#include "llvm/ADT/TypeSwitch.h"

namespace kite::kiteisa {
#define GEN_PASS_DEF_KITEISASCHEDULEDMA
#include "kite/dialects/KiteIsa/Passes.h.inc"
} // namespace kite::kiteisa

using namespace mlir;
using namespace kite;
using namespace kite::kiteisa;
namespace rt = kite::rt;

namespace {
/// Bytes [lo, hi) of a space: an on-chip buffer, or (Space::Dram) the
/// address space of DRAM and, from rt::kScratchBase, the scratchpad.
struct Span {
  rt::Space space;
  int64_t lo, hi;
  bool overlaps(const Span &o) const {
    return space == o.space && lo < o.hi && o.lo < hi;
  }
};

/// The bytes an instruction touches: on chip (read or written), and in
/// memory (DRAM and scratchpad) those it reads and writes. Vector
/// instructions' reads are not described: they may read anything.
struct Effects {
  SmallVector<Span> onChip, memoryReads, memoryWrites;
  bool readsAnyMemory = false;
};

Span memory(int64_t addr, int64_t bytes) {
  return {rt::Space::Dram, addr, addr + bytes};
}

/// The bytes a row-major `rows` x `cols` tile of `elemBytes` elements at
/// element strides spans from `addr`.
Span stridedMemory(int64_t addr, int64_t rows, int64_t cols, int64_t rowStride,
                   int64_t colStride, int64_t elemBytes) {
  if (rows == 0 || cols == 0)
    return memory(addr, 0);
  return memory(addr, ((rows - 1) * rowStride + (cols - 1) * colStride + 1) *
                          elemBytes);
}

/// The bytes a walk over `shape` at element `strides` spans from `addr`.
Span stridedMemory(int64_t addr, ArrayRef<int64_t> shape,
                   ArrayRef<int64_t> strides, int64_t elemBytes) {
  int64_t last = 0;
  for (auto [n, s] : llvm::zip(shape, strides)) {
    if (n == 0)
      return memory(addr, 0);
    last += (n - 1) * s;
  }
  return memory(addr, (last + 1) * elemBytes);
}

/// The effects of an instruction; none for an op this pass does not know
/// (nothing moves past it).
std::optional<Effects> effectsOf(Operation *op) {
  Effects e;
  auto drain = [&](int64_t src, int64_t rows, int64_t cols, int64_t dst,
                   int64_t rowStride, int64_t colStride, int64_t dtype,
                   std::initializer_list<int64_t> weightVectors) {
    e.onChip.push_back({rt::Space::Acc, src, src + rows * cols * 4});
    for (int64_t v : weightVectors)
      if (v >= 0)
        e.onChip.push_back({rt::Space::Weight, v, v + cols * 4});
    e.memoryWrites.push_back(stridedMemory(dst, rows, cols, rowStride,
                                           colStride,
                                           rt::dtypeBytes(rt::DType(dtype))));
  };
  auto f32s = [](int64_t count) { return count * 4; };
  bool known =
      TypeSwitch<Operation *, bool>(op)
          .Case([&](DmaLoadOp o) {
            e.memoryReads.push_back(stridedMemory(o.getSrc(), o.getRows(),
                                                  o.getRowBytes(),
                                                  o.getSrcStride(), 1, 1));
            e.onChip.push_back({rt::Space(o.getSpace()), o.getDst(),
                                o.getDst() + o.getRows() * o.getRowBytes()});
            return true;
          })
          .Case([&](ConfigMmaOp) { return true; })
          .Case<MmaOp, MmaActNMOp>([&](auto o) {
            e.onChip = {
                {rt::Space::Act, o.getA(), o.getA() + o.getM() * o.getK()},
                {rt::Space::Weight, o.getB(), o.getB() + o.getK() * o.getN()},
                {rt::Space::Acc, o.getC(), o.getC() + o.getM() * o.getN() * 4}};
            return true;
          })
          .Case([&](MmaNMOp o) {
            int64_t rows =
                (o.getK() + o.getGroup() - 1) / o.getGroup() * o.getKeep();
            e.onChip = {
                {rt::Space::Act, o.getA(), o.getA() + o.getM() * o.getK()},
                {rt::Space::Weight, o.getB(), o.getB() + rows * o.getN()},
                {rt::Space::Weight, o.getIndex(),
                 o.getIndex() +
                     rows * rt::nmIndexRowBytes(o.getN(), o.getGroup())},
                {rt::Space::Acc, o.getC(), o.getC() + o.getM() * o.getN() * 4}};
            return true;
          })
          .Case([&](StoreAccOp o) {
            drain(o.getSrc(), o.getRows(), o.getCols(), o.getDst(),
                  o.getRowStride(), o.getColStride(), int64_t(o.getDtype()),
                  {o.getBias()});
            return true;
          })
          .Case([&](StoreAccFusedOp o) {
            drain(o.getSrc(), o.getRows(), o.getCols(), o.getDst(),
                  o.getRowStride(), o.getColStride(), int64_t(o.getDtype()),
                  {o.getAccBias(), o.getBias()});
            if (o.getResidual() >= 0)
              e.memoryReads.push_back(
                  stridedMemory(o.getResidual(), o.getRows(), o.getCols(),
                                o.getRowStride(), o.getColStride(), 4));
            return true;
          })
          .Case([&](Im2colOp o) {
            ArrayRef<int64_t> kernel = o.getKernel(), out = o.getOutput();
            e.memoryReads.push_back(
                memory(o.getSrc(), ShapedType::getNumElements(o.getInput())));
            e.memoryWrites.push_back(memory(
                o.getDst(),
                ShapedType::getNumElements({out[0], out[1], kernel[0],
                                            kernel[1], o.getGroupChannels()})));
            return true;
          })
          .Case([&](VecBinaryOp o) {
            e.memoryWrites.push_back(memory(
                o.getDst(), f32s(ShapedType::getNumElements(o.getShape()))));
            return true;
          })
          .Case([&](VecCompareOp o) {
            e.memoryWrites.push_back(
                memory(o.getDst(), ShapedType::getNumElements(o.getShape())));
            return true;
          })
          .Case([&](VecSelectOp o) {
            e.memoryWrites.push_back(memory(
                o.getDst(), f32s(ShapedType::getNumElements(o.getShape()))));
            return true;
          })
          .Case([&](VecUnaryOp o) {
            e.memoryWrites.push_back(memory(o.getDst(), f32s(o.getCount())));
            return true;
          })
          .Case([&](VecClampOp o) {
            e.memoryWrites.push_back(memory(o.getDst(), f32s(o.getCount())));
            return true;
          })
          .Case([&](VecCopyOp o) {
            e.memoryWrites.push_back(stridedMemory(
                o.getDst(), o.getShape(), o.getDstStrides(), o.getElemBytes()));
            return true;
          })
          .Case([&](VecGatherOp o) {
            e.memoryWrites.push_back(
                memory(o.getDst(), o.getOuter() * o.getInner() *
                                       int64_t(o.getIndices().size()) *
                                       o.getElemBytes()));
            return true;
          })
          .Case([&](VecReduceOp o) {
            e.memoryWrites.push_back(
                memory(o.getDst(), f32s(o.getOuter() * o.getInner())));
            return true;
          })
          .Case([&](VecPoolOp o) {
            ArrayRef<int64_t> in = o.getInput(), out = o.getOutput();
            e.memoryWrites.push_back(memory(
                o.getDst(),
                ShapedType::getNumElements({in[0], out[0], out[1], in[3]}) *
                    rt::dtypeBytes(rt::DType(o.getDtype()))));
            return true;
          })
          .Case([&](VecQuantizeOp o) {
            e.memoryWrites.push_back(
                memory(o.getDst(),
                       o.getCount() * rt::dtypeBytes(rt::DType(o.getDtype()))));
            return true;
          })
          .Case([&](VecDequantizeOp o) {
            e.memoryWrites.push_back(memory(o.getDst(), f32s(o.getCount())));
            return true;
          })
          .Case([&](VecLayerNormOp o) {
            int64_t codeBytes = o.getFormat() == rt::kNoFormat ? 4 : 1;
            e.memoryWrites.push_back(
                memory(o.getDst(), o.getRows() * o.getLen() * codeBytes));
            return true;
          })
          .Case([&](VecGeluOp o) {
            e.memoryWrites.push_back(memory(o.getDst(), f32s(o.getCount())));
            return true;
          })
          .Case([&](VecSoftmaxOp o) {
            e.memoryWrites.push_back(memory(
                o.getDst(), f32s(o.getOuter() * o.getLen() * o.getInner())));
            return true;
          })
          .Case([&](LutSoftmaxOp o) {
            e.memoryWrites.push_back(memory(
                o.getDst(), o.getOuter() * o.getLen() * o.getInner() *
                                rt::dtypeBytes(rt::DType(o.getDtype()))));
            return true;
          })
          .Default([](Operation *) { return false; });
  if (!known)
    return std::nullopt;
  if (isa<VecBinaryOp, VecCompareOp, VecSelectOp, VecUnaryOp, VecClampOp,
          VecCopyOp, VecGatherOp, VecReduceOp, VecPoolOp, VecQuantizeOp,
          VecDequantizeOp, VecLayerNormOp, VecGeluOp, VecSoftmaxOp,
          LutSoftmaxOp>(op))
    e.readsAnyMemory = true;
  return e;
}

bool overlap(ArrayRef<Span> a, ArrayRef<Span> b) {
  return llvm::any_of(a, [&](const Span &x) {
    return llvm::any_of(b, [&](const Span &y) { return x.overlaps(y); });
  });
}

/// Whether DMA instruction `dma` (a load or an im2col) may be issued before
/// `op`: `op` is not one of them (they keep their order, or a later tile's
/// would delay an earlier one's) and neither writes what the other touches.
bool mayPass(Operation *dma, Operation *op) {
  if (isa<DmaLoadOp, Im2colOp>(op))
    return false;
  std::optional<Effects> other = effectsOf(op), self = effectsOf(dma);
  if (!other)
    return false;
  bool writesMemory = !self->memoryWrites.empty();
  return !overlap(other->memoryWrites, self->memoryReads) &&
         !overlap(other->memoryWrites, self->memoryWrites) &&
         !(writesMemory && other->readsAnyMemory) &&
         !overlap(other->memoryReads, self->memoryWrites) &&
         !overlap(other->onChip, self->onChip);
}

struct ScheduleDma : kiteisa::impl::KiteIsaScheduleDmaBase<ScheduleDma> {
  using Base::Base;

  void runOnOperation() override {
    SmallVector<Operation *> dma;
    for (Operation &op : getOperation().getBody().front())
      if (isa<DmaLoadOp, Im2colOp>(op))
        dma.push_back(&op);
    for (Operation *op : dma) {
      Operation *first = op;
      while (Operation *prev = first->getPrevNode()) {
        if (!mayPass(op, prev))
          break;
        first = prev;
      }
      if (first != op)
        op->moveBefore(first);
    }
  }
};
} // namespace
