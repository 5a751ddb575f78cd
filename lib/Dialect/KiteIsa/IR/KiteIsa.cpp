//===- KiteIsa.cpp - the kite_isa dialect ---------------------------------===//

#include "kite/Dialect/KiteIsa/IR/KiteIsa.h"

#include "kite/Dialect/Kite/IR/Kite.h"
#include "kite/Numerics/Binary.h"
#include "kite/Numerics/NMSelect.h"
#include "kite/Numerics/Reduce.h"
#include "kite/Numerics/Unary.h"
#include "kite/Runtime/Isa.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "mlir/IR/OpImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace kite;
using namespace kite::kiteisa;

#include "kite/dialects/KiteIsa/KiteIsaDialect.cpp.inc"
#include "kite/dialects/KiteIsa/KiteIsaEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "kite/dialects/KiteIsa/KiteIsaAttrs.cpp.inc"

void KiteIsaDialect::initialize() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "kite/dialects/KiteIsa/KiteIsaAttrs.cpp.inc"
      >();
  addOperations<
#define GET_OP_LIST
#include "kite/dialects/KiteIsa/KiteIsaOps.cpp.inc"
      >();
}

#define GET_OP_CLASSES
#include "kite/dialects/KiteIsa/KiteIsaOps.cpp.inc"

