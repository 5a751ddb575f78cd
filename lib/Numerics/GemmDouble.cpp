//===- GemmDouble.cpp - float matrix products accumulated in double -------===//
//
// oneDNN has no double GEMM. This one is a packed, register-blocked kernel
// in plain C++ compiled once per x86 vector width (target_clones by CPU
// feature, not model: AVX-512, AVX + FMA, baseline SSE2), the clone picked
// at load time.
//
//===----------------------------------------------------------------------===//

#include "kite/Numerics/Gemm.h"

#include <algorithm>
#include <cstring>
#include <vector>

using namespace kite::numerics;

namespace {

/// Columns per panel and rows per block of the kernel: 4 x 16 doubles of
/// accumulators fill 8 AVX-512 registers (16 AVX2 ones).
constexpr int64_t kCols = 16, kRows = 4;

/// Eight doubles: one AVX-512 register, two AVX2 ones, four SSE2 ones,
/// whichever the clone is compiled for.
typedef double V8 __attribute__((vector_size(64)));

/// Rows x kCols accumulators: the sum over x of a[r][x] * panel[x][..]
/// for the rows of a (leading dimension lda), the panel packed K x kCols,
/// kept in registers, stored to out (leading dimension kCols).
template <int64_t Rows>
inline __attribute__((always_inline)) void
block(int64_t k, const double *a, int64_t lda, const double *panel,
      double *out) {
  V8 lo[Rows] = {}, hi[Rows] = {};
  for (int64_t x = 0; x < k; ++x) {
    V8 pl, ph;
    std::memcpy(&pl, panel + x * kCols, sizeof pl);
    std::memcpy(&ph, panel + x * kCols + 8, sizeof ph);
    for (int64_t r = 0; r < Rows; ++r) {
      double av = a[r * lda + x];
      lo[r] += av * pl;
      hi[r] += av * ph;
    }
  }
  for (int64_t r = 0; r < Rows; ++r) {
    std::memcpy(out + r * kCols, &lo[r], sizeof(V8));
    std::memcpy(out + r * kCols + 8, &hi[r], sizeof(V8));
  }
}

__attribute__((target_clones("avx512f", "fma", "default"))) void
kernel(int64_t m, int64_t n, int64_t k, const double *a,
       const std::vector<double> &panels, double *c, int64_t ldc) {
  double acc[kRows * kCols];
  for (int64_t j0 = 0; j0 < n; j0 += kCols) {
    const double *panel = panels.data() + (j0 / kCols) * k * kCols;
    int64_t cols = std::min(kCols, n - j0);
    for (int64_t i = 0; i < m; i += kRows) {
      int64_t rows = std::min(kRows, m - i);
      if (rows == kRows)
        block<kRows>(k, a + i * k, k, panel, acc);
      else
        for (int64_t r = 0; r < rows; ++r)
          block<1>(k, a + (i + r) * k, k, panel, acc + r * kCols);
      for (int64_t r = 0; r < rows; ++r)
        std::copy(acc + r * kCols, acc + r * kCols + cols,
                  c + (i + r) * ldc + j0);
    }
  }
}

} // namespace

void kite::numerics::gemmDouble(int64_t m, int64_t n, int64_t k,
                                const double *a, const double *bt, double *c,
                                int64_t ldc) {
  // b^T packed as panels of kCols columns, K x kCols each, zero-padded,
  // written in order (kCols rows of b^T read side by side). The buffer is
  // the thread's own and kept: contrastive losses pack megabytes per call.
  int64_t numPanels = (n + kCols - 1) / kCols;
  thread_local std::vector<double> panels;
  panels.assign(size_t(numPanels * k * kCols), 0.0);
  for (int64_t j0 = 0; j0 < n; j0 += kCols) {
    double *panel = panels.data() + (j0 / kCols) * k * kCols;
    int64_t cols = std::min(kCols, n - j0);
    for (int64_t x = 0; x < k; ++x)
      for (int64_t j = 0; j < cols; ++j)
        panel[x * kCols + j] = bt[(j0 + j) * k + x];
  }
  kernel(m, n, k, a, panels, c, ldc);
}
