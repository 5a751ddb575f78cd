//===- Control.cpp - ONNX Constant, Identity, Dropout and If --------------===//
//
// If: a condition known at import time inlines its branch; a computed one
// becomes scf.if, both branches imported into its regions (they may read
// any value of the enclosing graph).
//
//===----------------------------------------------------------------------===//

#include "Importer.h"

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace kite::onnximport;

namespace {

LogicalResult constantOp(Node &n) {
  if (n.proto.attribute_size() != 1)
    return n.fail() << "needs exactly one value attribute";
  const onnx::AttributeProto &a = n.proto.attribute(0);
  Builder b(n.b.context());
  auto ints = [&](ArrayRef<int64_t> shape, ArrayRef<int64_t> v) {
    Tensor t = Tensor::ints(shape);
    t.i.assign(v.begin(), v.end());
    return n.defineHost(0, std::move(t), b.getI64Type());
  };
  auto floats = [&](ArrayRef<int64_t> shape, ArrayRef<float> v) {
    Tensor t = Tensor::floats(shape);
    t.f.assign(v.begin(), v.end());
    return n.defineHost(0, std::move(t), b.getF32Type());
  };
  if (a.name() == "value") {
    std::string error;
    Type element;
    FailureOr<Tensor> t = decodeTensor(a.t(), n.b.context(), element, error);
    if (failed(t))
      return n.fail() << error;
    return n.defineHost(0, std::move(*t), element);
  }
  if (a.name() == "value_float")
    return floats({}, {a.f()});
  if (a.name() == "value_floats") {
    SmallVector<float> v(a.floats().begin(), a.floats().end());
    return floats({int64_t(v.size())}, v);
  }
  if (a.name() == "value_int")
    return ints({}, {a.i()});
  if (a.name() == "value_ints") {
    SmallVector<int64_t> v(a.ints().begin(), a.ints().end());
    return ints({int64_t(v.size())}, v);
  }
  return n.unsupported(a.name(), "(sparse or string constants)");
}

LogicalResult identityOp(Node &n) { return n.forward(0, 0); }

/// Dropout at inference passes its input through; the mask is all true.
LogicalResult dropoutOp(Node &n) {
  if (n.has(2) && n.in(2).host && !n.in(2).host->i.empty() &&
      n.in(2).host->i[0])
    return n.unsupported("training_mode", "true");
  if (failed(n.forward(0, 0)))
    return failure();
  if (n.wantsOutput(1))
    return n.defineHost(1, Tensor::ints(n.in(0).shape, 1), n.b.i1());
  return success();
}

/// Imports one branch into `block` and returns its results as values.
FailureOr<SmallVector<Value>> importBranch(Node &n, Block *block,
                                           const onnx::GraphProto &graph) {
  OpBuilder &b = n.b.builder();
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToEnd(block);
  FailureOr<SmallVector<Val, 2>> outs = n.importSubgraph(graph);
  if (failed(outs))
    return failure();
  SmallVector<Value> values;
  for (Val &v : *outs) {
    if (v.value && !v.host) {
      values.push_back(v.value);
      continue;
    }
    values.push_back(n.b.constant(*v.host, v.element));
  }
  scf::YieldOp::create(b, b.getUnknownLoc(), values);
  return values;
}

LogicalResult ifOp(Node &n) {
  const onnx::AttributeProto *thenAttr = n.attr("then_branch"),
                             *elseAttr = n.attr("else_branch");
  if (!thenAttr || !elseAttr)
    return n.fail() << "needs then_branch and else_branch";
  Val &cond = n.in(0);
  if (product(cond.shape) != 1 || !cond.isBool())
    return n.fail() << "the condition must be one boolean";
  const onnx::GraphProto &thenG = thenAttr->g(), &elseG = elseAttr->g();
  if (thenG.output_size() != n.numOutputs() ||
      elseG.output_size() != n.numOutputs())
    return n.fail() << "the branches must produce the node's " << n.numOutputs()
                    << " outputs";
  if (cond.host) {
    // A condition known now: the branch it picks, inline.
    FailureOr<SmallVector<Val, 2>> outs =
        n.importSubgraph(cond.host->i[0] ? thenG : elseG);
    if (failed(outs))
      return failure();
    for (auto [i, v] : llvm::enumerate(*outs)) {
      if (v.host) {
        if (failed(n.defineHost(int(i), *v.host, v.element)))
          return failure();
      } else if (failed(n.define(int(i), v.value))) {
        return failure();
      }
    }
    return success();
  }
  FailureOr<Value> c = n.value(0);
  if (failed(c))
    return failure();
  auto thenBlock = std::make_unique<Block>(),
       elseBlock = std::make_unique<Block>();
  FailureOr<SmallVector<Value>> thenVals =
      importBranch(n, thenBlock.get(), thenG);
  if (failed(thenVals))
    return failure();
  FailureOr<SmallVector<Value>> elseVals =
      importBranch(n, elseBlock.get(), elseG);
  if (failed(elseVals))
    return failure();
  SmallVector<Type> types;
  for (auto [t, e] : llvm::zip(*thenVals, *elseVals)) {
    if (t.getType() != e.getType())
      return n.fail() << "the branches produce different types (" << t.getType()
                      << " and " << e.getType() << ")";
    types.push_back(t.getType());
  }
  OpBuilder &b = n.b.builder();
  Value flag = tensor::ExtractOp::create(b, b.getUnknownLoc(),
                                         n.b.reshape(*c, {}), ValueRange{});
  auto op = scf::IfOp::create(b, b.getUnknownLoc(), types, flag,
                              /*addThenBlock=*/false,
                              /*addElseBlock=*/false);
  op.getThenRegion().push_back(thenBlock.release());
  op.getElseRegion().push_back(elseBlock.release());
  for (auto [i, r] : llvm::enumerate(op.getResults()))
    if (failed(n.define(int(i), r)))
      return failure();
  return success();
}

void add(OpTable &t, StringRef name, int minIn, int maxIn, Handler h,
         StringRef notes = "", int maxOut = 1) {
  OpInfo info;
  info.family = "Control";
  info.minInputs = minIn;
  info.maxInputs = maxIn;
  info.maxOutputs = maxOut;
  info.handler = h;
  info.notes = notes;
  t[name] = info;
}
} // namespace

void kite::onnximport::registerControlOps(OpTable &t) {
  add(t, "Constant", 0, 0, constantOp, "tensor, float(s) and int(s) values");
  add(t, "Identity", 1, 1, identityOp);
  add(t, "Dropout", 1, 3, dropoutOp, "inference (identity)", 2);
  add(t, "If", 1, 1, ifOp,
      "a constant condition inlines its branch; a computed one becomes "
      "scf.if",
      16);
}
