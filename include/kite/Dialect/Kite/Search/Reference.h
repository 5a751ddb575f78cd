//===- Reference.h - what the searches score against ----------*- C++ -*-===//
//
// The searches (kite-appmul-select, kite-tasder) measure a candidate on the
// calibration inputs against labels or, label-free, against the float
// model's own outputs. One definition of both, shared by the passes.
//
//===----------------------------------------------------------------------===//

#ifndef KITE_DIALECT_KITE_SEARCH_REFERENCE_H
#define KITE_DIALECT_KITE_SEARCH_REFERENCE_H

#include "kite/Dialect/Kite/Search/Calibration.h"
#include "kite/Interpreter/Interpreter.h"
#include "kite/TensorIO/Npy.h"

#include "mlir/IR/BuiltinOps.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

namespace kite {

/// What the calibration outputs are scored against: integer labels
/// (cross-entropy, top-1 accuracy) or, without labels, a float model's
/// outputs: logits (KL divergence, top-1 agreement with them) or other
/// values (mean squared error or cosine distance, mean cosine similarity
/// of each row; for one value per row, 1 - |error| / the reference's
/// range, as a cosine of one value says only its sign).
struct Reference {
  enum class Kind { Labels, Logits, Values };
  Kind kind = Kind::Labels;
  /// Values: the loss is 1 - each row's cosine (objective=cosine), not the
  /// mean squared error.
  bool cosineLoss = false;
  tensorio::HostTensor labels;
  /// The reference outputs in f32, as the interpreter computes, and how
  /// many rows they hold.
  std::vector<float> z;
  int64_t referenceRows = 0;
  /// max - min of `z` (1 if they are equal): a one-value row's error scale.
  double range = 1;
  /// The shape of the entry function's first result (rows first).
  llvm::SmallVector<int64_t> shape;

  /// Reads `labels` or, without them, the `reference` outputs for a pass
  /// whose `entry` function's first result is scored; `objective` (auto,
  /// kl, mse or cosine) says how a reference compares. Errors name `pass` and
  /// the file. `given`, if set, holds the reference outputs instead of the file
  /// `reference`.
  static mlir::FailureOr<Reference>
  load(mlir::ModuleOp module, llvm::StringRef pass, llvm::StringRef entry,
       llvm::StringRef labels, llvm::StringRef reference,
       llvm::StringRef objective, const tensorio::HostTensor *given = nullptr);

  /// A float model's outputs `outputs` ([rows, ...]) as the reference:
  /// logits when they are [rows, classes], else values (objective=auto).
  static Reference ofOutputs(const interp::Tensor &outputs);

  /// What a row's score is: "top-1", "top-1 agreement", "cosine
  /// similarity" or, for one value per row, "1 - |error| / range".
  const char *metric() const;
  /// Values per row of the result.
  int64_t rowWidth() const { return interp::numElements(shape) / shape[0]; }

  /// What is wrong with the rows from `begin` of a batch of `n` rows of
  /// `width` values each, or "" if nothing.
  std::string check(int64_t begin, int64_t n, int64_t width) const {
    if (kind != Kind::Labels) {
      if (referenceRows * width != int64_t(z.size()))
        return "the reference is not rows of the model's " +
               std::to_string(width) + " output values";
      return begin + n > referenceRows ? "fewer reference rows than inputs"
                                       : "";
    }
    if (size_t(begin + n) > labels.ints.size())
      return "fewer labels than inputs";
    for (int64_t r = begin; r < begin + n; ++r)
      if (labels.ints[size_t(r)] < 0 || labels.ints[size_t(r)] >= width)
        return "label " + std::to_string(labels.ints[size_t(r)]) +
               " of input " + std::to_string(r) + " is not one of the " +
               std::to_string(width) + " classes";
    return "";
  }
  /// The softmax probability `out`'s row `r` gives the class its score
  /// counts (the label, or the reference's top-1; calibration row `row`):
  /// unlike the top-1, it moves as a row's margin shrinks, before the row
  /// flips. For values, the score (a cosine).
  double softScore(const interp::Tensor &out, int64_t r, int64_t width,
                   int64_t row) const {
    const float *ref = z.data() + row * width;
    switch (kind) {
    case Kind::Labels:
      return std::exp(
          -interp::crossEntropyRow(out, r, width, labels.ints[size_t(row)]));
    case Kind::Logits:
      return std::exp(-interp::crossEntropyRow(
          out, r, width, std::max_element(ref, ref + width) - ref));
    case Kind::Values:
      break;
    }
    return score(out, r, width, row).second;
  }
  /// Loss and score (1 right, 0 wrong; a cosine for values) of `out`'s row
  /// `r`, calibration row `row`.
  std::pair<double, double> score(const interp::Tensor &out, int64_t r,
                                  int64_t width, int64_t row) const {
    const float *ref = z.data() + row * width;
    switch (kind) {
    case Kind::Labels: {
      int64_t label = labels.ints[size_t(row)];
      return {interp::crossEntropyRow(out, r, width, label),
              interp::argmaxRow(out, r, width) == label};
    }
    case Kind::Logits:
      return {interp::klDivergenceRow(out, r, width, ref),
              interp::argmaxRow(out, r, width) ==
                  std::max_element(ref, ref + width) - ref};
    case Kind::Values:
      break;
    }
    if (width == 1) {
      double q =
          out.isFloat ? double(out.f[size_t(r)]) : double(out.i[size_t(r)]);
      double error = std::fabs(q - ref[0]);
      double s = 1 - std::min(1.0, error / range);
      return {cosineLoss ? 1 - s : error * error, s};
    }
    double se = 0, dot = 0, nq = 0, np = 0;
    for (int64_t k = 0; k < width; ++k) {
      size_t at = size_t(r * width + k);
      double q = out.isFloat ? double(out.f[at]) : double(out.i[at]);
      se += (q - ref[k]) * (q - ref[k]);
      dot += q * ref[k];
      nq += q * q;
      np += double(ref[k]) * ref[k];
    }
    double cosine =
        nq > 0 && np > 0 ? dot / std::sqrt(nq * np) : double(nq == np);
    return {cosineLoss ? 1 - cosine : se / double(width), cosine};
  }
  /// The interpreter's loss for batch `b` (every row, repeats included).
  interp::Loss lossFor(const CalibrationBatch &b) const {
    int64_t rows = shape[0], width = rowWidth();
    if (kind == Kind::Labels) {
      interp::Loss loss{interp::Loss::Kind::CrossEntropy,
                        interp::Tensor::ints({rows})};
      for (int64_t r = 0; r < rows; ++r)
        loss.target.i[r] = labels.ints[size_t(b.sample(r))];
      return loss;
    }
    interp::Loss loss{kind == Kind::Logits ? interp::Loss::Kind::KL
                      : cosineLoss         ? interp::Loss::Kind::Cosine
                                           : interp::Loss::Kind::MSE,
                      interp::Tensor::floats(shape)};
    for (int64_t r = 0; r < rows; ++r)
      std::copy_n(z.begin() + b.sample(r) * width, width,
                  loss.target.f.begin() + r * width);
    return loss;
  }
};

} // namespace kite

#endif // KITE_DIALECT_KITE_SEARCH_REFERENCE_H
