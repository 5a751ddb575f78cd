//===- Bufferization.h - where tensors live in a program ------*- C++ -*-===//
//
// kite-bufferize plans a function's memory with planBuffers and records the
// plan as attributes; convert-kite-to-kite-isa reads it back (or plans
// itself when the function has none) and emits addresses from it.
//
//===----------------------------------------------------------------------===//

#ifndef KITE_CONVERSION_BUFFERIZATION_H
#define KITE_CONVERSION_BUFFERIZATION_H

#include "kite/Dialect/Kite/IR/Kite.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include <optional>

namespace kite {

/// Attribute (a #kite.buffer) on the op defining a tensor, or on an entry
/// function argument: where the tensor lives.
constexpr llvm::StringLiteral kBufferAttrName = "kite.buffer";
/// Attribute (a #kite.buffer) on a convolution: its im2col patches.
constexpr llvm::StringLiteral kPatchesAttrName = "kite.patches";
/// Alignment in bytes of planned blocks and of the data segments after them.
constexpr int64_t kBufferAlign = 64;

/// Where the lowering keeps the tensors of a function.
struct BufferPlan {
  struct Block {
    int64_t addr;  ///< absolute: the scratchpad starts at rt::kScratchBase
    int64_t bytes; ///< what the tensor needs
  };
  /// Each tensor the program materializes: the entry function's arguments
  /// and the results of the ops that become instructions. Reshapes alias
  /// their operand and constants become data segments: neither is here.
  llvm::DenseMap<mlir::Value, Block> values;
  /// The im2col patches of each convolution (the head of a TASD chain).
  llvm::DenseMap<mlir::Operation *, Block> patches;
  /// DRAM the plan uses, [0, dramBytes); data segments go after it.
  int64_t dramBytes = 0;
  /// Blocks that belong on chip but did not fit the scratchpad's free
  /// space and went to DRAM (spills), in bytes; and the most bytes of such
  /// blocks live at once, spilled or not (what the scratchpad would need).
  int64_t spilledBytes = 0, peakOnChipBytes = 0;
};

/// Plans `func` for `target`, in program order: arguments get DRAM for the
/// whole run; every other tensor gets a block that is free again after its
/// last use — in the scratchpad (first fit) unless the host reads it back
/// (a result) or the scratchpad is full, then in DRAM. An elementwise or
/// row-wise op whose operand dies at it writes over that operand. Values
/// the lowering never materializes (ops folded into a MAC op's drain,
/// inner terms of a TASD chain) get nothing.
mlir::FailureOr<BufferPlan> planBuffers(mlir::func::FuncOp func,
                                        TargetAttr target);

/// Records `plan` on `func` as kite.buffer / kite.patches attributes,
/// replacing any it had.
void recordBuffers(mlir::func::FuncOp func, const BufferPlan &plan);

/// The plan `func`'s attributes state, or nothing if it has none. A buffer
/// smaller than its tensor or outside the target's memory is an error.
mlir::FailureOr<std::optional<BufferPlan>> readBuffers(mlir::func::FuncOp func,
                                                       TargetAttr target);

} // namespace kite

#endif // KITE_CONVERSION_BUFFERIZATION_H
