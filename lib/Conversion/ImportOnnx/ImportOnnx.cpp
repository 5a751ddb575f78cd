//===- ImportOnnx.cpp - ONNX models to TOSA -------------------------------===//
//
// Walks the (topologically sorted) ONNX graph and emits TOSA ops on static
// tensors. Initializers, Constant nodes and shape arithmetic (Shape, Gather,
// Concat, ... on constants) are evaluated on the host at import time, so a
// model exported with a dynamic batch imports as a static one.
//
//===----------------------------------------------------------------------===//

#include "kite/Conversion/ImportOnnx/ImportOnnx.h"
#include "kite/Interpreter/Interpreter.h"
#include "kite/TensorIO/Npy.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Verifier.h"
#include "llvm/Support/MemoryBuffer.h"

#include <onnx/onnx_pb.h>

#include <cmath>
#include <limits>

using namespace mlir;
using namespace kite;
using interp::Tensor;

namespace {
/// An ONNX value: an SSA value, or a constant known on the host (which is
/// materialized as tosa.const only when an emitted op needs it).
struct Val {
  Value value;
  SmallVector<int64_t, 4> shape;
  std::optional<Tensor> host;
};

int64_t product(ArrayRef<int64_t> shape) { return interp::numElements(shape); }

class Importer {
public:
  Importer(MLIRContext *ctx, StringRef name, const OnnxImportOptions &options)
      : ctx(ctx), options(options), b(ctx),
        fileLoc(FileLineColLoc::get(ctx, name, 0, 0)), loc(fileLoc) {}

  OwningOpRef<ModuleOp> run(const onnx::ModelProto &model);
  FailureOr<Tensor> hostTensorOf(const onnx::TensorProto &t) {
    where = "tensor";
    return hostTensor(t);
  }

private:
  // Diagnostics --------------------------------------------------------------
  InFlightDiagnostic fail() { return emitError(loc) << where << ": "; }

  // Values -------------------------------------------------------------------
  FailureOr<Val *> input(const onnx::NodeProto &node, int i);
  bool hasInput(const onnx::NodeProto &node, int i) {
    return i < node.input_size() && !node.input(i).empty();
  }
  void define(const onnx::NodeProto &node, int i, Val v) {
    env[node.output(i)] = std::move(v);
  }
  Val fromValue(Value v) {
    Val r;
    r.value = v;
    auto type = cast<RankedTensorType>(v.getType());
    r.shape.assign(type.getShape().begin(), type.getShape().end());
    return r;
  }
  Val fromHost(Tensor t) {
    Val r;
    r.shape = t.shape;
    r.host = std::move(t);
    return r;
  }
  FailureOr<Value> materialize(Val &v);
  FailureOr<Tensor> hostTensor(const onnx::TensorProto &t);

  // Emitters -----------------------------------------------------------------
  RankedTensorType f32(ArrayRef<int64_t> shape) {
    return RankedTensorType::get(shape, b.getF32Type());
  }
  template <typename OpTy>
  Value emit(ArrayRef<int64_t> shape, ValueRange operands,
             ArrayRef<NamedAttribute> attrs = {}, Type element = {}) {
    Type type =
        RankedTensorType::get(shape, element ? element : b.getF32Type());
    return OpTy::create(b, loc, TypeRange{type}, operands, attrs)->getResult(0);
  }
  Value constF32(ArrayRef<int64_t> shape, ArrayRef<float> data);
  Value scalarF32(float v) { return constF32({1}, {v}); }
  Value constShape(ArrayRef<int64_t> values);
  Value reshape(Value v, ArrayRef<int64_t> shape);
  Value transpose(Value v, ArrayRef<int32_t> perms);
  Value toRank(Value v, size_t rank);
  FailureOr<Value> broadcastBinary(StringRef op, Value x, Value y);
  Value unary(StringRef op, Value x);
  Value reduce(StringRef op, Value x, int64_t axis);
  FailureOr<Value> matmul(Value a, Value c);
  Value clamp(Value x, float lo, float hi);

  static SmallVector<int64_t, 4> shapeOf(Value v) {
    auto t = cast<RankedTensorType>(v.getType());
    return SmallVector<int64_t, 4>(t.getShape());
  }

  // Nodes --------------------------------------------------------------------
  LogicalResult importNode(const onnx::NodeProto &node);
  LogicalResult hostNode(const onnx::NodeProto &node, ArrayRef<Val *> in);

  MLIRContext *ctx;
  const OnnxImportOptions &options;
  OpBuilder b;
  Location fileLoc, loc;
  std::string where = "model";
  int64_t opset = 0;
  llvm::StringMap<Val> env;
};

// Attributes
// -------------------------------------------------------------------

const onnx::AttributeProto *attr(const onnx::NodeProto &n, StringRef name) {
  for (const onnx::AttributeProto &a : n.attribute())
    if (a.name() == name)
      return &a;
  return nullptr;
}
int64_t attrInt(const onnx::NodeProto &n, StringRef name, int64_t dflt) {
  const onnx::AttributeProto *a = attr(n, name);
  return a ? a->i() : dflt;
}
float attrFloat(const onnx::NodeProto &n, StringRef name, float dflt) {
  const onnx::AttributeProto *a = attr(n, name);
  return a ? a->f() : dflt;
}
std::string attrString(const onnx::NodeProto &n, StringRef name,
                       StringRef dflt) {
  const onnx::AttributeProto *a = attr(n, name);
  return a ? a->s() : dflt.str();
}
SmallVector<int64_t, 4> attrInts(const onnx::NodeProto &n, StringRef name) {
  const onnx::AttributeProto *a = attr(n, name);
  return a ? SmallVector<int64_t, 4>(a->ints().begin(), a->ints().end())
           : SmallVector<int64_t, 4>();
}

int64_t normAxis(int64_t axis, size_t rank) {
  return axis < 0 ? axis + int64_t(rank) : axis;
}
} // namespace

// Host constants
// ----------------------------------------------------------------

FailureOr<Tensor> Importer::hostTensor(const onnx::TensorProto &t) {
  SmallVector<int64_t, 4> shape(t.dims().begin(), t.dims().end());
  int64_t n = product(shape);
  const std::string &raw = t.raw_data();
  auto fromRaw = [&](auto tag, auto store) -> LogicalResult {
    using T = decltype(tag);
    if (raw.size() != size_t(n) * sizeof(T))
      return fail() << "tensor '" << t.name() << "' has " << raw.size()
                    << " bytes of data, expected " << n * int64_t(sizeof(T));
    for (int64_t k = 0; k < n; ++k) {
      T v;
      std::memcpy(&v, raw.data() + k * sizeof(T), sizeof(T));
      store(k, v);
    }
    return success();
  };
  Tensor r;
  switch (t.data_type()) {
  case onnx::TensorProto::FLOAT:
  case onnx::TensorProto::DOUBLE: {
    r = Tensor::floats(shape);
    auto store = [&](int64_t k, auto v) { r.f[k] = float(v); };
    if (!raw.empty()) {
      if (t.data_type() == onnx::TensorProto::FLOAT
              ? failed(fromRaw(float(), store))
              : failed(fromRaw(double(), store)))
        return failure();
    } else if (t.data_type() == onnx::TensorProto::FLOAT) {
      if (t.float_data_size() != n)
        return fail() << "tensor '" << t.name() << "' has "
                      << t.float_data_size() << " values, expected " << n;
      for (int64_t k = 0; k < n; ++k)
        r.f[k] = t.float_data(int(k));
    } else {
      if (t.double_data_size() != n)
        return fail() << "tensor '" << t.name() << "' has the wrong size";
      for (int64_t k = 0; k < n; ++k)
        r.f[k] = float(t.double_data(int(k)));
    }
    return r;
  }
  case onnx::TensorProto::INT64:
  case onnx::TensorProto::INT32:
  case onnx::TensorProto::INT8:
  case onnx::TensorProto::UINT8:
  case onnx::TensorProto::BOOL: {
    r = Tensor::ints(shape);
    auto store = [&](int64_t k, auto v) { r.i[k] = int64_t(v); };
    if (!raw.empty()) {
      switch (t.data_type()) {
      case onnx::TensorProto::INT64:
        return failed(fromRaw(int64_t(), store)) ? FailureOr<Tensor>() : r;
      case onnx::TensorProto::INT32:
        return failed(fromRaw(int32_t(), store)) ? FailureOr<Tensor>() : r;
      case onnx::TensorProto::INT8:
        return failed(fromRaw(int8_t(), store)) ? FailureOr<Tensor>() : r;
      default:
        return failed(fromRaw(uint8_t(), store)) ? FailureOr<Tensor>() : r;
      }
    }
    if (t.data_type() == onnx::TensorProto::INT64) {
      if (t.int64_data_size() != n)
        return fail() << "tensor '" << t.name() << "' has the wrong size";
      for (int64_t k = 0; k < n; ++k)
        r.i[k] = t.int64_data(int(k));
    } else {
      if (t.int32_data_size() != n)
        return fail() << "tensor '" << t.name() << "' has the wrong size";
      for (int64_t k = 0; k < n; ++k)
        r.i[k] = t.int32_data(int(k));
    }
    return r;
  }
  default:
    return fail() << "tensor '" << t.name() << "' has data type "
                  << onnx::TensorProto::DataType_Name(
                         onnx::TensorProto::DataType(t.data_type()))
                  << ", which is not supported";
  }
}

