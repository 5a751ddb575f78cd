//===- KiteMacKernels.cpp - reference semantics of kite.matmul/conv2d -----===//
//
// The MAC ops, bit-exact for quantized computation: integer products go
// through the numerics library's multiplier tables (exact ones through a
// float GEMM in runs short enough to stay exact), LP products through its
// log-domain multiply and fixed-point conversion, N:M selections through
// numerics::dropAllButLastTerm. The simulator uses the same functions.
//
//===----------------------------------------------------------------------===//

#include "KernelSupport.h"

#include "kite/Dialect/Kite/IR/Kite.h"
#include "kite/Numerics/ConvWindow.h"
#include "kite/Numerics/Gemm.h"
#include "kite/Numerics/IntQuant.h"
#include "kite/Numerics/LP.h"
#include "kite/Numerics/Multipliers.h"
#include "kite/Numerics/NMSelect.h"

#include <cmath>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <optional>

using namespace mlir;
using namespace kite;
using namespace kite::interp;

const numerics::LPCodec &kite::interp::getLPCodec(LPType type) {
  return numerics::LPCodec::shared(type.getFormat());
}

namespace {
/// Fractional bits of LP products in the accumulator without a target.
constexpr int kDefaultLPAccFracBits = 16;

/// One operand of a MAC op: its element type and integer format.
struct MacOperand {
  const Tensor *t;
  Type element;
  IntFormatAttr format;
  NMAttr sparsity;

  numerics::MulOperand mulOperand() const {
    if (format)
      return {format.getBits(), format.getIsSigned()};
    return {element.getIntOrFloatBitWidth(), true};
  }
};

/// Reads an operand's stored elements as integers of its format: the
/// format's range looked up once, not per element.
class IntReader {
public:
  explicit IntReader(const MacOperand &o) : format(o.format) {
    unsigned storage = o.element.getIntOrFloatBitWidth();
    if (format && !format.getIsSigned() && storage < 64)
      mask = (int64_t(1) << storage) - 1;
    if (format) {
      lo = format.getMin();
      hi = format.getMax();
    } else if (storage < 64) {
      hi = (int64_t(1) << (storage - 1)) - 1;
      lo = -hi - 1;
    }
  }

  /// The integer value of stored element `v`, or failure if it lies
  /// outside the format.
  FailureOr<int64_t> operator()(Operation *op, int64_t v) const {
    v &= mask;
    if (format && (v < lo || v > hi))
      return op->emitOpError()
             << "operand value " << v << " is outside " << format;
    return v;
  }

