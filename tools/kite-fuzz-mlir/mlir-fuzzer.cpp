//===- mlir-fuzzer.cpp - libFuzzer target for MLIR input and kite-lower ---===//
//
// Parses arbitrary bytes as MLIR text with kite-opt's dialects and the same
// pre-parse check; whatever parses and verifies goes through kite-lower
// (with the target attached first), as `kite-opt --kite-set-target
// --kite-lower` would run it. Diagnostics are expected; crashes, hangs and
// sanitizer reports are not. Built and run by scripts/fuzz.
//
//===----------------------------------------------------------------------===//

#include "../FuzzSupport.h"
#include "kite/Dialect/Kite/Transforms/Passes.h"
#include "kite/Pipelines/Pipelines.h"
#include "kite/Support/SourceCheck.h"

#include "mlir/IR/Verifier.h"
#include "mlir/Pass/PassManager.h"

#include <cstdlib>
#include <memory>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  mlir::MLIRContext &ctx = kite::fuzz::context(1024);
  kite::fuzz::QuietDiagnostics quiet(ctx);

  llvm::SourceMgr sources;
  unsigned id = sources.AddNewSourceBuffer(
      llvm::MemoryBuffer::getMemBufferCopy(
          llvm::StringRef(reinterpret_cast<const char *>(data), size),
          "fuzz.mlir"),
      llvm::SMLoc());
  std::string ignored;
  llvm::raw_string_ostream sink(ignored);
  if (!kite::checkParsableSource(sources, id, sink))
    return 0;
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceFile<mlir::ModuleOp>(sources, &ctx);
  if (!module || mlir::failed(mlir::verify(*module)))
    return 0;
  mlir::PassManager pm(&ctx);
  pm.addPass(kite::createKiteSetTarget());
  kite::buildLowerPipeline(pm, kite::LowerOptions());
  (void)pm.run(*module);
  return 0;
}