FailureOr<Value> Importer::materialize(Val &v) {
  if (v.value)
    return v.value;
  if (!v.host->isFloat)
    return fail() << "an integer tensor is used as data; only float tensors "
                     "are supported outside shape computations";
  v.value = constF32(v.shape, v.host->f);
  return v.value;
}

FailureOr<Val *> Importer::input(const onnx::NodeProto &node, int i) {
  if (!hasInput(node, i))
    return fail() << "missing input " << i;
  auto it = env.find(node.input(i));
  if (it == env.end())
    return fail() << "input '" << node.input(i) << "' is not defined";
  return &it->second;
}

// Emitters
// ------------------------------------------------------------------------

Value Importer::constF32(ArrayRef<int64_t> shape, ArrayRef<float> data) {
  auto type = f32(shape);
  auto attr = DenseElementsAttr::get(type, data);
  return tosa::ConstOp::create(b, loc, type, attr);
}

Value Importer::constShape(ArrayRef<int64_t> values) {
  auto type = RankedTensorType::get({int64_t(values.size())}, b.getIndexType());
  SmallVector<APInt> ints;
  for (int64_t v : values)
    ints.push_back(APInt(64, uint64_t(v), true));
  return tosa::ConstShapeOp::create(
      b, loc, tosa::shapeType::get(ctx, int(values.size())),
      DenseIntElementsAttr::get(type, ints));
}

Value Importer::reshape(Value v, ArrayRef<int64_t> shape) {
  if (ArrayRef<int64_t>(shapeOf(v)) == shape)
    return v;
  Type element = cast<RankedTensorType>(v.getType()).getElementType();
  return emit<tosa::ReshapeOp>(shape, {v, constShape(shape)}, {}, element);
}

Value Importer::transpose(Value v, ArrayRef<int32_t> perms) {
  SmallVector<int64_t, 4> in = shapeOf(v), shape;
  for (int32_t p : perms)
    shape.push_back(in[p]);
  return emit<tosa::TransposeOp>(
      shape, {v}, {b.getNamedAttr("perms", b.getDenseI32ArrayAttr(perms))});
}

Value Importer::toRank(Value v, size_t rank) {
  SmallVector<int64_t, 4> shape = shapeOf(v);
  if (shape.size() >= rank)
    return v;
  shape.insert(shape.begin(), rank - shape.size(), 1);
  return reshape(v, shape);
}

FailureOr<Value> Importer::broadcastBinary(StringRef op, Value x, Value y) {
  size_t rank = std::max(shapeOf(x).size(), shapeOf(y).size());
  x = toRank(x, rank);
  y = toRank(y, rank);
  SmallVector<int64_t, 4> sx = shapeOf(x), sy = shapeOf(y), shape;
  for (size_t d = 0; d < rank; ++d) {
    if (sx[d] != sy[d] && sx[d] != 1 && sy[d] != 1)
      return fail() << "operand shapes do not broadcast";
    shape.push_back(std::max(sx[d], sy[d]));
  }
  if (op == "add")
    return emit<tosa::AddOp>(shape, {x, y});
  if (op == "sub")
    return emit<tosa::SubOp>(shape, {x, y});
  if (op == "pow")
    return emit<tosa::PowOp>(shape, {x, y});
  if (op == "max")
    return emit<tosa::MaximumOp>(shape, {x, y});
  auto shiftType = RankedTensorType::get({1}, b.getI8Type());
  Value shift = tosa::ConstOp::create(
      b, loc, shiftType, DenseElementsAttr::get(shiftType, int8_t(0)));
  return emit<tosa::MulOp>(shape, {x, y, shift});
}

Value Importer::unary(StringRef op, Value x) {
  SmallVector<int64_t, 4> s = shapeOf(x);
  if (op == "exp")
    return emit<tosa::ExpOp>(s, {x});
  if (op == "log")
    return emit<tosa::LogOp>(s, {x});
  if (op == "erf")
    return emit<tosa::ErfOp>(s, {x});
  if (op == "tanh")
    return emit<tosa::TanhOp>(s, {x});
  if (op == "sigmoid")
    return emit<tosa::SigmoidOp>(s, {x});
  if (op == "rsqrt")
    return emit<tosa::RsqrtOp>(s, {x});
  if (op == "abs")
    return emit<tosa::AbsOp>(s, {x});
  if (op == "neg") {
    Value zp = scalarF32(0);
    return emit<tosa::NegateOp>(s, {x, zp, zp});
  }
  return emit<tosa::ReciprocalOp>(s, {x});
}

Value Importer::reduce(StringRef op, Value x, int64_t axis) {
  SmallVector<int64_t, 4> s = shapeOf(x);
  s[axis] = 1;
  NamedAttribute a = b.getNamedAttr("axis", b.getI32IntegerAttr(int32_t(axis)));
  if (op == "max")
    return emit<tosa::ReduceMaxOp>(s, {x}, {a});
  return emit<tosa::ReduceSumOp>(s, {x}, {a});
}

Value Importer::clamp(Value x, float lo, float hi) {
  return emit<tosa::ClampOp>(
      shapeOf(x), {x},
      {b.getNamedAttr("min_val", b.getF32FloatAttr(lo)),
       b.getNamedAttr("max_val", b.getF32FloatAttr(hi))});
}

/// ONNX MatMul (numpy semantics) as tosa.matmul on 3-D operands.
FailureOr<Value> Importer::matmul(Value a, Value c) {
  SmallVector<int64_t, 4> sa = shapeOf(a), sc = shapeOf(c);
  bool vecA = sa.size() == 1, vecC = sc.size() == 1;
  if (vecA)
    a = reshape(a, {1, sa[0]}), sa = {1, sa[0]};
  if (vecC)
    c = reshape(c, {sc[0], 1}), sc = {sc[0], 1};
  int64_t m = sa[sa.size() - 2], k = sa.back(), n = sc.back();
  if (sc[sc.size() - 2] != k)
    return fail() << "reduction dimensions differ (" << k << " vs "
                  << sc[sc.size() - 2] << ")";
  ArrayRef<int64_t> ba = ArrayRef<int64_t>(sa).drop_back(2),
                    bc = ArrayRef<int64_t>(sc).drop_back(2);
  SmallVector<int64_t, 4> outShape;
  Value r;
  Value zp = scalarF32(0);
  if (bc.empty() || product(bc) == 1) {
    // Shared right operand: fold the left batch into M.
    int64_t rows = product(ba) * m;
    Value a3 = reshape(a, {1, rows, k}), c3 = reshape(c, {1, k, n});
    r = emit<tosa::MatMulOp>({1, rows, n}, {a3, c3, zp, zp});
    outShape.assign(ba.begin(), ba.end());
    if (bc.size() > ba.size())
      outShape.assign(bc.begin(), bc.end());
  } else if (ba == bc) {
    int64_t batch = product(ba);
    Value a3 = reshape(a, {batch, m, k}), c3 = reshape(c, {batch, k, n});
    r = emit<tosa::MatMulOp>({batch, m, n}, {a3, c3, zp, zp});
    outShape.assign(ba.begin(), ba.end());
  } else {
    return fail() << "batch dimensions that broadcast are not supported";
  }
  if (!vecA)
    outShape.push_back(m);
  if (!vecC)
    outShape.push_back(n);
  return reshape(r, outShape);
}

