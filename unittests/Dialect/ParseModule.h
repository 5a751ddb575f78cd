//===- ParseModule.h - a module of the Kite dialects from text --*- C++ -*-===//

#ifndef KITE_UNITTESTS_DIALECT_PARSEMODULE_H
#define KITE_UNITTESTS_DIALECT_PARSEMODULE_H

#include "kite/Support/Dialects.h"

#include "mlir/Parser/Parser.h"

namespace kite::test {

/// `source` parsed in `ctx`, with every dialect Kite's tools load.
inline mlir::OwningOpRef<mlir::ModuleOp> parseModule(mlir::MLIRContext &ctx,
                                                     llvm::StringRef source) {
  mlir::DialectRegistry registry;
  registerKiteDialects(registry);
  ctx.appendDialectRegistry(registry);
  ctx.loadAllAvailableDialects();
  return mlir::parseSourceString<mlir::ModuleOp>(source, &ctx);
}

} // namespace kite::test

#endif // KITE_UNITTESTS_DIALECT_PARSEMODULE_H
