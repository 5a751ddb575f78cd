//===- KernelSupport.h - helpers shared by the interpreter's kernels
//-------===//
//
// Internal to lib/Interpreter: result types, integer wrapping, broadcasting
// and index-mapped copies, used by the TOSA kernel files.
//
//===----------------------------------------------------------------------===//

#ifndef KITE_LIB_INTERPRETER_KERNELSUPPORT_H
#define KITE_LIB_INTERPRETER_KERNELSUPPORT_H

#include "kite/Interpreter/Interpreter.h"
#include "kite/Numerics/IntQuant.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Operation.h"

namespace kite::interp {

/// The static shape of result `i`, or failure with a diagnostic.
inline mlir::FailureOr<llvm::SmallVector<int64_t, 4>>
resultShape(mlir::Operation *op, unsigned i = 0) {
  auto type =
      llvm::dyn_cast<mlir::RankedTensorType>(op->getResult(i).getType());
  if (!type || !type.hasStaticShape())
    return op->emitOpError("needs a statically shaped tensor result");
  return llvm::SmallVector<int64_t, 4>(type.getShape());
}

inline bool resultIsFloat(mlir::Operation *op, unsigned i = 0) {
  return llvm::isa<mlir::FloatType>(
      mlir::getElementTypeOrSelf(op->getResult(i).getType()));
}

inline unsigned resultIntWidth(mlir::Operation *op, unsigned i = 0) {
  mlir::Type t = mlir::getElementTypeOrSelf(op->getResult(i).getType());
  return t.isIntOrIndex() ? t.getIntOrFloatBitWidth() : 64;
}

/// Wraps v to a signed `width`-bit integer (two's complement); i1 keeps 0/1.
inline int64_t wrap(int64_t v, unsigned width) {
  return width == 1 ? (v & 1) : numerics::signExtend(v, width);
}

/// A scalar operand (tensor<1xT>, e.g. a zero point), 0 when empty.
inline double scalarOf(const Tensor &t) {
  if (t.size() == 0)
    return 0;
  return t.isFloat ? double(t.f[0]) : double(t.i[0]);
}

/// Element k of a tensor as a double (float or integer data).
inline double valueAt(const Tensor &t, int64_t k) {
  return t.isFloat ? double(t.f[size_t(k)]) : double(t.i[size_t(k)]);
}

/// Walks the elements of `shape` in row-major order and keeps, for each of
/// several operands broadcast to it (TOSA: equal ranks, size-1 dimensions
/// broadcast), the offset of the element it reads.
class BroadcastWalk {
public:
  /// Fails (returns false) when an operand's rank differs from the result's
  /// or one of its dimensions neither matches nor is 1.
  bool init(llvm::ArrayRef<int64_t> shape,
            llvm::ArrayRef<const Tensor *> operands) {
    this->shape.assign(shape.begin(), shape.end());
    coord.assign(shape.size(), 0);
    strides.clear();
    offsets.assign(operands.size(), 0);
    for (const Tensor *t : operands) {
      if (t->shape.size() != shape.size())
        return false;
      llvm::SmallVector<int64_t, 4> s = stridesOf(t->shape);
      for (size_t d = 0; d < s.size(); ++d) {
        if (t->shape[d] == shape[d])
          continue;
        if (t->shape[d] != 1)
          return false;
        s[d] = 0;
      }
      strides.push_back(std::move(s));
    }
    return true;
  }
  /// Walks `shape` reading one operand through explicit strides (a
  /// transpose reads its input through permuted strides).
  void initStrides(llvm::ArrayRef<int64_t> shape,
                   llvm::ArrayRef<int64_t> operandStrides) {
    this->shape.assign(shape.begin(), shape.end());
    coord.assign(shape.size(), 0);
    strides.assign(1, llvm::SmallVector<int64_t, 4>(operandStrides));
    offsets.assign(1, 0);
  }
  int64_t offset(size_t operand) const { return offsets[operand]; }
  /// Moves to the next element (row-major).
  void next() {
    for (int64_t d = int64_t(shape.size()) - 1; d >= 0; --d) {
      for (size_t k = 0; k < offsets.size(); ++k)
        offsets[k] += strides[k][d];
      if (++coord[d] < shape[d])
        return;
      for (size_t k = 0; k < offsets.size(); ++k)
        offsets[k] -= strides[k][d] * shape[d];
      coord[d] = 0;
    }
  }

private:
  llvm::SmallVector<int64_t, 4> shape, coord;
  llvm::SmallVector<llvm::SmallVector<int64_t, 4>, 3> strides;
  llvm::SmallVector<int64_t, 3> offsets;
};

/// Copies the elements of `x` at the positions `index(outCoord)` maps to
/// (a negative position reads 0).
template <typename IndexFn>
Tensor gatherCopy(const Tensor &x, llvm::ArrayRef<int64_t> shape,
                  IndexFn index) {
  Tensor r = x.isFloat ? Tensor::floats(shape) : Tensor::ints(shape);
  llvm::SmallVector<int64_t, 4> strides = stridesOf(shape);
  llvm::SmallVector<int64_t, 4> coord(shape.size());
  for (int64_t idx = 0, n = r.size(); idx < n; ++idx) {
    int64_t rem = idx;
    for (size_t d = 0; d < shape.size(); ++d) {
      coord[d] = rem / strides[d];
      rem %= strides[d];
    }
    int64_t src = index(llvm::ArrayRef<int64_t>(coord));
    if (x.isFloat)
      r.f[idx] = src < 0 ? 0.0f : x.f[src];
    else
      r.i[idx] = src < 0 ? 0 : x.i[src];
  }
  return r;
}

/// The kernel sets registerTosaKernels is made of, one per file.
void registerTosaDataKernels(Interpreter &interp); // data movement, casts
void registerTosaConvKernels(Interpreter &interp); // matmul, conv, pools

} // namespace kite::interp

#endif // KITE_LIB_INTERPRETER_KERNELSUPPORT_H
