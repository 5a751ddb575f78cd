//===- Passes.h - conversion passes into and out of kite --------*- C++ -*-===//

#ifndef KITE_CONVERSION_PASSES_H
#define KITE_CONVERSION_PASSES_H

#include "kite/Dialect/Kite/IR/Kite.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/Pass/Pass.h"

namespace kite {
#define GEN_PASS_DECL
#include "kite/dialects/Conversion/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "kite/dialects/Conversion/Passes.h.inc"
} // namespace kite

#endif // KITE_CONVERSION_PASSES_H
