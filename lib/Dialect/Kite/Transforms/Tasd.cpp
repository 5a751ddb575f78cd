//===- Tasd.cpp - TASD-W: weights as a series of N:M terms ----------------===//

#include "kite/Dialect/Kite/Transforms/Passes.h"
#include "kite/Numerics/NMSelect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"

#include <cmath>

namespace kite {
#define GEN_PASS_DEF_KITETASD
#include "kite/dialects/Kite/Passes.h.inc"
} // namespace kite

using namespace mlir;
using namespace kite;

namespace {
/// "2:4+1:8" -> {(2, 4), (1, 8)}.
FailureOr<SmallVector<std::pair<unsigned, unsigned>>>
parseSeries(StringRef text) {
  SmallVector<std::pair<unsigned, unsigned>> terms;
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

/// Takes the N:M selection of `residual` (K x N per batch slice, along K)
/// out of it and returns it.
std::vector<int64_t> takeTerm(std::vector<int64_t> &residual, int64_t batches,
                              int64_t k, int64_t n, unsigned keep,
                              unsigned group) {
  std::vector<int64_t> term(residual.size(), 0);
  for (int64_t b = 0; b < batches; ++b)
    for (int64_t j = 0; j < n; ++j)
      for (int64_t g0 = 0; g0 < k; g0 += group) {
        auto at = [&](int64_t t) -> int64_t & {
          return residual[size_t((b * k + g0 + t) * n + j)];
        };
        for (int64_t t : numerics::keptInGroup(
                 std::min<int64_t>(group, k - g0), keep,
                 [&](int64_t t) { return std::llabs(at(t)); })) {
          term[size_t((b * k + g0 + t) * n + j)] = at(t);
          at(t) = 0;
        }
      }
  return term;
}

double norm(const std::vector<int64_t> &v) {
  double s = 0;
  for (int64_t x : v)
    s += double(x) * double(x);
  return std::sqrt(s);
}

struct TasdPass : kite::impl::KiteTasdBase<TasdPass> {
  using KiteTasdBase::KiteTasdBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    FailureOr<SmallVector<std::pair<unsigned, unsigned>>> terms =
        parseSeries(series);
    if (failed(terms)) {
      module.emitError() << "kite-tasd: bad series '" << series
                         << "' (expected N:M terms joined by '+', e.g. "
                            "2:4+1:8)";
      return signalPassFailure();
    }
    if (TargetAttr target = lookupTarget(module))
      for (auto [n, m] : *terms)
        if (!target.supportsSparsity(NMAttr::get(&getContext(), n, m))) {
          module.emitError()
              << "kite-tasd: " << n << ":" << m
              << " is not supported by target '" << target.getName() << "'";
          return signalPassFailure();
        }
    SmallVector<MatmulOp> candidates;
    module.walk([&](MatmulOp op) {
      if (!op.getRhsSparsityAttr() &&
          isa<IntegerType>(op.getRhs().getType().getElementType()) &&
          matchPattern(op.getRhs(), m_Constant()))
        candidates.push_back(op);
    });
    for (auto [index, op] : llvm::enumerate(candidates))
      decompose(op, *terms, index);
  }

  void decompose(MatmulOp op, ArrayRef<std::pair<unsigned, unsigned>> terms,
                 size_t index) {
    DenseIntElementsAttr weights;
    matchPattern(op.getRhs(), m_Constant(&weights));
    auto type = op.getRhs().getType();
    ArrayRef<int64_t> shape = type.getShape();
    int64_t k = shape[shape.size() - 2], n = shape.back();
    int64_t batches = type.getNumElements() / (k * n);
    std::vector<int64_t> residual;
    for (const APInt &v : weights.getValues<APInt>())
      residual.push_back(v.getSExtValue());
    double total = norm(residual);
    int64_t nonzero = llvm::count_if(residual, [](int64_t v) { return v; });

    OpBuilder b(op);
    Value acc = op.getAcc();
    int64_t kept = 0;
    for (auto [keep, group] : terms) {
      std::vector<int64_t> term =
          takeTerm(residual, batches, k, n, keep, group);
      int64_t termNonzero = llvm::count_if(term, [](int64_t v) { return v; });
      if (!termNonzero)
        continue;
      kept += termNonzero;
      SmallVector<APInt> values;
      unsigned width = type.getElementTypeBitWidth();
      for (int64_t v : term)
        values.push_back(APInt(width, uint64_t(v), /*isSigned=*/true));
      Value w = arith::ConstantOp::create(
          b, op.getLoc(), DenseIntElementsAttr::get(type, values));
      auto part = cast<MatmulOp>(b.clone(*op));
      part.getRhsMutable().assign(w);
      if (acc)
        part.getAccMutable().assign(acc);
      else
        part.getAccMutable().clear();
      part.setRhsSparsityAttr(NMAttr::get(&getContext(), keep, group));
      acc = part.getResult();
    }
    if (report)
      llvm::errs() << llvm::formatv(
          "kite-tasd: layer {0} ({1}x{2}): series {3}, kept {4}/{5} nonzero "
          "weights, relative residual {6:f4}\n",
          index, k, n, series, kept, nonzero,
          total > 0 ? norm(residual) / total : 0.0);
    if (!acc) // every term was empty: the weights are all zero
      return;
    Operation *dense = op.getRhs().getDefiningOp();
    op.getResult().replaceAllUsesWith(acc);
    op.erase();
    if (dense->use_empty())
      dense->erase();
  }
};
} // namespace
