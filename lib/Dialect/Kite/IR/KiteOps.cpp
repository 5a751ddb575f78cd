//===- KiteOps.cpp - kite dialect operations ------------------------------===//

#include "kite/Dialect/Kite/IR/Kite.h"
#include "kite/Dialect/Kite/IR/PackedWeights.h"
#include "kite/Numerics/Multipliers.h"

#include <cmath>

using namespace mlir;
using namespace kite;

#define GET_OP_CLASSES
#include "kite/dialects/Kite/KiteOps.cpp.inc"

//===----------------------------------------------------------------------===//
// Shared checks
//===----------------------------------------------------------------------===//

namespace {
/// How a MAC-array op computes its products, from its operand types.
enum class ProductKind { Float, Integer, LP };
} // namespace

static std::optional<ProductKind> getProductKind(Type elementType) {
  if (isa<FloatType>(elementType))
    return ProductKind::Float;
  if (elementType.isSignlessInteger())
    return ProductKind::Integer;
  if (isa<LPType>(elementType))
    return ProductKind::LP;
  return std::nullopt;
}

/// `axis` in [-rank, rank) names a dimension.
static LogicalResult verifyAxis(Operation *op, int64_t axis, int64_t rank) {
  if (axis < -rank || axis >= rank)
    return op->emitOpError()
           << "axis " << axis << " is out of range for a tensor of rank "
           << rank;
  return success();
}

static LogicalResult verifyFormat(Operation *op, StringRef operandName,
                                  Type elementType, IntFormatAttr format) {
  if (!format)
    return success();
  auto intType = dyn_cast<IntegerType>(elementType);
  if (!intType)
    return op->emitOpError()
           << operandName << " has an integer format but element type "
           << elementType;
  if (format.getBits() > intType.getWidth())
    return op->emitOpError() << operandName << " format " << format
                             << " does not fit in " << elementType;
  TargetAttr target = lookupTarget(op);
  if (target && !target.supportsIntBits(format.getBits()))
    return op->emitOpError()
           << operandName << " format " << format << " has a width the target '"
           << target.getName() << "' does not support";
  return success();
}

static LogicalResult verifySparsity(Operation *op, StringRef operandName,
                                    NMAttr pattern) {
  if (!pattern)
    return success();
  TargetAttr target = lookupTarget(op);
  if (target && !target.supportsSparsity(pattern))
    return op->emitOpError()
           << operandName << " sparsity " << pattern
           << " is not supported by the target '" << target.getName() << "'";
  return success();
}

/// Checks shared by every op that runs on the MAC array: matching operand
/// kinds, a result type that can hold the products, and formats, multiplier
/// and sparsity consistent with those kinds and with the target.
static LogicalResult verifyMacOperands(Operation *op, StringRef lhsName,
                                       Type lhsElement, StringRef rhsName,
                                       Type rhsElement, Type resultElement,
                                       IntFormatAttr lhsFormat,
                                       IntFormatAttr rhsFormat,
                                       MultiplierAttr multiplier,
                                       NMAttr lhsSparsity, NMAttr rhsSparsity) {
  std::optional<ProductKind> kind = getProductKind(lhsElement);
  if (kind != getProductKind(rhsElement))
    return op->emitOpError() << "operands must both be float, both integer "
                                "or both LP, got "
                             << lhsElement << " and " << rhsElement;
  switch (*kind) {
  case ProductKind::Float:
    if (lhsElement != rhsElement || resultElement != lhsElement)
      return op->emitOpError()
             << "float operands and result must have one element type, got "
             << lhsElement << ", " << rhsElement << " -> " << resultElement;
    break;
  case ProductKind::Integer:
    if (!resultElement.isSignlessInteger() ||
        resultElement.getIntOrFloatBitWidth() < 32)
      return op->emitOpError() << "integer operands need an integer "
                                  "accumulator of at least 32 bits, got "
                               << resultElement;
    break;
  case ProductKind::LP:
    if (!resultElement.isF32())
      return op->emitOpError()
             << "LP operands accumulate into f32, got " << resultElement;
    break;
  }
  if (failed(verifyFormat(op, lhsName, lhsElement, lhsFormat)) ||
      failed(verifyFormat(op, rhsName, rhsElement, rhsFormat)))
    return failure();
  if (multiplier) {
    if (*kind != ProductKind::Integer)
      return op->emitOpError()
             << "multiplier " << multiplier << " needs integer operands";
    auto width = [](Type element, IntFormatAttr format) {
      return format ? format.getBits() : element.getIntOrFloatBitWidth();
    };
    std::string problem = numerics::checkMultiplier(
        multiplier.getName(), width(lhsElement, lhsFormat),
        width(rhsElement, rhsFormat));
    if (!problem.empty())
      return op->emitOpError() << problem;
    TargetAttr target = lookupTarget(op);
    if (target && !target.hasMultiplier(multiplier.getName()))
      return op->emitOpError() << "multiplier \"" << multiplier.getName()
                               << "\" is not in the library of target '"
                               << target.getName() << "'";
  }
  if (rhsSparsity && rhsSparsity.isRunTimeOnly())
    return op->emitOpError()
           << rhsName << " sparsity " << rhsSparsity
           << " has a threshold or residual_of, which apply to activations "
              "selected at run time only";
  if (lhsSparsity && lhsSparsity.isRunTimeOnly() &&
      *kind != ProductKind::Integer)
    return op->emitOpError() << lhsName << " sparsity " << lhsSparsity
                             << " has a threshold or residual_of, which "
                                "need integer operands";
  return failure(failed(verifySparsity(op, lhsName, lhsSparsity)) ||
                 failed(verifySparsity(op, rhsName, rhsSparsity)));
}

