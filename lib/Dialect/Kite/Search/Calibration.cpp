//===- Calibration.cpp - run a module on calibration data -----------------===//

#include "kite/Dialect/Kite/Search/Calibration.h"

#include "kite/TensorIO/Npy.h"

#include "llvm/Support/FormatVariadic.h"

#include <cmath>

using namespace mlir;
using namespace kite;

/// The rows of `t` batch `b` holds, as an argument of `type`.
static interp::Tensor batchOf(const tensorio::HostTensor &t,
                              const CalibrationBatch &b,
                              RankedTensorType type) {
  interp::Tensor r = interp::tensorFromHost(t, b.first, b.fresh, type);
  for (int64_t k = b.fresh; k < type.getDimSize(0); ++k)
    interp::copyRowsFromHost(t, b.sample(k), 1, r, k);
  return r;
}

const CalibrationData *CalibrationFiles::load(MLIRContext *ctx, StringRef path,
                                              StringRef passName) {
  std::unique_ptr<CalibrationData> &slot = files[path];
  if (slot)
    return slot.get();
  auto data = std::make_unique<CalibrationData>();
  data->path = path.str();
  std::string error;
  if (!tensorio::readArrays(data->path, data->arrays, &error)) {
    emitFileError(ctx, path, error);
    return nullptr;
  }
  // One NaN would silently reset a range to its default, one inf stretch
  // it past every other value: neither calibrates anything.
  for (auto [k, t] : llvm::enumerate(data->arrays)) {
    auto bad =
        llvm::find_if(t.floats, [](double v) { return !std::isfinite(v); });
    if (bad == t.floats.end())
      continue;
    int64_t at = bad - t.floats.begin();
    int64_t perSample =
        t.shape.empty() ? 1
                        : std::max<int64_t>(1, t.numElements() / t.shape[0]);
    std::string array =
        data->arrays.size() > 1 ? llvm::formatv("array {0}, ", k).str() : "";
    emitFileError(ctx, path,
                  llvm::formatv("{0}: {1}sample {2} holds {3} (element "
                                "{4}); calibration data must be "
                                "finite",
                                passName, array, at / perSample,
                                std::isnan(*bad) ? "NaN"
                                : *bad > 0       ? "+inf"
                                                 : "-inf",
                                at % perSample)
                      .str());
    return nullptr;
  }
  slot = std::move(data);
  return slot.get();
}

LogicalResult kite::forEachCalibrationBatch(
    ModuleOp module, StringRef passName, const CalibrationData &data,
    StringRef entry,
    function_ref<LogicalResult(func::FuncOp, std::vector<interp::Tensor> &,
                               const CalibrationBatch &)>
        run,
    int64_t maxSamples) {
  auto func = module.lookupSymbol<func::FuncOp>(entry);
  if (!func)
    return module.emitError() << passName << ": no function @" << entry
                              << " to run the calibration data on";
  const std::vector<tensorio::HostTensor> &inputs = data.arrays;
  auto argTypes = func.getFunctionType().getInputs();
  if (inputs.size() != argTypes.size())
    return module.emitError()
           << passName << ": @" << entry << " takes " << argTypes.size()
           << " input(s), the calibration file has " << inputs.size();
  int64_t batch = 0, samples = 0;
  for (auto [t, type] : llvm::zip(inputs, argTypes)) {
    auto tt = dyn_cast<RankedTensorType>(type);
    if (!tt || !tt.hasStaticShape() || tt.getRank() == 0 ||
        t.shape.size() != size_t(tt.getRank()) ||
        ArrayRef<int64_t>(t.shape).drop_front() != tt.getShape().drop_front())
      return module.emitError()
             << passName << ": calibration data does not match @" << entry
             << "'s inputs (" << type << ")";
    batch = tt.getDimSize(0);
    samples = t.shape[0];
  }
  if (batch < 1)
    return module.emitError()
           << passName << ": @" << entry << " takes a batch of 0 samples";
  if (maxSamples > 0) {
    if (maxSamples > samples)
      return module.emitError()
             << passName << ": asked for " << maxSamples
             << " calibration samples, the file has " << samples;
    samples = maxSamples;
  }
  for (CalibrationBatch b{0, 0, samples}; b.first < samples; b.first += batch) {
    b.fresh = std::min(batch, samples - b.first);
    std::vector<interp::Tensor> args;
    for (auto [t, type] : llvm::zip(inputs, argTypes))
      args.push_back(batchOf(t, b, cast<RankedTensorType>(type)));
    if (failed(run(func, args, b)))
      return failure();
  }
  return success();
}

LogicalResult kite::runOnCalibrationData(
    ModuleOp module, StringRef passName, const CalibrationData &data,
    StringRef entry,
    function_ref<void(DenseMap<Value, interp::Tensor> &)> visit,
    int64_t maxSamples) {
  interp::Interpreter interpreter;
  return forEachCalibrationBatch(
      module, passName, data, entry,
      [&](func::FuncOp func, std::vector<interp::Tensor> &args,
          const CalibrationBatch &) {
        DenseMap<Value, interp::Tensor> values;
        if (failed(interpreter.runKeeping(func, args, values)))
          return failure();
        visit(values);
        return success();
      },
      maxSamples);
}

double kite::relativeSquaredError(ArrayRef<float> out,
                                  ArrayRef<float> reference) {
  double err = 0, norm = 0;
  for (size_t k = 0; k < out.size() && k < reference.size(); ++k) {
    double d = double(out[k]) - double(reference[k]);
    err += d * d;
    norm += double(reference[k]) * double(reference[k]);
  }
  return norm > 0 ? err / norm : err;
}

InFlightDiagnostic kite::emitFileError(MLIRContext *ctx, StringRef path,
                                       StringRef message) {
  std::string prefix = (path + ": ").str();
  message.consume_front(prefix);
  return emitError(FileLineColLoc::get(ctx, path, 0, 0)) << message;
}
