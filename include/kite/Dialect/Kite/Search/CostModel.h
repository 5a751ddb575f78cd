//===- CostModel.h - what a candidate model costs on its target -*- C++ -*-===//
//
// The searches price candidates through one interface, with two models:
//  - "mac-table": each MAC layer's products at the target's energy per MAC
//    (rt::TargetParams::intMacPj / lpMacPj, the multiplier's relative
//    energy, N:M sparsity keeping N of M products) and their cycles on the
//    full array. MAC layers only, no lowering: microseconds per model.
//  - "simulator": the model lowered, scheduled and run on the target's
//    simulator: the whole model, data movement and vector work included.
// The IR libraries do not link the simulator: a tool that does registers
// it (kite/CostModel/SimulatorCostModel.h), and a search asked for it in a
// tool that did not gets an error naming the models there are.
//
//===----------------------------------------------------------------------===//

#ifndef KITE_DIALECT_KITE_SEARCH_COSTMODEL_H
#define KITE_DIALECT_KITE_SEARCH_COSTMODEL_H

#include "mlir/IR/BuiltinOps.h"

#include <functional>
#include <memory>
#include <string>

namespace kite {

/// What one run of a model costs.
struct ModelCost {
  double energyJ = 0, seconds = 0;
  double edpJs() const { return energyJ * seconds; }
};

class CostModel {
public:
  virtual ~CostModel();
  /// One run of @`entry` of `module` (kite dialect, on the module's
  /// #kite.target, kite-v1 without one). Errors are emitted on `module`.
  virtual mlir::FailureOr<ModelCost> measure(mlir::ModuleOp module,
                                             llvm::StringRef entry) const = 0;
};

using CostModelFactory = std::function<std::unique_ptr<CostModel>()>;

/// Makes `name` available to createCostModel (a later registration of the
/// same name replaces the earlier).
void registerCostModel(llvm::StringRef name, CostModelFactory make);

/// The model called `name`, or nullptr if no tool registered it.
/// "mac-table" is always there.
std::unique_ptr<CostModel> createCostModel(llvm::StringRef name);

/// The registered names, sorted and comma-separated, for error messages.
std::string costModelNames();

/// The energy of one MAC of `op` (kite.matmul or kite.conv2d) by the
/// target's table, in pJ, and the products it runs per run of the model.
struct MacCost {
  double pjPerMac = 0, macs = 0;
};
MacCost macCost(mlir::Operation *op);

} // namespace kite

#endif // KITE_DIALECT_KITE_SEARCH_COSTMODEL_H
