//===- Evaluate.cpp - kitec's accuracy and cost runs ----------------------===//
//
// The float model in the interpreter, the binary in the simulator, and
// uniform-format baselines compiled the same way, on the same data.
//
//===----------------------------------------------------------------------===//

#include "Kitec.h"

#include "kite/Dialect/Kite/Search/Reference.h"
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

/// The binary's first output on x against the float model's (`reference`);
/// `who` starts the error line when the rows do not match.
int simAgreement(MLIRContext &ctx, rt::Simulator &sim,
                 const rt::Program &program, const std::vector<HostTensor> &x,
                 const Reference &reference, llvm::StringRef who,
                 Scores &scores) {
  std::string error;
  std::vector<HostTensor> out;
  if (!rt::runOnHostTensors(sim, program, x, true, out, error))
    return fail(error);
  return scoreRows(ctx, reference, out[0], who, scores);
}
} // namespace

int kite::kitec::floatOutput(ModuleOp floatModule,
                             const std::vector<HostTensor> &x,
                             const llvm::Twine &announce, HostTensor &output) {
  progress(announce);
  std::string error;
  interp::Interpreter interpreter;
  interp::BatchedRun run;
  auto entry = floatModule.lookupSymbol<func::FuncOp>("main");
  if (failed(interp::runBatched(interpreter, entry, x, true, run, error)))
    return error.empty() ? 1 : fail(error);
  output = std::move(run.outputs[0]);
  return 0;
}

int kite::kitec::requireFloatRows(const HostTensor &output,
                                  const llvm::Twine &who) {
  if (output.isFloat() && !output.shape.empty())
    return 0;
  return fail(who +
              " the float model's first output, which must be a float "
              "tensor with rows; this one is " +
              tensorio::shapeText(output.shape) +
              (output.isFloat() ? " of floats" : " of integers"));
}

interp::Tensor kite::kitec::floatTensor(MLIRContext &ctx, const HostTensor &t) {
  auto type = RankedTensorType::get(t.shape, Float32Type::get(&ctx));
  return interp::tensorFromHost(t, 0, t.shape.empty() ? 1 : t.shape[0], type);
}

int kite::kitec::scoreRows(MLIRContext &ctx, const Reference &reference,
                           const HostTensor &y, llvm::StringRef who,
                           Scores &scores) {
  int64_t rows = y.shape.empty() ? 1 : y.shape[0];
  int64_t width = y.numElements() / std::max<int64_t>(rows, 1);
  std::string bad = reference.check(0, rows, width);
  if (!bad.empty())
    return fail(who + ": " + bad);
  interp::Tensor t = floatTensor(ctx, y);
  scores = Scores();
  for (int64_t r = 0; r < rows; ++r) {
    auto [l, s] = reference.score(t, r, width, r);
    scores.loss += l;
    scores.score += s;
    scores.soft += reference.softScore(t, r, width, r);
  }
  scores.loss /= double(rows);
  scores.score /= double(rows);
  scores.soft /= double(rows);
  return 0;
}

int kite::kitec::evaluate(ModuleOp floatModule, rt::Simulator &sim,
                          const rt::Program &program,
                          const std::vector<HostTensor> &x,
                          const HostTensor &labels, llvm::StringRef evalPath,
                          llvm::StringRef binaryPath,
                          llvm::json::Object &accuracy) {
  HostTensor floatOut;
  if (int status = floatOutput(floatModule, x,
                               "running the float model on " + evalPath +
                                   " (interpreter)",
                               floatOut))
    return status;
  std::string error;
  double floatAcc = accuracyOf(floatOut, labels, error);
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

int kite::kitec::evaluateAgreement(
    MLIRContext &ctx, ModuleOp floatModule, rt::Simulator &sim,
    const rt::Program &program, const std::vector<HostTensor> &x,
    llvm::StringRef evalPath, llvm::StringRef binaryPath,
    llvm::json::Object &accuracy, Reference &reference) {
  HostTensor want;
  if (int status = floatOutput(
          floatModule, x,
          "running the float model on " + evalPath + " (interpreter)", want))
    return status;
  if (int status =
          requireFloatRows(want, "--eval without --labels compares with"))
    return status;
  progress("running " + binaryPath + " on " + evalPath + " (simulator)");
  reference = Reference::ofOutputs(floatTensor(ctx, want));
  Scores scores;
  if (int status =
          simAgreement(ctx, sim, program, x, reference, "--eval", scores))
    return status;
  accuracy["metric"] = reference.metric();
  accuracy["compiled"] = scores.score;
  accuracy["soft"] = scores.soft;
  accuracy["samples"] = want.shape[0];
  return 0;
}

int kite::kitec::runBaselines(MLIRContext &ctx, ModuleOp floatModule,
                              const CompileOptions &base, double lpBudget,
                              bool host, const std::vector<HostTensor> &x,
                              const HostTensor *labels,
                              const Reference &reference,
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
    llvm::json::Object row{{"name", name}};
    if (labels) {
      double acc = 0;
      if (int status = simAccuracy(sim, *p, x, *labels, acc))
        return status;
      row["accuracy"] = acc;
    } else {
      Scores scores;
      if (int status = simAgreement(ctx, sim, *p, x, reference,
                                    "baseline " + name, scores))
        return status;
      row["metric"] = reference.metric();
      row["score"] = scores.score;
    }
    const rt::Stats &st = sim.stats();
    row["cycles"] = st.cycles;
    row["energy_j"] = st.energyJ();
    row["mac_energy_j"] = macEnergyJ(st);
    row["edp_js"] = st.edpJs(p->target);
    out.push_back(std::move(row));
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
  if (int status = floatOutput(
          floatModule, calib,
          "running the float model on " + calibPath +
              " (the searches' reference, as no --calib-labels are given)",
          outputs))
    return status;
  return requireFloatRows(outputs,
                          "searches without --calib-labels compare with");
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
