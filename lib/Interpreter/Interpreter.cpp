//===- Interpreter.cpp - reference execution of tensor-level IR -----------===//

#include "kite/Interpreter/Interpreter.h"
#include "kite/Interpreter/BlockRun.h"
#include "kite/Numerics/IntQuant.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/DenseMap.h"

#include <cmath>
#include <mutex>

using namespace mlir;
using namespace kite::interp;

namespace {
/// Element c of the row starting at element `base` of `t`, as a double
/// (float or integer data).
struct RowReader {
  const Tensor &t;
  int64_t base;
  double operator()(int64_t c) const {
    size_t k = size_t(base + c);
    return t.isFloat ? double(t.f[k]) : double(t.i[k]);
  }
};
} // namespace

int64_t kite::interp::argmaxRow(const Tensor &t, int64_t row, int64_t classes) {
  RowReader at{t, row * classes};
  int64_t best = 0;
  for (int64_t c = 1; c < classes; ++c)
    if (at(c) > at(best))
      best = c;
  return best;
}

double kite::interp::crossEntropyRow(const Tensor &t, int64_t row,
                                     int64_t classes, int64_t label,
                                     double *gradient) {
  RowReader at{t, row * classes};
  double mx = at(argmaxRow(t, row, classes)), sum = 0;
  for (int64_t c = 0; c < classes; ++c)
    sum += std::exp(at(c) - mx);
  if (gradient)
    for (int64_t c = 0; c < classes; ++c)
      gradient[c] = std::exp(at(c) - mx) / sum - (c == label);
  return std::log(sum) + mx - at(label);
}

double kite::interp::klDivergenceRow(const Tensor &t, int64_t row,
                                     int64_t classes, const float *reference,
                                     double *gradient) {
  RowReader at{t, row * classes};
  // Log-softmax of both rows, each shifted by its maximum.
  double mq = at(argmaxRow(t, row, classes)), mp = reference[0];
  for (int64_t c = 1; c < classes; ++c)
    mp = std::max(mp, double(reference[c]));
  double sq = 0, sp = 0;
  for (int64_t c = 0; c < classes; ++c) {
    sq += std::exp(at(c) - mq);
    sp += std::exp(double(reference[c]) - mp);
  }
  double lq = std::log(sq), lp = std::log(sp), kl = 0;
  for (int64_t c = 0; c < classes; ++c) {
    double logP = double(reference[c]) - mp - lp, logQ = at(c) - mq - lq;
    double p = std::exp(logP);
    kl += p * (logP - logQ);
    if (gradient)
      gradient[c] = std::exp(logQ) - p;
  }
  return kl;
}

double kite::interp::cosineDistanceRow(const Tensor &t, int64_t row,
                                       int64_t width, const float *reference,
                                       double *gradient) {
  RowReader at{t, row * width};
  double dot = 0, nq = 0, np = 0;
  for (int64_t c = 0; c < width; ++c) {
    dot += at(c) * reference[c];
    nq += at(c) * at(c);
    np += double(reference[c]) * reference[c];
  }
  bool both = nq > 0 && np > 0;
  double cosine = both ? dot / std::sqrt(nq * np) : double(nq == np);
  // d cos / dq = p / (|q| |p|) - cos q / |q|^2.
  for (int64_t c = 0; gradient && c < width; ++c)
    gradient[c] =
        both
            ? -(double(reference[c]) / std::sqrt(nq * np) - cosine * at(c) / nq)
            : 0.0;
  return 1 - cosine;
}

