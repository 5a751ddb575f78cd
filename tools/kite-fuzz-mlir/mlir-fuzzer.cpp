//===- mlir-fuzzer.cpp - libFuzzer target for MLIR input and kite-lower ---===//
//
// Parses arbitrary bytes as MLIR text with kite-opt's dialects and the same
// pre-parse check; whatever parses and verifies goes through kite-lower
// (with the target attached first), as `kite-opt --kite-set-target
// --kite-lower` would run it. Diagnostics are expected; crashes, hangs and
// sanitizer reports are not. Built and run by scripts/fuzz.
//
//===----------------------------------------------------------------------===//

#include "kite/Dialect/Kite/IR/Kite.h"
#include "kite/Dialect/Kite/Transforms/Passes.h"
#include "kite/Dialect/KiteIsa/IR/KiteIsa.h"
#include "kite/Pipelines/Pipelines.h"
#include "kite/Support/SourceCheck.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Pass/PassManager.h"

#include <cstdlib>
#include <memory>

static std::unique_ptr<mlir::MLIRContext> makeContext() {
  mlir::DialectRegistry registry;
  registry.insert<kite::KiteDialect, kite::kiteisa::KiteIsaDialect,
                  mlir::arith::ArithDialect, mlir::func::FuncDialect,
                  mlir::linalg::LinalgDialect, mlir::math::MathDialect,
                  mlir::scf::SCFDialect, mlir::tensor::TensorDialect,
                  mlir::tosa::TosaDialect>();
  auto ctx = std::make_unique<mlir::MLIRContext>(
      registry, mlir::MLIRContext::Threading::DISABLED);
  ctx->loadAllAvailableDialects();
  ctx->printOpOnDiagnostic(false);
  return ctx;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  // Uniqued types and attributes accumulate in a context: start afresh now
  // and then so that memory stays bounded over millions of inputs.
  static std::unique_ptr<mlir::MLIRContext> ctx;
  static unsigned uses = 0;
  if (!ctx || ++uses % 1024 == 0)
    ctx = makeContext();
  // Diagnostics are expected; KITE_FUZZ_VERBOSE=1 shows them (when
  // replaying one input).
  static const bool verbose = std::getenv("KITE_FUZZ_VERBOSE");
  mlir::ScopedDiagnosticHandler quiet(ctx.get(), [](mlir::Diagnostic &d) {
    if (verbose)
      llvm::errs() << d.getLocation() << ": " << d << "\n";
    return mlir::success();
  });

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
      mlir::parseSourceFile<mlir::ModuleOp>(sources, ctx.get());
  if (!module || mlir::failed(mlir::verify(*module)))
    return 0;
  mlir::PassManager pm(ctx.get());
  pm.addPass(kite::createKiteSetTarget());
  kite::buildLowerPipeline(pm, kite::LowerOptions());
  (void)pm.run(*module);
  return 0;
}