// Host evaluation of shape computations
// ----------------------------------------------

/// numpy-broadcast elementwise op on host constants.
static FailureOr<Tensor> hostBinary(const Tensor &x, const Tensor &y,
                                    StringRef op) {
  size_t rank = std::max(x.shape.size(), y.shape.size());
  auto padded = [&](const Tensor &t) {
    SmallVector<int64_t, 4> s(rank - t.shape.size(), 1);
    s.append(t.shape.begin(), t.shape.end());
    return s;
  };
  SmallVector<int64_t, 4> sx = padded(x), sy = padded(y), shape;
  for (size_t d = 0; d < rank; ++d) {
    if (sx[d] != sy[d] && sx[d] != 1 && sy[d] != 1)
      return failure();
    shape.push_back(std::max(sx[d], sy[d]));
  }
  bool isFloat = x.isFloat || y.isFloat;
  Tensor r = isFloat ? Tensor::floats(shape) : Tensor::ints(shape);
  int64_t n = product(shape);
  for (int64_t idx = 0; idx < n; ++idx) {
    int64_t rem = idx, ox = 0, oy = 0, stride = n, strideX = product(sx),
            strideY = product(sy);
    for (size_t d = 0; d < rank; ++d) {
      stride /= shape[d];
      strideX /= sx[d];
      strideY /= sy[d];
      int64_t c = rem / stride;
      rem %= stride;
      ox += (sx[d] == 1 ? 0 : c) * strideX;
      oy += (sy[d] == 1 ? 0 : c) * strideY;
    }
    double a = x.isFloat ? x.f[ox] : double(x.i[ox]);
    double c = y.isFloat ? y.f[oy] : double(y.i[oy]);
    double v = op == "Add"   ? a + c
               : op == "Sub" ? a - c
               : op == "Mul" ? a * c
               : op == "Div"
                   ? (isFloat ? a / c : double(int64_t(a) / int64_t(c)))
               : op == "Equal" ? double(a == c)
                               : std::pow(a, c);
    if (isFloat)
      r.f[idx] = float(v);
    else
      r.i[idx] = int64_t(v);
  }
  return r;
}

/// Evaluates shape-manipulating nodes whose inputs are all host constants.
LogicalResult Importer::hostNode(const onnx::NodeProto &node,
                                 ArrayRef<Val *> in) {
  StringRef op = node.op_type();
  const Tensor &x = *in[0]->host;
  auto ints = [](const Tensor &t) {
    SmallVector<int64_t, 4> v;
    for (int64_t k = 0, n = t.size(); k < n; ++k)
      v.push_back(t.isFloat ? int64_t(t.f[k]) : t.i[k]);
    return v;
  };
  if (op == "Add" || op == "Sub" || op == "Mul" || op == "Div" || op == "Pow" ||
      op == "Equal") {
    FailureOr<Tensor> r = hostBinary(x, *in[1]->host, op);
    if (failed(r))
      return fail() << "operand shapes do not broadcast";
    define(node, 0, fromHost(std::move(*r)));
    return success();
  }
  if (op == "Cast") {
    int64_t to = attrInt(node, "to", 1);
    bool toFloat =
        to == onnx::TensorProto::FLOAT || to == onnx::TensorProto::DOUBLE;
    Tensor r = toFloat ? Tensor::floats(x.shape) : Tensor::ints(x.shape);
    for (int64_t k = 0, n = x.size(); k < n; ++k) {
      if (toFloat)
        r.f[k] = x.isFloat ? x.f[k] : float(x.i[k]);
      else
        r.i[k] = x.isFloat ? int64_t(x.f[k]) : x.i[k];
    }
    define(node, 0, fromHost(std::move(r)));
    return success();
  }
  // Data movement: reuse the value through an index map.
  auto remap = [&](ArrayRef<int64_t> shape, auto index) {
    Tensor r = x.isFloat ? Tensor::floats(shape) : Tensor::ints(shape);
    for (int64_t k = 0, n = r.size(); k < n; ++k) {
      int64_t src = index(k);
      if (x.isFloat)
        r.f[k] = x.f[src];
      else
        r.i[k] = x.i[src];
    }
    return r;
  };
  if (op == "Gather") {
    int64_t axis = normAxis(attrInt(node, "axis", 0), x.shape.size());
    SmallVector<int64_t, 4> idx = ints(*in[1]->host);
    int64_t dim = x.shape[axis];
    for (int64_t &i : idx) {
      if (i < -dim || i >= dim)
        return fail() << "index " << i << " is out of range for dimension "
                      << dim;
      if (i < 0)
        i += dim;
    }
    int64_t inner = product(ArrayRef<int64_t>(x.shape).drop_front(axis + 1));
    SmallVector<int64_t, 4> shape(x.shape.begin(), x.shape.begin() + axis);
    shape.append(in[1]->host->shape.begin(), in[1]->host->shape.end());
    shape.append(x.shape.begin() + axis + 1, x.shape.end());
    int64_t w = int64_t(idx.size());
    define(node, 0, fromHost(remap(shape, [&](int64_t k) {
             int64_t o = k / (w * inner), j = (k / inner) % w, i = k % inner;
             return (o * dim + idx[j]) * inner + i;
           })));
    return success();
  }
  if (op == "Concat") {
    int64_t axis = normAxis(attrInt(node, "axis", 0), x.shape.size());
    SmallVector<int64_t, 4> shape(x.shape);
    shape[axis] = 0;
    for (Val *v : in)
      shape[axis] += v->shape[axis];
    bool isFloat = x.isFloat;
    Tensor r = isFloat ? Tensor::floats(shape) : Tensor::ints(shape);
    int64_t outer = product(ArrayRef<int64_t>(shape).take_front(axis));
    int64_t inner = product(ArrayRef<int64_t>(shape).drop_front(axis + 1));
    int64_t offset = 0;
    for (Val *v : in) {
      const Tensor &t = *v->host;
      int64_t len = t.shape[axis];
      for (int64_t o = 0; o < outer; ++o)
        for (int64_t k = 0; k < len * inner; ++k) {
          int64_t dst = (o * shape[axis] + offset) * inner + k,
                  src = o * len * inner + k;
          if (isFloat)
            r.f[dst] = t.isFloat ? t.f[src] : float(t.i[src]);
          else
            r.i[dst] = t.isFloat ? int64_t(t.f[src]) : t.i[src];
        }
      offset += len;
    }
    define(node, 0, fromHost(std::move(r)));
    return success();
  }
  if (op == "Slice") {
    SmallVector<int64_t, 4> starts = ints(*in[1]->host),
                            ends = ints(*in[2]->host);
    SmallVector<int64_t, 4> axes, steps;
    if (in.size() > 3 && in[3])
      axes = ints(*in[3]->host);
    if (in.size() > 4 && in[4])
      steps = ints(*in[4]->host);
    SmallVector<int64_t, 4> start(x.shape.size(), 0), shape(x.shape);
    for (size_t j = 0; j < starts.size(); ++j) {
      int64_t a = axes.empty() ? int64_t(j) : normAxis(axes[j], x.shape.size());
      if (!steps.empty() && steps[j] != 1)
        return fail() << "steps other than 1 are not supported";
      int64_t dim = x.shape[a];
      int64_t s = starts[j] < 0 ? starts[j] + dim : starts[j];
      int64_t e = ends[j] < 0 ? ends[j] + dim : ends[j];
      s = std::clamp<int64_t>(s, 0, dim);
      e = std::clamp<int64_t>(e, 0, dim);
      start[a] = s;
      shape[a] = std::max<int64_t>(0, e - s);
    }
    SmallVector<int64_t, 4> srcShape(x.shape);
    define(node, 0, fromHost(remap(shape, [&](int64_t k) {
             int64_t src = 0, rem = k, stride = product(shape),
                     srcStride = product(srcShape);
             for (size_t d = 0; d < shape.size(); ++d) {
               stride /= shape[d];
               srcStride /= srcShape[d];
               src += (rem / stride + start[d]) * srcStride;
               rem %= stride;
             }
             return src;
           })));
    return success();
  }
  return fail() << "cannot evaluate on constants";
}