  /// The largest magnitude a value can have.
  uint64_t maxMagnitude() const {
    return std::max(uint64_t(hi), lo == std::numeric_limits<int64_t>::min()
                                      ? uint64_t(1) << 63
                                      : uint64_t(-lo));
  }

private:
  IntFormatAttr format;
  int64_t mask = -1;
  int64_t lo = std::numeric_limits<int64_t>::min(),
          hi = std::numeric_limits<int64_t>::max();
};

using numerics::addExactProduct;
using numerics::exactFloatTerms;

/// Zeroes, in every row, all but the elements the N:M selection `nm` keeps
/// (numerics::keptByLastTerm: for a later term of a series, those it takes
/// from what the earlier terms left; the threshold included). Element k of
/// row r is at r * rowStride + k * kStride.
template <typename T, typename Mag>
void selectNM(std::vector<T> &values, int64_t rows, int64_t rowStride,
              int64_t k, int64_t kStride, NMAttr nm, Mag mag) {
  std::vector<numerics::NMPattern> series = nm.getSeries();
  for (int64_t r = 0; r < rows; ++r) {
    auto at = [&](int64_t j) -> T & {
      return values[size_t(r * rowStride + j * kStride)];
    };
    numerics::dropAllButLastTerm(
        k, series, [&](int64_t j) { return mag(at(j)); }, nm.getThreshold(),
        [&](int64_t j) { at(j) = T(); });
  }
}

/// Saturates to a signed `width`-bit range.
int64_t saturate(int64_t v, unsigned width) {
  if (width >= 64)
    return v;
  int64_t hi = (int64_t(1) << (width - 1)) - 1, lo = -hi - 1;
  return std::min(std::max(v, lo), hi);
}

/// LP MACs of words wider than 8 bits (no product table): each product
/// decoded, multiplied and converted to the accumulator's fixed point.
LogicalResult lpMacWide(const MacOperand &lhs, const MacOperand &rhs,
                        const numerics::LPCodec &ca,
                        const numerics::LPCodec &cw, int frac, int64_t batches,
                        int64_t m, int64_t k, int64_t n, bool rhsShared,
                        Tensor &result) {
  const int64_t lhsSize = m * k, rhsSize = k * n, outSize = m * n;
  auto magnitude = [](const numerics::LPValue &v) { return v.magnitude(); };
  for (int64_t b = 0; b < batches; ++b) {
    std::vector<numerics::LPValue> a(static_cast<size_t>(lhsSize)),
        w(static_cast<size_t>(rhsSize));
    int64_t rb = rhsShared ? 0 : b;
    for (int64_t j = 0; j < lhsSize; ++j)
      a[j] = ca.value(uint32_t(lhs.t->i[b * lhsSize + j]));
    for (int64_t j = 0; j < rhsSize; ++j)
      w[j] = cw.value(uint32_t(rhs.t->i[rb * rhsSize + j]));
    if (lhs.sparsity)
      selectNM(a, m, k, k, 1, lhs.sparsity, magnitude);
    if (rhs.sparsity)
      selectNM(w, n, 1, k, n, rhs.sparsity, magnitude);
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j) {
        int64_t acc = 0;
        bool nar = false;
        for (int64_t x = 0; x < k; ++x) {
          bool isNar = false;
          acc += numerics::lpToFixed(
              numerics::multiplyLP(a[i * k + x], w[x * n + j]), frac, &isNar);
          nar |= isNar;
        }
        float &dst = result.f[b * outSize + i * n + j];
        dst = nar ? std::numeric_limits<float>::quiet_NaN()
                  : dst + float(std::ldexp(double(acc), -frac));
      }
  }
  return success();
}