/// A MAC op on an empty tensor is no work for the array, and the passes
/// and kernels after it divide by its sizes.
static LogicalResult verifyNoEmptyTensors(Operation *op) {
  for (Type type :
       llvm::concat<Type>(op->getOperandTypes(), op->getResultTypes()))
    if (auto shaped = dyn_cast<ShapedType>(type);
        shaped && shaped.hasRank() && llvm::is_contained(shaped.getShape(), 0))
      return op->emitOpError() << "has an empty tensor " << type
                               << "; MAC ops need every dimension >= 1";
  return success();
}

static bool dimsMatch(int64_t a, int64_t b) {
  return ShapedType::isDynamic(a) || ShapedType::isDynamic(b) || a == b;
}

//===----------------------------------------------------------------------===//
// MatmulOp
//===----------------------------------------------------------------------===//

LogicalResult MatmulOp::verify() {
  auto lhsType = getLhs().getType();
  auto rhsType = getRhs().getType();
  auto resultType = getResult().getType();
  int64_t rank = lhsType.getRank();
  if (rank < 2)
    return emitOpError() << "lhs must have rank >= 2, got " << rank;
  if (failed(verifyNoEmptyTensors(*this)))
    return failure();
  if (rhsType.getRank() != 2 && rhsType.getRank() != rank)
    return emitOpError() << "rhs must have rank 2 or the rank of lhs (" << rank
                         << "), got " << rhsType.getRank();
  if (resultType.getRank() != rank)
    return emitOpError() << "result must have the rank of lhs (" << rank
                         << "), got " << resultType.getRank();
  ArrayRef<int64_t> lhs = lhsType.getShape(), rhs = rhsType.getShape(),
                    res = resultType.getShape();
  int64_t rhsBatch = rhsType.getRank() - 2;
  for (int64_t i = 0; i < rhsBatch; ++i)
    if (!dimsMatch(lhs[i], rhs[i]))
      return emitOpError() << "batch dimension " << i << " differs: lhs "
                           << lhs[i] << " vs rhs " << rhs[i];
  if (!dimsMatch(lhs[rank - 1], rhs[rhsBatch]))
    return emitOpError() << "reduction dimensions differ: lhs K = "
                         << lhs[rank - 1] << ", rhs K = " << rhs[rhsBatch];
  SmallVector<int64_t> expected(lhs.drop_back());
  expected.push_back(rhs.back());
  for (auto [i, dim] : llvm::enumerate(expected))
    if (!dimsMatch(dim, res[i]))
      return emitOpError() << "result dimension " << i << " is " << res[i]
                           << ", expected " << dim;
  if (getAcc() && getAcc().getType() != resultType)
    return emitOpError() << "acc type " << getAcc().getType()
                         << " differs from result type " << resultType;
  return verifyMacOperands(
      *this, "lhs", lhsType.getElementType(), "rhs", rhsType.getElementType(),
      resultType.getElementType(), getLhsFormatAttr(), getRhsFormatAttr(),
      getMultiplierAttr(), getLhsSparsityAttr(), getRhsSparsityAttr());
}

