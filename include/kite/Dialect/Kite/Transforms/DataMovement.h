//===- DataMovement.h - quantize before data movement -----------*- C++ -*-===//
//
// The quantization passes finish by moving each quantize above the
// transposes, max pools and reshapes that feed it alone, so that these move
// one-byte codes instead of f32 values.
//
//===----------------------------------------------------------------------===//

#ifndef KITE_DIALECT_KITE_TRANSFORMS_DATAMOVEMENT_H
#define KITE_DIALECT_KITE_TRANSFORMS_DATAMOVEMENT_H

#include "mlir/IR/BuiltinOps.h"

namespace kite {

/// Moves every per-tensor integer quantize and every LP quantize of
/// `module` above the transposes, max pools and reshapes that feed it
/// alone. LP codes move as i8 between two kite.bitcast ops (TOSA takes no
/// LP element types). Then per-tensor integer quantizes of slices that
/// cover one axis of a tensor once become one per-channel quantize of that
/// tensor, which moves above the transposes that feed it.
void quantizeBeforeDataMovement(mlir::ModuleOp module);

} // namespace kite

#endif // KITE_DIALECT_KITE_TRANSFORMS_DATAMOVEMENT_H
