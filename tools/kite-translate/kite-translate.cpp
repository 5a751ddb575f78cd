//===- kite-translate.cpp - Kite's translations ---------------------------===//
//
// mlir-translate for Kite: --import-onnx (ONNX model to TOSA MLIR).
//
//===----------------------------------------------------------------------===//

#include "kite/Conversion/ImportOnnx/ImportOnnx.h"
#include "kite/Dialect/Kite/IR/Kite.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/Tools/mlir-translate/MlirTranslateMain.h"
#include "mlir/Tools/mlir-translate/Translation.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/SourceMgr.h"

using namespace mlir;

static llvm::cl::opt<int64_t>
    batchSize("batch-size",
              llvm::cl::desc("Size of symbolic (batch) dimensions when "
                             "importing ONNX (default 1)"),
              llvm::cl::init(1));

int main(int argc, char **argv) {
  TranslateToMLIRRegistration importOnnx(
      "import-onnx", "Import an ONNX model (opsets 13-17) as TOSA",
      [](llvm::SourceMgr &sources,
         MLIRContext *ctx) -> OwningOpRef<Operation *> {
        if (batchSize < 1) {
          emitError(UnknownLoc::get(ctx)) << "--batch-size must be >= 1";
          return nullptr;
        }
        const llvm::MemoryBuffer *buffer =
            sources.getMemoryBuffer(sources.getMainFileID());
        kite::OnnxImportOptions options;
        options.batchSize = batchSize;
        return kite::importOnnxBytes(ctx, buffer->getBuffer(),
                                     buffer->getBufferIdentifier(), options);
      },
      [](DialectRegistry &registry) {
        registry
            .insert<func::FuncDialect, tosa::TosaDialect, kite::KiteDialect>();
      });
  return failed(mlirTranslateMain(argc, argv, "Kite translations\n"));
}