namespace {
/// Checks that [offset, offset + bytes) lies in a buffer of `size` bytes.
LogicalResult checkBuffer(Operation *op, StringRef what, int64_t offset,
                          int64_t bytes, int64_t size) {
  if (offset < 0 || bytes < 0 || offset > size || bytes > size - offset)
    return op->emitOpError()
           << what << " [" << offset << ", " << offset << " + " << bytes
           << ") exceeds the " << size << "-byte buffer of the target";
  return success();
}

int64_t kib(unsigned k) { return int64_t(k) * 1024; }

LogicalResult checkNonNegative(Operation *op,
                               std::initializer_list<int64_t> values) {
  for (int64_t v : values)
    if (v < 0)
      return op->emitOpError("sizes, strides and addresses must be >= 0");
  return success();
}

LogicalResult checkFormat(Operation *op, StringRef which, int64_t word,
                          TargetAttr target) {
  rt::OperandFormat f = rt::OperandFormat::unpack(word);
  if (f.isLP) {
    std::string problem =
        numerics::LPFormat{f.bits, f.es, f.rs, f.sf}.validate();
    if (!problem.empty())
      return op->emitOpError() << which << ": " << problem;
    if (target && !target.supportsLPBits(f.bits))
      return op->emitOpError()
             << which << " " << f.str() << " is not supported by target '"
             << target.getName() << "'";
    return success();
  }
  if (f.bits < 1 || f.bits > 8 || f.storageBits < f.bits || f.storageBits > 8)
    return op->emitOpError() << which << " " << f.str()
                             << " is not a 1-8-bit integer in <= 8-bit storage";
  if (target && !target.supportsIntBits(f.bits))
    return op->emitOpError()
           << which << " " << f.str() << " is not supported by target '"
           << target.getName() << "'";
  return success();
}

LogicalResult checkInsideDram(Operation *op, int64_t addr, int64_t bytes,
                              StringRef what = "") {
  auto program = op->getParentOfType<ProgramOp>();
  int64_t size = program.getDramBytes();
  if (addr < 0 || addr > size || bytes > size - addr)
    return op->emitOpError()
           << what << (what.empty() ? "" : " ") << "[" << addr << ", " << addr
           << " + " << bytes << ") lies outside the program's " << size
           << " bytes of DRAM";
  return success();
}

/// Largest size, stride or count a memory check multiplies, so that the
/// products of a few cannot overflow.
constexpr int64_t kMaxExtent = int64_t(1) << 40;

/// Checks that memory operand `what` — `shape` elements of `elemBytes` at
/// element `strides` from `addr` — lies in the program's DRAM or, from
/// rt::kScratchBase, in the target's scratchpad (as the simulator does).
LogicalResult checkMemory(Operation *op, StringRef what, int64_t addr,
                          ArrayRef<int64_t> shape, ArrayRef<int64_t> strides,
                          int64_t elemBytes) {
  if (shape.size() != strides.size())
    return op->emitOpError() << what << ": shape and strides differ in rank";
  int64_t last = 0;
  for (auto [n, s] : llvm::zip(shape, strides)) {
    if (n < 0 || s < 0 || n > kMaxExtent || s > kMaxExtent)
      return op->emitOpError()
             << what << ": sizes and strides must be in [0, 2^40]";
    if (n == 0)
      return success(); // nothing is touched
    last += (n - 1) * s;
    if (last > kMaxExtent)
      return op->emitOpError() << what << ": access too large";
  }
  int64_t bytes = (last + 1) * elemBytes;
  if (addr < rt::kScratchBase)
    return checkInsideDram(op, addr, bytes, what);
  TargetAttr target = lookupTarget(op);
  if (!target)
    return success();
  int64_t size = kib(target.getMemory().getScratchKib()),
          at = addr - rt::kScratchBase;
  if (at > size || bytes > size - at)
    return op->emitOpError()
           << what << " [" << addr << ", " << addr << " + " << bytes
           << ") lies outside target '" << target.getName() << "''s " << size
           << "-byte scratchpad at " << rt::kScratchBase;
  return success();
}
LogicalResult checkMemory(Operation *op, StringRef what, int64_t addr,
                          int64_t bytes) {
  return checkMemory(op, what, addr, {bytes}, {1}, 1);
}

/// A table of the LUT unit: 256 int8 codes, on a target that has the unit
/// with tables that large.
LogicalResult checkLutTable(Operation *op, ArrayRef<int64_t> table) {
  if (table.size() != 256)
    return op->emitOpError("table must have 256 entries (one per int8 "
                           "code), got ")
           << table.size();
  for (auto [i, v] : llvm::enumerate(table))
    if (v < -128 || v > 127)
      return op->emitOpError("table entry ")
             << i << " = " << v << " is not an int8 code";
  if (TargetAttr target = lookupTarget(op)) {
    LutUnitAttr lut = target.getLut();
    if (!lut || lut.getEntries() < table.size())
      return op->emitOpError("target '")
             << target.getName() << "' has no LUT unit with " << table.size()
             << "-entry tables";
  }
  return success();
}

/// The bytes of an element of dtype `code` (f32, i8, i16, i32).
FailureOr<int64_t> dtypeBytes(Operation *op, StringRef what, int64_t code) {
  if (code < 0 || code > int64_t(rt::DType::I32))
    return op->emitOpError()
           << what << " must be 0 (f32), 1 (i8), 2 (i16) or 3 (i32)";
  return int64_t(rt::dtypeBytes(rt::DType(code)));
}

/// The product of `factors`, or 2^40 + 1 if it is larger (which every
/// memory check then rejects).
int64_t product(ArrayRef<int64_t> factors) {
  int64_t n = 1;
  for (int64_t d : factors) {
    if (d <= 0)
      return 0;
    if (d > kMaxExtent || n > kMaxExtent / d)
      return kMaxExtent + 1;
    n *= d;
  }
  return n;
}

LogicalResult verifyIo(Operation *op, int64_t index, int64_t addr, Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!tensor || !tensor.hasStaticShape())
    return op->emitOpError("type must be a statically shaped tensor");
  Type e = tensor.getElementType();
  unsigned bytes = 0;
  if (e.isF32())
    bytes = 4;
  else if (e.isSignlessInteger(8) || e.isSignlessInteger(16) ||
           e.isSignlessInteger(32) || e.isSignlessInteger(64))
    bytes = e.getIntOrFloatBitWidth() / 8;
  else
    return op->emitOpError("element type must be f32, i8, i16, i32 or i64");
  if (index < 0)
    return op->emitOpError("index must be >= 0");
  return checkInsideDram(op, addr, tensor.getNumElements() * bytes);
}
} // namespace

LogicalResult ProgramOp::verify() {
  if (getDramBytes() < 0)
    return emitOpError("dram_bytes must be >= 0");
  return success();
}

LogicalResult DataOp::verify() {
  auto type = cast<ShapedType>(getBytes().getType());
  if (type.getRank() != 1 || !type.getElementType().isSignlessInteger(8))
    return emitOpError("bytes must be a 1-D i8 tensor");
  return checkInsideDram(*this, getAddr(), type.getNumElements());
}

