//===- VectorUnit.cpp - ops on the vector and LUT units -------------------===//
//
// Elementwise arithmetic (vec_binary, vec_clamp), reductions, pools,
// quantize/dequantize, GELU, layer norm and the LUT softmax unit.
//
//===----------------------------------------------------------------------===//

#include "Lowering.h"

#include "mlir/IR/Matchers.h"

using namespace kite;
using namespace kite::isel;

bool kite::isel::hasShift(Operation *op) {
  auto mul = dyn_cast<tosa::MulOp>(op);
  DenseElementsAttr shift;
  return mul && (!matchPattern(mul.getShift(), m_Constant(&shift)) ||
                 !llvm::all_of(shift.getValues<APInt>(),
                               [](const APInt &v) { return v.isZero(); }));
}

FailureOr<SmallVector<int64_t>>
kite::isel::broadcastStrides(Operation *op, Value operand,
                             ArrayRef<int64_t> shape) {
  auto type = cast<RankedTensorType>(operand.getType());
  if (type.getRank() != int64_t(shape.size()))
    return op->emitOpError("operands must have the result's rank");
  SmallVector<int64_t> strides = rowMajorStrides(type.getShape());
  for (size_t d = 0; d < shape.size(); ++d)
    if (type.getDimSize(d) == 1 && shape[d] != 1)
      strides[d] = 0;
  return strides;
}

FailureOr<SmallVector<Lowering::Strided>>
Lowering::broadcastOperands(Operation *op, ArrayRef<int64_t> shape,
                            unsigned count) {
  SmallVector<Strided> operands;
  for (Value v : op->getOperands().take_front(count)) {
    FailureOr<Buffer> buf = bufferOf(op, v);
    if (failed(buf))
      return failure();
    FailureOr<SmallVector<int64_t>> strides = broadcastStrides(op, v, shape);
    if (failed(strides))
      return failure();
    operands.push_back({buf->addr, std::move(*strides)});
  }
  return operands;
}

LogicalResult Lowering::lowerElementwise(Operation *op, numerics::BinaryFn fn) {
  auto type = cast<RankedTensorType>(op->getResult(0).getType());
  if (!type.getElementType().isF32())
    return op->emitOpError("has no instruction for non-f32 elements");
  if (hasShift(op))
    return op->emitOpError("with a non-zero shift has no instruction");
  // tosa.mul's third operand is its shift.
  auto operands = broadcastOperands(op, type.getShape(), 2);
  if (failed(operands))
    return failure();
  FailureOr<Buffer> out = newBuffer(op, op->getResult(0));
  if (failed(out))
    return failure();
  const Strided &lhs = (*operands)[0], &rhs = (*operands)[1];
  ki::VecBinaryOp::create(b, loc, ki::BinaryKind(fn), lhs.addr, rhs.addr,
                          out->addr, type.getShape(),
                          ArrayRef<int64_t>(lhs.strides),
                          ArrayRef<int64_t>(rhs.strides));
  return success();
}

LogicalResult Lowering::lowerCompare(Operation *op, numerics::CompareFn fn) {
  auto type = cast<RankedTensorType>(op->getResult(0).getType());
  if (!getElementTypeOrSelf(op->getOperand(0).getType()).isF32())
    return op->emitOpError("has no instruction for non-f32 operands");
  auto operands = broadcastOperands(op, type.getShape(), 2);
  if (failed(operands))
    return failure();
  FailureOr<Buffer> out = newBuffer(op, op->getResult(0));
  if (failed(out))
    return failure();
  const Strided &lhs = (*operands)[0], &rhs = (*operands)[1];
  ki::VecCompareOp::create(b, loc, ki::CompareKind(fn), lhs.addr, rhs.addr,
                           out->addr, type.getShape(),
                           ArrayRef<int64_t>(lhs.strides),
                           ArrayRef<int64_t>(rhs.strides));
  return success();
}

LogicalResult Lowering::lowerSelect(tosa::SelectOp op) {
  auto type = cast<RankedTensorType>(op.getType());
  if (!type.getElementType().isF32())
    return op->emitOpError("has no instruction for non-f32 elements");
  auto operands = broadcastOperands(op, type.getShape(), 3);
  if (failed(operands))
    return failure();
  FailureOr<Buffer> out = newBuffer(op, op.getResult());
  if (failed(out))
    return failure();
  const Strided &cond = (*operands)[0], &lhs = (*operands)[1],
                &rhs = (*operands)[2];
  ki::VecSelectOp::create(b, loc, cond.addr, lhs.addr, rhs.addr, out->addr,
                          type.getShape(), ArrayRef<int64_t>(cond.strides),
                          ArrayRef<int64_t>(lhs.strides),
                          ArrayRef<int64_t>(rhs.strides));
  return success();
}

