//===- kite-opt.cpp - the Kite optimizer driver ---------------------------===//
//
// mlir-opt for Kite: the dialects a Kite pipeline meets on its way from an
// imported model to the accelerator, and every Kite pass.
//
//===----------------------------------------------------------------------===//

#include "kite/Conversion/Passes.h"
#include "kite/CostModel/SimulatorCostModel.h"
#include "kite/Dialect/Kite/Transforms/Passes.h"
#include "kite/Dialect/KiteIsa/Transforms/Passes.h"
#include "kite/Pipelines/Pipelines.h"
#include "kite/Support/Allocator.h"
#include "kite/Support/CommandLine.h"
#include "kite/Support/Dialects.h"
#include "kite/Support/SourceCheck.h"

#include "mlir/Support/FileUtilities.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/ToolOutputFile.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  kite::keepFreedMemory();
  kite::registerKiteDialects(registry);
  mlir::registerTransformsPasses(); // canonicalize, cse, inline, ...
  kite::registerKitePasses();
  kite::registerSimulatorCostModel();
  kite::registerKiteConversionPasses();
  kite::kiteisa::registerKiteIsaPasses();
  kite::registerKitePipelines();
  kite::hideBackendOptions();
  llvm::InitLLVM init(argc, argv);
  // A pass's error about its options or data files names no op: unless
  // asked for, the module is not dumped after every diagnostic.
  std::vector<char *> args(argv, argv + argc);
  std::string quiet = "--mlir-print-op-on-diagnostic=false";
  if (llvm::none_of(args, [](llvm::StringRef a) {
        return a.contains("mlir-print-op-on-diagnostic");
      }))
    args.insert(args.begin() + 1, quiet.data());
  argc = int(args.size());
  argv = args.data();
  auto [inputFile, outputFile] = mlir::registerAndParseCLIOptions(
      argc, argv, "Kite optimizer: kite dialect passes and pipelines\n",
      registry);
  mlir::MlirOptMainConfig config =
      mlir::MlirOptMainConfig::createFromCLOptions();
  // Listings read no input.
  if (config.shouldShowDialects() || config.shouldListPasses())
    return mlir::asMainReturnCode(
        mlir::MlirOptMain(argc, argv, inputFile, outputFile, registry));
  std::string error;
  std::unique_ptr<llvm::MemoryBuffer> input =
      mlir::openInputFile(inputFile, &error);
  if (!input) {
    llvm::errs() << error << "\n";
    return 1;
  }
  llvm::SourceMgr sources;
  unsigned id = sources.AddNewSourceBuffer(
      llvm::MemoryBuffer::getMemBuffer(input->getMemBufferRef(), false),
      llvm::SMLoc());
  if (!kite::checkParsableSource(sources, id))
    return 1;
  std::unique_ptr<llvm::ToolOutputFile> output =
      mlir::openOutputFile(outputFile, &error);
  if (!output) {
    llvm::errs() << error << "\n";
    return 1;
  }
  if (mlir::failed(
          mlir::MlirOptMain(output->os(), std::move(input), registry, config)))
    return 1;
  output->keep();
  return 0;
}