// Nodes
// ----------------------------------------------------------------------------

namespace {
/// Padding of a 2-D window op in ONNX order [top, left, bottom, right],
/// resolved from auto_pad, ceil_mode and pads; plus the number of trailing
/// input rows/columns that no window reads (TOSA needs the padded extent
/// minus the window to be a multiple of the stride, so those are cropped).
struct Window {
  SmallVector<int64_t, 4> pads;
  int64_t cropH = 0, cropW = 0;
  int64_t outH = 0, outW = 0;
};

FailureOr<Window> resolveWindow(const onnx::NodeProto &node,
                                ArrayRef<int64_t> in, ArrayRef<int64_t> kernel,
                                ArrayRef<int64_t> strides,
                                ArrayRef<int64_t> dil, bool ceilMode,
                                std::string &error) {
  Window w;
  w.pads = attrInts(node, "pads");
  if (w.pads.empty())
    w.pads = {0, 0, 0, 0};
  std::string autoPad = attrString(node, "auto_pad", "NOTSET");
  SmallVector<int64_t, 2> out(2);
  for (int d = 0; d < 2; ++d) {
    int64_t span = dil[d] * (kernel[d] - 1) + 1;
    if (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
      out[d] = (in[d] + strides[d] - 1) / strides[d];
      int64_t total =
          std::max<int64_t>(0, (out[d] - 1) * strides[d] + span - in[d]);
      int64_t small = total / 2, large = total - small;
      w.pads[d] = autoPad == "SAME_UPPER" ? small : large;
      w.pads[d + 2] = autoPad == "SAME_UPPER" ? large : small;
    } else if (autoPad == "VALID") {
      w.pads[d] = w.pads[d + 2] = 0;
      out[d] = (in[d] - span) / strides[d] + 1;
    } else if (autoPad == "NOTSET") {
      int64_t extent = in[d] + w.pads[d] + w.pads[d + 2] - span;
      out[d] = (ceilMode ? (extent + strides[d] - 1) / strides[d]
                         : extent / strides[d]) +
               1;
      // A ceil-mode window must start inside the input or its left padding.
      if (ceilMode && (out[d] - 1) * strides[d] >= in[d] + w.pads[d])
        --out[d];
    } else {
      error = "auto_pad '" + autoPad + "' is not supported";
      return failure();
    }
    if (out[d] < 1) {
      error = "the window is larger than the padded input";
      return failure();
    }
    // Make the padded extent exactly cover the windows: grow the end
    // padding (ceil mode) or shrink it and crop unread input (floor mode).
    int64_t needed = (out[d] - 1) * strides[d] + span;
    int64_t have = in[d] + w.pads[d] + w.pads[d + 2];
    if (needed > have) {
      w.pads[d + 2] += needed - have;
    } else {
      int64_t extra = have - needed;
      int64_t fromPad = std::min(extra, w.pads[d + 2]);
      w.pads[d + 2] -= fromPad;
      (d == 0 ? w.cropH : w.cropW) = extra - fromPad;
    }
  }
  w.outH = out[0];
  w.outW = out[1];
  return w;
}
} // namespace

/// Output shape of Reshape: 0 copies the input dimension, -1 is inferred.
static FailureOr<SmallVector<int64_t, 4>>
reshapeTarget(ArrayRef<int64_t> in, ArrayRef<int64_t> spec, bool allowZero) {
  SmallVector<int64_t, 4> shape;
  int64_t known = 1, infer = -1;
  for (size_t d = 0; d < spec.size(); ++d) {
    int64_t s = spec[d];
    if (s == 0 && !allowZero) {
      if (d >= in.size())
        return failure();
      s = in[d];
    }
    if (s == -1) {
      if (infer >= 0)
        return failure();
      infer = int64_t(d);
      shape.push_back(1);
      continue;
    }
    if (s < 0)
      return failure();
    shape.push_back(s);
    known *= s;
  }
  if (infer >= 0) {
    if (known == 0 || product(in) % known)
      return failure();
    shape[infer] = product(in) / known;
  }
  if (product(shape) != product(in))
    return failure();
  return shape;
}