//===----------------------------------------------------------------------===//
// Conv2DOp
//===----------------------------------------------------------------------===//

LogicalResult Conv2DOp::verify() {
  auto inputType = getInput().getType();
  auto filterType = getFilter().getType();
  auto resultType = getResult().getType();
  if (inputType.getRank() != 4 || filterType.getRank() != 4 ||
      resultType.getRank() != 4)
    return emitOpError("input, filter and result must have rank 4");
  if (failed(verifyNoEmptyTensors(*this)))
    return failure();
  ArrayRef<int64_t> strides = getStrides(), pads = getPads(),
                    dilations = getDilations();
  if (strides.size() != 2 || dilations.size() != 2 || pads.size() != 4)
    return emitOpError("strides and dilations need 2 values, pads 4");
  if (llvm::any_of(strides, [](int64_t s) { return s < 1; }) ||
      llvm::any_of(dilations, [](int64_t d) { return d < 1; }))
    return emitOpError("strides and dilations must be >= 1");
  if (llvm::any_of(pads, [](int64_t p) { return p < 0; }))
    return emitOpError("pads must be >= 0");
  int64_t groups = getGroups();
  if (groups < 1)
    return emitOpError() << "groups must be >= 1, got " << groups;

  ArrayRef<int64_t> in = inputType.getShape(), filt = filterType.getShape(),
                    res = resultType.getShape();
  if (!ShapedType::isDynamic(in[1]) && in[1] % groups != 0)
    return emitOpError() << "input channels " << in[1]
                         << " are not divisible by groups " << groups;
  if (!ShapedType::isDynamic(filt[0]) && filt[0] % groups != 0)
    return emitOpError() << "filter count " << filt[0]
                         << " is not divisible by groups " << groups;
  if (!ShapedType::isDynamic(in[1]) && !dimsMatch(filt[1], in[1] / groups))
    return emitOpError() << "filter has " << filt[1]
                         << " channels per group, expected " << in[1] / groups;

  SmallVector<int64_t, 4> expected = {in[0], filt[0], ShapedType::kDynamic,
                                      ShapedType::kDynamic};
  for (int i = 0; i < 2; ++i) {
    if (ShapedType::isDynamic(in[2 + i]) || ShapedType::isDynamic(filt[2 + i]))
      continue;
    int64_t span = dilations[i] * (filt[2 + i] - 1) + 1;
    int64_t padded = in[2 + i] + pads[i] + pads[i + 2];
    if (padded < span)
      return emitOpError() << "filter window " << span
                           << " is larger than the padded input " << padded;
    expected[2 + i] = (padded - span) / strides[i] + 1;
  }
  for (int i = 0; i < 4; ++i)
    if (!dimsMatch(expected[i], res[i]))
      return emitOpError() << "result dimension " << i << " is " << res[i]
                           << ", expected " << expected[i];
  if (Value bias = getBias()) {
    auto biasType = cast<RankedTensorType>(bias.getType());
    if (biasType.getRank() != 1 || !dimsMatch(biasType.getDimSize(0), filt[0]))
      return emitOpError() << "bias must be a 1-D tensor of " << filt[0]
                           << " elements, got " << biasType;
    if (biasType.getElementType() != resultType.getElementType())
      return emitOpError() << "bias element type " << biasType.getElementType()
                           << " differs from the result's";
  }
  if (getAcc() && getAcc().getType() != resultType)
    return emitOpError() << "acc type " << getAcc().getType()
                         << " differs from result type " << resultType;
  return verifyMacOperands(*this, "input", inputType.getElementType(), "filter",
                           filterType.getElementType(),
                           resultType.getElementType(), getInputFormatAttr(),
                           getFilterFormatAttr(), getMultiplierAttr(),
                           getInputSparsityAttr(), getFilterSparsityAttr());
}

