//===- TasdRewrite.cpp - MAC ops as series of N:M terms -------------------===//

#include "TasdRewrite.h"

#include "kite/Numerics/NMSelect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Matchers.h"

#include <cmath>

using namespace mlir;
using namespace kite;

/// "2:4+1:8" -> {(2, 4), (1, 8)}.
FailureOr<tasd::Terms> tasd::parseSeries(StringRef text) {
  Terms terms;
  SmallVector<StringRef> parts;
  text.split(parts, '+');
  for (StringRef part : parts) {
    auto [n, m] = part.trim().split(':');
    unsigned nv = 0, mv = 0;
    if (n.getAsInteger(10, nv) || m.getAsInteger(10, mv) || nv < 1 || mv < nv ||
        mv > 256)
      return failure();
    terms.push_back({nv, mv});
  }
  return terms;
}

/// A MAC op's constant integer weights as `batches` K x N matrices, N:M
/// groups running along K: a matmul's rhs ([B...] x K x N), or a
/// convolution's filter (F x C/groups x KH x KW: K = C/groups * KH * KW
/// per filter, N = F).
namespace {
struct WeightView {
  Value weights;
  int64_t batches, k, n, kStride, nStride;
  int64_t at(int64_t b, int64_t kk, int64_t j) const {
    return b * k * n + kk * kStride + j * nStride;
  }
};
} // namespace

static WeightView weightView(Operation *op) {
  if (auto conv = dyn_cast<Conv2DOp>(op)) {
    auto type = conv.getFilter().getType();
    int64_t f = type.getDimSize(0), k = type.getNumElements() / f;
    return {conv.getFilter(), 1, k, f, 1, k};
  }
  auto mm = cast<MatmulOp>(op);
  auto type = mm.getRhs().getType();
  ArrayRef<int64_t> shape = type.getShape();
  int64_t k = shape[shape.size() - 2], n = shape.back();
  return {mm.getRhs(), type.getNumElements() / (k * n), k, n, n, 1};
}

std::pair<int64_t, int64_t> tasd::weightMatrixShape(Operation *op) {
  WeightView view = weightView(op);
  return {view.k, view.n};
}

/// Takes the N:M selection of `residual` (along K) out of it and returns it.
static std::vector<int64_t> takeTerm(std::vector<int64_t> &residual,
                                     const WeightView &view, unsigned keep,
                                     unsigned group) {
  std::vector<int64_t> term(residual.size(), 0);
  for (int64_t b = 0; b < view.batches; ++b)
    for (int64_t j = 0; j < view.n; ++j)
      for (int64_t g0 = 0; g0 < view.k; g0 += group) {
        auto at = [&](int64_t t) -> int64_t & {
          return residual[size_t(view.at(b, g0 + t, j))];
        };
        for (int64_t t : numerics::keptInGroup(
                 std::min<int64_t>(group, view.k - g0), keep,
                 [&](int64_t t) { return std::llabs(at(t)); })) {
          term[size_t(view.at(b, g0 + t, j))] = at(t);
          at(t) = 0;
        }
      }
  return term;
}

static double norm(const std::vector<int64_t> &v) {
  double s = 0;
  for (int64_t x : v)
    s += double(x) * double(x);
  return std::sqrt(s);
}

/// A copy of MAC op `op` at `b` that reads `weights` through `weightsNM`
/// and its activations through `activationsNM`, adds to `acc` (if any) and,
/// unless `first`, leaves the bias to the first term.
static Operation *cloneTerm(OpBuilder &b, Operation *op, Value weights,
                            Value acc, bool first, NMAttr weightsNM,
                            NMAttr activationsNM = nullptr) {
  Operation *part = b.clone(*op);
  if (auto mm = dyn_cast<MatmulOp>(part)) {
    mm.getRhsMutable().assign(weights);
    if (acc)
      mm.getAccMutable().assign(acc);
    else
      mm.getAccMutable().clear();
    mm.setRhsSparsityAttr(weightsNM);
    mm.setLhsSparsityAttr(activationsNM);
    return part;
  }
  auto conv = cast<Conv2DOp>(part);
  conv.getFilterMutable().assign(weights);
  if (acc)
    conv.getAccMutable().assign(acc);
  else
    conv.getAccMutable().clear();
  if (!first)
    conv.getBiasMutable().clear();
  conv.setFilterSparsityAttr(weightsNM);
  conv.setInputSparsityAttr(activationsNM);
  return part;
}