LogicalResult Importer::importNode(const onnx::NodeProto &node) {
  StringRef op = node.op_type();
  SmallVector<Val *> in;
  for (int i = 0; i < node.input_size(); ++i) {
    if (node.input(i).empty()) {
      in.push_back(nullptr);
      continue;
    }
    FailureOr<Val *> v = input(node, i);
    if (failed(v))
      return failure();
    in.push_back(*v);
  }
  auto inputInts = [&](int i) -> std::optional<SmallVector<int64_t, 4>> {
    if (i >= int(in.size()) || !in[i])
      return std::nullopt;
    if (!in[i]->host)
      return std::nullopt;
    SmallVector<int64_t, 4> v;
    const Tensor &t = *in[i]->host;
    for (int64_t k = 0, n = t.size(); k < n; ++k)
      v.push_back(t.isFloat ? int64_t(t.f[k]) : t.i[k]);
    return v;
  };
  auto data = [&](int i) -> FailureOr<Value> {
    if (i >= int(in.size()) || !in[i])
      return fail() << "missing input " << i;
    return materialize(*in[i]);
  };
  auto out = [&](Value v) {
    define(node, 0, fromValue(v));
    return success();
  };
  auto outHost = [&](Tensor t) {
    define(node, 0, fromHost(std::move(t)));
    return success();
  };
  auto allHost = llvm::all_of(in, [](Val *v) { return !v || v->host; });

  if (op == "Constant") {
    if (const onnx::AttributeProto *a = attr(node, "value")) {
      FailureOr<Tensor> t = hostTensor(a->t());
      if (failed(t))
        return failure();
      return outHost(std::move(*t));
    }
    if (const onnx::AttributeProto *a = attr(node, "value_float")) {
      Tensor t = Tensor::floats({});
      t.f = {a->f()};
      return outHost(std::move(t));
    }
    if (const onnx::AttributeProto *a = attr(node, "value_int")) {
      Tensor t = Tensor::ints({});
      t.i = {a->i()};
      return outHost(std::move(t));
    }
    if (const onnx::AttributeProto *a = attr(node, "value_ints")) {
      Tensor t = Tensor::ints({a->ints_size()});
      t.i.assign(a->ints().begin(), a->ints().end());
      return outHost(std::move(t));
    }
    return fail() << "unsupported Constant attribute";
  }
  if (op == "Identity") {
    define(node, 0, *in[0]);
    return success();
  }
  if (op == "Shape") {
    int64_t rank = int64_t(in[0]->shape.size());
    int64_t start = normAxis(attrInt(node, "start", 0), rank);
    int64_t end =
        attr(node, "end") ? normAxis(attrInt(node, "end", rank), rank) : rank;
    start = std::clamp<int64_t>(start, 0, rank);
    end = std::clamp<int64_t>(end, start, rank);
    Tensor t = Tensor::ints({end - start});
    for (int64_t d = start; d < end; ++d)
      t.i[d - start] = in[0]->shape[d];
    return outHost(std::move(t));
  }
  // Shape arithmetic on constants stays on the host.
  if (allHost && (op == "Gather" || op == "Concat" || op == "Cast" ||
                  op == "Add" || op == "Sub" || op == "Mul" || op == "Div" ||
                  op == "Pow" || op == "Equal" || op == "Slice"))
    return hostNode(node, in);

  // Reshape-like ops work on host constants too.
  if (op == "Reshape" || op == "Flatten" || op == "Squeeze" ||
      op == "Unsqueeze") {
    SmallVector<int64_t, 4> shape;
    ArrayRef<int64_t> ins = in[0]->shape;
    if (op == "Reshape") {
      std::optional<SmallVector<int64_t, 4>> spec = inputInts(1);
      if (!spec)
        return fail() << "the target shape must be a constant";
      FailureOr<SmallVector<int64_t, 4>> target =
          reshapeTarget(ins, *spec, attrInt(node, "allowzero", 0));
      if (failed(target))
        return fail() << "invalid target shape for " << product(ins)
                      << " elements";
      shape = *target;
    } else if (op == "Flatten") {
      int64_t axis = normAxis(attrInt(node, "axis", 1), ins.size());
      shape = {product(ins.take_front(axis)), product(ins.drop_front(axis))};
    } else {
      SmallVector<int64_t, 4> axes = attrInts(node, "axes");
      if (std::optional<SmallVector<int64_t, 4>> a = inputInts(1))
        axes = *a;
      if (op == "Squeeze") {
        for (int64_t &a : axes)
          a = normAxis(a, ins.size());
        for (size_t d = 0; d < ins.size(); ++d) {
          bool drop =
              axes.empty() ? ins[d] == 1 : llvm::is_contained(axes, int64_t(d));
          if (drop && ins[d] != 1)
            return fail() << "cannot squeeze dimension " << d << " of size "
                          << ins[d];
          if (!drop)
            shape.push_back(ins[d]);
        }
      } else {
        size_t rank = ins.size() + axes.size();
        for (int64_t &a : axes)
          a = normAxis(a, rank);
        size_t src = 0;
        for (size_t d = 0; d < rank; ++d)
          shape.push_back(llvm::is_contained(axes, int64_t(d)) ? 1
                                                               : ins[src++]);
      }
    }
    if (in[0]->host) {
      Tensor t = *in[0]->host;
      t.shape = shape;
      return outHost(std::move(t));
    }
    return out(reshape(in[0]->value, shape));
  }

  if (op == "Add" || op == "Sub" || op == "Mul" || op == "Pow" || op == "Div") {
    FailureOr<Value> x = data(0);
    if (failed(x))
      return failure();
    if (op == "Div") {
      // x / y = x * (1 / y); a constant divisor is inverted on the host.
      Value recip;
      if (in[1]->host && in[1]->host->isFloat) {
        Tensor r = *in[1]->host;
        for (float &v : r.f)
          v = 1.0f / v;
        recip = constF32(r.shape, r.f);
      } else {
        FailureOr<Value> y = data(1);
        if (failed(y))
          return failure();
        recip = unary("reciprocal", *y);
      }
      FailureOr<Value> r = broadcastBinary("mul", *x, recip);
      return failed(r) ? failure() : out(*r);
    }
    FailureOr<Value> y = data(1);
    if (failed(y))
      return failure();
    StringRef name = op == "Add"   ? "add"
                     : op == "Sub" ? "sub"
                     : op == "Mul" ? "mul"
                                   : "pow";
    FailureOr<Value> r = broadcastBinary(name, *x, *y);
    return failed(r) ? failure() : out(*r);
  }
  if (op == "Relu" || op == "Exp" || op == "Erf" || op == "Tanh" ||
      op == "Sigmoid" || op == "Sqrt" || op == "Log" || op == "Neg" ||
      op == "Reciprocal" || op == "Abs") {
    FailureOr<Value> x = data(0);
    if (failed(x))
      return failure();
    if (op == "Relu")
      return out(clamp(*x, 0.0f, std::numeric_limits<float>::max()));
    if (op == "Sqrt") {
      Value half =
          constF32(SmallVector<int64_t, 4>(shapeOf(*x).size(), 1), {0.5f});
      return out(emit<tosa::PowOp>(shapeOf(*x), {*x, half}));
    }
    // unary() takes the lower-case ONNX names.
    return out(unary(op.lower(), *x));
  }
  if (op == "MatMul") {
    FailureOr<Value> a = data(0), c = data(1);
    if (failed(a) || failed(c))
      return failure();
    FailureOr<Value> r = matmul(*a, *c);
    return failed(r) ? failure() : out(*r);
  }
  if (op == "Gemm") {
    FailureOr<Value> a = data(0), c = data(1);
    if (failed(a) || failed(c))
      return failure();
    if (shapeOf(*a).size() != 2 || shapeOf(*c).size() != 2)
      return fail() << "Gemm operands must be 2-D";
    Value A = attrInt(node, "transA", 0) ? transpose(*a, {1, 0}) : *a;
    Value B = attrInt(node, "transB", 0) ? transpose(*c, {1, 0}) : *c;
    FailureOr<Value> r = matmul(A, B);
    if (failed(r))
      return failure();
    float alpha = attrFloat(node, "alpha", 1.0f),
          beta = attrFloat(node, "beta", 1.0f);
    Value y = *r;
    if (alpha != 1.0f) {
      FailureOr<Value> s = broadcastBinary("mul", y, scalarF32(alpha));
      if (failed(s))
        return failure();
      y = *s;
    }
    if (in.size() > 2 && in[2] && beta != 0.0f) {
      FailureOr<Value> bias = data(2);
      if (failed(bias))
        return failure();
      Value bv = *bias;
      if (beta != 1.0f) {
        FailureOr<Value> s = broadcastBinary("mul", bv, scalarF32(beta));
        if (failed(s))
          return failure();
        bv = *s;
      }
      FailureOr<Value> sum = broadcastBinary("add", y, bv);
      if (failed(sum))
        return failure();
      y = *sum;
    }
    return out(y);
  }
  if (op == "Conv") {
    FailureOr<Value> x = data(0), wv = data(1);
    if (failed(x) || failed(wv))
      return failure();
    if (attrInt(node, "group", 1) != 1)
      return fail() << "grouped convolution (group = "
                    << attrInt(node, "group", 1) << ") is not supported";
    SmallVector<int64_t, 4> ws = shapeOf(*wv), xs = shapeOf(*x);
    if (ws.size() != 4 || xs.size() != 4)
      return fail() << "only 2-D convolution (4-D tensors) is supported";
    int64_t oc = ws[0], ic = ws[1];
    if (xs[1] != ic)
      return fail() << "input has " << xs[1] << " channels, weights expect "
                    << ic;
    SmallVector<int64_t, 4> strides = attrInts(node, "strides"),
                            dil = attrInts(node, "dilations"),
                            kernel = {ws[2], ws[3]};
    if (strides.empty())
      strides = {1, 1};
    if (dil.empty())
      dil = {1, 1};
    std::string error;
    FailureOr<Window> win =
        resolveWindow(node, {xs[2], xs[3]}, kernel, strides, dil, false, error);
    if (failed(win))
      return fail() << error;
    Value bias;
    if (in.size() > 2 && in[2]) {
      FailureOr<Value> bv = data(2);
      if (failed(bv))
        return failure();
      bias = *bv;
    } else {
      bias = constF32({oc}, std::vector<float>(size_t(oc), 0.0f));
    }
    Value nhwc = transpose(*x, {0, 2, 3, 1});
    if (win->cropH || win->cropW)
      nhwc = emit<tosa::SliceOp>(
          {xs[0], xs[2] - win->cropH, xs[3] - win->cropW, xs[1]},
          {nhwc, constShape({0, 0, 0, 0}),
           constShape({xs[0], xs[2] - win->cropH, xs[3] - win->cropW, xs[1]})});
    Value zp = scalarF32(0);
    Value y = emit<tosa::Conv2DOp>(
        {xs[0], win->outH, win->outW, oc},
        {nhwc, transpose(*wv, {0, 2, 3, 1}), bias, zp, zp},
        {b.getNamedAttr("pad",
                        b.getDenseI64ArrayAttr({win->pads[0], win->pads[2],
                                                win->pads[1], win->pads[3]})),
         b.getNamedAttr("stride", b.getDenseI64ArrayAttr(strides)),
         b.getNamedAttr("dilation", b.getDenseI64ArrayAttr(dil)),
         b.getNamedAttr("acc_type", TypeAttr::get(b.getF32Type()))});
    return out(transpose(y, {0, 3, 1, 2}));
  }
  if (op == "MaxPool" || op == "AveragePool") {
    FailureOr<Value> x = data(0);
    if (failed(x))
      return failure();
    SmallVector<int64_t, 4> dil = attrInts(node, "dilations");
    if (llvm::any_of(dil, [](int64_t d) { return d != 1; }))
      return fail() << "dilated pooling is not supported";
    if (node.output_size() > 1 && !node.output(1).empty())
      return fail() << "the Indices output is not supported";
    SmallVector<int64_t, 4> k = attrInts(node, "kernel_shape"),
                            strides = attrInts(node, "strides");
    SmallVector<int64_t, 4> xs = shapeOf(*x);
    if (k.size() != 2 || xs.size() != 4)
      return fail() << "only 2-D pooling is supported";
    if (strides.empty())
      strides = {1, 1};
    std::string error;
    FailureOr<Window> win =
        resolveWindow(node, {xs[2], xs[3]}, k, strides, {1, 1},
                      attrInt(node, "ceil_mode", 0), error);
    if (failed(win))
      return fail() << error;
    Value nhwc = transpose(*x, {0, 2, 3, 1});
    int64_t h = xs[2] - win->cropH, w = xs[3] - win->cropW;
    if (win->cropH || win->cropW)
      nhwc = emit<tosa::SliceOp>(
          {xs[0], h, w, xs[1]},
          {nhwc, constShape({0, 0, 0, 0}), constShape({xs[0], h, w, xs[1]})});
    SmallVector<int64_t, 4> pad = {win->pads[0], win->pads[2], win->pads[1],
                                   win->pads[3]};
    bool countPad =
        op == "AveragePool" && attrInt(node, "count_include_pad", 0);
    if (countPad) {
      // Zero padding that counts: pad explicitly (only the ONNX pads; the
      // ceil-mode extension is never counted).
      SmallVector<int64_t, 4> onnxPads = attrInts(node, "pads");
      if (onnxPads.empty())
        onnxPads = {0, 0, 0, 0};
      int64_t t = onnxPads[0], l = onnxPads[1];
      int64_t bt = std::min(onnxPads[2], win->pads[2]),
              r = std::min(onnxPads[3], win->pads[3]);
      nhwc = emit<tosa::PadOp>(
          {xs[0], h + t + bt, w + l + r, xs[1]},
          {nhwc, constShape({0, 0, t, bt, l, r, 0, 0}), scalarF32(0)});
      pad = {0, win->pads[2] - bt, 0, win->pads[3] - r};
    }
    SmallVector<NamedAttribute> attrs = {
        b.getNamedAttr("kernel", b.getDenseI64ArrayAttr(k)),
        b.getNamedAttr("stride", b.getDenseI64ArrayAttr(strides)),
        b.getNamedAttr("pad", b.getDenseI64ArrayAttr(pad))};
    SmallVector<int64_t, 4> shape = {xs[0], win->outH, win->outW, xs[1]};
    Value y;
    if (op == "MaxPool") {
      y = emit<tosa::MaxPool2dOp>(shape, {nhwc}, attrs);
    } else {
      attrs.push_back(
          b.getNamedAttr("acc_type", TypeAttr::get(b.getF32Type())));
      Value zp = scalarF32(0);
      y = emit<tosa::AvgPool2dOp>(shape, {nhwc, zp, zp}, attrs);
    }
    return out(transpose(y, {0, 3, 1, 2}));
  }
  if (op == "GlobalAveragePool") {
    FailureOr<Value> x = data(0);
    if (failed(x))
      return failure();
    SmallVector<int64_t, 4> xs = shapeOf(*x);
    Value y = *x;
    int64_t count = 1;
    for (size_t d = 2; d < xs.size(); ++d) {
      y = reduce("sum", y, int64_t(d));
      count *= xs[d];
    }
    FailureOr<Value> r =
        broadcastBinary("mul", y, scalarF32(1.0f / float(count)));
    return failed(r) ? failure() : out(*r);
  }
  if (op == "BatchNormalization") {
    if (attrInt(node, "training_mode", 0))
      return fail() << "training_mode = 1 is not supported";
    SmallVector<Value, 5> v;
    for (int i = 0; i <= 4; ++i) {
      FailureOr<Value> vi = data(i);
      if (failed(vi))
        return failure();
      v.push_back(*vi);
    }
    float eps = attrFloat(node, "epsilon", 1e-5f);
    int64_t c = shapeOf(v[1])[0];
    SmallVector<int64_t, 4> shape(shapeOf(v[0]).size(), 1);
    shape[1] = c;
    for (int i = 1; i <= 4; ++i)
      v[i] = reshape(v[i], shape);
    // y = (x - mean) * scale / sqrt(var + eps) + bias
    FailureOr<Value> ve = broadcastBinary("add", v[4], scalarF32(eps));
    if (failed(ve))
      return failure();
    FailureOr<Value> k = broadcastBinary("mul", v[1], unary("rsqrt", *ve));
    if (failed(k))
      return failure();
    FailureOr<Value> d = broadcastBinary("sub", v[0], v[3]);
    if (failed(d))
      return failure();
    FailureOr<Value> m = broadcastBinary("mul", *d, *k);
    if (failed(m))
      return failure();
    FailureOr<Value> r = broadcastBinary("add", *m, v[2]);
    return failed(r) ? failure() : out(*r);
  }
  if (op == "Softmax" || op == "LogSoftmax") {
    FailureOr<Value> x = data(0);
    if (failed(x))
      return failure();
    size_t rank = shapeOf(*x).size();
    int64_t axis = normAxis(attrInt(node, "axis", opset >= 13 ? -1 : 1), rank);
    if (opset < 13 && axis != int64_t(rank) - 1)
      return fail() << "opset " << opset << " softmax over axis " << axis
                    << " (flattening semantics) is not supported";
    Value m = reduce("max", *x, axis);
    FailureOr<Value> d = broadcastBinary("sub", *x, m);
    if (failed(d))
      return failure();
    Value e = unary("exp", *d);
    Value s = reduce("sum", e, axis);
    FailureOr<Value> r;
    if (op == "Softmax")
      r = broadcastBinary("mul", e, unary("reciprocal", s));
    else
      r = broadcastBinary("sub", *d, unary("log", s));
    return failed(r) ? failure() : out(*r);
  }
  if (op == "LayerNormalization") {
    FailureOr<Value> x = data(0);
    if (failed(x))
      return failure();
    SmallVector<int64_t, 4> xs = shapeOf(*x);
    int64_t axis = normAxis(attrInt(node, "axis", -1), xs.size());
    float eps = attrFloat(node, "epsilon", 1e-5f);
    int64_t count = product(ArrayRef<int64_t>(xs).drop_front(axis));
    Value inv = scalarF32(1.0f / float(count));
    auto mean = [&](Value v) -> FailureOr<Value> {
      for (int64_t d = axis; d < int64_t(xs.size()); ++d)
        v = reduce("sum", v, d);
      return broadcastBinary("mul", v, inv);
    };
    FailureOr<Value> mu = mean(*x);
    if (failed(mu))
      return failure();
    FailureOr<Value> d = broadcastBinary("sub", *x, *mu);
    if (failed(d))
      return failure();
    FailureOr<Value> sq = broadcastBinary("mul", *d, *d);
    if (failed(sq))
      return failure();
    FailureOr<Value> var = mean(*sq);
    if (failed(var))
      return failure();
    FailureOr<Value> ve = broadcastBinary("add", *var, scalarF32(eps));
    if (failed(ve))
      return failure();
    Value invStd = unary("rsqrt", *ve);
    FailureOr<Value> y = broadcastBinary("mul", *d, invStd);
    if (failed(y))
      return failure();
    // Optional outputs: the mean and 1/sqrt(var + eps), reduced dims kept.
    if (node.output_size() > 1 && !node.output(1).empty())
      define(node, 1, fromValue(*mu));
    if (node.output_size() > 2 && !node.output(2).empty())
      define(node, 2, fromValue(invStd));
    for (int i = 1; i <= 2; ++i) {
      if (i >= int(in.size()) || !in[i])
        continue;
      FailureOr<Value> p = data(i);
      if (failed(p))
        return failure();
      y = broadcastBinary(i == 1 ? "mul" : "add", *y, *p);
      if (failed(y))
        return failure();
    }
    return out(*y);
  }
  if (op == "ReduceMean" || op == "ReduceSum" || op == "ReduceMax") {
    FailureOr<Value> x = data(0);
    if (failed(x))
      return failure();
    SmallVector<int64_t, 4> xs = shapeOf(*x);
    SmallVector<int64_t, 4> axes = attrInts(node, "axes");
    if (std::optional<SmallVector<int64_t, 4>> a = inputInts(1))
      axes = *a;
    else if (in.size() > 1 && in[1])
      return fail() << "the axes must be constant";
    if (axes.empty()) {
      if (op == "ReduceSum" && attrInt(node, "noop_with_empty_axes", 0))
        return out(*x);
      for (size_t d = 0; d < xs.size(); ++d)
        axes.push_back(int64_t(d));
    }
    Value y = *x;
    int64_t count = 1;
    for (int64_t a : axes) {
      a = normAxis(a, xs.size());
      y = reduce(op == "ReduceMax" ? "max" : "sum", y, a);
      count *= xs[a];
    }
    if (op == "ReduceMean") {
      FailureOr<Value> r =
          broadcastBinary("mul", y, scalarF32(1.0f / float(count)));
      if (failed(r))
        return failure();
      y = *r;
    }
    if (!attrInt(node, "keepdims", 1)) {
      SmallVector<int64_t, 4> shape;
      for (size_t d = 0; d < xs.size(); ++d)
        if (!llvm::any_of(axes, [&](int64_t a) {
              return normAxis(a, xs.size()) == int64_t(d);
            }))
          shape.push_back(xs[d]);
      y = reshape(y, shape);
    }
    return out(y);
  }
  if (op == "Transpose") {
    FailureOr<Value> x = data(0);
    if (failed(x))
      return failure();
    SmallVector<int64_t, 4> perm = attrInts(node, "perm");
    size_t rank = shapeOf(*x).size();
    SmallVector<int32_t> perms;
    for (size_t d = 0; d < rank; ++d)
      perms.push_back(int32_t(perm.empty() ? rank - 1 - d : perm[d]));
    return out(transpose(*x, perms));
  }
  if (op == "Concat") {
    SmallVector<Value> values;
    for (size_t i = 0; i < in.size(); ++i) {
      FailureOr<Value> v = data(int(i));
      if (failed(v))
        return failure();
      values.push_back(*v);
    }
    SmallVector<int64_t, 4> shape = shapeOf(values[0]);
    int64_t axis = normAxis(attrInt(node, "axis", 0), shape.size());
    shape[axis] = 0;
    for (Value v : values)
      shape[axis] += shapeOf(v)[axis];
    return out(emit<tosa::ConcatOp>(
        shape, values,
        {b.getNamedAttr("axis", b.getI32IntegerAttr(int32_t(axis)))}));
  }
  if (op == "Slice" || op == "Split") {
    FailureOr<Value> x = data(0);
    if (failed(x))
      return failure();
    SmallVector<int64_t, 4> xs = shapeOf(*x);
    auto slice = [&](ArrayRef<int64_t> start, ArrayRef<int64_t> size) {
      return emit<tosa::SliceOp>(size,
                                 {*x, constShape(start), constShape(size)});
    };
    if (op == "Split") {
      int64_t axis = normAxis(attrInt(node, "axis", 0), xs.size());
      SmallVector<int64_t, 4> split = attrInts(node, "split");
      if (std::optional<SmallVector<int64_t, 4>> s = inputInts(1))
        split = *s;
      if (split.empty()) {
        int64_t parts = node.output_size();
        if (xs[axis] % parts)
          return fail() << "dimension " << xs[axis] << " does not split into "
                        << parts << " equal parts";
        split.assign(size_t(parts), xs[axis] / parts);
      }
      if (int64_t(split.size()) != node.output_size())
        return fail() << "split sizes do not match the outputs";
      int64_t offset = 0;
      for (int i = 0; i < node.output_size(); ++i) {
        SmallVector<int64_t, 4> start(xs.size(), 0), size(xs);
        start[axis] = offset;
        size[axis] = split[i];
        offset += split[i];
        define(node, i, fromValue(slice(start, size)));
      }
      return success();
    }
    std::optional<SmallVector<int64_t, 4>> starts = inputInts(1),
                                           ends = inputInts(2),
                                           axes = inputInts(3),
                                           steps = inputInts(4);
    if (!starts || !ends || (in.size() > 3 && in[3] && !axes) ||
        (in.size() > 4 && in[4] && !steps))
      return fail() << "starts, ends, axes and steps must be constant";
    SmallVector<int64_t, 4> start(xs.size(), 0), size(xs);
    for (size_t j = 0; j < starts->size(); ++j) {
      int64_t a = axes ? normAxis((*axes)[j], xs.size()) : int64_t(j);
      if (steps && (*steps)[j] != 1)
        return fail() << "steps other than 1 are not supported";
      int64_t dim = xs[a];
      int64_t s = (*starts)[j], e = (*ends)[j];
      s = s < 0 ? s + dim : s;
      e = e < 0 ? e + dim : e;
      s = std::clamp<int64_t>(s, 0, dim);
      e = std::clamp<int64_t>(e, 0, dim);
      start[a] = s;
      size[a] = std::max<int64_t>(0, e - s);
    }
    return out(slice(start, size));
  }
  if (op == "Gather") {
    FailureOr<Value> x = data(0);
    if (failed(x))
      return failure();
    std::optional<SmallVector<int64_t, 4>> idx = inputInts(1);
    if (!idx)
      return fail() << "only constant indices are supported";
    SmallVector<int64_t, 4> xs = shapeOf(*x);
    int64_t axis = normAxis(attrInt(node, "axis", 0), xs.size());
    int64_t dim = xs[axis];
    int64_t outer = product(ArrayRef<int64_t>(xs).take_front(axis));
    int64_t inner = product(ArrayRef<int64_t>(xs).drop_front(axis + 1));
    int64_t w = int64_t(idx->size());
    auto itype = RankedTensorType::get({outer, w}, b.getI32Type());
    SmallVector<int32_t> indices;
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t i : *idx) {
        if (i < -dim || i >= dim)
          return fail() << "index " << i << " is out of range for dimension "
                        << dim;
        indices.push_back(int32_t(i < 0 ? i + dim : i));
      }
    Value ind = tosa::ConstOp::create(
        b, loc, itype,
        DenseElementsAttr::get(itype, ArrayRef<int32_t>(indices)));
    Value g = emit<tosa::GatherOp>({outer, w, inner},
                                   {reshape(*x, {outer, dim, inner}), ind});
    SmallVector<int64_t, 4> shape(xs.begin(), xs.begin() + axis);
    shape.append(in[1]->shape.begin(), in[1]->shape.end());
    shape.append(xs.begin() + axis + 1, xs.end());
    return out(reshape(g, shape));
  }
  if (op == "Pad") {
    FailureOr<Value> x = data(0);
    if (failed(x))
      return failure();
    if (attrString(node, "mode", "constant") != "constant")
      return fail() << "pad mode '" << attrString(node, "mode", "constant")
                    << "' is not supported";
    std::optional<SmallVector<int64_t, 4>> pads = inputInts(1);
    if (!pads)
      return fail() << "the pads must be constant";
    if (in.size() > 3 && in[3])
      return fail() << "the axes input is not supported";
    float value = 0.0f;
    if (in.size() > 2 && in[2]) {
      if (!in[2]->host)
        return fail() << "the constant_value must be constant";
      value =
          in[2]->host->isFloat ? in[2]->host->f[0] : float(in[2]->host->i[0]);
    }
    SmallVector<int64_t, 4> xs = shapeOf(*x), padding, shape;
    size_t rank = xs.size();
    if (pads->size() != 2 * rank)
      return fail() << "expected " << 2 * rank << " pads, got " << pads->size();
    for (size_t d = 0; d < rank; ++d) {
      if ((*pads)[d] < 0 || (*pads)[d + rank] < 0)
        return fail() << "negative pads are not supported";
      padding.push_back((*pads)[d]);
      padding.push_back((*pads)[d + rank]);
      shape.push_back(xs[d] + (*pads)[d] + (*pads)[d + rank]);
    }
    return out(
        emit<tosa::PadOp>(shape, {*x, constShape(padding), scalarF32(value)}));
  }
  if (op == "Cast") {
    FailureOr<Value> x = data(0);
    if (failed(x))
      return failure();
    int64_t to = attrInt(node, "to", 1);
    if (to != onnx::TensorProto::FLOAT)
      return fail() << "casting a float tensor to "
                    << onnx::TensorProto::DataType_Name(
                           onnx::TensorProto::DataType(to))
                    << " is not supported";
    return out(*x);
  }
  return fail() << "op '" << op << "' is not supported";
}

