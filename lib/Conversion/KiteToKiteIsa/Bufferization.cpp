//===- Bufferization.cpp - where each tensor lives while a program runs ---===//

#include "kite/Conversion/Bufferization.h"
#include "Fusion.h"
#include "kite/Conversion/Tiling.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

#include <limits>
#include <map>
#include <set>

using namespace mlir;
using namespace kite;

namespace {
/// `bytes` (at least 1) rounded up to whole blocks.
int64_t blockSize(int64_t bytes) {
  return int64_t(llvm::alignTo(std::max<int64_t>(bytes, 1), kBufferAlign));
}

/// Addresses [next, end) to hand out: bump allocation of blocks that live
/// for the whole run, and first-fit reuse of blocks whose value died. (The
/// simulator's scoreboard orders a reuse after the last read of the
/// previous contents.)
struct MemoryPool {
  int64_t next = 0, end = 0;
  /// Freeable blocks in use: address -> (size, last user position).
  std::map<int64_t, std::pair<int64_t, int64_t>> live;
  std::map<int64_t, int64_t> freeBlocks; ///< address -> size

  int64_t bump(int64_t bytes) {
    int64_t addr = next;
    next += blockSize(bytes);
    return addr;
  }
  /// A block that dies after op `lastUse`, or nothing if the pool is full.
  std::optional<int64_t> allocate(int64_t bytes, int64_t lastUse) {
    int64_t size = blockSize(bytes);
    int64_t addr = -1;
    for (auto it = freeBlocks.begin(); it != freeBlocks.end(); ++it)
      if (it->second >= size) {
        addr = it->first;
        if (it->second > size)
          freeBlocks[addr + size] = it->second - size;
        freeBlocks.erase(it);
        break;
      }
    if (addr < 0) {
      if (size > end - next)
        return std::nullopt;
      addr = bump(size);
    }
    live[addr] = {size, lastUse};
    return addr;
  }
  /// Keeps the block holding `addr` (an alias may point inside it) alive
  /// until op `lastUse`.
  void extendLife(int64_t addr, int64_t lastUse) {
    auto block = live.upper_bound(addr);
    if (block == live.begin())
      return;
    --block;
    if (addr < block->first + block->second.first)
      block->second.second = std::max(block->second.second, lastUse);
  }
  /// Returns the blocks whose values are dead after op `index`.
  void freeDeadAfter(int64_t index) {
    for (auto it = live.begin(); it != live.end();) {
      if (it->second.second > index) {
        ++it;
        continue;
      }
      int64_t addr = it->first, size = it->second.first;
      auto after = freeBlocks.find(addr + size);
      if (after != freeBlocks.end()) { // coalesce with the next block
        size += after->second;
        freeBlocks.erase(after);
      }
      auto before = freeBlocks.lower_bound(addr);
      if (before != freeBlocks.begin() &&
          std::prev(before)->first + std::prev(before)->second == addr) {
        std::prev(before)->second += size;
      } else {
        freeBlocks[addr] = size;
      }
      it = live.erase(it);
    }
  }
};

/// Bytes of a tensor in memory, if it has a layout there.
std::optional<int64_t> tensorBytes(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!tensor || !tensor.hasStaticShape())
    return std::nullopt;
  std::optional<rt::DType> dtype = dtypeOf(tensor.getElementType());
  if (!dtype)
    return std::nullopt;
  return tensor.getNumElements() * rt::dtypeBytes(*dtype);
}

class Planner {
public:
  Planner(func::FuncOp func, TargetAttr target) : func(func), target(target) {
    scratch.next = rt::kScratchBase;
    scratch.end =
        rt::kScratchBase + int64_t(target.getMemory().getScratchKib()) * 1024;
  }

  FailureOr<BufferPlan> run() {
    for (BlockArgument arg : func.getArguments())
      if (failed(place(func, arg)))
        return failure();
    if (!func.getBody().hasOneBlock())
      return func.emitOpError("must have a single block to be lowered");
    Block &body = func.getBody().front();
    for (auto [index, op] : llvm::enumerate(body))
      for (Value v : op.getOperands())
        lastUse[v] = int64_t(index);
    for (auto [index, op] : llvm::enumerate(body)) {
      current = int64_t(index);
      if (failed(planOp(op)))
        return failure();
      plan.peakOnChipBytes = std::max(plan.peakOnChipBytes, onChipDemand());
      dram.freeDeadAfter(current);
      scratch.freeDeadAfter(current);
    }
    plan.dramBytes = dram.next;
    return std::move(plan);
  }

private:
  int64_t lastUseOf(Value v) const {
    auto it = lastUse.find(v);
    return it == lastUse.end() ? current : it->second;
  }

