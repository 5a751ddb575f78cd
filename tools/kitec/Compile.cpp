//===- Compile.cpp - kitec's pass pipelines, timed ------------------------===//

#include "Kitec.h"

#include "kite/Conversion/Bufferization.h"
#include "kite/Target/Kbin.h"

#include "mlir/Pass/PassInstrumentation.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/StringExtras.h"

#include <chrono>

using namespace mlir;
using namespace kite;
using namespace kite::kitec;

int kite::kitec::fail(const llvm::Twine &message) {
  llvm::errs() << "kitec: " << message << "\n";
  return 1;
}

void kite::kitec::progress(const llvm::Twine &message) {
  llvm::errs() << "kitec: " << message << "\n";
}

namespace {
/// Times every pass into `seconds` and says on stderr which one runs.
struct PassClock : PassInstrumentation {
  explicit PassClock(PassTimes &seconds) : seconds(seconds) {}
  PassTimes &seconds;
  std::vector<std::chrono::steady_clock::time_point> started;

  void runBeforePass(Pass *pass, Operation *) override {
    if (pass->getArgument().empty()) // pipeline adaptors
      return;
    progress(pass->getArgument());
    started.push_back(std::chrono::steady_clock::now());
  }
  void runAfterPass(Pass *pass, Operation *) override { done(pass); }
  void runAfterPassFailed(Pass *pass, Operation *) override { done(pass); }
  void done(Pass *pass) {
    if (pass->getArgument().empty() || started.empty())
      return;
    std::chrono::duration<double> d =
        std::chrono::steady_clock::now() - started.back();
    started.pop_back();
    seconds.emplace_back(pass->getArgument().str(), d.count());
  }
};
} // namespace

void kite::kitec::setPlanOptions(CompileOptions &options, const Plan &plan) {
  std::vector<std::string> widths;
  std::string lpFormats;
  quantizerOptions(plan, widths, lpFormats);
  options.layerBits.clear();
  for (const std::string &w : widths)
    options.layerBits.push_back(w);
  options.weightBitBudget = 0;
  options.lpLayerFormats = lpFormats;
  options.lpFallback = 0;
  options.softmaxUnits = llvm::join(plan.softmax, ",");
  // An all-LP plan is kite-lp-quantize's alone, as --lp compiles it.
  options.quantize =
      !llvm::all_of(plan.layers, [](const LayerPlan &l) { return l.isLP(); });
}

LogicalResult kite::kitec::compileModule(MLIRContext &ctx, ModuleOp module,
                                         const CompileOptions &options,
                                         const ExtraPasses &extra,
                                         PassTimes *times) {
  PassManager pm(&ctx);
  if (failed(applyPassManagerCLOptions(pm)))
    return failure();
  if (times)
    pm.addInstrumentation(std::make_unique<PassClock>(*times));
  buildCompilePipeline(pm, options);
  if (extra.plan)
    pm.addPass(createApplyPlanPass(*extra.plan));
  if (extra.decompose)
    pm.addPass(createKiteTasd(*extra.decompose));
  if (extra.choose)
    pm.addPass(createKiteTasder(*extra.choose, extra.inputs));
  if (extra.activations)
    pm.addPass(createKiteTasdActivations(*extra.activations));
  if (extra.select)
    pm.addPass(createKiteAppMulSelect(*extra.select, extra.inputs));
  return pm.run(module);
}

FailureOr<rt::Program> kite::kitec::lowerModule(MLIRContext &ctx,
                                                ModuleOp module, bool host,
                                                PassTimes *times) {
  PassManager pm(&ctx);
  if (failed(applyPassManagerCLOptions(pm)))
    return failure();
  if (times)
    pm.addInstrumentation(std::make_unique<PassClock>(*times));
  LowerOptions lowering;
  lowering.layerAttrs = true;
  lowering.host = host;
  buildLowerPipeline(pm, lowering);
  if (failed(pm.run(module)))
    return failure();
  return programFromModule(module);
}

void kite::kitec::warnSpills(func::FuncOp entry, int64_t batch) {
  TargetAttr target = lookupTarget(entry);
  FailureOr<BufferPlan> plan =
      target ? planBuffers(entry, target) : FailureOr<BufferPlan>(failure());
  if (failed(plan) || plan->spilledBytes == 0)
    return; // the lowering reports what it cannot plan
  double mib = 1024.0 * 1024.0;
  int64_t scratch = int64_t(target.getMemory().getScratchKib()) * 1024;
  std::string message = llvm::formatv(
      "warning: at batch {0} the activations need {1:f1} MiB on chip at "
      "their peak and the scratchpad has {2:f1} MiB: {3:f1} MiB per run "
      "spill to DRAM, written and read back",
      batch, double(plan->peakOnChipBytes) / mib, double(scratch) / mib,
      double(plan->spilledBytes) / mib);
  // Activations scale with the batch, so the fit is about proportional
  // (one less when the peak fits but the free space is fragmented).
  int64_t fits = std::min(
      batch - 1, batch * scratch / std::max<int64_t>(plan->peakOnChipBytes, 1));
  if (fits >= 1 && fits < batch)
    message +=
        llvm::formatv("; about --batch-size={0} keeps them on chip", fits);
  else if (batch == 1)
    message += "; one input's activations alone do not fit";
  progress(message);
}
