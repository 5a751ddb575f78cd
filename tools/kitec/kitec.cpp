//===- kitec.cpp - one command from a model to a Kite binary --------------===//
//
// Imports an ONNX model (or reads tensor-level MLIR), runs kite-compile
// (target, raising, quantization, LUT softmax; optionally LPQ and FAMES),
// lowers to kite_isa and emits a .kbin. With evaluation data it runs the
// float model in the interpreter and the binary in the simulator and reports
// both accuracies; the report (docs/report.md) gives per-layer formats and
// costs, totals and compile time per pass.
//
//===----------------------------------------------------------------------===//

#include "kite/Conversion/ImportOnnx/ImportOnnx.h"
#include "kite/Conversion/Passes.h"
#include "kite/Dialect/Kite/IR/Kite.h"
#include "kite/Dialect/Kite/Transforms/Passes.h"
#include "kite/Interpreter/Interpreter.h"
#include "kite/Pipelines/Pipelines.h"
#include "kite/Runtime/HostRun.h"
#include "kite/Support/CommandLine.h"
#include "kite/Support/SourceCheck.h"
#include "kite/Target/Kbin.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassInstrumentation.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"

#include <chrono>
#include <functional>

using namespace mlir;
using namespace kite;
namespace cl = llvm::cl;
using tensorio::HostTensor;

static cl::OptionCategory category("kitec options");
static cl::opt<std::string> modelPath(cl::Positional,
                                      cl::desc("<model.onnx | model.mlir>"),
                                      cl::Required, cl::cat(category));
static cl::opt<std::string>
    calibPath("calib", cl::desc("Calibration inputs (.npy/.npz, required)"),
              cl::value_desc("file"), cl::cat(category));
static cl::opt<std::string>
    calibLabelsPath("calib-labels",
                    cl::desc("Labels of the calibration inputs (--appmul)"),
                    cl::value_desc("file"), cl::cat(category));
static cl::opt<std::string>
    targetName("target",
               cl::desc("Built-in target name or a JSON target file "
                        "(docs/target.md); default kite-v1"),
               cl::init("kite-v1"), cl::cat(category));
static cl::opt<int64_t>
    batchSize("batch-size",
              cl::desc("Batch the binary runs (ONNX symbolic dimensions; "
                       "default 50)"),
              cl::init(50), cl::cat(category));
static cl::list<std::string> inputShapes(
    "input-shape",
    cl::desc("Shape of an ONNX input, pinning its symbolic dimensions: "
             "<name>=<d0>x<d1>... (repeatable)"),
    cl::value_desc("name=shape"), cl::cat(category));
static cl::list<std::string>
    boundInputs("bind-input",
                cl::desc("Bind an ONNX input to constant data (.npy/.pb): "
                         "<name>=<file> (repeatable)"),
                cl::value_desc("name=file"), cl::cat(category));
static cl::opt<std::string> evalPath("eval",
                                     cl::desc("Evaluation inputs (.npy)"),
                                     cl::value_desc("file"), cl::cat(category));
static cl::opt<std::string>
    labelsPath("labels", cl::desc("Evaluation labels (.npy, with --eval)"),
               cl::value_desc("file"), cl::cat(category));
static cl::opt<std::string> outputPath("o", cl::desc("Output file"),
                                       cl::value_desc("file"),
                                       cl::cat(category));
static cl::opt<std::string> reportPath("report",
                                       cl::desc("Write the JSON report"),
                                       cl::value_desc("file"),
                                       cl::cat(category));
static cl::opt<std::string>
    emit("emit",
         cl::desc("Stop at: mlir (quantized tensor-level IR), kasm "
                  "(assembly) or kbin (default)"),
         cl::init("kbin"), cl::cat(category));
static cl::opt<unsigned> bits("bits",
                              cl::desc("Integer width of activations and "
                                       "weights (2-8, default 8)"),
                              cl::init(8), cl::cat(category));
static cl::opt<double> appmulLossBudget(
    "appmul-loss-budget",
    cl::desc("FAMES' bound on the loss increase in nats (default 0.05): "
             "the knapsack's budget on the summed estimates, halved until "
             "the measured increase and the --appmul accuracy drop hold on "
             "the calibration data, then refined by bisection"),
    cl::init(0.05), cl::value_desc("nats"), cl::cat(category));
static cl::opt<bool> appmulScreen(
    "appmul-screen",
    cl::desc("FAMES runs each multiplier it picks alone once and uses the "
             "measured loss change in place of the Taylor estimate (catches "
             "estimates that miss by orders of magnitude; more model runs)"),
    cl::cat(category));
static cl::opt<std::string>
    layerBits("layer-bits",
              cl::desc("Per-layer integer widths, comma-separated, one per "
                       "MAC layer in order: '-', 'A' or 'AxW' (activation x "
                       "weight); layers past the list use --bits"),
              cl::value_desc("map"), cl::cat(category));
static cl::opt<std::string> calibrationMethod(
    "calibration-method",
    cl::desc("How activation ranges are fitted to the calibration data: mse "
             "(least quantization error, default), percentile (the "
             "--percentile-th percentile of |x|) or minmax"),
    cl::init("mse"), cl::value_desc("method"), cl::cat(category));