/// result[b] = lhs[b] (M x K) * rhs[b] (K x N) for `batches` batches; rhs
/// has batch stride 0 when shared. Products by element kind.
LogicalResult macBatched(Operation *op, const MacOperand &lhs,
                         const MacOperand &rhs, MultiplierAttr multiplier,
                         Type resultElement, int64_t batches, int64_t m,
                         int64_t k, int64_t n, bool rhsShared, Tensor &result) {
  const int64_t lhsSize = m * k, rhsSize = k * n, outSize = m * n;
  if (isa<FloatType>(lhs.element)) {
    auto magnitude = [](float v) { return std::fabs(v); };
    for (int64_t b = 0; b < batches; ++b) {
      std::vector<float> a(lhs.t->f.begin() + b * lhsSize,
                           lhs.t->f.begin() + (b + 1) * lhsSize);
      int64_t rb = rhsShared ? 0 : b;
      std::vector<float> w(rhs.t->f.begin() + rb * rhsSize,
                           rhs.t->f.begin() + (rb + 1) * rhsSize);
      if (lhs.sparsity)
        selectNM(a, m, k, k, 1, lhs.sparsity, magnitude);
      if (rhs.sparsity)
        selectNM(w, n, 1, k, n, rhs.sparsity, magnitude);
      numerics::gemm(m, n, k, {a.data(), k}, {w.data(), n},
                     result.f.data() + b * outSize, n, /*accumulate=*/true);
    }
    return success();
  }
  if (auto lpA = dyn_cast<LPType>(lhs.element)) {
    auto lpW = cast<LPType>(rhs.element);
    const numerics::LPCodec &ca = getLPCodec(lpA), &cw = getLPCodec(lpW);
    TargetAttr target = lookupTarget(op);
    int frac = target ? int(target.getLpAccFracBits()) : kDefaultLPAccFracBits;
    if (ca.format().n > 8 || cw.format().n > 8)
      return lpMacWide(lhs, rhs, ca, cw, frac, batches, m, k, n, rhsShared,
                       result);
    const numerics::LPProductTable &table =
        numerics::LPProductTable::shared(ca, cw, frac);
    // 2^-frac: scaling by it is exact, as ldexp is, and cheaper.
    const double unit = std::ldexp(1.0, -frac);
    auto magnitude = [](const numerics::LPCodec &codec) {
      return [&codec](uint8_t code) { return codec.value(code).magnitude(); };
    };
    std::vector<int64_t> acc(size_t(m * n));
    std::vector<uint8_t> nar(size_t(m * n));
    for (int64_t b = 0; b < batches; ++b) {
      // Words (their low 8 bits index the product table; code 0 is zero,
      // what the N:M selection leaves).
      std::vector<uint8_t> a(static_cast<size_t>(lhsSize)),
          w(static_cast<size_t>(rhsSize));
      int64_t rb = rhsShared ? 0 : b;
      for (int64_t j = 0; j < lhsSize; ++j)
        a[j] = uint8_t(lhs.t->i[b * lhsSize + j] & ca.mask());
      for (int64_t j = 0; j < rhsSize; ++j)
        w[j] = uint8_t(rhs.t->i[rb * rhsSize + j] & cw.mask());
      if (lhs.sparsity)
        selectNM(a, m, k, k, 1, lhs.sparsity, magnitude(ca));
      if (rhs.sparsity)
        selectNM(w, n, 1, k, n, rhs.sparsity, magnitude(cw));
      std::fill(acc.begin(), acc.end(), 0);
      std::fill(nar.begin(), nar.end(), 0);
      table.accumulate(m, k, n, a.data(), w.data(), acc.data(), nar.data());
      for (int64_t idx = 0; idx < m * n; ++idx) {
        float &dst = result.f[b * outSize + idx];
        dst = nar[size_t(idx)] ? std::numeric_limits<float>::quiet_NaN()
                               : dst + float(double(acc[size_t(idx)]) * unit);
      }
    }
    return success();
  }
  // Integers.
  const numerics::Multiplier *table = nullptr;
  if (multiplier && multiplier.getName() != "exact") {
    std::string error;
    table = numerics::Multiplier::shared(multiplier.getName(), lhs.mulOperand(),
                                         rhs.mulOperand(), &error);
    if (!table)
      return op->emitOpError() << error;
  }
  unsigned width = resultElement.getIntOrFloatBitWidth();
  auto magnitude = [](int64_t v) { return v < 0 ? -v : v; };
  IntReader readA(lhs), readW(rhs);
  int64_t terms =
      table ? 0 : exactFloatTerms(readA.maxMagnitude(), readW.maxMagnitude());
  for (int64_t b = 0; b < batches; ++b) {
    std::vector<int64_t> a(static_cast<size_t>(lhsSize)),
        w(static_cast<size_t>(rhsSize));
    int64_t rb = rhsShared ? 0 : b;
    for (int64_t j = 0; j < lhsSize; ++j) {
      FailureOr<int64_t> v = readA(op, lhs.t->i[b * lhsSize + j]);
      if (failed(v))
        return failure();
      a[j] = *v;
    }
    for (int64_t j = 0; j < rhsSize; ++j) {
      FailureOr<int64_t> v = readW(op, rhs.t->i[rb * rhsSize + j]);
      if (failed(v))
        return failure();
      w[j] = *v;
    }
    if (lhs.sparsity)
      selectNM(a, m, k, k, 1, lhs.sparsity, magnitude);
    if (rhs.sparsity)
      selectNM(w, n, 1, k, n, rhs.sparsity, magnitude);
    std::vector<int64_t> acc(size_t(m * n), 0);
    if (terms > 0) {
      // Exact products: a float GEMM per run of `terms` reduction steps,
      // each exact, summed in int64 (bit for bit the loop below, ~50x
      // faster on a ResNet's convolutions).
      std::vector<float> fa(a.begin(), a.end()), fw(w.begin(), w.end());
      addExactProduct(m, n, k, {fa.data(), k}, {fw.data(), n}, terms,
                      acc.data());
    } else if (table) {
      // Approximate products from the multiplier's table by operand byte,
      // with the simulator's kernels (32-bit sums where they fit).
      std::vector<uint8_t> a8(a.begin(), a.end()), w8(w.begin(), w.end());
      table->accumulate(m, k, n, a8.data(), w8.data(), acc.data());
    } else {
      // Row by row, so each product row reads a contiguous weight row.
      for (int64_t i = 0; i < m; ++i)
        for (int64_t x = 0; x < k; ++x) {
          int64_t av = a[size_t(i * k + x)];
          const int64_t *wRow = w.data() + x * n;
          int64_t *accRow = acc.data() + i * n;
          for (int64_t j = 0; j < n; ++j)
            accRow[j] += av * wRow[j];
        }
    }
    for (int64_t idx = 0; idx < m * n; ++idx) {
      int64_t &dst = result.i[b * outSize + idx];
      dst = saturate(dst + acc[size_t(idx)], width);
    }
  }
  return success();
}

