//===- Tiling.cpp - MAC tiles on the array and its buffers ----------------===//

#include "kite/Conversion/Tiling.h"
#include "kite/Runtime/Isa.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace kite;

namespace {
constexpr int64_t kAlign = 64;
MacShape withSparsity(MacShape shape, NMAttr weights, NMAttr activations) {
  if (weights) {
    shape.keep = weights.getN();
    shape.group = weights.getM();
  }
  if (activations)
    shape.actPeriod = numerics::seriesPeriod(activations.getSeries());
  return shape;
}

/// Terms in the accumulator chain `op` belongs to: ops of its kind, each
/// taking the previous one's result as its accumulator.
template <typename OpTy> int64_t chainLength(OpTy op) {
  OpTy head = op;
  while (auto prev = head.getAcc()
                         ? head.getAcc().template getDefiningOp<OpTy>()
                         : OpTy())
    head = prev;
  int64_t terms = 1;
  for (OpTy term = head; term.getResult().hasOneUse(); ++terms) {
    auto next = dyn_cast<OpTy>(*term.getResult().getUsers().begin());
    if (!next || next.getAcc() != term.getResult())
      break;
    term = next;
  }
  return terms;
}

/// Bytes of one image's im2col patches for one group.
int64_t imagePatchBytes(Conv2DOp conv) {
  auto filter = conv.getFilter().getType();
  auto out = conv.getResult().getType();
  return out.getDimSize(2) * out.getDimSize(3) * filter.getDimSize(1) *
         filter.getDimSize(2) * filter.getDimSize(3);
}
} // namespace

int64_t kite::patchBytes(Conv2DOp conv, TargetAttr target) {
  return imagesPerPass(conv, target) * imagePatchBytes(conv);
}

int64_t kite::imagesPerPass(Conv2DOp conv, TargetAttr target) {
  auto out = conv.getResult().getType();
  int64_t positions = out.getDimSize(2) * out.getDimSize(3);
  // Eight array heights of rows: a pass's fill and drain (rows + cols
  // cycles) then cost a small part of its streaming, and a batch still
  // makes several problems, so that one's im2col and drain overlap
  // another's multiplications. (On the digits CNN, 4, 8 and 16 heights
  // give 144,360, 141,003 and 144,342 cycles.)
  int64_t wanted =
      llvm::divideCeil(8 * int64_t(target.getArrayRows()), positions);
  int64_t fit = int64_t(target.getMemory().getActKib()) * 1024 / 2 /
                std::max<int64_t>(imagePatchBytes(conv), 1);
  return std::clamp<int64_t>(std::min(wanted, fit), 1, out.getDimSize(0));
}

std::optional<MacShape> kite::macShape(Operation *op, TargetAttr target) {
  if (auto mm = dyn_cast<MatmulOp>(op)) {
    ArrayRef<int64_t> ls = mm.getLhs().getType().getShape(),
                      rs = mm.getRhs().getType().getShape();
    bool shared = rs.size() == 2;
    int64_t m =
        shared ? ShapedType::getNumElements(ls.drop_back()) : ls[ls.size() - 2];
    MacShape shape{m, ls.back(), rs.back()};
    shape.problems = shared ? 1 : ShapedType::getNumElements(ls.drop_back(2));
    shape.chainTerms = chainLength(mm);
    return withSparsity(shape, mm.getRhsSparsityAttr(),
                        mm.getLhsSparsityAttr());
  }
  if (auto conv = dyn_cast<Conv2DOp>(op)) {
    ArrayRef<int64_t> fs = conv.getFilter().getType().getShape(),
                      os = conv.getResult().getType().getShape();
    int64_t groups = int64_t(conv.getGroups()),
            images = imagesPerPass(conv, target);
    MacShape shape{images * os[2] * os[3], fs[1] * fs[2] * fs[3],
                   fs[0] / groups};
    shape.problems = llvm::divideCeil(os[0], images) * groups;
    shape.chainTerms = chainLength(conv);
    return withSparsity(shape, conv.getFilterSparsityAttr(),
                        conv.getInputSparsityAttr());
  }
  return std::nullopt;
}