//===----------------------------------------------------------------------===//
// Softmax
//===----------------------------------------------------------------------===//

LogicalResult SoftmaxOp::verify() {
  return verifyAxis(*this, getAxis(), getInput().getType().getRank());
}

numerics::LutSoftmaxTables LutSoftmaxOp::getTables() {
  numerics::LutSoftmaxTables t;
  t.method = getMethod() == SoftmaxMethod::Rexp
                 ? numerics::SoftmaxMethod::Rexp
                 : numerics::SoftmaxMethod::Lut2D;
  t.inputScale = getInputScale().convertToDouble();
  t.step = getStep().convertToDouble();
  t.outBits = unsigned(std::clamp<int64_t>(getOutBits(), 0, 64));
  t.sumShift = int(std::clamp<int64_t>(getSumShift(), -1, 63));
  t.outShift = int(std::clamp<int64_t>(getOutShift(), -1, 63));
  for (const APInt &e : getExpTable().getValues<APInt>())
    t.expTable.push_back(int32_t(e.getSExtValue()));
  for (const APInt &e : getNormTable().getValues<APInt>())
    t.normTable.push_back(int32_t(e.getSExtValue()));
  auto normType = cast<ShapedType>(getNormTable().getType());
  t.normRows = unsigned(normType.getDimSize(0));
  t.normCols = normType.getRank() == 2 ? unsigned(normType.getDimSize(1)) : 1;
  return t;
}

LogicalResult LutOp::verify() {
  auto type = cast<ShapedType>(getTable().getType());
  if (type.getRank() != 1 || type.getNumElements() != 256)
    return emitOpError("table must be a 1-D tensor of 256 entries (one per "
                       "int8 code), got ")
           << type;
  if (TargetAttr target = lookupTarget(*this)) {
    LutUnitAttr lut = target.getLut();
    if (!lut || lut.getEntries() < 256)
      return emitOpError("target '")
             << target.getName() << "' has no LUT unit with 256-entry tables";
  }
  return success();
}

LogicalResult LutSoftmaxOp::verify() {
  auto inputType = getInput().getType();
  auto resultType = getResult().getType();
  if (failed(verifyAxis(*this, getAxis(), inputType.getRank())))
    return failure();
  if (inputType.getShape() != resultType.getShape())
    return emitOpError("result shape must equal input shape");
  if (cast<ShapedType>(getExpTable().getType()).getRank() != 1)
    return emitOpError("exp_table must be 1-D");
  int64_t normRank = getMethod() == SoftmaxMethod::Rexp ? 1 : 2;
  if (cast<ShapedType>(getNormTable().getType()).getRank() != normRank)
    return emitOpError() << "norm_table of method "
                         << stringifySoftmaxMethod(getMethod()) << " must be "
                         << normRank << "-D";
  std::string problem = getTables().validate();
  if (!problem.empty())
    return emitOpError() << problem;
  if (resultType.getElementType().getIntOrFloatBitWidth() <=
      unsigned(getOutBits()))
    return emitOpError() << "result element type "
                         << resultType.getElementType() << " cannot hold "
                         << getOutBits() << "-bit unsigned probabilities";
  return success();
}

//===----------------------------------------------------------------------===//
// Quantize / Dequantize
//===----------------------------------------------------------------------===//

