//===- Gelu.h - the f32 GELU every Kite component computes ------*- C++ -*-===//
//
// One definition, so that the interpreter's kite.gelu, the simulator's
// vec_gelu and the GELU step of a fused drain round identically. Plain C++.
//
//===----------------------------------------------------------------------===//

#ifndef KITE_NUMERICS_GELU_H
#define KITE_NUMERICS_GELU_H

#include "kite/Numerics/Erf.h"

#include <cmath>
#include <cstdint>

namespace kite::numerics {

/// GELU of `v` in f32: the erf form, or the tanh approximation.
inline float gelu(float v, bool tanhForm) {
  if (tanhForm) {
    const float k = std::sqrt(2.0f / float(M_PI));
    return 0.5f * v * (1.0f + std::tanh(k * (v + 0.044715f * v * v * v)));
  }
  return 0.5f * v * (1.0f + numerics::erf(v / std::sqrt(2.0f)));
}

/// gelu() of `n` values into `out` (which may be `x`): the same bits, the
/// erf form a vector at a time (compiled per x86 vector width).
void geluRow(const float *x, int64_t n, bool tanhForm, float *out);

} // namespace kite::numerics

#endif // KITE_NUMERICS_GELU_H
