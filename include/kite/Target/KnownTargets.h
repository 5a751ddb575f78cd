//===- KnownTargets.h - built-in target descriptions ------------*- C++ -*-===//

#ifndef KITE_TARGET_KNOWNTARGETS_H
#define KITE_TARGET_KNOWNTARGETS_H

#include "kite/Dialect/Kite/IR/Kite.h"

namespace kite {
/// Names of the built-in targets, the default first.
llvm::ArrayRef<llvm::StringRef> getKnownTargetNames();

/// The built-in target called `name`, or null if there is none.
TargetAttr getKnownTarget(mlir::MLIRContext *ctx, llvm::StringRef name);

/// The default target (`kite-v1`).
TargetAttr getDefaultTarget(mlir::MLIRContext *ctx);
} // namespace kite

#endif // KITE_TARGET_KNOWNTARGETS_H
