//===- PackedWeights.cpp - constant MAC weights in the array's layout -----===//

#include "kite/Dialect/Kite/IR/PackedWeights.h"
#include "kite/Numerics/NMSelect.h"
#include "kite/Runtime/Isa.h"

#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace kite;

int64_t WeightLayout::valueRows(NMAttr nm) const {
  return nm ? llvm::divideCeil(k, nm.getM()) * nm.getN() : k;
}

int64_t WeightLayout::indexBytes(NMAttr nm) const {
  return nm ? valueRows(nm) * rt::nmIndexRowBytes(n, nm.getM()) : 0;
}

std::optional<WeightLayout> kite::weightLayout(ArrayRef<int64_t> shape,
                                               bool filter, int64_t groups) {
  if (filter) {
    if (shape.size() != 4 || groups < 1 || shape[0] % groups)
      return std::nullopt;
    return WeightLayout{groups, shape[1] * shape[2] * shape[3],
                        shape[0] / groups, true};
  }
  if (shape.size() < 2)
    return std::nullopt;
  return WeightLayout{ShapedType::getNumElements(shape.drop_back(2)),
                      shape[shape.size() - 2], shape.back(), false};
}

std::vector<int64_t> kite::weightCodes(DenseElementsAttr attr, Type element) {
  std::vector<int64_t> codes;
  codes.reserve(size_t(attr.getNumElements()));
  bool isLP = isa<LPType>(element);
  for (const APInt &v : attr.getValues<APInt>())
    codes.push_back(isLP ? int64_t(v.getZExtValue()) : v.getSExtValue());
  return codes;
}

namespace {
/// Position in the tensor's own row-major order of row `r`, column `j` of
/// matrix `g`.
int64_t tensorIndex(const WeightLayout &l, int64_t g, int64_t r, int64_t j) {
  if (l.filter)
    return (g * l.n + j) * l.k + r;
  return (g * l.k + r) * l.n + j;
}
} // namespace

PackedWeights kite::packWeights(ArrayRef<int64_t> codes, const WeightLayout &l,
                                NMAttr nm, Type element) {
  PackedWeights packed;
  packed.values.assign(size_t(l.groups * l.valueBytes(nm)), 0);
  if (!nm) {
    for (int64_t g = 0; g < l.groups; ++g)
      for (int64_t r = 0; r < l.k; ++r)
        for (int64_t j = 0; j < l.n; ++j)
          packed.values[size_t((g * l.k + r) * l.n + j)] =
              int8_t(codes[size_t(tensorIndex(l, g, r, j))]);
    return packed;
  }
  std::optional<numerics::LPCodec> codec;
  if (auto lp = dyn_cast<LPType>(element))
    codec.emplace(lp.getFormat());
  auto magnitude = [&](int64_t code) {
    if (codec)
      return codec->value(uint32_t(code)).magnitude();
    return double(code < 0 ? -code : code);
  };
  int64_t keep = nm.getN(), group = nm.getM(), rows = l.valueRows(nm);
  for (int64_t g = 0; g < l.groups; ++g) {
    std::vector<uint8_t> index(size_t(rows * l.n), 0);
    int8_t *values = &packed.values[size_t(g * rows * l.n)];
    for (int64_t j = 0; j < l.n; ++j)
      for (int64_t g0 = 0; g0 < l.k; g0 += group) {
        auto at = [&](int64_t t) {
          return codes[size_t(tensorIndex(l, g, g0 + t, j))];
        };
        std::vector<int64_t> kept =
            numerics::keptInGroup(std::min(group, l.k - g0), unsigned(keep),
                                  [&](int64_t t) { return magnitude(at(t)); });
        for (auto [slot, t] : llvm::enumerate(kept)) {
          size_t dst = size_t((g0 / group * keep + int64_t(slot)) * l.n + j);
          values[dst] = int8_t(at(t));
          index[dst] = uint8_t(t);
        }
      }
    std::vector<uint8_t> bits = rt::packNMIndices(index, rows, l.n, group);
    packed.index.insert(packed.index.end(), bits.begin(), bits.end());
  }
  return packed;
}

std::vector<int64_t> kite::unpackWeights(ArrayRef<int8_t> values,
                                         ArrayRef<uint8_t> index,
                                         const WeightLayout &l, NMAttr nm,
                                         Type element) {
  std::vector<int64_t> codes(size_t(l.groups * l.k * l.n), 0);
  // Codes are stored in a byte: LP ones zero-extended, integers signed.
  auto code = [&](int8_t v) -> int64_t {
    if (auto lp = dyn_cast<LPType>(element))
      return int64_t(uint8_t(v)) & ((int64_t(1) << lp.getN()) - 1);
    return v;
  };
  int64_t rows = l.valueRows(nm);
  for (int64_t g = 0; g < l.groups; ++g)
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t j = 0; j < l.n; ++j) {
        int8_t v = values[size_t((g * rows + r) * l.n + j)];
        int64_t row = r;
        if (nm) {
          // A last group shorter than N leaves its last slots unused.
          int64_t group0 = r / nm.getN() * nm.getM();
          if (r % nm.getN() >= std::min<int64_t>(nm.getM(), l.k - group0))
            continue;
          int64_t rowBytes = rt::nmIndexRowBytes(l.n, nm.getM());
          const uint8_t *bits = &index[size_t((g * rows + r) * rowBytes)];
          row = group0 + rt::nmIndexAt(bits, j, rt::nmIndexBits(nm.getM()));
        }
        codes[size_t(tensorIndex(l, g, row, j))] = code(v);
      }
  return codes;
}
