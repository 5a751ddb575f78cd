//===- DataMovement.cpp - transposes and slices ---------------------------===//
//
// Data movement without arithmetic: strided copies (vec_copy) for
// transposes and slices; contiguous slices are read in place. Reshapes and
// bitcasts alias their operand (KiteToKiteIsa.cpp).
//
//===----------------------------------------------------------------------===//

#include "Lowering.h"

#include "mlir/IR/Matchers.h"

using namespace kite;
using namespace kite::isel;

LogicalResult Lowering::lowerTranspose(tosa::TransposeOp op) {
  auto inType = cast<RankedTensorType>(op.getInput1().getType());
  auto outType = cast<RankedTensorType>(op.getType());
  FailureOr<Buffer> in = bufferOf(op, op.getInput1());
  FailureOr<Buffer> out = newBuffer(op, op.getResult());
  if (failed(in) || failed(out))
    return failure();
  SmallVector<int64_t> inStrides = rowMajorStrides(inType.getShape()), src;
  for (int32_t p : op.getPerms())
    src.push_back(inStrides[size_t(p)]);
  ki::VecCopyOp::create(
      b, loc, in->addr, out->addr, int64_t(rt::dtypeBytes(in->dtype)),
      ArrayRef<int64_t>(outType.getShape()), ArrayRef<int64_t>(src));
  return success();
}

LogicalResult Lowering::lowerSlice(tosa::SliceOp op) {
  auto inType = cast<RankedTensorType>(op.getInput1().getType());
  auto outType = cast<RankedTensorType>(op.getType());
  DenseElementsAttr start;
  if (!matchPattern(op.getStart(), m_Constant(&start)))
    return op.emitOpError("start must be a constant");
  FailureOr<Buffer> in = bufferOf(op, op.getInput1());
  if (failed(in))
    return failure();
  if (std::optional<int64_t> offset = contiguousSliceOffset(op);
      offset && !plan.values.count(op.getResult())) { // read in place
    buffers[op.getResult()] = {in->addr + *offset * rt::dtypeBytes(in->dtype),
                               in->dtype};
    return success();
  }
  FailureOr<Buffer> out = newBuffer(op, op.getResult());
  if (failed(out))
    return failure();
  SmallVector<int64_t> strides = rowMajorStrides(inType.getShape());
  int64_t offset = 0, d = 0;
  for (const APInt &s : start.getValues<APInt>())
    offset += s.getSExtValue() * strides[size_t(d++)];
  int64_t eb = rt::dtypeBytes(in->dtype);
  ki::VecCopyOp::create(b, loc, in->addr + offset * eb, out->addr, eb,
                        ArrayRef<int64_t>(outType.getShape()),
                        ArrayRef<int64_t>(strides));
  return success();
}