LogicalResult Lowering::lowerQuantize(Operation *op, bool quantize) {
  FailureOr<QuantParams> q = quantParams(op, quantize);
  if (failed(q))
    return failure();
  Value floatSide = quantize ? op->getOperand(0) : op->getResult(0);
  auto floatType = cast<RankedTensorType>(floatSide.getType());
  ArrayRef<double> scales = q->scales;
  ArrayRef<int64_t> zeros = q->zeros;
  int64_t inner = q->inner;
  const rt::OperandFormat &f = q->format;
  FailureOr<Buffer> in = bufferOf(op, op->getOperand(0));
  FailureOr<Buffer> out = newBuffer(op, op->getResult(0));
  if (failed(in) || failed(out))
    return failure();
  int64_t count = floatType.getNumElements();
  if (quantize)
    ki::VecQuantizeOp::create(b, loc, in->addr, out->addr,
                              ki::DType(out->dtype), count, inner, f.pack(),
                              scales, zeros);
  else
    ki::VecDequantizeOp::create(b, loc, in->addr, ki::DType(in->dtype),
                                out->addr, count, inner, f.pack(), scales,
                                zeros);
  return success();
}

LogicalResult Lowering::lowerPool(Operation *op, bool isMax) {
  auto inType = cast<RankedTensorType>(op->getOperand(0).getType());
  auto outType = cast<RankedTensorType>(op->getResult(0).getType());
  Type element = inType.getElementType();
  if (!element.isF32() && !(isMax && element.isSignlessInteger(8)))
    return op->emitOpError(isMax ? "has no instruction for elements other "
                                   "than f32 and i8"
                                 : "has no instruction for non-f32 elements");
  auto i64s = [&](StringRef name) {
    return cast<DenseI64ArrayAttr>(op->getAttr(name)).asArrayRef();
  };
  ArrayRef<int64_t> kernel = i64s("kernel"), stride = i64s("stride"),
                    pad = i64s("pad");
  FailureOr<Buffer> in = bufferOf(op, op->getOperand(0));
  FailureOr<Buffer> out = newBuffer(op, op->getResult(0));
  if (failed(in) || failed(out))
    return failure();
  ki::VecPoolOp::create(
      b, loc, isMax ? ki::PoolKind::Max : ki::PoolKind::Avg, in->addr,
      out->addr, ki::DType(*dtypeOf(element)),
      ArrayRef<int64_t>(inType.getShape()), ArrayRef<int64_t>(kernel),
      ArrayRef<int64_t>(stride), ArrayRef<int64_t>({pad[0], pad[2]}),
      ArrayRef<int64_t>({outType.getDimSize(1), outType.getDimSize(2)}));
  return success();
}

FailureOr<std::pair<Buffer, Buffer>> Lowering::f32InOut(Operation *op) {
  if (!cast<ShapedType>(op->getOperand(0).getType()).getElementType().isF32())
    return op->emitOpError("has no instruction for non-f32 elements");
  FailureOr<Buffer> in = bufferOf(op, op->getOperand(0));
  if (failed(in))
    return failure();
  FailureOr<Buffer> out = newBuffer(op, op->getResult(0));
  if (failed(out))
    return failure();
  return std::make_pair(*in, *out);
}

LogicalResult Lowering::lowerClamp(tosa::ClampOp op) {
  FailureOr<std::pair<Buffer, Buffer>> io = f32InOut(op);
  if (failed(io))
    return failure();
  ki::VecClampOp::create(b, loc, io->first.addr, io->second.addr,
                         op.getResult().getType().getNumElements(),
                         APFloat(clampBound(op.getMinValAttr())),
                         APFloat(clampBound(op.getMaxValAttr())));
  return success();
}

LogicalResult Lowering::lowerReduce(Operation *op, numerics::ReduceFn fn) {
  FailureOr<std::pair<Buffer, Buffer>> io = f32InOut(op);
  if (failed(io))
    return failure();
  auto [outer, len, inner] =
      around(cast<ShapedType>(op->getOperand(0).getType()).getShape(),
             cast<IntegerAttr>(op->getAttr("axis")).getInt());
  ki::VecReduceOp::create(b, loc, ki::ReduceKind(fn), io->first.addr,
                          io->second.addr, outer, len, inner);
  return success();
}

LogicalResult Lowering::lowerGelu(GeluOp op) {
  FailureOr<std::pair<Buffer, Buffer>> io = f32InOut(op);
  if (failed(io))
    return failure();
  ki::VecGeluOp::create(b, loc, io->first.addr, io->second.addr,
                        op.getResult().getType().getNumElements(),
                        op.getApproximation() == GeluApproximation::Tanh ? 1
                                                                         : 0);
  return success();
}

LogicalResult Lowering::lowerSoftmax(SoftmaxOp op) {
  FailureOr<std::pair<Buffer, Buffer>> io = f32InOut(op);
  if (failed(io))
    return failure();
  ArrayRef<int64_t> shape = op.getInput().getType().getShape();
  int64_t axis = int64_t(op.getAxis()); // I64Attr reads back unsigned
  if (axis < 0)
    axis += int64_t(shape.size());
  auto [outer, len, inner] = around(shape, axis);
  ki::VecSoftmaxOp::create(b, loc, io->first.addr, io->second.addr, outer, len,
                           inner);
  return success();
}

