//===- Tile.cpp - MAC tiles for the target --------------------------------===//

#include "kite/Conversion/Tiling.h"
#include "kite/Dialect/Kite/Transforms/Passes.h"

namespace kite {
#define GEN_PASS_DEF_KITETILE
#include "kite/dialects/Kite/Passes.h.inc"
} // namespace kite

using namespace mlir;
using namespace kite;

namespace {
struct Tile : kite::impl::KiteTileBase<Tile> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    TargetAttr target = requireTarget(module, "kite-tile");
    if (!target)
      return signalPassFailure();
    WalkResult result = module.walk([&](Operation *op) {
      std::optional<MacShape> shape = macShape(op, target);
      if (!shape)
        return WalkResult::advance();
      TileBudget budget = tileBudget(target, shape->n);
      auto tile = op->getAttrOfType<TileAttr>("tile");
      if (!tile || override) {
        op->setAttr("tile", defaultTile(&getContext(), budget, *shape));
        return WalkResult::advance();
      }
      if (std::optional<std::string> problem =
              tileProblem(budget, *shape, std::min(tile.getM(), shape->m),
                          std::min(tile.getK(), shape->k),
                          std::min(tile.getN(), shape->n))) {
        op->emitOpError() << "tile " << tile << " does not fit target '"
                          << target.getName() << "': " << *problem;
        return WalkResult::interrupt();
      }
      return WalkResult::advance();
    });
    if (result.wasInterrupted())
      signalPassFailure();
  }
};
} // namespace
