//===- Importer.h - ONNX importer internals ---------------------*- C++ -*-===//
//
// Internal to lib/Conversion/ImportOnnx. The driver (Importer.cpp) walks the
// graph; each ONNX op is a handler in one family file (Elementwise,
// ConvPool, Normalization, Linear, Shape, Resize, Control), registered in
// one table (OpTable) that also gives the op list for --help, the docs and
// the conformance scope. Handlers emit TOSA through TosaBuilder; a node
// whose inputs are all constants is folded by running what its handler
// emitted in the reference interpreter, so no op is written twice.
//
//===----------------------------------------------------------------------===//

#ifndef KITE_LIB_CONVERSION_IMPORTONNX_IMPORTER_H
#define KITE_LIB_CONVERSION_IMPORTONNX_IMPORTER_H

#include "kite/Conversion/ImportOnnx/ImportOnnx.h"
#include "kite/Interpreter/Interpreter.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/StringMap.h"

#include <onnx/onnx_pb.h>

#include <functional>
#include <optional>

namespace kite::onnximport {

using interp::Tensor;
using mlir::FailureOr;
using mlir::InFlightDiagnostic;
using mlir::LogicalResult;
using mlir::Type;
using mlir::Value;
using Shape = llvm::SmallVector<int64_t, 4>;

/// The most elements a tensor of the imported model may have (2^28: 1 GiB
/// of f32, 2 GiB of the int64 index tensors some handlers build): larger
/// shapes come from broken or hostile files.
constexpr int64_t kMaxElements = int64_t(1) << 28;

/// The element count of a shape, saturating just past kMaxElements (sizes
/// from a file cannot overflow); negative dimensions count as too large.
inline int64_t product(llvm::ArrayRef<int64_t> shape) {
  int64_t n = 1;
  for (int64_t d : shape) {
    if (d == 0)
      return 0;
    if (d < 0 || n > kMaxElements / d)
      return kMaxElements + 1;
    n *= d;
  }
  return n;
}

/// An ONNX value: an SSA value, or a constant known at import time (which
/// is materialized as tosa.const only where an emitted op needs it).
struct Val {
  Value value;
  Shape shape;
  Type element;
  std::optional<Tensor> host;

  bool isFloat() const { return llvm::isa<mlir::FloatType>(element); }
  bool isBool() const { return element.isInteger(1); }
};

/// The integers of a host tensor (float data truncated).
llvm::SmallVector<int64_t, 4> intsOf(const Tensor &t);

/// Emits TOSA ops at the current insertion point and location; every
/// helper takes and returns ranked tensors of static shape.
class TosaBuilder {
public:
  TosaBuilder(mlir::OpBuilder &b, mlir::Location &loc,
              std::function<InFlightDiagnostic()> fail)
      : b(b), loc(loc), failFn(std::move(fail)) {}

  mlir::OpBuilder &builder() { return b; }
  mlir::MLIRContext *context() { return b.getContext(); }
  InFlightDiagnostic fail() { return failFn(); }

  static Shape shapeOf(Value v);
  static Type elementOf(Value v);
  mlir::RankedTensorType type(llvm::ArrayRef<int64_t> shape, Type element) {
    return mlir::RankedTensorType::get(shape, element);
  }
  Type f32() { return b.getF32Type(); }
  Type i1() { return b.getI1Type(); }
  Type i32() { return b.getI32Type(); }
  Type i64() { return b.getI64Type(); }

  template <typename OpTy>
  Value emit(llvm::ArrayRef<int64_t> shape, Type element,
             mlir::ValueRange operands,
             llvm::ArrayRef<mlir::NamedAttribute> attrs = {}) {
    return OpTy::create(b, loc, mlir::TypeRange{type(shape, element)}, operands,
                        attrs)
        ->getResult(0);
  }

  // Constants ---------------------------------------------------------------
  Value constant(const Tensor &t, Type element);
  Value constF32(llvm::ArrayRef<int64_t> shape, llvm::ArrayRef<float> data);
  Value constI32(llvm::ArrayRef<int64_t> shape, llvm::ArrayRef<int32_t> data);
  /// A constant of `like`'s element type and rank, every dimension 1.
  Value scalarLike(Value like, double v);
  Value constShape(llvm::ArrayRef<int64_t> values);

