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
/// from base[c], at the weight offsets that start at cols + colAt[c].
struct RowSteps {
  int64_t count;
  const int32_t *base;
  const int64_t *colAt;
  const uint16_t *cols;
  const int32_t *table;
};

/// 32-bit sums of `Cols` columns from j0, added to out[j0...].
template <int64_t Cols>
inline __attribute__((always_inline)) void
sumsPlain(const RowSteps &s, int64_t j0, int64_t *out) {
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

__attribute__((target("avx2"))) inline void sums8(const RowSteps &s,
                                                   int64_t j0, int64_t *out) {
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
        sums, _mm512_mask_i32gather_epi32(_mm512_setzero_si512(), 0xffff,
                                          index, s.table + s.base[c], 4));
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

using RowKernel = void (*)(const RowSteps &, int64_t, int64_t *);

RowKernel rowKernel(OffsetKernel kernel) {
  static const OffsetKernel best = [] {
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f"))
      return OffsetKernel::Avx512;
    if (__builtin_cpu_supports("avx2"))
      return OffsetKernel::Avx2;
    return OffsetKernel::Plain;
  }();
  if (kernel == OffsetKernel::Best || kernel > best)
    kernel = best;
  switch (kernel) {
  case OffsetKernel::Avx512:
    return rowAvx512;
  case OffsetKernel::Avx2:
    return rowAvx2;
  default:
    return rowPlain;
  }
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

void kite::numerics::addOffsetProducts(int64_t m, int64_t k, int64_t n,
                                       const uint8_t *a, const uint8_t *w,
                                       const OffsetProducts &products,
                                       int64_t *out, OffsetKernel kernel) {
  RowKernel row = rowKernel(kernel);
  // The weights' offsets once per call, 16-bit: a gather's indices are half
  // a cache line.
  std::vector<uint16_t> cols(static_cast<size_t>(k * n));
  for (size_t e = 0; e < cols.size(); ++e)
    cols[e] = products.colOf[w[e]];
  std::vector<int32_t> base(static_cast<size_t>(k));
  std::vector<int64_t> colAt(static_cast<size_t>(k));
  for (int64_t i = 0; i < m; ++i) {
    // The steps whose activation is not zero, without a branch: after a
    // ReLU about half of them are, at random.
    int64_t count = 0;
    for (int64_t t = 0; t < k; ++t) {
      uint8_t code = a[i * k + t];
      base[size_t(count)] = products.rowOf[code];
      colAt[size_t(count)] = t * n;
      count += !products.zeroRow[code];
    }
    row({count, base.data(), colAt.data(), cols.data(), products.table.data()},
        n, out + i * n);
  }
}
