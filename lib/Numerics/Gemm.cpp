//===- Gemm.cpp - matrix products through oneDNN --------------------------===//

#include "kite/Numerics/Gemm.h"

#include <omp.h>
#include <oneapi/dnnl/dnnl.h>

#include <algorithm>
#include <cstdlib>
#include <limits>
#include <vector>

using namespace kite::numerics;

void kite::numerics::gemm(int64_t m, int64_t n, int64_t k, MatrixRef<float> a,
                          MatrixRef<float> b, float *c, int64_t ldc,
                          bool accumulate) {
  if (m == 0 || n == 0)
    return;
  if (k == 0) { // oneDNN refuses an empty reduction: the sum is zero
    for (int64_t i = 0; i < m && !accumulate; ++i)
      std::fill(c + i * ldc, c + i * ldc + n, 0.0f);
    return;
  }
  // oneDNN's OpenMP team would fight the callers' threads: each calling
  // thread runs its products alone (the setting is per thread).
  thread_local bool single = (omp_set_num_threads(1), true);
  (void)single;
  dnnl_status_t status = dnnl_sgemm(
      a.transposed ? 'T' : 'N', b.transposed ? 'T' : 'N', m, n, k, 1.0f, a.data,
      a.ld, b.data, b.ld, accumulate ? 1.0f : 0.0f, c, ldc);
  // Only invalid arguments fail, which callers never pass.
  if (status != dnnl_success)
    std::abort();
}

__attribute__((target_clones("avx512f", "avx2", "default"))) void
kite::numerics::lookupFloats(const uint8_t *codes, int64_t n,
                             const float *table, float *out) {
  for (int64_t e = 0; e < n; ++e)
    out[e] = table[codes[e]];
}

int64_t kite::numerics::exactFloatTerms(uint64_t maxA, uint64_t maxW) {
  constexpr uint64_t kExact = uint64_t(1) << 24;
  if (maxA == 0 || maxW == 0)
    return std::numeric_limits<int64_t>::max();
  if (maxA >= kExact || maxW >= kExact || maxA * maxW > kExact)
    return 0;
  return int64_t(kExact / (maxA * maxW));
}

void kite::numerics::addExactProduct(int64_t m, int64_t n, int64_t k,
                                     MatrixRef<float> a, MatrixRef<float> b,
                                     int64_t terms, int64_t *acc) {
  std::vector<float> part(size_t(m * n));
  for (int64_t x0 = 0; x0 < k; x0 += terms) {
    int64_t len = std::min(terms, k - x0);
    MatrixRef<float> aRun{a.data + (a.transposed ? x0 * a.ld : x0), a.ld,
                          a.transposed};
    MatrixRef<float> bRun{b.data + (b.transposed ? x0 : x0 * b.ld), b.ld,
                          b.transposed};
    gemm(m, n, len, aRun, bRun, part.data(), n);
    for (size_t idx = 0; idx < part.size(); ++idx)
      acc[idx] += int64_t(part[idx]);
  }
}

namespace {
/// out[i][j] += table[a[i][t] << 8 | w[t][j]] over t: one lookup per
/// product, out row i in L1 while t runs. Compiled per vector width
/// (target_clones) for the 64-bit adds; GCC 12 loads the products one by
/// one (OffsetProducts.cpp says why), which is fine for the rare calls
/// whose sums need 64 bits.
template <typename Product>
inline __attribute__((always_inline)) void
gatherProducts(int64_t m, int64_t k, int64_t n, const uint8_t *a,
               const uint8_t *w, const Product *table, int64_t *out) {
  for (int64_t i = 0; i < m; ++i)
    for (int64_t t = 0; t < k; ++t) {
      const Product *row = table + (size_t(a[i * k + t]) << 8);
      const uint8_t *wrow = w + t * n;
      int64_t *o = out + i * n;
      for (int64_t j = 0; j < n; ++j)
        o[j] += row[wrow[j]];
    }
}

__attribute__((target_clones("avx512f", "avx2", "default"))) void
tableInt32(int64_t m, int64_t k, int64_t n, const uint8_t *a, const uint8_t *w,
           const int32_t *table, int64_t *out) {
  gatherProducts(m, k, n, a, w, table, out);
}

__attribute__((target_clones("avx512f", "avx2", "default"))) void
tableInt64(int64_t m, int64_t k, int64_t n, const uint8_t *a, const uint8_t *w,
           const int64_t *table, int64_t *out) {
  gatherProducts(m, k, n, a, w, table, out);
}
} // namespace

void kite::numerics::addTableProducts(int64_t m, int64_t k, int64_t n,
                                      const uint8_t *a, const uint8_t *w,
                                      const int32_t *table, int64_t *out) {
  tableInt32(m, k, n, a, w, table, out);
}

void kite::numerics::addTableProducts(int64_t m, int64_t k, int64_t n,
                                      const uint8_t *a, const uint8_t *w,
                                      const int64_t *table, int64_t *out) {
  tableInt64(m, k, n, a, w, table, out);
}
