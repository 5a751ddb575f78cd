//===- FoldConstants.cpp - ops on constants become constants --------------===//
//
// One folder for every op: an op whose operands are all constants is run by
// the reference interpreter (the kernels kite-run uses) and replaced by its
// result. No op needs a folder of its own, and what folds is exactly what
// the model would compute.
//
//===----------------------------------------------------------------------===//

#include "kite/Dialect/Kite/IR/Kite.h"
#include "kite/Dialect/Kite/Transforms/Passes.h"
#include "kite/Interpreter/Interpreter.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/ADT/SetVector.h"

namespace kite {
#define GEN_PASS_DEF_KITEFOLDCONSTANTS
#include "kite/dialects/Kite/Passes.h.inc"
} // namespace kite

using namespace mlir;
using namespace kite;

namespace {

/// Results larger than this stay computed: a constant of their size would
/// cost more in the binary than the op costs at run time.
constexpr int64_t kMaxFoldedElements = int64_t(1) << 24;

/// The constant `t` as an elements attribute of `type`, or null when the
/// element type has no builtin constant (LP codes keep their own folders).
DenseElementsAttr toAttr(const interp::Tensor &t, RankedTensorType type) {
  Type element = type.getElementType();
  if (element.isF32())
    return t.isFloat ? DenseElementsAttr::get(type, ArrayRef<float>(t.f))
                     : DenseElementsAttr();
  auto intType = dyn_cast<IntegerType>(element);
  if (!intType || t.isFloat)
    return {};
  unsigned width = intType.getWidth();
  SmallVector<APInt> values;
  values.reserve(t.i.size());
  for (int64_t v : t.i)
    values.push_back(width == 1 ? APInt(1, v != 0)
                                : APInt(width, uint64_t(v), /*isSigned=*/true,
                                        /*implicitTrunc=*/true));
  return DenseElementsAttr::get(type, values);
}

bool isConstant(Value v) {
  Operation *def = v.getDefiningOp();
  return def && def->hasTrait<OpTrait::ConstantLike>();
}

/// Whether `op` is a candidate: pure, no regions, constant operands and
/// static tensor results of foldable size.
bool foldable(Operation *op) {
  if (op->getNumResults() == 0 || op->getNumRegions() != 0 ||
      op->getNumOperands() == 0 || op->hasTrait<OpTrait::ConstantLike>() ||
      !isMemoryEffectFree(op) || !llvm::all_of(op->getOperands(), isConstant))
    return false;
  return llvm::all_of(op->getResultTypes(), [](Type t) {
    auto type = dyn_cast<RankedTensorType>(t);
    return type && type.hasStaticShape() &&
           type.getNumElements() <= kMaxFoldedElements;
  });
}

struct KiteFoldConstants
    : kite::impl::KiteFoldConstantsBase<KiteFoldConstants> {
  void runOnOperation() override {
    interp::Interpreter interpreter;
    SmallVector<Operation *> candidates;
    getOperation()->walk([&](Operation *op) {
      if (foldable(op))
        candidates.push_back(op);
    });
    // Folding an op can make its users candidates: walk until nothing
    // changes.
    while (!candidates.empty()) {
      SmallVector<Operation *> next;
      for (Operation *op : candidates) {
        // The users, read before the op (and its results) go away.
        SetVector<Operation *> users;
        for (Value r : op->getResults())
          users.insert(r.getUsers().begin(), r.getUsers().end());
        if (!fold(interpreter, op))
          continue;
        for (Operation *user : users)
          if (foldable(user) && !llvm::is_contained(next, user))
            next.push_back(user);
      }
      candidates = std::move(next);
    }
  }

  /// Replaces `op` by the constants it computes; false when it cannot.
  bool fold(interp::Interpreter &interpreter, Operation *op) {
    if (!foldable(op))
      return false;
    DenseMap<Value, interp::Tensor> values;
    // The interpreter reports why it cannot run an op; here that only
    // means the op stays.
    ScopedDiagnosticHandler silence(&getContext(),
                                    [](Diagnostic &) { return success(); });
    for (Value operand : op->getOperands())
      if (!values.count(operand) &&
          failed(interpreter.evaluate(*operand.getDefiningOp(), values)))
        return false;
    if (failed(interpreter.evaluate(*op, values)))
      return false;
    SmallVector<DenseElementsAttr> attrs;
    for (Value r : op->getResults()) {
      DenseElementsAttr attr =
          toAttr(values[r], cast<RankedTensorType>(r.getType()));
      if (!attr)
        return false;
      attrs.push_back(attr);
    }
    OpBuilder b(op);
    bool tosa = isa<tosa::TosaDialect>(op->getDialect());
    for (auto [r, attr] : llvm::zip(op->getResults(), attrs)) {
      Value c =
          tosa ? tosa::ConstOp::create(b, op->getLoc(), r.getType(), attr)
                     .getResult()
               : arith::ConstantOp::create(b, op->getLoc(), attr).getResult();
      r.replaceAllUsesWith(c);
    }
    op->erase();
    return true;
  }
};
} // namespace
