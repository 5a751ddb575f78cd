//===- Kbin.h - kite_isa programs to and from .kbin -------------*- C++ -*-===//
//
// The thin printers between the kite_isa dialect and the runtime's program
// form (kite::rt::Program), driven by the instruction table in
// kite/Runtime/Isa.h: every attribute of an instruction op is the field of
// the same name.
//
//===----------------------------------------------------------------------===//

#ifndef KITE_TARGET_KBIN_H
#define KITE_TARGET_KBIN_H

#include "kite/Dialect/Kite/IR/Kite.h"
#include "kite/Dialect/KiteIsa/IR/KiteIsa.h"
#include "kite/Runtime/Isa.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

namespace kite {

/// The numbers of `target` the simulator uses.
rt::TargetParams targetParams(TargetAttr target);

/// The program of the module's single kite_isa.program, for the module's
/// kite.target. Emits a diagnostic and fails on anything it cannot encode.
mlir::FailureOr<rt::Program> programFromModule(mlir::ModuleOp module);

/// A module holding `program` as kite_isa ops; its kite.target is the
/// built-in target of the program's target name when the fingerprints
/// match (otherwise the module has none and verifiers skip target checks).
mlir::OwningOpRef<mlir::ModuleOp> moduleFromProgram(mlir::MLIRContext *ctx,
                                                    const rt::Program &program);

} // namespace kite

#endif // KITE_TARGET_KBIN_H