void tasd::decompose(Operation *op,
                     ArrayRef<std::pair<unsigned, unsigned>> terms,
                     double &relativeResidual, int64_t &kept,
                     int64_t &nonzero) {
  WeightView view = weightView(op);
  DenseIntElementsAttr weights;
  matchPattern(view.weights, m_Constant(&weights));
  auto type = cast<RankedTensorType>(view.weights.getType());
  std::vector<int64_t> residual;
  for (const APInt &v : weights.getValues<APInt>())
    residual.push_back(v.getSExtValue());
  double total = norm(residual);
  nonzero = llvm::count_if(residual, [](int64_t v) { return v; });

  OpBuilder b(op);
  Value acc = isa<MatmulOp>(op) ? cast<MatmulOp>(op).getAcc()
                                : cast<Conv2DOp>(op).getAcc();
  bool first = true;
  kept = 0;
  for (auto [keep, group] : terms) {
    std::vector<int64_t> term = takeTerm(residual, view, keep, group);
    int64_t termNonzero = llvm::count_if(term, [](int64_t v) { return v; });
    if (!termNonzero)
      continue;
    kept += termNonzero;
    SmallVector<APInt> values;
    unsigned width = type.getElementTypeBitWidth();
    for (int64_t v : term)
      values.push_back(APInt(width, uint64_t(v), /*isSigned=*/true));
    Value w = arith::ConstantOp::create(
        b, op->getLoc(), DenseIntElementsAttr::get(type, values));
    acc = cloneTerm(b, op, w, acc, first,
                    NMAttr::get(op->getContext(), keep, group))
              ->getResult(0);
    first = false;
  }
  relativeResidual = total > 0 ? norm(residual) / total : 0.0;
  if (first) // every term was empty: the weights are all zero
    return;
  Operation *dense = view.weights.getDefiningOp();
  op->getResult(0).replaceAllUsesWith(acc);
  op->erase();
  if (dense->use_empty())
    dense->erase();
}

bool tasd::isDecomposable(Operation *op) {
  auto integerConstant = [](Value w) {
    return isa<IntegerType>(getElementTypeOrSelf(w.getType())) &&
           matchPattern(w, m_Constant());
  };
  if (auto mm = dyn_cast<MatmulOp>(op))
    return !mm.getRhsSparsityAttr() && integerConstant(mm.getRhs());
  if (auto conv = dyn_cast<Conv2DOp>(op))
    return !conv.getFilterSparsityAttr() && !conv.getAcc() &&
           integerConstant(conv.getFilter());
  return false;
}

SmallVector<Operation *> tasd::decomposable(ModuleOp module) {
  SmallVector<Operation *> ops;
  module.walk([&](Operation *op) {
    if (isDecomposable(op))
      ops.push_back(op);
  });
  return ops;
}

/// `v`'s source past reshapes and max pooling, which keep a ReLU output one.
static Value throughReshapesAndMaxPools(Value v) {
  while (Operation *def = v.getDefiningOp()) {
    if (!isa<tosa::ReshapeOp, tosa::MaxPool2dOp>(def))
      break;
    v = def->getOperand(0);
  }
  return v;
}

/// Whether `v` is a ReLU output: a kite.quantize of a tosa.clamp with a
/// lower bound of at least zero, looking through reshapes and max pooling
/// (on either side of the quantize).
static bool isReluOutput(Value v) {
  auto q = throughReshapesAndMaxPools(v).getDefiningOp<QuantizeOp>();
  if (!q)
    return false;
  auto clamp =
      throughReshapesAndMaxPools(q.getInput()).getDefiningOp<tosa::ClampOp>();
  auto min = clamp ? dyn_cast<FloatAttr>(clamp.getMinValAttr()) : FloatAttr();
  return min && min.getValueAsDouble() >= 0;
}

/// For a GELU output `v` — a per-tensor kite.quantize with zero point 0 of
/// a kite.gelu, looking through reshapes — the integer magnitude below
/// which values are smaller than `threshold` (real units): ceil(threshold /
/// scale), at least 1.
static std::optional<unsigned> geluThreshold(Value v, double threshold) {
  auto q = v.getDefiningOp<QuantizeOp>();
  if (!q || threshold <= 0 || !q.getScale() || q.getScale()->size() != 1 ||
      (*q.getZeroPoint())[0] != 0)
    return std::nullopt;
  Value in = q.getInput();
  while (auto r = in.getDefiningOp<tosa::ReshapeOp>())
    in = r.getInput1();
  if (!in.getDefiningOp<GeluOp>())
    return std::nullopt;
  double steps = std::ceil(threshold / (*q.getScale())[0]);
  return unsigned(
      std::clamp(steps, 1.0, double(numerics::kMaxSelectionThreshold)));
}