LogicalResult InputOp::verify() {
  return verifyIo(*this, getIndex(), getAddr(), getType());
}

LogicalResult OutputOp::verify() {
  return verifyIo(*this, getIndex(), getAddr(), getType());
}

LogicalResult DmaLoadOp::verify() {
  if (failed(checkNonNegative(*this, {getSrc(), getDst(), getRows(),
                                      getRowBytes(), getSrcStride()})))
    return failure();
  if (getSpace() == Space::Acc &&
      (getDst() % rt::kAccWordBytes || getRowBytes() % rt::kAccWordBytes))
    return emitOpError("loads into ACC move whole 32-bit accumulators");
  if (failed(checkMemory(*this, "src", getSrc(), {getRows(), getRowBytes()},
                         {getSrcStride(), 1}, 1)))
    return failure();
  TargetAttr target = lookupTarget(*this);
  if (!target)
    return success();
  MemoryAttr mem = target.getMemory();
  int64_t size = int64_t(getSpace()) == int64_t(rt::Space::Act)
                     ? kib(mem.getActKib())
                 : int64_t(getSpace()) == int64_t(rt::Space::Weight)
                     ? kib(mem.getWeightKib())
                     : kib(mem.getAccKib());
  return checkBuffer(*this, "destination", getDst(), getRows() * getRowBytes(),
                     size);
}

LogicalResult ConfigMmaOp::verify() {
  TargetAttr target = lookupTarget(*this);
  if (failed(checkFormat(*this, "lhs_format", getLhsFormat(), target)) ||
      failed(checkFormat(*this, "rhs_format", getRhsFormat(), target)))
    return failure();
  bool lhsLP = rt::OperandFormat::unpack(getLhsFormat()).isLP;
  if (lhsLP != rt::OperandFormat::unpack(getRhsFormat()).isLP)
    return emitOpError("operands must both be integer or both LP");
  if (lhsLP && getMultiplier() != "exact")
    return emitOpError("LP operands take the exact multiplier");
  if (target && getMultiplier() != "exact" &&
      !target.hasMultiplier(getMultiplier()))
    return emitOpError() << "multiplier '" << getMultiplier()
                         << "' is not in the library of target '"
                         << target.getName() << "'";
  return success();
}

/// What mma and mma_nm share: the accumulator's alignment and flag and,
/// against the target, the A and C tiles; `weights` checks the B operand.
static LogicalResult
verifyMmaTiles(Operation *op, int64_t a, int64_t c, int64_t m, int64_t k,
               int64_t n, int64_t accumulate,
               llvm::function_ref<LogicalResult(TargetAttr)> weights) {
  if (c % rt::kAccWordBytes)
    return op->emitOpError("c must be a multiple of 4 (accumulator words)");
  if (accumulate != 0 && accumulate != 1)
    return op->emitOpError("accumulate must be 0 or 1");
  TargetAttr target = lookupTarget(op);
  if (!target)
    return success();
  MemoryAttr mem = target.getMemory();
  if (failed(weights(target)) ||
      failed(checkBuffer(op, "A tile", a, m * k, kib(mem.getActKib()))))
    return failure();
  return checkBuffer(op, "C tile", c, m * n * rt::kAccWordBytes,
                     kib(mem.getAccKib()));
}

LogicalResult MmaOp::verify() {
  if (failed(checkNonNegative(
          *this, {getA(), getB(), getC(), getM(), getK(), getN()})))
    return failure();
  return verifyMmaTiles(*this, getA(), getC(), getM(), getK(), getN(),
                        getAccumulate(), [&](TargetAttr target) {
                          return checkBuffer(
                              *this, "B tile", getB(), getK() * getN(),
                              kib(target.getMemory().getWeightKib()));
                        });
}

/// An N:M pattern of an mma_nm / mma_act_nm: valid, and one the target's
/// array runs.
static LogicalResult verifyPattern(Operation *op, int64_t keep, int64_t group) {
  if (keep < 1 || group < keep || group > 256)
    return op->emitOpError("needs 1 <= keep <= group <= 256");
  return success();
}
static LogicalResult checkTargetPattern(Operation *op, TargetAttr target,
                                        int64_t keep, int64_t group) {
  if (!target.supportsSparsity(
          NMAttr::get(op->getContext(), unsigned(keep), unsigned(group))))
    return op->emitOpError()
           << keep << ":" << group << " sparsity is not supported by target '"
           << target.getName() << "'";
  return success();
}

