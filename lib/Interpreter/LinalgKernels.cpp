//===- LinalgKernels.cpp - reference semantics of linalg on tensors -------===//
//
// One kernel for every structured linalg op (generic and named alike): the
// op's scalar body is compiled once into a small slot program, each
// operand's affine indexing map is reduced to a linear function of the loop
// indices, and the iteration space is walked in row-major order, reading
// the outputs' current values so reductions accumulate. Plus the tensor ops
// that linalg-on-tensors code uses around them.
//
//===----------------------------------------------------------------------===//

#include "kite/Interpreter/Interpreter.h"
#include "kite/Numerics/IntQuant.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"

#include <Eigen/Core>

#include <cmath>

using namespace mlir;
using namespace kite::interp;

namespace {
/// One scalar instruction of a compiled body; operands and result are slots.
struct Instr {
  enum Kind {
    Const,
    Add,
    Sub,
    Mul,
    Div,
    Max,
    Min,
    Neg,
    Exp,
    Log,
    Erf,
    Tanh,
    Rsqrt,
    Sqrt,
    Abs,
    Pow,
    CmpGT,
    CmpGE,
    CmpLT,
    CmpLE,
    CmpEQ,
    CmpNE,
    Select,
    Copy,
    Index,
    ToInt
  } kind;
  int a = -1, b = -1, c = -1, out = -1;
  double value = 0; ///< Const value; Index: the loop dimension
};

/// The body of a structured op as a slot program: slots 0..n-1 are the block
/// arguments, then one per op result.
struct Program {
  std::vector<Instr> code;
  std::vector<int> yields;
  int slots = 0;
};

FailureOr<Program> compileBody(Operation *owner, Block &block) {
  Program p;
  DenseMap<Value, int> slot;
  for (BlockArgument arg : block.getArguments())
    slot[arg] = p.slots++;
  // A value from outside the body is usable if it is a scalar constant:
  // it becomes a Const instruction.
  auto slotOf = [&](Value v) -> int {
    auto it = slot.find(v);
    if (it != slot.end())
      return it->second;
    FloatAttr f;
    IntegerAttr i;
    Instr c{Instr::Const};
    if (matchPattern(v, m_Constant(&f)))
      c.value = f.getValueAsDouble();
    else if (matchPattern(v, m_Constant(&i)))
      c.value = double(i.getValue().getSExtValue());
    else
      return -1;
    c.out = slot[v] = p.slots++;
    p.code.push_back(c);
    return c.out;
  };
  for (Operation &op : block) {
    if (isa<linalg::YieldOp>(op)) {
      for (Value v : op.getOperands())
        p.yields.push_back(slotOf(v));
      break;
    }
    Instr in{Instr::Copy};
    StringRef name = op.getName().getStringRef();
    if (auto c = dyn_cast<arith::ConstantOp>(op)) {
      in.kind = Instr::Const;
      if (auto f = dyn_cast<FloatAttr>(c.getValue()))
        in.value = f.getValueAsDouble();
      else if (auto i = dyn_cast<IntegerAttr>(c.getValue()))
        in.value = double(i.getValue().getSExtValue());
      else
        return owner->emitOpError("body constant is not a scalar");
    } else if (auto idx = dyn_cast<linalg::IndexOp>(op)) {
      in.kind = Instr::Index;
      in.value = double(idx.getDim());
    } else if (auto cmp = dyn_cast<arith::CmpFOp>(op)) {
      using P = arith::CmpFPredicate;
      switch (cmp.getPredicate()) {
      case P::OGT:
      case P::UGT:
        in.kind = Instr::CmpGT;
        break;
      case P::OGE:
      case P::UGE:
        in.kind = Instr::CmpGE;
        break;
      case P::OLT:
      case P::ULT:
        in.kind = Instr::CmpLT;
        break;
      case P::OLE:
      case P::ULE:
        in.kind = Instr::CmpLE;
        break;
      case P::OEQ:
      case P::UEQ:
        in.kind = Instr::CmpEQ;
        break;
      case P::ONE:
      case P::UNE:
        in.kind = Instr::CmpNE;
        break;
      default:
        return op.emitOpError("predicate not supported by the interpreter");
      }
    } else if (auto cmp = dyn_cast<arith::CmpIOp>(op)) {
      using P = arith::CmpIPredicate;
      switch (cmp.getPredicate()) {
      case P::sgt:
      case P::ugt:
        in.kind = Instr::CmpGT;
        break;
      case P::sge:
      case P::uge:
        in.kind = Instr::CmpGE;
        break;
      case P::slt:
      case P::ult:
        in.kind = Instr::CmpLT;
        break;
      case P::sle:
      case P::ule:
        in.kind = Instr::CmpLE;
        break;
      case P::eq:
        in.kind = Instr::CmpEQ;
        break;
      case P::ne:
        in.kind = Instr::CmpNE;
        break;
      }
    } else {
      static const llvm::StringMap<Instr::Kind> kinds = {
          {"arith.addf", Instr::Add},      {"arith.addi", Instr::Add},
          {"arith.subf", Instr::Sub},      {"arith.subi", Instr::Sub},
          {"arith.mulf", Instr::Mul},      {"arith.muli", Instr::Mul},
          {"arith.divf", Instr::Div},      {"arith.maximumf", Instr::Max},
          {"arith.maxnumf", Instr::Max},   {"arith.maxsi", Instr::Max},
          {"arith.minimumf", Instr::Min},  {"arith.minnumf", Instr::Min},
          {"arith.minsi", Instr::Min},     {"arith.negf", Instr::Neg},
          {"math.exp", Instr::Exp},        {"math.log", Instr::Log},
          {"math.erf", Instr::Erf},        {"math.tanh", Instr::Tanh},
          {"math.rsqrt", Instr::Rsqrt},    {"math.sqrt", Instr::Sqrt},
          {"math.absf", Instr::Abs},       {"math.powf", Instr::Pow},
          {"arith.select", Instr::Select}, {"arith.extf", Instr::Copy},
          {"arith.truncf", Instr::Copy},   {"arith.sitofp", Instr::Copy},
          {"arith.uitofp", Instr::Copy},   {"arith.index_cast", Instr::Copy},
          {"arith.fptosi", Instr::ToInt}};
      auto it = kinds.find(name);
      if (it == kinds.end())
        return op.emitOpError("is not supported in a linalg body by the "
                              "interpreter");
      in.kind = it->second;
    }
    int *operandSlots[] = {&in.a, &in.b, &in.c};
    for (auto [k, v] : llvm::enumerate(op.getOperands())) {
      if (k >= 3)
        return op.emitOpError("has too many operands for the interpreter");
      int s = slotOf(v);
      if (s < 0)
        return op.emitOpError("uses a value defined outside the body");
      *operandSlots[k] = s;
    }
    in.out = slot[op.getResult(0)] = p.slots++;
    p.code.push_back(in);
  }
  for (int y : p.yields)
    if (y < 0)
      return owner->emitOpError("yields a value defined outside the body");
  return p;
}

void execute(const Program &p, double *s, ArrayRef<int64_t> loop) {
  for (const Instr &i : p.code) {
    double a = i.a >= 0 ? s[i.a] : 0, b = i.b >= 0 ? s[i.b] : 0;
    double r = 0;
    switch (i.kind) {
    case Instr::Const:
      r = i.value;
      break;
    case Instr::Index:
      r = double(loop[size_t(i.value)]);
      break;
    case Instr::Add:
      r = a + b;
      break;
    case Instr::Sub:
      r = a - b;
      break;
    case Instr::Mul:
      r = a * b;
      break;
    case Instr::Div:
      r = a / b;
      break;
    case Instr::Max:
      r = (std::isnan(a) || std::isnan(b)) ? NAN : std::max(a, b);
      break;
    case Instr::Min:
      r = (std::isnan(a) || std::isnan(b)) ? NAN : std::min(a, b);
      break;
    case Instr::Neg:
      r = -a;
      break;
    case Instr::Exp:
      r = std::exp(a);
      break;
    case Instr::Log:
      r = std::log(a);
      break;
    case Instr::Erf:
      r = std::erf(a);
      break;
    case Instr::Tanh:
      r = std::tanh(a);
      break;
    case Instr::Rsqrt:
      r = 1 / std::sqrt(a);
      break;
    case Instr::Sqrt:
      r = std::sqrt(a);
      break;
    case Instr::Abs:
      r = std::fabs(a);
      break;
    case Instr::Pow:
      r = std::pow(a, b);
      break;
    case Instr::CmpGT:
      r = a > b;
      break;
    case Instr::CmpGE:
      r = a >= b;
      break;
    case Instr::CmpLT:
      r = a < b;
      break;
    case Instr::CmpLE:
      r = a <= b;
      break;
    case Instr::CmpEQ:
      r = a == b;
      break;
    case Instr::CmpNE:
      r = a != b;
      break;
    case Instr::Select:
      r = a != 0 ? b : s[i.c];
      break;
    case Instr::ToInt:
      r = std::trunc(a);
      break;
    case Instr::Copy:
      r = a;
      break;
    }
    // Float bodies compute in f32, like every other float kernel.
    s[i.out] =
        i.kind == Instr::Index || i.kind == Instr::ToInt ? r : double(float(r));
  }
}

/// Flat offset of an operand as coefficients of the loop indices plus a
/// constant; fails for maps that are not linear.
FailureOr<std::pair<SmallVector<int64_t, 8>, int64_t>>
linearOffset(AffineMap map, ArrayRef<int64_t> shape) {
  SmallVector<int64_t, 8> coeff(map.getNumDims(), 0);
  int64_t constant = 0, stride = 1;
  for (int64_t r = int64_t(map.getNumResults()) - 1; r >= 0; --r) {
    // The result expression as sum(c_k * d_k) + c.
    std::function<bool(AffineExpr, int64_t)> add = [&](AffineExpr e,
                                                       int64_t scale) {
      if (auto d = dyn_cast<AffineDimExpr>(e)) {
        coeff[d.getPosition()] += scale * stride;
        return true;
      }
      if (auto c = dyn_cast<AffineConstantExpr>(e)) {
        constant += scale * c.getValue() * stride;
        return true;
      }
      auto bin = dyn_cast<AffineBinaryOpExpr>(e);
      if (!bin)
        return false;
      if (bin.getKind() == AffineExprKind::Add)
        return add(bin.getLHS(), scale) && add(bin.getRHS(), scale);
      if (bin.getKind() == AffineExprKind::Mul) {
        if (auto c = dyn_cast<AffineConstantExpr>(bin.getRHS()))
          return add(bin.getLHS(), scale * c.getValue());
        if (auto c = dyn_cast<AffineConstantExpr>(bin.getLHS()))
          return add(bin.getRHS(), scale * c.getValue());
      }
      return false;
    };
    if (!add(map.getResult(unsigned(r)), 1))
      return failure();
    stride *= shape[size_t(r)];
  }
  return std::make_pair(coeff, constant);
}

LogicalResult structuredKernel(Operation *op, ArrayRef<const Tensor *> in,
                               SmallVectorImpl<Tensor> &out) {
  auto linalgOp = cast<linalg::LinalgOp>(op);
  if (!linalgOp.hasPureTensorSemantics())
    return op->emitOpError("the interpreter runs linalg on tensors only");
  unsigned numInputs = linalgOp.getNumDpsInputs();
  // Fast path: matrix products by Eigen (f32, zero-offset identity maps).
  if (isa<linalg::MatmulOp, linalg::BatchMatmulOp>(op) && in[0]->isFloat &&
      linalgOp.hasOnlyProjectedPermutations() &&
      cast<linalg::LinalgOp>(op).getIndexingMapsArray() ==
          (isa<linalg::MatmulOp>(op)
               ? cast<linalg::MatmulOp>(op).getDefaultIndexingMaps(
                     op->getContext())
               : cast<linalg::BatchMatmulOp>(op).getDefaultIndexingMaps(
                     op->getContext()))) {
    const Tensor &a = *in[0], &b = *in[1];
    Tensor r = *in[2];
    int64_t batches = a.shape.size() == 3 ? a.shape[0] : 1;
    int64_t m = a.shape[a.shape.size() - 2], k = a.shape.back(),
            n = b.shape.back();
    using Mat =
        Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    for (int64_t t = 0; t < batches; ++t) {
      Eigen::Map<const Mat> ma(a.f.data() + t * m * k, m, k),
          mb(b.f.data() + t * k * n, k, n);
      Eigen::Map<Mat> mr(r.f.data() + t * m * n, m, n);
      mr.noalias() += ma * mb;
    }
    out.push_back(std::move(r));
    return success();
  }
  FailureOr<Program> program = compileBody(op, *linalgOp.getBlock());
  if (failed(program))
    return failure();
  SmallVector<int64_t, 8> ranges = linalgOp.getStaticLoopRanges();
  for (int64_t r : ranges)
    if (ShapedType::isDynamic(r))
      return op->emitOpError("needs static loop ranges");
  SmallVector<AffineMap> maps = linalgOp.getIndexingMapsArray();
  size_t numOperands = in.size();
  SmallVector<std::pair<SmallVector<int64_t, 8>, int64_t>> offsets;
  for (size_t k = 0; k < numOperands; ++k) {
    FailureOr<std::pair<SmallVector<int64_t, 8>, int64_t>> lin =
        linearOffset(maps[k], in[k]->shape);
    if (failed(lin))
      return op->emitOpError(
          "has an indexing map the interpreter cannot evaluate");
    offsets.push_back(*lin);
  }
  SmallVector<Tensor, 2> results;
  for (size_t k = numInputs; k < numOperands; ++k)
    results.push_back(*in[k]);
  std::vector<double> slots(size_t(program->slots));
  SmallVector<int64_t, 8> loop(ranges.size(), 0);
  int64_t total = numElements(ranges);
  for (int64_t it = 0; it < total; ++it) {
    SmallVector<int64_t, 4> where;
    for (size_t k = 0; k < numOperands; ++k) {
      int64_t off = offsets[k].second;
      for (size_t d = 0; d < loop.size(); ++d)
        off += offsets[k].first[d] * loop[d];
      where.push_back(off);
      const Tensor &t = k < numInputs ? *in[k] : results[k - numInputs];
      slots[k] =
          t.isFloat ? double(t.f[size_t(off)]) : double(t.i[size_t(off)]);
    }
    execute(*program, slots.data(), loop);
    for (size_t r = 0; r < results.size(); ++r) {
      int64_t off = where[numInputs + r];
      double v = slots[size_t(program->yields[r])];
      if (results[r].isFloat)
        results[r].f[size_t(off)] = float(v);
      else
        results[r].i[size_t(off)] = kite::numerics::truncateToInt64(v);
    }
    for (int64_t d = int64_t(loop.size()) - 1; d >= 0; --d) {
      if (++loop[d] < ranges[d])
        break;
      loop[d] = 0;
    }
  }
  for (Tensor &r : results)
    out.push_back(std::move(r));
  return success();
}

LogicalResult reshapeTo(Operation *op, const Tensor &x,
                        SmallVectorImpl<Tensor> &out) {
  auto type = cast<RankedTensorType>(op->getResult(0).getType());
  if (!type.hasStaticShape())
    return op->emitOpError("needs a static result shape");
  Tensor r = x;
  r.shape.assign(type.getShape().begin(), type.getShape().end());
  out.push_back(std::move(r));
  return success();
}
} // namespace

