//===- TosaDataKernels.cpp - TOSA data movement and casts -----------------===//
//
// Constants, reshape, transpose, slice, pad, concat, gather, tile, reverse
// and cast, following the TOSA 1.0 pseudo-code. They move elements without
// computing, so they work on float and integer tensors alike.
//
//===----------------------------------------------------------------------===//

#include "KernelSupport.h"
#include "kite/Numerics/IntQuant.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"

#include <cmath>

using namespace mlir;
using namespace kite::interp;

namespace {

LogicalResult constantKernel(Operation *op, ArrayRef<const Tensor *>,
                             SmallVectorImpl<Tensor> &out) {
  auto attr = dyn_cast<ElementsAttr>(op->getAttr("values"));
  if (!attr)
    return op->emitOpError("has no elements attribute 'values'");
  FailureOr<Tensor> t = tensorFromAttr(op, attr);
  if (failed(t))
    return failure();
  out.push_back(std::move(*t));
  return success();
}

LogicalResult reshapeKernel(Operation *op, ArrayRef<const Tensor *> in,
                            SmallVectorImpl<Tensor> &out) {
  FailureOr<SmallVector<int64_t, 4>> shape = resultShape(op);
  if (failed(shape))
    return failure();
  if (numElements(*shape) != in[0]->size())
    return op->emitOpError("changes the number of elements");
  if (givenInPlace(in, out)) { // the dying operand's data, renamed
    Tensor r = takeInPlace(out, *shape);
    out.push_back(std::move(r));
    return success();
  }
  Tensor r = *in[0];
  r.shape = *shape;
  out.push_back(std::move(r));
  return success();
}

LogicalResult transposeKernel(Operation *op, ArrayRef<const Tensor *> in,
                              SmallVectorImpl<Tensor> &out) {
  ArrayRef<int32_t> perms = cast<tosa::TransposeOp>(op).getPerms();
  const Tensor &x = *in[0];
  if (perms.size() != x.shape.size())
    return op->emitOpError("permutation does not match the operand's rank");
  SmallVector<int64_t, 4> shape, strides, srcStrides = stridesOf(x.shape);
  for (int32_t p : perms) {
    shape.push_back(x.shape[p]);
    strides.push_back(srcStrides[p]);
  }
  out.push_back(stridedCopy(x, shape, 0, strides));
  return success();
}

LogicalResult sliceKernel(Operation *op, ArrayRef<const Tensor *> in,
                          SmallVectorImpl<Tensor> &out) {
  const Tensor &x = *in[0];
  const std::vector<int64_t> &start = in[1]->i;
  SmallVector<int64_t, 4> shape(in[2]->i.begin(), in[2]->i.end());
  if (start.size() != x.shape.size() || shape.size() != x.shape.size())
    return op->emitOpError("start and size must match the operand's rank");
  SmallVector<int64_t, 4> srcStrides = stridesOf(x.shape);
  for (size_t d = 0; d < shape.size(); ++d)
    if (start[d] < 0 || shape[d] < 0 || start[d] + shape[d] > x.shape[d])
      return op->emitOpError("slice is out of bounds");
  int64_t base = 0;
  for (size_t d = 0; d < shape.size(); ++d)
    base += start[d] * srcStrides[d];
  out.push_back(stridedCopy(x, shape, base, srcStrides));
  return success();
}

LogicalResult padKernel(Operation *op, ArrayRef<const Tensor *> in,
                        SmallVectorImpl<Tensor> &out) {
  const Tensor &x = *in[0];
  const std::vector<int64_t> &padding = in[1]->i;
  if (padding.size() != 2 * x.shape.size())
    return op->emitOpError("needs two paddings per dimension");
  SmallVector<int64_t, 4> shape, srcStrides = stridesOf(x.shape);
  for (size_t d = 0; d < x.shape.size(); ++d) {
    if (padding[2 * d] < 0 || padding[2 * d + 1] < 0)
      return op->emitOpError("padding must not be negative");
    shape.push_back(x.shape[d] + padding[2 * d] + padding[2 * d + 1]);
  }
  double fill = scalarOf(*in[2]);
  Tensor r = x.isFloat ? Tensor::floats(shape, float(fill))
                       : Tensor::ints(shape, int64_t(fill));
  // Copy the operand into the interior.
  SmallVector<int64_t, 4> dstStrides = stridesOf(shape);
  SmallVector<int64_t, 4> coord(x.shape.size());
  for (int64_t k = 0, n = x.size(); k < n; ++k) {
    int64_t rem = k, dst = 0;
    for (size_t d = 0; d < x.shape.size(); ++d) {
      coord[d] = rem / srcStrides[d];
      rem %= srcStrides[d];
      dst += (coord[d] + padding[2 * d]) * dstStrides[d];
    }
    if (x.isFloat)
      r.f[dst] = x.f[k];
    else
      r.i[dst] = x.i[k];
  }
  out.push_back(std::move(r));
  return success();
}

LogicalResult concatKernel(Operation *op, ArrayRef<const Tensor *> in,
                           SmallVectorImpl<Tensor> &out) {
  int64_t axis = cast<IntegerAttr>(op->getAttr("axis")).getInt();
  FailureOr<SmallVector<int64_t, 4>> shape = resultShape(op);
  if (failed(shape))
    return failure();
  Tensor r = in[0]->isFloat ? Tensor::floats(*shape) : Tensor::ints(*shape);
  int64_t outer = numElements(ArrayRef<int64_t>(*shape).take_front(axis));
  int64_t inner = numElements(ArrayRef<int64_t>(*shape).drop_front(axis + 1));
  int64_t offset = 0, total = (*shape)[axis];
  for (const Tensor *t : in) {
    int64_t len = t->shape[axis];
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t k = 0; k < len * inner; ++k) {
        int64_t dst = (o * total + offset) * inner + k;
        int64_t src = o * len * inner + k;
        if (r.isFloat)
          r.f[dst] = t->f[src];
        else
          r.i[dst] = t->i[src];
      }
    offset += len;
  }
  out.push_back(std::move(r));
  return success();
}

