//===- Importer.cpp - ONNX models to TOSA: the driver ---------------------===//
//
// Walks the (topologically sorted) ONNX graph and hands each node to its
// op's handler. Initializers and Constant nodes are host tensors; a node
// whose inputs are all host tensors is folded: what its handler emitted is
// run by the reference interpreter and replaced by the result, so shape
// computations (Shape, Gather, Concat, ... on constants) vanish and a model
// exported with dynamic dimensions imports with static ones.
//
//===----------------------------------------------------------------------===//

#include "Importer.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/Support/MemoryBuffer.h"

using namespace mlir;
using namespace kite;
using namespace kite::onnximport;

namespace kite::onnximport {

class Importer {
public:
  Importer(MLIRContext *ctx, StringRef name, const OnnxImportOptions &options)
      : ctx(ctx), options(options), b(ctx),
        fileLoc(FileLineColLoc::get(ctx, name, 0, 0)), loc(fileLoc),
        tb(b, loc, [this] { return fail(); }) {}

  OwningOpRef<ModuleOp> run(onnx::ModelProto &model);

  InFlightDiagnostic fail() { return emitError(loc) << where << ": "; }

  Val *lookup(StringRef name) {
    for (auto &scope : llvm::reverse(scopes)) {
      auto it = scope.find(name);
      if (it != scope.end())
        return &it->second;
    }
    return nullptr;
  }
  void define(StringRef name, Val v) { scopes.back()[name] = std::move(v); }
  FailureOr<Value> materialize(Val &v);
  FailureOr<SmallVector<Val, 2>> importSubgraph(const onnx::GraphProto &g);
  bool isArgument(StringRef name) const {
    return llvm::is_contained(argNames, name);
  }
  /// The graph input a function argument stands for ("" for others).
  std::string argumentName(BlockArgument arg) const {
    if (arg.getOwner() != entry || arg.getArgNumber() >= argNames.size())
      return "";
    return argNames[arg.getArgNumber()];
  }

  MLIRContext *ctx;

private:
  LogicalResult importNode(const onnx::NodeProto &node, int index);
  LogicalResult importInitializers(const onnx::GraphProto &g);
  FailureOr<RankedTensorType> inputType(const onnx::ValueInfoProto &vi);
  LogicalResult bindInput(const onnx::ValueInfoProto &vi,
                          const tensorio::HostTensor &t);
  LogicalResult tryFold(const onnx::NodeProto &node, Block *block,
                        Operation *before);

  const OnnxImportOptions &options;
  OpBuilder b;
  Location fileLoc, loc;
  TosaBuilder tb;
  std::string where = "model";
  int64_t opset = 0;
  SmallVector<llvm::StringMap<Val>, 2> scopes;
  Block *entry = nullptr;
  SmallVector<std::string> argNames;
  bool folding = false;
  std::unique_ptr<interp::Interpreter> interpreter;
};

} // namespace kite::onnximport

// Node
// -----------------------------------------------------------------------

Val &Node::in(int i) { return *imp.lookup(proto.input(i)); }

FailureOr<Value> Node::value(int i) {
  if (!has(i))
    return fail() << "input " << i << " is missing";
  return imp.materialize(in(i));
}

std::optional<SmallVector<int64_t, 4>> Node::hostInts(int i) {
  if (!has(i) || !in(i).host)
    return std::nullopt;
  return intsOf(*in(i).host);
}

InFlightDiagnostic Node::notConstant(int i, StringRef what) {
  InFlightDiagnostic d = fail()
                         << "the " << what
                         << " must be a constant (computed from constants "
                            "and static shapes)";
  if (!has(i))
    return d;
  // Name the graph inputs the value is computed from: binding them to data
  // (--bind-input) makes it a constant.
  SmallVector<std::string> from;
  if (imp.isArgument(proto.input(i))) {
    from.push_back(proto.input(i));
  } else if (Value v = in(i).value) {
    SmallVector<Value> work = {v};
    DenseSet<Value> seen;
    while (!work.empty()) {
      Value u = work.pop_back_val();
      if (!seen.insert(u).second)
        continue;
      if (auto arg = dyn_cast<BlockArgument>(u)) {
        std::string name = imp.argumentName(arg);
        if (!name.empty() && !llvm::is_contained(from, name))
          from.push_back(name);
      } else if (Operation *def = u.getDefiningOp()) {
        llvm::append_range(work, def->getOperands());
      }
    }
  }
  if (!from.empty())
    d << "; it is computed from the graph input(s) " << llvm::join(from, ", ")
      << ": bind them to data with --bind-input <name>=<file>";
  return d;
}