Kernel kite::interp::getStructuredKernel() { return structuredKernel; }

void kite::interp::registerLinalgKernels(Interpreter &interp) {
  interp.registerKernel("tensor.empty",
                        [](Operation *op, ArrayRef<const Tensor *>,
                           SmallVectorImpl<Tensor> &out) -> LogicalResult {
                          auto type = cast<RankedTensorType>(
                              op->getResult(0).getType());
                          if (!type.hasStaticShape())
                            return op->emitOpError("needs a static shape");
                          out.push_back(isa<FloatType>(type.getElementType())
                                            ? Tensor::floats(type.getShape())
                                            : Tensor::ints(type.getShape()));
                          return success();
                        });
  auto reshape = [](Operation *op, ArrayRef<const Tensor *> in,
                    SmallVectorImpl<Tensor> &out) {
    return reshapeTo(op, *in[0], out);
  };
  interp.registerKernel("tensor.expand_shape", reshape);
  interp.registerKernel("tensor.collapse_shape", reshape);
  interp.registerKernel("tensor.reshape", reshape);
  interp.registerKernel(
      "tensor.extract_slice",
      [](Operation *o, ArrayRef<const Tensor *> in,
         SmallVectorImpl<Tensor> &out) -> LogicalResult {
        auto op = cast<tensor::ExtractSliceOp>(o);
        if (!op.getOffsets().empty() || !op.getSizes().empty() ||
            !op.getStrides().empty())
          return op.emitOpError("needs static offsets, sizes and strides");
        ArrayRef<int64_t> offs = op.getStaticOffsets(),
                          sizes = op.getStaticSizes(),
                          strides = op.getStaticStrides();
        const Tensor &x = *in[0];
        auto type = op.getResultType();
        Tensor r = x.isFloat ? Tensor::floats(type.getShape())
                             : Tensor::ints(type.getShape());
        // Walk the full-rank slice (sizes), writing the dropped-dims result.
        SmallVector<int64_t, 4> xs(x.shape.size(), 1);
        for (int64_t d = int64_t(x.shape.size()) - 2; d >= 0; --d)
          xs[d] = xs[d + 1] * x.shape[d + 1];
        SmallVector<int64_t, 4> idx(sizes.size(), 0);
        for (int64_t k = 0, n = numElements(sizes); k < n; ++k) {
          int64_t src = 0;
          for (size_t d = 0; d < idx.size(); ++d)
            src += (offs[d] + idx[d] * strides[d]) * xs[d];
          if (r.isFloat)
            r.f[k] = x.f[src];
          else
            r.i[k] = x.i[src];
          for (int64_t d = int64_t(idx.size()) - 1; d >= 0; --d) {
            if (++idx[d] < sizes[d])
              break;
            idx[d] = 0;
          }
        }
        out.push_back(std::move(r));
        return success();
      });
  interp.registerKernel(
      "tensor.pad",
      [](Operation *o, ArrayRef<const Tensor *> in,
         SmallVectorImpl<Tensor> &out) -> LogicalResult {
        auto op = cast<tensor::PadOp>(o);
        if (!op.getLow().empty() || !op.getHigh().empty())
          return op.emitOpError("needs static padding");
        // The padding value: the region must yield a constant.
        Value yielded = op.getConstantPaddingValue();
        FloatAttr fv;
        IntegerAttr iv;
        double value = 0;
        if (yielded && matchPattern(yielded, m_Constant(&fv)))
          value = fv.getValueAsDouble();
        else if (yielded && matchPattern(yielded, m_Constant(&iv)))
          value = double(iv.getValue().getSExtValue());
        else
          return op.emitOpError("needs a constant padding value");
        const Tensor &x = *in[0];
        auto type = op.getResultType();
        ArrayRef<int64_t> low = op.getStaticLow();
        Tensor r = x.isFloat ? Tensor::floats(type.getShape(), float(value))
                             : Tensor::ints(type.getShape(), int64_t(value));
        SmallVector<int64_t, 4> rs(type.getRank(), 1), idx(x.shape.size(), 0);
        for (int64_t d = type.getRank() - 2; d >= 0; --d)
          rs[d] = rs[d + 1] * type.getDimSize(d + 1);
        for (int64_t k = 0, n = x.size(); k < n; ++k) {
          int64_t dst = 0;
          for (size_t d = 0; d < idx.size(); ++d)
            dst += (idx[d] + low[d]) * rs[d];
          if (r.isFloat)
            r.f[dst] = x.f[k];
          else
            r.i[dst] = x.i[k];
          for (int64_t d = int64_t(idx.size()) - 1; d >= 0; --d) {
            if (++idx[d] < x.shape[d])
              break;
            idx[d] = 0;
          }
        }
        out.push_back(std::move(r));
        return success();
      });
}