  // Data movement -----------------------------------------------------------
  Value reshape(Value v, llvm::ArrayRef<int64_t> shape);
  Value transpose(Value v, llvm::ArrayRef<int32_t> perms);
  /// Prepends size-1 dimensions up to `rank`.
  Value toRank(Value v, size_t rank);
  Value slice(Value v, llvm::ArrayRef<int64_t> start,
              llvm::ArrayRef<int64_t> size);
  /// Elements `indices` (in range) along `axis`, in that order: strided and
  /// reversed slices, nearest-neighbour resizing, constant Gather.
  Value gatherAxis(Value v, int64_t axis, llvm::ArrayRef<int64_t> indices);
  /// Every `step`-th element along `axis` from `start`, `count` of them
  /// (step may be negative).
  Value stridedSlice(Value v, int64_t axis, int64_t start, int64_t count,
                     int64_t step);
  Value pad(Value v, llvm::ArrayRef<int64_t> before,
            llvm::ArrayRef<int64_t> after, double fill);
  Value concat(mlir::ValueRange values, int64_t axis);
  Value tile(Value v, llvm::ArrayRef<int64_t> multiples);
  /// Numpy broadcasting of `v` to `shape`.
  FailureOr<Value> broadcastTo(Value v, llvm::ArrayRef<int64_t> shape);

  // Elementwise -------------------------------------------------------------
  enum class Binary {
    Add,
    Sub,
    Mul,
    Div, // integer (truncating); floats multiply by the reciprocal
    Pow,
    Max,
    Min,
    Equal,
    Greater,
    GreaterEqual,
    And,
    Or,
    Xor
  };
  /// Numpy-broadcast binary op; comparisons give booleans.
  FailureOr<Value> binary(Binary kind, Value x, Value y);
  enum class Unary {
    Exp,
    Log,
    Erf,
    Tanh,
    Sigmoid,
    Rsqrt,
    Reciprocal,
    Abs,
    Neg,
    Floor,
    Ceil,
    Sin,
    Cos,
    Not
  };
  Value unary(Unary kind, Value x);
  /// cond ? a : b, numpy-broadcast.
  FailureOr<Value> select(Value cond, Value a, Value b);
  Value clamp(Value x, double lo, double hi);
  Value cast(Value x, Type element);
  /// x * a + c for scalars a and c (skipping a = 1 and c = 0).
  FailureOr<Value> affine(Value x, double a, double c);

  // Reductions --------------------------------------------------------------
  enum class Reduce { Sum, Max, Min, Prod };
  /// Reduces the given (normalized, distinct) axes, keeping them as size 1.
  Value reduce(Reduce kind, Value x, llvm::ArrayRef<int64_t> axes);
  /// tosa.argmax along `axis`, as i64 with the axis kept (size 1).
  Value argmax(Value x, int64_t axis);

  // Linear algebra ----------------------------------------------------------
  /// Numpy matmul (batch dimensions broadcast).
  FailureOr<Value> matmul(Value a, Value c);

private:
  mlir::OpBuilder &b;
  mlir::Location &loc;
  std::function<InFlightDiagnostic()> failFn;
};

class Importer;

/// One node as a handler sees it: its inputs, attributes and outputs.
class Node {
public:
  Node(Importer &imp, const onnx::NodeProto &proto, TosaBuilder &b,
       int64_t opset)
      : proto(proto), b(b), opset(opset), imp(imp) {}

  const onnx::NodeProto &proto;
  TosaBuilder &b;
  const int64_t opset;

  InFlightDiagnostic fail() { return b.fail(); }
  llvm::StringRef opType() const { return proto.op_type(); }

  // Inputs ------------------------------------------------------------------
  int numInputs() const { return proto.input_size(); }
  /// Whether input i is given (optional inputs may be missing or "").
  bool has(int i) const {
    return i < proto.input_size() && !proto.input(i).empty();
  }
  Val &in(int i);
  /// Input i as an SSA value (constants are materialized).
  FailureOr<Value> value(int i);
  /// The integers of input i when it is a constant.
  std::optional<llvm::SmallVector<int64_t, 4>> hostInts(int i);
  /// The integers of input i; an error naming `what` unless it is constant.
  FailureOr<llvm::SmallVector<int64_t, 4>> constInts(int i,
                                                     llvm::StringRef what);
  /// The error for input i that must be a constant (naming the graph input
  /// to bind when it is one).
  InFlightDiagnostic notConstant(int i, llvm::StringRef what);
  /// A scalar constant input (e.g. a fill value), or failure.
  FailureOr<double> constScalar(int i, llvm::StringRef what);

