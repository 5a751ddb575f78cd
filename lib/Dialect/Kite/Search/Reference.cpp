//===- Reference.cpp - what the searches score against ------------------===//

#include "kite/Dialect/Kite/Search/Reference.h"
#include "kite/Dialect/Kite/Search/Calibration.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/Support/FormatVariadic.h"

using namespace mlir;
using namespace kite;

/// How a result of shape `shape` is scored: against labels if there are
/// any, else as logits when objective=kl or (auto) it is [rows, classes]
/// with two classes or more. One value per row (a wake-word head's score)
/// is a value: its only class always agrees.
static Reference::Kind kindOf(bool labels, StringRef objective,
                              ArrayRef<int64_t> shape) {
  if (labels)
    return Reference::Kind::Labels;
  bool logits = objective == "kl" ||
                (objective == "auto" && shape.size() == 2 && shape[1] > 1);
  return logits ? Reference::Kind::Logits : Reference::Kind::Values;
}

/// The spread of the reference values, which scales a one-value row's
/// error (1 if they are all the same).
static double rangeOf(ArrayRef<float> z) {
  if (z.empty())
    return 1;
  auto [lo, hi] = std::minmax_element(z.begin(), z.end());
  return *hi > *lo ? double(*hi) - double(*lo) : 1.0;
}

FailureOr<Reference> Reference::load(ModuleOp module, StringRef pass,
                                     StringRef entry, StringRef labels,
                                     StringRef reference, StringRef objective,
                                     const tensorio::HostTensor *given) {
  auto fail = [&](const Twine &message) {
    module.emitError() << pass << ": " << message;
    return failure();
  };
  if (labels.empty() == (reference.empty() && !given))
    return fail("needs either labels or reference outputs (labels= or "
                "reference=)");
  if (objective != "auto" && objective != "kl" && objective != "mse" &&
      objective != "cosine")
    return fail("objective must be auto, kl, mse or cosine, got '" + objective +
                "'");
  auto func = module.lookupSymbol<func::FuncOp>(entry);
  auto result = func && func.getNumResults()
                    ? dyn_cast<RankedTensorType>(func.getResultTypes()[0])
                    : RankedTensorType();
  if (!result || !result.hasStaticShape() || result.getRank() < 1 ||
      result.getDimSize(0) < 1)
    return fail("@" + entry + " must return a statically shaped tensor");
  Reference y;
  y.shape.assign(result.getShape().begin(), result.getShape().end());
  y.kind = kindOf(!labels.empty(), objective, y.shape);
  y.cosineLoss = y.kind == Kind::Values && objective == "cosine";
  if (y.kind != Kind::Values && result.getRank() != 2)
    return fail("labels and objective=kl need [rows, classes] logits");
  if (y.kind == Kind::Logits && y.shape[1] < 2)
    return fail("objective=kl needs two classes or more; this result has "
                "one value per row");
  MLIRContext *ctx = module.getContext();
  std::string error;
  bool useReference = y.kind != Kind::Labels;
  tensorio::HostTensor outputs;
  // Outputs given in memory are named as what they are.
  StringRef source = given ? StringRef("the float model's outputs") : reference;
  if (useReference && given)
    outputs = *given;
  if (useReference
          ? (!given && !tensorio::readNpy(reference.str(), outputs, &error)) ||
                !outputs.isFloat()
          : !tensorio::readNpy(labels.str(), y.labels, &error) ||
                y.labels.isFloat()) {
    emitFileError(ctx, useReference ? source : labels,
                  !error.empty() ? error
                  : useReference ? "reference outputs must be floats"
                                 : "labels must be integers");
    return failure();
  }
  y.z.assign(outputs.floats.begin(), outputs.floats.end());
  y.range = rangeOf(y.z);
  y.referenceRows = outputs.shape.empty() ? 0 : outputs.shape[0];
  for (auto [k, v] : llvm::enumerate(y.z))
    if (!std::isfinite(v)) {
      emitFileError(
          ctx, source,
          llvm::formatv("{0}: reference value {1} is not finite", pass, k)
              .str());
      return failure();
    }
  return y;
}

Reference Reference::ofOutputs(const interp::Tensor &outputs) {
  Reference y;
  y.shape.assign(outputs.shape.begin(), outputs.shape.end());
  y.kind = kindOf(false, "auto", y.shape);
  y.z = outputs.f;
  y.range = rangeOf(y.z);
  y.referenceRows = outputs.shape.empty() ? 0 : outputs.shape[0];
  return y;
}

const char *Reference::metric() const {
  switch (kind) {
  case Kind::Labels:
    return "top-1";
  case Kind::Logits:
    return "top-1 agreement";
  case Kind::Values:
    break;
  }
  return !shape.empty() && rowWidth() == 1 ? "1 - |error| / range"
                                           : "cosine similarity";
}