static cl::opt<double> percentile(
    "percentile",
    cl::desc("Percentile for --calibration-method=percentile (default 99.99)"),
    cl::init(99.99), cl::value_desc("p"), cl::cat(category));
static cl::opt<double> lpFallback(
    "lp-fallback",
    cl::desc("A layer more than this fraction of whose nonzero calibration "
             "activations its integer format rounds to 0 runs on 8-bit "
             "logarithmic posits fitted per tensor, when the target has "
             "them (default 0.5; 0 keeps every layer integer)"),
    cl::init(0.5), cl::value_desc("fraction"), cl::cat(category));
static cl::opt<double> weightBitBudget(
    "weight-bits",
    cl::desc("Choose each layer's weight width (8, 4 or 2) by its "
             "sensitivity so that the MAC-weighted average is at most this; "
             "activations stay at --bits"),
    cl::init(0.0), cl::value_desc("average"), cl::cat(category));
static cl::opt<std::string>
    lp("lp",
       cl::desc("Logarithmic posits chosen by the LPQ search instead of "
                "integers; optional average-bit budget (default 6)"),
       cl::ValueOptional, cl::value_desc("bits"), cl::cat(category));
static cl::opt<std::string>
    appmul("appmul",
           cl::desc("Approximate multipliers chosen by FAMES; optional "
                    "largest calibration top-1 drop (default 0.01); needs "
                    "--calib-labels"),
           cl::ValueOptional, cl::value_desc("drop"), cl::cat(category));
static cl::opt<std::string>
    tasd("tasd",
         cl::desc("Structured-sparse decomposition of integer matmul and "
                  "convolution weights: "
                  "a series of N:M terms for every layer (kite-tasd, e.g. "
                  "2:4+1:8), or without a value / with a minimum relative "
                  "calibration accuracy (default 0.99) a per-layer choice by "
                  "TASDER (kite-tasder; needs --calib-labels)"),
         cl::ValueOptional, cl::value_desc("series|min-accuracy"),
         cl::cat(category));
static cl::opt<std::string> tasdActivations(
    "tasd-activations",
    cl::desc("TASD-A: layers whose activations are ReLU outputs read them "
             "through a run-time N:M selection, or a series such as 2:4+1:8 "
             "(kite-tasd-activations; default pattern 4:8), after --tasd"),
    cl::ValueOptional, cl::value_desc("N:M[+N:M...]"), cl::cat(category));
static cl::opt<double> tasdGeluThreshold(
    "tasd-gelu-threshold",
    cl::desc("With --tasd-activations, also select GELU outputs, magnitudes "
             "below this as zero"),
    cl::init(0.0), cl::value_desc("t"), cl::cat(category));
static cl::opt<bool>
    baselines("baselines",
              cl::desc("Also compile and evaluate uniform INT8, INT4 and (with "
                       "--lp) uniform LP at the budget's width; needs --eval"),
              cl::cat(category));
static cl::opt<bool> noLutSoftmax("no-lut-softmax",
                                  cl::desc("Keep softmax off the LUT unit"),
                                  cl::cat(category));
static cl::opt<bool>
    noHost("no-host",
           cl::desc("Refuse host segments: an op no accelerator unit runs "
                    "(argmax, casts, integer index arithmetic, gathers with "
                    "computed indices) is an error instead of a host call"),
           cl::cat(category));
static cl::opt<bool> noLutUnary(
    "no-lut-unary",
    cl::desc("Keep elementwise functions (sigmoid, tanh, hard-swish, ...) on "
             "the vector unit in f32 instead of LUT-unit tables"),
    cl::cat(category));

namespace {
int fail(const llvm::Twine &message) {
  llvm::errs() << "kitec: " << message << "\n";
  return 1;
}

void progress(const llvm::Twine &message) {
  llvm::errs() << "kitec: " << message << "\n";
}

using PassTimes = std::vector<std::pair<std::string, double>>;

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

bool readTensors(const std::string &path, std::vector<HostTensor> &out,
                 std::string &error) {
  if (llvm::StringRef(path).ends_with(".npz")) {
    std::vector<std::pair<std::string, HostTensor>> arrays;
    if (!tensorio::readNpz(path, arrays, &error))
      return false;
    for (auto &[name, t] : arrays)
      out.push_back(std::move(t));
    return true;
  }
  HostTensor t;
  if (!tensorio::readNpy(path, t, &error))
    return false;
  out.push_back(std::move(t));
  return true;
}

std::string typeString(Type type) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << type;
  return s;
}

/// A MAC operand's format as the report shows it.
std::string formatString(Type element, IntFormatAttr format) {
  if (format)
    return (format.getIsSigned() ? "int" : "uint") +
           std::to_string(format.getBits());
  return typeString(element);
}

/// Width of a MAC operand: the integer format's bits, the LP word's n.
unsigned operandBits(Type element, IntFormatAttr format) {
  if (format)
    return format.getBits();
  if (auto lp = dyn_cast<LPType>(element))
    return lp.getN();
  return element.getIntOrFloatBitWidth();
}

