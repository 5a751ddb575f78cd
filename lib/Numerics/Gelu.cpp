//===- Gelu.cpp - GELU over a row, per x86 vector width -------------------===//

#include "kite/Numerics/Gelu.h"

using namespace kite::numerics;

// Compiled with -ffp-contract=off (CMakeLists.txt): the AVX-512 clone may
// not fuse the erf polynomial's multiply-adds, or it would round
// differently from gelu() on the baseline target.
__attribute__((target_clones("avx512f", "avx2", "default"))) void
kite::numerics::geluRow(const float *x, int64_t n, bool tanhForm, float *out) {
  // In place, one pointer: the vectorizer's overlap check would send equal
  // pointers to the scalar loop.
  if (x == out && tanhForm)
    for (int64_t i = 0; i < n; ++i)
      out[i] = gelu(out[i], true);
  else if (x == out)
    for (int64_t i = 0; i < n; ++i)
      out[i] = gelu(out[i], false);
  else if (tanhForm)
    for (int64_t i = 0; i < n; ++i)
      out[i] = gelu(x[i], true);
  else
    for (int64_t i = 0; i < n; ++i)
      out[i] = gelu(x[i], false);
}
