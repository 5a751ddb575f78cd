//===- Menus.cpp - what --optimize measures for each layer ----------------===//
//
// The search measures every option it offers, so the options are chosen
// with what each technique knows: FAMES's Taylor estimates rank a layer's
// multipliers, kite-lp-quantize fits its LP formats.
//
//===----------------------------------------------------------------------===//

#include "Kitec.h"

#include "mlir/IR/Threading.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <tuple>

using namespace mlir;
using namespace kite;
using namespace kite::kitec;

namespace {
/// The calibration rows FAMES's gradient pass reads (whole batches).
constexpr unsigned kFamesRows = 32;

struct Estimate {
  std::string name;
  double dloss = 0, energyPj = 0;
};

/// Up to `most` of `all` (the layer's cheaper-than-exact multipliers),
/// those no cheaper one beats on the estimate, spread over the energies.
std::vector<std::string> pick(std::vector<Estimate> all, size_t most) {
  llvm::sort(all, [](const Estimate &x, const Estimate &y) {
    return std::tie(x.energyPj, x.dloss, x.name) <
           std::tie(y.energyPj, y.dloss, y.name);
  });
  std::vector<const Estimate *> front;
  for (const Estimate &e : all)
    if (front.empty() || e.dloss < front.back()->dloss)
      front.push_back(&e);
  std::vector<std::string> names;
  for (size_t i = 0; i < std::min(most, front.size()); ++i) {
    size_t at = front.size() <= most ? i : i * (front.size() - 1) / (most - 1);
    names.push_back(front[at]->name);
  }
  return names;
}

/// Each layer of `plan` (compiled into `quantized`, exact and dense): its
/// multipliers ranked by FAMES (multiplierMenus); empty for layers that
/// are not integer.
FailureOr<std::vector<std::vector<std::string>>>
famesMenus(MLIRContext &ctx, ModuleOp quantized, const Plan &plan,
           const OptimizeOptions &opts,
           std::shared_ptr<const HostTensor> reference, size_t most) {
  KiteAppMulSelectOptions select;
  select.calibration = opts.calibPath;
  select.labels = opts.labelsPath;
  // Only the estimates are wanted: a knapsack the first check accepts.
  select.maxDrop = 1;
  select.refine = 0;
  // A ranking, not a choice: a third of the fixtures' calibration rows
  // ranks as well and costs a third of the gradient pass.
  select.calibrationSize =
      unsigned(std::min<int64_t>(kFamesRows, reference->shape[0]));
  SearchInputs inputs;
  if (opts.labelsPath.empty())
    inputs.reference = reference;
  inputs.estimates = std::make_shared<llvm::json::Object>();
  PassManager pm(&ctx);
  if (failed(applyPassManagerCLOptions(pm)))
    return failure();
  pm.addPass(createKiteAppMulSelect(select, inputs));
  if (failed(pm.run(quantized)))
    return failure();

  // FAMES's layers are the plan's integer layers, in order.
  std::vector<size_t> integer;
  for (auto [l, layer] : llvm::enumerate(plan.layers))
    if (layer.intWidths())
      integer.push_back(l);
  const llvm::json::Array *layers = inputs.estimates->getArray("layers");
  if (!layers || layers->size() != integer.size()) {
    fail("--optimize: FAMES's estimates cover " +
         std::to_string(layers ? layers->size() : 0) +
         " layers, the plan has " + std::to_string(integer.size()) +
         " integer layers");
    return failure();
  }
  std::vector<std::vector<std::string>> menus(plan.layers.size());
  for (auto [l, v] : llvm::zip(integer, *layers)) {
    const llvm::json::Array *cands = v.getAsObject()->getArray("candidates");
    double exactPj = 0;
    std::vector<Estimate> cheaper;
    for (const llvm::json::Value &c : *cands) {
      const llvm::json::Object &o = *c.getAsObject();
      Estimate e{o.getString("multiplier")->str(),
                 *o.getNumber("predicted_dloss"), *o.getNumber("energy_pj")};
      if (e.name == "exact")
        exactPj = e.energyPj;
      // Outside FAMES's trust region the estimate means little.
      else if (*o.getNumber("noise_to_signal") <= select.maxNoise)
        cheaper.push_back(e);
    }
    llvm::erase_if(cheaper,
                   [&](const Estimate &e) { return e.energyPj >= exactPj; });
    menus[l] = pick(std::move(cheaper), most);
  }
  return menus;
}

} // namespace