/// Checks the quantization parameters of `op`, whose quantized side has
/// element type `quantElement` and whose float side has shape `shape`.
static LogicalResult
verifyQuantParams(Operation *op, Type quantElement, RankedTensorType floatType,
                  IntFormatAttr format, std::optional<ArrayRef<double>> scale,
                  std::optional<ArrayRef<int64_t>> zero,
                  std::optional<int64_t> axis, bool formatRequired) {
  if (isa<LPType>(quantElement)) {
    if (format || scale || zero || axis)
      return op->emitOpError("an LP tensor takes no format, scale, "
                             "zero_point or axis: its type is the format");
    return success();
  }
  auto intType = cast<IntegerType>(quantElement);
  if (formatRequired && !format)
    return op->emitOpError("an integer result needs a format");
  if (!scale || !zero)
    return op->emitOpError("an integer tensor needs scale and zero_point");
  if (failed(verifyFormat(op, "quantized tensor", intType, format)))
    return failure();
  if (scale->size() != zero->size())
    return op->emitOpError() << "scale has " << scale->size()
                             << " values but zero_point has " << zero->size();
  int64_t expectedSize = 1;
  if (axis) {
    if (failed(verifyAxis(op, *axis, floatType.getRank())))
      return failure();
    int64_t dim = *axis < 0 ? *axis + floatType.getRank() : *axis;
    expectedSize = floatType.getDimSize(dim);
  }
  if (!ShapedType::isDynamic(expectedSize) &&
      int64_t(scale->size()) != expectedSize)
    return op->emitOpError()
           << "expected " << expectedSize << " scale value(s) "
           << (axis ? "(one per channel along axis)" : "(per-tensor)")
           << ", got " << scale->size();
  for (double s : *scale)
    if (!(s > 0.0) || !std::isfinite(s))
      return op->emitOpError()
             << "scale " << s << " must be positive and finite";
  int64_t lo =
      format ? format.getMin() : -(int64_t(1) << (intType.getWidth() - 1));
  int64_t hi =
      format ? format.getMax() : (int64_t(1) << (intType.getWidth() - 1)) - 1;
  for (int64_t z : *zero)
    if (z < lo || z > hi)
      return op->emitOpError()
             << "zero_point " << z << " is outside the format's range [" << lo
             << ", " << hi << "]";
  return success();
}

LogicalResult QuantizeOp::verify() {
  auto inputType = getInput().getType();
  auto resultType = getResult().getType();
  if (inputType.getShape() != resultType.getShape())
    return emitOpError("result shape must equal input shape");
  return verifyQuantParams(*this, resultType.getElementType(), inputType,
                           getFormatAttr(), getScale(), getZeroPoint(),
                           getAxis(), /*formatRequired=*/true);
}

LogicalResult DequantizeOp::verify() {
  auto inputType = getInput().getType();
  auto resultType = getResult().getType();
  if (inputType.getShape() != resultType.getShape())
    return emitOpError("result shape must equal input shape");
  return verifyQuantParams(*this, inputType.getElementType(), resultType,
                           getFormatAttr(), getScale(), getZeroPoint(),
                           getAxis(), /*formatRequired=*/false);
}

//===----------------------------------------------------------------------===//
// BitcastOp
//===----------------------------------------------------------------------===//

LogicalResult BitcastOp::verify() {
  RankedTensorType inputType = getInput().getType();
  RankedTensorType resultType = getResult().getType();
  if (inputType.getShape() != resultType.getShape())
    return emitOpError("result shape must equal input shape");
  Type in = inputType.getElementType(), out = resultType.getElementType();
  auto lp = dyn_cast<LPType>(isa<LPType>(in) ? in : out);
  Type other = lp == in ? out : in;
  if (!lp || !other.isSignlessInteger(8))
    return emitOpError("casts between !kite.lp words and i8, not ")
           << in << " and " << out;
  if (lp.getN() > 8)
    return emitOpError("LP words of ") << lp.getN() << " bits do not fit i8";
  return success();
}

OpFoldResult BitcastOp::fold(FoldAdaptor) {
  // LP -> i8 -> LP gives the codes back; i8 -> LP -> i8 drops high bits.
  auto inner = getInput().getDefiningOp<BitcastOp>();
  if (inner && inner.getInput().getType() == getType() &&
      isa<LPType>(getType().getElementType()))
    return inner.getInput();
  return {};
}

//===----------------------------------------------------------------------===//
// LayerNormOp
//===----------------------------------------------------------------------===//

int64_t LayerNormOp::getNormalizedAxis() {
  int64_t axis = getAxis();
  return axis < 0 ? axis + getInput().getType().getRank() : axis;
}

LogicalResult LayerNormOp::verify() {
  auto inputType = getInput().getType();
  if (failed(verifyAxis(*this, getAxis(), inputType.getRank())))
    return failure();
  if (getResult().getType() != inputType)
    return emitOpError("result type must equal input type");
  if (!(getEpsilon().convertToDouble() >= 0.0))
    return emitOpError("epsilon must be >= 0");
  ArrayRef<int64_t> normShape =
      inputType.getShape().drop_front(getNormalizedAxis());
  for (auto [name, value] : {std::pair<StringRef, Value>{"scale", getScale()},
                             {"bias", getBias()}}) {
    if (!value)
      continue;
    auto type = cast<RankedTensorType>(value.getType());
    if (type.getShape() != normShape ||
        type.getElementType() != inputType.getElementType())
      return emitOpError() << name << " must have the normalised shape and "
                           << "element type of the input, got " << type;
  }
  return success();
}

