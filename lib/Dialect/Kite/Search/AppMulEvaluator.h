//===- AppMulEvaluator.h - score multiplier assignments ---------*- C++ -*-===//
//
// kite-appmul-select's one evaluator, shared by FAMES's verification, its
// improvement step, screening and the GA baseline (so their run counts and
// times compare): runs the model on the calibration data with one
// multiplier per layer, remembers every assignment's score, and restarts a
// run at the first layer whose multiplier differs from an assignment run
// before (PrefixCache). A pass/fail check stops at the first batch after
// which it can no longer pass.
//
//===----------------------------------------------------------------------===//

#ifndef KITE_DIALECT_KITE_SEARCH_APPMULEVALUATOR_H
#define KITE_DIALECT_KITE_SEARCH_APPMULEVALUATOR_H

#include "kite/Dialect/Kite/Search/PrefixCache.h"
#include "kite/Dialect/Kite/Search/Reference.h"

#include "mlir/IR/BuiltinOps.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace kite::appmul {

/// Loss and top-1 accuracy (or agreement, or cosine) of the outputs
/// against the reference, summed over calibration batches.
struct LossAndAccuracy {
  double loss = 0, correct = 0, rows = 0;

  /// Adds the fresh rows of batch `b`'s `logits`; what is wrong with the
  /// reference, or "" if nothing.
  std::string add(const interp::Tensor &logits, const Reference &y,
                  const CalibrationBatch &b);
  std::pair<double, double> mean() const {
    return {loss / rows, correct / rows};
  }
};

/// Mean loss and accuracy of one assignment on the calibration data.
/// A run stopped early (`samples` of them scored) holds the best the whole
/// run could still have reached: the least loss, the highest accuracy.
struct Score {
  double loss = 0, accuracy = 0;
  int64_t samples = 0;
  bool complete = true;
};

class Evaluator {
public:
  /// Runs @`entry` of `module` on `calibration` (the first `samples`
  /// inputs, 0: all), scoring against `y`, with `names[l][c]` in `ops[l]`
  /// for assignment c of layer l; keeps up to `cacheBytes` of prefix
  /// states. Errors name `pass`.
  Evaluator(mlir::ModuleOp module, const Reference &y, llvm::StringRef pass,
            const CalibrationData &calibration, llvm::StringRef entry,
            int64_t samples, std::vector<mlir::Operation *> ops,
            std::vector<std::vector<std::string>> names, size_t cacheBytes);

  /// The score of `choice` (a candidate index per layer): remembered, or
  /// measured by one run (counted in runs()). With `hopeless`, the run
  /// stops after the first batch after which the best score still
  /// possible (every loss is >= 0, every remaining sample at best right)
  /// satisfies it, and returns that bound, incomplete and not remembered:
  /// a pass/fail decision needs no more of the calibration data.
  mlir::FailureOr<Score>
  score(const std::vector<size_t> &choice,
        llvm::function_ref<bool(const Score &)> hopeless = nullptr);
  /// The score of `choice` if it was measured.
  std::optional<Score> known(const std::vector<size_t> &choice) const;
  /// Takes `s` as the score of `choice` (measured elsewhere: the exact
  /// multipliers' by FAMES's gradient pass).
  void remember(const std::vector<size_t> &choice, Score s) {
    scores[choice] = s;
  }
  /// Sets every layer's multiplier attribute to `choice`.
  void apply(const std::vector<size_t> &choice);
  int64_t runs() const { return runCount; }

private:
  mlir::ModuleOp module;
  const Reference &y;
  std::string pass;
  const CalibrationData &calibration;
  std::string entry;
  int64_t samples;
  std::vector<mlir::Operation *> ops;
  std::vector<std::vector<std::string>> names;
  PrefixCache cache;
  std::map<std::vector<size_t>, Score> scores;
  int64_t runCount = 0;
};

} // namespace kite::appmul

#endif // KITE_DIALECT_KITE_SEARCH_APPMULEVALUATOR_H
