//===- KiteKernels.cpp - reference semantics of kite ops ------------------===//
//
// Bit-exact for quantized computation: quantization, LP codes and LUT
// softmax through the numerics library's one implementation, which the
// simulator uses too. The MAC ops are in KiteMacKernels.cpp.
//
//===----------------------------------------------------------------------===//

#include "KernelSupport.h"

#include "kite/Dialect/Kite/IR/Kite.h"
#include "kite/Dialect/Kite/IR/PackedWeights.h"
#include "kite/Numerics/Gelu.h"
#include "kite/Numerics/IntQuant.h"
#include "kite/Numerics/LP.h"
#include "kite/Numerics/LayerNorm.h"
#include "kite/Numerics/LutSoftmax.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace kite;
using namespace kite::interp;

namespace {
/// Calls fn(rowIndices) for every 1-D row along `axis`; rowIndices are the
/// flat indices of the row's elements.
template <typename Fn>
void forEachRow(ArrayRef<int64_t> shape, int64_t axis, Fn fn) {
  int64_t len = shape[axis];
  int64_t inner = numElements(shape.drop_front(axis + 1));
  int64_t outer = numElements(shape.take_front(axis));
  std::vector<int64_t> idx(static_cast<size_t>(len));
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t in = 0; in < inner; ++in) {
      for (int64_t k = 0; k < len; ++k)
        idx[size_t(k)] = (o * len + k) * inner + in;
      fn(ArrayRef<int64_t>(idx));
    }
}

int64_t normalizeAxis(int64_t axis, int64_t rank) {
  return axis < 0 ? axis + rank : axis;
}

} // namespace

