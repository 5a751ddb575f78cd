//===- ApplyPlan.cpp - a plan's multipliers and N:M series ----------------===//

#include "TasdRewrite.h"
#include "kite/Dialect/Kite/Transforms/Passes.h"
#include "kite/Dialect/Kite/Transforms/Plan.h"
#include "kite/Numerics/Multipliers.h"
#include "kite/Numerics/NMSelect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "llvm/Support/FormatVariadic.h"

namespace kite {
#define GEN_PASS_DEF_KITEAPPLYPLAN
#include "kite/dialects/Kite/Passes.h.inc"
} // namespace kite

using namespace mlir;
using namespace kite;
namespace nq = kite::numerics;

namespace {
struct ApplyPlanPass : kite::impl::KiteApplyPlanBase<ApplyPlanPass> {
  using KiteApplyPlanBase::KiteApplyPlanBase;
  /// A plan given in memory (the joint search's candidates), not by file.
  explicit ApplyPlanPass(Plan given) : given(std::move(given)) {}
  std::optional<Plan> given;

  /// Sets `op`'s multiplier to `name`, if the target has it and it is
  /// defined for the layer's integer widths.
  LogicalResult setMultiplier(Operation *op, const LayerPlan &l,
                              TargetAttr target) {
    if (l.multiplier == "exact")
      return success();
    std::optional<std::pair<unsigned, unsigned>> aw = l.intWidths();
    if (!aw)
      return op->emitError() << "kite-apply-plan: multiplier '" << l.multiplier
                             << "' on a " << l.format
                             << " layer: approximate multipliers are for "
                                "integer layers";
    if (!llvm::any_of(target.getMultipliers(), [&](Attribute m) {
          return cast<StringAttr>(m).getValue() == l.multiplier;
        }))
      return op->emitError() << "kite-apply-plan: target '" << target.getName()
                             << "' has no multiplier '" << l.multiplier << "'";
    std::string error;
    if (!nq::Multiplier::shared(l.multiplier, {aw->first, true},
                                {aw->second, true}, &error))
      return op->emitError() << "kite-apply-plan: multiplier '" << l.multiplier
                             << "' on " << l.format << ": " << error;
    auto mul = MultiplierAttr::get(op->getContext(), l.multiplier);
    if (auto mm = dyn_cast<MatmulOp>(op))
      mm.setMultiplierAttr(mul);
    else
      cast<Conv2DOp>(op).setMultiplierAttr(mul);
    return success();
  }

