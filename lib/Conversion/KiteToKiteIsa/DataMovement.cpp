//===- DataMovement.cpp - transposes, slices, concatenations, gathers -----===//
//
// Data movement without arithmetic: strided copies (vec_copy) for
// transposes, slices and concatenations, vec_gather for gathers with
// constant indices (nearest resizes); contiguous slices are read in place.
// Reshapes and bitcasts alias their operand (KiteToKiteIsa.cpp).
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
      ArrayRef<int64_t>(outType.getShape()), ArrayRef<int64_t>(src),
      ArrayRef<int64_t>(rowMajorStrides(outType.getShape())));
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
                        ArrayRef<int64_t>(strides),
                        ArrayRef<int64_t>(rowMajorStrides(outType.getShape())));
  return success();
}

LogicalResult Lowering::lowerConcat(tosa::ConcatOp op) {
  auto outType = cast<RankedTensorType>(op.getType());
  FailureOr<Buffer> out = newBuffer(op, op.getResult());
  if (failed(out))
    return failure();
  SmallVector<int64_t> outStrides = rowMajorStrides(outType.getShape());
  int64_t axis = op.getAxis(), at = 0;
  int64_t eb = rt::dtypeBytes(out->dtype);
  // Each input is a block of the result: one strided copy apiece.
  for (Value input : op.getInput1()) {
    auto type = cast<RankedTensorType>(input.getType());
    FailureOr<Buffer> in = bufferOf(op, input);
    if (failed(in))
      return failure();
    ki::VecCopyOp::create(b, loc, in->addr,
                          out->addr + at * outStrides[size_t(axis)] * eb, eb,
                          ArrayRef<int64_t>(type.getShape()),
                          ArrayRef<int64_t>(rowMajorStrides(type.getShape())),
                          ArrayRef<int64_t>(outStrides));
    at += type.getDimSize(axis);
  }
  return success();
}

LogicalResult Lowering::lowerGather(tosa::GatherOp op) {
  // values [N, K, C], indices [N, W] -> [N, W, C]
  auto values = cast<RankedTensorType>(op.getValues().getType());
  DenseElementsAttr indices;
  if (!matchPattern(op.getIndices(), m_Constant(&indices)))
    return lowerHostGather(op);
  int64_t n = values.getDimSize(0), k = values.getDimSize(1),
          c = values.getDimSize(2);
  int64_t w = cast<ShapedType>(indices.getType()).getDimSize(1);
  SmallVector<int64_t> all;
  for (const APInt &i : indices.getValues<APInt>())
    all.push_back(i.getSExtValue());
  // One index row for every n (as a resize or an embedding lookup of one
  // batch writes them): the rows the instruction shares.
  ArrayRef<int64_t> row = ArrayRef<int64_t>(all).take_front(w);
  for (int64_t r = 1; r < n; ++r)
    if (ArrayRef<int64_t>(all).slice(r * w, w) != row)
      return op.emitOpError(
          "with different indices per batch row has no instruction");
  FailureOr<Buffer> in = bufferOf(op, op.getValues());
  FailureOr<Buffer> out = newBuffer(op, op.getResult());
  if (failed(in) || failed(out))
    return failure();
  ki::VecGatherOp::create(b, loc, in->addr, out->addr,
                          int64_t(rt::dtypeBytes(in->dtype)), n, k, c, row);
  return success();
}
