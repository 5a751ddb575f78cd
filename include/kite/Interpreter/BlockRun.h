//===- BlockRun.h - a block run op by op, from any op -----------*- C++ -*-===//
//
// Part of the reference interpreter: runs a block's ops in order, freeing
// each value after its last use, and can start at any op from the values
// live there.
//
//===----------------------------------------------------------------------===//

#ifndef KITE_INTERPRETER_BLOCKRUN_H
#define KITE_INTERPRETER_BLOCKRUN_H

#include "kite/Interpreter/Interpreter.h"

#include <vector>

namespace kite::interp {

/// One block run op by op: positions of its ops and where each of its
/// values is used last (a use inside an op's regions counts as the op's),
/// so a run can start at any op from the values live there and, unless
/// `keep`, frees each value after its last use. The interpreter runs every
/// block this way; the searches also resume runs at saved cuts
/// (PrefixCache).
class BlockRun {
public:
  explicit BlockRun(mlir::Block &body, bool keep = false);

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

  using Values = llvm::DenseMap<mlir::Value, Tensor>;
  /// Runs the ops from position `start` on `values` (every value live
  /// there); before the op at each position in `cuts` (ascending, >= start)
  /// calls `atCut(i, values)` with the index i into `cuts`, and after each
  /// op `afterOp(op, values)` (if given), before dead values are freed.
  /// Returns what the terminator yields.
  mlir::FailureOr<std::vector<Tensor>>
  run(Interpreter &interp, size_t start, Values &values,
      llvm::ArrayRef<size_t> cuts = {},
      llvm::function_ref<void(size_t, Values &)> atCut = {},
      llvm::function_ref<void(mlir::Operation *, Values &)> afterOp = {}) const;

private:
  mlir::Block *block;
  bool keep;
  std::vector<mlir::Operation *> ops;
  llvm::DenseMap<mlir::Operation *, size_t> positions;
  /// The values whose last use is each op, by the op's position (empty
  /// when kept).
  std::vector<llvm::SmallVector<mlir::Value, 2>> dies;
};

} // namespace kite::interp

#endif // KITE_INTERPRETER_BLOCKRUN_H