FailureOr<SmallVector<int64_t, 4>> Node::constInts(int i, StringRef what) {
  std::optional<SmallVector<int64_t, 4>> v = hostInts(i);
  if (!v)
    return notConstant(i, what);
  return *v;
}

FailureOr<double> Node::constScalar(int i, StringRef what) {
  if (!has(i) || !in(i).host)
    return notConstant(i, what);
  const Tensor &t = *in(i).host;
  if (t.size() != 1)
    return fail() << "the " << what << " must have one element, it has "
                  << t.size();
  return t.isFloat ? double(t.f[0]) : double(t.i[0]);
}

const onnx::AttributeProto *Node::attr(StringRef name) const {
  for (const onnx::AttributeProto &a : proto.attribute())
    if (a.name() == name)
      return &a;
  return nullptr;
}

int64_t Node::attrInt(StringRef name, int64_t dflt) const {
  const onnx::AttributeProto *a = attr(name);
  return a ? a->i() : dflt;
}

float Node::attrFloat(StringRef name, float dflt) const {
  const onnx::AttributeProto *a = attr(name);
  return a ? a->f() : dflt;
}

std::string Node::attrString(StringRef name, StringRef dflt) const {
  const onnx::AttributeProto *a = attr(name);
  return a ? a->s() : dflt.str();
}

SmallVector<int64_t, 4> Node::attrInts(StringRef name) const {
  const onnx::AttributeProto *a = attr(name);
  return a ? SmallVector<int64_t, 4>(a->ints().begin(), a->ints().end())
           : SmallVector<int64_t, 4>();
}

SmallVector<float, 4> Node::attrFloats(StringRef name) const {
  const onnx::AttributeProto *a = attr(name);
  return a ? SmallVector<float, 4>(a->floats().begin(), a->floats().end())
           : SmallVector<float, 4>();
}

FailureOr<int64_t> Node::axis(int64_t a, int64_t rank, StringRef what) {
  if (a < -rank || a >= rank)
    return fail() << what << " " << a << " is out of range for rank " << rank;
  return a < 0 ? a + rank : a;
}

FailureOr<SmallVector<int64_t, 4>> Node::axes(ArrayRef<int64_t> list,
                                              int64_t rank) {
  SmallVector<int64_t, 4> r;
  for (int64_t a : list) {
    FailureOr<int64_t> n = axis(a, rank);
    if (failed(n))
      return failure();
    if (llvm::is_contained(r, *n))
      return fail() << "axis " << a << " is given twice";
    r.push_back(*n);
  }
  llvm::sort(r);
  return r;
}

InFlightDiagnostic Node::unsupported(StringRef attribute, StringRef value) {
  return fail() << "attribute " << attribute << " = " << value
                << " is not supported";
}

LogicalResult Node::define(int i, Value v) {
  Val r;
  r.value = v;
  r.shape = TosaBuilder::shapeOf(v);
  r.element = TosaBuilder::elementOf(v);
  imp.define(proto.output(i), std::move(r));
  return success();
}

LogicalResult Node::defineHost(int i, Tensor t, Type element) {
  Val r;
  r.shape = t.shape;
  r.element = element;
  r.host = std::move(t);
  imp.define(proto.output(i), std::move(r));
  return success();
}

LogicalResult Node::forward(int i, int input) {
  imp.define(proto.output(i), in(input));
  return success();
}

FailureOr<SmallVector<Val, 2>>
Node::importSubgraph(const onnx::GraphProto &graph) {
  return imp.importSubgraph(graph);
}

// Importer
// -------------------------------------------------------------------

FailureOr<Value> Importer::materialize(Val &v) {
  // While folding, constants are made afresh so the fold can remove them.
  if (v.value && !(folding && v.host))
    return v.value;
  if (product(v.shape) == 0)
    return fail() << "an empty tensor is used as data; TOSA has no empty "
                     "tensors";
  Value c = tb.constant(*v.host, v.element);
  // Reuse constants made at the top level (they dominate every use).
  if (!folding && b.getInsertionBlock() == entry)
    v.value = c;
  return c;
}