OwningOpRef<ModuleOp> Importer::run(const onnx::ModelProto &model) {
  for (const onnx::OperatorSetIdProto &set : model.opset_import())
    if (set.domain().empty() || set.domain() == "ai.onnx")
      opset = set.version();
  // 13-17 is the target; 11 and 12 have the same semantics for the
  // supported ops (axes as attributes are handled too).
  if (opset < 11 || opset > 17) {
    fail() << "opset " << opset << " is not supported (supported: 11-17)";
    return nullptr;
  }
  ctx->loadDialect<func::FuncDialect, tosa::TosaDialect>();
  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc);
  b.setInsertionPointToEnd(module->getBody());
  const onnx::GraphProto &graph = model.graph();

  for (const onnx::TensorProto &init : graph.initializer()) {
    where = "initializer '" + init.name() + "'";
    FailureOr<Tensor> t = hostTensor(init);
    if (failed(t))
      return nullptr;
    env[init.name()] = fromHost(std::move(*t));
  }
  // Graph inputs that are not initializers become arguments.
  SmallVector<Type> argTypes;
  SmallVector<std::string> argNames;
  for (const onnx::ValueInfoProto &vi : graph.input()) {
    if (env.count(vi.name()))
      continue;
    where = "input '" + vi.name() + "'";
    const onnx::TypeProto_Tensor &tt = vi.type().tensor_type();
    if (tt.elem_type() != onnx::TensorProto::FLOAT) {
      fail() << "element type "
             << onnx::TensorProto::DataType_Name(
                    onnx::TensorProto::DataType(tt.elem_type()))
             << " is not supported (float inputs only)";
      return nullptr;
    }
    SmallVector<int64_t, 4> shape;
    for (const onnx::TensorShapeProto_Dimension &d : tt.shape().dim())
      shape.push_back(d.has_dim_value() ? d.dim_value() : options.batchSize);
    argTypes.push_back(f32(shape));
    argNames.push_back(vi.name());
  }
  auto func = func::FuncOp::create(b, fileLoc, options.functionName,
                                   b.getFunctionType(argTypes, {}));
  Block *entry = func.addEntryBlock();
  for (auto [name, arg] : llvm::zip(argNames, entry->getArguments()))
    env[name] = fromValue(arg);
  b.setInsertionPointToStart(entry);

  for (int k = 0; k < graph.node_size(); ++k) {
    const onnx::NodeProto &node = graph.node(k);
    std::string name = node.name().empty()
                           ? node.op_type() + "_" + std::to_string(k)
                           : node.name();
    where = "node '" + name + "' (" + node.op_type() + ")";
    loc = NameLoc::get(b.getStringAttr(name), fileLoc);
    if (!node.domain().empty() && node.domain() != "ai.onnx") {
      fail() << "domain '" << node.domain() << "' is not supported";
      return nullptr;
    }
    if (failed(importNode(node)))
      return nullptr;
  }
  loc = fileLoc;
  SmallVector<Value> results;
  for (const onnx::ValueInfoProto &vi : graph.output()) {
    where = "output '" + vi.name() + "'";
    auto it = env.find(vi.name());
    if (it == env.end()) {
      fail() << "is not produced by any node";
      return nullptr;
    }
    FailureOr<Value> v = materialize(it->second);
    if (failed(v))
      return nullptr;
    results.push_back(*v);
  }
  func::ReturnOp::create(b, fileLoc, results);
  func.setFunctionType(
      b.getFunctionType(argTypes, ValueRange(results).getTypes()));
  if (failed(verify(*module)))
    return nullptr;
  return module;
}

