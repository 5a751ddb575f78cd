//===- Passes.h - kite dialect passes ---------------------------*- C++ -*-===//

#ifndef KITE_DIALECT_KITE_TRANSFORMS_PASSES_H
#define KITE_DIALECT_KITE_TRANSFORMS_PASSES_H

#include "kite/Dialect/Kite/IR/Kite.h"
#include "kite/TensorIO/Npy.h"
#include "mlir/Pass/Pass.h"
#include "llvm/Support/JSON.h"

#include <memory>

namespace kite {
/// The guards' measurement on the op that runs: a LUT softmax's (or the
/// kite.softmax it left exact) agreement, mean_abs_error, rows, used; a
/// kite.lut's (or the float op it left in place) function,
/// mean_abs_error, values, used. kitec's report lists them.
constexpr llvm::StringLiteral kLutCheckAttrName = "kite.lut_check";

#define GEN_PASS_DECL
#include "kite/dialects/Kite/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "kite/dialects/Kite/Passes.h.inc"

/// What a driver (kitec) hands the searches in memory rather than through
/// files: the float model's outputs on the calibration inputs (instead of
/// `reference=`), and where FAMES puts its estimates (instead of
/// `dump-estimates=`).
struct SearchInputs {
  std::shared_ptr<const tensorio::HostTensor> reference;
  std::shared_ptr<llvm::json::Object> estimates;
};
std::unique_ptr<mlir::Pass>
createKiteAppMulSelect(const KiteAppMulSelectOptions &options,
                       SearchInputs inputs);
std::unique_ptr<mlir::Pass> createKiteTasder(const KiteTasderOptions &options,
                                             SearchInputs inputs);
} // namespace kite

#endif // KITE_DIALECT_KITE_TRANSFORMS_PASSES_H