FailureOr<MultiplierMenus> kite::kitec::multiplierMenus(
    MLIRContext &ctx, const Plan &basePlan,
    const std::vector<SeriesAbility> &abilities, TargetAttr target,
    const OptimizeOptions &opts, std::shared_ptr<const HostTensor> reference,
    llvm::function_ref<FailureOr<OwningOpRef<ModuleOp>>(const Plan &)>
        quantized) {
  Plan narrow = basePlan;
  bool narrower = false;
  for (auto [l, layer] : llvm::enumerate(narrow.layers)) {
    std::optional<std::pair<unsigned, unsigned>> aw = layer.intWidths();
    if (aw && aw->second > 4 && abilities[l].weights &&
        target.supportsIntBits(4)) {
      layer.format = llvm::formatv("int{0}x4", aw->first).str();
      narrower = true;
    }
  }
  std::vector<const Plan *> plans{&basePlan};
  if (narrower)
    plans.push_back(&narrow);
  progress(narrower ? "optimize: FAMES's estimates at the base widths and "
                      "at 4-bit weights"
                    : "optimize: FAMES's estimates at the base widths");
  std::vector<std::vector<std::vector<std::string>>> perPlan(plans.size());
  if (failed(failableParallelForEachN(
          &ctx, 0, plans.size(), [&](size_t i) -> LogicalResult {
            FailureOr<OwningOpRef<ModuleOp>> module = quantized(*plans[i]);
            if (failed(module))
              return failure();
            FailureOr<std::vector<std::vector<std::string>>> perLayer =
                famesMenus(ctx, **module, *plans[i], opts, reference, 3);
            if (failed(perLayer))
              return failure();
            perPlan[i] = std::move(*perLayer);
            return success();
          })))
    return failure();
  MultiplierMenus menus;
  for (auto [plan, perLayer] : llvm::zip(plans, perPlan))
    for (auto [l, layer] : llvm::enumerate(plan->layers)) {
      std::optional<std::pair<unsigned, unsigned>> aw = layer.intWidths();
      if (!aw || (plan == &narrow && layer.format == basePlan.layers[l].format))
        continue;
      std::vector<std::vector<std::string>> &byLayer = menus[aw->second];
      byLayer.resize(plan->layers.size());
      byLayer[l] = perLayer[l];
    }
  return menus;
}

FailureOr<std::vector<std::string>>
kite::kitec::fittedLPFormats(MLIRContext &ctx, ModuleOp floatModule,
                             const CompileOptions &baseOptions, size_t layers,
                             TargetAttr target) {
  std::vector<std::string> formats(layers);
  if (!target.supportsLPBits(8))
    return formats;
  OwningOpRef<ModuleOp> lpModule = floatModule.clone();
  CompileOptions lpOptions;
  lpOptions.copyOptionValuesFrom(baseOptions);
  lpOptions.quantize = false;
  lpOptions.lpFallback = 0;
  lpOptions.lpLayerFormats = "-"; // the pass's defaults: auto
  lpOptions.report = false;
  if (failed(compileModule(ctx, *lpModule, lpOptions, ExtraPasses(), nullptr)))
    return failure();
  llvm::Expected<Plan> lpPlan = extractPlan(*lpModule);
  if (!lpPlan) {
    llvm::consumeError(lpPlan.takeError());
    return formats;
  }
  if (lpPlan->layers.size() == layers)
    for (auto [f, l] : llvm::zip(formats, lpPlan->layers))
      f = l.format;
  return formats;
}
