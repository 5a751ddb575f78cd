//===- Calibration.h - run a module on calibration data ---------*- C++ -*-===//
//
// Analyses that need the values a model computes (activation ranges, the
// rows a softmax sees, ...) run the entry function with the reference
// interpreter over a calibration file and visit every batch's values.
//
//===----------------------------------------------------------------------===//

#ifndef KITE_DIALECT_KITE_SEARCH_CALIBRATION_H
#define KITE_DIALECT_KITE_SEARCH_CALIBRATION_H

#include "kite/Interpreter/Interpreter.h"
#include "kite/TensorIO/Npy.h"

#include "mlir/Pass/AnalysisManager.h"
#include "llvm/ADT/StringMap.h"

namespace kite {

/// The calibration samples one run holds: row r is sample
/// (first + r) % total. A batch the samples do not fill (the last one, or
/// the only one when there are fewer samples than the batch) is completed
/// with samples from the start, which then count twice in statistics over
/// whole tensors; per-sample scores count the rows below `fresh` only.
struct CalibrationBatch {
  int64_t first = 0, fresh = 0, total = 0;
  int64_t sample(int64_t row) const { return (first + row) % total; }
};

/// The inputs in one calibration file (.npy: one input; .npz: one array
/// per input, in order), every value finite.
struct CalibrationData {
  std::string path;
  std::vector<tensorio::HostTensor> arrays;
};

/// An analysis of the module: the calibration files its passes read, each
/// read and checked once per pass-manager run (the quantizer, the LUT
/// fitters and every search of a pipeline share it). The files do not
/// depend on the IR, so no transformation invalidates it.
class CalibrationFiles {
public:
  explicit CalibrationFiles(mlir::Operation *) {}
  bool isInvalidated(const mlir::AnalysisManager::PreservedAnalyses &) {
    return false;
  }
  /// The data in `path`, read on first use; null after an error at that
  /// file naming `passName` if it cannot be read or holds a NaN or an
  /// infinity.
  const CalibrationData *load(mlir::MLIRContext *ctx, llvm::StringRef path,
                              llvm::StringRef passName);

private:
  llvm::StringMap<std::unique_ptr<CalibrationData>> files;
};

/// Calls `run(func, inputs, batch)` for each batch of `data`, in batches of
/// @`entry`'s leading dimension, over every sample (or the first
/// `maxSamples` if that is not 0). Errors are emitted on the module and
/// name the pass.
mlir::LogicalResult forEachCalibrationBatch(
    mlir::ModuleOp module, llvm::StringRef passName,
    const CalibrationData &data, llvm::StringRef entry,
    llvm::function_ref<mlir::LogicalResult(mlir::func::FuncOp,
                                           std::vector<interp::Tensor> &,
                                           const CalibrationBatch &)>
        run,
    int64_t maxSamples = 0);

/// Runs @`entry` of `module` on `data`, in batches of the function's
/// leading dimension (completed as forEachCalibrationBatch says; the first
/// `maxSamples` samples if that is not 0), calling `visit` with every value
/// of each run.
/// Errors are emitted on the module and name the pass.
mlir::LogicalResult runOnCalibrationData(
    mlir::ModuleOp module, llvm::StringRef passName,
    const CalibrationData &data, llvm::StringRef entry,
    llvm::function_ref<void(llvm::DenseMap<mlir::Value, interp::Tensor> &)>
        visit,
    int64_t maxSamples = 0);

/// An error in the data file `path` (calibration inputs, labels, a target
/// description), located at that file rather than at the module. `message`
/// may start with "<path>: " (TensorIO's errors do); that is dropped.
mlir::InFlightDiagnostic emitFileError(mlir::MLIRContext *ctx,
                                       llvm::StringRef path,
                                       llvm::StringRef message);

/// sum((out - reference)^2) / sum(reference^2) over the elements both
/// have (the plain sum when the reference is all zero): how far a
/// transformed model's outputs are from the original's.
double relativeSquaredError(llvm::ArrayRef<float> out,
                            llvm::ArrayRef<float> reference);

} // namespace kite

#endif // KITE_DIALECT_KITE_SEARCH_CALIBRATION_H
