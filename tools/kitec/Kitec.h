//===- Kitec.h - the parts of kitec -------------------------*- C++ -*-===//
//
// kitec.cpp parses and checks the options and runs the steps in order;
// compiling and lowering (Compile.cpp), the per-layer table (Layers.cpp),
// evaluation (Evaluate.cpp), the joint search (Optimize.cpp, its per-layer
// options in Menus.cpp) and the report (Report.cpp) live apart.
//
//===----------------------------------------------------------------------===//

#ifndef KITE_TOOLS_KITEC_KITEC_H
#define KITE_TOOLS_KITEC_KITEC_H

#include "kite/Dialect/Kite/Search/Reference.h"
#include "kite/Dialect/Kite/Transforms/Passes.h"
#include "kite/Dialect/Kite/Transforms/Plan.h"
#include "kite/Pipelines/Pipelines.h"
#include "kite/Runtime/Simulator.h"
#include "kite/TensorIO/Npy.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/JSON.h"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace kite::kitec {

using tensorio::HostTensor;

/// Prints "kitec: <message>" on stderr and returns the exit status 1.
int fail(const llvm::Twine &message);
/// Prints "kitec: <message>" on stderr.
void progress(const llvm::Twine &message);

/// Seconds per pass, in the order they ran.
using PassTimes = std::vector<std::pair<std::string, double>>;

//===- Compile.cpp --------------------------------------------------------===//

/// The passes kitec adds after kite-compile (each optional).
struct ExtraPasses {
  const KiteAppMulSelectOptions *select = nullptr;
  const KiteTasdOptions *decompose = nullptr;
  const KiteTasderOptions *choose = nullptr;
  const KiteTasdActivationsOptions *activations = nullptr;
  const Plan *plan = nullptr; ///< kite-apply-plan's choices
  SearchInputs inputs;        ///< for kite-appmul-select and kite-tasder
};

/// The quantizers' options that give each layer `plan`'s format.
void setPlanOptions(CompileOptions &options, const Plan &plan);

/// Runs kite-compile and then `extra` on `module`; with `times`, says on
/// stderr which pass runs and times each.
mlir::LogicalResult compileModule(mlir::MLIRContext &ctx, mlir::ModuleOp module,
                                  const CompileOptions &options,
                                  const ExtraPasses &extra, PassTimes *times);

/// Says on stderr when the entry function's activations do not fit the
/// target's scratchpad at this batch (they spill to DRAM) and which batch
/// about fits.
void warnSpills(mlir::func::FuncOp entry, int64_t batch);

/// Lowers a compiled module to kite_isa and returns its program.
mlir::FailureOr<rt::Program> lowerModule(mlir::MLIRContext &ctx,
                                         mlir::ModuleOp module, bool host,
                                         PassTimes *times);

//===- Optimize.cpp -------------------------------------------------------===//

struct OptimizeOptions {
  std::string calibPath, labelsPath;
  std::string objective = "edp"; ///< edp, energy or latency
  double maxDrop = 0.01;         ///< largest calibration score drop
  int64_t localTries = 16;       ///< plans the local step may measure
};

/// kitec --optimize: each MAC layer's number format, multiplier and N:M
/// series under one score budget, measured in the simulator; sets the
/// chosen plan and the report's "optimize" object (front, baselines).
int optimize(mlir::MLIRContext &ctx, mlir::ModuleOp floatModule,
             const CompileOptions &base, bool host, const OptimizeOptions &opts,
             Plan &chosen, llvm::json::Object &report);

//===- Menus.cpp ----------------------------------------------------------===//

/// Per weight width, each layer's multipliers for --optimize to measure.
using MultiplierMenus =
    std::map<unsigned, std::vector<std::vector<std::string>>>;

/// The multipliers worth measuring for each layer, at its width in
/// `basePlan` and at 4-bit weights where it can take them (two-bit weights
/// leave a multiplier little to save and much to lose). FAMES's Taylor
/// estimate of each library multiplier's loss change ranks them
/// (kite-appmul-select's gradient pass over the first 32 calibration rows,
/// one per width, in parallel, against `reference` or the labels); kept
/// are those cheaper than exact, within FAMES's trust region and beaten by
/// no cheaper one, at most three, spread over the energies. `quantized` gives a
/// plan's kite-compile output.
mlir::FailureOr<MultiplierMenus> multiplierMenus(
    mlir::MLIRContext &ctx, const Plan &basePlan,
    const std::vector<SeriesAbility> &abilities, TargetAttr target,
    const OptimizeOptions &opts, std::shared_ptr<const HostTensor> reference,
    llvm::function_ref<
        mlir::FailureOr<mlir::OwningOpRef<mlir::ModuleOp>>(const Plan &)>
        quantized);

/// Each layer's LP option: the 8-bit formats kite-lp-quantize fits per
/// tensor (act-format=auto), from one compile with every layer on LP; ""
/// where there is none.
mlir::FailureOr<std::vector<std::string>>
fittedLPFormats(mlir::MLIRContext &ctx, mlir::ModuleOp floatModule,
                const CompileOptions &baseOptions, size_t layers,
                TargetAttr target);