  /// Whether `op` reads its input in place: a reshape, a bitcast, or a
  /// slice that is one contiguous run of it.
  static bool isAlias(Operation *op) {
    auto slice = dyn_cast<tosa::SliceOp>(op);
    return isa<tosa::ReshapeOp, BitcastOp>(op) ||
           (slice && contiguousSliceOffset(slice).has_value());
  }

  /// Whether the host reads `v` (a result, or aliased by one): it stays in
  /// DRAM.
  static bool escapes(Value v) {
    return llvm::any_of(v.getUsers(), [](Operation *user) {
      if (isa<func::ReturnOp>(user))
        return true;
      return isAlias(user) && escapes(user->getResult(0));
    });
  }

  int64_t allocateUntil(int64_t bytes, int64_t until, bool onChip) {
    if (onChip)
      if (std::optional<int64_t> addr = scratch.allocate(bytes, until))
        return *addr;
    int64_t addr = *dram.allocate(bytes, until);
    // A block that wanted the scratchpad (a spill), or not.
    if (onChip) {
      spills.insert(addr);
      plan.spilledBytes += blockSize(bytes);
    } else {
      spills.erase(addr);
    }
    return addr;
  }

  /// Bytes of the blocks that want the scratchpad and are live now.
  int64_t onChipDemand() const {
    int64_t bytes = 0;
    for (const auto &[addr, life] : scratch.live)
      bytes += life.first;
    for (const auto &[addr, life] : dram.live)
      if (spills.count(addr))
        bytes += life.first;
    return bytes;
  }

  /// Memory for `v`, defined by `op`. `inPlaceOf` names the operand an
  /// elementwise op reads element by element: when it dies at this op (or
  /// at position `diesAt`, for an op a drain folds in), has v's size and
  /// lives where v belongs, v takes its block.
  LogicalResult place(Operation *op, Value v, Value inPlaceOf = {},
                      std::optional<int64_t> diesAt = std::nullopt) {
    std::optional<int64_t> bytes = tensorBytes(v.getType());
    if (!bytes)
      return op->emitOpError() << "result type " << v.getType()
                               << " has no DRAM layout (static f32, i<=32 or "
                                  "LP tensors only)";
    bool onChip = !escapes(v);
    auto operand = inPlaceOf ? addr.find(inPlaceOf) : addr.end();
    if (operand != addr.end()) {
      MemoryPool &pool = onChip ? scratch : dram;
      auto block = pool.live.find(operand->second);
      if (block != pool.live.end() &&
          block->second.second == diesAt.value_or(current) &&
          block->second.first == blockSize(*bytes)) {
        pool.extendLife(operand->second, lastUseOf(v));
        return record(v, operand->second, *bytes);
      }
    }
    // Function arguments stay for the whole run (the host writes them).
    return record(v,
                  isa<BlockArgument>(v)
                      ? dram.bump(*bytes)
                      : allocateUntil(*bytes, lastUseOf(v), onChip),
                  *bytes);
  }
  LogicalResult record(Value v, int64_t at, int64_t bytes) {
    addr[v] = at;
    plan.values[v] = {at, bytes};
    return success();
  }

  /// The buffer a MAC op's drain writes: `result`'s, or that of the last op
  /// its epilogue folds in.
  LogicalResult placeDrain(Operation *op, Value result, int64_t n, bool nchw,
                           bool floatBiasTaken) {
    std::optional<EpilogueMatch> ep =
        matchEpilogue(result, n, nchw, floatBiasTaken);
    if (!ep)
      return place(op, result);
    fused.insert(ep->ops.begin(), ep->ops.end());
    if (!ep->residual)
      return place(ep->result.getDefiningOp(), ep->result);
    // The drain reads each residual element before writing the result's:
    // the result may take the residual's block if the add is its last use.
    tosa::AddOp add = ep->residualAdd;
    Value drained =
        add.getInput1() == ep->residual ? add.getInput2() : add.getInput1();
    return place(ep->result.getDefiningOp(), ep->result, ep->residual,
                 lastUseOf(drained));
  }

