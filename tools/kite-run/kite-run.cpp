//===- kite-run.cpp - run tensor-level IR with the reference interpreter --===//
//
//   kite-run model.mlir -i x.npy [-i ...] [-o out.npy ...] [--labels y.npy]
//            [--batch] [--entry main]
//
// Inputs: .npy, .npz (every array, in order) or ONNX TensorProto .pb.
// --batch splits inputs whose leading dimension is larger than the
// function's into batches of the function's size.
//
//===----------------------------------------------------------------------===//

#include "kite/Conversion/ImportOnnx/ImportOnnx.h"
#include "kite/Dialect/Kite/IR/Kite.h"
#include "kite/Interpreter/Interpreter.h"
#include "kite/Support/Allocator.h"
#include "kite/TensorIO/Npy.h"

#include "kite/Support/SourceCheck.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/Threading.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace kite;
namespace cl = llvm::cl;
using interp::Tensor;
using tensorio::HostTensor;

static cl::OptionCategory category("kite-run options");
static cl::opt<std::string> modelPath(cl::Positional, cl::desc("<model.mlir>"),
                                      cl::Required, cl::cat(category));
static cl::list<std::string>
    inputPaths("i",
               cl::desc("Input tensor file (.npy, .npz, .pb); one per "
                        "function argument (an .npz gives all its arrays)"),
               cl::value_desc("file"), cl::cat(category));
static cl::list<std::string>
    outputPaths("o", cl::desc("Write the next result as .npy"),
                cl::value_desc("file"), cl::cat(category));
static cl::opt<std::string>
    labelsPath("labels",
               cl::desc("Integer labels (.npy): print the top-1 accuracy of "
                        "the first result"),
               cl::value_desc("file"), cl::cat(category));
static cl::list<std::string>
    expectPaths("expect",
                cl::desc("Compare the next result with this tensor file "
                         "(.npy, .pb); fail if |got - want| > atol + rtol * "
                         "|want| anywhere"),
                cl::value_desc("file"), cl::cat(category));
static cl::opt<double> relTol("rtol",
                              cl::desc("Relative tolerance of --expect"),
                              cl::init(1e-3), cl::cat(category));
static cl::opt<double> absTol("atol",
                              cl::desc("Absolute tolerance of --expect"),
                              cl::init(1e-5), cl::cat(category));
static cl::opt<bool>
    batch("batch",
          cl::desc("Run inputs larger than the function's batch in batches of "
                   "its size"),
          cl::cat(category));
// libLLVM registers --threads itself.
static cl::opt<unsigned>
    jobs("jobs",
         cl::desc("Threads running batches in parallel (0: one per core; the "
                  "results do not depend on it)"),
         cl::init(0), cl::cat(category));
static cl::alias jobsShort("j", cl::desc("Alias for --jobs"),
                           cl::aliasopt(jobs));
static cl::opt<bool>
    timeRun("time",
            cl::desc("Print the batches' wall time and throughput on stderr "
                     "(start-up, parsing and file I/O excluded; the first "
                     "batch runs once more on each thread, untimed, to prepare "
                     "the kernels)"),
            cl::cat(category));
static cl::opt<bool> print("print", cl::desc("Print every result on stdout"),
                           cl::cat(category));
static cl::opt<std::string>
    entry("entry",
          cl::desc("Function to run (default: main, else the first function)"),
          cl::cat(category));

static int fail(const llvm::Twine &message) {
  llvm::errs() << "kite-run: " << message << "\n";
  return 1;
}

