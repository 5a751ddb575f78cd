//===- KiteToKiteIsa.cpp - tensor-level kite to the instruction stream ----===//
//
// Walks the entry function once, in order: every op becomes instructions
// on the buffers kite-bufferize planned (reshapes alias their operand),
// lowered by the unit that runs it (Lowering.h). MAC ops are tiled into
// ping-pong halves of the on-chip buffers; the simulator's scoreboard then
// overlaps the DMA of one half with the array working on the other.
//
//===----------------------------------------------------------------------===//

#include "Lowering.h"
#include "kite/Conversion/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "llvm/ADT/TypeSwitch.h"

namespace kite {
#define GEN_PASS_DEF_CONVERTKITETOKITEISA
#include "kite/dialects/Conversion/Passes.h.inc"
} // namespace kite

using namespace kite;
using namespace kite::isel;

/// Whether every use of `v` reads it as packed weights: a filter, or N:M
/// matmul weights.
bool kite::isel::readOnlyPacked(Value v) {
  return llvm::all_of(v.getUses(), [](OpOperand &use) {
    if (isa<Conv2DOp>(use.getOwner()))
      return use.getOperandNumber() == 1;
    auto mm = dyn_cast<MatmulOp>(use.getOwner());
    return mm && use.getOperandNumber() == 1 && mm.getRhsSparsityAttr();
  });
}

