//===- FuzzSupport.h - what the MLIR-based fuzz targets share ---*- C++ -*-===//

#ifndef KITE_TOOLS_FUZZSUPPORT_H
#define KITE_TOOLS_FUZZSUPPORT_H

#include "kite/Support/Dialects.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"

#include <cstdlib>
#include <memory>
#include <optional>

namespace kite::fuzz {

/// A context with every Kite dialect loaded and no threads. Uniqued types
/// and attributes (weights among them) accumulate in a context, so every
/// `period` calls it starts afresh, keeping memory bounded over millions
/// of inputs.
inline mlir::MLIRContext &context(unsigned period) {
  static std::unique_ptr<mlir::MLIRContext> ctx;
  static unsigned uses = 0;
  if (!ctx || ++uses % period == 0) {
    mlir::DialectRegistry registry;
    registerKiteDialects(registry);
    ctx = std::make_unique<mlir::MLIRContext>(
        registry, mlir::MLIRContext::Threading::DISABLED);
    ctx->loadAllAvailableDialects();
    ctx->printOpOnDiagnostic(false);
  }
  return *ctx;
}

/// Diagnostics are expected of bad input; KITE_FUZZ_VERBOSE=1 shows them
/// (when replaying one input).
struct QuietDiagnostics : mlir::ScopedDiagnosticHandler {
  explicit QuietDiagnostics(mlir::MLIRContext &ctx)
      : ScopedDiagnosticHandler(&ctx, [](mlir::Diagnostic &d) {
          static const bool verbose = std::getenv("KITE_FUZZ_VERBOSE");
          if (verbose)
            llvm::errs() << d.getLocation() << ": " << d << "\n";
          return mlir::success();
        }) {}
};

} // namespace kite::fuzz

#endif // KITE_TOOLS_FUZZSUPPORT_H
