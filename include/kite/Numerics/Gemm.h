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

#include <array>
#include <cstdint>
#include <vector>

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
/// multiplies (target_clones for the wider stores; GCC 12 loads one at a time).
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
/// for a (m x k) and w (k x n) of codes, summed in 64 bits. For calls whose
/// sums may leave 32 bits; the others take addOffsetProducts.
void addTableProducts(int64_t m, int64_t k, int64_t n, const uint8_t *a,
                      const uint8_t *w, const int32_t *table, int64_t *out);
void addTableProducts(int64_t m, int64_t k, int64_t n, const uint8_t *a,
                      const uint8_t *w, const int64_t *table, int64_t *out);

/// A product table laid out so that product(x, y) = table[rowOf[x] +
/// colOf[y]]: where products depend only on a sum of the operands' indices
/// (LP: the sum of their logarithms), a few thousand entries replace the
/// 256 x 256 table and stay in L1. Codes with `zeroRow` set multiply to 0
/// with everything and are skipped.
struct OffsetProducts {
  std::vector<int32_t> table;
  std::array<uint16_t, 256> rowOf{}, colOf{};
  std::array<uint8_t, 256> zeroRow{};

  /// Where products depend only on the low `bits` (<= 7) bits of the weight
  /// code (LP formats of up to 7 bits): byRow[x << rowBits | l] holds
  /// activation code x's products with every weight (rowBits =
  /// max(bits, 5)), which the AVX-512 kernel keeps in registers and reads
  /// by permutes instead of gathers. 0 / empty otherwise.
  unsigned rowBits = 0;
  std::vector<int32_t> byRow;

  /// A 256 x 256 table indexed by [x << 8 | y] in this layout.
  static OffsetProducts fullTable(std::vector<int32_t> table);
  /// Fills byRow when the products depend only on the weights' low `bits`
  /// bits (checked entry by entry); false, and nothing changes, otherwise.
  bool setColumnBits(unsigned bits);
};

/// Which loop addOffsetProducts runs: the widest the CPU has (Best), or
/// no wider than the one named (tests compare them with Plain).
enum class OffsetKernel { Plain, Avx2, Avx512, Best };

/// out (m x n, dense) += the sum over t of products.table[rowOf[a[i][t]] +
/// colOf[w[t][j]]], a row's sums kept in 32 bits: the caller guarantees k
/// times the largest |product| the call reads fits 32 bits. Gathers 8 or 16
/// products at once on CPUs with AVX2 or AVX-512, or permutes 16 from
/// registers where byRow is set and the CPU has AVX-512.
void addOffsetProducts(int64_t m, int64_t k, int64_t n, const uint8_t *a,
                       const uint8_t *w, const OffsetProducts &products,
                       int64_t *out, OffsetKernel kernel = OffsetKernel::Best);

/// c (m x n, leading dimension ldc) = a (m x k, row-major, dense) * b,
/// where `bt` is b's transpose (n x k, row-major: a filter as stored),
/// summed in double: the reference precision of float convolutions.
void gemmDouble(int64_t m, int64_t n, int64_t k, const double *a,
                const double *bt, double *c, int64_t ldc);

} // namespace kite::numerics

#endif // KITE_NUMERICS_GEMM_H