/// One tensor-level op of the entry function and what its instructions
/// cost.
struct Layer {
  llvm::json::Object info;
  int64_t cycles = 0;
  double energyPj = 0;
  bool hasInstructions = false;
  bool onHost = false; ///< a host segment (an instruction of the host)
};

Layer describe(Operation *op) {
  Layer l;
  l.info["op"] = op->getName().getStringRef().str();
  if (op->getNumResults())
    l.info["shape"] = typeString(op->getResult(0).getType());
  // The LUT guards' measurement of their tables on the calibration data.
  if (auto check = op->getAttrOfType<DictionaryAttr>(kLutCheckAttrName)) {
    llvm::json::Object o;
    for (NamedAttribute a : check) {
      if (auto str = dyn_cast<StringAttr>(a.getValue()))
        o[a.getName().str()] = str.str();
      else if (auto f = dyn_cast<FloatAttr>(a.getValue()))
        o[a.getName().str()] = f.getValueAsDouble();
      else if (auto b = dyn_cast<BoolAttr>(a.getValue()))
        o[a.getName().str()] = b.getValue();
      else if (auto i = dyn_cast<IntegerAttr>(a.getValue()))
        o[a.getName().str()] = i.getInt();
    }
    l.info["lut_check"] = std::move(o);
  }
  auto mac = [&](Type lhs, IntFormatAttr lf, Type rhs, IntFormatAttr rf,
                 MultiplierAttr mul, NMAttr lhsSparsity, NMAttr sparsity,
                 int64_t macs) {
    // TASD-A's run-time selection shows as A<N:M>.
    std::string prefix = lhsSparsity && !sparsity ? "A" : "";
    if (!sparsity)
      sparsity = lhsSparsity;
    l.info["lhs_format"] = formatString(lhs, lf);
    l.info["rhs_format"] = formatString(rhs, rf);
    l.info["bits"] =
        llvm::json::Array{operandBits(lhs, lf), operandBits(rhs, rf)};
    l.info["multiplier"] = mul ? mul.getName().str() : "exact";
    l.info["sparsity"] = sparsity
                             ? llvm::formatv("{0}{1}:{2}", prefix,
                                             sparsity.getN(), sparsity.getM())
                                   .str()
                             : "dense";
    // The array's work: an N:M operand runs N/M of the dense MACs.
    l.info["macs"] =
        sparsity ? macs / int64_t(sparsity.getM()) * int64_t(sparsity.getN())
                 : macs;
  };
  if (auto m = dyn_cast<MatmulOp>(op)) {
    mac(m.getLhs().getType().getElementType(), m.getLhsFormatAttr(),
        m.getRhs().getType().getElementType(), m.getRhsFormatAttr(),
        m.getMultiplierAttr(), m.getLhsSparsityAttr(), m.getRhsSparsityAttr(),
        macCount(m));
  } else if (auto c = dyn_cast<Conv2DOp>(op)) {
    mac(c.getInput().getType().getElementType(), c.getInputFormatAttr(),
        c.getFilter().getType().getElementType(), c.getFilterFormatAttr(),
        c.getMultiplierAttr(), c.getInputSparsityAttr(),
        c.getFilterSparsityAttr(), macCount(c));
  }
  return l;
}

/// Runs kite-compile (and FAMES when `select` is set) on `module`.
LogicalResult
compileModule(MLIRContext &ctx, ModuleOp module, const CompileOptions &options,
              const KiteAppMulSelectOptions *select,
              const KiteTasdOptions *decompose, const KiteTasderOptions *choose,
              const KiteTasdActivationsOptions *activations, PassTimes &times) {
  PassManager pm(&ctx);
  if (failed(applyPassManagerCLOptions(pm)))
    return failure();
  pm.addInstrumentation(std::make_unique<PassClock>(times));
  buildCompilePipeline(pm, options);
  if (decompose)
    pm.addPass(createKiteTasd(*decompose));
  if (choose)
    pm.addPass(createKiteTasder(*choose));
  if (activations)
    pm.addPass(createKiteTasdActivations(*activations));
  if (select)
    pm.addPass(createKiteAppMulSelect(*select));
  return pm.run(module);
}

/// Lowers a compiled module to kite_isa and returns its program.
FailureOr<rt::Program> lowerModule(MLIRContext &ctx, ModuleOp module,
                                   PassTimes &times) {
  PassManager pm(&ctx);
  if (failed(applyPassManagerCLOptions(pm)))
    return failure();
  pm.addInstrumentation(std::make_unique<PassClock>(times));
  LowerOptions lowering;
  lowering.layerAttrs = true;
  lowering.host = !noHost;
  buildLowerPipeline(pm, lowering);
  if (failed(pm.run(module)))
    return failure();
  return programFromModule(module);
}

/// MAC energy of a run: the "mac ..." components.
double macEnergyJ(const rt::Stats &stats) {
  double pj = 0;
  for (const auto &[name, e] : stats.energyPj)
    if (llvm::StringRef(name).starts_with("mac "))
      pj += e;
  return pj * 1e-12;
}

