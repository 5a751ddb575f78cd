//===- OffsetProducts.cpp - products from a table indexed by a sum --------===//
//
// The inner loop of LP matrix products in the simulator and the
// interpreter: one table read per product. GCC 12 as Debian ships it never
// emits gather instructions on its own (its tuning turns them off on every
// CPU since the Downfall microcode), so the AVX2 and AVX-512 kernels gather
// by intrinsics, chosen once at run time by the CPU's features; the plain
// loop is the fallback and the reference.
//
//===----------------------------------------------------------------------===//

#include "kite/Numerics/Gemm.h"

#include <immintrin.h>

#include <algorithm>
#include <vector>

using namespace kite::numerics;

namespace {
/// One output row's reduction steps that read the table: step c reads it
/// from base[c], at the weight offsets that start at cols + colAt[c] (the
/// gathers) or by the weight codes at codes + colAt[c] (the permutes).
struct RowSteps {
  int64_t count;
  const int32_t *base;
  const int64_t *colAt;
  const uint16_t *cols;
  const uint8_t *codes;
  const int32_t *table;
};

/// 32-bit sums of `Cols` columns from j0, added to out[j0...].
template <int64_t Cols>
inline __attribute__((always_inline)) void sumsPlain(const RowSteps &s,
                                                     int64_t j0, int64_t *out) {
  int32_t sums[Cols] = {};
  for (int64_t c = 0; c < s.count; ++c) {
    const int32_t *row = s.table + s.base[c];
    const uint16_t *wrow = s.cols + s.colAt[c] + j0;
    for (int64_t j = 0; j < Cols; ++j)
      sums[j] += row[wrow[j]];
  }
  for (int64_t j = 0; j < Cols; ++j)
    out[j0 + j] += sums[j];
}

__attribute__((target("avx2"))) inline void sums8(const RowSteps &s, int64_t j0,
                                                  int64_t *out) {
  __m256i sums = _mm256_setzero_si256();
  for (int64_t c = 0; c < s.count; ++c) {
    __m128i offsets = _mm_loadu_si128(
        reinterpret_cast<const __m128i *>(s.cols + s.colAt[c] + j0));
    sums = _mm256_add_epi32(
        sums, _mm256_i32gather_epi32(s.table + s.base[c],
                                     _mm256_cvtepu16_epi32(offsets), 4));
  }
  alignas(32) int32_t lanes[8];
  _mm256_store_si256(reinterpret_cast<__m256i *>(lanes), sums);
  for (int64_t j = 0; j < 8; ++j)
    out[j0 + j] += lanes[j];
}

__attribute__((target("avx512f"))) inline void
sums16(const RowSteps &s, int64_t j0, int64_t *out) {
  __m512i sums = _mm512_setzero_si512();
  for (int64_t c = 0; c < s.count; ++c) {
    __m256i offsets = _mm256_loadu_si256(
        reinterpret_cast<const __m256i *>(s.cols + s.colAt[c] + j0));
    // The masked forms: the plain ones start from GCC's "undefined" vector,
    // which -Wmaybe-uninitialized flags.
    __m512i index = _mm512_maskz_cvtepu16_epi32(0xffff, offsets);
    sums = _mm512_add_epi32(
        sums, _mm512_mask_i32gather_epi32(_mm512_setzero_si512(), 0xffff, index,
                                          s.table + s.base[c], 4));
  }
  alignas(64) int32_t lanes[16];
  _mm512_store_si512(lanes, sums);
  for (int64_t j = 0; j < 16; ++j)
    out[j0 + j] += lanes[j];
}

void rowPlain(const RowSteps &s, int64_t n, int64_t *out) {
  int64_t j0 = 0;
  for (; j0 + 16 <= n; j0 += 16)
    sumsPlain<16>(s, j0, out);
  for (; j0 + 8 <= n; j0 += 8)
    sumsPlain<8>(s, j0, out);
  for (; j0 < n; ++j0)
    sumsPlain<1>(s, j0, out);
}

__attribute__((target("avx2"))) void rowAvx2(const RowSteps &s, int64_t n,
                                             int64_t *out) {
  int64_t j0 = 0;
  for (; j0 + 8 <= n; j0 += 8)
    sums8(s, j0, out);
  for (; j0 < n; ++j0)
    sumsPlain<1>(s, j0, out);
}

__attribute__((target("avx512f,avx2"))) void
rowAvx512(const RowSteps &s, int64_t n, int64_t *out) {
  int64_t j0 = 0;
  for (; j0 + 16 <= n; j0 += 16)
    sums16(s, j0, out);
  for (; j0 + 8 <= n; j0 += 8)
    sums8(s, j0, out);
  for (; j0 < n; ++j0)
    sumsPlain<1>(s, j0, out);
}

/// The products of one activation code with 16 weights: the code's row of
/// 2^Bits products sits in 2^Bits / 16 registers, and each lane picks its
/// weight's by the code's low Bits bits (one permute per 32 entries, then
/// blends by bits 5 and 6): a few instructions where a gather is one slow
/// one.
template <unsigned Bits>
__attribute__((target("avx512f,avx512bw,avx512vl"))) inline __m512i
pickProducts(const __m512i *row, __m512i idx) {
  static_assert(Bits >= 5 && Bits <= 7, "2, 4 or 8 registers");
  constexpr int kParts = 1 << (Bits - 5);
  __m512i part[kParts];
  for (int r = 0; r < kParts; ++r)
    part[r] = _mm512_permutex2var_epi32(row[2 * r], idx, row[2 * r + 1]);
  if constexpr (Bits >= 6) {
    __mmask16 bit5 = _mm512_test_epi32_mask(idx, _mm512_set1_epi32(32));
    for (int r = 0; r < kParts / 2; ++r)
      part[r] = _mm512_mask_blend_epi32(bit5, part[2 * r], part[2 * r + 1]);
  }
  if constexpr (Bits == 7) {
    __mmask16 bit6 = _mm512_test_epi32_mask(idx, _mm512_set1_epi32(64));
    part[0] = _mm512_mask_blend_epi32(bit6, part[0], part[1]);
  }
  return part[0];
}

/// Columns [j0, j0 + 16 * Blocks) of a row (the last block holding
/// `lastLive` of them), by permutes from s.table + s.base[c] (2^Bits
/// products per step): each step's products are loaded into registers once
/// and serve every block, whose sums stay in registers too.
template <unsigned Bits, int Blocks>
__attribute__((target("avx512f,avx512bw,avx512vl"))) void
permuteBlocks(const RowSteps &s, int64_t j0, __mmask16 lastLive, int64_t *out) {
  constexpr int kRegs = 1 << (Bits - 4);
  __m512i sums[Blocks];
  for (int b = 0; b < Blocks; ++b)
    sums[b] = _mm512_setzero_si512();
  for (int64_t c = 0; c < s.count; ++c) {
    const int32_t *products = s.table + s.base[c];
    __m512i row[kRegs];
    for (int r = 0; r < kRegs; ++r)
      row[r] = _mm512_loadu_si512(products + 16 * r);
    const uint8_t *codes = s.codes + s.colAt[c] + j0;
    for (int b = 0; b < Blocks; ++b) {
      __mmask16 live = b == Blocks - 1 ? lastLive : __mmask16(0xffff);
      __m512i idx = _mm512_maskz_cvtepu8_epi32(
          0xffff, _mm_maskz_loadu_epi8(live, codes + 16 * b));
      sums[b] = _mm512_add_epi32(sums[b], pickProducts<Bits>(row, idx));
    }
  }
  alignas(64) int32_t lanes[16];
  for (int b = 0; b < Blocks; ++b) {
    _mm512_store_si512(lanes, sums[b]);
    __mmask16 live = b == Blocks - 1 ? lastLive : __mmask16(0xffff);
    for (int64_t j = 0; j < 16 && (live >> j & 1); ++j)
      out[j0 + 16 * b + j] += lanes[j];
  }
}

/// A row by permutes, up to 128 columns (8 blocks of sums) per pass.
template <unsigned Bits>
__attribute__((target("avx512f,avx512bw,avx512vl"))) void
rowPermute(const RowSteps &s, int64_t n, int64_t *out) {
  using Pass = void (*)(const RowSteps &, int64_t, __mmask16, int64_t *);
  static constexpr Pass kPasses[8] = {
      permuteBlocks<Bits, 1>, permuteBlocks<Bits, 2>, permuteBlocks<Bits, 3>,
      permuteBlocks<Bits, 4>, permuteBlocks<Bits, 5>, permuteBlocks<Bits, 6>,
      permuteBlocks<Bits, 7>, permuteBlocks<Bits, 8>};
  for (int64_t j0 = 0; j0 < n; j0 += 128) {
    int64_t cols = std::min<int64_t>(128, n - j0), blocks = (cols + 15) / 16,
            tail = cols - 16 * (blocks - 1);
    kPasses[blocks - 1](
        s, j0, tail == 16 ? __mmask16(0xffff) : __mmask16((1u << tail) - 1),
        out);
  }
}

using RowKernel = void (*)(const RowSteps &, int64_t, int64_t *);

/// The widest kernel family the CPU runs, no wider than `kernel`. The
/// AVX-512 family needs BW and VL too (byte loads under a mask).
OffsetKernel widest(OffsetKernel kernel) {
  static const OffsetKernel best = [] {
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") &&
        __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512vl"))
      return OffsetKernel::Avx512;
    if (__builtin_cpu_supports("avx2"))
      return OffsetKernel::Avx2;
    return OffsetKernel::Plain;
  }();
  return kernel == OffsetKernel::Best || kernel > best ? best : kernel;
}
} // namespace