  // Attributes --------------------------------------------------------------
  const onnx::AttributeProto *attr(llvm::StringRef name) const;
  bool hasAttr(llvm::StringRef name) const { return attr(name); }
  int64_t attrInt(llvm::StringRef name, int64_t dflt) const;
  float attrFloat(llvm::StringRef name, float dflt) const;
  std::string attrString(llvm::StringRef name, llvm::StringRef dflt) const;
  llvm::SmallVector<int64_t, 4> attrInts(llvm::StringRef name) const;
  llvm::SmallVector<float, 4> attrFloats(llvm::StringRef name) const;

  /// An axis in [-rank, rank) as [0, rank); an error names it otherwise.
  FailureOr<int64_t> axis(int64_t a, int64_t rank,
                          llvm::StringRef what = "axis");
  /// Distinct axes, normalized and sorted.
  FailureOr<llvm::SmallVector<int64_t, 4>> axes(llvm::ArrayRef<int64_t> list,
                                                int64_t rank);
  /// An error for an attribute value the importer does not take.
  InFlightDiagnostic unsupported(llvm::StringRef attribute,
                                 llvm::StringRef value);

  // Outputs -----------------------------------------------------------------
  int numOutputs() const { return proto.output_size(); }
  bool wantsOutput(int i) const {
    return i < proto.output_size() && !proto.output(i).empty();
  }
  LogicalResult define(int i, Value v);
  /// Defines output i, or passes a failure on.
  LogicalResult define(int i, FailureOr<Value> v) {
    return mlir::failed(v) ? mlir::failure() : define(i, *v);
  }
  LogicalResult defineHost(int i, Tensor t, Type element);
  /// Outputs an input unchanged.
  LogicalResult forward(int i, int input);

  /// Imports a subgraph (an If branch) into the current insertion point,
  /// seeing the enclosing values; returns its outputs.
  FailureOr<llvm::SmallVector<Val, 2>>
  importSubgraph(const onnx::GraphProto &graph);

private:
  Importer &imp;
};

using Handler = LogicalResult (*)(Node &);

/// One supported op: its arity and handler (the registry is the single
/// source of the supported-op list).
struct OpInfo {
  llvm::StringRef family;
  int minInputs = 0, maxInputs = 0; ///< maxInputs -1: variadic
  int minOutputs = 1, maxOutputs = 1;
  Handler handler = nullptr;
  llvm::StringRef notes; ///< forms and limits, for the docs
};
using OpTable = llvm::StringMap<OpInfo>;

const OpTable &opTable();

// One registration function per family file.
void registerElementwiseOps(OpTable &t);
void registerConvPoolOps(OpTable &t);
void registerNormalizationOps(OpTable &t);
void registerLinearOps(OpTable &t);
void registerShapeOps(OpTable &t);
void registerResizeOps(OpTable &t);
void registerControlOps(OpTable &t);

/// ONNX's own checker (onnx::checker::check_model), then what it lets pass
/// but ONNX's converter crashes on: values that are not tensors of an ONNX
/// data type, graph outputs nothing defines. On failure, `error` says why
/// in one line.
LogicalResult checkModel(const onnx::ModelProto &model, std::string &error);

/// Converts a model of opset 7-10 to opset 11 with ONNX's version
/// converter (after shape inference). On failure, `error` says why.
LogicalResult convertToOpset11(onnx::ModelProto &model, std::string &error);

/// Decodes a TensorProto (float, double, integer and boolean data) into a
/// host tensor; the MLIR element type it maps to goes to `element`.
FailureOr<Tensor> decodeTensor(const onnx::TensorProto &t,
                               mlir::MLIRContext *ctx, Type &element,
                               std::string &error);

/// The MLIR element type of an ONNX data type (float32 and integers), or
/// null when the importer does not take it.
Type elementTypeOf(int dataType, mlir::MLIRContext *ctx);

} // namespace kite::onnximport

#endif // KITE_LIB_CONVERSION_IMPORTONNX_IMPORTER_H