LogicalResult MmaNMOp::verify() {
  if (failed(checkNonNegative(*this, {getA(), getB(), getIndex(), getC(),
                                      getM(), getK(), getN()})) ||
      failed(verifyPattern(*this, getKeep(), getGroup())))
    return failure();
  return verifyMmaTiles(
      *this, getA(), getC(), getM(), getK(), getN(), getAccumulate(),
      [&](TargetAttr target) -> LogicalResult {
        if (failed(checkTargetPattern(*this, target, getKeep(), getGroup())))
          return failure();
        int64_t rows = (getK() + getGroup() - 1) / getGroup() * getKeep();
        int64_t size = kib(target.getMemory().getWeightKib());
        if (failed(checkBuffer(*this, "B values", getB(), rows * getN(), size)))
          return failure();
        return checkBuffer(*this, "B indices", getIndex(),
                           rows * rt::nmIndexRowBytes(getN(), getGroup()),
                           size);
      });
}

LogicalResult MmaActNMOp::verify() {
  if (failed(checkNonNegative(
          *this, {getA(), getB(), getC(), getM(), getK(), getN()})) ||
      failed(verifyPattern(*this, getKeep(), getGroup())))
    return failure();
  if (getThreshold() < 0 || getThreshold() > numerics::kMaxSelectionThreshold)
    return emitOpError() << "threshold must be in [0, "
                         << numerics::kMaxSelectionThreshold << "], got "
                         << getThreshold();
  ArrayRef<int64_t> prior = getPrior();
  if (prior.size() % 2)
    return emitOpError("prior must hold (keep, group) pairs");
  for (size_t t = 0; t < prior.size(); t += 2)
    if (failed(verifyPattern(*this, prior[t], prior[t + 1])))
      return failure();
  return verifyMmaTiles(
      *this, getA(), getC(), getM(), getK(), getN(), getAccumulate(),
      [&](TargetAttr target) -> LogicalResult {
        if (!target.getActivationSparsity())
          return emitOpError() << "target '" << target.getName()
                               << "' has no run-time activation sparsity";
        if (failed(checkTargetPattern(*this, target, getKeep(), getGroup())))
          return failure();
        for (size_t t = 0; t < getPrior().size(); t += 2)
          if (failed(checkTargetPattern(*this, target, getPrior()[t],
                                        getPrior()[t + 1])))
            return failure();
        return checkBuffer(*this, "B tile", getB(), getK() * getN(),
                           kib(target.getMemory().getWeightKib()));
      });
}

/// The checks store_acc and store_acc_fused share: the tile, the output
/// dtype and per-column vectors in the WEIGHT buffer (-1: none).
static LogicalResult
verifyDrain(Operation *op, int64_t src, int64_t rows, int64_t cols, int64_t dst,
            int64_t rowStride, int64_t colStride, int64_t dtype,
            ArrayRef<std::pair<StringRef, int64_t>> vectors) {
  if (failed(
          checkNonNegative(op, {src, rows, cols, dst, rowStride, colStride})))
    return failure();
  if (dtype < 0 || dtype > int64_t(rt::DType::I32))
    return op->emitOpError("dtype must be 0 (f32), 1 (i8), 2 (i16) or 3 (i32)");
  if (src % rt::kAccWordBytes)
    return op->emitOpError("src must be a multiple of 4 (accumulator words)");
  if (failed(checkMemory(op, "dst", dst, {rows, cols}, {rowStride, colStride},
                         rt::dtypeBytes(rt::DType(dtype)))))
    return failure();
  TargetAttr target = lookupTarget(op);
  if (!target)
    return success();
  MemoryAttr mem = target.getMemory();
  for (auto [what, addr] : vectors)
    if (addr >= 0 &&
        failed(checkBuffer(op, what, addr, cols * 4, kib(mem.getWeightKib()))))
      return failure();
  return checkBuffer(op, "accumulator tile", src,
                     rows * cols * rt::kAccWordBytes, kib(mem.getAccKib()));
}

