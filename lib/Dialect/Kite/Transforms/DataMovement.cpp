//===- DataMovement.cpp - quantize before data movement -------------------===//

#include "kite/Dialect/Kite/Transforms/DataMovement.h"
#include "kite/Dialect/Kite/IR/Kite.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/SetVector.h"

using namespace mlir;
using namespace kite;

namespace {
/// A slice of a tensor that one quantize (per-tensor integer, or LP) reads
/// alone, past reshapes.
struct QuantizedSlice {
  tosa::SliceOp slice;
  SmallVector<Operation *> reshapes;
  QuantizeOp quantize;
};

/// The codes data movement moves for quantize `q`: its result, or for LP
/// words the same bytes as i8 (kite.bitcast; TOSA takes no LP types).
Value codesOf(OpBuilder &b, QuantizeOp q) {
  if (!isa<LPType>(q.getType().getElementType()))
    return q.getResult();
  return BitcastOp::create(b, q.getLoc(), q.getType().clone(b.getI8Type()), q);
}

/// A copy of data-movement op `op` that moves `codes` instead of its input.
Value moveCodes(OpBuilder &b, Operation *op, Value codes) {
  Operation *clone = b.clone(*op);
  clone->setOperand(0, codes);
  Value moved = clone->getResult(0);
  moved.setType(cast<RankedTensorType>(moved.getType())
                    .clone(getElementTypeOrSelf(codes.getType())));
  return moved;
}

/// Replaces quantize `q` by `codes`, which codesOf would give for it: for
/// LP words, readers that cast q to i8 take the codes as they are, the
/// others through a kite.bitcast back.
void replaceByCodes(QuantizeOp q, Value codes, OpBuilder &b) {
  if (codes.getType() != q.getType()) {
    for (Operation *user : llvm::make_early_inc_range(q->getUsers()))
      if (auto cast = dyn_cast<BitcastOp>(user)) {
        cast.replaceAllUsesWith(codes);
        cast.erase();
      }
    if (q.use_empty())
      return;
    codes = BitcastOp::create(b, q.getLoc(), q.getType(), codes);
  }
  q.replaceAllUsesWith(codes);
}

/// Whether `a` and `b` quantize to the same type, format and zero point.
bool sameCodes(QuantizeOp a, QuantizeOp b) {
  return a.getType().getElementType() == b.getType().getElementType() &&
         a.getFormatAttr() == b.getFormatAttr() &&
         a.getZeroPointAttr() == b.getZeroPointAttr();
}

/// When every reader of the f32 tensor `t` is a slice along one axis that
/// a quantize reads alone (past reshapes), and the slices cover that axis
/// once: one quantize of `t` — per channel along the axis, each index with
/// the scale of the slice that covers it, for per-tensor integer
/// quantizes; per tensor for LP ones of one type (their codes move as i8
/// between kite.bitcast ops) — and the slices and reshapes move its codes.
/// (The ViT's Q, K and V come out of one transpose this way; the quantize
/// then moves above it too.)
QuantizeOp quantizeBeforeSlices(Value t) {
  auto type = dyn_cast<RankedTensorType>(t.getType());
  if (!type || !type.getElementType().isF32() || !type.hasStaticShape() ||
      t.use_empty())
    return {};
  ArrayRef<int64_t> shape = type.getShape();
  SmallVector<QuantizedSlice> cuts;
  int64_t axis = -1;
  SmallVector<double> scales;
  for (Operation *user : t.getUsers()) {
    auto slice = dyn_cast<tosa::SliceOp>(user);
    DenseElementsAttr start;
    if (!slice || !matchPattern(slice.getStart(), m_Constant(&start)))
      return {};
    ArrayRef<int64_t> out = slice.getType().getShape();
    SmallVector<int64_t> cutDims;
    for (auto [d, size] : llvm::enumerate(shape))
      if (out[d] != size)
        cutDims.push_back(int64_t(d));
    if (cutDims.size() != 1 || (axis >= 0 && cutDims[0] != axis))
      return {};
    if (axis < 0) {
      axis = cutDims[0];
      scales.assign(size_t(shape[axis]), 0.0);
    }
    QuantizedSlice cut{slice, {}, {}};
    Value v = slice.getResult();
    while (v.hasOneUse() && isa<tosa::ReshapeOp>(*v.getUsers().begin())) {
      cut.reshapes.push_back(*v.getUsers().begin());
      v = cut.reshapes.back()->getResult(0);
    }
    cut.quantize = v.hasOneUse() ? dyn_cast<QuantizeOp>(*v.getUsers().begin())
                                 : QuantizeOp();
    if (!cut.quantize ||
        (!cuts.empty() && !sameCodes(cut.quantize, cuts.front().quantize)))
      return {};
    auto lp = dyn_cast<LPType>(cut.quantize.getType().getElementType());
    if (lp ? lp.getN() > 8
           : !cut.quantize.getFormatAttr() ||
                 cut.quantize.getScaleAttr().size() != 1)
      return {};
    int64_t begin = start.getValues<APInt>()[axis].getSExtValue();
    for (int64_t i = begin; i < begin + out[axis]; ++i) {
      if (scales[size_t(i)] != 0.0)
        return {}; // covered twice
      scales[size_t(i)] = lp ? 1.0 : (*cut.quantize.getScale())[0];
    }
    cuts.push_back(std::move(cut));
  }
  if (llvm::is_contained(scales, 0.0))
    return {}; // a part no slice reads
  QuantizeOp first = cuts.front().quantize;
  Type element = first.getType().getElementType();
  bool lp = isa<LPType>(element);
  OpBuilder b(t.getContext());
  b.setInsertionPointAfterValue(t);
  QuantizeOp quantize =
      lp ? QuantizeOp::create(b, first.getLoc(), type.clone(element), t,
                              nullptr, nullptr, nullptr, nullptr)
         : QuantizeOp::create(b, first.getLoc(), type.clone(element), t,
                              first.getFormatAttr(),
                              b.getDenseF64ArrayAttr(scales),
                              b.getDenseI64ArrayAttr(SmallVector<int64_t>(
                                  scales.size(), (*first.getZeroPoint())[0])),
                              b.getI64IntegerAttr(axis));
  Value codes = codesOf(b, quantize);
  for (QuantizedSlice &cut : cuts) {
    b.setInsertionPoint(cut.quantize);
    Value v = moveCodes(b, cut.slice, codes);
    for (Operation *reshape : cut.reshapes)
      v = moveCodes(b, reshape, v);
    replaceByCodes(cut.quantize, v, b);
    cut.quantize.erase();
    for (Operation *op : llvm::reverse(cut.reshapes))
      op->erase();
    cut.slice.erase();
  }
  return quantize;
}

/// Quantization commutes with data movement, so a transpose or reshape may
/// move the codes instead of the values. A max pool may too when the
/// quantization is monotone and the codes' signed order is the values'
/// order, so that a window's largest code is the code of its largest value
/// (NaNs aside): a signed integer format with one positive scale, or LP
/// words read as sign-extended i8 (kite.bitcast). A per-channel quantize
/// moves above transposes only (its axis goes with them). The op before the
/// moved ones can then requantize as it produces its result.
void moveAboveDataMovement(QuantizeOp q) {
  IntFormatAttr format = q.getFormatAttr();
  auto lp = dyn_cast<LPType>(q.getType().getElementType());
  if (lp ? lp.getN() > 8 : !format)
    return;
  bool perChannel = !lp && q.getScaleAttr().size() != 1;
  bool monotone = !perChannel && (lp || format.getIsSigned());
  // The ops from q's input up to the earliest transpose or pool, each
  // read by the next alone; the channel axis in each one's input.
  SmallVector<Operation *> chain;
  size_t throughLastMove = 0;
  int64_t axis = perChannel ? *q.getAxis() : 0, movedAxis = axis;
  for (Value v = q.getInput(); v.hasOneUse();) {
    Operation *def = v.getDefiningOp();
    auto transpose = dyn_cast_or_null<tosa::TransposeOp>(def);
    bool pool = isa_and_nonnull<tosa::MaxPool2dOp>(def);
    bool reshape = isa_and_nonnull<tosa::ReshapeOp>(def);
    if (!transpose && !(reshape && !perChannel) && !(pool && monotone))
      break;
    chain.push_back(def);
    if (transpose)
      axis = transpose.getPerms()[size_t(axis)];
    if (!reshape) {
      throughLastMove = chain.size();
      movedAxis = axis;
    }
    v = def->getOperand(0);
  }
  chain.resize(throughLastMove);
  if (chain.empty())
    return;
  OpBuilder b(chain.back());
  Value in = chain.back()->getOperand(0);
  auto moved = cast<QuantizeOp>(b.clone(*q));
  moved->setOperand(0, in);
  moved.getResult().setType(
      cast<RankedTensorType>(in.getType()).clone(q.getType().getElementType()));
  if (perChannel)
    moved.setAxis(movedAxis);
  Value codes = codesOf(b, moved);
  for (Operation *op : llvm::reverse(chain))
    codes = moveCodes(b, op, codes);
  replaceByCodes(q, codes, b);
  q.erase();
  for (Operation *op : chain)
    op->erase();
}
} // namespace

void kite::quantizeBeforeDataMovement(ModuleOp module) {
  SmallVector<QuantizeOp> quantizes;
  module.walk([&](QuantizeOp q) { quantizes.push_back(q); });
  for (QuantizeOp q : quantizes)
    moveAboveDataMovement(q);
  // Then the quantizes of slices (now past their own data movement).
  SetVector<Value> sliced;
  module.walk([&](tosa::SliceOp s) { sliced.insert(s.getInput1()); });
  for (Value t : sliced)
    if (QuantizeOp q = quantizeBeforeSlices(t))
      moveAboveDataMovement(q);
}