/// A result tensor initialised from the accumulator operand (or zero).
Tensor initResult(RankedTensorType type, const Tensor *acc) {
  if (acc)
    return *acc;
  return isa<FloatType>(type.getElementType()) ? Tensor::floats(type.getShape())
                                               : Tensor::ints(type.getShape());
}

LogicalResult matmulKernel(Operation *o, ArrayRef<const Tensor *> in,
                           SmallVectorImpl<Tensor> &out) {
  auto op = cast<MatmulOp>(o);
  auto lhsType = op.getLhs().getType(), rhsType = op.getRhs().getType();
  auto resultType = op.getResult().getType();
  MacOperand lhs{in[0], lhsType.getElementType(), op.getLhsFormatAttr(),
                 op.getLhsSparsityAttr()};
  MacOperand rhs{in[1], rhsType.getElementType(), op.getRhsFormatAttr(),
                 op.getRhsSparsityAttr()};
  ArrayRef<int64_t> ls = in[0]->shape;
  int64_t m = ls[ls.size() - 2], k = ls.back(), n = in[1]->shape.back();
  int64_t batches = numElements(ls.drop_back(2));
  Tensor result = initResult(resultType, op.getAcc() ? in[2] : nullptr);
  if (failed(macBatched(o, lhs, rhs, op.getMultiplierAttr(),
                        resultType.getElementType(), batches, m, k, n,
                        rhsType.getRank() == 2, result)))
    return failure();
  out.push_back(std::move(result));
  return success();
}

