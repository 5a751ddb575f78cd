//===- kitec.cpp - one command from a model to a Kite binary --------------===//
//
// Imports an ONNX model (or reads tensor-level MLIR), runs kite-compile
// (target, raising, quantization, LUT softmax; optionally LPQ and FAMES),
// lowers to kite_isa and emits a .kbin. With evaluation data it runs the
// float model in the interpreter and the binary in the simulator and reports
// both accuracies; the report (docs/report.md) gives per-layer formats and
// costs, totals and compile time per pass. This file holds the options and
// the order of the steps; Kitec.h lists the files that do them.
//
//===----------------------------------------------------------------------===//

#include "Kitec.h"

#include "kite/Conversion/ImportOnnx/ImportOnnx.h"
#include "kite/Conversion/Passes.h"
#include "kite/CostModel/SimulatorCostModel.h"
#include "kite/Dialect/Kite/IR/Kite.h"
#include "kite/Dialect/Kite/Transforms/Passes.h"
#include "kite/Pipelines/Pipelines.h"
#include "kite/Support/Allocator.h"
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
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"

#include <chrono>

using namespace mlir;
using namespace kite;
using namespace kite::kitec;
namespace cl = llvm::cl;

static cl::OptionCategory category("kitec options");
static cl::opt<std::string> modelPath(cl::Positional,
                                      cl::desc("<model.onnx | model.mlir>"),
                                      cl::Required, cl::cat(category));
static cl::opt<std::string>
    calibPath("calib", cl::desc("Calibration inputs (.npy/.npz, required)"),
              cl::value_desc("file"), cl::cat(category));
static cl::opt<std::string>
    calibLabelsPath("calib-labels",
                    cl::desc("Labels of the calibration inputs (--appmul, "
                             "--tasd): the searches' accuracy; without them "
                             "they compare with the float model's outputs"),
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
    labelsPath("labels",
               cl::desc("Evaluation labels (.npy, with --eval); without "
                        "them the binary is scored against the float "
                        "model's outputs (top-1 agreement, or cosine)"),
               cl::value_desc("file"), cl::cat(category));
static cl::opt<std::string> outputPath("o", cl::desc("Output file"),
                                       cl::value_desc("file"),
                                       cl::cat(category));
static cl::opt<std::string> reportPath("report",
                                       cl::desc("Write the JSON report"),
                                       cl::value_desc("file"),
                                       cl::cat(category));
static cl::opt<std::string> htmlReportPath(
    "report-html",
    cl::desc("Write the report as one self-contained HTML page: the "
             "--optimize front, energy by unit, the per-layer table"),
    cl::value_desc("file"), cl::cat(category));
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
    cl::desc(
        "FAMES' bound on the loss increase, in the loss's units: "
        "the knapsack's budget on the summed estimates, halved until "
        "the measured increase and the --appmul accuracy drop hold on "
        "the calibration data, then refined by bisection (default: 0.05 "
        "nats with labels or logits; without labels on other outputs, 0.05 "
        "or the INT8 model's own mean squared error from the float one "
        "if larger)"),
    cl::init(-1), cl::value_desc("loss"), cl::cat(category));
static cl::opt<bool> appmulScreen(
    "appmul-screen",
    cl::desc("FAMES runs each multiplier it picks alone once and uses the "
             "measured loss change in place of the Taylor estimate (catches "
             "estimates that miss by orders of magnitude; more model runs)"),
    cl::cat(category));
static cl::opt<int> appmulImproveRuns(
    "appmul-improve-runs",
    cl::desc("After FAMES's knapsack, at most this many model runs that each "
             "try one layer on a cheaper multiplier and keep it if the "
             "--appmul limits hold on the calibration data (0: none; "
             "default: two per layer, at least 18; more runs save more "
             "energy and fit the calibration data closer)"),
    cl::init(-1), cl::value_desc("runs"), cl::cat(category));
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
                    "largest calibration top-1 drop (default 0.01; without "
                    "--calib-labels, top-1 agreement with the float model)"),
           cl::ValueOptional, cl::value_desc("drop"), cl::cat(category));