LogicalResult Importer::importInitializers(const onnx::GraphProto &g) {
  for (const onnx::TensorProto &init : g.initializer()) {
    where = "initializer '" + init.name() + "'";
    std::string error;
    Val v;
    FailureOr<Tensor> t = decodeTensor(init, ctx, v.element, error);
    if (failed(t))
      return emitError(fileLoc) << error;
    v.shape = t->shape;
    v.host = std::move(*t);
    define(init.name(), std::move(v));
  }
  return success();
}

FailureOr<SmallVector<Val, 2>>
Importer::importSubgraph(const onnx::GraphProto &g) {
  std::string outerWhere = where;
  Location outerLoc = loc;
  scopes.emplace_back();
  llvm::scope_exit restore([&] {
    scopes.pop_back();
    where = outerWhere;
    loc = outerLoc;
  });
  if (failed(importInitializers(g)))
    return failure();
  for (int k = 0; k < g.node_size(); ++k)
    if (failed(importNode(g.node(k), k)))
      return failure();
  SmallVector<Val, 2> outputs;
  for (const onnx::ValueInfoProto &vi : g.output()) {
    Val *v = lookup(vi.name());
    if (!v) {
      where = outerWhere;
      loc = outerLoc;
      return fail() << "subgraph output '" << vi.name()
                    << "' is not produced by any node";
    }
    outputs.push_back(*v);
  }
  return outputs;
}

LogicalResult Importer::tryFold(const onnx::NodeProto &node, Block *block,
                                Operation *before) {
  SmallVector<Operation *> ops;
  for (Operation &op : llvm::make_range(
           before ? std::next(before->getIterator()) : block->begin(),
           block->end()))
    ops.push_back(&op);
  if (ops.empty())
    return success();
  if (!interpreter)
    interpreter = std::make_unique<interp::Interpreter>();
  DenseMap<Value, Tensor> values;
  for (Operation *op : ops) {
    // Ops reading values computed at run time (an inlined If branch reading
    // the enclosing graph) stay in the IR.
    if (llvm::any_of(op->getOperands(),
                     [&](Value v) { return !values.count(v); }))
      return success();
    // Any other failure is the node's: its constants break the op (an
    // integer division by zero, an index out of range).
    std::string message;
    LogicalResult evaluated = [&] {
      ScopedDiagnosticHandler capture(ctx, [&](Diagnostic &d) {
        if (message.empty())
          message = d.str();
        return success();
      });
      return interpreter->evaluate(*op, values);
    }();
    if (failed(evaluated))
      return fail() << "on constants: " << message;
  }
  SmallPtrSet<Operation *, 16> set(ops.begin(), ops.end());
  for (Operation *op : ops)
    for (Operation *user : op->getUsers())
      if (!set.count(user))
        return success(); // still used: keep everything
  for (const std::string &name : node.output()) {
    Val *v = name.empty() ? nullptr : lookup(name);
    if (!v || !v->value || !values.count(v->value))
      continue;
    v->host = values[v->value];
    v->value = Value();
  }
  for (Operation *op : llvm::reverse(ops))
    op->erase();
  return success();
}