LogicalResult StoreAccOp::verify() {
  return verifyDrain(*this, getSrc(), getRows(), getCols(), getDst(),
                     getRowStride(), getColStride(), int64_t(getDtype()),
                     {{"bias", getBias()}});
}

LogicalResult StoreAccFusedOp::verify() {
  size_t n = getScales().size();
  if (getZeroPoints().size() != n || (n > 1 && int64_t(n) != getCols()))
    return emitOpError("scales and zero_points must be equally long: empty "
                       "(LP accumulators), one, or one per column");
  if (n == 0 && getAccBias() >= 0)
    return emitOpError("acc_bias needs integer accumulators (scales)");
  if (getActivation() == Activation::Leaky &&
      !(getAlpha().convertToDouble() > 0 && getAlpha().convertToDouble() < 1))
    return emitOpError("a leaky activation needs 0 < alpha < 1");
  if (getResidual() >= 0 &&
      failed(checkMemory(*this, "residual", getResidual(),
                         {getRows(), getCols()},
                         {getRowStride(), getColStride()}, 4)))
    return failure();
  if (getFormat() != rt::kNoFormat) {
    if (failed(checkFormat(*this, "format", getFormat(), TargetAttr())))
      return failure();
    size_t outScales = getOutScales().size();
    if (!rt::OperandFormat::unpack(getFormat()).isLP && outScales != 1 &&
        int64_t(outScales) != getCols())
      return emitOpError("out_scales must hold one scale or one per column");
    if (int64_t(getDtype()) != int64_t(rt::DType::I8))
      return emitOpError("a quantized result is stored as i8 (dtype 1)");
  } else if (int64_t(getDtype()) != int64_t(rt::DType::F32)) {
    return emitOpError("without a format the result is f32 (dtype 0)");
  }
  if (!getTable().empty()) {
    if (int64_t(getDtype()) != int64_t(rt::DType::I8) ||
        rt::OperandFormat::unpack(getFormat()).isLP)
      return emitOpError("a table needs int8 results");
    if (failed(checkLutTable(*this, getTable())))
      return failure();
  }
  return verifyDrain(*this, getSrc(), getRows(), getCols(), getDst(),
                     getRowStride(), getColStride(), int64_t(getDtype()),
                     {{"acc_bias", getAccBias()}, {"bias", getBias()}});
}

//===----------------------------------------------------------------------===//
// Memory operands of the DMA and vector instructions
//===----------------------------------------------------------------------===//

LogicalResult Im2colOp::verify() {
  ArrayRef<int64_t> in = getInput(), kernel = getKernel(), out = getOutput();
  if (in.size() != 3 || kernel.size() != 2 || getStrides().size() != 2 ||
      getPads().size() != 2 || getDilations().size() != 2 || out.size() != 2)
    return emitOpError("input takes 3 values; kernel, strides, pads, "
                       "dilations and output take 2");
  if (getChannelOffset() < 0 || getGroupChannels() < 1 ||
      getChannelOffset() + getGroupChannels() > in[0])
    return emitOpError("channels [channel_offset, + group_channels) must lie "
                       "in the input's");
  return failure(failed(checkMemory(*this, "src", getSrc(), product(in))) ||
                 failed(checkMemory(*this, "dst", getDst(),
                                    product({out[0], out[1], getGroupChannels(),
                                             kernel[0], kernel[1]}))));
}

LogicalResult VecBinaryOp::verify() {
  ArrayRef<int64_t> shape = getShape();
  return failure(
      failed(checkMemory(*this, "lhs", getLhs(), shape, getLhsStrides(), 4)) ||
      failed(checkMemory(*this, "rhs", getRhs(), shape, getRhsStrides(), 4)) ||
      failed(
          checkMemory(*this, "dst", getDst(), product({product(shape), 4}))));
}

LogicalResult VecCompareOp::verify() {
  ArrayRef<int64_t> shape = getShape();
  return failure(
      failed(checkMemory(*this, "lhs", getLhs(), shape, getLhsStrides(), 4)) ||
      failed(checkMemory(*this, "rhs", getRhs(), shape, getRhsStrides(), 4)) ||
      failed(checkMemory(*this, "dst", getDst(), product(shape))));
}