LogicalResult Lowering::lowerLayerNorm(LayerNormOp op) {
  if (!op.getInput().getType().getElementType().isF32())
    return op->emitOpError("has no instruction for non-f32 elements");
  // The codes of a per-tensor quantize that reads the result alone, or
  // the f32 result.
  std::optional<RequantizeMatch> rq = matchRequantize(op.getResult());
  Requantization out;
  FailureOr<Buffer> in = bufferOf(op, op.getInput());
  FailureOr<Buffer> dst = rq ? newBuffer(rq->quantize, rq->quantize.getResult())
                             : newBuffer(op, op.getResult());
  if (failed(in) || failed(dst))
    return failure();
  if (rq) {
    out = requantization(rq->quantize);
    fused.insert(rq->ops.begin(), rq->ops.end());
  }
  int64_t scale = -1, bias = -1;
  for (auto [v, addr] :
       {std::pair{op.getScale(), &scale}, std::pair{op.getBias(), &bias}}) {
    if (!v)
      continue;
    FailureOr<Buffer> buf = bufferOf(op, v);
    if (failed(buf))
      return failure();
    *addr = buf->addr;
  }
  ArrayRef<int64_t> shape = op.getInput().getType().getShape();
  int64_t len = product(shape.drop_front(op.getNormalizedAxis()));
  ki::VecLayerNormOp::create(b, loc, in->addr, dst->addr,
                             op.getInput().getType().getNumElements() / len,
                             len, APFloat(op.getEpsilon().convertToDouble()),
                             scale, bias, out.format, APFloat(out.scales[0]),
                             out.zero);
  return success();
}

LogicalResult Lowering::lowerLutSoftmax(LutSoftmaxOp op) {
  // The codes of a dequantize-requantize pair that reads the
  // probabilities alone, or the probabilities.
  std::optional<SoftmaxRequantizeMatch> rq = matchSoftmaxRequantize(op);
  FailureOr<Buffer> in = bufferOf(op, op.getInput());
  FailureOr<Buffer> out = rq ? newBuffer(rq->quantize, rq->quantize.getResult())
                             : newBuffer(op, op.getResult());
  if (failed(in) || failed(out))
    return failure();
  Requantization requant;
  double probScale = 1;
  int64_t probZero = 0;
  if (rq) {
    QuantParams dq = *quantParams(rq->dequantize, /*quantize=*/false);
    probScale = dq.scales[0];
    probZero = dq.zeros[0];
    requant = requantization(rq->quantize);
    fused.insert(rq->ops.begin(), rq->ops.end());
  }
  ArrayRef<int64_t> shape = op.getInput().getType().getShape();
  int64_t axis = int64_t(op.getAxis());
  if (axis < 0)
    axis += int64_t(shape.size());
  auto [outer, len, inner] = around(shape, axis);
  numerics::LutSoftmaxTables t = op.getTables();
  SmallVector<int64_t> expTable(t.expTable.begin(), t.expTable.end());
  SmallVector<int64_t> normTable(t.normTable.begin(), t.normTable.end());
  ki::LutSoftmaxOp::create(
      b, loc, in->addr, ki::DType(in->dtype), out->addr, ki::DType(out->dtype),
      outer, len, inner,
      t.method == numerics::SoftmaxMethod::Rexp ? ki::SoftmaxMethod::Rexp
                                                : ki::SoftmaxMethod::Lut2D,
      APFloat(t.inputScale), APFloat(t.step), int64_t(t.outBits),
      int64_t(t.sumShift), int64_t(t.outShift), ArrayRef<int64_t>(expTable),
      ArrayRef<int64_t>(normTable), int64_t(t.normRows), int64_t(t.normCols),
      APFloat(probScale), probZero, requant.format, APFloat(requant.scales[0]),
      requant.zero);
  return success();
}

LogicalResult Lowering::lowerUnary(Operation *op, numerics::UnaryFn fn) {
  if (auto neg = dyn_cast<tosa::NegateOp>(op)) {
    DenseFPElementsAttr zp;
    for (Value v : {neg.getInput1Zp(), neg.getOutputZp()})
      if (!matchPattern(v, m_Constant(&zp)) ||
          llvm::any_of(zp.getValues<APFloat>(),
                       [](const APFloat &z) { return !z.isZero(); }))
        return op->emitOpError("with a non-zero zero point has no instruction");
  }
  FailureOr<std::pair<Buffer, Buffer>> io = f32InOut(op);
  if (failed(io))
    return failure();
  ki::VecUnaryOp::create(
      b, loc, ki::UnaryKind(fn), io->first.addr, io->second.addr,
      cast<ShapedType>(op->getResult(0).getType()).getNumElements());
  return success();
}

LogicalResult Lowering::lowerLut(LutOp op) {
  FailureOr<Buffer> in = bufferOf(op, op.getInput());
  FailureOr<Buffer> out = newBuffer(op, op.getResult());
  if (failed(in) || failed(out))
    return failure();
  SmallVector<int64_t> table;
  for (int8_t v : op.getTable().getValues<int8_t>())
    table.push_back(v);
  ki::VecLutOp::create(b, loc, in->addr, out->addr,
                       op.getType().getNumElements(), table);
  return success();
}
