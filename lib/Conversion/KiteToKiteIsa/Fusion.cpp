//===- Fusion.cpp - which tensor ops one instruction sequence covers ------===//

#include "Fusion.h"

#include "mlir/IR/Matchers.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;

namespace kite {

std::optional<numerics::UnaryFn> unaryFnOf(Operation *op) {
  using numerics::UnaryFn;
  if (op->getNumResults() != 1 ||
      !getElementTypeOrSelf(op->getResult(0).getType()).isF32())
    return std::nullopt;
  return llvm::TypeSwitch<Operation *, std::optional<UnaryFn>>(op)
      .Case<tosa::SigmoidOp>([](auto) { return UnaryFn::Sigmoid; })
      .Case<tosa::TanhOp>([](auto) { return UnaryFn::Tanh; })
      .Case<tosa::ExpOp>([](auto) { return UnaryFn::Exp; })
      .Case<tosa::LogOp>([](auto) { return UnaryFn::Log; })
      .Case<tosa::RsqrtOp>([](auto) { return UnaryFn::Rsqrt; })
      .Case<tosa::ReciprocalOp>([](auto) { return UnaryFn::Reciprocal; })
      .Case<tosa::ErfOp>([](auto) { return UnaryFn::Erf; })
      .Case<tosa::AbsOp>([](auto) { return UnaryFn::Abs; })
      .Case<tosa::NegateOp>([](auto) { return UnaryFn::Neg; })
      .Case<tosa::FloorOp>([](auto) { return UnaryFn::Floor; })
      .Case<tosa::CeilOp>([](auto) { return UnaryFn::Ceil; })
      .Case<tosa::SinOp>([](auto) { return UnaryFn::Sin; })
      .Case<tosa::CosOp>([](auto) { return UnaryFn::Cos; })
      .Default([](Operation *) { return std::nullopt; });
}

std::optional<numerics::BinaryFn> binaryFnOf(Operation *op) {
  using numerics::BinaryFn;
  return llvm::TypeSwitch<Operation *, std::optional<BinaryFn>>(op)
      .Case<tosa::AddOp>([](auto) { return BinaryFn::Add; })
      .Case<tosa::SubOp>([](auto) { return BinaryFn::Sub; })
      .Case<tosa::MulOp>([](auto) { return BinaryFn::Mul; })
      .Case<tosa::MaximumOp>([](auto) { return BinaryFn::Max; })
      .Case<tosa::MinimumOp>([](auto) { return BinaryFn::Min; })
      .Case<tosa::PowOp>([](auto) { return BinaryFn::Pow; })
      .Default([](Operation *) { return std::nullopt; });
}

std::optional<rt::DType> dtypeOf(Type element) {
  if (element.isF32())
    return rt::DType::F32;
  if (isa<LPType>(element))
    return rt::DType::I8;
  if (auto i = dyn_cast<IntegerType>(element)) {
    if (i.getWidth() <= 8)
      return rt::DType::I8;
    if (i.getWidth() <= 16)
      return rt::DType::I16;
    if (i.getWidth() <= 32)
      return rt::DType::I32;
    if (i.getWidth() <= 64)
      return rt::DType::I64;
  }
  return std::nullopt;
}

int64_t operandFormat(Type element, IntFormatAttr format) {
  rt::OperandFormat f;
  if (auto lp = dyn_cast<LPType>(element)) {
    numerics::LPFormat lf = lp.getFormat();
    f.isLP = true;
    f.bits = lf.n;
    f.es = lf.es;
    f.rs = lf.rs;
    f.sf = lf.sf;
    f.storageBits = lf.n;
    return f.pack();
  }
  f.storageBits = element.getIntOrFloatBitWidth();
  f.bits = format ? format.getBits() : f.storageBits;
  f.isSigned = format ? format.getIsSigned() : true;
  return f.pack();
}

FailureOr<QuantParams> quantParams(Operation *op, bool quantize) {
  Value floatSide = quantize ? op->getOperand(0) : op->getResult(0);
  Value quantSide = quantize ? op->getResult(0) : op->getOperand(0);
  auto floatType = cast<RankedTensorType>(floatSide.getType());
  auto quantType = cast<RankedTensorType>(quantSide.getType());
  QuantParams q;
  q.format = rt::OperandFormat::unpack(operandFormat(
      quantType.getElementType(), op->getAttrOfType<IntFormatAttr>("format")));
  if (q.format.isLP)
    return q;
  if (auto s = op->getAttrOfType<DenseF64ArrayAttr>("scale"))
    q.scales.assign(s.asArrayRef().begin(), s.asArrayRef().end());
  if (auto z = op->getAttrOfType<DenseI64ArrayAttr>("zero_point"))
    q.zeros.assign(z.asArrayRef().begin(), z.asArrayRef().end());
  if (q.scales.empty())
    return op->emitOpError("needs a scale");
  if (q.zeros.empty())
    q.zeros.assign(q.scales.size(), 0);
  if (auto axis = op->getAttrOfType<IntegerAttr>("axis")) {
    q.axis =
        axis.getInt() < 0 ? axis.getInt() + floatType.getRank() : axis.getInt();
    q.inner =
        ShapedType::getNumElements(floatType.getShape().drop_front(q.axis + 1));
  }
  return q;
}

/// The op that alone reads `v`, past reshapes that alone read it (appended
/// to `reshapes`); `read` gets the value that op reads. Null when a value on
/// the way has another reader.
static Operation *soleUserPastReshapes(Value v,
                                       SmallVectorImpl<Operation *> &reshapes,
                                       Value *read = nullptr) {
  while (v.hasOneUse()) {
    Operation *user = *v.getUsers().begin();
    if (read)
      *read = v;
    if (!isa<tosa::ReshapeOp>(user))
      return user;
    reshapes.push_back(user);
    v = user->getResult(0);
  }
  return nullptr;
}

std::optional<RequantizeMatch> matchRequantize(Value v, int64_t columns) {
  RequantizeMatch match;
  auto quant = dyn_cast_or_null<QuantizeOp>(soleUserPastReshapes(v, match.ops));
  if (!quant)
    return std::nullopt;
  FailureOr<QuantParams> q = quantParams(quant, /*quantize=*/true);
  if (failed(q) ||
      dtypeOf(quant.getResult().getType().getElementType()) != rt::DType::I8)
    return std::nullopt;
  // Element k of rows of `columns` is in channel (k / inner) % C: it
  // depends on the column alone when C * inner divides the row.
  int64_t channels = int64_t(q->scales.size());
  if (!q->format.isLP && channels != 1 &&
      !(columns > 0 && columns % (channels * q->inner) == 0 &&
        llvm::all_equal(q->zeros)))
    return std::nullopt;
  match.ops.push_back(quant);
  match.quantize = quant;
  return match;
}

/// Whether `v` is an argument or computed before `op` and the accumulator
/// chain `op` ends (the drain runs where the chain starts).
static bool computedBefore(Value v, Operation *op) {
  Operation *head = op;
  while (head) {
    Value acc;
    if (auto mm = dyn_cast<MatmulOp>(head))
      acc = mm.getAcc();
    else if (auto conv = dyn_cast<Conv2DOp>(head))
      acc = conv.getAcc();
    if (!acc || !acc.getDefiningOp())
      break;
    head = acc.getDefiningOp();
  }
  Operation *def = v.getDefiningOp();
  return !def || (head && def->getBlock() == head->getBlock() &&
                  def->isBeforeInBlock(head));
}

std::optional<SoftmaxRequantizeMatch> matchSoftmaxRequantize(LutSoftmaxOp op) {
  auto storage = dyn_cast<IntegerType>(op.getType().getElementType());
  if (!storage || op.getTables().outBits >= storage.getWidth())
    return std::nullopt;
  SoftmaxRequantizeMatch match;
  auto dq = dyn_cast_or_null<DequantizeOp>(
      soleUserPastReshapes(op.getResult(), match.ops));
  if (!dq)
    return std::nullopt;
  FailureOr<QuantParams> q = quantParams(dq, /*quantize=*/false);
  std::optional<RequantizeMatch> rq = matchRequantize(dq.getResult());
  if (failed(q) || q->format.isLP || q->scales.size() != 1 || !rq)
    return std::nullopt;
  match.ops.push_back(dq);
  match.ops.append(rq->ops.begin(), rq->ops.end());
  match.dequantize = dq;
  match.quantize = rq->quantize;
  return match;
}

namespace {
/// A leaky ReLU of x: max(x, x * alpha), a splat f32 0 < alpha < 1, the
/// product's only use the max, x's only uses these two.
struct LeakyRelu {
  tosa::MulOp mul;
  tosa::MaximumOp max;
  double alpha;
};
std::optional<LeakyRelu> matchLeakyRelu(Value x) {
  auto type = dyn_cast<RankedTensorType>(x.getType());
  if (!type || !type.getElementType().isF32() ||
      !llvm::hasNItems(x.getUses(), 2))
    return std::nullopt;
  tosa::MulOp mul;
  tosa::MaximumOp max;
  for (Operation *user : x.getUsers()) {
    if (auto m = dyn_cast<tosa::MulOp>(user))
      mul = m;
    else if (auto m = dyn_cast<tosa::MaximumOp>(user))
      max = m;
  }
  if (!mul || !max || mul.getType() != type || max.getType() != type ||
      !mul->hasOneUse())
    return std::nullopt;
  Value factor = mul.getInput1() == x ? mul.getInput2() : mul.getInput1();
  Value other = max.getInput1() == x ? max.getInput2() : max.getInput1();
  DenseFPElementsAttr splat;
  if (other != mul.getResult() || !matchPattern(factor, m_Constant(&splat)) ||
      !splat.isSplat())
    return std::nullopt;
  double alpha = splat.getSplatValue<APFloat>().convertToDouble();
  if (!(alpha > 0 && alpha < 1))
    return std::nullopt;
  return LeakyRelu{mul, max, alpha};
}

/// For `floor`, max(y, c) with a splat c of the leaky ReLU's result y: the
/// clamp bound t before the ReLU that gives the same bits. It exists when
/// c < 0 and alpha * t rounds to c for t = c / alpha in f32: then for
/// x >= t both leave leaky(x) >= c, and for x < t, alpha * x rounds to at
/// most c, so both give c.
std::optional<float> floorAsClamp(Operation *floor, Value y, double alpha) {
  auto max = dyn_cast_or_null<tosa::MaximumOp>(floor);
  if (!max || max.getType() != y.getType())
    return std::nullopt;
  Value other = max.getInput1() == y ? max.getInput2() : max.getInput1();
  DenseFPElementsAttr splat;
  if (other == y || !matchPattern(other, m_Constant(&splat)) ||
      !splat.isSplat())
    return std::nullopt;
  float c = splat.getSplatValue<APFloat>().convertToFloat(), a = float(alpha);
  float t = float(double(c) / double(a));
  if (!(c < 0) || !(t < 0) || a * t != c)
    return std::nullopt;
  return t;
}
} // namespace

std::optional<EpilogueMatch> matchEpilogue(Value v, int64_t n, bool nchw,
                                           bool floatBiasTaken) {
  EpilogueMatch match;
  Operation *macOp = v.getDefiningOp();
  SmallVector<Operation *> path;
  // The next op on v's only use, past reshapes (collected in `path`); `in`
  // is the value it reads.
  Value in;
  auto next = [&](Value x) -> Operation * {
    path.clear();
    return soleUserPastReshapes(x, path, &in);
  };
  auto take = [&](Operation *op) {
    match.ops.append(path.begin(), path.end());
    match.ops.push_back(op);
    v = op->getResult(0);
  };
  // The N column values of `x` form its last axis (axis 1 for NCHW).
  auto columnAxis = [&](ShapedType t) -> int64_t {
    if (nchw)
      return t.getRank() == 4 && t.getDimSize(1) == n ? 1 : -1;
    return t.getRank() >= 1 && t.getShape().back() == n ? t.getRank() - 1 : -1;
  };
  if (cast<ShapedType>(v.getType()).getElementType().isSignlessInteger(32)) {
    auto dq = dyn_cast_or_null<DequantizeOp>(next(v));
    if (!dq)
      return std::nullopt;
    FailureOr<QuantParams> q = quantParams(dq, /*quantize=*/false);
    if (failed(q) || q->format.isLP || q->format.bits != 32 ||
        !q->format.isSigned)
      return std::nullopt;
    if (q->scales.size() != 1 &&
        (int64_t(q->scales.size()) != n ||
         q->axis != columnAxis(dq.getInput().getType())))
      return std::nullopt;
    match.dequantize = dq;
    take(dq);
  }
  if (auto mul = dyn_cast_or_null<tosa::MulOp>(next(v))) {
    Value other = mul.getInput1() == in ? mul.getInput2() : mul.getInput1();
    DenseFPElementsAttr factor;
    if (mul.getType() == in.getType() &&
        cast<ShapedType>(in.getType()).getElementType().isF32() &&
        matchPattern(other, m_Constant(&factor)) && factor.isSplat()) {
      match.multiply = factor.getSplatValue<APFloat>().convertToDouble();
      take(mul);
    }
  }
  if (auto add = dyn_cast_or_null<tosa::AddOp>(next(v))) {
    Value other = add.getInput1() == in ? add.getInput2() : add.getInput1();
    auto type = cast<ShapedType>(in.getType());
    auto otherType = cast<ShapedType>(other.getType());
    int64_t axis = columnAxis(type);
    bool perColumn =
        axis >= 0 && otherType.getRank() == type.getRank() &&
        llvm::all_of(llvm::seq<int64_t>(0, type.getRank()), [&](int64_t d) {
          return otherType.getDimSize(d) == (d == axis ? n : 1);
        });
    if (!floatBiasTaken && perColumn && add.getType() == type &&
        type.getElementType().isF32() && matchPattern(other, m_Constant())) {
      match.bias = other;
      take(add);
    }
  }
  if (auto add = dyn_cast_or_null<tosa::AddOp>(next(v))) {
    Value other = add.getInput1() == in ? add.getInput2() : add.getInput1();
    if (other != in && other.getType() == in.getType() &&
        add.getType() == in.getType() &&
        cast<ShapedType>(in.getType()).getElementType().isF32() &&
        !matchPattern(other, m_Constant()) && computedBefore(other, macOp)) {
      match.residual = other;
      match.residualAdd = add;
      take(add);
    }
  }
  if (auto clamp = dyn_cast_or_null<tosa::ClampOp>(next(v))) {
    if (cast<ShapedType>(in.getType()).getElementType().isF32()) {
      match.clamp = clamp;
      take(clamp);
    }
  }
  if (auto gelu = dyn_cast_or_null<GeluOp>(next(v))) {
    match.gelu = gelu;
    take(gelu);
  } else if (std::optional<LeakyRelu> leaky = matchLeakyRelu(v)) {
    match.leakyAlpha = leaky->alpha;
    match.ops.append({leaky->mul, leaky->max});
    v = leaky->max.getResult();
    // The drain clamps before its activation, so only without a clamp.
    if (Operation *floor = match.clamp ? nullptr : next(v))
      if (std::optional<float> t = floorAsClamp(floor, in, leaky->alpha)) {
        match.floorBefore = t;
        take(floor);
      }
  }
  if (std::optional<RequantizeMatch> rq = matchRequantize(v, nchw ? 0 : n)) {
    match.ops.append(rq->ops.begin(), rq->ops.end());
    match.requantize = rq->quantize;
    v = rq->quantize.getResult();
    // The LUT unit sits on the drain's way out: a table of the int8 codes.
    std::optional<IntFormatAttr> format = rq->quantize.getFormat();
    if (auto lut = dyn_cast_or_null<LutOp>(next(v)); lut && format && *format &&
                                                     format->getBits() == 8 &&
                                                     format->getIsSigned()) {
      match.lut = lut;
      take(lut);
    }
  }
  // Plain LP accumulators drain to f32 without help.
  if (match.ops.empty())
    return std::nullopt;
  match.result = v;
  return match;
}

std::optional<int64_t> contiguousSliceOffset(tosa::SliceOp op) {
  DenseElementsAttr start;
  if (!matchPattern(op.getStart(), m_Constant(&start)))
    return std::nullopt;
  ArrayRef<int64_t> in = op.getInput1().getType().getShape(),
                    out = op.getType().getShape();
  // Outside the innermost dimension the slice cuts, one index each.
  size_t cut = in.size();
  while (cut > 0 && out[cut - 1] == in[cut - 1])
    --cut;
  for (size_t d = 0; d + 1 < cut; ++d)
    if (out[d] != 1)
      return std::nullopt;
  int64_t offset = 0, stride = 1, d = int64_t(in.size());
  SmallVector<APInt> begin(start.getValues<APInt>());
  while (d-- > 0) {
    offset += begin[size_t(d)].getSExtValue() * stride;
    stride *= in[size_t(d)];
  }
  return offset;
}

namespace {
int64_t operandBits(Type element, IntFormatAttr format) {
  return format ? format.getBits() : element.getIntOrFloatBitWidth();
}

/// Whether `head` can start an accumulator chain: an integer op (i32 result)
/// that does not continue one.
template <typename OpTy> bool startsChain(OpTy head) {
  return !head.getAcc() &&
         head.getResult().getType().getElementType().isSignlessInteger(32);
}

/// The ops after `head` that take the previous one's result as their
/// accumulator and that `sameTerm` accepts, as long as the partial sums stay
/// below 2^31 given `termBound`, a bound on one term's |partial sums|.
template <typename OpTy>
SmallVector<OpTy> chainAfter(OpTy head, int64_t termBound,
                             llvm::function_ref<bool(OpTy)> sameTerm) {
  SmallVector<OpTy> chain;
  auto type = head.getResult().getType();
  int64_t bound = termBound;
  OpTy last = head;
  while (last.getResult().hasOneUse()) {
    auto next = dyn_cast<OpTy>(*last.getResult().getUsers().begin());
    if (!next || next.getAcc() != last.getResult() || next.getType() != type ||
        !sameTerm(next))
      break;
    bound += termBound;
    if (bound >= (int64_t(1) << 31))
      break;
    chain.push_back(next);
    last = next;
  }
  return chain;
}

bool constantWeights(Value weights) {
  return matchPattern(weights, m_Constant()) ||
         weights.getDefiningOp<PackedWeightsOp>();
}
} // namespace

SmallVector<MatmulOp> accumulatorChain(MatmulOp head) {
  // One weight matrix for every row of the activations.
  ArrayRef<int64_t> rs = head.getRhs().getType().getShape(),
                    ls = head.getLhs().getType().getShape();
  if (!startsChain(head) || ShapedType::getNumElements(rs.drop_back(2)) != 1 ||
      (rs.size() != 2 && ShapedType::getNumElements(ls.drop_back(2)) != 1))
    return {};
  // Bound on |partial sums| with margin 2 for approximate products.
  int64_t termBound = ls.back()
                      << (operandBits(head.getLhs().getType().getElementType(),
                                      head.getLhsFormatAttr()) +
                          operandBits(head.getRhs().getType().getElementType(),
                                      head.getRhsFormatAttr()));
  return chainAfter<MatmulOp>(head, termBound, [&](MatmulOp next) {
    return next.getLhs() == head.getLhs() &&
           next.getRhs().getType() == head.getRhs().getType() &&
           next.getLhsFormatAttr() == head.getLhsFormatAttr() &&
           next.getRhsFormatAttr() == head.getRhsFormatAttr() &&
           next.getMultiplierAttr() == head.getMultiplierAttr() &&
           (next.getRhsSparsityAttr() || next.getLhsSparsityAttr()) &&
           constantWeights(next.getRhs());
  });
}

SmallVector<Conv2DOp> accumulatorChain(Conv2DOp head) {
  auto filterType = head.getFilter().getType();
  // The head's bias joins at the drain, after every term.
  int64_t biasBound = 0;
  DenseIntElementsAttr bias;
  if (!startsChain(head) ||
      (head.getBias() && !matchPattern(head.getBias(), m_Constant(&bias))))
    return {};
  if (bias)
    for (const APInt &v : bias.getValues<APInt>())
      biasBound = std::max<int64_t>(biasBound, std::llabs(v.getSExtValue()));
  int64_t termBound =
      (filterType.getNumElements() / filterType.getDimSize(0))
      << (operandBits(head.getInput().getType().getElementType(),
                      head.getInputFormatAttr()) +
          operandBits(filterType.getElementType(), head.getFilterFormatAttr()));
  return chainAfter<Conv2DOp>(head, termBound + biasBound, [&](Conv2DOp next) {
    return next.getInput() == head.getInput() && !next.getBias() &&
           next.getFilter().getType() == filterType &&
           next.getStrides() == head.getStrides() &&
           next.getPads() == head.getPads() &&
           next.getDilations() == head.getDilations() &&
           next.getGroups() == head.getGroups() &&
           next.getInputFormatAttr() == head.getInputFormatAttr() &&
           next.getFilterFormatAttr() == head.getFilterFormatAttr() &&
           next.getMultiplierAttr() == head.getMultiplierAttr() &&
           (next.getFilterSparsityAttr() || next.getInputSparsityAttr()) &&
           constantWeights(next.getFilter());
  });
}

} // namespace kite
