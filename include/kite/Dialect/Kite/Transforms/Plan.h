//===- Plan.h - a compiled model's per-layer choices, as JSON ---*- C++ -*-===//
//
// A plan is what the searches chose for a model, layer by layer: each MAC
// layer's number format, multiplier and N:M series, and each softmax's
// unit. It is written from the compiled tensor-level IR (extractPlan) and
// read back by kite-apply-plan, so that a choice can be kept and
// recompiled without searching again. What the compile derives from the
// calibration data (scales, LP scale factors, LUT tables) is not in the
// plan: recompiling takes the same model and calibration inputs.
//
//   {"kite_plan": 1,
//    "layers": [{"op": "kite.conv2d", "format": "int8x4",
//                "multiplier": "trunc4", "sparsity": "2:4+1:8"},
//               {"op": "kite.matmul", "format": "lp8,1,5/6,1,5",
//                "multiplier": "exact", "sparsity": "A4:8", "threshold": 3}],
//    "softmax": ["lut", "exact"]}
//
// docs/report.md describes the fields.
//
//===----------------------------------------------------------------------===//

#ifndef KITE_DIALECT_KITE_TRANSFORMS_PLAN_H
#define KITE_DIALECT_KITE_TRANSFORMS_PLAN_H

#include "kite/Dialect/Kite/IR/Kite.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace kite {

/// One MAC layer's choices.
struct LayerPlan {
  std::string op;     ///< "kite.matmul" or "kite.conv2d"
  std::string format; ///< "int<A>x<W>" or "lp<n,es,rs>/<n,es,rs>" (act/weight)
  std::string multiplier = "exact";
  std::string sparsity = "dense"; ///< "dense", weights "2:4+1:8", "A4:8"
  unsigned threshold = 0; ///< activations' selection threshold (GELU codes)

  bool isLP() const { return llvm::StringRef(format).starts_with("lp"); }
  /// (A, W) of an "int<A>x<W>" format; nullopt for LP and malformed ones.
  std::optional<std::pair<unsigned, unsigned>> intWidths() const;
  bool operator==(const LayerPlan &o) const {
    return op == o.op && format == o.format && multiplier == o.multiplier &&
           sparsity == o.sparsity && threshold == o.threshold;
  }
};

struct Plan {
  std::vector<LayerPlan> layers;
  std::vector<std::string> softmax; ///< "lut" or "exact", in IR order
};

llvm::json::Value toJson(const Plan &plan);

/// A plan from JSON; the error names the field ("layers[2].format: ...").
llvm::Expected<Plan> planFromJson(const llvm::json::Value &value);

/// A plan from a file: a plan, or a kitec report holding one ("plan").
llvm::Expected<Plan> readPlan(llvm::StringRef path);

/// The MAC layers of `module` in IR order: matmuls and convolutions that
/// do not continue another's N:M series.
llvm::SmallVector<mlir::Operation *> macLayers(mlir::ModuleOp module);

/// `op`'s operand formats as a plan writes them ("int8x4", "lp8,1,5/8,1,5"),
/// or an error for other operands (float, mixed integer and LP).
llvm::Expected<std::string> planFormat(mlir::Operation *op);

/// The choices compiled into `module`.
llvm::Expected<Plan> extractPlan(mlir::ModuleOp module);

/// What the quantizers take to give each layer the plan's format:
/// kite-quantize's layer-bits ("AxW", or "f" for an LP layer, left
/// float) and kite-lp-quantize's layer-formats (the LP layers' formats).
void quantizerOptions(const Plan &plan, std::vector<std::string> &layerBits,
                      std::string &lpLayerFormats);

/// Which N:M series a MAC layer of a quantized module can take.
struct SeriesAbility {
  bool weights = false;     ///< TASD-W: constant integer weights
  bool activations = false; ///< TASD-A: integer ReLU outputs, dense weights
};
/// One per macLayers(module) entry.
std::vector<SeriesAbility> seriesAbilities(mlir::ModuleOp module);

/// What keeps `target` from running `sparsity` ("dense", "2:4+1:8",
/// "A4:8"), as one line, or "" if it runs it.
std::string seriesProblem(TargetAttr target, llvm::StringRef sparsity);

/// kite-apply-plan with `plan` given in memory instead of a file.
std::unique_ptr<mlir::Pass> createApplyPlanPass(Plan plan);

} // namespace kite

#endif // KITE_DIALECT_KITE_TRANSFORMS_PLAN_H
