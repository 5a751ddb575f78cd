//===- Gemm.h - matrix products through oneDNN ------------------*- C++ -*-===//
//
// The one place Kite's host code multiplies float matrices: oneDNN's GEMM,
// whose kernels are chosen from the CPU's features at run time (the project
// is never built with -march; OpenBLAS 0.3.21 picks its kernels by CPU
// model and falls back to SSE3 on CPUs newer than itself). Each call runs
// on the calling thread; callers parallelise over batches, so results do
// not depend on the number of threads. Plain C++.
//
//===----------------------------------------------------------------------===//

#ifndef KITE_NUMERICS_GEMM_H
#define KITE_NUMERICS_GEMM_H

#include <cstdint>

namespace kite::numerics {

/// A row-major matrix operand: `rows` x `cols` elements at `data`, row r
/// starting at data + r * ld; with `transposed`, the operand is the
/// transpose of what is stored (stored as cols x rows).
template <typename T> struct MatrixRef {
  const T *data;
  int64_t ld;
  bool transposed = false;
};

/// c (m x n, row-major, leading dimension ldc) = a (m x k) * b (k x n),
/// plus c's old value when `accumulate`.
void gemm(int64_t m, int64_t n, int64_t k, MatrixRef<float> a,
          MatrixRef<float> b, float *c, int64_t ldc, bool accumulate = false);

/// How many terms of integer products with |a| <= maxA and |w| <= maxW a
/// float GEMM sums exactly: every partial sum stays below 2^24, whatever
/// order the GEMM adds in (0: not even one product fits).
int64_t exactFloatTerms(uint64_t maxA, uint64_t maxW);

/// out[e] = table[codes[e]] for e < n: operand bytes to the values a GEMM
/// multiplies, gathered a vector at a time (per x86 vector width).
void lookupFloats(const uint8_t *codes, int64_t n, const float *table,
                  float *out);

/// acc (m x n, row-major, dense) += a (m x k) * b (k x n) for
/// integer-valued float matrices: one float GEMM per run of `terms` (>= 1)
/// reduction steps (each exact, exactFloatTerms), summed in int64. Bit for
/// bit the integer loop, at the float GEMM's speed.
void addExactProduct(int64_t m, int64_t n, int64_t k, MatrixRef<float> a,
                     MatrixRef<float> b, int64_t terms, int64_t *acc);

/// out (m x n, dense) += the sum over t of table[a[i][t] << 8 | w[t][j]]:
/// products looked up by the operands' codes (approximate multipliers, LP)
/// for a (m x k) and w (k x n) of codes. Compiled per vector width (AVX2,
/// AVX-512). A 32-bit table takes half the cache of a 64-bit one and is
/// read up to 1.7x faster (more so the more columns).
/// With a 32-bit table, `largest` bounds the |entries| the call reads
/// (INT64_MAX: unknown); when k times it fits 32 bits, a row's sums are
/// kept in 32 bits and added to `out` once (the same integers at half the
/// traffic).
void addTableProducts(int64_t m, int64_t k, int64_t n, const uint8_t *a,
                      const uint8_t *w, const int32_t *table, int64_t largest,
                      int64_t *out);
void addTableProducts(int64_t m, int64_t k, int64_t n, const uint8_t *a,
                      const uint8_t *w, const int64_t *table, int64_t *out);

/// c (m x n, leading dimension ldc) = a (m x k, row-major, dense) * b,
/// where `bt` is b's transpose (n x k, row-major: a filter as stored),
/// summed in double: the reference precision of float convolutions.
void gemmDouble(int64_t m, int64_t n, int64_t k, const double *a,
                const double *bt, double *c, int64_t ldc);

} // namespace kite::numerics

#endif // KITE_NUMERICS_GEMM_H
