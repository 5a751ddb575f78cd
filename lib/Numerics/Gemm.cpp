//===- Gemm.cpp - matrix products through oneDNN --------------------------===//

#include "kite/Numerics/Gemm.h"

#include <omp.h>
#include <oneapi/dnnl/dnnl.h>

#include <algorithm>
#include <cstdlib>

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
