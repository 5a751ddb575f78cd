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

#define GET_OP_CLASSES
#include "kite/dialects/KiteIsa/KiteIsaOps.h.inc"

#endif // KITE_DIALECT_KITEISA_IR_KITEISA_H
