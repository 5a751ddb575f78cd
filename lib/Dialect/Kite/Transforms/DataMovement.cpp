//===- DataMovement.cpp - quantize before data movement -------------------===//

#include "kite/Dialect/Kite/Transforms/DataMovement.h"
#include "kite/Dialect/Kite/IR/Kite.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"

using namespace mlir;
using namespace kite;

/// Quantization commutes with data movement, so a transpose or reshape may
/// move the codes instead of the values. A max pool may too when the
/// quantization is monotone and the codes' signed order is the values'
/// order, so that a window's largest code is the code of its largest value
/// (NaNs aside): a signed integer format with one positive scale, or LP
/// words read as sign-extended i8 (kite.bitcast). The op before the moved
/// ones can then requantize as it produces its result.
void kite::quantizeBeforeDataMovement(ModuleOp module) {
  SmallVector<QuantizeOp> quantizes;
  module.walk([&](QuantizeOp q) { quantizes.push_back(q); });
  for (QuantizeOp q : quantizes) {
    IntFormatAttr format = q.getFormatAttr();
    auto lp = dyn_cast<LPType>(q.getType().getElementType());
    if (lp ? lp.getN() > 8 : !format || q.getScaleAttr().size() != 1)
      continue; // per channel: the channel axis would move
    bool monotone = lp || format.getIsSigned();
    // The ops from q's input up to the earliest transpose or pool, each
    // read by the next alone.
    SmallVector<Operation *> chain;
    size_t throughLastMove = 0;
    for (Value v = q.getInput(); v.hasOneUse();) {
      Operation *def = v.getDefiningOp();
      bool pool = isa_and_nonnull<tosa::MaxPool2dOp>(def);
      if (!isa_and_nonnull<tosa::ReshapeOp, tosa::TransposeOp>(def) &&
          !(pool && monotone))
        break;
      chain.push_back(def);
      if (!isa<tosa::ReshapeOp>(def))
        throughLastMove = chain.size();
      v = def->getOperand(0);
    }
    chain.resize(throughLastMove);
    if (chain.empty())
      continue;
    OpBuilder b(chain.back());
    Type code = lp ? b.getI8Type() : q.getType().getElementType();
    auto retype = [&](Operation *op, Value input, Type floatType) {
      op->setOperand(0, input);
      op->getResult(0).setType(cast<RankedTensorType>(floatType).clone(code));
      return op->getResult(0);
    };
    Value in = chain.back()->getOperand(0);
    auto inType = cast<RankedTensorType>(in.getType());
    Operation *moved = b.clone(*q);
    moved->setOperand(0, in);
    Value codes = moved->getResult(0);
    codes.setType(inType.clone(q.getType().getElementType()));
    if (lp)
      codes = BitcastOp::create(b, q.getLoc(), inType.clone(code), codes);
    for (Operation *op : llvm::reverse(chain))
      codes = retype(b.clone(*op), codes, op->getResult(0).getType());
    if (lp)
      codes = BitcastOp::create(b, q.getLoc(), q.getType(), codes);
    q.replaceAllUsesWith(codes);
    q.erase();
    for (Operation *op : chain)
      op->erase();
  }
}