OffsetProducts OffsetProducts::fullTable(std::vector<int32_t> table) {
  OffsetProducts p;
  p.table = std::move(table);
  for (unsigned x = 0; x < 256; ++x) {
    p.rowOf[x] = uint16_t(x << 8);
    p.colOf[x] = uint16_t(x);
    const int32_t *row = p.table.data() + (x << 8);
    p.zeroRow[x] = std::all_of(row, row + 256, [](int32_t v) { return !v; });
  }
  return p;
}

bool OffsetProducts::setColumnBits(unsigned bits) {
  if (bits < 1 || bits > 7)
    return false;
  unsigned mask = (1u << bits) - 1;
  for (unsigned x = 0; x < 256; ++x)
    for (unsigned y = 0; y < 256 && !zeroRow[x]; ++y)
      if (table[rowOf[x] + colOf[y]] != table[rowOf[x] + colOf[y & mask]])
        return false;
  rowBits = std::max(bits, 5u);
  byRow.assign(size_t(256) << rowBits, 0);
  for (unsigned x = 0; x < 256; ++x)
    for (unsigned l = 0; l < (1u << rowBits); ++l)
      byRow[x << rowBits | l] = table[rowOf[x] + colOf[l & mask]];
  return true;
}

void kite::numerics::addOffsetProducts(int64_t m, int64_t k, int64_t n,
                                       const uint8_t *a, const uint8_t *w,
                                       const OffsetProducts &products,
                                       int64_t *out, OffsetKernel kernel) {
  kernel = widest(kernel);
  bool permute = kernel == OffsetKernel::Avx512 && products.rowBits;
  RowKernel row = kernel == OffsetKernel::Plain  ? rowPlain
                  : kernel == OffsetKernel::Avx2 ? rowAvx2
                  : !permute                     ? rowAvx512
                  : products.rowBits == 5        ? rowPermute<5>
                  : products.rowBits == 6        ? rowPermute<6>
                                                 : rowPermute<7>;
  // The gathers' weight offsets once per call, 16-bit: a gather's indices
  // are half a cache line. The permutes read the codes as they are.
  std::vector<uint16_t> cols(permute ? 0 : static_cast<size_t>(k * n));
  for (size_t e = 0; e < cols.size(); ++e)
    cols[e] = products.colOf[w[e]];
  const int32_t *table =
      permute ? products.byRow.data() : products.table.data();
  std::vector<int32_t> base(static_cast<size_t>(k));
  std::vector<int64_t> colAt(static_cast<size_t>(k));
  for (int64_t i = 0; i < m; ++i) {
    // The steps whose activation is not zero, without a branch: after a
    // ReLU about half of them are, at random.
    int64_t count = 0;
    for (int64_t t = 0; t < k; ++t) {
      uint8_t code = a[i * k + t];
      base[size_t(count)] =
          permute ? int32_t(code) << products.rowBits : products.rowOf[code];
      colAt[size_t(count)] = t * n;
      count += !products.zeroRow[code];
    }
    row({count, base.data(), colAt.data(), cols.data(), w, table}, n,
        out + i * n);
  }
}
