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

#include "kite/TensorIO/Npy.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

#include <functional>
#include <memory>
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

/// The class of row `row` of `t` read as rows of `classes` scores: the
/// index of its first largest element (float or integer data).
int64_t argmaxRow(const Tensor &t, int64_t row, int64_t classes);

/// Softmax cross-entropy (natural log) of row `row` of `t`, read as rows of
/// `classes` logits, against class `label`; with `gradient` (`classes`
/// values), also its derivative by each logit: softmax minus one-hot.
double crossEntropyRow(const Tensor &t, int64_t row, int64_t classes,
                       int64_t label, double *gradient = nullptr);

/// KL(p || q) of row `row` of `t`, read as rows of `classes` logits (q =
/// their softmax), from a reference's `classes` logits (p = their
/// softmax): the label-free loss against a float model's own outputs.
/// With `gradient`, also its derivative by each logit: q minus p.
double klDivergenceRow(const Tensor &t, int64_t row, int64_t classes,
                       const float *reference, double *gradient = nullptr);

/// 1 - the cosine similarity of row `row` of `t` (rows of `width` values)
/// with the reference's `width` values: the label-free loss where outputs
/// are compared by direction (embeddings). A row of zeros has cosine 1
/// with another one, else 0. With `gradient`, also its derivative by each
/// value (0 at a row of zeros).
double cosineDistanceRow(const Tensor &t, int64_t row, int64_t width,
                         const float *reference, double *gradient = nullptr);

/// Row-major strides of a shape.
llvm::SmallVector<int64_t, 4> stridesOf(llvm::ArrayRef<int64_t> shape);

/// Computes an op's results from its operands. On failure, emit a
/// diagnostic on `op` and return failure.
using Kernel = std::function<mlir::LogicalResult(
    mlir::Operation *op, llvm::ArrayRef<const Tensor *> operands,
    llvm::SmallVectorImpl<Tensor> &results)>;

/// Backward rule of an op: from its operands, results and the gradients of
/// the loss with respect to its results, the gradients with respect to its
/// operands (left empty for operands without one, e.g. constants' shapes).
using BackwardKernel = std::function<mlir::LogicalResult(
    mlir::Operation *op, llvm::ArrayRef<const Tensor *> operands,
    llvm::ArrayRef<const Tensor *> results,
    llvm::ArrayRef<const Tensor *> resultGrads,
    llvm::MutableArrayRef<std::optional<Tensor>> operandGrads)>;

/// The loss a gradient run differentiates, on the function's first result.
struct Loss {
  enum class Kind {
    CrossEntropy, ///< mean over rows of -log softmax(logits)[label]
    MSE,          ///< mean of (result - target)^2
    KL,           ///< mean over rows of KL(softmax(target) || softmax(logits))
    Cosine,       ///< mean over rows of 1 - cos(result row, target row)
  };
  Kind kind = Kind::CrossEntropy;
  Tensor target; ///< labels (integers, one per row), reference values or
                 ///< reference logits
};

/// A forward run with every value kept, the loss, and dL/dv for every value
/// v the loss depends on (float tensors; for an integer tensor the gradient
/// with respect to its integer values, for an LP tensor with respect to its
/// real values). Matmuls and convolutions leave out constant operands
/// (weights): their gradient flows nowhere.
struct GradientRun {
  std::vector<Tensor> outputs;
  double loss = 0;
  llvm::DenseMap<mlir::Value, Tensor> values;
  llvm::DenseMap<mlir::Value, Tensor> grads;
};

class Interpreter {
public:
  /// An interpreter knowing the arith, tensor, tosa and kite kernels.
  Interpreter();
  ~Interpreter();
  Interpreter(Interpreter &&);
  Interpreter &operator=(Interpreter &&);

  void registerKernel(llvm::StringRef opName, Kernel kernel);
  bool hasKernel(llvm::StringRef opName) const { return kernels.count(opName); }

  /// Runs `func` on `inputs` (one per argument, shapes must match the
  /// argument types). Failures are reported as diagnostics on the IR.
  mlir::FailureOr<std::vector<Tensor>> run(mlir::func::FuncOp func,
                                           llvm::ArrayRef<Tensor> inputs);

  /// Runs `func` and keeps every value (for analyses that need
  /// intermediate tensors, e.g. calibration).
  mlir::FailureOr<std::vector<Tensor>>
  runKeeping(mlir::func::FuncOp func, llvm::ArrayRef<Tensor> inputs,
             llvm::DenseMap<mlir::Value, Tensor> &values);

  /// Runs one op on the values computed so far and records its results
  /// (an scf.if runs the region its condition picks; unless `keep`, its
  /// values are freed after their last use). `dying`: the values whose last
  /// use is this op, which the caller frees after it; an op allowed to work
  /// in place (allowInPlace) may then reuse its first operand's buffer.
  mlir::LogicalResult evaluate(mlir::Operation &op,
                               llvm::DenseMap<mlir::Value, Tensor> &values,
                               bool keep = true,
                               llvm::ArrayRef<mlir::Value> dying = {});
  /// Lets `opName`'s kernel compute its (one) result in its first operand's
  /// buffer when this op is that operand's last use and both are float with
  /// as many elements: the interpreter then moves the operand into
  /// `results[0]` and passes `&results[0]` as operand 0; the kernel
  /// overwrites it in place (elementwise and row-wise ops, reshapes: no new
  /// tensor to allocate and fill). See takeInPlace in KernelSupport.h.
  void allowInPlace(llvm::StringRef opName) { inPlace.insert(opName); }