LogicalResult Importer::importNode(const onnx::NodeProto &node, int index) {
  std::string name = node.name().empty()
                         ? node.op_type() + "_" + std::to_string(index)
                         : node.name();
  where = "node '" + name + "' (" + node.op_type() + ")";
  loc = NameLoc::get(b.getStringAttr(name), fileLoc);
  if (!node.domain().empty() && node.domain() != "ai.onnx")
    return fail() << "domain '" << node.domain() << "' is not supported";
  auto it = opTable().find(node.op_type());
  if (it == opTable().end())
    return fail() << "op '" << node.op_type() << "' is not supported";
  const OpInfo &info = it->second;
  int inputs = node.input_size(), outputs = node.output_size();
  if (inputs < info.minInputs ||
      (info.maxInputs >= 0 && inputs > info.maxInputs))
    return fail() << "takes " << info.minInputs
                  << (info.maxInputs < 0
                          ? " or more"
                          : (info.maxInputs == info.minInputs
                                 ? std::string()
                                 : " to " + std::to_string(info.maxInputs)))
                  << " inputs, the node has " << inputs;
  if (outputs < info.minOutputs || outputs > info.maxOutputs)
    return fail() << "has " << info.minOutputs
                  << (info.maxOutputs == info.minOutputs
                          ? std::string()
                          : " to " + std::to_string(info.maxOutputs))
                  << " outputs, the node has " << outputs;
  bool allHost = true;
  for (int i = 0; i < inputs; ++i) {
    if (node.input(i).empty()) {
      // A variadic op's inputs (Concat, Sum, ...) are all required.
      if (i < info.minInputs || info.maxInputs < 0)
        return fail() << "input " << i << " is missing";
      continue;
    }
    Val *v = lookup(node.input(i));
    if (!v)
      return fail() << "input '" << node.input(i) << "' is not defined";
    allHost &= bool(v->host);
  }
  for (int i = 0; i < outputs; ++i)
    if (node.output(i).empty() && i == 0)
      return fail() << "output 0 has no name";

  Block *block = b.getInsertionBlock();
  Operation *before = block->empty() ? nullptr : &block->back();
  folding = allHost;
  Node n(*this, node, tb, opset);
  LogicalResult result = info.handler(n);
  folding = false;
  if (failed(result))
    return failure();
  for (int i = 0; i < outputs; ++i)
    if (!node.output(i).empty() && !lookup(node.output(i)))
      return fail() << "output " << i << " is not supported";
  for (int i = 0; i < outputs; ++i) {
    Val *v = node.output(i).empty() ? nullptr : lookup(node.output(i));
    if (v && product(v->shape) > kMaxElements)
      return fail() << "output " << i << " would have more than 2^28 elements";
  }
  if (allHost)
    return tryFold(node, block, before);
  return success();
}

LogicalResult Importer::bindInput(const onnx::ValueInfoProto &vi,
                                  const tensorio::HostTensor &t) {
  const onnx::TypeProto_Tensor &tt = vi.type().tensor_type();
  Type element = elementTypeOf(tt.elem_type(), ctx);
  if (!element)
    return fail() << "element type "
                  << onnx::TensorProto::DataType_Name(
                         onnx::TensorProto::DataType(tt.elem_type()))
                  << " is not supported";
  if (tt.has_shape()) {
    bool match = tt.shape().dim_size() == int(t.shape.size());
    for (int d = 0; match && d < tt.shape().dim_size(); ++d) {
      const auto &dim = tt.shape().dim(d);
      match = !dim.has_dim_value() || dim.dim_value() == t.shape[size_t(d)];
    }
    if (!match)
      return fail() << "--bind-input gives shape "
                    << tensorio::shapeText(t.shape)
                    << ", which does not fit the model's";
  }
  Val v;
  v.element = element;
  v.shape.assign(t.shape.begin(), t.shape.end());
  bool isFloat = isa<FloatType>(element);
  Tensor h = isFloat ? Tensor::floats(v.shape) : Tensor::ints(v.shape);
  for (int64_t k = 0, n = h.size(); k < n; ++k) {
    double x = t.isFloat() ? t.floats[size_t(k)] : double(t.ints[size_t(k)]);
    if (isFloat)
      h.f[k] = float(x);
    else
      h.i[k] = t.isFloat() ? int64_t(x) : t.ints[size_t(k)];
  }
  v.host = std::move(h);
  define(vi.name(), std::move(v));
  return success();
}

