//===- PrefixCache.h - re-run a model variant from its first change -===//
//-*-===//
//
// The searches score many variants of one model that differ layer by layer
// (LPQ: each layer's formats). A variant's values before its layer l depend
// only on its choices for the layers before l, so the values live there
// (the block's state at the cut before layer l) are saved once and
// restored by every later variant with the same earlier choices, which then
// runs only from its first different layer on.
//
//===----------------------------------------------------------------------===//

#ifndef KITE_DIALECT_KITE_TRANSFORMS_PREFIXCACHE_H
#define KITE_DIALECT_KITE_TRANSFORMS_PREFIXCACHE_H

#include "kite/Interpreter/Interpreter.h"

#include <cstdint>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

namespace kite {

/// One function body run op by op: positions of its ops and where each of
/// its values is used last (a use inside an op's regions counts as the
/// op's), so a run can start at any op from the values live there and
/// frees each value after its last use.
class BlockRun {
public:
  explicit BlockRun(mlir::Block &body);

  /// The position of an op of the body, or of the body op holding it.
  size_t position(mlir::Operation *op) const;
  mlir::Block &body() const { return *block; }

  /// A value of the body by position: result `index` of op `op`, or the
  /// body's argument `index` when `op` is kArgument.
  struct Slot {
    size_t op;
    unsigned index;
  };
  static constexpr size_t kArgument = ~size_t(0);
  Slot slotOf(mlir::Value v) const;
  mlir::Value valueAt(Slot slot) const;

  /// Runs the ops from position `start` on `values` (every value live
  /// there); before the op at each position in `cuts` (ascending, >= start)
  /// calls `atCut(i, values)` with the index i into `cuts`, and after each
  /// op `afterOp(op, values)`, before dead values are freed. Returns what
  /// the terminator yields.
  mlir::FailureOr<std::vector<interp::Tensor>>
  run(interp::Interpreter &interp, size_t start,
      llvm::DenseMap<mlir::Value, interp::Tensor> &values,
      llvm::ArrayRef<size_t> cuts,
      llvm::function_ref<void(size_t,
                              llvm::DenseMap<mlir::Value, interp::Tensor> &)>
          atCut,
      llvm::function_ref<void(mlir::Operation *,
                              llvm::DenseMap<mlir::Value, interp::Tensor> &)>
          afterOp) const;

private:
  mlir::Block *block;
  std::vector<mlir::Operation *> ops;
  llvm::DenseMap<mlir::Operation *, size_t> positions;
  /// The values whose last use is each op, by the op's position.
  std::vector<llvm::SmallVector<mlir::Value, 2>> dies;
};

/// Saved states, keyed by the choices before the cut (and the calibration
/// batch). Thread-safe; the least recently used states go first once their
/// tensors pass `budgetBytes`.
class PrefixCache {
public:
  struct State {
    std::vector<std::pair<BlockRun::Slot, interp::Tensor>> values;
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
  snapshot(const BlockRun &run,
           const llvm::DenseMap<mlir::Value, interp::Tensor> &values,
           std::vector<double> extras);
  /// `state`'s values into `values`.
  static void restore(const BlockRun &run, const State &state,
                      llvm::DenseMap<mlir::Value, interp::Tensor> &values);

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

#endif // KITE_DIALECT_KITE_TRANSFORMS_PREFIXCACHE_H