double accuracyOf(const HostTensor &logits, const HostTensor &labels,
                  std::string &error) {
  int64_t correct = 0;
  error = tensorio::top1Correct(logits, labels, correct);
  return error.empty() ? double(correct) / double(logits.shape[0]) : 0.0;
}
} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  registerPassManagerCLOptions();
  registerMLIRContextCLOptions();
  registerAsmPrinterCLOptions();
  kite::hideBackendOptions({&category});
  cl::ParseCommandLineOptions(
      argc, argv,
      "kitec: compile a model to a Kite binary in one command\n\n"
      "  kitec model.onnx --calib calib.npy [--target t.json] "
      "[--eval x.npy --labels y.npy]\n        -o model.kbin --report "
      "report.json\n");
  auto started = std::chrono::steady_clock::now();
  if (emit != "mlir" && emit != "kasm" && emit != "kbin")
    return fail("--emit must be mlir, kasm or kbin");
  if (calibPath.empty())
    return fail("--calib <calibration inputs .npy> is required");
  if (!evalPath.empty() != !labelsPath.empty())
    return fail("--eval and --labels go together");
  if (appmul.getNumOccurrences() && calibLabelsPath.empty())
    return fail("--appmul needs --calib-labels");
  if (!appmul.getNumOccurrences() &&
      (appmulScreen || appmulLossBudget.getNumOccurrences()))
    return fail("--appmul-screen and --appmul-loss-budget need --appmul");
  if (batchSize < 1)
    return fail("--batch-size must be >= 1");
  if (calibrationMethod != "mse" && calibrationMethod != "percentile" &&
      calibrationMethod != "minmax")
    return fail("--calibration-method must be mse, percentile or minmax, "
                "got '" +
                calibrationMethod + "'");
  if (!(percentile > 0 && percentile <= 100))
    return fail("--percentile must be in (0, 100]");
  if (weightBitBudget.getNumOccurrences() &&
      !(weightBitBudget >= 2 && weightBitBudget <= 8))
    return fail("--weight-bits takes an average width in [2, 8]");
  if (!(appmulLossBudget > 0) || !std::isfinite(appmulLossBudget))
    return fail("--appmul-loss-budget must be positive and finite");
  if (!(lpFallback >= 0 && lpFallback <= 1))
    return fail("--lp-fallback must be a fraction in [0, 1]");

  DialectRegistry registry;
  registry.insert<arith::ArithDialect, func::FuncDialect, linalg::LinalgDialect,
                  math::MathDialect, scf::SCFDialect, tensor::TensorDialect,
                  tosa::TosaDialect, KiteDialect, kiteisa::KiteIsaDialect>();
  MLIRContext ctx(registry);
  ctx.loadAllAvailableDialects();
  // A pass's error names its pass and the model; the whole module after it
  // helps nobody (--mlir-print-op-on-diagnostic asks for it).
  if (!cl::getRegisteredOptions()["mlir-print-op-on-diagnostic"]
           ->getNumOccurrences())
    ctx.printOpOnDiagnostic(false);
  llvm::SourceMgr sources;
  SourceMgrDiagnosticHandler diagnostics(sources, &ctx);
  // Ops imported from ONNX carry their node's name (a NameLoc around the
  // model's file): errors raised after import say which node they are
  // about, then go on to the handler above.
  ScopedDiagnosticHandler nodeNames(&ctx, [](Diagnostic &diag) {
    std::string node;
    diag.getLocation()->walk([&](Location loc) {
      if (auto name = dyn_cast<NameLoc>(loc)) {
        node = name.getName().str();
        return WalkResult::interrupt();
      }
      return WalkResult::advance();
    });
    if (!node.empty() && diag.getSeverity() == DiagnosticSeverity::Error &&
        !StringRef(diag.str()).contains("'" + node + "'"))
      diag << " (ONNX node '" << node << "')";
    return failure();
  });

  // Import.
  progress("reading " + modelPath);
  OwningOpRef<ModuleOp> module;
  if (llvm::StringRef(modelPath).ends_with(".onnx")) {
    auto file = llvm::MemoryBuffer::getFile(modelPath, /*IsText=*/false);
    if (!file)
      return fail("cannot read " + modelPath + ": " +
                  file.getError().message());
    OnnxImportOptions options;
    options.batchSize = batchSize;
    std::string error;
    if (!addInputSpecs(options, inputShapes, boundInputs, error))
      return fail(error);
    OwningOpRef<Operation *> imported =
        importOnnxBytes(&ctx, (*file)->getBuffer(), modelPath, options);
    if (!imported)
      return 1;
    module = OwningOpRef<ModuleOp>(cast<ModuleOp>(imported.release()));
  } else {
    if (!inputShapes.empty() || !boundInputs.empty())
      return fail("--input-shape and --bind-input apply to ONNX models");
    module = kite::parseModuleFile(modelPath, sources, &ctx);
    if (!module)
      return 1;
  }
  OwningOpRef<ModuleOp> floatModule = module->clone();

  // Compile to the quantized tensor level.
  double lpBudget = 0;
  if (lp.getNumOccurrences()) {
    lpBudget = 6.0;
    if ((!lp.empty() && llvm::StringRef(lp).getAsDouble(lpBudget)) ||
        !(lpBudget >= 2 && lpBudget <= 16))
      return fail("--lp takes an average-bit budget in [2, 16], got '" + lp +
                  "'");
  }
  // The requested compilation; baselines change the number format only.
  auto setOptions = [&](CompileOptions &options) {
    if (llvm::StringRef(targetName).ends_with(".json"))
      options.targetFile = targetName;
    else
      options.target = targetName;
    options.calibration = calibPath;
    options.bits = bits;
    options.calibrationMethod = calibrationMethod;
    options.percentile = percentile;
    options.lpFallback = lpFallback;
    if (!layerBits.empty())
      for (llvm::StringRef entry : llvm::split(layerBits, ','))
        options.layerBits.push_back(entry.str());
    options.weightBitBudget = weightBitBudget;
    options.lutSoftmax = !noLutSoftmax;
    options.lutUnary = !noLutUnary;
    options.lpBudget = lpBudget;
  };
  CompileOptions options;
  setOptions(options);
  PassTimes passTimes;
  std::optional<KiteAppMulSelectOptions> select;
  if (appmul.getNumOccurrences()) {
    select.emplace();
    select->calibration = calibPath;
    select->labels = calibLabelsPath;
    select->maxDrop = 0.01;
    select->lossBudget = appmulLossBudget;
    select->screen = appmulScreen;
    if ((!appmul.empty() &&
         llvm::StringRef(appmul).getAsDouble(select->maxDrop)) ||
        !(select->maxDrop >= 0 && select->maxDrop <= 1))
      return fail("--appmul takes an accuracy-drop limit in [0, 1], got '" +
                  appmul + "'");
  }
  // FAMES' per-layer candidates (predicted loss change, energy) go into the
  // report through the pass's estimate dump.
  llvm::SmallString<128> estimatesPath;
  if (select) {
    if (std::error_code ec = llvm::sys::fs::createTemporaryFile(
            "kitec-appmul", "json", estimatesPath))
      return fail("cannot create a temporary file: " + ec.message());
    select->dumpEstimates = std::string(estimatesPath);
  }
  llvm::scope_exit removeEstimates([&] {
    if (!estimatesPath.empty())
      llvm::sys::fs::remove(estimatesPath);
  });
  if (baselines && evalPath.empty())
    return fail("--baselines needs --eval and --labels");
  std::optional<KiteTasdOptions> decompose;
  std::optional<KiteTasderOptions> choose;
  if (tasd.getNumOccurrences()) {
    if (llvm::StringRef(tasd).contains(':')) {
      decompose.emplace();
      decompose->series = tasd;
      decompose->report = true;
    } else {
      if (calibLabelsPath.empty())
        return fail("--tasd without a series runs TASDER, which needs "
                    "--calib-labels");
      choose.emplace();
      choose->calibration = calibPath;
      choose->labels = calibLabelsPath;
      if ((!tasd.empty() &&
           llvm::StringRef(tasd).getAsDouble(choose->minAccuracy)) ||
          !(choose->minAccuracy >= 0 && choose->minAccuracy <= 1))
        return fail("--tasd takes a series (2:4+1:8) or a minimum relative "
                    "accuracy in [0, 1], got '" +
                    tasd + "'");
    }
  }
  std::optional<KiteTasdActivationsOptions> activations;
  if (tasdGeluThreshold.getNumOccurrences() &&
      !tasdActivations.getNumOccurrences())
    return fail("--tasd-gelu-threshold needs --tasd-activations");
  if (tasdActivations.getNumOccurrences()) {
    activations.emplace();
    if (!tasdActivations.empty())
      activations->pattern = tasdActivations;
    activations->geluThreshold_ = tasdGeluThreshold;
    activations->report = true;
  }
  if (failed(compileModule(ctx, *module, options, select ? &*select : nullptr,
                           decompose ? &*decompose : nullptr,
                           choose ? &*choose : nullptr,
                           activations ? &*activations : nullptr, passTimes)))
    return 1;

  func::FuncOp entry = module->lookupSymbol<func::FuncOp>("main");
  if (!entry)
    return fail("the model has no @main function");
  std::vector<Layer> layers;
  uint64_t lutBytes = 0;
  // A TASD chain (N:M terms accumulating into each other) runs as one layer
  // on the array: its row shows the series and the summed MACs.
  llvm::DenseMap<Value, size_t> macLayer;
  for (Operation &op : entry.getBody().front()) {
    layers.push_back(describe(&op));
    if (auto sm = dyn_cast<LutSoftmaxOp>(op))
      lutBytes += sm.getTables().bytes();
    if (auto lut = dyn_cast<LutOp>(op))
      lutBytes += uint64_t(lut.getTable().getNumElements());
    // A later N:M term of a TASD series (weights or activations) joins the
    // layer whose accumulator it continues.
    Value acc;
    bool term = false;
    if (auto mm = dyn_cast<MatmulOp>(op)) {
      acc = mm.getAcc();
      term = mm.getRhsSparsityAttr() || mm.getLhsSparsityAttr();
    } else if (auto conv = dyn_cast<Conv2DOp>(op)) {
      acc = conv.getAcc();
      term = conv.getFilterSparsityAttr() || conv.getInputSparsityAttr();
    } else {
      continue;
    }
    auto head = acc ? macLayer.find(acc) : macLayer.end();
    if (head != macLayer.end() && term) {
      llvm::json::Object &chain = layers[head->second].info;
      llvm::StringRef added = *layers.back().info.getString("sparsity");
      added.consume_front("A"); // "A2:4+1:8", not "A2:4+A1:8"
      chain["sparsity"] = (*chain.getString("sparsity") + "+" + added).str();
      chain["macs"] =
          *chain.getInteger("macs") + *layers.back().info.getInteger("macs");
      macLayer[op.getResult(0)] = head->second;
    } else {
      macLayer[op.getResult(0)] = layers.size() - 1;
    }
  }

  std::string outFile = outputPath;
  if (outFile.empty()) {
    llvm::SmallString<128> p(modelPath);
    llvm::sys::path::replace_extension(p, emit == "mlir" ? ".kite.mlir"
                                                         : "." + emit);
    outFile = std::string(llvm::sys::path::filename(p));
  }
  std::string error;
  auto output = openOutputFile(outFile, &error);
  if (!output)
    return fail(error);
  if (emit == "mlir") {
    module->print(output->os());
    output->keep();
    progress("wrote " + outFile);
    return 0;
  }

  // Lower and emit; instructions name the layer table's row of their op.
  for (auto [index, op] : llvm::enumerate(entry.getBody().front()))
    op.setAttr(kLayerAttrName,
               IntegerAttr::get(IntegerType::get(&ctx, 64), int64_t(index)));
  FailureOr<rt::Program> program = lowerModule(ctx, *module, passTimes);
  if (failed(program))
    return 1;
  std::vector<int64_t> instrLayer;
  for (auto p : module->getOps<kiteisa::ProgramOp>())
    for (Operation &op : p.getBody().front())
      if (!isa<kiteisa::DataOp, kiteisa::InputOp, kiteisa::OutputOp>(op)) {
        auto attr = op.getAttrOfType<IntegerAttr>(kLayerAttrName);
        instrLayer.push_back(attr ? attr.getInt() : -1);
      }
  if (emit == "kasm") {
    output->os() << rt::disassemble(*program);
  } else {
    std::vector<uint8_t> bytes = rt::encodeKbin(*program);
    output->os().write(reinterpret_cast<const char *>(bytes.data()),
                       bytes.size());
  }
  output->keep();
  double compileSeconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started)
          .count();
  progress(llvm::formatv("wrote {0} ({1} instructions, {2:f2} s)", outFile,
                         program->code.size(), compileSeconds));

  // Evaluate: the float model in the interpreter, the binary in the
  // simulator. Without evaluation data, cost one batch of calibration data.
  rt::Simulator sim(*program);
  sim.enableProfile(true);
  llvm::json::Object accuracy;
  llvm::json::Array baselineArray;
  if (!evalPath.empty()) {
    std::vector<HostTensor> x, y;
    if (!readTensors(evalPath, x, error) || !readTensors(labelsPath, y, error))
      return fail(error);
    progress("running the float model on " + evalPath + " (interpreter)");
    interp::Interpreter interpreter;
    interp::BatchedRun floatRun;
    auto floatEntry = floatModule->lookupSymbol<func::FuncOp>("main");
    if (failed(interp::runBatched(interpreter, floatEntry, x, true, floatRun,
                                  error)))
      return error.empty() ? 1 : fail(error);
    double floatAcc = accuracyOf(floatRun.outputs[0], y[0], error);
    if (!error.empty())
      return fail(error);
    progress("running " + outFile + " on " + evalPath + " (simulator)");
    std::vector<HostTensor> simOut;
    if (!rt::runOnHostTensors(sim, *program, x, true, simOut, error))
      return fail(error);
    double compiledAcc = accuracyOf(simOut[0], y[0], error);
    if (!error.empty())
      return fail(error);
    accuracy["float"] = floatAcc;
    accuracy["compiled"] = compiledAcc;
    accuracy["samples"] = int64_t(y[0].numElements());
    if (baselines) {
      // Uniform formats on the same target and data, so the value of the
      // chosen one is measurable.
      std::vector<std::pair<std::string, std::function<void(CompileOptions &)>>>
          variants = {
              {"int8",
               [](CompileOptions &o) {
                 o.bits = 8;
                 o.layerBits.clear();
                 o.weightBitBudget = 0;
               }},
              {"int4",
               [](CompileOptions &o) {
                 o.bits = 4;
                 o.layerBits.clear();
                 o.weightBitBudget = 0;
               }},
          };
      if (lpBudget > 0) {
        unsigned n = unsigned(std::lround(lpBudget));
        std::string format = std::to_string(n) + (n >= 5 ? ",1," : ",0,") +
                             std::to_string(n - 1);
        variants.push_back({"lp " + format, [format](CompileOptions &o) {
                              o.lpFormat = format;
                            }});
      }
      for (auto &[name, adjust] : variants) {
        progress("baseline " + name);
        CompileOptions o;
        setOptions(o);
        o.lpBudget = 0;
        adjust(o);
        OwningOpRef<ModuleOp> variant = floatModule->clone();
        PassTimes ignored;
        if (failed(compileModule(ctx, *variant, o, nullptr, nullptr, nullptr,
                                 nullptr, ignored)))
          return 1;
        FailureOr<rt::Program> p = lowerModule(ctx, *variant, ignored);
        if (failed(p))
          return 1;
        rt::Simulator baseSim(*p);
        std::vector<HostTensor> out;
        if (!rt::runOnHostTensors(baseSim, *p, x, true, out, error))
          return fail(error);
        double acc = accuracyOf(out[0], y[0], error);
        if (!error.empty())
          return fail(error);
        const rt::Stats &st = baseSim.stats();
        baselineArray.push_back(
            llvm::json::Object{{"name", name},
                               {"accuracy", acc},
                               {"cycles", st.cycles},
                               {"energy_j", st.energyJ()},
                               {"mac_energy_j", macEnergyJ(st)},
                               {"edp_js", st.edpJs(p->target)}});
      }
    }
  } else {
    std::vector<HostTensor> calib, out;
    if (!readTensors(calibPath, calib, error))
      return fail(error);
    for (HostTensor &t : calib) { // the first batch only
      int64_t rows = std::min<int64_t>(
          t.shape.empty() ? 1 : t.shape[0],
          program->inputs.empty() ? 1 : program->inputs[0].shape[0]);
      int64_t rowElems = t.numElements() / std::max<int64_t>(t.shape[0], 1);
      if (t.isFloat())
        t.floats.resize(size_t(rows * rowElems));
      else
        t.ints.resize(size_t(rows * rowElems));
      t.shape[0] = rows;
    }
    if (!rt::runOnHostTensors(sim, *program, calib, true, out, error))
      return fail(error);
  }

  // Report.
  const rt::Stats &stats = sim.stats();
  const rt::TargetParams &t = program->target;
  for (size_t k = 0; k < instrLayer.size(); ++k) {
    int64_t layer = instrLayer[k];
    if (layer < 0 || layer >= int64_t(layers.size()))
      continue;
    layers[size_t(layer)].cycles += sim.profile()[k].cycles;
    layers[size_t(layer)].energyPj += sim.profile()[k].energyPj;
    layers[size_t(layer)].hasInstructions = true;
    const rt::OpSpec *spec = rt::findOp(program->code[k].opcode);
    if (spec && spec->unit == rt::Unit::Host)
      layers[size_t(layer)].onHost = true;
  }
  // Host segments: every op that ran on the host, with its share of the
  // cycles (kitec --no-host refuses them).
  llvm::json::Array hostOps;
  int64_t hostCycles = 0;
  for (const Layer &l : layers)
    if (l.onHost) {
      hostCycles += l.cycles;
      hostOps.push_back(llvm::json::Object{
          {"op", *l.info.getString("op")},
          {"cycles", l.cycles},
          {"share",
           stats.cycles ? double(l.cycles) / double(stats.cycles) : 0.0}});
    }
  // Average operand width over the MAC layers (activation and weight
  // alike), plain and weighted by MACs.
  double bitsSum = 0, bitsWeighted = 0, macSum = 0;
  int64_t macLayers = 0;
  for (const Layer &l : layers) {
    const llvm::json::Array *b = l.info.getArray("bits");
    std::optional<int64_t> macs = l.info.getInteger("macs");
    if (!b || !macs || !l.hasInstructions)
      continue;
    double avg = (*(*b)[0].getAsInteger() + *(*b)[1].getAsInteger()) / 2.0;
    bitsSum += avg;
    bitsWeighted += avg * double(*macs);
    macSum += double(*macs);
    ++macLayers;
  }
  llvm::json::Array layerArray, passArray;
  llvm::outs() << llvm::formatv("{0,-18} {1,-26} {2,-12} {3,-10} {4,12} "
                                "{5,10} {6,10}\n",
                                "op", "result", "formats", "multiplier", "MACs",
                                "cycles", "energy uJ");
  for (auto [index, l] : llvm::enumerate(layers)) {
    if (!l.hasInstructions)
      continue;
    l.info["index"] = int64_t(index);
    if (l.onHost)
      l.info["host"] = true;
    if (std::optional<int64_t> perRun = l.info.getInteger("macs"))
      l.info["macs"] = *perRun * stats.runs; // totals over the runs, as cycles

    l.info["cycles"] = l.cycles;
    l.info["energy_j"] = l.energyPj * 1e-12;
    auto str = [&](llvm::StringRef key) {
      auto v = l.info.getString(key);
      return v ? v->str() : std::string("-");
    };
    std::optional<int64_t> macs = l.info.getInteger("macs");
    std::string formats =
        macs ? str("lhs_format") + "x" + str("rhs_format") : "-";
    llvm::outs() << llvm::formatv(
        "{0,-18} {1,-26} {2,-12} {3,-10} {4,12} {5,10} {6,10:f3}\n", str("op"),
        str("shape"), formats, macs ? str("multiplier") : "-",
        macs ? std::to_string(*macs) : "-", l.cycles, l.energyPj * 1e-6);
    layerArray.push_back(std::move(l.info));
  }
  for (auto &[name, seconds] : passTimes)
    passArray.push_back(
        llvm::json::Object{{"pass", name}, {"seconds", seconds}});
  llvm::outs() << llvm::formatv(
      "target {0}: {1} runs of batch {2}; cycles {3}, energy {4:e3} J, EDP "
      "{5:e3} J*s; LUT tables {6} bytes; compiled in {7:f2} s\n",
      t.name, stats.runs,
      program->inputs.empty() ? 1 : program->inputs[0].shape[0], stats.cycles,
      stats.energyJ(), stats.edpJs(t), lutBytes, compileSeconds);
  llvm::outs() << llvm::formatv(
      "host segments: {0} ops, {1} cycles ({2:f1}% of the cycles)\n",
      hostOps.size(), hostCycles,
      stats.cycles ? 100.0 * double(hostCycles) / double(stats.cycles) : 0.0);
  if (macLayers)
    llvm::outs() << llvm::formatv(
        "average operand bits: {0:f2} over {1} MAC layers ({2:f2} weighted "
        "by MACs)\n",
        bitsSum / double(macLayers), macLayers, bitsWeighted / macSum);
  if (!accuracy.empty())
    llvm::outs() << llvm::formatv(
        "top-1 accuracy: float {0:f4}, compiled {1:f4} ({2} samples)\n",
        *accuracy.getNumber("float"), *accuracy.getNumber("compiled"),
        *accuracy.getInteger("samples"));

  if (!baselineArray.empty()) {
    llvm::outs() << llvm::formatv("{0,-16} {1,8} {2,12} {3,14} {4,12}\n",
                                  "format", "top-1", "energy J", "MAC energy J",
                                  "EDP J*s");
    llvm::outs() << llvm::formatv(
        "{0,-16} {1,8:f4} {2,12:e3} {3,14:e3} {4,12:e3}\n", "compiled",
        *accuracy.getNumber("compiled"), stats.energyJ(), macEnergyJ(stats),
        stats.edpJs(t));
    for (const llvm::json::Value &v : baselineArray) {
      const llvm::json::Object &b = *v.getAsObject();
      llvm::outs() << llvm::formatv(
          "{0,-16} {1,8:f4} {2,12:e3} {3,14:e3} {4,12:e3}\n",
          *b.getString("name"), *b.getNumber("accuracy"),
          *b.getNumber("energy_j"), *b.getNumber("mac_energy_j"),
          *b.getNumber("edp_js"));
    }
  }

  if (!reportPath.empty()) {
    llvm::json::Object energy;
    for (const auto &[name, pj] : stats.energyPj)
      energy[name] = pj * 1e-12;
    llvm::json::Object report{
        {"model", modelPath},
        {"target", t.name},
        {"batch", program->inputs.empty() ? 1 : program->inputs[0].shape[0]},
        {"output", outFile},
        {"instructions", int64_t(program->code.size())},
        {"totals",
         llvm::json::Object{{"runs", stats.runs},
                            {"cycles", stats.cycles},
                            {"seconds", stats.seconds(t)},
                            {"energy_j", stats.energyJ()},
                            {"edp_js", stats.edpJs(t)},
                            {"macs", stats.macs},
                            {"dram_bytes", stats.dramBytes},
                            {"scratch_bytes", stats.scratchBytes},
                            {"utilisation", stats.utilisation(t)},
                            {"mac_energy_j", macEnergyJ(stats)},
                            {"energy_by_component_j", std::move(energy)}}},
        {"layers", std::move(layerArray)},
        {"lut_bytes", int64_t(lutBytes)},
        {"host",
         llvm::json::Object{
             {"ops", std::move(hostOps)},
             {"cycles", hostCycles},
             {"share", stats.cycles ? double(hostCycles) / double(stats.cycles)
                                    : 0.0}}},
        {"average_bits",
         llvm::json::Object{
             {"layers", macLayers ? bitsSum / double(macLayers) : 0.0},
             {"mac_weighted", macSum > 0 ? bitsWeighted / macSum : 0.0}}},
        {"compile_seconds", compileSeconds},
        {"passes", std::move(passArray)}};
    if (!accuracy.empty())
      report["accuracy"] = std::move(accuracy);
    if (!baselineArray.empty())
      report["baselines"] = std::move(baselineArray);
    if (!estimatesPath.empty()) {
      auto text = llvm::MemoryBuffer::getFile(estimatesPath);
      llvm::Expected<llvm::json::Value> estimates =
          text ? llvm::json::parse((*text)->getBuffer())
               : llvm::Expected<llvm::json::Value>(
                     llvm::errorCodeToError(text.getError()));
      if (!estimates)
        return fail("cannot read FAMES' estimates: " +
                    llvm::toString(estimates.takeError()));
      if (const llvm::json::Object *final =
              estimates->getAsObject()
                  ? estimates->getAsObject()->getObject("final")
                  : nullptr)
        llvm::outs() << llvm::formatv(
            "FAMES: loss change on the calibration data predicted {0:e2}, "
            "measured {1:e2}\n",
            final->getNumber("predicted_dloss").value_or(0),
            final->getNumber("measured_dloss").value_or(0));
      report["appmul"] = std::move(*estimates);
    }
    auto file = openOutputFile(reportPath, &error);
    if (!file)
      return fail(error);
    file->os() << llvm::formatv("{0:2}", llvm::json::Value(std::move(report)))
               << "\n";
    file->keep();
  }
  return 0;
}
