//===- TensorProto.cpp - ONNX TensorProto to host tensors -----------------===//
//
// Initializers, Constant values and .pb test tensors. Sizes are checked
// before anything is allocated: a file cannot make the importer reserve
// more memory than its data holds.
//
//===----------------------------------------------------------------------===//

#include "Importer.h"

#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/MemoryBuffer.h"

#include <cstring>

using namespace mlir;
using namespace kite;
using namespace kite::onnximport;

SmallVector<int64_t, 4> kite::onnximport::intsOf(const Tensor &t) {
  SmallVector<int64_t, 4> v;
  for (int64_t k = 0, n = t.size(); k < n; ++k)
    v.push_back(t.isFloat ? int64_t(t.f[k]) : t.i[k]);
  return v;
}

Type kite::onnximport::elementTypeOf(int dataType, MLIRContext *ctx) {
  Builder b(ctx);
  switch (dataType) {
  case onnx::TensorProto::FLOAT:
    return b.getF32Type();
  case onnx::TensorProto::INT64:
    return b.getI64Type();
  case onnx::TensorProto::INT32:
    return b.getI32Type();
  case onnx::TensorProto::BOOL:
    return b.getI1Type();
  default:
    return {};
  }
}

namespace {
/// The element type constants of `dataType` take: float32 for float data,
/// a signless integer wide enough for the values otherwise.
Type constantElementType(int dataType, MLIRContext *ctx) {
  Builder b(ctx);
  switch (dataType) {
  case onnx::TensorProto::FLOAT:
  case onnx::TensorProto::DOUBLE:
    return b.getF32Type();
  case onnx::TensorProto::INT8:
    return b.getI8Type();
  case onnx::TensorProto::INT16:
  case onnx::TensorProto::UINT8:
    return b.getI16Type();
  case onnx::TensorProto::INT32:
  case onnx::TensorProto::UINT16:
    return b.getI32Type();
  case onnx::TensorProto::INT64:
  case onnx::TensorProto::UINT32:
  case onnx::TensorProto::UINT64:
    return b.getI64Type();
  case onnx::TensorProto::BOOL:
    return b.getI1Type();
  default:
    return {};
  }
}

size_t byteWidth(int dataType) {
  switch (dataType) {
  case onnx::TensorProto::DOUBLE:
  case onnx::TensorProto::INT64:
  case onnx::TensorProto::UINT64:
    return 8;
  case onnx::TensorProto::FLOAT:
  case onnx::TensorProto::INT32:
  case onnx::TensorProto::UINT32:
    return 4;
  case onnx::TensorProto::INT16:
  case onnx::TensorProto::UINT16:
    return 2;
  default:
    return 1;
  }
}

/// Reads element k of little-endian raw data.
double rawFloat(const std::string &raw, int dataType, int64_t k) {
  if (dataType == onnx::TensorProto::DOUBLE) {
    double v;
    std::memcpy(&v, raw.data() + k * 8, 8);
    return v;
  }
  float v;
  std::memcpy(&v, raw.data() + k * 4, 4);
  return v;
}

int64_t rawInt(const std::string &raw, int dataType, int64_t k) {
  const char *p = raw.data() + k * int64_t(byteWidth(dataType));
  switch (dataType) {
  case onnx::TensorProto::INT64:
  case onnx::TensorProto::UINT64: {
    int64_t v;
    std::memcpy(&v, p, 8);
    return v;
  }
  case onnx::TensorProto::INT32: {
    int32_t v;
    std::memcpy(&v, p, 4);
    return v;
  }
  case onnx::TensorProto::UINT32: {
    uint32_t v;
    std::memcpy(&v, p, 4);
    return v;
  }
  case onnx::TensorProto::INT16: {
    int16_t v;
    std::memcpy(&v, p, 2);
    return v;
  }
  case onnx::TensorProto::UINT16: {
    uint16_t v;
    std::memcpy(&v, p, 2);
    return v;
  }
  case onnx::TensorProto::INT8:
    return int8_t(*p);
  default: // UINT8, BOOL
    return uint8_t(*p);
  }
}
} // namespace

FailureOr<Tensor> kite::onnximport::decodeTensor(const onnx::TensorProto &t,
                                                 MLIRContext *ctx,
                                                 Type &element,
                                                 std::string &error) {
  auto fail = [&](const Twine &message) -> FailureOr<Tensor> {
    error = ("tensor '" + t.name() + "' " + message).str();
    return failure();
  };
  int type = t.data_type();
  element = constantElementType(type, ctx);
  if (!element)
    return fail(
        "has data type " +
        onnx::TensorProto::DataType_Name(onnx::TensorProto::DataType(type)) +
        ", which is not supported");
  if (t.data_location() == onnx::TensorProto::EXTERNAL)
    return fail("keeps its data in an external file, which is not supported");
  Shape shape;
  int64_t n = 1;
  for (int64_t d : t.dims()) {
    if (d < 0)
      return fail("has a negative dimension (" + Twine(d) + ")");
    if (d && n > kMaxElements / d)
      return fail("has more than 2^28 elements");
    n *= d;
    shape.push_back(d);
  }
  bool isFloat = isa<FloatType>(element);
  const std::string &raw = t.raw_data();
  // The number of values the file holds, checked before allocating.
  int64_t have;
  if (!raw.empty()) {
    have = int64_t(raw.size() / byteWidth(type));
    if (raw.size() % byteWidth(type))
      have = -1;
  } else if (type == onnx::TensorProto::FLOAT) {
    have = t.float_data_size();
  } else if (type == onnx::TensorProto::DOUBLE) {
    have = t.double_data_size();
  } else if (type == onnx::TensorProto::INT64) {
    have = t.int64_data_size();
  } else if (type == onnx::TensorProto::UINT32 ||
             type == onnx::TensorProto::UINT64) {
    have = t.uint64_data_size();
  } else {
    have = t.int32_data_size();
  }
  if (have != n)
    return fail(
        "holds " +
        (have < 0 ? Twine(raw.size()) + " bytes" : Twine(have) + " values") +
        " of data, its shape needs " + Twine(n));
  Tensor r = isFloat ? Tensor::floats(shape) : Tensor::ints(shape);
  for (int64_t k = 0; k < n; ++k) {
    int i = int(k);
    if (isFloat) {
      r.f[k] = raw.empty() ? (type == onnx::TensorProto::FLOAT
                                  ? t.float_data(i)
                                  : float(t.double_data(i)))
                           : float(rawFloat(raw, type, k));
    } else if (!raw.empty()) {
      r.i[k] = rawInt(raw, type, k);
    } else if (type == onnx::TensorProto::INT64) {
      r.i[k] = t.int64_data(i);
    } else if (type == onnx::TensorProto::UINT32 ||
               type == onnx::TensorProto::UINT64) {
      r.i[k] = int64_t(t.uint64_data(i));
    } else {
      r.i[k] = t.int32_data(i);
    }
    if (type == onnx::TensorProto::BOOL)
      r.i[k] = r.i[k] != 0;
  }
  return r;
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
  Type element;
  std::string message;
  FailureOr<Tensor> t = decodeTensor(proto, &ctx, element, message);
  if (failed(t))
    return fail(message);
  out = tensorio::HostTensor();
  out.shape.assign(t->shape.begin(), t->shape.end());
  if (t->isFloat) {
    out.dtype = tensorio::DType::F32;
    out.floats.assign(t->f.begin(), t->f.end());
  } else {
    out.dtype =
        element.isInteger(1) ? tensorio::DType::Bool : tensorio::DType::I64;
    out.ints = t->i;
  }
  return true;
}
