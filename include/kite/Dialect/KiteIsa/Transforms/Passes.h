//===- Passes.h - kite_isa passes -------------------------------*- C++ -*-===//

#ifndef KITE_DIALECT_KITEISA_TRANSFORMS_PASSES_H
#define KITE_DIALECT_KITEISA_TRANSFORMS_PASSES_H

#include "kite/Dialect/KiteIsa/IR/KiteIsa.h"
#include "mlir/Pass/Pass.h"

namespace kite::kiteisa {
#define GEN_PASS_DECL
#include "kite/dialects/KiteIsa/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "kite/dialects/KiteIsa/Passes.h.inc"
} // namespace kite::kiteisa

#endif // KITE_DIALECT_KITEISA_TRANSFORMS_PASSES_H
