//===- TargetJson.h - #kite.target <-> JSON ---------------------*- C++ -*-===//
//
// The JSON form of a target description (schema: docs/target.md).
//
//===----------------------------------------------------------------------===//

#ifndef KITE_TARGET_TARGETJSON_H
#define KITE_TARGET_TARGETJSON_H

#include "kite/Dialect/Kite/IR/Kite.h"
#include "llvm/Support/JSON.h"

namespace kite {
/// Builds a target from its JSON form. Fields left out take the value of
/// the built-in target named by "base" (default "kite-v1"). On failure the
/// error names the offending field as a JSON path, e.g. `energy.int8_mul`.
llvm::Expected<TargetAttr> targetFromJson(mlir::MLIRContext *ctx,
                                          const llvm::json::Value &json);

/// Parses the text of a JSON target description; errors start with `name`.
llvm::Expected<TargetAttr> parseTargetJson(mlir::MLIRContext *ctx,
                                           llvm::StringRef text,
                                           llvm::StringRef name);

/// Reads and parses a JSON target file; errors start with the file name.
llvm::Expected<TargetAttr> loadTargetFile(mlir::MLIRContext *ctx,
                                          llvm::StringRef path);

/// The complete JSON form of `target` (every field present).
llvm::json::Value targetToJson(TargetAttr target);
} // namespace kite

#endif // KITE_TARGET_TARGETJSON_H
