//===- KiteIsa.h - the kite_isa dialect -------------------------*- C++ -*-===//
//
// The instruction-level exit dialect: one op per accelerator instruction.
//
//===----------------------------------------------------------------------===//

#ifndef KITE_DIALECT_KITEISA_IR_KITEISA_H
#define KITE_DIALECT_KITEISA_IR_KITEISA_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/SymbolTable.h"

#include "kite/dialects/KiteIsa/KiteIsaDialect.h.inc"
#include "kite/dialects/KiteIsa/KiteIsaEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "kite/dialects/KiteIsa/KiteIsaAttrs.h.inc"

#define GET_OP_CLASSES
#include "kite/dialects/KiteIsa/KiteIsaOps.h.inc"

namespace kite::kiteisa {
/// The encoding of an enum field's attribute (a kind, dtype, space, ...),
/// if `attr` is one.
std::optional<int64_t> enumFieldValue(mlir::Attribute attr);
/// The attribute of field `field` of instruction `op` for encoding
/// `value`: null if the field is not an enum field, failure if the value
/// is not one of its cases.
mlir::FailureOr<mlir::Attribute> enumFieldAttr(mlir::MLIRContext *ctx,
                                               llvm::StringRef op,
                                               llvm::StringRef field,
                                               int64_t value);
} // namespace kite::kiteisa

#endif // KITE_DIALECT_KITEISA_IR_KITEISA_H