LogicalResult VecSelectOp::verify() {
  ArrayRef<int64_t> shape = getShape();
  return failure(
      failed(
          checkMemory(*this, "cond", getCond(), shape, getCondStrides(), 1)) ||
      failed(checkMemory(*this, "lhs", getLhs(), shape, getLhsStrides(), 4)) ||
      failed(checkMemory(*this, "rhs", getRhs(), shape, getRhsStrides(), 4)) ||
      failed(
          checkMemory(*this, "dst", getDst(), product({product(shape), 4}))));
}

LogicalResult VecClampOp::verify() {
  int64_t bytes = product({getCount(), 4});
  return failure(failed(checkMemory(*this, "src", getSrc(), bytes)) ||
                 failed(checkMemory(*this, "dst", getDst(), bytes)));
}

LogicalResult VecCopyOp::verify() {
  int64_t eb = getElemBytes();
  if (eb != 1 && eb != 2 && eb != 4)
    return emitOpError("elem_bytes must be 1, 2 or 4");
  return failure(failed(checkMemory(*this, "src", getSrc(), getShape(),
                                    getSrcStrides(), eb)) ||
                 failed(checkMemory(*this, "dst", getDst(), getShape(),
                                    getDstStrides(), eb)));
}

LogicalResult VecGatherOp::verify() {
  int64_t eb = getElemBytes();
  if (eb != 1 && eb != 2 && eb != 4)
    return emitOpError("elem_bytes must be 1, 2 or 4");
  for (int64_t i : getIndices())
    if (i < 0 || i >= getK())
      return emitOpError("index ") << i << " is outside [0, " << getK() << ")";
  int64_t w = int64_t(getIndices().size());
  return failure(
      failed(checkMemory(*this, "src", getSrc(),
                         product({getOuter(), getK(), getInner(), eb}))) ||
      failed(checkMemory(*this, "dst", getDst(),
                         product({getOuter(), w, getInner(), eb}))));
}

LogicalResult VecReduceOp::verify() {
  return failure(
      failed(checkMemory(*this, "src", getSrc(),
                         product({getOuter(), getLen(), getInner(), 4}))) ||
      failed(checkMemory(*this, "dst", getDst(),
                         product({getOuter(), getInner(), 4}))));
}

LogicalResult VecPoolOp::verify() {
  ArrayRef<int64_t> in = getInput(), out = getOutput();
  if (in.size() != 4 || out.size() != 2 || getKernel().size() != 2 ||
      getStrides().size() != 2 || getPads().size() != 2)
    return emitOpError("input (NHWC) takes 4 values; kernel, strides, pads "
                       "and output take 2");
  if (int64_t(getDtype()) != int64_t(rt::DType::F32) &&
      (int64_t(getDtype()) != int64_t(rt::DType::I8) ||
       int64_t(getKind()) != 0))
    return emitOpError("pools f32, or i8 for max pooling, got dtype ")
           << int64_t(getDtype());
  int64_t eb = rt::dtypeBytes(rt::DType(int64_t(getDtype())));
  return failure(
      failed(checkMemory(*this, "src", getSrc(), product({product(in), eb}))) ||
      failed(checkMemory(*this, "dst", getDst(),
                         product({in[0], out[0], out[1], in[3], eb}))));
}

/// vec_quantize and vec_dequantize: `count` f32 values on one side, as many
/// `dtype` codes on the other.
static LogicalResult verifyQuantization(Operation *op, int64_t floats,
                                        int64_t codes, int64_t dtype,
                                        int64_t count, StringRef floatSide,
                                        StringRef codeSide) {
  FailureOr<int64_t> eb = dtypeBytes(op, "dtype", dtype);
  if (failed(eb))
    return failure();
  return failure(
      failed(checkMemory(op, floatSide, floats, product({count, 4}))) ||
      failed(checkMemory(op, codeSide, codes, product({count, *eb}))));
}

LogicalResult VecQuantizeOp::verify() {
  return verifyQuantization(*this, getSrc(), getDst(), int64_t(getDtype()),
                            getCount(), "src", "dst");
}

LogicalResult VecDequantizeOp::verify() {
  return verifyQuantization(*this, getDst(), getSrc(), int64_t(getDtype()),
                            getCount(), "dst", "src");
}