/// kite.conv2d on integer products without run-time activation selection:
/// per image and group, exact products as one float GEMM filter (N x K) x
/// patches^T per run of the reduction short enough to be exact, approximate
/// ones from the multiplier's byte table over the im2col of the input's
/// bytes; written straight to NCHW. The input is read and checked, and the
/// filter read (and its N:M selection made), once per call, not per patch.
/// Bit for bit the general path; nullopt when the operands need it.
std::optional<LogicalResult> intConv2d(Conv2DOp op, const Tensor &x,
                                       const Tensor &f,
                                       const numerics::ConvWindow &window,
                                       Tensor &result) {
  if (x.isFloat || isa<LPType>(op.getInput().getType().getElementType()) ||
      op.getInputSparsityAttr())
    return std::nullopt;
  MacOperand xs{&x,
                op.getInput().getType().getElementType(),
                op.getInputFormatAttr(),
                {}};
  MacOperand fs{&f,
                op.getFilter().getType().getElementType(),
                op.getFilterFormatAttr(),
                {}};
  IntReader readX(xs), readF(fs);
  const numerics::Multiplier *table = nullptr;
  if (MultiplierAttr multiplier = op.getMultiplierAttr();
      multiplier && multiplier.getName() != "exact") {
    std::string error;
    table = numerics::Multiplier::shared(multiplier.getName(), xs.mulOperand(),
                                         fs.mulOperand(), &error);
    if (!table)
      return LogicalResult(op.emitOpError() << error);
  }
  int64_t terms =
      table ? 0 : exactFloatTerms(readX.maxMagnitude(), readF.maxMagnitude());
  if (!table && terms == 0)
    return std::nullopt;
  int64_t batch = x.shape[0], c = x.shape[1], plane = x.shape[2] * x.shape[3];
  int64_t fc = f.shape[0], cg = f.shape[1], ck = cg * f.shape[2] * f.shape[3];
  int64_t groups = op.getGroups(), fg = fc / groups,
          positions = window.oh * window.ow;
  unsigned width = op.getResult().getType().getElementTypeBitWidth();
  // Exact products read floats, approximate ones operand bytes.
  std::vector<float> xf(table ? 0 : x.i.size()), patches;
  std::vector<uint8_t> x8(table ? x.i.size() : 0), patches8, w8;
  for (size_t j = 0; j < x.i.size(); ++j) {
    FailureOr<int64_t> v = readX(op, x.i[j]);
    if (failed(v))
      return failure();
    if (table)
      x8[j] = uint8_t(*v);
    else
      xf[j] = float(*v);
  }
  if (table)
    patches8.resize(size_t(positions * ck));
  else
    patches.resize(size_t(positions * ck));
  auto magnitude = [](int64_t v) { return v < 0 ? -v : v; };
  std::vector<int64_t> acc(size_t(fg * positions));
  for (int64_t g = 0; g < groups; ++g) {
    // The group's filters, one row of K each, as stored: N:M selection
    // keeps the same elements of a filter in this layout as in K x N.
    std::vector<int64_t> w(size_t(fg * ck));
    for (int64_t j = 0; j < fg * ck; ++j) {
      FailureOr<int64_t> v = readF(op, f.i[g * fg * ck + j]);
      if (failed(v))
        return failure();
      w[size_t(j)] = *v;
    }
    if (NMAttr nm = op.getFilterSparsityAttr())
      selectNM(w, fg, ck, ck, 1, nm, magnitude);
    std::vector<float> filter(table ? 0 : w.size());
    if (table) {
      // K x N bytes: the table takes activations as its left operand.
      w8.resize(w.size());
      for (int64_t col = 0; col < fg; ++col)
        for (int64_t row = 0; row < ck; ++row)
          w8[size_t(row * fg + col)] = uint8_t(w[size_t(col * ck + row)]);
    } else {
      std::copy(w.begin(), w.end(), filter.begin());
    }
    for (int64_t b = 0; b < batch; ++b) {
      int64_t image = (b * c + g * cg) * plane;
      int64_t *dst = result.i.data() + (b * fc + g * fg) * positions;
      std::fill(acc.begin(), acc.end(), 0);
      // The general path saturates the group's sum, then the total.
      auto add = [&](int64_t at, int64_t sum) {
        dst[at] = saturate(dst[at] + saturate(sum, width), width);
      };
      if (table) {
        window.im2col(x8.data() + image, cg, patches8.data());
        table->accumulate(positions, ck, fg, patches8.data(), w8.data(),
                          acc.data());
        for (int64_t pos = 0; pos < positions; ++pos)
          for (int64_t col = 0; col < fg; ++col)
            add(col * positions + pos, acc[size_t(pos * fg + col)]);
        continue;
      }
      window.im2col(xf.data() + image, cg, patches.data());
      addExactProduct(fg, positions, ck, {filter.data(), ck},
                      {patches.data(), ck, true}, terms, acc.data());
      for (int64_t idx = 0; idx < fg * positions; ++idx)
        add(idx, acc[size_t(idx)]);
    }
  }
  return success();
}

