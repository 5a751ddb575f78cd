//===- kite-translate.cpp - Kite's translations ---------------------------===//
//
// mlir-translate for Kite: --import-onnx (ONNX model to TOSA MLIR);
// --emit-kbin / --emit-kasm (a kite_isa program to the binary or readable
// assembly) and --import-kbin (a binary back to kite_isa).
//
//===----------------------------------------------------------------------===//

#include "kite/Conversion/ImportOnnx/ImportOnnx.h"
#include "kite/Dialect/Kite/IR/Kite.h"
#include "kite/Support/CommandLine.h"
#include "kite/Target/Kbin.h"

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
  auto isaDialects = [](DialectRegistry &registry) {
    registry.insert<kite::KiteDialect, kite::kiteisa::KiteIsaDialect>();
  };
  // Both emitters print the program of a module lowered to kite_isa.
  auto emitter =
      [](std::function<void(const kite::rt::Program &, raw_ostream &)> print) {
        return [print](Operation *op, raw_ostream &os) -> LogicalResult {
          auto module = dyn_cast<ModuleOp>(op);
          if (!module)
            return op->emitError("expected a module");
          FailureOr<kite::rt::Program> program =
              kite::programFromModule(module);
          if (failed(program))
            return failure();
          print(*program, os);
          return success();
        };
      };
  TranslateFromMLIRRegistration emitKbin(
      "emit-kbin", "Encode a kite_isa program as a Kite binary (.kbin)",
      emitter([](const kite::rt::Program &program, raw_ostream &os) {
        std::vector<uint8_t> bytes = kite::rt::encodeKbin(program);
        os.write(reinterpret_cast<const char *>(bytes.data()), bytes.size());
      }),
      isaDialects);
  TranslateFromMLIRRegistration emitKasm(
      "emit-kasm", "Print a kite_isa program as Kite assembly (.kasm)",
      emitter([](const kite::rt::Program &program, raw_ostream &os) {
        os << kite::rt::disassemble(program);
      }),
      isaDialects);
  TranslateToMLIRRegistration importKbin(
      "import-kbin", "Decode a Kite binary (.kbin) into a kite_isa program",
      [](llvm::SourceMgr &sources,
         MLIRContext *ctx) -> OwningOpRef<Operation *> {
        const llvm::MemoryBuffer *buffer =
            sources.getMemoryBuffer(sources.getMainFileID());
        StringRef bytes = buffer->getBuffer();
        kite::rt::Program program;
        std::string error;
        if (!kite::rt::decodeKbin(
                reinterpret_cast<const uint8_t *>(bytes.data()), bytes.size(),
                program, error)) {
          emitError(
              FileLineColLoc::get(ctx, buffer->getBufferIdentifier(), 0, 0))
              << error;
          return nullptr;
        }
        return kite::moduleFromProgram(ctx, program);
      },
      isaDialects);
  kite::hideBackendOptions();
  return failed(mlirTranslateMain(argc, argv, "Kite translations\n"));
}