LogicalResult VecLayerNormOp::verify() {
  bool quantized = getFormat() != rt::kNoFormat;
  if (quantized && failed(checkFormat(*this, "format", getFormat(), {})))
    return failure();
  int64_t bytes = product({getRows(), getLen(), 4}),
          outBytes = product({getRows(), getLen(), quantized ? 1 : 4}),
          vector = product({getLen(), 4});
  return failure(failed(checkMemory(*this, "src", getSrc(), bytes)) ||
                 failed(checkMemory(*this, "dst", getDst(), outBytes)) ||
                 (getScale() >= 0 &&
                  failed(checkMemory(*this, "scale", getScale(), vector))) ||
                 (getBias() >= 0 &&
                  failed(checkMemory(*this, "bias", getBias(), vector))));
}

LogicalResult VecGeluOp::verify() {
  int64_t bytes = product({getCount(), 4});
  return failure(failed(checkMemory(*this, "src", getSrc(), bytes)) ||
                 failed(checkMemory(*this, "dst", getDst(), bytes)));
}

LogicalResult VecSoftmaxOp::verify() {
  if (getOuter() < 1 || getLen() < 1 || getInner() < 1)
    return emitOpError("outer, len and inner must be >= 1");
  int64_t bytes = product({getOuter(), getLen(), getInner(), 4});
  return failure(failed(checkMemory(*this, "src", getSrc(), bytes)) ||
                 failed(checkMemory(*this, "dst", getDst(), bytes)));
}

LogicalResult VecUnaryOp::verify() {
  int64_t bytes = product({getCount(), 4});
  return failure(failed(checkMemory(*this, "src", getSrc(), bytes)) ||
                 failed(checkMemory(*this, "dst", getDst(), bytes)));
}

LogicalResult VecLutOp::verify() {
  if (failed(checkLutTable(*this, getTable())))
    return failure();
  return failure(failed(checkMemory(*this, "src", getSrc(), getCount())) ||
                 failed(checkMemory(*this, "dst", getDst(), getCount())));
}

/// A host segment needs a target with a host.
static LogicalResult checkHost(Operation *op) {
  if (TargetAttr target = lookupTarget(op); target && !target.getHost())
    return op->emitOpError("target '") << target.getName() << "' has no host";
  return success();
}

LogicalResult HostCallOp::verify() {
  bool argmax = getKind() == HostKernel::ArgMax;
  if (argmax && (getLen() < 1 || getDstDtype() == DType::F32))
    return emitOpError("argmax needs a non-empty axis and an integer result");
  if (failed(checkHost(*this)))
    return failure();
  int64_t n = product({getOuter(), getLen(), getInner()});
  int64_t results = argmax ? product({getOuter(), getInner()}) : n;
  int64_t sb = rt::dtypeBytes(rt::DType(int64_t(getSrcDtype()))),
          db = rt::dtypeBytes(rt::DType(int64_t(getDstDtype())));
  return failure(
      failed(checkMemory(*this, "src", getSrc(), product({n, sb}))) ||
      failed(checkMemory(*this, "dst", getDst(), product({results, db}))));
}

LogicalResult HostElementwiseOp::verify() {
  using Kind = HostElementwiseKind;
  Kind kind = getKind();
  bool select = kind == Kind::Select;
  bool boolean = kind >= Kind::Equal && kind <= Kind::LogicalXor;
  bool logical = kind >= Kind::LogicalAnd && kind <= Kind::LogicalXor;
  if (getDtype() == DType::F32)
    return emitOpError("operands must be integers (f32 runs on the vector "
                       "unit)");
  if (logical && getDtype() != DType::I8)
    return emitOpError("logical operands are booleans (dtype i8)");
  DType result = boolean ? DType::I8 : getDtype();
  if (getDstDtype() != result)
    return emitOpError("result dtype must be ") << stringifyDType(result);
  if (select != (getCond() >= 0))
    return emitOpError(select ? "select needs a cond"
                              : "only select reads a cond (-1)");
  ArrayRef<int64_t> shape = getShape();
  int64_t eb = rt::dtypeBytes(rt::DType(int64_t(getDtype())));
  if (failed(checkHost(*this)) ||
      failed(checkMemory(*this, "a", getA(), shape, getAStrides(), eb)) ||
      failed(checkMemory(*this, "b", getB(), shape, getBStrides(), eb)) ||
      (select && failed(checkMemory(*this, "cond", getCond(), shape,
                                    getCondStrides(), 1))))
    return failure();
  if (!select && !getCondStrides().empty())
    return emitOpError("cond_strides must be empty without a cond");
  return checkMemory(*this, "dst", getDst(), product({product(shape), eb}));
}

