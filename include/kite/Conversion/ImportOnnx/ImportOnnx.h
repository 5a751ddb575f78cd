//===- ImportOnnx.h - ONNX models to TOSA -----------------------*- C++ -*-===//
//
// Imports an ONNX model (opsets 7-17; older than 11 through ONNX's version
// converter) as a func.func of TOSA ops on static tensors; weights become
// tosa.const dense attributes. A symbolic leading dimension takes the batch
// size, other symbolic dimensions need a pinned input shape. Supported ops:
// supportedOnnxOps(), docs/reference/OnnxOps.md.
//
//===----------------------------------------------------------------------===//

#ifndef KITE_CONVERSION_IMPORTONNX_IMPORTONNX_H
#define KITE_CONVERSION_IMPORTONNX_IMPORTONNX_H

#include "kite/TensorIO/Npy.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/StringMap.h"

#include <string>

namespace kite {

struct OnnxImportOptions {
  /// Size given to a symbolic (dim_param or unknown) leading dimension.
  int64_t batchSize = 1;
  /// Shapes of named inputs, pinning their symbolic dimensions.
  llvm::StringMap<llvm::SmallVector<int64_t, 4>> inputShapes;
  /// Inputs bound to constant data: they are no function arguments, and
  /// what depends on them alone folds at import (e.g. shapes, sample rates).
  llvm::StringMap<tensorio::HostTensor> boundInputs;
  /// Name of the generated function.
  std::string functionName = "main";
};

/// Imports the model in `path`. On failure emits one error (naming the node,
/// op and reason, or what is wrong with the file) and returns null.
mlir::OwningOpRef<mlir::ModuleOp>
importOnnxFile(mlir::MLIRContext *ctx, llvm::StringRef path,
               const OnnxImportOptions &options);

/// The same for a serialized ModelProto in memory; `name` is used in
/// locations and messages.
mlir::OwningOpRef<mlir::ModuleOp>
importOnnxBytes(mlir::MLIRContext *ctx, llvm::StringRef bytes,
                llvm::StringRef name, const OnnxImportOptions &options);

/// Parses `<name>=<d0>x<d1>...` (an --input-shape value). On failure,
/// `error` says why.
bool parseInputShape(llvm::StringRef spec, std::string &name,
                     llvm::SmallVectorImpl<int64_t> &dims, std::string &error);

/// Parses `<name>=<file>` (a --bind-input value) and reads the tensor
/// (.npy or ONNX TensorProto .pb). On failure, `error` says why.
bool parseBoundInput(llvm::StringRef spec, std::string &name,
                     tensorio::HostTensor &value, std::string &error);

/// Adds --input-shape and --bind-input values to `options`. On failure,
/// `error` says which value is wrong and why.
bool addInputSpecs(OnnxImportOptions &options,
                   llvm::ArrayRef<std::string> inputShapes,
                   llvm::ArrayRef<std::string> boundInputs, std::string &error);

/// One ONNX op the importer takes: its family (the file that imports it)
/// and the forms and limits of its import.
struct OnnxOpInfo {
  std::string name, family, notes;
};

/// Every op the importer takes, sorted by name.
std::vector<OnnxOpInfo> supportedOnnxOps();

/// Reads an ONNX TensorProto file (.pb, as in the ONNX test data).
bool readOnnxTensorFile(llvm::StringRef path, tensorio::HostTensor &out,
                        std::string *error);

} // namespace kite

#endif // KITE_CONVERSION_IMPORTONNX_IMPORTONNX_H
