//===- SetTarget.cpp - attach #kite.target to the module ------------------===//

#include "kite/Dialect/Kite/Search/Calibration.h"
#include "kite/Dialect/Kite/Transforms/Passes.h"
#include "kite/Target/KnownTargets.h"
#include "kite/Target/TargetJson.h"

#include "llvm/ADT/StringExtras.h"

namespace kite {
#define GEN_PASS_DEF_KITESETTARGET
#include "kite/dialects/Kite/Passes.h.inc"
} // namespace kite

using namespace mlir;
using namespace kite;

namespace {
struct SetTargetPass : kite::impl::KiteSetTargetBase<SetTargetPass> {
  using KiteSetTargetBase::KiteSetTargetBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (module->hasAttr(kTargetAttrName) && !override)
      return markAllAnalysesPreserved();
    TargetAttr target;
    if (!file.empty()) {
      llvm::Expected<TargetAttr> loaded = loadTargetFile(&getContext(), file);
      if (!loaded) {
        emitFileError(&getContext(), file, llvm::toString(loaded.takeError()));
        return signalPassFailure();
      }
      target = *loaded;
    } else {
      target = getKnownTarget(&getContext(), targetName);
      if (!target) {
        module.emitError() << "unknown target '" << targetName
                           << "'; built-in targets: "
                           << llvm::join(getKnownTargetNames(), ", ");
        return signalPassFailure();
      }
    }
    module->setAttr(kTargetAttrName, target);
  }
};
} // namespace