//===----------------------------------------------------------------------===//
// ConstantOp and folding
//===----------------------------------------------------------------------===//

/// Storage width of LP codes: i8 up to 8 bits, i16 above.
static unsigned lpStorageWidth(LPType type) {
  return type.getN() <= 8 ? 8 : 16;
}

DenseIntElementsAttr kite::encodeLPConstant(RankedTensorType type,
                                            DenseFPElementsAttr values) {
  auto lp = cast<LPType>(type.getElementType());
  numerics::LPCodec codec(lp.getFormat());
  unsigned width = lpStorageWidth(lp);
  SmallVector<APInt> codes;
  for (const APFloat &x : values.getValues<APFloat>())
    codes.push_back(APInt(width, codec.encode(x.convertToDouble())));
  auto storage = RankedTensorType::get(
      type.getShape(), IntegerType::get(type.getContext(), width));
  return DenseIntElementsAttr::get(storage, codes);
}

LogicalResult ConstantOp::verify() {
  auto type = getResult().getType();
  auto lp = cast<LPType>(type.getElementType());
  auto valueType = cast<ShapedType>(getValue().getType());
  if (valueType.getShape() != type.getShape())
    return emitOpError("value shape must equal result shape");
  unsigned width = lpStorageWidth(lp);
  if (valueType.getElementTypeBitWidth() != width)
    return emitOpError() << "codes of " << lp << " are stored as i" << width
                         << ", got " << valueType.getElementType();
  return success();
}

OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValue(); }

/// The per-element parameters of a quantize/dequantize whose float side has
/// type `floatType`.
static QuantParamsAt quantParamsOf(std::optional<ArrayRef<double>> scale,
                                   std::optional<ArrayRef<int64_t>> zero,
                                   std::optional<int64_t> axis,
                                   RankedTensorType floatType) {
  QuantParamsAt p;
  p.scale = scale ? *scale : ArrayRef<double>();
  p.zeroPoint = zero ? *zero : ArrayRef<int64_t>();
  if (axis) {
    int64_t a = *axis < 0 ? *axis + floatType.getRank() : *axis;
    p.perChannel = true;
    p.channels = floatType.getDimSize(a);
    p.inner = 1;
    for (int64_t d = a + 1; d < floatType.getRank(); ++d)
      p.inner *= floatType.getDimSize(d);
  }
  return p;
}

QuantParamsAt QuantizeOp::getQuantParams() {
  return quantParamsOf(getScale(), getZeroPoint(), getAxis(),
                       getInput().getType());
}

QuantParamsAt DequantizeOp::getQuantParams() {
  return quantParamsOf(getScale(), getZeroPoint(), getAxis(),
                       getResult().getType());
}

static numerics::IntFormat toNumerics(IntFormatAttr format,
                                      IntegerType storage) {
  if (format)
    return {format.getBits(), format.getIsSigned()};
  return {storage.getWidth(), true};
}

OpFoldResult QuantizeOp::fold(FoldAdaptor adaptor) {
  auto input = dyn_cast_or_null<DenseFPElementsAttr>(adaptor.getInput());
  if (!input)
    return {};
  RankedTensorType type = getResult().getType();
  if (!type.hasStaticShape())
    return {};
  if (isa<LPType>(type.getElementType()))
    return encodeLPConstant(type, input);
  auto storage = cast<IntegerType>(type.getElementType());
  numerics::IntFormat format = toNumerics(getFormatAttr(), storage);
  QuantParamsAt params = getQuantParams();
  SmallVector<APInt> values;
  int64_t i = 0;
  for (const APFloat &x : input.getValues<APFloat>()) {
    auto [scale, zero] = params(i++);
    int64_t q = numerics::quantize(x.convertToDouble(), scale, zero, format);
    values.push_back(APInt(storage.getWidth(), uint64_t(q), /*isSigned=*/true));
  }
  return DenseIntElementsAttr::get(type, values);
}