FailureOr<RankedTensorType>
Importer::inputType(const onnx::ValueInfoProto &vi) {
  const onnx::TypeProto_Tensor &tt = vi.type().tensor_type();
  Type element = elementTypeOf(tt.elem_type(), ctx);
  if (!element)
    return fail() << "element type "
                  << onnx::TensorProto::DataType_Name(
                         onnx::TensorProto::DataType(tt.elem_type()))
                  << " is not supported (float32, int32, int64 and bool "
                     "inputs)";
  auto pin = options.inputShapes.find(vi.name());
  bool pinned = pin != options.inputShapes.end();
  if (!tt.has_shape() && !pinned)
    return fail() << "has no shape in the model; give it with --input-shape "
                  << vi.name() << "=<d0>x<d1>...";
  Shape shape;
  int rank = pinned ? int(pin->second.size()) : tt.shape().dim_size();
  if (pinned && tt.has_shape() && tt.shape().dim_size() != rank)
    return fail() << "has rank " << tt.shape().dim_size()
                  << " but --input-shape gives " << rank << " dimensions";
  for (int d = 0; d < rank; ++d) {
    const onnx::TensorShapeProto_Dimension *dim =
        tt.has_shape() ? &tt.shape().dim(d) : nullptr;
    if (dim && dim->has_dim_value() && dim->dim_value() <= 0)
      return fail() << "dimension " << d << " has size " << dim->dim_value()
                    << "; empty inputs are not supported unless bound to data "
                       "with --bind-input "
                    << vi.name() << "=<file>";
    bool known = dim && dim->has_dim_value();
    if (pinned) {
      int64_t p = pin->second[size_t(d)];
      if (p < 1)
        return fail() << "--input-shape dimension " << d << " must be >= 1";
      if (known && dim->dim_value() != p)
        return fail() << "dimension " << d << " is " << dim->dim_value()
                      << " in the model, --input-shape gives " << p;
      shape.push_back(p);
    } else if (known) {
      shape.push_back(dim->dim_value());
    } else if (d == 0) {
      shape.push_back(options.batchSize);
    } else {
      std::string param = dim && dim->has_dim_param()
                              ? " ('" + dim->dim_param() + "')"
                              : std::string();
      return fail() << "dimension " << d << param
                    << " is symbolic; give the input's shape with "
                       "--input-shape "
                    << vi.name() << "=<d0>x<d1>...";
    }
  }
  // Sizes computed from the shape must not overflow anywhere downstream.
  if (product(shape) > kMaxElements)
    return fail() << "has more than 2^28 elements (shape "
                  << tensorio::shapeText({shape.begin(), shape.end()}) << ")";
  return RankedTensorType::get(shape, element);
}

OwningOpRef<ModuleOp> Importer::run(onnx::ModelProto &model) {
  for (const onnx::OperatorSetIdProto &set : model.opset_import())
    if (set.domain().empty() || set.domain() == "ai.onnx")
      opset = set.version();
  if (opset < 7 || opset > 17) {
    fail() << "opset " << opset << " is not supported (supported: 7-17)";
    return nullptr;
  }
  // Malformed graphs are refused by the library that defines the format.
  if (std::string error; failed(checkModel(model, error))) {
    fail() << "not a valid ONNX model: " << error;
    return nullptr;
  }
  if (opset < 11) {
    // Older models go through ONNX's own version converter; the importer
    // reads opsets 11-17.
    std::string error;
    if (failed(convertToOpset11(model, error))) {
      fail() << "converting opset " << opset << " to 11 failed: " << error;
      return nullptr;
    }
    opset = 11;
  }
  ctx->loadDialect<func::FuncDialect, tosa::TosaDialect, scf::SCFDialect,
                   tensor::TensorDialect>();
  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc);
  b.setInsertionPointToEnd(module->getBody());
  const onnx::GraphProto &graph = model.graph();
  scopes.emplace_back();
  if (failed(importInitializers(graph)))
    return nullptr;

  SmallVector<std::string> inputNames;
  for (const onnx::ValueInfoProto &vi : graph.input())
    inputNames.push_back(vi.name());
  auto checkNames = [&](const auto &map, StringRef option) {
    for (const auto &entry : map)
      if (!llvm::is_contained(inputNames, entry.first())) {
        where = "model";
        fail() << option << " names '" << entry.first()
               << "', which is not an input of the model (inputs: "
               << llvm::join(inputNames, ", ") << ")";
        return false;
      }
    return true;
  };
  if (!checkNames(options.inputShapes, "--input-shape") ||
      !checkNames(options.boundInputs, "--bind-input"))
    return nullptr;
  // Graph inputs that are not initializers become arguments.
  SmallVector<Type> argTypes;
  for (const onnx::ValueInfoProto &vi : graph.input()) {
    if (lookup(vi.name()))
      continue;
    where = "input '" + vi.name() + "'";
    auto bound = options.boundInputs.find(vi.name());
    if (bound != options.boundInputs.end()) {
      if (failed(bindInput(vi, bound->second)))
        return nullptr;
      continue;
    }
    FailureOr<RankedTensorType> type = inputType(vi);
    if (failed(type))
      return nullptr;
    argTypes.push_back(*type);
    argNames.push_back(vi.name());
  }
  auto func = func::FuncOp::create(b, fileLoc, options.functionName,
                                   b.getFunctionType(argTypes, {}));
  entry = func.addEntryBlock();
  for (auto [name, arg] : llvm::zip(argNames, entry->getArguments())) {
    Val v;
    v.value = arg;
    v.shape = TosaBuilder::shapeOf(arg);
    v.element = TosaBuilder::elementOf(arg);
    define(name, std::move(v));
  }
  b.setInsertionPointToStart(entry);

  for (int k = 0; k < graph.node_size(); ++k)
    if (failed(importNode(graph.node(k), k)))
      return nullptr;
  loc = fileLoc;
  SmallVector<Value> results;
  for (const onnx::ValueInfoProto &vi : graph.output()) {
    where = "output '" + vi.name() + "'";
    Val *v = lookup(vi.name());
    if (!v) {
      fail() << "is not produced by any node";
      return nullptr;
    }
    FailureOr<Value> r = materialize(*v);
    if (failed(r))
      return nullptr;
    results.push_back(*r);
  }
  func::ReturnOp::create(b, fileLoc, results);
  // Constants the emitters replaced (e.g. by reshaped copies) are dead.
  SmallVector<Operation *> dead;
  func.walk([&](Operation *op) {
    if (isa<tosa::ConstOp, tosa::ConstShapeOp>(op) && op->use_empty())
      dead.push_back(op);
  });
  for (Operation *op : dead)
    op->erase();
  func.setFunctionType(
      b.getFunctionType(argTypes, ValueRange(results).getTypes()));
  if (failed(verify(*module)))
    return nullptr;
  return module;
}