TileBudget kite::tileBudget(TargetAttr target, int64_t n) {
  MemoryAttr mem = target.getMemory();
  int64_t vectorSlot = 2 * int64_t(llvm::alignTo(n * 4, kAlign));
  return {int64_t(mem.getActKib()) * 1024 / 2,
          (int64_t(mem.getWeightKib()) * 1024 - 2 * vectorSlot) / 2,
          int64_t(mem.getAccKib()) * 1024 / 2,
          int64_t(target.getArrayRows()),
          int64_t(target.getArrayCols()),
          vectorSlot};
}

TileAttr kite::defaultTile(MLIRContext *ctx, const TileBudget &budget,
                           const MacShape &s) {
  int64_t tn = std::min(s.n, std::max(budget.arrayCols, budget.acc / 4 / 64));
  tn = std::max<int64_t>(1, std::min(tn, budget.weight));
  if (s.keep > 0 && tn < s.n)
    tn = std::max<int64_t>(8, tn / 8 * 8);
  int64_t tk = std::max<int64_t>(
      1, std::min(s.k, std::min(budget.weight / tn, budget.act)));
  if (s.keep > 0) {
    int64_t groups = std::max<int64_t>(1, budget.weight / 2 / (s.keep * tn));
    tk = std::min({s.k, groups * s.group, budget.act / s.group * s.group});
    tk = std::max(tk, std::min(s.k, s.group));
  }
  if (tk < s.k && s.actPeriod > 1)
    tk = std::max(s.actPeriod, tk / s.actPeriod * s.actPeriod);
  int64_t tm = std::max<int64_t>(
      1, std::min({s.m, budget.act / tk, budget.acc / (4 * tn)}));
  if (s.problems == 1 && s.chainTerms <= 2 && tm == s.m && tk == s.k &&
      tn == s.n && s.m >= 2 * budget.arrayRows)
    tm = llvm::divideCeil(s.m, 2);
  return TileAttr::get(ctx, tm, tk, tn);
}

std::optional<std::string> kite::tileProblem(const TileBudget &budget,
                                             const MacShape &s, int64_t m,
                                             int64_t k, int64_t n) {
  auto exceeds = [](const char *what, int64_t bytes, const char *buffer,
                    int64_t half) {
    return std::string(what) + " needs " + std::to_string(bytes) +
           " bytes, more than the " + std::to_string(half) + " of the " +
           buffer + " buffer a tile may use";
  };
  if (m * k > budget.act)
    return exceeds("the activation tile (m x k)", m * k, "ACT", budget.act);
  if (m * n * rt::kAccWordBytes > budget.acc)
    return exceeds("the accumulator tile (m x n x 4)",
                   m * n * rt::kAccWordBytes, "ACC", budget.acc);
  if (k % s.actPeriod && k != s.k)
    return "a tile must not cut a group of N:M activations: k must be a "
           "multiple of " +
           std::to_string(s.actPeriod);
  if (s.keep == 0) {
    if (k * n > budget.weight)
      return exceeds("the weight tile (k x n)", k * n, "WEIGHT", budget.weight);
    return std::nullopt;
  }
  if (k % s.group && k != s.k)
    return "an N:M tile takes whole groups: k must be a multiple of " +
           std::to_string(s.group);
  if (n % 8 && n != s.n)
    return std::string("an N:M tile's n must be a multiple of 8 (packed "
                       "indices start on a byte)");
  int64_t rows = llvm::divideCeil(k, s.group) * s.keep;
  int64_t bytes = std::max(rows * n, rows * rt::nmIndexRowBytes(n, s.group));
  if (bytes > budget.weight / 2)
    return exceeds("the N:M values or indices", bytes, "WEIGHT",
                   budget.weight / 2);
  return std::nullopt;
}
