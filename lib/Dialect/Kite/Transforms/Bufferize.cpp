//===- Bufferize.cpp - memory plan of the entry function ------------------===//

#include "kite/Conversion/Bufferization.h"
#include "kite/Dialect/Kite/Transforms/Passes.h"

namespace kite {
#define GEN_PASS_DEF_KITEBUFFERIZE
#include "kite/dialects/Kite/Passes.h.inc"
} // namespace kite

using namespace mlir;
using namespace kite;

namespace {
struct Bufferize : kite::impl::KiteBufferizeBase<Bufferize> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    TargetAttr target = requireTarget(module, "kite-bufferize");
    if (!target)
      return signalPassFailure();
    auto func = module.lookupSymbol<func::FuncOp>(entry);
    if (!func) {
      module.emitError() << "kite-bufferize: no function @" << entry;
      return signalPassFailure();
    }
    FailureOr<BufferPlan> plan = planBuffers(func, target);
    if (failed(plan))
      return signalPassFailure();
    recordBuffers(func, *plan);
  }
};
} // namespace