LogicalResult Lowering::lowerConstant(Operation *op, Attribute value) {
  Value result = op->getResult(0);
  // Filters and N:M weights reach DRAM only in the layout placeWeights
  // makes (and unused constants not at all).
  if (readOnlyPacked(result))
    return success();
  // A scalar (an index an scf.if's condition is read at) has no buffer;
  // what reads it fails with its own error.
  auto type = dyn_cast<RankedTensorType>(result.getType());
  if (!type)
    return success();
  auto attr = dyn_cast<DenseElementsAttr>(value);
  std::optional<rt::DType> dtype = dtypeOf(type.getElementType());
  if (!attr || !dtype)
    return op->emitOpError("constant has no DRAM layout (dense f32, i<=32 or "
                           "LP elements only)");
  unsigned eb = rt::dtypeBytes(*dtype);
  // LP codes are stored sign-extended, as vec_quantize writes them (the
  // order kite.bitcast's i8 readers rely on).
  auto lp = dyn_cast<LPType>(type.getElementType());
  std::vector<char> bytes;
  bytes.reserve(size_t(type.getNumElements()) * eb);
  auto push = [&](const void *p) { // little-endian: the low bytes
    bytes.insert(bytes.end(), static_cast<const char *>(p),
                 static_cast<const char *>(p) + eb);
  };
  if (isa<FloatType>(attr.getElementType())) {
    for (const APFloat &v : attr.getValues<APFloat>()) {
      float f = float(v.convertToDouble());
      push(&f);
    }
  } else {
    for (const APInt &v : attr.getValues<APInt>()) {
      // Booleans are 0/1, as the interpreter reads them.
      bool zext = type.getElementType().isUnsignedInteger() ||
                  type.getElementType().isInteger(1);
      int64_t i =
          lp     ? numerics::signExtend(int64_t(v.getZExtValue()), lp.getN())
          : zext ? int64_t(v.getZExtValue())
                 : v.getSExtValue();
      push(&i);
    }
  }
  buffers[result] = Buffer{addData(bytes), *dtype};
  return success();
}
LogicalResult Lowering::lowerOp(Operation *op) {
  loc = op->getLoc();
  if (fused.contains(op)) // lowered with an earlier op
    return success();
  if (std::optional<rt::HostElementwiseKind> kind = hostElementwiseKind(op))
    return lowerHostElementwise(op, *kind);
  return llvm::TypeSwitch<Operation *, LogicalResult>(op)
      .Case<tosa::ConstShapeOp>([](auto) { return success(); })
      .Case<tosa::ConstOp>(
          [&](auto c) { return lowerConstant(op, c.getValues()); })
      .Case<arith::ConstantOp, ConstantOp>(
          [&](auto c) { return lowerConstant(op, c.getValue()); })
      .Case<PackedWeightsOp>([&](PackedWeightsOp packed) -> LogicalResult {
        // Read by its MAC ops.
        if (readOnlyPacked(packed.getResult()))
          return success();
        return op->emitOpError("feeds an op other than a convolution's "
                               "filter or N:M matmul weights");
      })
      .Case<tosa::ReshapeOp, BitcastOp>([&](Operation *) -> LogicalResult {
        // The same bytes.
        FailureOr<Buffer> in = bufferOf(op, op->getOperand(0));
        if (failed(in))
          return failure();
        buffers[op->getResult(0)] = *in;
        return success();
      })
      // MAC array
      .Case<MatmulOp>([&](MatmulOp m) { return lowerMatmul(m); })
      .Case<Conv2DOp>([&](Conv2DOp c) { return lowerConv(c); })
      // Vector and LUT units
      .Case<tosa::EqualOp>(
          [&](auto) { return lowerCompare(op, numerics::CompareFn::Equal); })
      .Case<tosa::GreaterOp>(
          [&](auto) { return lowerCompare(op, numerics::CompareFn::Greater); })
      .Case<tosa::GreaterEqualOp>([&](auto) {
        return lowerCompare(op, numerics::CompareFn::GreaterEqual);
      })
      .Case<tosa::SelectOp>([&](auto o) { return lowerSelect(o); })
      .Case<QuantizeOp>([&](auto) { return lowerQuantize(op, true); })
      .Case<DequantizeOp>([&](auto) { return lowerQuantize(op, false); })
      .Case<tosa::MaxPool2dOp>([&](auto) { return lowerPool(op, true); })
      .Case<tosa::AvgPool2dOp>([&](auto) { return lowerPool(op, false); })
      .Case<tosa::ClampOp>([&](auto o) { return lowerClamp(o); })
      .Case<tosa::ReduceSumOp>(
          [&](auto) { return lowerReduce(op, numerics::ReduceFn::Sum); })
      .Case<tosa::ReduceMaxOp>(
          [&](auto) { return lowerReduce(op, numerics::ReduceFn::Max); })
      .Case<tosa::ReduceMinOp>(
          [&](auto) { return lowerReduce(op, numerics::ReduceFn::Min); })
      .Case<tosa::ReduceProductOp>(
          [&](auto) { return lowerReduce(op, numerics::ReduceFn::Product); })
      .Case<GeluOp>([&](auto o) { return lowerGelu(o); })
      .Case<LayerNormOp>([&](auto o) { return lowerLayerNorm(o); })
      .Case<LutSoftmaxOp>([&](auto o) { return lowerLutSoftmax(o); })
      .Case<LutOp>([&](auto o) { return lowerLut(o); })
      .Case<SoftmaxOp>([&](auto o) { return lowerSoftmax(o); })
      // Data movement
      .Case<tosa::TransposeOp>([&](auto o) { return lowerTranspose(o); })
      .Case<tosa::SliceOp>([&](auto o) { return lowerSlice(o); })
      .Case<tosa::ConcatOp>([&](auto o) { return lowerConcat(o); })
      .Case<tosa::GatherOp>([&](auto o) { return lowerGather(o); })
      // Host segments
      .Case<tosa::ArgMaxOp, tosa::CastOp>([&](auto) { return lowerHost(op); })
      // Control flow: an if's condition read is the if's to explain.
      .Case<tensor::ExtractOp>([&](tensor::ExtractOp e) -> LogicalResult {
        if (llvm::all_of(e->getUsers(),
                         [](Operation *u) { return isa<scf::IfOp>(u); }))
          return success();
        return op->emitOpError("has no lowering to kite_isa");
      })
      .Case<scf::IfOp>([&](auto) {
        return op->emitOpError(
            "is data-dependent control flow that kite-if-convert left (its "
            "branches hold more MACs than its max-branch-macs, or ops with "
            "effects or regions); the accelerator has no branches, and host "
            "segments run single ops, not regions");
      })
      .Default([&](Operation *) -> LogicalResult {
        if (std::optional<numerics::UnaryFn> fn = unaryFnOf(op))
          return lowerUnary(op, *fn);
        if (std::optional<numerics::BinaryFn> fn = binaryFnOf(op))
          return lowerElementwise(op, *fn);
        return op->emitOpError("has no lowering to kite_isa");
      });
}

