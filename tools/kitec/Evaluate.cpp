//===- Evaluate.cpp - kitec's accuracy and cost runs ----------------------===//
//
// The float model in the interpreter, the binary in the simulator, and
// uniform-format baselines compiled the same way, on the same data.
//
//===----------------------------------------------------------------------===//

#include "Kitec.h"

#include "kite/Dialect/Kite/Transforms/Reference.h"
#include "kite/Interpreter/Interpreter.h"
#include "kite/Runtime/HostRun.h"

#include <cmath>
#include <functional>

using namespace mlir;
using namespace kite;
using namespace kite::kitec;

double kite::kitec::macEnergyJ(const rt::Stats &stats) {
  double pj = 0;
  for (const auto &[name, e] : stats.energyPj)
    if (llvm::StringRef(name).starts_with("mac "))
      pj += e;
  return pj * 1e-12;
}

namespace {
double accuracyOf(const HostTensor &logits, const HostTensor &labels,
                  std::string &error) {
  int64_t correct = 0;
  error = tensorio::top1Correct(logits, labels, correct);
  return error.empty() ? double(correct) / double(logits.shape[0]) : 0.0;
}

/// Top-1 accuracy of the binary's first output on x against `labels`.
int simAccuracy(rt::Simulator &sim, const rt::Program &program,
                const std::vector<HostTensor> &x, const HostTensor &labels,
                double &accuracy) {
  std::string error;
  std::vector<HostTensor> out;
  if (!rt::runOnHostTensors(sim, program, x, true, out, error))
    return fail(error);
  accuracy = accuracyOf(out[0], labels, error);
  return error.empty() ? 0 : fail(error);
}
} // namespace

int kite::kitec::evaluate(ModuleOp floatModule, rt::Simulator &sim,
                          const rt::Program &program,
                          const std::vector<HostTensor> &x,
                          const HostTensor &labels, llvm::StringRef evalPath,
                          llvm::StringRef binaryPath,
                          llvm::json::Object &accuracy) {
  std::string error;
  progress("running the float model on " + evalPath + " (interpreter)");
  interp::Interpreter interpreter;
  interp::BatchedRun floatRun;
  auto floatEntry = floatModule.lookupSymbol<func::FuncOp>("main");
  if (failed(interp::runBatched(interpreter, floatEntry, x, true, floatRun,
                                error)))
    return error.empty() ? 1 : fail(error);
  double floatAcc = accuracyOf(floatRun.outputs[0], labels, error);
  if (!error.empty())
    return fail(error);
  progress("running " + binaryPath + " on " + evalPath + " (simulator)");
  double compiledAcc = 0;
  if (int status = simAccuracy(sim, program, x, labels, compiledAcc))
    return status;
  accuracy["float"] = floatAcc;
  accuracy["compiled"] = compiledAcc;
  accuracy["samples"] = int64_t(labels.numElements());
  return 0;
}

int kite::kitec::evaluateAgreement(MLIRContext &ctx, ModuleOp floatModule,
                                   rt::Simulator &sim,
                                   const rt::Program &program,
                                   const std::vector<HostTensor> &x,
                                   llvm::StringRef evalPath,
                                   llvm::StringRef binaryPath,
                                   llvm::json::Object &accuracy) {
  std::string error;
  progress("running the float model on " + evalPath + " (interpreter)");
  interp::Interpreter interpreter;
  interp::BatchedRun floatRun;
  auto floatEntry = floatModule.lookupSymbol<func::FuncOp>("main");
  if (failed(interp::runBatched(interpreter, floatEntry, x, true, floatRun,
                                error)))
    return error.empty() ? 1 : fail(error);
  const HostTensor &want = floatRun.outputs[0];
  if (!want.isFloat() || want.shape.empty())
    return fail("--eval without --labels compares with the float model's "
                "first output, which must be a float tensor with rows");
  progress("running " + binaryPath + " on " + evalPath + " (simulator)");
  std::vector<HostTensor> out;
  if (!rt::runOnHostTensors(sim, program, x, true, out, error))
    return fail(error);
  auto type = RankedTensorType::get(want.shape, Float32Type::get(&ctx));
  int64_t rows = want.shape[0], width = want.numElements() / rows;
  Reference reference =
      Reference::ofOutputs(interp::tensorFromHost(want, 0, rows, type));
  interp::Tensor got = interp::tensorFromHost(out[0], 0, rows, type);
  double score = 0;
  for (int64_t r = 0; r < rows; ++r)
    score += reference.score(got, r, width, r).second;
  accuracy["metric"] = reference.metric();
  accuracy["compiled"] = score / double(rows);
  accuracy["samples"] = rows;
  return 0;
}