static cl::opt<std::string>
    tasd("tasd",
         cl::desc("Structured-sparse decomposition of integer matmul and "
                  "convolution weights: "
                  "a series of N:M terms for every layer (kite-tasd, e.g. "
                  "2:4+1:8), or without a value / with a minimum relative "
                  "calibration accuracy (default 0.99) a per-layer choice by "
                  "TASDER (kite-tasder; without --calib-labels, "
                  "agreement with the float model)"),
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
static cl::opt<std::string> planPath(
    "plan",
    cl::desc("Compile with a plan's choices (each layer's format, "
             "multiplier and N:M series, each softmax's unit; a --save-plan "
             "file or a --report) "
             "instead of searching; same model and --calib as when it was "
             "written"),
    cl::value_desc("file"), cl::cat(category));
static cl::opt<std::string> optimizeObjective(
    "optimize",
    cl::desc("Choose every MAC layer's number format (integer widths, 8-bit "
             "LP), multiplier and N:M series and each softmax's unit "
             "together, measuring each candidate in the simulator: "
             "the least EDP (default), energy or latency within "
             "--max-drop; the Pareto front goes to the report"),
    cl::ValueOptional, cl::value_desc("edp|energy|latency"), cl::cat(category));
static cl::opt<double> maxDrop(
    "max-drop",
    cl::desc("--optimize's budget: the largest drop of the calibration "
             "score (top-1 agreement with the float model, or top-1 with "
             "--calib-labels) and of the soft score (the mean probability "
             "of the class the score counts); default 0.01"),
    cl::init(0.01), cl::value_desc("fraction"), cl::cat(category));
static cl::opt<std::string>
    savePlanPath("save-plan",
                 cl::desc("Write this compile's per-layer choices as a plan "
                          "(JSON, for --plan; the report holds it too)"),
                 cl::value_desc("file"), cl::cat(category));
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
/// Techniques that do not compose: one line naming the pair and why,
/// instead of a compile that silently leaves one of them out.
int checkPairs() {
  bool withLp = lp.getNumOccurrences(), withAppmul = appmul.getNumOccurrences(),
       withTasd = tasd.getNumOccurrences(),
       withTasdA = tasdActivations.getNumOccurrences(),
       withLayerBits = !layerBits.empty() || weightBitBudget > 0;
  struct Pair {
    bool both;
    const char *names, *why;
  } pairs[] = {
      {withLp && withAppmul, "--lp and --appmul",
       "approximate multipliers are for integer layers, and --lp makes every "
       "MAC layer LP"},
      {withLp && withTasd, "--lp and --tasd",
       "TASD decomposes integer weights, and --lp makes them LP"},
      {withLp && withTasdA, "--lp and --tasd-activations",
       "the run-time N:M selection reads integer activations, and --lp makes "
       "them LP"},
      {withLp && withLayerBits, "--lp and --layer-bits/--weight-bits",
       "those set integer widths, and --lp chooses an LP format per layer"},
      {withAppmul && withTasd, "--appmul and --tasd",
       "FAMES's gradient run does not cover N:M layers"},
      {withAppmul && withTasdA, "--appmul and --tasd-activations",
       "FAMES's gradient run does not cover N:M layers"},
      {withTasd && withTasdA, "--tasd and --tasd-activations",
       "a layer runs N:M weights (mma_nm) or run-time N:M activations "
       "(mma_act_nm), not both, and --tasd takes every layer it can"},
  };
  for (const Pair &p : pairs)
    if (p.both)
      return fail(llvm::Twine(p.names) + " do not combine: " + p.why);
  if (maxDrop.getNumOccurrences() && !optimizeObjective.getNumOccurrences())
    return fail("--max-drop needs --optimize");
  if (planPath.getNumOccurrences() && optimizeObjective.getNumOccurrences())
    return fail("--plan and --optimize do not combine: the plan is a choice "
                "made, --optimize makes one");
  for (const cl::Option *chooser :
       std::initializer_list<const cl::Option *>{&planPath, &optimizeObjective})
    for (const cl::Option *o : std::initializer_list<const cl::Option *>{
             &lp, &appmul, &tasd, &tasdActivations, &layerBits,
             &weightBitBudget, &bits, &lpFallback, &appmulLossBudget,
             &appmulScreen, &appmulImproveRuns, &tasdGeluThreshold})
      if (chooser->getNumOccurrences() && o->getNumOccurrences())
        return fail("--" + chooser->ArgStr + " and --" + o->ArgStr +
                    " do not combine: " +
                    (chooser == &planPath
                         ? "the plan fixes every layer's format, multiplier "
                           "and N:M series"
                         : "--optimize chooses every layer's number format, "
                           "multiplier and N:M series"));
  return 0;
}

/// One line for an option that cannot work, before anything runs.
int checkOptions() {
  if (emit != "mlir" && emit != "kasm" && emit != "kbin")
    return fail("--emit must be mlir, kasm or kbin");
  if (calibPath.empty())
    return fail("--calib <calibration inputs .npy> is required");
  if (evalPath.empty() && !labelsPath.empty())
    return fail("--labels needs --eval");
  if (!appmul.getNumOccurrences() &&
      (appmulScreen || appmulLossBudget.getNumOccurrences() ||
       appmulImproveRuns.getNumOccurrences()))
    return fail("--appmul-screen, --appmul-loss-budget and "
                "--appmul-improve-runs need --appmul");
  if (appmulImproveRuns.getNumOccurrences() && appmulImproveRuns < 0)
    return fail("--appmul-improve-runs must be >= 0");
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
  if (appmulLossBudget.getNumOccurrences() &&
      (!(appmulLossBudget > 0) || !std::isfinite(appmulLossBudget)))
    return fail("--appmul-loss-budget must be positive and finite");
  if (!(lpFallback >= 0 && lpFallback <= 1))
    return fail("--lp-fallback must be a fraction in [0, 1]");
  if (!optimizeObjective.empty() && optimizeObjective != "edp" &&
      optimizeObjective != "energy" && optimizeObjective != "latency")
    return fail("--optimize takes edp, energy or latency, got '" +
                optimizeObjective + "'");
  if (!(maxDrop >= 0 && maxDrop <= 1))
    return fail("--max-drop must be a fraction in [0, 1]");
  return checkPairs();
}

/// The model as tensor-level MLIR: an imported ONNX file or parsed MLIR.
OwningOpRef<ModuleOp> importModel(MLIRContext &ctx, llvm::SourceMgr &sources) {
  if (!llvm::StringRef(modelPath).ends_with(".onnx")) {
    if (!inputShapes.empty() || !boundInputs.empty()) {
      fail("--input-shape and --bind-input apply to ONNX models");
      return nullptr;
    }
    return kite::parseModuleFile(modelPath, sources, &ctx);
  }
  auto file = llvm::MemoryBuffer::getFile(modelPath, /*IsText=*/false);
  if (!file) {
    fail("cannot read " + modelPath + ": " + file.getError().message());
    return nullptr;
  }
  OnnxImportOptions options;
  options.batchSize = batchSize;
  std::string error;
  if (!addInputSpecs(options, inputShapes, boundInputs, error)) {
    fail(error);
    return nullptr;
  }
  OwningOpRef<Operation *> imported =
      importOnnxBytes(&ctx, (*file)->getBuffer(), modelPath, options);
  if (!imported)
    return nullptr;
  return OwningOpRef<ModuleOp>(cast<ModuleOp>(imported.release()));
}
/// The compilation the options ask for; with a plan, its formats.
void setCompileOptions(CompileOptions &options, double lpBudget,
                       const Plan *plan) {
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
  if (plan)
    setPlanOptions(options, *plan);
}

/// The passes kitec adds after kite-compile, as the options ask.
struct RequestedPasses {
  std::optional<KiteAppMulSelectOptions> select;
  std::optional<KiteTasdOptions> decompose;
  std::optional<KiteTasderOptions> choose;
  std::optional<KiteTasdActivationsOptions> activations;
  /// Without --calib-labels, the float model's outputs on the calibration
  /// inputs (what the searches compare with); FAMES' per-layer candidates
  /// (predicted loss change, energy) for the report.
  SearchInputs inputs;

  ExtraPasses passes() {
    ExtraPasses extra;
    extra.select = select ? &*select : nullptr;
    extra.decompose = decompose ? &*decompose : nullptr;
    extra.choose = choose ? &*choose : nullptr;
    extra.activations = activations ? &*activations : nullptr;
    extra.inputs = inputs;
    return extra;
  }
};

int requestPasses(RequestedPasses &r, ModuleOp floatModule) {
  bool tasder =
      tasd.getNumOccurrences() && !llvm::StringRef(tasd).contains(':');
  // Without labels the searches are label-free: they compare with the
  // float model's outputs (top-1 agreement with logits, FAMES's loss the
  // KL divergence; cosine similarity with other outputs, FAMES's loss the
  // squared error).
  if ((appmul.getNumOccurrences() || tasder) && calibLabelsPath.empty()) {
    auto outputs = std::make_shared<HostTensor>();
    if (int status = referenceOutputs(floatModule, calibPath, *outputs))
      return status;
    r.inputs.reference = std::move(outputs);
  }
  if (appmul.getNumOccurrences()) {
    r.select.emplace();
    r.select->calibration = calibPath;
    r.select->labels = calibLabelsPath;
    r.select->maxDrop = 0.01;
    r.select->lossBudget = appmulLossBudget;
    r.select->screen = appmulScreen;
    r.select->improveRuns = appmulImproveRuns;
    if ((!appmul.empty() &&
         llvm::StringRef(appmul).getAsDouble(r.select->maxDrop)) ||
        !(r.select->maxDrop >= 0 && r.select->maxDrop <= 1))
      return fail("--appmul takes an accuracy-drop limit in [0, 1], got '" +
                  appmul + "'");
  }
  if (r.select)
    r.inputs.estimates = std::make_shared<llvm::json::Object>();
  if (tasd.getNumOccurrences()) {
    if (llvm::StringRef(tasd).contains(':')) {
      r.decompose.emplace();
      r.decompose->series = tasd;
      r.decompose->report = true;
    } else {
      r.choose.emplace();
      r.choose->calibration = calibPath;
      r.choose->labels = calibLabelsPath;
      if ((!tasd.empty() &&
           llvm::StringRef(tasd).getAsDouble(r.choose->minAccuracy)) ||
          !(r.choose->minAccuracy >= 0 && r.choose->minAccuracy <= 1))
        return fail("--tasd takes a series (2:4+1:8) or a minimum relative "
                    "accuracy in [0, 1], got '" +
                    tasd + "'");
    }
  }
  if (tasdGeluThreshold.getNumOccurrences() &&
      !tasdActivations.getNumOccurrences())
    return fail("--tasd-gelu-threshold needs --tasd-activations");
  if (tasdActivations.getNumOccurrences()) {
    r.activations.emplace();
    if (!tasdActivations.empty())
      r.activations->pattern = tasdActivations;
    r.activations->geluThreshold_ = tasdGeluThreshold;
    r.activations->report = true;
  }
  return 0;
}
/// Ops imported from ONNX carry their node's name (a NameLoc around the
/// model's file): an error raised after import says which node it is
/// about, then goes on to the next handler.
LogicalResult nameOnnxNode(Diagnostic &diag) {
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
}

/// The plan to compile with, if any: read (--plan) or searched
/// (--optimize, which also sets the report's `optimized`).
int choosePlan(MLIRContext &ctx, ModuleOp floatModule,
               std::optional<Plan> &plan,
               std::optional<llvm::json::Object> &optimized) {
  if (planPath.getNumOccurrences()) {
    llvm::Expected<Plan> read = readPlan(planPath);
    if (!read)
      return fail(llvm::toString(read.takeError()));
    plan = std::move(*read);
  }
  if (!optimizeObjective.getNumOccurrences())
    return 0;
  OptimizeOptions o;
  o.calibPath = calibPath;
  o.labelsPath = calibLabelsPath;
  if (!optimizeObjective.empty())
    o.objective = optimizeObjective;
  o.maxDrop = maxDrop;
  CompileOptions base;
  setCompileOptions(base, 0, nullptr);
  Plan chosen;
  optimized.emplace();
  if (int status =
          optimize(ctx, floatModule, base, !noHost, o, chosen, *optimized))
    return status;
  plan = std::move(chosen);
  return 0;
}

/// With --eval, the float model and the binary on the evaluation inputs
/// (accuracy or agreement, and --baselines); without, one batch of
/// calibration data for the costs.
int evaluateOrCost(MLIRContext &ctx, ModuleOp floatModule, rt::Simulator &sim,
                   const rt::Program &program, const CompileOptions &options,
                   double lpBudget, const std::string &outFile,
                   ReportInputs &in) {
  std::string error;
  if (!evalPath.empty()) {
    std::vector<HostTensor> x, y;
    if (!tensorio::readArrays(evalPath, x, &error) ||
        (!labelsPath.empty() && !tensorio::readArrays(labelsPath, y, &error)))
      return fail(error);
    Reference reference;
    if (int status =
            labelsPath.empty()
                ? evaluateAgreement(ctx, floatModule, sim, program, x, evalPath,
                                    outFile, in.accuracy, reference)
                : evaluate(floatModule, sim, program, x, y[0], evalPath,
                           outFile, in.accuracy))
      return status;
    if (baselines)
      if (int status = runBaselines(
              ctx, floatModule, options, lpBudget, !noHost, x,
              labelsPath.empty() ? nullptr : &y[0], reference, in.baselines))
        return status;
  } else if (int status = runCalibrationBatch(sim, program, calibPath)) {
    return status;
  }
  return 0;
}

/// --lp's average-bit budget (0 without --lp).
int parseLpBudget(double &lpBudget) {
  if (lp.getNumOccurrences()) {
    lpBudget = 6.0;
    if ((!lp.empty() && llvm::StringRef(lp).getAsDouble(lpBudget)) ||
        !(lpBudget >= 2 && lpBudget <= 16))
      return fail("--lp takes an average-bit budget in [2, 16], got '" + lp +
                  "'");
  }
  return 0;
}
} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  kite::keepFreedMemory();
  kite::registerSimulatorCostModel();
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
  if (int status = checkOptions())
    return status;

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
  ScopedDiagnosticHandler nodeNames(&ctx, nameOnnxNode);

  progress("reading " + modelPath);
  OwningOpRef<ModuleOp> module = importModel(ctx, sources);
  if (!module)
    return 1;
  OwningOpRef<ModuleOp> floatModule = module->clone();

  // Compile to the quantized tensor level.
  double lpBudget = 0;
  if (int status = parseLpBudget(lpBudget))
    return status;
  // The requested compilation (runBaselines changes its number format).
  std::optional<Plan> plan;
  std::optional<llvm::json::Object> optimized;
  if (int status = choosePlan(ctx, *floatModule, plan, optimized))
    return status;
  CompileOptions options;
  setCompileOptions(options, lpBudget, plan ? &*plan : nullptr);
  PassTimes passTimes;
  if (baselines && evalPath.empty())
    return fail("--baselines needs --eval");
  RequestedPasses requested;
  if (int status = requestPasses(requested, *floatModule))
    return status;
  ExtraPasses extra = requested.passes();
  extra.plan = plan ? &*plan : nullptr;
  if (failed(compileModule(ctx, *module, options, extra, &passTimes)))
    return 1;

  func::FuncOp entry = module->lookupSymbol<func::FuncOp>("main");
  if (!entry)
    return fail("the model has no @main function");
  ReportInputs in;
  in.optimize = std::move(optimized);
  if (llvm::Expected<Plan> compiled = extractPlan(*module)) {
    in.plan = toJson(*compiled);
  } else {
    std::string why = llvm::toString(compiled.takeError());
    if (!savePlanPath.empty())
      return fail("cannot write a plan: " + why);
  }
  if (!savePlanPath.empty()) {
    std::string error;
    auto file = openOutputFile(savePlanPath, &error);
    if (!file)
      return fail(error);
    file->os() << llvm::formatv("{0:2}", *in.plan) << "\n";
    file->keep();
  }
  uint64_t lutBytes = 0;
  std::vector<Layer> layers = describeLayers(entry, lutBytes);

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
  warnSpills(entry, batchSize);
  for (auto [index, op] : llvm::enumerate(entry.getBody().front()))
    op.setAttr(kLayerAttrName,
               IntegerAttr::get(IntegerType::get(&ctx, 64), int64_t(index)));
  FailureOr<rt::Program> program =
      lowerModule(ctx, *module, !noHost, &passTimes);
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
  if (int status = evaluateOrCost(ctx, *floatModule, sim, *program, options,
                                  lpBudget, outFile, in))
    return status;

  chargeLayers(layers, instrLayer, sim, *program);
  in.modelPath = modelPath;
  in.outFile = outFile;
  in.reportPath = reportPath;
  in.htmlPath = htmlReportPath;
  in.estimates = requested.inputs.estimates;
  in.program = &*program;
  in.stats = &sim.stats();
  in.layers = &layers;
  in.passTimes = &passTimes;
  in.lutBytes = lutBytes;
  in.compileSeconds = compileSeconds;
  return report(in);
}