  LogicalResult planOp(Operation &op) {
    if (fused.contains(&op))
      return success();
    if (isa<func::ReturnOp, tosa::ConstShapeOp, tosa::ConstOp,
            arith::ConstantOp, ConstantOp, PackedWeightsOp>(op))
      return success();
    if (isAlias(&op)) {
      Value input = op.getOperand(0), alias = op.getResult(0);
      auto in = addr.find(input);
      if (in == addr.end()) {
        if (isa<tosa::ReshapeOp, BitcastOp>(op))
          return success(); // a constant: it stays
        return place(&op, alias);
      }
      // Read before addr[alias] inserts: the insertion may rehash the map.
      int64_t base = in->second, offset = 0;
      if (auto slice = dyn_cast<tosa::SliceOp>(op))
        offset = *contiguousSliceOffset(slice) *
                 rt::dtypeBytes(*dtypeOf(
                     cast<ShapedType>(input.getType()).getElementType()));
      addr[alias] = base + offset;
      // The alias keeps the block alive.
      for (MemoryPool *pool : {&dram, &scratch})
        pool->extendLife(base, lastUseOf(alias));
      return success();
    }
    if (auto m = dyn_cast<MatmulOp>(op)) {
      SmallVector<MatmulOp> chain = accumulatorChain(m);
      MatmulOp tail = chain.empty() ? m : chain.back();
      for (MatmulOp term : chain)
        fused.insert(term);
      return placeDrain(tail, tail.getResult(),
                        m.getRhs().getType().getShape().back(),
                        /*nchw=*/false, /*floatBiasTaken=*/false);
    }
    if (auto c = dyn_cast<Conv2DOp>(op)) {
      SmallVector<Conv2DOp> chain = accumulatorChain(c);
      Conv2DOp tail = chain.empty() ? c : chain.back();
      for (Conv2DOp term : chain)
        fused.insert(term);
      // An LP convolution's f32 bias is added on the drain already.
      bool floatBias =
          c.getBias() && c.getResult().getType().getElementType().isF32();
      if (failed(placeDrain(tail, tail.getResult(),
                            c.getFilter().getType().getDimSize(0),
                            /*nchw=*/true, floatBias)))
        return failure();
      int64_t bytes = patchBytes(c, target);
      plan.patches[c] = {allocateUntil(bytes, current, /*onChip=*/true), bytes};
      return success();
    }
    // Elementwise and row-wise ops may write over an operand.
    if (binaryFnOf(&op)) {
      Value same;
      for (Value operand : op.getOperands())
        if (!same && operand.getType() == op.getResult(0).getType())
          same = operand;
      return place(&op, op.getResult(0), same);
    }
    // A layer norm whose result a per-tensor quantize reads alone writes
    // the codes.
    if (auto ln = dyn_cast<LayerNormOp>(op))
      if (std::optional<RequantizeMatch> rq = matchRequantize(ln.getResult())) {
        fused.insert(rq->ops.begin(), rq->ops.end());
        return place(rq->quantize, rq->quantize.getResult());
      }
    // So does the LUT softmax when its probabilities are requantized.
    if (auto sm = dyn_cast<LutSoftmaxOp>(op))
      if (std::optional<SoftmaxRequantizeMatch> rq =
              matchSoftmaxRequantize(sm)) {
        fused.insert(rq->ops.begin(), rq->ops.end());
        return place(rq->quantize, rq->quantize.getResult());
      }
    // Dequantizing i32 (a drained accumulator) keeps the size.
    if (isa<DequantizeOp, tosa::ClampOp, GeluOp, LayerNormOp, SoftmaxOp, LutOp>(
            op) ||
        unaryFnOf(&op))
      return place(&op, op.getResult(0), op.getOperand(0));
    if (isa<QuantizeOp, tosa::TransposeOp, tosa::SliceOp, tosa::MaxPool2dOp,
            tosa::AvgPool2dOp, tosa::ReduceSumOp, tosa::ReduceMaxOp,
            tosa::ReduceMinOp, tosa::ReduceProductOp, tosa::EqualOp,
            tosa::GreaterOp, tosa::GreaterEqualOp, tosa::SelectOp,
            tosa::ConcatOp, tosa::GatherOp, LutSoftmaxOp, tosa::ArgMaxOp,
            tosa::CastOp, tosa::IntDivOp, tosa::LogicalAndOp, tosa::LogicalOrOp,
            tosa::LogicalXorOp>(op))
      return place(&op, op.getResult(0));
    return success(); // no instruction: the lowering says so
  }

  func::FuncOp func;
  TargetAttr target;
  BufferPlan plan;
  /// DRAM, and the scratchpad from rt::kScratchBase.
  MemoryPool dram{0, std::numeric_limits<int64_t>::max()}, scratch;
  std::set<int64_t> spills; ///< DRAM addresses of spilled blocks
  /// Address of every planned value and reshape alias.
  DenseMap<Value, int64_t> addr;
  /// Position in the function of each value's last user.
  DenseMap<Value, int64_t> lastUse;
  int64_t current = 0; ///< position of the op being planned
  /// Ops the lowering covers with an earlier one.
  DenseSet<Operation *> fused;
};

BufferAttr toAttr(MLIRContext *ctx, BufferPlan::Block block) {
  bool onChip = block.addr >= rt::kScratchBase;
  return BufferAttr::get(ctx, onChip ? MemorySpace::Scratch : MemorySpace::Dram,
                         onChip ? block.addr - rt::kScratchBase : block.addr,
                         block.bytes);
}
} // namespace

