//===- SimulatorCostModel.cpp - the simulator as a cost model -------------===//

#include "kite/CostModel/SimulatorCostModel.h"

#include "kite/Conversion/Passes.h"
#include "kite/Dialect/Kite/Search/CostModel.h"
#include "kite/Dialect/KiteIsa/IR/KiteIsa.h"
#include "kite/Dialect/KiteIsa/Transforms/Passes.h"
#include "kite/Runtime/Simulator.h"
#include "kite/Target/Kbin.h"

#include "mlir/Pass/PassManager.h"

using namespace mlir;
using namespace kite;

namespace {
class SimulatorCostModel : public CostModel {
public:
  FailureOr<ModelCost> measure(ModuleOp module, StringRef entry) const final {
    OwningOpRef<ModuleOp> copy = module.clone();
    PassManager pm(module.getContext());
    ConvertKiteToKiteIsaOptions lowering;
    lowering.entry = entry.str();
    pm.addPass(createConvertKiteToKiteIsa(lowering));
    pm.addNestedPass<kiteisa::ProgramOp>(kiteisa::createKiteIsaScheduleDma());
    if (failed(pm.run(*copy)))
      return failure();
    FailureOr<rt::Program> program = programFromModule(*copy);
    if (failed(program))
      return failure();
    std::vector<std::vector<uint8_t>> inputs, outputs;
    for (const rt::IoDesc &d : program->inputs)
      inputs.emplace_back(size_t(d.bytes()), 0);
    rt::Simulator sim(*program);
    std::string error;
    if (!sim.run(inputs, outputs, error))
      return module.emitError() << "simulator cost model: " << error;
    return ModelCost{sim.stats().energyJ(),
                     sim.stats().seconds(program->target)};
  }
};
} // namespace

void kite::registerSimulatorCostModel() {
  registerCostModel("simulator",
                    [] { return std::make_unique<SimulatorCostModel>(); });
}
