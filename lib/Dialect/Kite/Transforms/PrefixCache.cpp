//===- PrefixCache.cpp - re-run a model variant from its first change -----===//

#include "kite/Dialect/Kite/Transforms/PrefixCache.h"

using namespace mlir;
using namespace kite;

BlockRun::BlockRun(Block &body) : block(&body) {
  for (Operation &op : body) {
    positions[&op] = ops.size();
    ops.push_back(&op);
  }
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

FailureOr<std::vector<interp::Tensor>> BlockRun::run(
    interp::Interpreter &interp, size_t start,
    DenseMap<Value, interp::Tensor> &values, ArrayRef<size_t> cuts,
    function_ref<void(size_t, DenseMap<Value, interp::Tensor> &)> atCut,
    function_ref<void(Operation *, DenseMap<Value, interp::Tensor> &)> afterOp)
    const {
  size_t nextCut = 0;
  while (nextCut < cuts.size() && cuts[nextCut] < start)
    ++nextCut;
  for (size_t at = start; at < ops.size(); ++at) {
    for (; nextCut < cuts.size() && cuts[nextCut] == at; ++nextCut)
      atCut(nextCut, values);
    Operation *op = ops[at];
    if (op->hasTrait<OpTrait::IsTerminator>()) {
      std::vector<interp::Tensor> results;
      for (Value v : op->getOperands())
        results.push_back(values.lookup(v));
      return results;
    }
    if (failed(interp.evaluate(*op, values, /*keep=*/false, dies[at])))
      return failure();
    afterOp(op, values);
    for (Value v : dies[at])
      values.erase(v);
  }
  return failure();
}

size_t PrefixCache::State::bytes() const {
  size_t total = extras.size() * sizeof(double);
  for (const auto &[slot, t] : values)
    total += t.f.size() * sizeof(float) + t.i.size() * sizeof(int64_t);
  return total;
}

std::shared_ptr<const PrefixCache::State> PrefixCache::find(const Key &key) {
  std::lock_guard<std::mutex> lock(mutex);
  ++lookupCount;
  auto it = entries.find(key);
  if (it == entries.end())
    return nullptr;
  ++hitCount;
  order.splice(order.begin(), order, it->second);
  return it->second->second;
}

void PrefixCache::insert(const Key &key, std::shared_ptr<const State> state) {
  size_t bytes = state->bytes();
  std::lock_guard<std::mutex> lock(mutex);
  if (bytes > budget || entries.count(key))
    return;
  order.emplace_front(key, std::move(state));
  entries[key] = order.begin();
  used += bytes;
  while (used > budget) {
    used -= order.back().second->bytes();
    entries.erase(order.back().first);
    order.pop_back();
  }
}

std::shared_ptr<PrefixCache::State>
PrefixCache::snapshot(const BlockRun &run,
                      const DenseMap<Value, interp::Tensor> &values,
                      std::vector<double> extras) {
  auto state = std::make_shared<State>();
  // Values a nested region left behind cannot be used past the cut.
  for (const auto &[value, tensor] : values)
    if (Value v = value; v.getParentBlock() == &run.body())
      state->values.emplace_back(run.slotOf(v), tensor);
  state->extras = std::move(extras);
  return state;
}

void PrefixCache::restore(const BlockRun &run, const State &state,
                          DenseMap<Value, interp::Tensor> &values) {
  for (const auto &[slot, tensor] : state.values)
    values[run.valueAt(slot)] = tensor;
}
