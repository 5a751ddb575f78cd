//===- ImportOnnx.h - ONNX models to TOSA -----------------------*- C++ -*-===//
//
// Imports an ONNX model (opsets 13-17) as a func.func of TOSA ops on static
// tensors; weights become tosa.const dense attributes. Symbolic dimensions
// (the batch) are bound to a fixed size. Supported ops and the mapping of
// each: docs/frontend.md.
//
//===----------------------------------------------------------------------===//

#ifndef KITE_CONVERSION_IMPORTONNX_IMPORTONNX_H
#define KITE_CONVERSION_IMPORTONNX_IMPORTONNX_H

#include "kite/TensorIO/Npy.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

#include <string>

namespace kite {

struct OnnxImportOptions {
  /// Size given to symbolic (dim_param or unknown) dimensions.
  int64_t batchSize = 1;
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

/// Reads an ONNX TensorProto file (.pb, as in the ONNX test data).
bool readOnnxTensorFile(llvm::StringRef path, tensorio::HostTensor &out,
                        std::string *error);

} // namespace kite

#endif // KITE_CONVERSION_IMPORTONNX_IMPORTONNX_H
