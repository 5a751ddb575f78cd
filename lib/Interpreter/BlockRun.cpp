//===- BlockRun.cpp - a block run op by op, from any op -------------------===//

#include "kite/Interpreter/BlockRun.h"

using namespace mlir;
using namespace kite::interp;

BlockRun::BlockRun(Block &body, bool keep) : block(&body), keep(keep) {
  for (Operation &op : body) {
    positions[&op] = ops.size();
    ops.push_back(&op);
  }
  if (keep)
    return;
  DenseMap<Value, size_t> lastUse;
  for (Value arg : body.getArguments())
    lastUse[arg] = 0;
  for (auto [at, op] : llvm::enumerate(ops)) {
    for (Value v : op->getResults())
      lastUse[v] = at; // unused results die at once
    op->walk([&](Operation *inner) {
      for (Value v : inner->getOperands())
        if (v.getParentBlock() == &body)
          lastUse[v] = std::max(lastUse[v], at);
    });
  }
  dies.resize(ops.size());
  for (auto [value, at] : lastUse)
    dies[at].push_back(value);
}

size_t BlockRun::position(Operation *op) const {
  Operation *top = block->findAncestorOpInBlock(*op);
  return positions.lookup(top);
}

BlockRun::Slot BlockRun::slotOf(Value v) const {
  if (auto arg = dyn_cast<BlockArgument>(v))
    return {kArgument, arg.getArgNumber()};
  auto result = cast<OpResult>(v);
  return {positions.lookup(result.getOwner()), result.getResultNumber()};
}

Value BlockRun::valueAt(Slot slot) const {
  if (slot.op == kArgument)
    return block->getArgument(slot.index);
  return ops[slot.op]->getResult(slot.index);
}

FailureOr<std::vector<Tensor>>
BlockRun::run(Interpreter &interp, size_t start, Values &values,
              ArrayRef<size_t> cuts, function_ref<void(size_t, Values &)> atCut,
              function_ref<void(Operation *, Values &)> afterOp) const {
  size_t nextCut = 0;
  while (nextCut < cuts.size() && cuts[nextCut] < start)
    ++nextCut;
  for (size_t at = start; at < ops.size(); ++at) {
    for (; nextCut < cuts.size() && cuts[nextCut] == at; ++nextCut)
      atCut(nextCut, values);
    Operation *op = ops[at];
    if (op->hasTrait<OpTrait::IsTerminator>()) {
      std::vector<Tensor> results;
      for (Value v : op->getOperands())
        results.push_back(values.lookup(v));
      return results;
    }
    ArrayRef<Value> dying =
        keep ? ArrayRef<Value>() : ArrayRef<Value>(dies[at]);
    if (failed(interp.evaluate(*op, values, keep, dying)))
      return failure();
    if (afterOp)
      afterOp(op, values);
    for (Value v : dying)
      values.erase(v);
  }
  return failure();
}