/// The activations of MAC op `op` if a run-time selection could read
/// them: integer, dense weights, no selection yet; else null.
static Value selectableActivations(Operation *op) {
  Value activations;
  bool dense = false;
  if (auto mm = dyn_cast<MatmulOp>(op)) {
    activations = mm.getLhs();
    dense = !mm.getRhsSparsityAttr() && !mm.getLhsSparsityAttr();
  } else if (auto conv = dyn_cast<Conv2DOp>(op)) {
    activations = conv.getInput();
    dense = !conv.getFilterSparsityAttr() && !conv.getInputSparsityAttr();
  }
  if (!dense || !isa<IntegerType>(getElementTypeOrSelf(activations.getType())))
    return nullptr;
  return activations;
}

/// Rewrites `op` into the chain of `terms`, reading its activations
/// through `first` (the first term's selection), each later copy through
/// its term's selection of what the earlier terms left (`residual_of`).
static void selectWith(Operation *op,
                       ArrayRef<std::pair<unsigned, unsigned>> terms,
                       NMAttr first) {
  if (auto mm = dyn_cast<MatmulOp>(op))
    mm.setLhsSparsityAttr(first);
  else
    cast<Conv2DOp>(op).setInputSparsityAttr(first);
  MLIRContext *ctx = op->getContext();
  // The series shares the first term's threshold; nested terms carry none.
  NMAttr earlier = NMAttr::get(ctx, first.getN(), first.getM());
  Value weights = weightView(op).weights;
  OpBuilder b(ctx);
  Operation *last = op, *second = nullptr;
  for (auto [n, m] : terms.drop_front()) {
    NMAttr nm = NMAttr::get(ctx, n, m, first.getThreshold(), earlier);
    earlier = NMAttr::get(ctx, n, m, 0, earlier);
    b.setInsertionPointAfter(last);
    last = cloneTerm(b, op, weights, last->getResult(0), /*first=*/false,
                     nullptr, nm);
    if (!second)
      second = last;
  }
  if (second)
    op->getResult(0).replaceAllUsesExcept(last->getResult(0), second);
}

bool tasd::selectsActivations(Operation *op, double geluThresholdReal) {
  Value activations = selectableActivations(op);
  return activations && (isReluOutput(activations) ||
                         geluThreshold(activations, geluThresholdReal));
}

NMAttr tasd::selectActivations(Operation *op,
                               ArrayRef<std::pair<unsigned, unsigned>> terms,
                               double geluThresholdReal) {
  Value activations = selectableActivations(op);
  if (!activations)
    return nullptr;
  auto [n0, m0] = terms.front();
  NMAttr first;
  if (isReluOutput(activations))
    first = NMAttr::get(op->getContext(), n0, m0);
  else if (std::optional<unsigned> t =
               geluThreshold(activations, geluThresholdReal))
    first = NMAttr::get(op->getContext(), n0, m0, *t);
  if (first)
    selectWith(op, terms, first);
  return first;
}

NMAttr tasd::selectActivationsAt(Operation *op,
                                 ArrayRef<std::pair<unsigned, unsigned>> terms,
                                 unsigned threshold) {
  Value activations = selectableActivations(op);
  // Any positive real threshold tells whether the codes are GELU outputs.
  if (!activations || (threshold == 0 ? !isReluOutput(activations)
                                      : !geluThreshold(activations, 1.0)))
    return nullptr;
  auto [n0, m0] = terms.front();
  NMAttr first = NMAttr::get(op->getContext(), n0, m0, threshold);
  selectWith(op, terms, first);
  return first;
}

/// "2:4+1:8" for the series `terms`.
std::string tasd::seriesText(ArrayRef<std::pair<unsigned, unsigned>> terms) {
  std::string text;
  for (auto [n, m] : terms)
    text +=
        (text.empty() ? "" : "+") + std::to_string(n) + ":" + std::to_string(m);
  return text;
}