int64_t kite::interp::numElements(ArrayRef<int64_t> shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

SmallVector<int64_t, 4> kite::interp::stridesOf(ArrayRef<int64_t> shape) {
  SmallVector<int64_t, 4> strides(shape.size(), 1);
  for (int64_t d = int64_t(shape.size()) - 2; d >= 0; --d)
    strides[d] = strides[d + 1] * shape[d + 1];
  return strides;
}

Tensor Tensor::floats(ArrayRef<int64_t> shape, float fill) {
  Tensor t;
  t.shape.assign(shape.begin(), shape.end());
  t.isFloat = true;
  t.f.assign(size_t(numElements(shape)), fill);
  return t;
}

Tensor Tensor::ints(ArrayRef<int64_t> shape, int64_t fill) {
  Tensor t;
  t.shape.assign(shape.begin(), shape.end());
  t.isFloat = false;
  t.i.assign(size_t(numElements(shape)), fill);
  return t;
}

int64_t Tensor::size() const { return numElements(shape); }

struct Interpreter::ConstantCache {
  std::mutex mutex;
  DenseMap<Attribute, Tensor> tensors;
};

Interpreter::~Interpreter() = default;
Interpreter::Interpreter(Interpreter &&) = default;
Interpreter &Interpreter::operator=(Interpreter &&) = default;

Interpreter::Interpreter() : constants(std::make_unique<ConstantCache>()) {
  registerBuiltinKernels(*this);
  registerTosaKernels(*this);
  registerKiteKernels(*this);
  registerLinalgKernels(*this);
  registerTosaBackward(*this);
  registerKiteBackward(*this);
}

void Interpreter::registerBackward(StringRef opName, BackwardKernel kernel) {
  backward[opName] = std::move(kernel);
}

void Interpreter::registerKernel(StringRef opName, Kernel kernel) {
  kernels[opName] = std::move(kernel);
}

FailureOr<std::vector<Tensor>> Interpreter::run(func::FuncOp func,
                                                ArrayRef<Tensor> inputs) {
  DenseMap<Value, Tensor> values;
  return runFunction(func, inputs, values, /*keep=*/false);
}

FailureOr<std::vector<Tensor>>
Interpreter::runKeeping(func::FuncOp func, ArrayRef<Tensor> inputs,
                        DenseMap<Value, Tensor> &values) {
  return runFunction(func, inputs, values, /*keep=*/true);
}

FailureOr<std::vector<Tensor>>
Interpreter::runFunction(func::FuncOp func, ArrayRef<Tensor> inputs,
                         DenseMap<Value, Tensor> &values, bool keep) {
  if (func.getBody().getBlocks().size() != 1)
    return func.emitError("the interpreter runs single-block functions only");
  Block &body = func.getBody().front();
  if (body.empty() || !isa<func::ReturnOp>(body.back()))
    return func.emitError("function has no return");
  if (inputs.size() != body.getNumArguments())
    return func.emitError() << "expected " << body.getNumArguments()
                            << " input(s), got " << inputs.size();
  for (auto [arg, input] : llvm::zip(body.getArguments(), inputs)) {
    auto type = dyn_cast<RankedTensorType>(arg.getType());
    if (!type)
      return func.emitError()
             << "argument type " << arg.getType() << " is not a ranked tensor";
    if (!type.hasStaticShape() ||
        type.getShape() != ArrayRef<int64_t>(input.shape)) {
      std::string got;
      llvm::raw_string_ostream os(got);
      llvm::interleave(input.shape, os, "x");
      return func.emitError() << "argument #" << arg.getArgNumber()
                              << " has type " << type << " but the input has "
                              << "shape " << got;
    }
    values[arg] = input;
  }
  return runBlock(body, values, keep);
}

FailureOr<std::vector<Tensor>>
Interpreter::runBlock(Block &block, DenseMap<Value, Tensor> &values,
                      bool keep) {
  return BlockRun(block, keep).run(*this, 0, values);
}

LogicalResult Interpreter::evaluate(Operation &op,
                                    DenseMap<Value, Tensor> &values, bool keep,
                                    ArrayRef<Value> dying) {
  SmallVector<const Tensor *> operands;
  for (Value v : op.getOperands()) {
    auto it = values.find(v);
    if (it == values.end())
      return op.emitOpError("uses a value the interpreter has not computed");
    operands.push_back(&it->second);
  }
  // scf.if runs the region its condition picks.
  if (auto ifOp = dyn_cast<scf::IfOp>(op)) {
    const Tensor &cond = *operands[0];
    Region &region = cond.i.empty() || cond.i[0] ? ifOp.getThenRegion()
                                                 : ifOp.getElseRegion();
    if (region.empty())
      return success(); // no results without an else region
    FailureOr<std::vector<Tensor>> results =
        runBlock(region.front(), values, keep);
    if (failed(results))
      return failure();
    for (auto [result, tensor] : llvm::zip(op.getResults(), *results))
      values[result] = std::move(tensor);
    return success();
  }
  // Constants convert from their attribute once per interpreter, not per
  // run: a model's weights through APFloat, on every batch, were a tenth of
  // a small model's time.
  Attribute constant;
  if (op.getNumResults() == 1 && op.hasTrait<OpTrait::ConstantLike>() &&
      matchPattern(&op, m_Constant(&constant))) {
    std::lock_guard<std::mutex> lock(constants->mutex);
    if (auto it = constants->tensors.find(constant);
        it != constants->tensors.end()) {
      values[op.getResult(0)] = it->second;
      return success();
    }
  }
  auto kernel = kernels.find(op.getName().getStringRef());
  static const Kernel structured = getStructuredKernel();
  const Kernel *run = kernel != kernels.end() ? &kernel->second : nullptr;
  if (!run && isa<linalg::LinalgOp>(op))
    run = &structured;
  if (!run)
    return op.emitOpError("has no reference semantics in the interpreter");
  SmallVector<Tensor> results;
  // The first operand's buffer for the result: only where this is its last
  // use, it is not also another operand, and it holds as many floats as the
  // result.
  if (!operands.empty() && op.getNumResults() == 1 &&
      inPlace.contains(op.getName().getStringRef()) &&
      llvm::is_contained(dying, op.getOperand(0)) &&
      llvm::count(op.getOperands(), op.getOperand(0)) == 1) {
    auto type = dyn_cast<RankedTensorType>(op.getResult(0).getType());
    Tensor &first = values.find(op.getOperand(0))->second;
    if (type && type.hasStaticShape() && first.isFloat &&
        isa<FloatType>(type.getElementType()) &&
        first.size() == type.getNumElements()) {
      results.push_back(std::move(first));
      operands[0] = &results[0];
    }
  }
  if (failed((*run)(&op, operands, results)))
    return failure();
  if (results.size() != op.getNumResults())
    return op.emitOpError("kernel produced the wrong number of results");
  if (constant) {
    std::lock_guard<std::mutex> lock(constants->mutex);
    constants->tensors.try_emplace(constant, results[0]);
  }
  for (auto [result, tensor] : llvm::zip(op.getResults(), results))
    values[result] = std::move(tensor);
  return success();
}

FailureOr<Tensor> kite::interp::tensorFromAttr(Operation *op,
                                               ElementsAttr attr) {
  auto type = cast<ShapedType>(attr.getType());
  auto dense = dyn_cast<DenseElementsAttr>(attr);
  if (!dense)
    return op->emitOpError("constant is not a dense elements attribute");
  Type element = type.getElementType();
  if (isa<FloatType>(element)) {
    Tensor t = Tensor::floats(type.getShape());
    size_t k = 0;
    for (const APFloat &v : dense.getValues<APFloat>())
      t.f[k++] = float(v.convertToDouble()); // exact for f32 sources
    return t;
  }
  if (element.isIntOrIndex()) {
    Tensor t = Tensor::ints(type.getShape());
    size_t k = 0;
    // Booleans (i1) are 0 and 1, not sign-extended.
    bool isUnsigned = element.isUnsignedInteger() || element.isInteger(1);
    for (const APInt &v : dense.getValues<APInt>())
      t.i[k++] = isUnsigned ? int64_t(v.getZExtValue()) : v.getSExtValue();
    return t;
  }
  return op->emitOpError() << "constant element type " << element
                           << " is not supported by the interpreter";
}

void kite::interp::registerBuiltinKernels(Interpreter &interp) {
  interp.registerKernel(
      "arith.constant",
      [](Operation *op, ArrayRef<const Tensor *>,
         SmallVectorImpl<Tensor> &out) -> LogicalResult {
        Attribute value = op->getAttr("value");
        // Scalars (used by linalg bodies and fills) are rank-0 tensors.
        if (auto f = dyn_cast<FloatAttr>(value)) {
          Tensor t = Tensor::floats({});
          t.f = {float(f.getValueAsDouble())};
          out.push_back(std::move(t));
          return success();
        }
        if (auto i = dyn_cast<IntegerAttr>(value)) {
          Tensor t = Tensor::ints({});
          t.i = {i.getValue().getSExtValue()};
          out.push_back(std::move(t));
          return success();
        }
        auto attr = dyn_cast<ElementsAttr>(value);
        if (!attr)
          return op->emitOpError(
              "constant kind not supported by the interpreter");
        FailureOr<Tensor> t = tensorFromAttr(op, attr);
        if (failed(t))
          return failure();
        out.push_back(std::move(*t));
        return success();
      });
  // tensor.extract reads one element (the condition of an scf.if).
  interp.registerKernel("tensor.extract",
                        [](Operation *op, ArrayRef<const Tensor *> in,
                           SmallVectorImpl<Tensor> &out) -> LogicalResult {
                          const Tensor &t = *in[0];
                          SmallVector<int64_t, 4> strides = stridesOf(t.shape);
                          int64_t at = 0;
                          for (size_t d = 0; d + 1 < in.size(); ++d) {
                            int64_t i =
                                in[d + 1]->i.empty() ? 0 : in[d + 1]->i[0];
                            if (d >= t.shape.size() || i < 0 || i >= t.shape[d])
                              return op->emitOpError("index out of range");
                            at += i * strides[d];
                          }
                          Tensor r =
                              t.isFloat ? Tensor::floats({}) : Tensor::ints({});
                          if (t.isFloat)
                            r.f[0] = t.f[at];
                          else
                            r.i[0] = t.i[at];
                          out.push_back(std::move(r));
                          return success();
                        });
}

void kite::interp::copyRowsFromHost(const tensorio::HostTensor &t,
                                    int64_t firstRow, int64_t rows, Tensor &dst,
                                    int64_t dstRow) {
  int64_t row =
      t.shape.empty() ? 1 : t.numElements() / std::max<int64_t>(t.shape[0], 1);
  for (int64_t k = 0, at = dstRow * row; k < rows * row && at + k < dst.size();
       ++k) {
    int64_t src = firstRow * row + k;
    if (dst.isFloat)
      dst.f[at + k] = t.isFloat() ? float(t.floats[src]) : float(t.ints[src]);
    else
      dst.i[at + k] = t.isFloat()
                          ? kite::numerics::truncateToInt64(t.floats[src])
                          : t.ints[src];
  }
}

Tensor kite::interp::tensorFromHost(const tensorio::HostTensor &t,
                                    int64_t firstRow, int64_t rows,
                                    RankedTensorType type) {
  Tensor r = isa<FloatType>(type.getElementType())
                 ? Tensor::floats(type.getShape())
                 : Tensor::ints(type.getShape());
  copyRowsFromHost(t, firstRow, rows, r, 0);
  return r;
}