void kite::interp::registerKiteKernels(Interpreter &interp) {
  registerKiteMacKernels(interp);

  interp.registerKernel(
      "kite.constant",
      [](Operation *o, ArrayRef<const Tensor *>,
         SmallVectorImpl<Tensor> &out) -> LogicalResult {
        auto op = cast<ConstantOp>(o);
        auto lp = cast<LPType>(op.getResult().getType().getElementType());
        Tensor t = Tensor::ints(op.getResult().getType().getShape());
        uint64_t mask = (uint64_t(1) << lp.getN()) - 1;
        size_t k = 0;
        for (const APInt &v : op.getValue().getValues<APInt>())
          t.i[k++] = int64_t(v.getZExtValue() & mask);
        out.push_back(std::move(t));
        return success();
      });

  interp.registerKernel(
      "kite.packed_weights",
      [](Operation *o, ArrayRef<const Tensor *>,
         SmallVectorImpl<Tensor> &out) -> LogicalResult {
        auto op = cast<PackedWeightsOp>(o);
        auto type = op.getResult().getType();
        std::vector<int8_t> values;
        for (const APInt &v : op.getValues().getValues<APInt>())
          values.push_back(int8_t(v.getSExtValue()));
        std::vector<uint8_t> index;
        if (DenseIntElementsAttr bits = op.getIndexAttr())
          for (const APInt &v : bits.getValues<APInt>())
            index.push_back(uint8_t(v.getZExtValue()));
        Tensor t = Tensor::ints(type.getShape());
        t.i = unpackWeights(values, index, op.getLayout(), op.getSparsityAttr(),
                            type.getElementType());
        out.push_back(std::move(t));
        return success();
      });

  interp.registerKernel(
      "kite.quantize",
      [](Operation *o, ArrayRef<const Tensor *> in,
         SmallVectorImpl<Tensor> &out) -> LogicalResult {
        auto op = cast<QuantizeOp>(o);
        const Tensor &x = *in[0];
        Tensor r = Tensor::ints(x.shape);
        Type element = op.getResult().getType().getElementType();
        if (auto lp = dyn_cast<LPType>(element)) {
          getLPCodec(lp).encode(x.f.data(), x.size(), r.i.data());
        } else {
          unsigned width = cast<IntegerType>(element).getWidth();
          numerics::IntFormat format{op.getFormatAttr().getBits(),
                                     op.getFormatAttr().getIsSigned()};
          // Stored as the storage type's bits, sign-extended.
          unsigned unused = width >= 64 ? 0 : 64 - width;
          op.getQuantParams().forEachRun(
              x.size(),
              [&](int64_t begin, int64_t end, double scale, int64_t zero) {
                for (int64_t k = begin; k < end; ++k) {
                  int64_t q = numerics::quantize(x.f[k], scale, zero, format);
                  r.i[k] = int64_t(uint64_t(q) << unused) >> unused;
                }
              });
        }
        out.push_back(std::move(r));
        return success();
      });

  interp.registerKernel(
      "kite.dequantize",
      [](Operation *o, ArrayRef<const Tensor *> in,
         SmallVectorImpl<Tensor> &out) -> LogicalResult {
        auto op = cast<DequantizeOp>(o);
        const Tensor &q = *in[0];
        Tensor r = Tensor::floats(q.shape);
        Type element = op.getInput().getType().getElementType();
        if (auto lp = dyn_cast<LPType>(element)) {
          const numerics::LPCodec &codec = getLPCodec(lp);
          for (int64_t k = 0, n = q.size(); k < n; ++k)
            r.f[k] = float(codec.decode(uint32_t(q.i[k])));
        } else {
          unsigned width = element.getIntOrFloatBitWidth();
          bool isUnsigned =
              op.getFormatAttr() && !op.getFormatAttr().getIsSigned();
          int64_t mask = isUnsigned && width < 64 ? (int64_t(1) << width) - 1
                                                  : int64_t(-1);
          op.getQuantParams().forEachRun(
              q.size(),
              [&](int64_t begin, int64_t end, double scale, int64_t zero) {
                for (int64_t k = begin; k < end; ++k)
                  r.f[k] =
                      float(numerics::dequantize(q.i[k] & mask, scale, zero));
              });
        }
        out.push_back(std::move(r));
        return success();
      });

  interp.registerKernel(
      "kite.bitcast",
      [](Operation *o, ArrayRef<const Tensor *> in,
         SmallVectorImpl<Tensor> &out) -> LogicalResult {
        auto op = cast<BitcastOp>(o);
        Type from = op.getInput().getType().getElementType();
        auto lp = dyn_cast<LPType>(from);
        unsigned n =
            lp ? lp.getN() : cast<LPType>(op.getType().getElementType()).getN();
        Tensor r = *in[0];
        for (int64_t &code : r.i)
          code = lp ? numerics::signExtend(code, n)
                    : code & ((int64_t(1) << n) - 1);
        out.push_back(std::move(r));
        return success();
      });

  interp.registerKernel(
      "kite.softmax",
      [](Operation *o, ArrayRef<const Tensor *> in,
         SmallVectorImpl<Tensor> &out) -> LogicalResult {
        auto op = cast<SoftmaxOp>(o);
        bool inPlace = givenInPlace(in, out);
        Tensor r = inPlace ? takeInPlace(out, in[0]->shape)
                           : Tensor::floats(in[0]->shape);
        const Tensor &x = inPlace ? r : *in[0];
        std::vector<float> row;
        forEachRow(x.shape, normalizeAxis(op.getAxis(), x.shape.size()),
                   [&](ArrayRef<int64_t> idx) {
                     row.resize(idx.size());
                     for (size_t k = 0; k < idx.size(); ++k)
                       row[k] = x.f[idx[k]];
                     numerics::softmaxRowF32(row.data(), row.size());
                     for (size_t k = 0; k < idx.size(); ++k)
                       r.f[idx[k]] = row[k];
                   });
        out.push_back(std::move(r));
        return success();
      });

  interp.registerKernel(
      "kite.lut_softmax",
      [](Operation *o, ArrayRef<const Tensor *> in,
         SmallVectorImpl<Tensor> &out) -> LogicalResult {
        auto op = cast<LutSoftmaxOp>(o);
        const Tensor &x = *in[0];
        numerics::LutSoftmaxTables tables = op.getTables();
        Tensor r = Tensor::ints(x.shape);
        std::vector<double> row;
        std::vector<int32_t> probs;
        bool nan = false;
        forEachRow(x.shape, normalizeAxis(op.getAxis(), x.shape.size()),
                   [&](ArrayRef<int64_t> idx) {
                     row.resize(idx.size());
                     probs.resize(idx.size());
                     for (size_t k = 0; k < idx.size(); ++k)
                       row[k] = x.isFloat ? double(x.f[idx[k]])
                                          : double(x.i[idx[k]]);
                     nan |= !numerics::evalLutSoftmaxRow(
                         tables, row.data(), row.size(), probs.data());
                     for (size_t k = 0; k < idx.size(); ++k)
                       r.i[idx[k]] = probs[k];
                   });
        if (nan)
          return op.emitError("a softmax row holds NaN");
        out.push_back(std::move(r));
        return success();
      });

  interp.registerKernel(
      "kite.layer_norm",
      [](Operation *o, ArrayRef<const Tensor *> in,
         SmallVectorImpl<Tensor> &out) -> LogicalResult {
        auto op = cast<LayerNormOp>(o);
        bool inPlace = givenInPlace(in, out);
        Tensor r = inPlace ? takeInPlace(out, in[0]->shape)
                           : Tensor::floats(in[0]->shape);
        const Tensor &x = inPlace ? r : *in[0];
        const Tensor *scale = op.getScale() ? in[1] : nullptr;
        const Tensor *bias = op.getBias() ? in[op.getScale() ? 2 : 1] : nullptr;
        int64_t axis = op.getNormalizedAxis();
        int64_t len = numElements(ArrayRef<int64_t>(x.shape).drop_front(axis));
        float eps = float(op.getEpsilon().convertToDouble());
        for (int64_t base = 0, n = x.size(); base < n; base += len) {
          auto [mean, inv] =
              numerics::layerNormStats(x.f.data() + base, len, eps);
          for (int64_t k = 0; k < len; ++k) {
            float y = (x.f[base + k] - mean) * inv;
            if (scale)
              y *= scale->f[k];
            if (bias)
              y += bias->f[k];
            r.f[base + k] = y;
          }
        }
        out.push_back(std::move(r));
        return success();
      });

  interp.registerKernel("kite.lut",
                        [](Operation *o, ArrayRef<const Tensor *> in,
                           SmallVectorImpl<Tensor> &out) -> LogicalResult {
                          auto table =
                              cast<LutOp>(o).getTable().getValues<int8_t>();
                          const Tensor &x = *in[0];
                          Tensor r = Tensor::ints(x.shape);
                          for (int64_t i = 0, n = x.size(); i < n; ++i)
                            r.i[i] = table[size_t(x.i[i] + 128)];
                          out.push_back(std::move(r));
                          return success();
                        });

  // Row-wise and elementwise: each result element is written after the
  // operand elements it needs are read.
  for (StringRef name : {"kite.softmax", "kite.layer_norm", "kite.gelu"})
    interp.allowInPlace(name);
  interp.registerKernel("kite.gelu",
                        [](Operation *o, ArrayRef<const Tensor *> in,
                           SmallVectorImpl<Tensor> &out) -> LogicalResult {
                          bool tanhForm = cast<GeluOp>(o).getApproximation() ==
                                          GeluApproximation::Tanh;
                          bool inPlace = givenInPlace(in, out);
                          Tensor r = inPlace ? takeInPlace(out, in[0]->shape)
                                             : Tensor::floats(in[0]->shape);
                          const Tensor &x = inPlace ? r : *in[0];
                          numerics::geluRow(x.f.data(), x.size(), tanhForm,
                                            r.f.data());
                          out.push_back(std::move(r));
                          return success();
                        });
}
