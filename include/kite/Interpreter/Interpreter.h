//===- Interpreter.h - reference execution of tensor-level IR ---*- C++ -*-===//
//
// Executes a function of tensor-level IR — imported TOSA, the kite dialect,
// arith/tensor constants — op by op. Float ops compute in f32; kite ops use
// the numerics library's bit-exact semantics. Each op's semantics is a
// kernel registered by name (the extension point: a dialect adds its ops
// with registerKernel).
//
//===----------------------------------------------------------------------===//

#ifndef KITE_INTERPRETER_INTERPRETER_H
#define KITE_INTERPRETER_INTERPRETER_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/StringMap.h"

#include <functional>
#include <vector>

namespace kite::interp {

/// A dense tensor: float data (f32) or integer data (signless integers,
/// sign-extended from their width; LP codes, zero-extended).
struct Tensor {
  llvm::SmallVector<int64_t, 4> shape;
  bool isFloat = true;
  std::vector<float> f;
  std::vector<int64_t> i;

  static Tensor floats(llvm::ArrayRef<int64_t> shape, float fill = 0.0f);
  static Tensor ints(llvm::ArrayRef<int64_t> shape, int64_t fill = 0);
  int64_t size() const;
};

/// Element count of a shape.
int64_t numElements(llvm::ArrayRef<int64_t> shape);

/// Computes an op's results from its operands. On failure, emit a
/// diagnostic on `op` and return failure.
using Kernel = std::function<mlir::LogicalResult(
    mlir::Operation *op, llvm::ArrayRef<const Tensor *> operands,
    llvm::SmallVectorImpl<Tensor> &results)>;

class Interpreter {
public:
  /// An interpreter knowing the arith, tensor, tosa and kite kernels.
  Interpreter();

  void registerKernel(llvm::StringRef opName, Kernel kernel);
  bool hasKernel(llvm::StringRef opName) const { return kernels.count(opName); }

  /// Runs `func` on `inputs` (one per argument, shapes must match the
  /// argument types). Failures are reported as diagnostics on the IR.
  mlir::FailureOr<std::vector<Tensor>> run(mlir::func::FuncOp func,
                                           llvm::ArrayRef<Tensor> inputs);

private:
  llvm::StringMap<Kernel> kernels;
};

/// Kernel sets, one per dialect.
void registerBuiltinKernels(Interpreter &interp); // arith, tensor constants
void registerTosaKernels(Interpreter &interp);
void registerKiteKernels(Interpreter &interp);

/// The tensor an elements attribute holds (float types as f32).
mlir::FailureOr<Tensor> tensorFromAttr(mlir::Operation *op,
                                       mlir::ElementsAttr attr);

} // namespace kite::interp

#endif // KITE_INTERPRETER_INTERPRETER_H