  void registerBackward(llvm::StringRef opName, BackwardKernel kernel);
  bool hasBackward(llvm::StringRef opName) const {
    return backward.count(opName);
  }

  /// Runs `func` and differentiates `loss` by reverse mode. Fails with a
  /// diagnostic on an op without a backward rule that the loss depends on.
  mlir::FailureOr<GradientRun> runWithGradients(mlir::func::FuncOp func,
                                                llvm::ArrayRef<Tensor> inputs,
                                                const Loss &loss);
  /// The reverse-mode half of runWithGradients: from `seed` as dL/d(result
  /// 0), over the `values` a forward run of `func` kept, the gradients of
  /// every value the result depends on, into `grads`. A second seed over
  /// the same run costs no second forward pass.
  mlir::LogicalResult
  gradientsFrom(mlir::func::FuncOp func,
                const llvm::DenseMap<mlir::Value, Tensor> &values, Tensor seed,
                llvm::DenseMap<mlir::Value, Tensor> &grads);

private:
  mlir::FailureOr<std::vector<Tensor>>
  runFunction(mlir::func::FuncOp func, llvm::ArrayRef<Tensor> inputs,
              llvm::DenseMap<mlir::Value, Tensor> &values, bool keep);
  /// Runs the ops of `block` and returns what its terminator yields;
  /// unless `keep`, frees each value of the block after its last use.
  mlir::FailureOr<std::vector<Tensor>>
  runBlock(mlir::Block &block, llvm::DenseMap<mlir::Value, Tensor> &values,
           bool keep);

  llvm::StringMap<Kernel> kernels;
  llvm::StringSet<> inPlace;
  llvm::StringMap<BackwardKernel> backward;
  /// Constants' tensors by attribute, shared by the threads running
  /// batches.
  struct ConstantCache;
  std::unique_ptr<ConstantCache> constants;
};

/// Kernel sets, one per dialect.
void registerBuiltinKernels(Interpreter &interp); // arith, tensor constants
void registerTosaKernels(Interpreter &interp);
void registerKiteKernels(Interpreter &interp);
void registerLinalgKernels(Interpreter &interp); // tensor ops around linalg
void registerTosaBackward(Interpreter &interp);

/// The kernel of every structured linalg op (generic and named): the
/// interpreter uses it for any op implementing linalg::LinalgOp.
Kernel getStructuredKernel();
void registerKiteBackward(Interpreter &interp);

/// Rows [firstRow, firstRow + rows) along dimension 0 of a host tensor, as
/// an interpreter tensor of `type` (zero-padded up to the type's leading
/// dimension).
Tensor tensorFromHost(const tensorio::HostTensor &t, int64_t firstRow,
                      int64_t rows, mlir::RankedTensorType type);

/// Rows [firstRow, firstRow + rows) of a host tensor written into `dst`
/// from its row `dstRow` on (as far as `dst` reaches), converted to its
/// element type as tensorFromHost does.
void copyRowsFromHost(const tensorio::HostTensor &t, int64_t firstRow,
                      int64_t rows, Tensor &dst, int64_t dstRow);

/// The tensor an elements attribute holds (float types as f32).
mlir::FailureOr<Tensor> tensorFromAttr(mlir::Operation *op,
                                       mlir::ElementsAttr attr);

/// Host-tensor results of a batched run and how it was split.
struct BatchedRun {
  std::vector<tensorio::HostTensor> outputs;
  int64_t samples = 0, batchSize = 0, batches = 0;
  /// Wall time of the batches (inputs converted, function run), start-up
  /// and stitching excluded.
  double seconds = 0;
};

/// Runs `func` on host tensors. With `batch`, inputs with more rows than the
/// function's leading dimension run in batches of it (the last one
/// zero-padded) and the results are stitched back; with `threads` > 1 the
/// batches run in parallel (same results). On failure, `error` says why
/// (shape mismatches), or is empty when the interpreter reported
/// diagnostics on the IR. With `warmUp`, every thread that runs batches
/// runs the first one once more before the clock starts, so `run.seconds`
/// excludes what kernels prepare on first use (oneDNN's JIT-compiled
/// kernels) and a new thread's first page faults, as a session's creation
/// does in onnxruntime.
mlir::LogicalResult runBatched(Interpreter &interpreter,
                               mlir::func::FuncOp func,
                               llvm::ArrayRef<tensorio::HostTensor> inputs,
                               bool batch, BatchedRun &run, std::string &error,
                               unsigned threads = 1, bool warmUp = false);

} // namespace kite::interp

#endif // KITE_INTERPRETER_INTERPRETER_H