OwningOpRef<ModuleOp> kite::importOnnxBytes(MLIRContext *ctx, StringRef bytes,
                                            StringRef name,
                                            const OnnxImportOptions &options) {
  onnx::ModelProto model;
  if (!model.ParseFromArray(bytes.data(), int(bytes.size()))) {
    emitError(FileLineColLoc::get(ctx, name, 0, 0))
        << "not a valid ONNX model (protobuf parse failed)";
    return nullptr;
  }
  Importer importer(ctx, name, options);
  return importer.run(model);
}

OwningOpRef<ModuleOp> kite::importOnnxFile(MLIRContext *ctx, StringRef path,
                                           const OnnxImportOptions &options) {
  auto buffer = llvm::MemoryBuffer::getFile(path);
  if (!buffer) {
    emitError(FileLineColLoc::get(ctx, path, 0, 0))
        << "cannot read: " << buffer.getError().message();
    return nullptr;
  }
  return importOnnxBytes(ctx, (*buffer)->getBuffer(), path, options);
}

bool kite::readOnnxTensorFile(StringRef path, tensorio::HostTensor &out,
                              std::string *error) {
  auto fail = [&](const Twine &message) {
    if (error)
      *error = (path + ": " + message).str();
    return false;
  };
  auto buffer = llvm::MemoryBuffer::getFile(path);
  if (!buffer)
    return fail("cannot read: " + buffer.getError().message());
  onnx::TensorProto proto;
  if (!proto.ParseFromArray((*buffer)->getBufferStart(),
                            int((*buffer)->getBufferSize())))
    return fail("not a valid ONNX TensorProto");
  MLIRContext ctx;
  std::string message;
  ScopedDiagnosticHandler handler(&ctx, [&](Diagnostic &d) {
    message = d.str();
    return success();
  });
  OnnxImportOptions options;
  Importer importer(&ctx, path, options);
  FailureOr<Tensor> t = importer.hostTensorOf(proto);
  if (failed(t))
    return fail(message);
  out = tensorio::HostTensor();
  out.shape.assign(t->shape.begin(), t->shape.end());
  if (t->isFloat) {
    out.dtype = tensorio::DType::F32;
    out.floats.assign(t->f.begin(), t->f.end());
  } else {
    out.dtype = tensorio::DType::I64;
    out.ints = t->i;
  }
  return true;
}
