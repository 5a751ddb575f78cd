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