/// kite.conv2d on LP words of up to 8 bits without run-time activation
/// selection: per image and group the im2col of the input's codes times
/// the group's filter codes through the product table, added straight to
/// the NCHW result; the codes (and the filter's N:M selection) are taken
/// once per call. Bit for bit the general path.
std::optional<LogicalResult> lpConv2d(Conv2DOp op, const Tensor &x,
                                      const Tensor &f,
                                      const numerics::ConvWindow &window,
                                      Tensor &result) {
  auto lpX = dyn_cast<LPType>(op.getInput().getType().getElementType());
  auto lpF = dyn_cast<LPType>(op.getFilter().getType().getElementType());
  if (!lpX || !lpF || op.getInputSparsityAttr() || !result.isFloat)
    return std::nullopt;
  const numerics::LPCodec &cx = getLPCodec(lpX), &cf = getLPCodec(lpF);
  if (cx.format().n > 8 || cf.format().n > 8)
    return std::nullopt;
  TargetAttr target = lookupTarget(op);
  int frac = target ? int(target.getLpAccFracBits()) : kDefaultLPAccFracBits;
  const numerics::LPProductTable &table =
      numerics::LPProductTable::shared(cx, cf, frac);
  const double unit = std::ldexp(1.0, -frac);
  int64_t batch = x.shape[0], c = x.shape[1], plane = x.shape[2] * x.shape[3];
  int64_t fc = f.shape[0], cg = f.shape[1], ck = cg * f.shape[2] * f.shape[3];
  int64_t groups = op.getGroups(), fg = fc / groups,
          positions = window.oh * window.ow;
  std::vector<uint8_t> codes(x.i.size());
  for (size_t j = 0; j < x.i.size(); ++j)
    codes[j] = uint8_t(x.i[j] & cx.mask());
  auto magnitude = [&cf](uint8_t code) { return cf.value(code).magnitude(); };
  std::vector<uint8_t> patches(size_t(positions * ck)), rows(size_t(fg * ck)),
      w(size_t(ck * fg)), nar(size_t(positions * fg));
  std::vector<int64_t> acc(size_t(positions * fg));
  for (int64_t g = 0; g < groups; ++g) {
    // The group's filters as stored (one row of K each) for the N:M
    // selection, then as K x N for the product.
    for (int64_t j = 0; j < fg * ck; ++j)
      rows[size_t(j)] = uint8_t(f.i[g * fg * ck + j] & cf.mask());
    if (NMAttr nm = op.getFilterSparsityAttr())
      selectNM(rows, fg, ck, ck, 1, nm, magnitude);
    for (int64_t col = 0; col < fg; ++col)
      for (int64_t row = 0; row < ck; ++row)
        w[size_t(row * fg + col)] = rows[size_t(col * ck + row)];
    for (int64_t b = 0; b < batch; ++b) {
      window.im2col(codes.data() + (b * c + g * cg) * plane, cg,
                    patches.data());
      std::fill(acc.begin(), acc.end(), 0);
      std::fill(nar.begin(), nar.end(), 0);
      table.accumulate(positions, ck, fg, patches.data(), w.data(), acc.data(),
                       nar.data());
      float *dst = result.f.data() + (b * fc + g * fg) * positions;
      for (int64_t pos = 0; pos < positions; ++pos)
        for (int64_t col = 0; col < fg; ++col) {
          size_t at = size_t(pos * fg + col);
          dst[col * positions + pos] +=
              nar[at] ? std::numeric_limits<float>::quiet_NaN()
                      : float(double(acc[at]) * unit);
        }
    }
  }
  return success();
}

/// kite.conv2d in float without run-time activation selection: per group
/// one GEMM filter (N x K) x columns (K x positions) per image, accumulated
/// straight into the NCHW result.
bool floatConv2d(Conv2DOp op, const Tensor &x, const Tensor &f,
                 const numerics::ConvWindow &window, Tensor &result) {
  if (!x.isFloat || !result.isFloat || op.getInputSparsityAttr())
    return false;
  int64_t batch = x.shape[0], c = x.shape[1], plane = x.shape[2] * x.shape[3];
  int64_t fc = f.shape[0], cg = f.shape[1], ck = cg * f.shape[2] * f.shape[3];
  int64_t groups = op.getGroups(), fg = fc / groups,
          positions = window.oh * window.ow;
  std::vector<float> columns(size_t(ck * positions));
  for (int64_t g = 0; g < groups; ++g) {
    // One row of K per filter, as stored: N:M selection keeps the same
    // elements of a filter in this layout as in K x N.
    std::vector<float> w(f.f.begin() + g * fg * ck,
                         f.f.begin() + (g + 1) * fg * ck);
    if (NMAttr nm = op.getFilterSparsityAttr())
      selectNM(w, fg, ck, ck, 1, nm, [](float v) { return std::fabs(v); });
    for (int64_t b = 0; b < batch; ++b) {
      window.im2colTransposed(x.f.data() + (b * c + g * cg) * plane, cg,
                              columns.data());
      numerics::gemm(fg, positions, ck, {w.data(), ck},
                     {columns.data(), positions},
                     result.f.data() + (b * fc + g * fg) * positions, positions,
                     /*accumulate=*/true);
    }
  }
  return true;
}

