//===- KiteToKiteIsa.cpp - tensor-level kite to the instruction stream ----===//
//
// Walks the entry function once, in order: every op becomes instructions
// on the buffers kite-bufferize planned (reshapes alias their operand). MAC ops
// are tiled into ping-pong halves of the on-chip buffers; the simulator's
// scoreboard then overlaps the DMA of one half with the array working on the
// other.
//
//===----------------------------------------------------------------------===//

#include "Fusion.h"
#include "kite/Conversion/Bufferization.h"
#include "kite/Conversion/Passes.h"
#include "kite/Conversion/Tiling.h"
#include "kite/Dialect/Kite/IR/PackedWeights.h"
#include "kite/Numerics/IntQuant.h"
#include "kite/Runtime/Isa.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Builders.h"

#include <cstring>
#include <deque>
#include <limits>

namespace kite {
#define GEN_PASS_DEF_CONVERTKITETOKITEISA
#include "kite/dialects/Conversion/Passes.h.inc"
} // namespace kite

using namespace mlir;
using namespace kite;
namespace ki = kite::kiteisa;
namespace rt = kite::rt;

namespace {
int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

/// A tensor in DRAM.
struct Buffer {
  int64_t addr = 0;
  rt::DType dtype = rt::DType::F32;
};

SmallVector<int64_t> rowMajorStrides(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> strides(shape.size(), 1);
  for (int64_t d = int64_t(shape.size()) - 2; d >= 0; --d)
    strides[d] = strides[d + 1] * shape[d + 1];
  return strides;
}

int64_t product(ArrayRef<int64_t> shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

/// A tosa.clamp bound.
double clampBound(Attribute a) {
  if (auto f = dyn_cast<FloatAttr>(a))
    return f.getValueAsDouble();
  return double(cast<IntegerAttr>(a).getValue().getSExtValue());
}

/// A quantization to 8-bit codes done by the op that produces its input (a
/// drain, a layer norm, the LUT softmax), as its instruction's fields.
struct Requantization {
  int64_t format = rt::kNoFormat;
  SmallVector<double> scales = {1.0}; ///< one, or one per column (drains)
  int64_t zero = 0;
};
/// The fields for `quantize` (a matchRequantize match); a per-channel one
/// gets the scale of each of the `columns` its input's rows have.
Requantization requantization(QuantizeOp quantize, int64_t columns = 0) {
  QuantParams q = *quantParams(quantize, /*quantize=*/true);
  if (q.format.isLP)
    return {q.format.pack()};
  Requantization r{q.format.pack(), {q.scales[0]}, q.zeros[0]};
  if (q.scales.size() > 1) {
    r.scales.clear();
    for (int64_t j = 0; j < columns; ++j)
      r.scales.push_back(q.scales[size_t((j / q.inner) % q.scales.size())]);
  }
  return r;
}

/// What a drain does on the way out (store_acc_fused) when the float ops
/// after a MAC op fold into it.
struct Epilogue {
  SmallVector<double> scales; ///< per tensor or column; empty: LP
  SmallVector<int64_t> zeros;
  int64_t floatBias = -1; ///< DRAM address of N f32 values, or -1
  /// DRAM address of an f32 tensor laid out like the result, or -1.
  int64_t residual = -1;
  double lo = -std::numeric_limits<double>::infinity(),
         hi = std::numeric_limits<double>::infinity();
  double multiply = 1;
  int64_t activation = 0; ///< store_acc_fused's: 0 none, 1 GELU, 2 tanh GELU
  /// The requantization of the result (format none: f32).
  Requantization requant;
};

/// Lowers one function into a kite_isa.program.
class Lowering {
public:
  Lowering(func::FuncOp func, TargetAttr target, const BufferPlan &plan,
           OpBuilder &b, bool layerAttrs)
      : func(func), target(target), plan(plan), b(b), layerAttrs(layerAttrs),
        dramNext(plan.dramBytes) {}

  LogicalResult run();

private:
  // Memory
  /// DRAM for the whole run (data segments), after the planned buffers.
  int64_t allocate(int64_t bytes) {
    int64_t addr = dramNext;
    dramNext +=
        int64_t(llvm::alignTo(std::max<int64_t>(bytes, 1), kBufferAlign));
    return addr;
  }
  /// The planned buffer of `v`, which `op` defines.
  FailureOr<Buffer> newBuffer(Operation *op, Value v) {
    auto block = plan.values.find(v);
    if (block == plan.values.end())
      return op->emitOpError()
             << "has no " << kBufferAttrName
             << " for its result (run kite-bufferize again after changing "
                "the function)";
    Buffer buf{block->second.addr,
               *dtypeOf(cast<ShapedType>(v.getType()).getElementType())};
    buffers[v] = buf;
    return buf;
  }
  /// The buffer a MAC op's drain writes: `result`'s, or that of the last op
  /// its epilogue folds in (then `ep` points to the epilogue).
  FailureOr<Buffer> drainBuffer(Operation *op, Value result, int64_t n,
                                bool nchw, bool floatBiasTaken,
                                const Epilogue *&ep);
  FailureOr<Buffer> bufferOf(Operation *op, Value v) {
    auto it = buffers.find(v);
    if (it == buffers.end())
      return op->emitOpError("operand has no DRAM buffer (defined by an op "
                             "the lowering skipped)");
    return it->second;
  }
  /// A constant segment; segments go with the inputs, before every
  /// instruction.
  int64_t addData(ArrayRef<char> bytes) {
    int64_t addr = allocate(int64_t(bytes.size()));
    SmallVector<int8_t> data(bytes.begin(), bytes.end());
    auto type = RankedTensorType::get({int64_t(data.size())}, b.getI8Type());
    OpBuilder::InsertionGuard guard(b);
    if (lastDescriptor)
      b.setInsertionPointAfter(lastDescriptor);
    else
      b.setInsertionPointToStart(b.getInsertionBlock());
    lastDescriptor = ki::DataOp::create(
        b, loc, addr, DenseIntElementsAttr::get(type, ArrayRef<int8_t>(data)));
    return addr;
  }
  LogicalResult lowerConstant(Operation *op, Attribute value);

  // Ops
  LogicalResult lowerOp(Operation *op);
  LogicalResult lowerMatmul(MatmulOp op);
  LogicalResult lowerConv(Conv2DOp op);
  LogicalResult lowerElementwise(Operation *op, int64_t kind);
  LogicalResult lowerQuantize(Operation *op, bool quantize);
  LogicalResult lowerTranspose(tosa::TransposeOp op);
  LogicalResult lowerSlice(tosa::SliceOp op);
  LogicalResult lowerPool(Operation *op, bool isMax);

  /// Everything a MAC op needs besides its configuration.
  struct MacProblem {
    int64_t m, k, n;
    int64_t lhs, rhs; ///< DRAM: M x K and K x N, row-major bytes
    int64_t out;      ///< DRAM address of element (0, 0)
    int64_t outRowStride, outColStride;
    rt::DType outType;
    int64_t bias = -1; ///< DRAM address of N 32-bit values, or -1
    /// N:M weights: rhs holds the kept values, [ceil(K/group)*keep x N],
    /// rhsIndex their positions within each group (keep = 0: dense).
    int64_t keep = 0, group = 0, rhsIndex = -1;
    /// DRAM address of initial accumulators (M x N int32, like out), or -1.
    int64_t acc = -1;
    /// The drain's epilogue, and the absolute column of column 0 (its
    /// per-column vectors cover every column of the op).
    const Epilogue *epilogue = nullptr;
    int64_t column0 = 0;
    /// Rows stacked from several images (a convolution): row r is position
    /// r % rowsPerImage of image r / rowsPerImage, whose outputs start
    /// imageStride elements after the previous image's (0: one image).
    int64_t rowsPerImage = 0, imageStride = 0;
    /// The op it comes from, and its tile (#kite.tile) if it has one.
    Operation *op = nullptr;
    TileAttr tile;
    /// rhs is a constant: no instruction writes it.
    bool constantRhs = false;
    /// TASD-A: lhs read through the run-time N:M selection (0: dense),
    /// magnitudes below the threshold as zero; for a later term of a
    /// series, the earlier terms' (keep, group) pairs.
    int64_t actKeep = 0, actGroup = 0, actThreshold = 0;
    std::vector<int64_t> actPrior;
    void setActivationSparsity(NMAttr nm) {
      actKeep = actGroup = actThreshold = 0;
      actPrior.clear();
      if (!nm)
        return;
      actKeep = nm.getN();
      actGroup = nm.getM();
      actThreshold = nm.getThreshold();
      std::vector<numerics::NMPattern> series = nm.getSeries();
      for (const numerics::NMPattern &term : ArrayRef(series).drop_back())
        actPrior.insert(actPrior.end(), {int64_t(term.n), int64_t(term.m)});
    }
  };
  /// Emits the tiles of `chain`: MAC problems with the same activations,
  /// shape and output whose products add up in the same accumulators (one
  /// problem, or the N:M terms of a TASD chain); one drain per tile.
  LogicalResult emitMac(ArrayRef<MacProblem> chain);
  LogicalResult emitMac(const MacProblem &p) {
    return emitMac(ArrayRef<MacProblem>(p));
  }
  LogicalResult lowerChain(MatmulOp head, ArrayRef<MatmulOp> rest);
  /// The array layout of constant MAC weights: a kite.packed_weights's, or
  /// packed here from a constant.
  FailureOr<PackedWeights> packedWeights(Operation *op, Value weights,
                                         const WeightLayout &layout, NMAttr nm);
  /// Places matrix `matrix` of `packed` in DRAM; fills the rhs fields of
  /// `p`.
  void placeWeights(const PackedWeights &packed, const WeightLayout &layout,
                    int64_t matrix, NMAttr nm, MacProblem &p);
  LogicalResult emitConfig(Operation *op, Type lhsElem, IntFormatAttr lhsFormat,
                           Type rhsElem, IntFormatAttr rhsFormat,
                           MultiplierAttr multiplier, NMAttr lhsSparsity,
                           NMAttr rhsSparsity);
  void load(rt::Space space, int64_t dst, int64_t src, int64_t rows,
            int64_t rowBytes, int64_t stride) {
    if (space == rt::Space::Weight)
      llvm::erase_if(residentWeights, [&](const ResidentTile &r) {
        return dst < r.end && r.at < dst + rows * rowBytes;
      });
    ki::DmaLoadOp::create(b, loc, src, int64_t(space), dst, rows, rowBytes,
                          stride);
  }
  /// A weight tile that an array pass left in WEIGHT at `at` (its half ends
  /// at `end`), for later passes over the same tile to read without a
  /// reload: the next row tile, or the next image of a convolution.
  struct ResidentTile {
    int64_t at, end;
    /// values, index (-1 if dense), rows, row bytes, source stride
    std::array<int64_t, 5> source;
    bool constant; ///< may outlive its MAC op (nothing writes the source)
  };
  SmallVector<ResidentTile, 4> residentWeights;

  func::FuncOp func;
  TargetAttr target;
  const BufferPlan &plan;
  OpBuilder &b;
  bool layerAttrs;
  Location loc = UnknownLoc::get(b.getContext());
  /// The end of DRAM in use (its size is checked once the program is
  /// complete).
  int64_t dramNext;
  DenseMap<Value, Buffer> buffers;
  /// Matmuls lowered as part of the accumulator chain of an earlier one,
  /// and ops folded into a drain's epilogue.
  DenseSet<Operation *> fused;
  /// Epilogues of the ops lowered so far (MacProblems point into it).
  std::deque<Epilogue> epilogues;
  /// The last input or data descriptor: the next data segment goes after it.
  Operation *lastDescriptor = nullptr;
  int slotA = 0, slotW = 0, slotC = 0, slotB = 0;
};

/// Whether every use of `v` reads it as packed weights: a filter, or N:M
/// matmul weights.
static bool readOnlyPacked(Value v) {
  return llvm::all_of(v.getUses(), [](OpOperand &use) {
    if (isa<Conv2DOp>(use.getOwner()))
      return use.getOperandNumber() == 1;
    auto mm = dyn_cast<MatmulOp>(use.getOwner());
    return mm && use.getOperandNumber() == 1 && mm.getRhsSparsityAttr();
  });
}

LogicalResult Lowering::lowerConstant(Operation *op, Attribute value) {
  Value result = op->getResult(0);
  // Filters and N:M weights reach DRAM only in the layout placeWeights
  // makes (and unused constants not at all).
  if (readOnlyPacked(result))
    return success();
  auto type = cast<RankedTensorType>(result.getType());
  auto attr = dyn_cast<DenseElementsAttr>(value);
  std::optional<rt::DType> dtype = dtypeOf(type.getElementType());
  if (!attr || !dtype)
    return op->emitOpError("constant has no DRAM layout (dense f32, i<=32 or "
                           "LP elements only)");
  unsigned eb = rt::dtypeBytes(*dtype);
  // LP codes are stored sign-extended, as vec_quantize writes them (the
  // order kite.bitcast's i8 readers rely on).
  auto lp = dyn_cast<LPType>(type.getElementType());
  std::vector<char> bytes;
  bytes.reserve(size_t(type.getNumElements()) * eb);
  auto push = [&](const void *p) { // little-endian: the low bytes
    bytes.insert(bytes.end(), static_cast<const char *>(p),
                 static_cast<const char *>(p) + eb);
  };
  if (isa<FloatType>(attr.getElementType())) {
    for (const APFloat &v : attr.getValues<APFloat>()) {
      float f = float(v.convertToDouble());
      push(&f);
    }
  } else {
    for (const APInt &v : attr.getValues<APInt>()) {
      int64_t i =
          lp ? numerics::signExtend(int64_t(v.getZExtValue()), lp.getN())
             : v.getSExtValue();
      push(&i);
    }
  }
  buffers[result] = Buffer{addData(bytes), *dtype};
  return success();
}

LogicalResult Lowering::emitConfig(Operation *op, Type lhsElem,
                                   IntFormatAttr lhsFormat, Type rhsElem,
                                   IntFormatAttr rhsFormat,
                                   MultiplierAttr multiplier,
                                   NMAttr lhsSparsity, NMAttr rhsSparsity) {
  if (isa<FloatType>(lhsElem) || isa<FloatType>(rhsElem))
    return op->emitOpError("has float operands; the MAC array runs integer "
                           "or LP operands (run kite-quantize or "
                           "kite-lp-quantize first)");
  if (lhsSparsity) {
    if (!target.getActivationSparsity())
      return op->emitOpError() << "N:M activations need run-time activation "
                                  "sparsity, which target '"
                               << target.getName() << "' does not have";
    if (isa<LPType>(lhsElem))
      return op->emitOpError("N:M activations are selected at run time for "
                             "integer operands only");
    if (rhsSparsity)
      return op->emitOpError("N:M activations together with N:M weights are "
                             "not lowered");
  }
  ki::ConfigMmaOp::create(b, loc, operandFormat(lhsElem, lhsFormat),
                          operandFormat(rhsElem, rhsFormat),
                          multiplier ? multiplier.getName()
                                     : StringRef("exact"));
  return success();
}

LogicalResult Lowering::emitMac(ArrayRef<MacProblem> chain) {
  const MacProblem &p = chain.front();
  const Epilogue *ep = p.epilogue;
  // Ping-pong halves of each buffer. The bias and the epilogue's f32 bias
  // (if any) sit at the end of a weight half, alternating between the two
  // from op to op, so that the next op's can load while this op's drains
  // read them; the halves start at fixed addresses whatever the op's
  // columns, so the next op's weights do not wait for this op either.
  TileBudget budget = tileBudget(target, p.n);
  int64_t halfA = budget.act, halfW = budget.weight, halfC = budget.acc;
  int64_t weightStride = halfW + budget.vectorSlot;
  int64_t vectorBytes = budget.vectorSlot / 2;
  // The terms of a chain share the row and column tiles: the smallest.
  int64_t tm = p.m, tn = p.n;
  SmallVector<int64_t> tks;
  SmallVector<MacShape> shapes;
  for (const MacProblem &t : chain) {
    MacShape &shape = shapes.emplace_back(*macShape(t.op, target));
    shape.m = t.m;
    shape.k = t.k;
    shape.n = t.n;
    shape.keep = t.keep;
    shape.group = t.group;
    TileAttr tile =
        t.tile ? t.tile : defaultTile(b.getContext(), budget, shape);
    tm = std::min(tm, tile.getM());
    tn = std::min(tn, tile.getN());
    tks.push_back(std::min(t.k, tile.getK()));
  }
  // Packed N:M indices start a column tile on a byte.
  if (tn < p.n &&
      llvm::any_of(chain, [](const MacProblem &t) { return t.keep > 0; }))
    tn = std::max<int64_t>(8, tn / 8 * 8);
  for (auto [t, shape, tk] : llvm::zip(chain, shapes, tks))
    if (std::optional<std::string> problem =
            tileProblem(budget, shape, tm, tk, tn))
      return t.op->emitOpError() << "tile <" << tm << ", " << tk << ", " << tn
                                 << "> does not fit target '"
                                 << target.getName() << "': " << *problem;
  int64_t biasAt = (slotB ^= 1) * weightStride + halfW, floatBiasAt = -1;
  if (p.bias >= 0)
    load(rt::Space::Weight, biasAt, p.bias, 1, p.n * 4, p.n * 4);
  if (ep && ep->floatBias >= 0) {
    floatBiasAt = biasAt + vectorBytes;
    load(rt::Space::Weight, floatBiasAt, ep->floatBias + p.column0 * 4, 1,
         p.n * 4, p.n * 4);
  }
  bool oneActTile = llvm::all_of(llvm::zip(chain, tks), [](auto termTk) {
    return std::get<1>(termTk) >= std::get<0>(termTk).k;
  });
  unsigned eb = rt::dtypeBytes(p.outType);
  // Other ops may have written the weights of the tiles still resident.
  llvm::erase_if(residentWeights,
                 [](const ResidentTile &r) { return !r.constant; });
  for (int64_t n0 = 0; n0 < p.n; n0 += tn) {
    int64_t tnr = std::min(tn, p.n - n0);
    for (int64_t m0 = 0; m0 < p.m; m0 += tm) {
      int64_t tmr = std::min(tm, p.m - m0);
      int64_t c = (slotC ^= 1) * halfC;
      bool accumulate = p.acc >= 0;
      if (accumulate)
        load(rt::Space::Acc, c, p.acc + (m0 * p.n + n0) * 4, tmr, tnr * 4,
             p.n * 4);
      // The terms of a chain read the same activations: when every term's
      // reduction is one tile, they share one activation tile.
      int64_t sharedA = -1;
      for (auto [t, tk] : llvm::zip(chain, tks)) {
        for (int64_t k0 = 0; k0 < t.k; k0 += tk) {
          int64_t tkr = std::min(tk, t.k - k0);
          // N:M: the kept values of the tile's groups, and their indices.
          int64_t row0 = t.keep ? k0 / t.group * t.keep : k0,
                  rows = t.keep ? ceilDiv(tkr, t.group) * t.keep : tkr;
          unsigned bits = t.keep ? rt::nmIndexBits(t.group) : 0;
          int64_t indexRowBytes =
              t.keep ? rt::nmIndexRowBytes(t.n, t.group) : 0;
          std::array<int64_t, 5> source{
              t.rhs + row0 * t.n + n0,
              t.keep ? t.rhsIndex + row0 * indexRowBytes + n0 * bits / 8 : -1,
              rows, tnr, t.n};
          const ResidentTile *resident =
              llvm::find_if(residentWeights, [&](const ResidentTile &r) {
                return r.source == source;
              });
          int64_t w;
          if (resident != residentWeights.end()) {
            w = resident->at;
          } else {
            w = (slotW ^= 1) * weightStride;
            load(rt::Space::Weight, w, source[0], rows, tnr, t.n);
            if (t.keep)
              load(rt::Space::Weight, w + halfW / 2, source[1], rows,
                   rt::nmIndexRowBytes(tnr, t.group), indexRowBytes);
            residentWeights.push_back({w, w + halfW, source, t.constantRhs});
          }
          int64_t a = sharedA;
          if (a < 0) {
            a = (slotA ^= 1) * halfA;
            load(rt::Space::Act, a, t.lhs + m0 * t.k + k0, tmr, tkr, t.k);
            if (oneActTile)
              sharedA = a;
          }
          if (t.keep > 0)
            ki::MmaNMOp::create(b, loc, a, w, w + halfW / 2, c, tmr, tkr, tnr,
                                t.keep, t.group, accumulate ? 1 : 0);
          else if (t.actKeep > 0)
            ki::MmaActNMOp::create(b, loc, a, w, c, tmr, tkr, tnr, t.actKeep,
                                   t.actGroup, t.actThreshold,
                                   accumulate ? 1 : 0, t.actPrior);
          else
            ki::MmaOp::create(b, loc, a, w, c, tmr, tkr, tnr,
                              accumulate ? 1 : 0);
          accumulate = true;
        }
      }
      int64_t bias = p.bias >= 0 ? biasAt + n0 * 4 : -1;
      // Integer accumulators take the MAC op's bias before dequantizing;
      // LP ones drain to f32 and add it after (the epilogue then has none
      // of its own).
      bool lp = ep && ep->scales.empty();
      int64_t floatBias = lp && bias >= 0          ? bias
                          : ep && floatBiasAt >= 0 ? floatBiasAt + n0 * 4
                                                   : -1;
      auto slice = [&](auto values) { // per-column ones for this tile
        if (values.size() <= 1)
          return values;
        return values.slice(size_t(p.column0 + n0), size_t(tnr));
      };
      // One drain per image the tile's rows reach.
      for (int64_t r0 = m0, r1; r0 < m0 + tmr; r0 = r1) {
        int64_t image = p.rowsPerImage ? r0 / p.rowsPerImage : 0,
                row = r0 - image * p.rowsPerImage;
        r1 = p.rowsPerImage ? std::min(m0 + tmr, (image + 1) * p.rowsPerImage)
                            : m0 + tmr;
        int64_t src = c + (r0 - m0) * tnr * rt::kAccWordBytes;
        int64_t element = image * p.imageStride + row * p.outRowStride +
                          n0 * p.outColStride,
                dst = p.out + element * eb;
        if (!ep) {
          ki::StoreAccOp::create(b, loc, src, r1 - r0, tnr, dst, p.outRowStride,
                                 p.outColStride, int64_t(p.outType), bias);
          continue;
        }
        ki::StoreAccFusedOp::create(
            b, loc, src, r1 - r0, tnr, dst, p.outRowStride, p.outColStride,
            int64_t(p.outType), lp ? -1 : bias,
            slice(ArrayRef<double>(ep->scales)),
            slice(ArrayRef<int64_t>(ep->zeros)), floatBias, APFloat(ep->lo),
            APFloat(ep->hi), ep->requant.format,
            slice(ArrayRef<double>(ep->requant.scales)), ep->requant.zero,
            APFloat(ep->multiply), ep->activation,
            ep->residual >= 0 ? ep->residual + element * 4 : -1);
      }
    }
  }
  return success();
}

FailureOr<Buffer> Lowering::drainBuffer(Operation *op, Value result, int64_t n,
                                        bool nchw, bool floatBiasTaken,
                                        const Epilogue *&ep) {
  ep = nullptr;
  std::optional<EpilogueMatch> match =
      matchEpilogue(result, n, nchw, floatBiasTaken);
  if (!match)
    return newBuffer(op, result);
  Epilogue &e = epilogues.emplace_back();
  if (match->dequantize) {
    FailureOr<QuantParams> q = quantParams(match->dequantize, false);
    e.scales = q->scales;
    e.zeros = q->zeros;
  }
  e.multiply = match->multiply;
  if (match->residual) {
    FailureOr<Buffer> residual = bufferOf(op, match->residual);
    if (failed(residual))
      return failure();
    e.residual = residual->addr;
  }
  if (match->bias) {
    FailureOr<Buffer> bias = bufferOf(op, match->bias);
    if (failed(bias))
      return failure();
    e.floatBias = bias->addr;
  }
  if (tosa::ClampOp clamp = match->clamp) {
    e.lo = clampBound(clamp.getMinValAttr());
    e.hi = clampBound(clamp.getMaxValAttr());
  }
  if (GeluOp gelu = match->gelu)
    e.activation = gelu.getApproximation() == GeluApproximation::Tanh ? 2 : 1;
  if (match->requantize)
    e.requant = requantization(match->requantize, n);
  fused.insert(match->ops.begin(), match->ops.end());
  ep = &e;
  return newBuffer(match->result.getDefiningOp(), match->result);
}

FailureOr<PackedWeights> Lowering::packedWeights(Operation *op, Value weights,
                                                 const WeightLayout &layout,
                                                 NMAttr nm) {
  Type element = cast<ShapedType>(weights.getType()).getElementType();
  if (auto packed = weights.getDefiningOp<PackedWeightsOp>()) {
    WeightLayout l = packed.getLayout();
    if (packed.getSparsityAttr() != nm || l.filter != layout.filter ||
        l.groups != layout.groups)
      return op->emitOpError("weights are packed for another op (groups or "
                             "sparsity differ)");
    PackedWeights p;
    for (const APInt &v : packed.getValues().getValues<APInt>())
      p.values.push_back(int8_t(v.getSExtValue()));
    if (DenseIntElementsAttr index = packed.getIndexAttr())
      for (const APInt &v : index.getValues<APInt>())
        p.index.push_back(uint8_t(v.getZExtValue()));
    return p;
  }
  DenseElementsAttr attr;
  if (!matchPattern(weights, m_Constant(&attr)))
    return op->emitOpError(layout.filter
                               ? "filter must be a constant (it is packed at "
                                 "compile time)"
                               : "N:M weights must be constant (they are "
                                 "compressed at compile time)");
  return packWeights(weightCodes(attr, element), layout, nm, element);
}

void Lowering::placeWeights(const PackedWeights &packed,
                            const WeightLayout &layout, int64_t matrix,
                            NMAttr nm, MacProblem &p) {
  auto slice = [](const auto &bytes, int64_t size, int64_t at) {
    return ArrayRef<char>(
        reinterpret_cast<const char *>(bytes.data()) + at * size, size_t(size));
  };
  p.rhs = addData(slice(packed.values, layout.valueBytes(nm), matrix));
  p.constantRhs = true;
  if (!nm)
    return;
  p.rhsIndex = addData(slice(packed.index, layout.indexBytes(nm), matrix));
  p.keep = nm.getN();
  p.group = nm.getM();
}

LogicalResult Lowering::lowerChain(MatmulOp head, ArrayRef<MatmulOp> rest) {
  auto lhsType = head.getLhs().getType(), rhsType = head.getRhs().getType();
  if (failed(emitConfig(head, lhsType.getElementType(), head.getLhsFormatAttr(),
                        rhsType.getElementType(), head.getRhsFormatAttr(),
                        head.getMultiplierAttr(), head.getLhsSparsityAttr(),
                        head.getRhsSparsityAttr())))
    return failure();
  MatmulOp tail = rest.back();
  ArrayRef<int64_t> ls = lhsType.getShape();
  int64_t k = ls.back(), n = rhsType.getShape().back();
  const Epilogue *ep;
  FailureOr<Buffer> lhs = bufferOf(head, head.getLhs()),
                    out = drainBuffer(tail, tail.getResult(), n,
                                      /*nchw=*/false, false, ep);
  if (failed(lhs) || failed(out))
    return failure();
  int64_t m = product(ls.drop_back());
  SmallVector<MacProblem> problems;
  SmallVector<MatmulOp> all{head};
  all.append(rest.begin(), rest.end());
  for (MatmulOp term : all) {
    MacProblem p{m, k, n, lhs->addr, 0, out->addr, n, 1, out->dtype};
    p.epilogue = ep;
    p.op = term;
    p.tile = term.getTileAttr();
    p.setActivationSparsity(term.getLhsSparsityAttr());
    if (NMAttr nm = term.getRhsSparsityAttr()) {
      WeightLayout layout{1, k, n, false};
      FailureOr<PackedWeights> packed =
          packedWeights(term, term.getRhs(), layout, nm);
      if (failed(packed))
        return failure();
      placeWeights(*packed, layout, 0, nm, p);
    } else {
      FailureOr<Buffer> rhs = bufferOf(term, term.getRhs());
      if (failed(rhs))
        return failure();
      p.rhs = rhs->addr;
      p.constantRhs = matchPattern(term.getRhs(), m_Constant());
    }
    problems.push_back(p);
    fused.insert(term);
  }
  return emitMac(problems);
}

LogicalResult Lowering::lowerMatmul(MatmulOp op) {
  SmallVector<MatmulOp> chain = accumulatorChain(op);
  if (!chain.empty())
    return lowerChain(op, chain);
  auto lhsType = op.getLhs().getType(), rhsType = op.getRhs().getType();
  int64_t accAddr = -1;
  if (op.getAcc()) {
    if (!op.getResult().getType().getElementType().isSignlessInteger(32))
      return op.emitOpError("with an accumulator operand is lowered for i32 "
                            "results only");
    FailureOr<Buffer> acc = bufferOf(op, op.getAcc());
    if (failed(acc))
      return failure();
    accAddr = acc->addr;
  }
  if (failed(emitConfig(op, lhsType.getElementType(), op.getLhsFormatAttr(),
                        rhsType.getElementType(), op.getRhsFormatAttr(),
                        op.getMultiplierAttr(), op.getLhsSparsityAttr(),
                        op.getRhsSparsityAttr())))
    return failure();
  ArrayRef<int64_t> ls = lhsType.getShape();
  int64_t m = ls[ls.size() - 2], k = ls.back(), n = rhsType.getShape().back();
  int64_t batches = product(ls.drop_back(2));
  // N:M weights are compressed per batch below; dense ones are read where
  // they are.
  NMAttr nm = op.getRhsSparsityAttr();
  WeightLayout layout = *weightLayout(rhsType.getShape(), false, 1);
  FailureOr<PackedWeights> packed;
  int64_t rhsAddr = 0;
  if (nm) {
    packed = packedWeights(op, op.getRhs(), layout, nm);
    if (failed(packed))
      return failure();
  } else {
    FailureOr<Buffer> rhs = bufferOf(op, op.getRhs());
    if (failed(rhs))
      return failure();
    rhsAddr = rhs->addr;
  }
  const Epilogue *ep;
  FailureOr<Buffer> lhs = bufferOf(op, op.getLhs()),
                    out = drainBuffer(op, op.getResult(), n, /*nchw=*/false,
                                      false, ep);
  if (failed(lhs) || failed(out))
    return failure();
  unsigned eb = rt::dtypeBytes(out->dtype);
  bool shared = rhsType.getRank() == 2; // one M*batches problem
  for (int64_t bt = 0; bt < (shared ? 1 : batches); ++bt) {
    int64_t weightsAt = shared ? 0 : bt * k * n;
    MacProblem p{shared ? m * batches : m,
                 k,
                 n,
                 lhs->addr + bt * m * k,
                 rhsAddr + weightsAt,
                 out->addr + bt * m * n * eb,
                 n,
                 1,
                 out->dtype};
    p.acc = accAddr >= 0 ? accAddr + bt * m * n * 4 : -1;
    p.epilogue = ep;
    p.op = op;
    p.tile = op.getTileAttr();
    p.setActivationSparsity(op.getLhsSparsityAttr());
    p.constantRhs = matchPattern(op.getRhs(), m_Constant());
    if (nm)
      placeWeights(*packed, layout, shared ? 0 : bt, nm, p);
    if (failed(emitMac(p)))
      return failure();
  }
  return success();
}

LogicalResult Lowering::lowerConv(Conv2DOp op) {
  if (op.getAcc())
    return op.emitOpError("with an accumulator operand is lowered only as a "
                          "later term of a chain of N:M convolutions (the "
                          "terms of kite-tasd)");
  auto inType = op.getInput().getType(), fType = op.getFilter().getType();
  auto outType = op.getResult().getType();
  if (failed(emitConfig(op, inType.getElementType(), op.getInputFormatAttr(),
                        fType.getElementType(), op.getFilterFormatAttr(),
                        op.getMultiplierAttr(), op.getInputSparsityAttr(),
                        op.getFilterSparsityAttr())))
    return failure();
  SmallVector<Conv2DOp> terms{op};
  llvm::append_range(terms, accumulatorChain(op));
  WeightLayout layout =
      *weightLayout(fType.getShape(), /*filter=*/true, op.getGroups());
  // Each term's weights for each group.
  SmallVector<SmallVector<MacProblem>> perTerm;
  for (auto [i, term] : llvm::enumerate(terms)) {
    NMAttr nm = term.getFilterSparsityAttr();
    // The terms of a TASD-A series read one filter: it is placed once.
    auto earlier = ArrayRef(terms).take_front(i);
    auto same = llvm::find_if(earlier, [&](Conv2DOp prev) {
      return prev.getFilter() == term.getFilter() &&
             prev.getFilterSparsityAttr() == nm;
    });
    SmallVector<MacProblem> perGroup;
    if (same != earlier.end()) {
      perGroup = perTerm[size_t(same - earlier.begin())];
    } else {
      FailureOr<PackedWeights> packed =
          packedWeights(term, term.getFilter(), layout, nm);
      if (failed(packed))
        return failure();
      for (int64_t g = 0; g < int64_t(op.getGroups()); ++g)
        placeWeights(*packed, layout, g, nm, perGroup.emplace_back());
    }
    for (MacProblem &p : perGroup) {
      p.op = term;
      p.tile = term.getTileAttr();
      p.setActivationSparsity(term.getInputSparsityAttr());
    }
    perTerm.push_back(std::move(perGroup));
    fused.insert(term);
  }
  Conv2DOp tail = terms.back();
  // An LP convolution's f32 bias is added on the drain already.
  bool floatBias = op.getBias() && outType.getElementType().isF32();
  const Epilogue *ep;
  FailureOr<Buffer> in = bufferOf(op, op.getInput()),
                    out =
                        drainBuffer(tail, tail.getResult(), fType.getDimSize(0),
                                    /*nchw=*/true, floatBias, ep);
  if (failed(in) || failed(out))
    return failure();
  int64_t batch = inType.getDimSize(0), c = inType.getDimSize(1),
          ih = inType.getDimSize(2), iw = inType.getDimSize(3);
  int64_t fc = fType.getDimSize(0), cg = fType.getDimSize(1),
          kh = fType.getDimSize(2), kw = fType.getDimSize(3);
  int64_t oh = outType.getDimSize(2), ow = outType.getDimSize(3);
  int64_t groups = op.getGroups(), fg = fc / groups, ck = cg * kh * kw;
  ArrayRef<int64_t> stride = op.getStrides(), pad = op.getPads(),
                    dil = op.getDilations();
  int64_t bias = -1;
  if (op.getBias()) {
    FailureOr<Buffer> biasBuf = bufferOf(op, op.getBias());
    if (failed(biasBuf))
      return failure();
    bias = biasBuf->addr;
  }
  auto planned = plan.patches.find(op);
  if (planned == plan.patches.end())
    return op.emitOpError() << "has no " << kPatchesAttrName
                            << " (run kite-bufferize again after changing "
                               "the function)";
  int64_t patches = planned->second.addr;
  unsigned eb = rt::dtypeBytes(out->dtype);
  int64_t images = imagesPerPass(op, target), positions = oh * ow;
  for (int64_t b0 = 0; b0 < batch; b0 += images)
    for (int64_t g = 0; g < groups; ++g) {
      // The images' patches stack: rows (image, output position).
      int64_t count = std::min(images, batch - b0);
      for (int64_t i = 0; i < count; ++i)
        ki::Im2colOp::create(
            b, loc, in->addr + (b0 + i) * c * ih * iw,
            patches + i * positions * ck, ArrayRef<int64_t>({c, ih, iw}),
            g * cg, cg, ArrayRef<int64_t>({kh, kw}),
            ArrayRef<int64_t>({stride[0], stride[1]}),
            ArrayRef<int64_t>({pad[0], pad[1]}),
            ArrayRef<int64_t>({dil[0], dil[1]}), ArrayRef<int64_t>({oh, ow}));
      // Output position p of image b0 + i, channel j lands at NCHW
      // (b0 + i, g*fg + j, p).
      SmallVector<MacProblem> chain;
      for (ArrayRef<MacProblem> perGroup : perTerm) {
        MacProblem p = perGroup[size_t(g)];
        p.m = count * positions;
        p.k = ck;
        p.n = fg;
        p.lhs = patches;
        p.out = out->addr + (b0 * fc + g * fg) * positions * eb;
        p.outRowStride = 1;
        p.outColStride = positions;
        p.rowsPerImage = positions;
        p.imageStride = fc * positions;
        p.outType = out->dtype;
        p.bias = bias >= 0 ? bias + g * fg * 4 : -1;
        p.epilogue = ep;
        p.column0 = g * fg;
        chain.push_back(p);
      }
      if (failed(emitMac(chain)))
        return failure();
    }
  return success();
}

/// Element strides of `operand` broadcast to `shape` (TOSA: equal ranks).
FailureOr<SmallVector<int64_t>> broadcastStrides(Operation *op, Value operand,
                                                 ArrayRef<int64_t> shape) {
  auto type = cast<RankedTensorType>(operand.getType());
  if (type.getRank() != int64_t(shape.size()))
    return op->emitOpError("operands must have the result's rank");
  SmallVector<int64_t> strides = rowMajorStrides(type.getShape());
  for (size_t d = 0; d < shape.size(); ++d)
    if (type.getDimSize(d) == 1 && shape[d] != 1)
      strides[d] = 0;
  return strides;
}

LogicalResult Lowering::lowerElementwise(Operation *op, int64_t kind) {
  auto type = cast<RankedTensorType>(op->getResult(0).getType());
  if (!type.getElementType().isF32())
    return op->emitOpError("has no instruction for non-f32 elements");
  if (auto mul = dyn_cast<tosa::MulOp>(op)) {
    DenseElementsAttr shift;
    if (!matchPattern(mul.getShift(), m_Constant(&shift)) ||
        !llvm::all_of(shift.getValues<APInt>(),
                      [](const APInt &v) { return v.isZero(); }))
      return op->emitOpError("with a non-zero shift has no instruction");
  }
  FailureOr<Buffer> lhs = bufferOf(op, op->getOperand(0)),
                    rhs = bufferOf(op, op->getOperand(1));
  if (failed(lhs) || failed(rhs))
    return failure();
  FailureOr<SmallVector<int64_t>> ls =
      broadcastStrides(op, op->getOperand(0), type.getShape());
  FailureOr<SmallVector<int64_t>> rs =
      broadcastStrides(op, op->getOperand(1), type.getShape());
  // In place over an operand of the result's shape.
  Value same;
  for (Value operand : op->getOperands())
    if (!same && operand.getType() == type)
      same = operand;
  FailureOr<Buffer> out = newBuffer(op, op->getResult(0));
  if (failed(ls) || failed(rs) || failed(out))
    return failure();
  ki::VecBinaryOp::create(b, loc, kind, lhs->addr, rhs->addr, out->addr,
                          type.getShape(), ArrayRef<int64_t>(*ls),
                          ArrayRef<int64_t>(*rs));
  return success();
}

LogicalResult Lowering::lowerQuantize(Operation *op, bool quantize) {
  FailureOr<QuantParams> q = quantParams(op, quantize);
  if (failed(q))
    return failure();
  Value floatSide = quantize ? op->getOperand(0) : op->getResult(0);
  auto floatType = cast<RankedTensorType>(floatSide.getType());
  ArrayRef<double> scales = q->scales;
  ArrayRef<int64_t> zeros = q->zeros;
  int64_t inner = q->inner;
  const rt::OperandFormat &f = q->format;
  FailureOr<Buffer> in = bufferOf(op, op->getOperand(0));
  FailureOr<Buffer> out = newBuffer(op, op->getResult(0));
  if (failed(in) || failed(out))
    return failure();
  int64_t count = floatType.getNumElements();
  if (quantize)
    ki::VecQuantizeOp::create(b, loc, in->addr, out->addr, int64_t(out->dtype),
                              count, inner, f.pack(), scales, zeros);
  else
    ki::VecDequantizeOp::create(b, loc, in->addr, int64_t(in->dtype), out->addr,
                                count, inner, f.pack(), scales, zeros);
  return success();
}

LogicalResult Lowering::lowerTranspose(tosa::TransposeOp op) {
  auto inType = cast<RankedTensorType>(op.getInput1().getType());
  auto outType = cast<RankedTensorType>(op.getType());
  FailureOr<Buffer> in = bufferOf(op, op.getInput1());
  FailureOr<Buffer> out = newBuffer(op, op.getResult());
  if (failed(in) || failed(out))
    return failure();
  SmallVector<int64_t> inStrides = rowMajorStrides(inType.getShape()), src;
  for (int32_t p : op.getPerms())
    src.push_back(inStrides[size_t(p)]);
  ki::VecCopyOp::create(
      b, loc, in->addr, out->addr, int64_t(rt::dtypeBytes(in->dtype)),
      ArrayRef<int64_t>(outType.getShape()), ArrayRef<int64_t>(src));
  return success();
}

LogicalResult Lowering::lowerSlice(tosa::SliceOp op) {
  auto inType = cast<RankedTensorType>(op.getInput1().getType());
  auto outType = cast<RankedTensorType>(op.getType());
  DenseElementsAttr start;
  if (!matchPattern(op.getStart(), m_Constant(&start)))
    return op.emitOpError("start must be a constant");
  FailureOr<Buffer> in = bufferOf(op, op.getInput1());
  if (failed(in))
    return failure();
  if (std::optional<int64_t> offset = contiguousSliceOffset(op);
      offset && !plan.values.count(op.getResult())) { // read in place
    buffers[op.getResult()] = {in->addr + *offset * rt::dtypeBytes(in->dtype),
                               in->dtype};
    return success();
  }
  FailureOr<Buffer> out = newBuffer(op, op.getResult());
  if (failed(out))
    return failure();
  SmallVector<int64_t> strides = rowMajorStrides(inType.getShape());
  int64_t offset = 0, d = 0;
  for (const APInt &s : start.getValues<APInt>())
    offset += s.getSExtValue() * strides[size_t(d++)];
  int64_t eb = rt::dtypeBytes(in->dtype);
  ki::VecCopyOp::create(b, loc, in->addr + offset * eb, out->addr, eb,
                        ArrayRef<int64_t>(outType.getShape()),
                        ArrayRef<int64_t>(strides));
  return success();
}

LogicalResult Lowering::lowerPool(Operation *op, bool isMax) {
  auto inType = cast<RankedTensorType>(op->getOperand(0).getType());
  auto outType = cast<RankedTensorType>(op->getResult(0).getType());
  Type element = inType.getElementType();
  if (!element.isF32() && !(isMax && element.isSignlessInteger(8)))
    return op->emitOpError(isMax ? "has no instruction for elements other "
                                   "than f32 and i8"
                                 : "has no instruction for non-f32 elements");
  auto i64s = [&](StringRef name) {
    return cast<DenseI64ArrayAttr>(op->getAttr(name)).asArrayRef();
  };
  ArrayRef<int64_t> kernel = i64s("kernel"), stride = i64s("stride"),
                    pad = i64s("pad");
  FailureOr<Buffer> in = bufferOf(op, op->getOperand(0));
  FailureOr<Buffer> out = newBuffer(op, op->getResult(0));
  if (failed(in) || failed(out))
    return failure();
  ki::VecPoolOp::create(
      b, loc, isMax ? 0 : 1, in->addr, out->addr, int64_t(*dtypeOf(element)),
      ArrayRef<int64_t>(inType.getShape()), ArrayRef<int64_t>(kernel),
      ArrayRef<int64_t>(stride), ArrayRef<int64_t>({pad[0], pad[2]}),
      ArrayRef<int64_t>({outType.getDimSize(1), outType.getDimSize(2)}));
  return success();
}

/// outer x len x inner around `axis`.
std::array<int64_t, 3> around(ArrayRef<int64_t> shape, int64_t axis) {
  return {product(shape.take_front(axis)), shape[size_t(axis)],
          product(shape.drop_front(axis + 1))};
}

LogicalResult Lowering::lowerOp(Operation *op) {
  loc = op->getLoc();
  if (fused.contains(op)) // lowered with an earlier op
    return success();
  if (isa<tosa::ConstShapeOp>(op))
    return success();
  if (auto c = dyn_cast<tosa::ConstOp>(op))
    return lowerConstant(op, c.getValues());
  if (auto c = dyn_cast<arith::ConstantOp>(op))
    return lowerConstant(op, c.getValue());
  if (auto c = dyn_cast<ConstantOp>(op))
    return lowerConstant(op, c.getValue());
  if (auto packed = dyn_cast<PackedWeightsOp>(op)) // read by its MAC ops
    return readOnlyPacked(packed.getResult())
               ? success()
               : op->emitOpError("feeds an op other than a convolution's "
                                 "filter or N:M matmul weights");
  if (isa<tosa::ReshapeOp, BitcastOp>(op)) { // the same bytes
    FailureOr<Buffer> in = bufferOf(op, op->getOperand(0));
    if (failed(in))
      return failure();
    buffers[op->getResult(0)] = *in;
    return success();
  }
  if (auto m = dyn_cast<MatmulOp>(op))
    return lowerMatmul(m);
  if (auto c = dyn_cast<Conv2DOp>(op))
    return lowerConv(c);
  if (isa<tosa::AddOp>(op))
    return lowerElementwise(op, 0);
  if (isa<tosa::SubOp>(op))
    return lowerElementwise(op, 1);
  if (isa<tosa::MulOp>(op))
    return lowerElementwise(op, 2);
  if (isa<tosa::MaximumOp>(op))
    return lowerElementwise(op, 3);
  if (isa<tosa::MinimumOp>(op))
    return lowerElementwise(op, 4);
  if (isa<QuantizeOp>(op))
    return lowerQuantize(op, true);
  if (isa<DequantizeOp>(op))
    return lowerQuantize(op, false);
  if (auto t = dyn_cast<tosa::TransposeOp>(op))
    return lowerTranspose(t);
  if (auto s = dyn_cast<tosa::SliceOp>(op))
    return lowerSlice(s);
  if (isa<tosa::MaxPool2dOp>(op))
    return lowerPool(op, true);
  if (isa<tosa::AvgPool2dOp>(op))
    return lowerPool(op, false);

  // Ops on f32 tensors with one input and one result.
  auto f32Unary = [&]() -> FailureOr<std::pair<Buffer, Buffer>> {
    if (!cast<ShapedType>(op->getOperand(0).getType()).getElementType().isF32())
      return op->emitOpError("has no instruction for non-f32 elements");
    FailureOr<Buffer> in = bufferOf(op, op->getOperand(0));
    if (failed(in))
      return failure();
    FailureOr<Buffer> out = newBuffer(op, op->getResult(0));
    if (failed(out))
      return failure();
    return std::make_pair(*in, *out);
  };
  auto count = [&] {
    return cast<ShapedType>(op->getResult(0).getType()).getNumElements();
  };
  if (auto clamp = dyn_cast<tosa::ClampOp>(op)) {
    FailureOr<std::pair<Buffer, Buffer>> io = f32Unary();
    if (failed(io))
      return failure();
    ki::VecClampOp::create(b, loc, io->first.addr, io->second.addr, count(),
                           APFloat(clampBound(clamp.getMinValAttr())),
                           APFloat(clampBound(clamp.getMaxValAttr())));
    return success();
  }
  if (auto sum = dyn_cast<tosa::ReduceSumOp>(op)) {
    FailureOr<std::pair<Buffer, Buffer>> io = f32Unary();
    if (failed(io))
      return failure();
    auto [outer, len, inner] = around(
        cast<ShapedType>(sum.getInput().getType()).getShape(), sum.getAxis());
    ki::VecReduceOp::create(b, loc, io->first.addr, io->second.addr, outer, len,
                            inner);
    return success();
  }
  if (auto gelu = dyn_cast<GeluOp>(op)) {
    FailureOr<std::pair<Buffer, Buffer>> io = f32Unary();
    if (failed(io))
      return failure();
    ki::VecGeluOp::create(
        b, loc, io->first.addr, io->second.addr, count(),
        gelu.getApproximation() == GeluApproximation::Tanh ? 1 : 0);
    return success();
  }
  if (auto ln = dyn_cast<LayerNormOp>(op)) {
    if (!ln.getInput().getType().getElementType().isF32())
      return op->emitOpError("has no instruction for non-f32 elements");
    // The codes of a per-tensor quantize that reads the result alone, or
    // the f32 result.
    std::optional<RequantizeMatch> rq = matchRequantize(ln.getResult());
    Requantization out;
    FailureOr<Buffer> in = bufferOf(op, ln.getInput());
    FailureOr<Buffer> dst =
        rq ? newBuffer(rq->quantize, rq->quantize.getResult())
           : newBuffer(op, ln.getResult());
    if (failed(in) || failed(dst))
      return failure();
    if (rq) {
      out = requantization(rq->quantize);
      fused.insert(rq->ops.begin(), rq->ops.end());
    }
    int64_t scale = -1, bias = -1;
    for (auto [v, addr] :
         {std::pair{ln.getScale(), &scale}, std::pair{ln.getBias(), &bias}}) {
      if (!v)
        continue;
      FailureOr<Buffer> buf = bufferOf(op, v);
      if (failed(buf))
        return failure();
      *addr = buf->addr;
    }
    ArrayRef<int64_t> shape = ln.getInput().getType().getShape();
    int64_t len = product(shape.drop_front(ln.getNormalizedAxis()));
    ki::VecLayerNormOp::create(b, loc, in->addr, dst->addr, count() / len, len,
                               APFloat(ln.getEpsilon().convertToDouble()),
                               scale, bias, out.format, APFloat(out.scales[0]),
                               out.zero);
    return success();
  }
  if (auto sm = dyn_cast<LutSoftmaxOp>(op)) {
    // The codes of a dequantize-requantize pair that reads the
    // probabilities alone, or the probabilities.
    std::optional<SoftmaxRequantizeMatch> rq = matchSoftmaxRequantize(sm);
    FailureOr<Buffer> in = bufferOf(op, sm.getInput());
    FailureOr<Buffer> out =
        rq ? newBuffer(rq->quantize, rq->quantize.getResult())
           : newBuffer(op, sm.getResult());
    if (failed(in) || failed(out))
      return failure();
    Requantization requant;
    double probScale = 1;
    int64_t probZero = 0;
    if (rq) {
      QuantParams dq = *quantParams(rq->dequantize, /*quantize=*/false);
      probScale = dq.scales[0];
      probZero = dq.zeros[0];
      requant = requantization(rq->quantize);
      fused.insert(rq->ops.begin(), rq->ops.end());
    }
    ArrayRef<int64_t> shape = sm.getInput().getType().getShape();
    int64_t axis = int64_t(sm.getAxis());
    if (axis < 0)
      axis += int64_t(shape.size());
    auto [outer, len, inner] = around(shape, axis);
    numerics::LutSoftmaxTables t = sm.getTables();
    SmallVector<int64_t> expTable(t.expTable.begin(), t.expTable.end());
    SmallVector<int64_t> normTable(t.normTable.begin(), t.normTable.end());
    ki::LutSoftmaxOp::create(
        b, loc, in->addr, int64_t(in->dtype), out->addr, int64_t(out->dtype),
        outer, len, inner, t.method == numerics::SoftmaxMethod::Rexp ? 0 : 1,
        APFloat(t.inputScale), APFloat(t.step), int64_t(t.outBits),
        int64_t(t.sumShift), int64_t(t.outShift), ArrayRef<int64_t>(expTable),
        ArrayRef<int64_t>(normTable), int64_t(t.normRows), int64_t(t.normCols),
        APFloat(probScale), probZero, requant.format,
        APFloat(requant.scales[0]), requant.zero);
    return success();
  }
  if (isa<SoftmaxOp>(op))
    return op->emitOpError("has no instruction; run kite-lut-softmax to use "
                           "the LUT softmax unit");
  return op->emitOpError("has no lowering to kite_isa");
}

LogicalResult Lowering::run() {
  auto program =
      ki::ProgramOp::create(b, func.getLoc(), func.getSymName(), int64_t(0));
  Block *body = new Block();
  program.getBody().push_back(body);
  b.setInsertionPointToEnd(body);
  for (auto [idx, arg] : llvm::enumerate(func.getArguments())) {
    FailureOr<Buffer> buf = newBuffer(func, arg);
    if (failed(buf))
      return failure();
    lastDescriptor = ki::InputOp::create(b, func.getLoc(), int64_t(idx),
                                         buf->addr, arg.getType());
  }
  if (!func.getBody().hasOneBlock())
    return func.emitOpError("must have a single block to be lowered");
  // Data segments first: a drain's epilogue may read a constant defined
  // after its MAC op.
  auto isConstant = [](Operation &op) {
    return isa<tosa::ConstOp, arith::ConstantOp, ConstantOp>(op);
  };
  for (Operation &op : func.getBody().front())
    if (isConstant(op) && failed(lowerOp(&op)))
      return failure();
  for (auto [index, op] : llvm::enumerate(func.getBody().front())) {
    if (isConstant(op))
      continue;
    if (auto ret = dyn_cast<func::ReturnOp>(op)) {
      for (auto [idx, v] : llvm::enumerate(ret.getOperands())) {
        FailureOr<Buffer> buf = bufferOf(ret, v);
        if (failed(buf))
          return failure();
        ki::OutputOp::create(b, ret.getLoc(), int64_t(idx), buf->addr,
                             v.getType());
      }
      continue;
    }
    Operation *last = body->empty() ? nullptr : &body->back();
    if (failed(lowerOp(&op)))
      return failure();
    if (!layerAttrs)
      continue;
    // The op's own kite.layer (kitec numbers the ops before the passes
    // that run ahead of this one add any), else its position.
    auto layer = op.getAttrOfType<IntegerAttr>(kLayerAttrName);
    if (!layer)
      layer = b.getI64IntegerAttr(int64_t(index));
    for (Operation &emitted :
         llvm::make_range(last ? std::next(last->getIterator()) : body->begin(),
                          body->end()))
      if (!isa<ki::DataOp>(emitted))
        emitted.setAttr(kLayerAttrName, layer);
  }
  ki::FenceOp::create(b, func.getLoc());
  if (dramNext > rt::kScratchBase)
    return func.emitOpError()
           << "needs " << dramNext
           << " bytes of DRAM; programs address at most " << rt::kScratchBase;
  program.setDramBytes(dramNext);
  return success();
}

struct ConvertKiteToKiteIsa
    : kite::impl::ConvertKiteToKiteIsaBase<ConvertKiteToKiteIsa> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto func = module.lookupSymbol<func::FuncOp>(entry);
    if (!func) {
      module.emitError() << "convert-kite-to-kite-isa: no function @" << entry;
      return signalPassFailure();
    }
    TargetAttr target = requireTarget(module, "convert-kite-to-kite-isa");
    if (!target)
      return signalPassFailure();
    // The plan kite-bufferize recorded, else the one it would record.
    FailureOr<std::optional<BufferPlan>> recorded = readBuffers(func, target);
    if (failed(recorded))
      return signalPassFailure();
    FailureOr<BufferPlan> plan =
        *recorded ? FailureOr<BufferPlan>(std::move(**recorded))
                  : planBuffers(func, target);
    if (failed(plan))
      return signalPassFailure();
    OpBuilder b(func);
    Lowering lowering(func, target, *plan, b, layerAttrs);
    if (failed(lowering.run())) {
      // Drop the partial program; the function stays as it was.
      if (auto partial = dyn_cast_or_null<ki::ProgramOp>(func->getPrevNode()))
        partial.erase();
      return signalPassFailure();
    }
    func.erase();
  }
};
} // namespace
