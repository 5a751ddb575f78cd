//===- Passes.h - kite dialect passes ---------------------------*- C++ -*-===//

#ifndef KITE_DIALECT_KITE_TRANSFORMS_PASSES_H
#define KITE_DIALECT_KITE_TRANSFORMS_PASSES_H

#include "kite/Dialect/Kite/IR/Kite.h"
#include "mlir/Pass/Pass.h"

namespace kite {
#define GEN_PASS_DECL
#include "kite/dialects/Kite/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "kite/dialects/Kite/Passes.h.inc"
} // namespace kite

#endif // KITE_DIALECT_KITE_TRANSFORMS_PASSES_H
