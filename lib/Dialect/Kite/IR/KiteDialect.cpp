//===- KiteDialect.cpp - kite dialect registration ------------------------===//

#include "kite/Dialect/Kite/IR/Kite.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace kite;

#include "kite/dialects/Kite/KiteDialect.cpp.inc"
#include "kite/dialects/Kite/KiteEnums.cpp.inc"

#define GET_TYPEDEF_CLASSES
#include "kite/dialects/Kite/KiteTypes.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "kite/dialects/Kite/KiteAttrs.cpp.inc"

void KiteDialect::initialize() {
  addTypes<
#define GET_TYPEDEF_LIST
#include "kite/dialects/Kite/KiteTypes.cpp.inc"
      >();
  addAttributes<
#define GET_ATTRDEF_LIST
#include "kite/dialects/Kite/KiteAttrs.cpp.inc"
      >();
  addOperations<
#define GET_OP_LIST
#include "kite/dialects/Kite/KiteOps.cpp.inc"
      >();
}

Operation *KiteDialect::materializeConstant(OpBuilder &builder, Attribute value,
                                            Type type, Location loc) {
  auto tensorType = dyn_cast<RankedTensorType>(type);
  auto codes = dyn_cast<DenseIntElementsAttr>(value);
  if (tensorType && codes && isa<LPType>(tensorType.getElementType()))
    return ConstantOp::create(builder, loc, tensorType, codes);
  if (arith::ConstantOp::isBuildableWith(value, type))
    return arith::ConstantOp::create(builder, loc, type,
                                     cast<TypedAttr>(value));
  return nullptr;
}

FailureOr<APFloat> kite::parseDoubleParameter(AsmParser &parser) {
  // Hardware numbers are often whole (640 pJ, 16 bytes/cycle): take those
  // without forcing a trailing dot.
  bool negative = succeeded(parser.parseOptionalMinus());
  uint64_t integer = 0;
  OptionalParseResult isInteger = parser.parseOptionalInteger(integer);
  double value;
  if (isInteger.has_value()) {
    if (failed(*isInteger))
      return failure();
    value = double(integer);
  } else if (parser.parseFloat(value)) {
    return failure();
  }
  return APFloat(negative ? -value : value);
}

FailureOr<bool> kite::parseBoolParameter(AsmParser &parser) {
  SMLoc loc = parser.getCurrentLocation();
  StringRef word;
  if (parser.parseKeyword(&word))
    return failure();
  if (word == "true")
    return true;
  if (word == "false")
    return false;
  return parser.emitError(loc, "expected 'true' or 'false'");
}

TargetAttr kite::lookupTarget(Operation *op) {
  for (Operation *cur = op; cur; cur = cur->getParentOp())
    if (auto target = cur->getAttrOfType<TargetAttr>(kTargetAttrName))
      return target;
  return {};
}

TargetAttr kite::requireTarget(Operation *op, StringRef passName) {
  TargetAttr target = lookupTarget(op);
  if (!target)
    op->emitError() << passName
                    << ": the module has no kite.target (run kite-set-target "
                       "first)";
  return target;
}
