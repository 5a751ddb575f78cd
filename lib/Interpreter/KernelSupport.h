//===- KernelSupport.h - helpers of the interpreter's kernels -*- C++ -*-===//
//
// Internal to lib/Interpreter: result types, integer wrapping, broadcasting
// and index-mapped copies, used by the TOSA kernel files.
//
//===----------------------------------------------------------------------===//

#ifndef KITE_LIB_INTERPRETER_KERNELSUPPORT_H
#define KITE_LIB_INTERPRETER_KERNELSUPPORT_H

#include "kite/Dialect/Kite/IR/Kite.h"
#include "kite/Interpreter/Interpreter.h"
#include "kite/Numerics/ConvWindow.h"
#include "kite/Numerics/IntQuant.h"
#include "kite/Numerics/LP.h"

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
  /// How far an operand's offset moves along the innermost dimension (0
  /// when broadcast); with nextRow, kernels walk whole rows at a time.
  int64_t innerStride(size_t operand) const {
    return shape.empty() ? 0 : strides[operand].back();
  }
  /// From the start of an innermost row, moves to the start of the next.
  void nextRow() { step(int64_t(shape.size()) - 2); }
  /// Moves to the next element (row-major).
  void next() { step(int64_t(shape.size()) - 1); }

private:
  /// Moves one position along dimension `d`, carrying into the outer ones.
  void step(int64_t d) {
    for (; d >= 0; --d) {
      for (size_t k = 0; k < offsets.size(); ++k)
        offsets[k] += strides[k][d];
      if (++coord[d] < shape[d])
        return;
      for (size_t k = 0; k < offsets.size(); ++k)
        offsets[k] -= strides[k][d] * shape[d];
      coord[d] = 0;
    }
  }

  llvm::SmallVector<int64_t, 4> shape, coord;
  llvm::SmallVector<llvm::SmallVector<int64_t, 4>, 3> strides;
  llvm::SmallVector<int64_t, 3> offsets;
};

/// In a kernel allowed to work in place (Interpreter::allowInPlace):
/// whether the interpreter passed the first operand's buffer as the result.
/// Then take it with takeInPlace and read the operand through it (`in[0]`
/// points at the moved-from slot).
inline bool givenInPlace(llvm::ArrayRef<const Tensor *> in,
                         const llvm::SmallVectorImpl<Tensor> &out) {
  return !in.empty() && !out.empty() && in[0] == &out[0];
}

/// The first operand's buffer, given in place, as a result of `shape`.
inline Tensor takeInPlace(llvm::SmallVectorImpl<Tensor> &out,
                          llvm::ArrayRef<int64_t> shape) {
  llvm::SmallVector<int64_t, 4> dims(shape); // may be the operand's own
  Tensor r = std::move(out[0]);
  out.clear();
  r.shape = std::move(dims);
  return r;
}

/// The tensor of `shape` whose element at coordinate c is x's element at
/// base + sum(c[d] * strides[d]): slices and transposes, as views of x
/// copied a row of the innermost dimension at a time. Dimensions that are
/// contiguous with the next are merged first, so a slice of whole rows is
/// one copy.
inline Tensor stridedCopy(const Tensor &x, llvm::ArrayRef<int64_t> shape,
                          int64_t base, llvm::ArrayRef<int64_t> strides) {
  Tensor r = x.isFloat ? Tensor::floats(shape) : Tensor::ints(shape);
  llvm::SmallVector<int64_t, 4> dims, steps;
  for (auto [extent, stride] : llvm::zip(shape, strides)) {
    if (extent == 1)
      continue; // no step along it
    if (!dims.empty() && steps.back() == stride * extent) {
      dims.back() *= extent;
      steps.back() = stride;
      continue;
    }
    dims.push_back(extent);
    steps.push_back(stride);
  }
  BroadcastWalk walk;
  walk.initStrides(dims, steps);
  int64_t inner = dims.empty() ? 1 : dims.back(), step = walk.innerStride(0);
  for (int64_t row = 0, n = r.size(); row < n && inner > 0;
       row += inner, walk.nextRow()) {
    int64_t src = base + walk.offset(0);
    if (x.isFloat && step == 1)
      std::copy_n(&x.f[size_t(src)], inner, &r.f[size_t(row)]);
    else if (x.isFloat)
      for (int64_t j = 0; j < inner; ++j)
        r.f[size_t(row + j)] = x.f[size_t(src + j * step)];
    else
      for (int64_t j = 0; j < inner; ++j)
        r.i[size_t(row + j)] = x.i[size_t(src + j * step)];
  }
  return r;
}

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

/// The window of a TOSA 2-D convolution (NHWC; `pad` is [top, bottom,
/// left, right]) over an ih x iw input with a kh x kw filter and an oh x ow
/// output.
inline numerics::ConvWindow tosaConvWindow(llvm::ArrayRef<int64_t> pad,
                                           llvm::ArrayRef<int64_t> stride,
                                           llvm::ArrayRef<int64_t> dil,
                                           int64_t ih, int64_t iw, int64_t kh,
                                           int64_t kw, int64_t oh, int64_t ow) {
  return {ih,     iw,     kh,     kw,     stride[0], stride[1],
          pad[0], pad[2], dil[0], dil[1], oh,        ow};
}

/// The kernel sets registerTosaKernels is made of, one per file.
void registerTosaDataKernels(Interpreter &interp); // data movement, casts
void registerTosaConvKernels(Interpreter &interp); // matmul, conv, pools
/// kite.matmul and kite.conv2d, part of registerKiteKernels.
void registerKiteMacKernels(Interpreter &interp);

/// The codec of an LP type, built once per format and shared.
const numerics::LPCodec &getLPCodec(LPType type);

} // namespace kite::interp

#endif // KITE_LIB_INTERPRETER_KERNELSUPPORT_H
