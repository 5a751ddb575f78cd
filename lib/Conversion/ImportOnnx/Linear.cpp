//===- Linear.cpp - ONNX MatMul, Gemm and Einsum --------------------------===//
//
// Matrix products as tosa.matmul on 3-D operands (numpy batching folded
// into the batch or row dimension). Einsum takes the equations that are a
// matrix product after transposes and sums: every label appears at most
// once per operand.
//
//===----------------------------------------------------------------------===//

#include "Importer.h"

#include <map>

using namespace mlir;
using namespace kite::onnximport;
using B = TosaBuilder::Binary;

namespace {

LogicalResult matmulOp(Node &n) {
  FailureOr<Value> a = n.value(0), c = n.value(1);
  if (failed(a) || failed(c))
    return failure();
  return n.define(0, n.b.matmul(*a, *c));
}

LogicalResult gemmOp(Node &n) {
  FailureOr<Value> a = n.value(0), c = n.value(1);
  if (failed(a) || failed(c))
    return failure();
  if (TosaBuilder::shapeOf(*a).size() != 2 ||
      TosaBuilder::shapeOf(*c).size() != 2)
    return n.fail() << "Gemm operands must be 2-D";
  Value A = n.attrInt("transA", 0) ? n.b.transpose(*a, {1, 0}) : *a;
  Value Bm = n.attrInt("transB", 0) ? n.b.transpose(*c, {1, 0}) : *c;
  FailureOr<Value> y = n.b.matmul(A, Bm);
  if (failed(y))
    return failure();
  float alpha = n.attrFloat("alpha", 1.0f), beta = n.attrFloat("beta", 1.0f);
  if (alpha != 1.0f)
    y = n.b.affine(*y, alpha, 0.0);
  if (failed(y) || !n.has(2) || beta == 0.0f)
    return n.define(0, y);
  FailureOr<Value> bias = n.value(2);
  if (failed(bias))
    return failure();
  FailureOr<Value> scaled = n.b.affine(*bias, beta, 0.0);
  if (failed(scaled))
    return failure();
  return n.define(0, n.b.binary(B::Add, *y, *scaled));
}

/// One Einsum operand or the output: a label per dimension.
using Labels = std::string;

/// Expands "..." to as many fresh labels (upper case, right-aligned across
/// operands) as the dimensions it stands for.
FailureOr<Labels> expandEllipsis(Node &n, StringRef spec, int64_t rank,
                                 int64_t ellipsisRank) {
  size_t at = spec.find("...");
  if (at == StringRef::npos) {
    if (int64_t(spec.size()) != rank)
      return n.fail() << "equation term '" << spec << "' has " << spec.size()
                      << " labels for a rank-" << rank << " operand";
    return spec.str();
  }
  int64_t covered = rank - int64_t(spec.size() - 3);
  if (covered < 0 || covered > ellipsisRank)
    return n.fail() << "'...' in '" << spec << "' does not fit the operand";
  Labels r = spec.take_front(at).str();
  for (int64_t k = ellipsisRank - covered; k < ellipsisRank; ++k)
    r.push_back(char('A' + k));
  r += spec.drop_front(at + 3).str();
  return r;
}

LogicalResult einsumOp(Node &n) {
  std::string eq;
  for (char ch : n.attrString("equation", ""))
    if (ch != ' ')
      eq.push_back(ch);
  StringRef lhs = eq, rhs;
  bool explicitOut = lhs.contains("->");
  if (explicitOut)
    std::tie(lhs, rhs) = lhs.split("->");
  SmallVector<StringRef> terms;
  lhs.split(terms, ',');
  if (int(terms.size()) != n.numInputs() || terms.size() > 2)
    return n.fail() << "only Einsum of one or two operands is supported";
  SmallVector<Value> ops;
  SmallVector<Shape> shapes;
  int64_t ellipsisRank = 0;
  for (int i = 0; i < n.numInputs(); ++i) {
    FailureOr<Value> v = n.value(i);
    if (failed(v))
      return failure();
    ops.push_back(*v);
    shapes.push_back(TosaBuilder::shapeOf(*v));
    if (terms[i].contains("..."))
      ellipsisRank =
          std::max<int64_t>(ellipsisRank, int64_t(shapes[i].size()) -
                                              int64_t(terms[i].size() - 3));
  }
  SmallVector<Labels> in;
  std::map<char, int64_t> size;
  for (size_t i = 0; i < ops.size(); ++i) {
    FailureOr<Labels> l =
        expandEllipsis(n, terms[i], int64_t(shapes[i].size()), ellipsisRank);
    if (failed(l))
      return failure();
    for (size_t d = 0; d < l->size(); ++d) {
      char c = (*l)[d];
      if (llvm::count(*l, c) > 1)
        return n.fail() << "repeated label '" << c
                        << "' (a diagonal) is not supported";
      auto [it, fresh] = size.insert({c, shapes[i][d]});
      if (!fresh && it->second != shapes[i][d]) {
        if (it->second != 1 && shapes[i][d] != 1)
          return n.fail() << "label '" << c << "' has sizes " << it->second
                          << " and " << shapes[i][d];
        it->second = std::max(it->second, shapes[i][d]);
      }
    }
    in.push_back(*l);
  }
  Labels out;
  if (explicitOut) {
    FailureOr<Labels> o =
        expandEllipsis(n, rhs,
                       int64_t(rhs.size()) - (rhs.contains("...") ? 3 : 0) +
                           (rhs.contains("...") ? ellipsisRank : 0),
                       ellipsisRank);
    if (failed(o))
      return failure();
    out = *o;
  } else {
    // Implicit output: the ellipsis, then labels seen once, sorted.
    for (int64_t k = 0; k < ellipsisRank; ++k)
      out.push_back(char('A' + k));
    for (auto [c, s] : size)
      if (!(c >= 'A' && c < 'A' + ellipsisRank) &&
          llvm::count(in[0], c) + (in.size() > 1 ? llvm::count(in[1], c) : 0) ==
              1)
        out.push_back(c);
  }
  auto inOut = [&](char c) { return out.find(c) != Labels::npos; };
  auto inOther = [&](size_t i, char c) {
    return in.size() > 1 && in[1 - i].find(c) != Labels::npos;
  };
  // Sum out the labels only one operand has and the output does not.
  for (size_t i = 0; i < ops.size(); ++i) {
    SmallVector<int64_t> axes;
    Labels kept;
    for (size_t d = 0; d < in[i].size(); ++d) {
      if (!inOut(in[i][d]) && !inOther(i, in[i][d]))
        axes.push_back(int64_t(d));
      else
        kept.push_back(in[i][d]);
    }
    if (axes.empty())
      continue;
    Shape keptShape;
    for (char c : kept)
      keptShape.push_back(shapes[i][in[i].find(c)]);
    ops[i] = n.b.reshape(n.b.reduce(TosaBuilder::Reduce::Sum, ops[i], axes),
                         keptShape);
    shapes[i] = keptShape;
    in[i] = kept;
  }
  // Transposes `v` (labels `from`) to the order `to`.
  auto permute = [&](Value v, const Labels &from, const Labels &to) {
    SmallVector<int32_t> perm;
    for (char c : to)
      perm.push_back(int32_t(from.find(c)));
    return n.b.transpose(v, perm);
  };
  Labels result;
  Value r;
  if (ops.size() == 1) {
    r = ops[0];
    result = in[0];
  } else {
    Labels batch, contract, freeA, freeB;
    for (char c : in[0]) {
      bool other = in[1].find(c) != Labels::npos;
      (other ? (inOut(c) ? batch : contract) : freeA).push_back(c);
    }
    for (char c : in[1])
      if (in[0].find(c) == Labels::npos)
        freeB.push_back(c);
    auto dims = [&](const Labels &l) {
      Shape s;
      for (char c : l)
        s.push_back(size[c]);
      return s;
    };
    auto prod = [&](const Labels &l) { return product(dims(l)); };
    // Operands broadcast to the full label sizes, then [B, M, K] x [B, K, N].
    auto arrange = [&](size_t i, const Labels &order) -> FailureOr<Value> {
      Value t = permute(ops[i], in[i], order);
      return n.b.broadcastTo(t, dims(order));
    };
    FailureOr<Value> a = arrange(0, batch + freeA + contract);
    FailureOr<Value> c = arrange(1, batch + contract + freeB);
    if (failed(a) || failed(c))
      return failure();
    FailureOr<Value> m =
        n.b.matmul(n.b.reshape(*a, {prod(batch), prod(freeA), prod(contract)}),
                   n.b.reshape(*c, {prod(batch), prod(contract), prod(freeB)}));
    if (failed(m))
      return failure();
    result = batch + freeA + freeB;
    r = n.b.reshape(*m, dims(result));
  }
  for (char c : out)
    if (result.find(c) == Labels::npos)
      return n.fail() << "output label '" << c << "' is not in any operand";
  if (result.size() != out.size())
    return n.fail() << "the equation's output leaves labels unsummed";
  return n.define(0, permute(r, result, out));
}

void add(OpTable &t, StringRef name, int minIn, int maxIn, Handler h,
         StringRef notes = "") {
  OpInfo info;
  info.family = "Linear";
  info.minInputs = minIn;
  info.maxInputs = maxIn;
  info.handler = h;
  info.notes = notes;
  t[name] = info;
}
} // namespace

void kite::onnximport::registerLinearOps(OpTable &t) {
  add(t, "MatMul", 2, 2, matmulOp, "float; numpy batching");
  add(t, "Gemm", 2, 3, gemmOp, "transA, transB, alpha, beta");
  add(t, "Einsum", 1, 2, einsumOp,
      "one or two operands, no repeated label in an operand; '...'");
}