OpFoldResult DequantizeOp::fold(FoldAdaptor adaptor) {
  auto input = dyn_cast_or_null<DenseIntElementsAttr>(adaptor.getInput());
  RankedTensorType type = getResult().getType();
  if (!input || !type.hasStaticShape())
    return {};
  auto floatType = cast<FloatType>(type.getElementType());
  auto toFloat = [&](double v) {
    bool lost;
    APFloat f(v);
    f.convert(floatType.getFloatSemantics(), APFloat::rmNearestTiesToEven,
              &lost);
    return f;
  };
  SmallVector<APFloat> values;
  Type inputElement = getInput().getType().getElementType();
  if (auto lp = dyn_cast<LPType>(inputElement)) {
    numerics::LPCodec codec(lp.getFormat());
    for (const APInt &code : input.getValues<APInt>())
      values.push_back(toFloat(codec.decode(uint32_t(code.getZExtValue()))));
    return DenseFPElementsAttr::get(type, values);
  }
  bool isSigned = !getFormatAttr() || getFormatAttr().getIsSigned();
  QuantParamsAt params = getQuantParams();
  int64_t i = 0;
  for (const APInt &q : input.getValues<APInt>()) {
    auto [scale, zero] = params(i++);
    int64_t v = isSigned ? q.getSExtValue() : int64_t(q.getZExtValue());
    values.push_back(toFloat(numerics::dequantize(v, scale, zero)));
  }
  return DenseFPElementsAttr::get(type, values);
}

int64_t kite::macCount(Operation *op) {
  auto result = cast<ShapedType>(op->getResult(0).getType());
  if (auto mm = dyn_cast<MatmulOp>(op))
    return result.getNumElements() * mm.getLhs().getType().getShape().back();
  auto filter = cast<Conv2DOp>(op).getFilter().getType();
  return result.getNumElements() * filter.getDimSize(1) * filter.getDimSize(2) *
         filter.getDimSize(3);
}

//===----------------------------------------------------------------------===//
// PackedWeightsOp
//===----------------------------------------------------------------------===//

WeightLayout PackedWeightsOp::getLayout() {
  return *weightLayout(getResult().getType().getShape(), getFilter(),
                       getGroups());
}

LogicalResult PackedWeightsOp::verify() {
  auto type = getResult().getType();
  Type element = type.getElementType();
  auto lp = dyn_cast<LPType>(element);
  if (!(lp ? lp.getN() <= 8
           : element.isSignlessInteger() &&
                 element.getIntOrFloatBitWidth() <= 8))
    return emitOpError() << "packs integer or LP codes of at most 8 bits, "
                            "not "
                         << element;
  std::optional<WeightLayout> layout =
      weightLayout(type.getShape(), getFilter(), getGroups());
  if (!layout)
    return emitOpError() << "cannot split " << type << " into "
                         << (getFilter() ? "the filters of " : "")
                         << getGroups() << " groups";
  if (!getFilter() && layout->groups != int64_t(getGroups()))
    return emitOpError() << "matmul weights " << type << " are "
                         << layout->groups << " matrices, not " << getGroups();
  auto bytes = [](DenseIntElementsAttr attr) {
    return cast<ShapedType>(attr.getType()).getElementType().isInteger(8)
               ? attr.getNumElements()
               : int64_t(-1);
  };
  NMAttr nm = getSparsityAttr();
  if (nm && nm.isRunTimeOnly())
    return emitOpError() << "sparsity " << nm
                         << " has a threshold or residual_of, which apply to "
                            "activations selected at run time only";
  int64_t values = layout->groups * layout->valueBytes(nm);
  if (bytes(getValues()) != values)
    return emitOpError() << "values must be " << values << " i8 codes";
  int64_t index = layout->groups * layout->indexBytes(nm);
  if (!nm && getIndexAttr())
    return emitOpError("index is for N:M (sparsity) weights only");
  if (nm && (!getIndexAttr() || bytes(getIndexAttr()) != index))
    return emitOpError() << "index must be " << index << " i8 bytes";
  return success();
}
