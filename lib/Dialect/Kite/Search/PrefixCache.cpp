//===- PrefixCache.cpp - re-run a model variant from its first change -----===//

#include "kite/Dialect/Kite/Search/PrefixCache.h"

using namespace mlir;
using namespace kite;
using interp::BlockRun;

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

size_t PrefixCache::resume(const BlockRun &run, ArrayRef<size_t> cuts,
                           function_ref<Key(size_t)> keyOf,
                           std::vector<interp::Tensor> &args,
                           DenseMap<Value, interp::Tensor> &values,
                           size_t &start, std::vector<double> *extras) {
  for (size_t k = cuts.size(); k-- > 0;)
    if (std::shared_ptr<const State> state = find(keyOf(k))) {
      restore(run, *state, values);
      if (extras)
        *extras = state->extras;
      start = cuts[k];
      return k + 1;
    }
  for (auto [arg, t] : llvm::zip(run.body().getArguments(), args))
    values[arg] = std::move(t);
  start = 0;
  return 0;
}