int kite::kitec::runBaselines(MLIRContext &ctx, ModuleOp floatModule,
                              const CompileOptions &base, double lpBudget,
                              bool host, const std::vector<HostTensor> &x,
                              const HostTensor &labels,
                              llvm::json::Array &out) {
  // Uniform formats on the same target and data, so the value of the
  // chosen one is measurable.
  auto uniform = [](unsigned bits) {
    return [bits](CompileOptions &o) {
      o.bits = bits;
      o.layerBits.clear();
      o.weightBitBudget = 0;
      o.lpLayerFormats = ""; // a plan's LP layers
      o.quantize = true;
    };
  };
  std::vector<std::pair<std::string, std::function<void(CompileOptions &)>>>
      variants = {{"int8", uniform(8)}, {"int4", uniform(4)}};
  if (lpBudget > 0) {
    unsigned n = unsigned(std::lround(lpBudget));
    std::string format =
        std::to_string(n) + (n >= 5 ? ",1," : ",0,") + std::to_string(n - 1);
    variants.push_back(
        {"lp " + format, [format](CompileOptions &o) { o.lpFormat = format; }});
  }
  for (auto &[name, adjust] : variants) {
    progress("baseline " + name);
    CompileOptions o;
    o.copyOptionValuesFrom(base);
    o.lpBudget = 0;
    adjust(o);
    OwningOpRef<ModuleOp> variant = floatModule.clone();
    PassTimes ignored;
    if (failed(compileModule(ctx, *variant, o, ExtraPasses(), &ignored)))
      return 1;
    FailureOr<rt::Program> p = lowerModule(ctx, *variant, host, &ignored);
    if (failed(p))
      return 1;
    rt::Simulator sim(*p);
    double acc = 0;
    if (int status = simAccuracy(sim, *p, x, labels, acc))
      return status;
    const rt::Stats &st = sim.stats();
    out.push_back(llvm::json::Object{{"name", name},
                                     {"accuracy", acc},
                                     {"cycles", st.cycles},
                                     {"energy_j", st.energyJ()},
                                     {"mac_energy_j", macEnergyJ(st)},
                                     {"edp_js", st.edpJs(p->target)}});
  }
  return 0;
}

int kite::kitec::referenceOutputs(ModuleOp floatModule,
                                  const std::string &calibPath,
                                  HostTensor &outputs) {
  std::string error;
  std::vector<HostTensor> calib;
  if (!tensorio::readArrays(calibPath, calib, &error))
    return fail(error);
  progress("running the float model on " + calibPath +
           " (the searches' reference, as no --calib-labels are given)");
  interp::Interpreter interpreter;
  interp::BatchedRun run;
  auto entry = floatModule.lookupSymbol<func::FuncOp>("main");
  if (failed(interp::runBatched(interpreter, entry, calib, true, run, error)))
    return error.empty() ? 1 : fail(error);
  outputs = std::move(run.outputs[0]);
  if (!outputs.isFloat() || outputs.shape.empty())
    return fail("searches without --calib-labels compare with the float "
                "model's first output, which must be a float tensor with "
                "rows; this one is " +
                tensorio::shapeText(outputs.shape) + " of integers");
  return 0;
}

int kite::kitec::runCalibrationBatch(rt::Simulator &sim,
                                     const rt::Program &program,
                                     const std::string &calibPath) {
  std::string error;
  std::vector<HostTensor> calib, out;
  if (!tensorio::readArrays(calibPath, calib, &error))
    return fail(error);
  for (HostTensor &t : calib) { // the first batch only
    int64_t rows = std::min<int64_t>(
        t.shape.empty() ? 1 : t.shape[0],
        program.inputs.empty() ? 1 : program.inputs[0].shape[0]);
    int64_t rowElems = t.numElements() / std::max<int64_t>(t.shape[0], 1);
    if (t.isFloat())
      t.floats.resize(size_t(rows * rowElems));
    else
      t.ints.resize(size_t(rows * rowElems));
    t.shape[0] = rows;
  }
  if (!rt::runOnHostTensors(sim, program, calib, true, out, error))
    return fail(error);
  return 0;
}
