//===- Host.cpp - host segments: what no accelerator unit runs ------------===//
//
// ArgMax, casts, integer arithmetic on runtime data (index computations)
// and gathers with computed indices have no unit on the accelerator; they
// become host_call, host_elementwise and host_gather, which the runtime
// executes with its own kernels and charges from the target's `host`.
//
//===----------------------------------------------------------------------===//

#include "Lowering.h"

#include "llvm/ADT/TypeSwitch.h"

using namespace kite;
using namespace kite::isel;

namespace {
/// Integer element types the host computes on: booleans and the widths
/// the runtime stores exactly.
bool hostInteger(Type t, bool allowBool) {
  auto i = dyn_cast<IntegerType>(t);
  if (!i || i.isUnsigned())
    return false;
  unsigned w = i.getWidth();
  return (allowBool && w == 1) || w == 8 || w == 16 || w == 32 || w == 64;
}
} // namespace

std::optional<rt::HostElementwiseKind>
kite::isel::hostElementwiseKind(Operation *op) {
  using Kind = rt::HostElementwiseKind;
  std::optional<Kind> kind =
      llvm::TypeSwitch<Operation *, std::optional<Kind>>(op)
          .Case<tosa::AddOp>([](auto) { return Kind::Add; })
          .Case<tosa::SubOp>([](auto) { return Kind::Sub; })
          .Case<tosa::MulOp>([](auto) { return Kind::Mul; })
          .Case<tosa::MaximumOp>([](auto) { return Kind::Max; })
          .Case<tosa::MinimumOp>([](auto) { return Kind::Min; })
          .Case<tosa::IntDivOp>([](auto) { return Kind::IntDiv; })
          .Case<tosa::EqualOp>([](auto) { return Kind::Equal; })
          .Case<tosa::GreaterOp>([](auto) { return Kind::Greater; })
          .Case<tosa::GreaterEqualOp>([](auto) { return Kind::GreaterEqual; })
          .Case<tosa::LogicalAndOp>([](auto) { return Kind::LogicalAnd; })
          .Case<tosa::LogicalOrOp>([](auto) { return Kind::LogicalOr; })
          .Case<tosa::LogicalXorOp>([](auto) { return Kind::LogicalXor; })
          .Case<tosa::SelectOp>([](auto) { return Kind::Select; })
          .Default([](Operation *) { return std::nullopt; });
  if (!kind)
    return std::nullopt;
  // A select's values are its second operand on; the others' the first.
  Value value = op->getOperand(kind == Kind::Select ? 1 : 0);
  if (!isa<IntegerType>(getElementTypeOrSelf(value.getType())))
    return std::nullopt;
  return kind;
}

LogicalResult Lowering::checkHost(Operation *op) {
  if (!allowHost)
    return op->emitOpError("runs only on the host, and host segments are "
                           "off (kitec --no-host)");
  if (!target.getHost())
    return op->emitOpError("runs only on the host, and target '")
           << target.getName() << "' has none";
  return success();
}

LogicalResult Lowering::lowerHost(Operation *op) {
  if (failed(checkHost(op)))
    return failure();
  auto inType = cast<RankedTensorType>(op->getOperand(0).getType());
  auto outType = cast<RankedTensorType>(op->getResult(0).getType());
  std::optional<rt::DType> st = dtypeOf(inType.getElementType()),
                           dt = dtypeOf(outType.getElementType());
  // Booleans are stored as 0/1 bytes, which read as the integers a cast
  // from i1 gives; a cast to i1 (non-zero is true) has no kernel.
  if (!st || !dt || outType.getElementType().isInteger(1))
    return op->emitOpError("has no host kernel for these element types");
  FailureOr<Buffer> in = bufferOf(op, op->getOperand(0));
  FailureOr<Buffer> out = newBuffer(op, op->getResult(0));
  if (failed(in) || failed(out))
    return failure();
  rt::HostKernel kind = rt::HostKernel::Cast;
  std::array<int64_t, 3> shape = {1, inType.getNumElements(), 1};
  if (auto argmax = dyn_cast<tosa::ArgMaxOp>(op)) {
    kind = rt::HostKernel::ArgMax;
    shape = around(inType.getShape(), int64_t(argmax.getAxis()));
  }
  ki::HostCallOp::create(b, loc, ki::HostKernel(kind), in->addr, ki::DType(*st),
                         out->addr, ki::DType(*dt), shape[0], shape[1],
                         shape[2]);
  return success();
}

LogicalResult Lowering::lowerHostElementwise(Operation *op,
                                             rt::HostElementwiseKind kind) {
  using Kind = rt::HostElementwiseKind;
  if (failed(checkHost(op)))
    return failure();
  bool select = kind == Kind::Select;
  bool logical = kind >= Kind::LogicalAnd && kind <= Kind::LogicalXor;
  bool compare = kind >= Kind::Equal && kind <= Kind::GreaterEqual;
  // Booleans take part only where their arithmetic cannot differ from
  // the stored byte's: comparisons, logical ops and selects.
  Value first = op->getOperand(select ? 1 : 0);
  Type element = getElementTypeOrSelf(first.getType());
  if (!hostInteger(element, select || logical || compare) ||
      (logical && !element.isInteger(1)))
    return op->emitOpError("has no host kernel for ") << element << " elements";
  if (hasShift(op))
    return op->emitOpError("with a non-zero shift has no host kernel");
  auto type = cast<RankedTensorType>(op->getResult(0).getType());
  // tosa.mul's third operand is its shift; a select's first its condition.
  FailureOr<SmallVector<Strided>> operands =
      broadcastOperands(op, type.getShape(), select ? 3 : 2);
  FailureOr<Buffer> out = newBuffer(op, op->getResult(0));
  if (failed(operands) || failed(out))
    return failure();
  Strided none{-1, {}};
  const Strided &cond = select ? (*operands)[0] : none,
                &a = (*operands)[select ? 1 : 0],
                &bb = (*operands)[select ? 2 : 1];
  ki::HostElementwiseOp::create(
      b, loc, ki::HostElementwiseKind(kind), a.addr, bb.addr, cond.addr,
      ki::DType(*dtypeOf(element)), out->addr, ki::DType(out->dtype),
      type.getShape(), ArrayRef<int64_t>(a.strides),
      ArrayRef<int64_t>(bb.strides), ArrayRef<int64_t>(cond.strides));
  return success();
}

LogicalResult Lowering::lowerHostGather(tosa::GatherOp op) {
  if (failed(checkHost(op)))
    return failure();
  auto values = cast<RankedTensorType>(op.getValues().getType());
  auto indices = cast<RankedTensorType>(op.getIndices().getType());
  if (!hostInteger(indices.getElementType(), /*allowBool=*/false))
    return op.emitOpError("has no host kernel for ")
           << indices.getElementType() << " indices";
  FailureOr<Buffer> in = bufferOf(op, op.getValues());
  FailureOr<Buffer> idx = bufferOf(op, op.getIndices());
  FailureOr<Buffer> out = newBuffer(op, op.getResult());
  if (failed(in) || failed(idx) || failed(out))
    return failure();
  ki::HostGatherOp::create(b, loc, in->addr, ki::DType(in->dtype), idx->addr,
                           ki::DType(idx->dtype), out->addr,
                           values.getDimSize(0), values.getDimSize(1),
                           values.getDimSize(2), indices.getDimSize(1));
  return success();
}