  /// Rewrites `op` into the plan's N:M series.
  LogicalResult setSparsity(Operation *op, const LayerPlan &l,
                            TargetAttr target) {
    llvm::StringRef text = l.sparsity;
    bool activations = text.consume_front("A");
    if (l.threshold && !activations)
      return op->emitError() << "kite-apply-plan: a threshold is for "
                                "activation series (A...), not '"
                             << l.sparsity << "'";
    if (l.sparsity == "dense")
      return success();
    std::string problem = seriesProblem(target, l.sparsity);
    if (!problem.empty())
      return op->emitError() << "kite-apply-plan: " << problem;
    FailureOr<tasd::Terms> terms = tasd::parseSeries(text);
    if (l.threshold > nq::kMaxSelectionThreshold)
      return op->emitError() << "kite-apply-plan: threshold " << l.threshold
                             << " is above " << nq::kMaxSelectionThreshold;
    if (activations) {
      if (!tasd::selectActivationsAt(op, *terms, l.threshold))
        return op->emitError()
               << "kite-apply-plan: " << l.sparsity
               << " selects activations at run time, which needs integer "
               << (l.threshold ? "GELU" : "ReLU")
               << " outputs and dense weights";
      return success();
    }
    if (!tasd::isDecomposable(op))
      return op->emitError() << "kite-apply-plan: " << l.sparsity
                             << " decomposes weights, which needs constant "
                                "integer weights";
    double residual;
    int64_t kept, nonzero;
    tasd::decompose(op, *terms, residual, kept, nonzero);
    return success();
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto fail = [&](const Twine &message) {
      module.emitError() << "kite-apply-plan: " << message;
      signalPassFailure();
    };
    if (!given && plan.empty())
      return fail("needs a plan (plan=<file.json>)");
    llvm::Expected<Plan> read =
        given ? llvm::Expected<Plan>(*given) : readPlan(plan);
    if (!read)
      return fail(llvm::toString(read.takeError()));
    TargetAttr target = requireTarget(module, "kite-apply-plan");
    if (!target)
      return signalPassFailure();

    // The module must be what the plan was made for before anything moves.
    SmallVector<Operation *> layers = macLayers(module);
    if (layers.size() != read->layers.size())
      return fail("the plan has " + Twine(read->layers.size()) +
                  " MAC layers, the module " + Twine(layers.size()));
    for (auto [i, op] : llvm::enumerate(layers)) {
      const LayerPlan &l = read->layers[i];
      llvm::Expected<std::string> format = planFormat(op);
      if (!format) {
        op->emitError() << "kite-apply-plan: layer " << i << ": "
                        << llvm::toString(format.takeError());
        return signalPassFailure();
      }
      if (op->getName().getStringRef() != l.op || *format != l.format) {
        op->emitError() << "kite-apply-plan: layer " << i << " is "
                        << op->getName() << " " << *format << ", the plan's "
                        << l.op << " " << l.format
                        << " (a plan is for the model it was written "
                           "from, quantized to its formats)";
        return signalPassFailure();
      }
      if (isa<MatmulOp>(op) ? cast<MatmulOp>(op).getMultiplierAttr()
                            : cast<Conv2DOp>(op).getMultiplierAttr()) {
        op->emitError() << "kite-apply-plan: layer " << i
                        << " already has a multiplier";
        return signalPassFailure();
      }
    }
    SmallVector<Operation *> softmax;
    module.walk([&](Operation *op) {
      if (isa<SoftmaxOp, LutSoftmaxOp>(op))
        softmax.push_back(op);
    });
    if (!read->softmax.empty() || !softmax.empty()) {
      if (softmax.size() != read->softmax.size())
        return fail("the plan has " + Twine(read->softmax.size()) +
                    " softmaxes, the module " + Twine(softmax.size()));
      for (auto [i, op] : llvm::enumerate(softmax))
        if ((read->softmax[i] == "lut") != isa<LutSoftmaxOp>(op)) {
          op->emitError() << "kite-apply-plan: softmax " << i << " runs "
                          << (isa<LutSoftmaxOp>(op) ? "on the LUT unit"
                                                    : "exact")
                          << ", the plan says " << read->softmax[i]
                          << " (calibration data other than the plan's?)";
          return signalPassFailure();
        }
    }

    for (auto [i, op] : llvm::enumerate(layers))
      if (failed(setMultiplier(op, read->layers[i], target)) ||
          failed(setSparsity(op, read->layers[i], target)))
        return signalPassFailure();
  }
};
} // namespace

std::unique_ptr<Pass> kite::createApplyPlanPass(Plan plan) {
  return std::make_unique<ApplyPlanPass>(std::move(plan));
}

std::string kite::seriesProblem(TargetAttr target, StringRef sparsity) {
  StringRef text = sparsity;
  bool activations = text.consume_front("A");
  if (sparsity == "dense")
    return "";
  FailureOr<tasd::Terms> terms = tasd::parseSeries(text);
  if (failed(terms))
    return ("bad sparsity '" + sparsity +
            "' (dense, N:M terms joined by '+', or A and those for "
            "activations)")
        .str();
  for (auto [n, m] : *terms)
    if (!target.supportsSparsity(NMAttr::get(target.getContext(), n, m)) ||
        (activations && !target.getActivationSparsity()))
      return llvm::formatv(
                 "target '{0}' does not run {1}:{2}{3}", target.getName(), n, m,
                 activations ? " activations selected at run time" : " weights")
          .str();
  return "";
}

std::vector<SeriesAbility> kite::seriesAbilities(ModuleOp module) {
  std::vector<SeriesAbility> abilities;
  for (Operation *op : macLayers(module))
    abilities.push_back({tasd::isDecomposable(op),
                         tasd::selectsActivations(op, /*geluThreshold=*/0)});
  return abilities;
}