LogicalResult gatherKernel(Operation *op, ArrayRef<const Tensor *> in,
                           SmallVectorImpl<Tensor> &out) {
  const Tensor &values = *in[0], &indices = *in[1];
  if (values.shape.size() != 3 || indices.shape.size() != 2 ||
      indices.shape[0] != values.shape[0])
    return op->emitOpError("needs values [N, K, C] and indices [N, W]");
  int64_t n = values.shape[0], k = values.shape[1], c = values.shape[2];
  int64_t w = indices.shape[1];
  for (int64_t idx : indices.i)
    if (idx < 0 || idx >= k)
      return op->emitOpError()
             << "index " << idx << " is out of range [0, " << k << ")";
  out.push_back(gatherCopy(values, {n, w, c}, [&](ArrayRef<int64_t> co) {
    return (co[0] * k + indices.i[co[0] * w + co[1]]) * c + co[2];
  }));
  return success();
}

LogicalResult tileKernel(Operation *op, ArrayRef<const Tensor *> in,
                         SmallVectorImpl<Tensor> &out) {
  const Tensor &x = *in[0];
  const std::vector<int64_t> &multiples = in[1]->i;
  if (multiples.size() != x.shape.size())
    return op->emitOpError("needs one multiple per dimension");
  SmallVector<int64_t, 4> shape, srcStrides = stridesOf(x.shape);
  for (size_t d = 0; d < x.shape.size(); ++d) {
    if (multiples[d] < 0)
      return op->emitOpError("multiples must not be negative");
    shape.push_back(x.shape[d] * multiples[d]);
  }
  out.push_back(gatherCopy(x, shape, [&](ArrayRef<int64_t> c) {
    int64_t src = 0;
    for (size_t d = 0; d < c.size(); ++d)
      src += (c[d] % x.shape[d]) * srcStrides[d];
    return src;
  }));
  return success();
}

LogicalResult reverseKernel(Operation *op, ArrayRef<const Tensor *> in,
                            SmallVectorImpl<Tensor> &out) {
  const Tensor &x = *in[0];
  int64_t axis = cast<IntegerAttr>(op->getAttr("axis")).getInt();
  if (axis < 0 || axis >= int64_t(x.shape.size()))
    return op->emitOpError("axis out of range");
  SmallVector<int64_t, 4> srcStrides = stridesOf(x.shape);
  out.push_back(gatherCopy(x, x.shape, [&](ArrayRef<int64_t> c) {
    int64_t src = 0;
    for (size_t d = 0; d < c.size(); ++d)
      src +=
          (int64_t(d) == axis ? x.shape[d] - 1 - c[d] : c[d]) * srcStrides[d];
    return src;
  }));
  return success();
}

LogicalResult castKernel(Operation *op, ArrayRef<const Tensor *> in,
                         SmallVectorImpl<Tensor> &out) {
  const Tensor &x = *in[0];
  bool toFloat = resultIsFloat(op);
  unsigned width = resultIntWidth(op);
  Tensor r = toFloat ? Tensor::floats(x.shape) : Tensor::ints(x.shape);
  for (int64_t k = 0, n = x.size(); k < n; ++k) {
    if (toFloat) {
      r.f[k] = x.isFloat ? x.f[k] : float(x.i[k]);
    } else if (x.isFloat) {
      // To bool: non-zero is true.
      r.i[k] = width == 1 ? (x.f[k] != 0.0f)
                          : kite::numerics::castFloatToInt(x.f[k], width);
    } else {
      r.i[k] = width == 1 ? (x.i[k] != 0) : wrap(x.i[k], width);
    }
  }
  out.push_back(std::move(r));
  return success();
}
} // namespace

void kite::interp::registerTosaDataKernels(Interpreter &interp) {
  interp.registerKernel("tosa.const", constantKernel);
  interp.registerKernel("tosa.const_shape", constantKernel);
  interp.registerKernel("tosa.identity",
                        [](Operation *, ArrayRef<const Tensor *> in,
                           SmallVectorImpl<Tensor> &out) -> LogicalResult {
                          out.push_back(*in[0]);
                          return success();
                        });
  interp.registerKernel("tosa.reshape", reshapeKernel);
  interp.allowInPlace("tosa.reshape");
  interp.registerKernel("tosa.transpose", transposeKernel);
  interp.registerKernel("tosa.slice", sliceKernel);
  interp.registerKernel("tosa.pad", padKernel);
  interp.registerKernel("tosa.concat", concatKernel);
  interp.registerKernel("tosa.gather", gatherKernel);
  interp.registerKernel("tosa.tile", tileKernel);
  interp.registerKernel("tosa.reverse", reverseKernel);
  interp.registerKernel("tosa.cast", castKernel);
}