FailureOr<BufferPlan> kite::planBuffers(func::FuncOp func, TargetAttr target) {
  return Planner(func, target).run();
}

void kite::recordBuffers(func::FuncOp func, const BufferPlan &plan) {
  MLIRContext *ctx = func.getContext();
  for (BlockArgument arg : func.getArguments()) {
    auto it = plan.values.find(arg);
    if (it != plan.values.end())
      func.setArgAttr(arg.getArgNumber(), kBufferAttrName,
                      toAttr(ctx, it->second));
    else
      func.removeArgAttr(arg.getArgNumber(), kBufferAttrName);
  }
  func.walk([&](Operation *op) {
    op->removeAttr(kBufferAttrName);
    op->removeAttr(kPatchesAttrName);
    if (op->getNumResults() == 1) {
      auto it = plan.values.find(op->getResult(0));
      if (it != plan.values.end())
        op->setAttr(kBufferAttrName, toAttr(ctx, it->second));
    }
    auto patches = plan.patches.find(op);
    if (patches != plan.patches.end())
      op->setAttr(kPatchesAttrName, toAttr(ctx, patches->second));
  });
}

FailureOr<std::optional<BufferPlan>> kite::readBuffers(func::FuncOp func,
                                                       TargetAttr target) {
  int64_t scratchBytes = int64_t(target.getMemory().getScratchKib()) * 1024;
  BufferPlan plan;
  bool any = false;
  // Checks `attr` (named `name`, on `op`) for a tensor of `bytes` bytes.
  auto read = [&](Operation *op, StringRef name, Attribute attr,
                  int64_t bytes) -> FailureOr<BufferPlan::Block> {
    auto buffer = dyn_cast<BufferAttr>(attr);
    if (!buffer)
      return op->emitOpError()
             << name << " must be a #kite.buffer, got " << attr;
    if (buffer.getBytes() < bytes)
      return op->emitOpError()
             << name << " " << buffer << " is smaller than the " << bytes
             << " bytes it must hold";
    bool onChip = buffer.getSpace() == MemorySpace::Scratch;
    int64_t end = buffer.getOffset() + buffer.getBytes();
    if (end > (onChip ? scratchBytes : rt::kScratchBase))
      return op->emitOpError()
             << name << " " << buffer << " ends past the "
             << (onChip ? "scratchpad" : "DRAM") << " of target '"
             << target.getName() << "' ("
             << (onChip ? scratchBytes : rt::kScratchBase) << " bytes)";
    any = true;
    if (!onChip)
      plan.dramBytes =
          std::max(plan.dramBytes, int64_t(llvm::alignTo(end, kBufferAlign)));
    return BufferPlan::Block{onChip ? rt::kScratchBase + buffer.getOffset()
                                    : buffer.getOffset(),
                             buffer.getBytes()};
  };
  auto readValue = [&](Operation *op, Value v,
                       Attribute attr) -> LogicalResult {
    if (!attr)
      return success();
    std::optional<int64_t> bytes = tensorBytes(v.getType());
    if (!bytes)
      return op->emitOpError() << kBufferAttrName << " on a tensor of type "
                               << v.getType() << ", which has no layout";
    FailureOr<BufferPlan::Block> block =
        read(op, kBufferAttrName, attr, *bytes);
    if (failed(block))
      return failure();
    plan.values[v] = *block;
    return success();
  };
  for (BlockArgument arg : func.getArguments())
    if (failed(readValue(func, arg,
                         func.getArgAttr(arg.getArgNumber(), kBufferAttrName))))
      return failure();
  WalkResult walk = func.walk([&](Operation *op) {
    if (Attribute attr = op->getAttr(kBufferAttrName)) {
      if (op->getNumResults() != 1) {
        op->emitOpError() << kBufferAttrName << " needs an op with one result";
        return WalkResult::interrupt();
      }
      if (failed(readValue(op, op->getResult(0), attr)))
        return WalkResult::interrupt();
    }
    if (Attribute attr = op->getAttr(kPatchesAttrName)) {
      auto conv = dyn_cast<Conv2DOp>(op);
      if (!conv) {
        op->emitOpError() << kPatchesAttrName << " belongs on a kite.conv2d";
        return WalkResult::interrupt();
      }
      FailureOr<BufferPlan::Block> block =
          read(op, kPatchesAttrName, attr, patchBytes(conv, target));
      if (failed(block))
        return WalkResult::interrupt();
      plan.patches[op] = *block;
    }
    return WalkResult::advance();
  });
  if (walk.wasInterrupted())
    return failure();
  if (!any)
    return std::optional<BufferPlan>();
  return std::optional<BufferPlan>(std::move(plan));
}