//===- Layers.cpp ---------------------------------------------------------===//

/// One tensor-level op of the entry function and what its instructions
/// cost.
struct Layer {
  llvm::json::Object info;
  int64_t cycles = 0;
  double energyPj = 0;
  bool hasInstructions = false;
  bool onHost = false; ///< a host segment (an instruction of the host)
};

/// One row per op of `entry`; a TASD chain (N:M terms accumulating into
/// each other) is one row with the series and the summed MACs. Adds the
/// LUT tables' bytes to `lutBytes`.
std::vector<Layer> describeLayers(mlir::func::FuncOp entry, uint64_t &lutBytes);

/// Charges each instruction's profiled cycles and energy to the layer
/// `instrLayer` names for it.
void chargeLayers(std::vector<Layer> &layers,
                  const std::vector<int64_t> &instrLayer,
                  const rt::Simulator &sim, const rt::Program &program);

//===- Evaluate.cpp -------------------------------------------------------===//

/// MAC energy of a run: the "mac ..." components.
double macEnergyJ(const rt::Stats &stats);

/// Float (interpreter on `floatModule`) and compiled (`sim`) top-1
/// accuracy on x (read from `evalPath`) and `labels`, into `accuracy`.
int evaluate(mlir::ModuleOp floatModule, rt::Simulator &sim,
             const rt::Program &program, const std::vector<HostTensor> &x,
             const HostTensor &labels, llvm::StringRef evalPath,
             llvm::StringRef binaryPath, llvm::json::Object &accuracy);

/// The float model's first output on `x`, run in the interpreter after
/// saying `announce` on stderr.
int floatOutput(mlir::ModuleOp floatModule, const std::vector<HostTensor> &x,
                const llvm::Twine &announce, HostTensor &output);

/// One line unless `output` is a float tensor with rows, which is what
/// `who` ("--optimize compares with") reads.
int requireFloatRows(const HostTensor &output, const llvm::Twine &who);

/// A host tensor as the interpreter's f32 tensor, as a Reference scores it.
interp::Tensor floatTensor(mlir::MLIRContext &ctx, const HostTensor &t);

/// Means over rows of outputs compared with a reference (Reference::score
/// and softScore).
struct Scores {
  double loss = 0, score = 0, soft = 0;
};

/// `y`'s rows against `reference`'s rows; `who` starts the error line when
/// they do not match.
int scoreRows(mlir::MLIRContext &ctx, const Reference &reference,
              const HostTensor &y, llvm::StringRef who, Scores &scores);

/// Without labels: the binary's outputs on x against the float model's
/// (top-1 agreement for logits, else mean cosine similarity of the rows);
/// `accuracy` gets {metric, compiled, samples}, `reference` the float
/// outputs as a Reference.
int evaluateAgreement(mlir::MLIRContext &ctx, mlir::ModuleOp floatModule,
                      rt::Simulator &sim, const rt::Program &program,
                      const std::vector<HostTensor> &x,
                      llvm::StringRef evalPath, llvm::StringRef binaryPath,
                      llvm::json::Object &accuracy, Reference &reference);

/// Compiles, lowers and runs uniform INT8, INT4 and (when `lpBudget` is
/// set) uniform LP variants of `floatModule` with `base`'s other options,
/// each scored on x by top-1 against `labels` or, without labels (null),
/// by agreement with the float model's outputs (`reference`).
int runBaselines(mlir::MLIRContext &ctx, mlir::ModuleOp floatModule,
                 const CompileOptions &base, double lpBudget, bool host,
                 const std::vector<HostTensor> &x, const HostTensor *labels,
                 const Reference &reference, llvm::json::Array &out);

/// The float model's first output on the calibration inputs, for searches
/// without labels.
int referenceOutputs(mlir::ModuleOp floatModule, const std::string &calibPath,
                     HostTensor &outputs);

/// Costs the binary on the first batch of the calibration inputs.
int runCalibrationBatch(rt::Simulator &sim, const rt::Program &program,
                        const std::string &calibPath);

//===- Report.cpp ---------------------------------------------------------===//

struct ReportInputs {
  std::string modelPath, outFile, reportPath, htmlPath;
  std::shared_ptr<llvm::json::Object> estimates; ///< FAMES', with --appmul
  const rt::Program *program = nullptr;
  const rt::Stats *stats = nullptr;
  std::vector<Layer> *layers = nullptr;
  const PassTimes *passTimes = nullptr;
  llvm::json::Object accuracy;
  llvm::json::Array baselines;
  std::optional<llvm::json::Value> plan;      ///< this compile's choices
  std::optional<llvm::json::Object> optimize; ///< --optimize's search
  uint64_t lutBytes = 0;
  double compileSeconds = 0;
};

/// Prints the per-layer table and the summary on stdout and, with a
/// report path, writes the JSON report (docs/report.md).
int report(ReportInputs &in);

//===- HtmlReport.cpp -----------------------------------------------------===//

/// The JSON report `report` as one self-contained HTML page at `path`.
int writeHtmlReport(const llvm::json::Object &report, llvm::StringRef path);

} // namespace kite::kitec

#endif // KITE_TOOLS_KITEC_KITEC_H
