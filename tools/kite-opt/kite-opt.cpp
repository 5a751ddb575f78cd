//===- kite-opt.cpp - the Kite optimizer driver ---------------------------===//
//
// mlir-opt for Kite: the dialects a Kite pipeline meets on its way from an
// imported model to the accelerator, and every Kite pass.
//
//===----------------------------------------------------------------------===//

#include "kite/Conversion/Passes.h"
#include "kite/Dialect/Kite/IR/Kite.h"
#include "kite/Dialect/Kite/Transforms/Passes.h"
#include "kite/Dialect/KiteIsa/IR/KiteIsa.h"
#include "kite/Dialect/KiteIsa/Transforms/Passes.h"
#include "kite/Pipelines/Pipelines.h"
#include "kite/Support/CommandLine.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "mlir/Transforms/Passes.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  registry.insert<kite::KiteDialect, kite::kiteisa::KiteIsaDialect,
                  mlir::arith::ArithDialect, mlir::func::FuncDialect,
                  mlir::linalg::LinalgDialect, mlir::math::MathDialect,
                  mlir::scf::SCFDialect, mlir::tensor::TensorDialect,
                  mlir::tosa::TosaDialect>();
  mlir::registerTransformsPasses(); // canonicalize, cse, inline, ...
  kite::registerKitePasses();
  kite::registerKiteConversionPasses();
  kite::kiteisa::registerKiteIsaPasses();
  kite::registerKitePipelines();
  kite::hideBackendOptions();
  return mlir::asMainReturnCode(mlir::MlirOptMain(
      argc, argv, "Kite optimizer: kite dialect passes and pipelines\n",
      registry));
}
