//===- Dialects.h - the dialects a Kite pipeline meets ----------*- C++ -*-===//
//
// Every dialect on the way from an imported model to the accelerator:
// kite-opt's set, and the fuzz targets' that run the same pipelines.
//
//===----------------------------------------------------------------------===//

#ifndef KITE_SUPPORT_DIALECTS_H
#define KITE_SUPPORT_DIALECTS_H

#include "kite/Dialect/Kite/IR/Kite.h"
#include "kite/Dialect/KiteIsa/IR/KiteIsa.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"

namespace kite {
inline void registerKiteDialects(mlir::DialectRegistry &registry) {
  registry
      .insert<KiteDialect, kiteisa::KiteIsaDialect, mlir::arith::ArithDialect,
              mlir::func::FuncDialect, mlir::linalg::LinalgDialect,
              mlir::math::MathDialect, mlir::scf::SCFDialect,
              mlir::tensor::TensorDialect, mlir::tosa::TosaDialect>();
}
} // namespace kite

#endif // KITE_SUPPORT_DIALECTS_H