LogicalResult Lowering::run() {
  auto program =
      ki::ProgramOp::create(b, func.getLoc(), func.getSymName(), int64_t(0));
  Block *body = new Block();
  program.getBody().push_back(body);
  b.setInsertionPointToEnd(body);
  for (auto [idx, arg] : llvm::enumerate(func.getArguments())) {
    FailureOr<Buffer> buf = newBuffer(func, arg);
    if (failed(buf))
      return failure();
    lastDescriptor = ki::InputOp::create(b, func.getLoc(), int64_t(idx),
                                         buf->addr, arg.getType());
  }
  if (!func.getBody().hasOneBlock())
    return func.emitOpError("must have a single block to be lowered");
  // Data segments first: a drain's epilogue may read a constant defined
  // after its MAC op.
  auto isConstant = [](Operation &op) {
    return isa<tosa::ConstOp, arith::ConstantOp, ConstantOp>(op);
  };
  for (Operation &op : func.getBody().front())
    if (isConstant(op) && failed(lowerOp(&op)))
      return failure();
  for (auto [index, op] : llvm::enumerate(func.getBody().front())) {
    if (isConstant(op))
      continue;
    if (auto ret = dyn_cast<func::ReturnOp>(op)) {
      for (auto [idx, v] : llvm::enumerate(ret.getOperands())) {
        FailureOr<Buffer> buf = bufferOf(ret, v);
        if (failed(buf))
          return failure();
        ki::OutputOp::create(b, ret.getLoc(), int64_t(idx), buf->addr,
                             v.getType());
      }
      continue;
    }
    Operation *last = body->empty() ? nullptr : &body->back();
    if (failed(lowerOp(&op)))
      return failure();
    if (!layerAttrs)
      continue;
    // The op's own kite.layer (kitec numbers the ops before the passes
    // that run ahead of this one add any), else its position.
    auto layer = op.getAttrOfType<IntegerAttr>(kLayerAttrName);
    if (!layer)
      layer = b.getI64IntegerAttr(int64_t(index));
    for (Operation &emitted :
         llvm::make_range(last ? std::next(last->getIterator()) : body->begin(),
                          body->end()))
      if (!isa<ki::DataOp>(emitted))
        emitted.setAttr(kLayerAttrName, layer);
  }
  ki::FenceOp::create(b, func.getLoc());
  if (dramNext > rt::kScratchBase)
    return func.emitOpError()
           << "needs " << dramNext
           << " bytes of DRAM; programs address at most " << rt::kScratchBase;
  program.setDramBytes(dramNext);
  return success();
}

namespace {
struct ConvertKiteToKiteIsa
    : kite::impl::ConvertKiteToKiteIsaBase<ConvertKiteToKiteIsa> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto func = module.lookupSymbol<func::FuncOp>(entry);
    if (!func) {
      module.emitError() << "convert-kite-to-kite-isa: no function @" << entry;
      return signalPassFailure();
    }
    TargetAttr target = requireTarget(module, "convert-kite-to-kite-isa");
    if (!target)
      return signalPassFailure();
    // The plan kite-bufferize recorded, else the one it would record.
    FailureOr<std::optional<BufferPlan>> recorded = readBuffers(func, target);
    if (failed(recorded))
      return signalPassFailure();
    FailureOr<BufferPlan> plan =
        *recorded ? FailureOr<BufferPlan>(std::move(**recorded))
                  : planBuffers(func, target);
    if (failed(plan))
      return signalPassFailure();
    OpBuilder b(func);
    Lowering lowering(func, target, *plan, b, layerAttrs, host);
    if (failed(lowering.run())) {
      // Drop the partial program; the function stays as it was.
      if (auto partial = dyn_cast_or_null<ki::ProgramOp>(func->getPrevNode()))
        partial.erase();
      return signalPassFailure();
    }
    func.erase();
  }
};
} // namespace
