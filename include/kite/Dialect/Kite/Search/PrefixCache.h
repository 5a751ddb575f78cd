//===- PrefixCache.h - values saved at a search's layer cuts -*- C++ -*-===//
//
// The searches score many variants of one model that differ layer by layer
// (LPQ: each layer's formats). A variant's values before its layer l depend
// only on its choices for the layers before l, so the values live there
// (the block's state at the cut before layer l) are saved once and
// restored by every later variant with the same earlier choices, which then
// runs only from its first different layer on.
//
//===----------------------------------------------------------------------===//

#ifndef KITE_DIALECT_KITE_SEARCH_PREFIXCACHE_H
#define KITE_DIALECT_KITE_SEARCH_PREFIXCACHE_H

#include "kite/Interpreter/BlockRun.h"

#include <cstdint>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

namespace kite {

/// Saved states, keyed by the choices before the cut (and the calibration
/// batch). Thread-safe; the least recently used states go first once their
/// tensors pass `budgetBytes`.
class PrefixCache {
public:
  struct State {
    std::vector<std::pair<interp::BlockRun::Slot, interp::Tensor>> values;
    /// What the evaluator derived before the cut (per-layer scores).
    std::vector<double> extras;
    size_t bytes() const;
  };
  using Key = std::vector<uint32_t>;

  explicit PrefixCache(size_t budgetBytes) : budget(budgetBytes) {}

  std::shared_ptr<const State> find(const Key &key);
  void insert(const Key &key, std::shared_ptr<const State> state);
  bool enabled() const { return budget > 0; }

  /// The state of `values` (all live at a cut) by slot.
  static std::shared_ptr<State>
  snapshot(const interp::BlockRun &run,
           const llvm::DenseMap<mlir::Value, interp::Tensor> &values,
           std::vector<double> extras);
  /// `state`'s values into `values`.
  static void restore(const interp::BlockRun &run, const State &state,
                      llvm::DenseMap<mlir::Value, interp::Tensor> &values);

  /// Where a run with cuts before ops `cuts` starts. Restores into
  /// `values` the state of the deepest cut whose key (`keyOf(k)` for cut k)
  /// is cached, and its extras into `extras` if given; with none cached,
  /// moves `args` into the block's arguments instead. Returns the index of
  /// the first cut after the restored one (the first a run from there must
  /// save; 0 if none was cached) and sets `start` to the op to run first.
  size_t resume(const interp::BlockRun &run, llvm::ArrayRef<size_t> cuts,
                llvm::function_ref<Key(size_t)> keyOf,
                std::vector<interp::Tensor> &args,
                llvm::DenseMap<mlir::Value, interp::Tensor> &values,
                size_t &start, std::vector<double> *extras = nullptr);

  uint64_t hits() const { return hitCount; }
  uint64_t lookups() const { return lookupCount; }

private:
  size_t budget, used = 0;
  uint64_t hitCount = 0, lookupCount = 0;
  std::mutex mutex;
  /// Most recently used first.
  std::list<std::pair<Key, std::shared_ptr<const State>>> order;
  std::map<Key, decltype(order)::iterator> entries;
};

} // namespace kite

#endif // KITE_DIALECT_KITE_SEARCH_PREFIXCACHE_H