LogicalResult conv2dKernel(Operation *o, ArrayRef<const Tensor *> in,
                           SmallVectorImpl<Tensor> &out) {
  auto op = cast<Conv2DOp>(o);
  const Tensor &x = *in[0], &f = *in[1];
  auto resultType = op.getResult().getType();
  int64_t batch = x.shape[0], c = x.shape[1], ih = x.shape[2], iw = x.shape[3];
  int64_t fc = f.shape[0], cg = f.shape[1], kh = f.shape[2], kw = f.shape[3];
  int64_t oh = resultType.getDimSize(2), ow = resultType.getDimSize(3);
  int64_t groups = op.getGroups(), fg = fc / groups, ck = cg * kh * kw;
  ArrayRef<int64_t> stride = op.getStrides(), pad = op.getPads(),
                    dil = op.getDilations();
  numerics::ConvWindow window{ih,        iw,        kh,     kw,
                              stride[0], stride[1], pad[0], pad[1],
                              dil[0],    dil[1],    oh,     ow};
  Type inElem = op.getInput().getType().getElementType();
  Type fElem = op.getFilter().getType().getElementType();
  bool isFloat = x.isFloat;
  const Tensor *acc = op.getAcc() ? in[op.getBias() ? 3 : 2] : nullptr;
  Tensor result = initResult(resultType, acc);
  unsigned width =
      result.isFloat ? 0 : resultType.getElementType().getIntOrFloatBitWidth();
  std::optional<LogicalResult> exact =
      floatConv2d(op, x, f, window, result)
          ? success()
          : intConv2d(op, x, f, window, result);
  if (!exact)
    exact = lpConv2d(op, x, f, window, result);
  if (exact && failed(*exact))
    return failure();
  // Without a fast path: every group through macBatched.
  for (int64_t g = 0; g < groups && !exact; ++g) {
    // Filter of the group as K x N: (c, kh, kw) rows, one column a filter.
    Tensor w = isFloat ? Tensor::floats({ck, fg}) : Tensor::ints({ck, fg});
    for (int64_t col = 0; col < fg; ++col)
      for (int64_t row = 0; row < ck; ++row) {
        int64_t src = (g * fg + col) * ck + row;
        if (isFloat)
          w.f[row * fg + col] = f.f[src];
        else
          w.i[row * fg + col] = f.i[src];
      }
    for (int64_t b = 0; b < batch; ++b) {
      // im2col: one row per output position; padding reads zero (integer
      // zero and LP code 0 are both zero).
      Tensor patches =
          isFloat ? Tensor::floats({oh * ow, ck}) : Tensor::ints({oh * ow, ck});
      int64_t image = (b * c + g * cg) * ih * iw;
      if (isFloat)
        window.im2col(x.f.data() + image, cg, patches.f.data());
      else
        window.im2col(x.i.data() + image, cg, patches.i.data());
      Tensor part = isa<FloatType>(resultType.getElementType())
                        ? Tensor::floats({oh * ow, fg})
                        : Tensor::ints({oh * ow, fg});
      MacOperand lhs{&patches, inElem, op.getInputFormatAttr(),
                     op.getInputSparsityAttr()};
      MacOperand rhs{&w, fElem, op.getFilterFormatAttr(),
                     op.getFilterSparsityAttr()};
      if (failed(macBatched(o, lhs, rhs, op.getMultiplierAttr(),
                            resultType.getElementType(), 1, oh * ow, ck, fg,
                            true, part)))
        return failure();
      for (int64_t pos = 0; pos < oh * ow; ++pos)
        for (int64_t col = 0; col < fg; ++col) {
          int64_t dst = (b * fc + g * fg + col) * oh * ow + pos;
          if (result.isFloat)
            result.f[dst] += part.f[pos * fg + col];
          else
            result.i[dst] =
                saturate(result.i[dst] + part.i[pos * fg + col], width);
        }
    }
  }
  if (op.getBias()) {
    const Tensor &bias = *in[2];
    int64_t positions = oh * ow;
    for (int64_t plane = 0; plane < batch * fc; ++plane) {
      int64_t ch = plane % fc, first = plane * positions;
      if (result.isFloat) {
        // The bias read once: through the tensor the loop would not
        // vectorize (the compiler cannot rule out aliasing).
        float add = bias.f[ch], *dst = result.f.data() + first;
        for (int64_t idx = 0; idx < positions; ++idx)
          dst[idx] += add;
      } else {
        for (int64_t idx = first; idx < first + positions; ++idx)
          result.i[idx] = saturate(result.i[idx] + bias.i[ch], width);
      }
    }
  }
  out.push_back(std::move(result));
  return success();
}

} // namespace

void kite::interp::registerKiteMacKernels(Interpreter &interp) {
  interp.registerKernel("kite.matmul", matmulKernel);
  interp.registerKernel("kite.conv2d", conv2dKernel);
}
