//===- MacArray.cpp - MAC ops on the array --------------------------------===//
//
// Matmuls and convolutions become tiles in ping-pong halves of the on-chip
// buffers (config_mma, dma_load, im2col, mma / mma_nm / mma_act_nm) and one
// drain per tile (store_acc or store_acc_fused with the epilogue of the
// float ops folded into it). Constant weight tiles stay resident across
// passes and images.
//
//===----------------------------------------------------------------------===//

#include "Lowering.h"
#include "kite/Numerics/IntQuant.h"

#include "mlir/IR/Matchers.h"

#include <cstring>

using namespace kite;
using namespace kite::isel;

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
        int64_t element = p.outOffset + image * p.imageStride +
                          row * p.outRowStride + n0 * p.outColStride,
                dst = p.out + element * eb;
        if (!ep) {
          ki::StoreAccOp::create(b, loc, src, r1 - r0, tnr, dst, p.outRowStride,
                                 p.outColStride, ki::DType(p.outType), bias);
          continue;
        }
        ki::StoreAccFusedOp::create(
            b, loc, src, r1 - r0, tnr, dst, p.outRowStride, p.outColStride,
            ki::DType(p.outType), lp ? -1 : bias,
            slice(ArrayRef<double>(ep->scales)),
            slice(ArrayRef<int64_t>(ep->zeros)), floatBias, APFloat(ep->lo),
            APFloat(ep->hi), ep->requant.format,
            slice(ArrayRef<double>(ep->requant.scales)), ep->requant.zero,
            APFloat(ep->multiply), ki::Activation(ep->activation),
            ep->residual >= 0 ? ep->residual + element * 4 : -1,
            ArrayRef<int64_t>(ep->table), APFloat(ep->alpha));
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
  if (match->leakyAlpha > 0) {
    e.activation = 3;
    e.alpha = match->leakyAlpha;
  }
  if (match->floorBefore)
    e.lo = *match->floorBefore;
  if (match->requantize)
    e.requant = requantization(match->requantize, n);
  if (LutOp lut = match->lut)
    for (int8_t v : lut.getTable().getValues<int8_t>())
      e.table.push_back(v);
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
        p.out = out->addr;
        p.outOffset = (b0 * fc + g * fg) * positions;
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