LogicalResult HostGatherOp::verify() {
  if (getIndicesDtype() == DType::F32)
    return emitOpError("indices must be integers");
  int64_t eb = rt::dtypeBytes(rt::DType(int64_t(getDtype()))),
          ib = rt::dtypeBytes(rt::DType(int64_t(getIndicesDtype())));
  return failure(
      failed(checkHost(*this)) ||
      failed(checkMemory(*this, "values", getValues(),
                         product({getOuter(), getK(), getInner(), eb}))) ||
      failed(checkMemory(*this, "indices", getIndices(),
                         product({getOuter(), getWidth(), ib}))) ||
      failed(checkMemory(*this, "dst", getDst(),
                         product({getOuter(), getWidth(), getInner(), eb}))));
}

LogicalResult kiteisa::LutSoftmaxOp::verify() {
  FailureOr<int64_t> sb =
                         dtypeBytes(*this, "src_dtype", int64_t(getSrcDtype())),
                     db = dtypeBytes(*this, "dtype", int64_t(getDtype()));
  if (failed(sb) || failed(db))
    return failure();
  if (getFormat() != rt::kNoFormat) {
    if (failed(checkFormat(*this, "format", getFormat(), TargetAttr())))
      return failure();
    if (int64_t(getDtype()) != int64_t(rt::DType::I8))
      return emitOpError("requantized probabilities are stored as i8 (dtype "
                         "1)");
  }
  int64_t n = product({getOuter(), getLen(), getInner()});
  return failure(
      failed(checkMemory(*this, "src", getSrc(), product({n, *sb}))) ||
      failed(checkMemory(*this, "dst", getDst(), product({n, *db}))));
}

std::optional<int64_t> kite::kiteisa::enumFieldValue(Attribute attr) {
  return TypeSwitch<Attribute, std::optional<int64_t>>(attr)
      .Case<SpaceAttr, DTypeAttr, BinaryKindAttr, UnaryKindAttr,
            CompareKindAttr, ReduceKindAttr, PoolKindAttr, ActivationAttr,
            SoftmaxMethodAttr, HostKernelAttr, HostElementwiseKindAttr>(
          [](auto a) { return int64_t(a.getValue()); })
      .Default([](Attribute) { return std::nullopt; });
}

FailureOr<Attribute> kite::kiteisa::enumFieldAttr(MLIRContext *ctx,
                                                  StringRef op, StringRef field,
                                                  int64_t value) {
  auto make = [&](auto symbolize, auto get) -> FailureOr<Attribute> {
    if (auto e = symbolize(uint64_t(value)))
      return Attribute(get(ctx, *e));
    return failure();
  };
#define KITE_ENUM(Name)                                                        \
  make([](uint64_t v) { return symbolize##Name(v); },                          \
       [](MLIRContext *c, Name e) { return Name##Attr::get(c, e); })
  if (field == "space")
    return KITE_ENUM(Space);
  if (field == "dtype" || field == "src_dtype" || field == "dst_dtype" ||
      field == "indices_dtype")
    return KITE_ENUM(DType);
  if (field == "activation")
    return KITE_ENUM(Activation);
  if (field == "method")
    return KITE_ENUM(SoftmaxMethod);
  if (field == "kind") {
    if (op == "vec_binary")
      return KITE_ENUM(BinaryKind);
    if (op == "vec_unary")
      return KITE_ENUM(UnaryKind);
    if (op == "vec_compare")
      return KITE_ENUM(CompareKind);
    if (op == "vec_reduce")
      return KITE_ENUM(ReduceKind);
    if (op == "vec_pool")
      return KITE_ENUM(PoolKind);
    if (op == "host_call")
      return KITE_ENUM(HostKernel);
    if (op == "host_elementwise")
      return KITE_ENUM(HostElementwiseKind);
  }
#undef KITE_ENUM
  return Attribute();
}