static bool loadInputs(std::vector<HostTensor> &inputs, std::string *error) {
  for (const std::string &path : inputPaths) {
    if (llvm::StringRef(path).ends_with(".pb")) {
      HostTensor t;
      if (!readOnnxTensorFile(path, t, error))
        return false;
      inputs.push_back(std::move(t));
    } else if (!tensorio::readArrays(path, inputs, error)) {
      return false;
    }
  }
  return true;
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  kite::keepFreedMemory();
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(
      argc, argv,
      "kite-run: run tensor-level MLIR (TOSA, kite) with "
      "Kite's reference interpreter\n");
  DialectRegistry registry;
  registry.insert<arith::ArithDialect, func::FuncDialect, linalg::LinalgDialect,
                  math::MathDialect, scf::SCFDialect, tensor::TensorDialect,
                  tosa::TosaDialect, KiteDialect>();
  MLIRContext ctx(registry);
  ctx.printOpOnDiagnostic(false); // errors point at the op by location
  llvm::SourceMgr sources;
  SourceMgrDiagnosticHandler diagnostics(sources, &ctx);
  OwningOpRef<ModuleOp> module =
      kite::parseModuleFile(modelPath, sources, &ctx);
  if (!module)
    return 1;
  func::FuncOp func;
  module->walk([&](func::FuncOp f) {
    if ((!entry.empty() && f.getName() == entry) ||
        (entry.empty() && (f.getName() == "main" || !func)))
      func = f;
  });
  if (!func)
    return fail(entry.empty() ? "the module has no function"
                              : "no function named '" + entry + "'");
  std::vector<HostTensor> inputs;
  std::string error;
  if (!loadInputs(inputs, &error))
    return fail(error);
  interp::Interpreter interpreter;
  interp::BatchedRun run;
  unsigned numThreads = llvm::hardware_concurrency(jobs).compute_thread_count();
  if (failed(interp::runBatched(interpreter, func, inputs, batch, run, error,
                                numThreads, timeRun)))
    return error.empty() ? 1 : fail(error);
  std::vector<HostTensor> &outputs = run.outputs;
  size_t numResults = outputs.size();
  if (outputPaths.size() > numResults)
    return fail("-o given " + llvm::Twine(outputPaths.size()) + " times but @" +
                func.getName() + " has " + llvm::Twine(numResults) +
                " result(s)");
  for (auto [path, out] : llvm::zip(outputPaths, outputs))
    if (!tensorio::writeNpy(path, out, &error))
      return fail(error);
  if (run.batches > 1)
    llvm::errs() << "kite-run: " << run.samples << " samples in " << run.batches
                 << " batches of " << run.batchSize << "\n";
  if (timeRun) {
    // runBatched uses no more threads than there are batches.
    unsigned used = std::min<unsigned>(numThreads, unsigned(run.batches));
    llvm::errs() << llvm::format(
        "kite-run: %lld samples in %.4f s: %.1f samples/s (%u thread%s, "
        "start-up excluded)\n",
        (long long)run.samples, run.seconds,
        run.seconds > 0 ? run.samples / run.seconds : 0.0, used,
        used == 1 ? "" : "s");
  }

  if (print)
    for (auto [k, o] : llvm::enumerate(outputs)) {
      llvm::outs() << "result #" << k << ": " << tensorio::shapeText(o.shape)
                   << " [";
      for (int64_t n = 0, e = o.numElements(); n < e; ++n) {
        if (n)
          llvm::outs() << ", ";
        if (o.isFloat())
          llvm::outs() << llvm::format("%g", o.floats[n]);
        else
          llvm::outs() << o.ints[n];
      }
      llvm::outs() << "]\n";
    }
  for (auto [k, pair] : llvm::enumerate(llvm::zip(expectPaths, outputs))) {
    auto &[path, got] = pair;
    HostTensor want;
    bool ok = llvm::StringRef(path).ends_with(".pb")
                  ? readOnnxTensorFile(path, want, &error)
                  : tensorio::readNpy(path, want, &error);
    if (!ok)
      return fail(error);
    if (want.shape != got.shape)
      return fail("result #" + llvm::Twine(k) + " has shape " +
                  tensorio::shapeText(got.shape) + ", " + path + " has " +
                  tensorio::shapeText(want.shape));
    double worst = 0;
    int64_t bad = 0;
    for (int64_t n = 0, e = got.numElements(); n < e; ++n) {
      double g = got.isFloat() ? got.floats[n] : double(got.ints[n]);
      double w = want.isFloat() ? want.floats[n] : double(want.ints[n]);
      double diff = std::fabs(g - w);
      if (std::isnan(g) != std::isnan(w) ||
          diff > absTol + relTol * std::fabs(w))
        ++bad;
      if (!std::isnan(diff))
        worst = std::max(worst, diff);
    }
    llvm::outs() << llvm::formatv(
        "result #{0}: max abs difference {1:e2} from {2}{3}\n", k, worst, path,
        bad ? llvm::formatv(" ({0} elements out of tolerance)", bad).str()
            : std::string());
    if (bad)
      return 1;
  }

  if (!labelsPath.empty()) {
    HostTensor labels;
    if (!tensorio::readNpy(labelsPath, labels, &error))
      return fail(error);
    int64_t correct = 0;
    std::string problem = tensorio::top1Correct(outputs[0], labels, correct);
    if (!problem.empty())
      return fail(problem);
    llvm::outs() << tensorio::top1Line(correct, outputs[0].shape[0]) << "\n";
  }
  return 0;
}