// The op table and the public interface
// ----------------------------------------------

const OpTable &kite::onnximport::opTable() {
  static const OpTable table = [] {
    OpTable t;
    registerElementwiseOps(t);
    registerConvPoolOps(t);
    registerNormalizationOps(t);
    registerLinearOps(t);
    registerShapeOps(t);
    registerResizeOps(t);
    registerControlOps(t);
    return t;
  }();
  return table;
}

std::vector<OnnxOpInfo> kite::supportedOnnxOps() {
  std::vector<OnnxOpInfo> ops;
  for (const auto &entry : opTable())
    ops.push_back({entry.first().str(), entry.second.family.str(),
                   entry.second.notes.str()});
  llvm::sort(ops, [](const OnnxOpInfo &a, const OnnxOpInfo &c) {
    return a.name < c.name;
  });
  return ops;
}

OwningOpRef<ModuleOp> kite::importOnnxBytes(MLIRContext *ctx, StringRef bytes,
                                            StringRef name,
                                            const OnnxImportOptions &options) {
  onnx::ModelProto model;
  if (bytes.size() > size_t(std::numeric_limits<int>::max()) ||
      !model.ParseFromArray(bytes.data(), int(bytes.size()))) {
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

bool kite::parseInputShape(StringRef spec, std::string &name,
                           SmallVectorImpl<int64_t> &dims, std::string &error) {
  auto [head, tail] = spec.rsplit('=');
  if (head.empty() || head.size() == spec.size()) {
    error =
        "--input-shape expects <name>=<d0>x<d1>..., got '" + spec.str() + "'";
    return false;
  }
  name = head.str();
  dims.clear();
  SmallVector<StringRef> parts;
  tail.split(parts, 'x');
  for (StringRef p : parts) {
    int64_t d;
    if (p.getAsInteger(10, d) || d < 1) {
      error = "--input-shape " + name + ": '" + p.str() +
              "' is not a dimension (a positive integer)";
      return false;
    }
    dims.push_back(d);
  }
  return true;
}

bool kite::parseBoundInput(StringRef spec, std::string &name,
                           tensorio::HostTensor &value, std::string &error) {
  auto [head, tail] = spec.split('=');
  if (head.empty() || tail.empty()) {
    error = "--bind-input expects <name>=<file.npy|file.pb>, got '" +
            spec.str() + "'";
    return false;
  }
  name = head.str();
  return tail.ends_with(".pb") ? readOnnxTensorFile(tail, value, &error)
                               : tensorio::readNpy(tail.str(), value, &error);
}

bool kite::addInputSpecs(OnnxImportOptions &options,
                         ArrayRef<std::string> inputShapes,
                         ArrayRef<std::string> boundInputs,
                         std::string &error) {
  for (const std::string &spec : inputShapes) {
    std::string name;
    SmallVector<int64_t, 4> dims;
    if (!parseInputShape(spec, name, dims, error))
      return false;
    options.inputShapes[name] = dims;
  }
  for (const std::string &spec : boundInputs) {
    std::string name;
    tensorio::HostTensor value;
    if (!parseBoundInput(spec, name, value, error))
      return false;
    options.boundInputs[name] = std::move(value);
  }
  return true;
}
