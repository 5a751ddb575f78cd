//===- LayerNorm.h - the f32 layer norm of every component --*- C++ -*-===//
//
// One definition of a row's statistics, so that the interpreter's
// kite.layer_norm and the simulator's vec_layer_norm round identically.
// Plain C++.
//
//===----------------------------------------------------------------------===//

#ifndef KITE_NUMERICS_LAYERNORM_H
#define KITE_NUMERICS_LAYERNORM_H

#include <cmath>
#include <cstdint>

namespace kite::numerics {

/// The f32 sum of term(0) ... term(len - 1) in eight lanes (element k into
/// lane k mod 8), the lanes then added pairwise: a fixed order, so the same
/// bits everywhere, and independent additions, so the loop vectorizes (one
/// serial chain of dependent additions was the cost of a layer norm).
template <typename Term> inline float laneSum(int64_t len, Term term) {
  float lanes[8] = {};
  int64_t k = 0;
  for (; k + 8 <= len; k += 8)
    for (int j = 0; j < 8; ++j)
      lanes[j] += term(k + j);
  for (int j = 0; k < len; ++k, ++j)
    lanes[j] += term(k);
  return ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) +
         ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]));
}

/// A row's mean and 1 / sqrt(variance + eps) (the biased variance).
struct LayerNormStats {
  float mean, inv;
};

inline LayerNormStats layerNormStats(const float *x, int64_t len, float eps) {
  float mean = laneSum(len, [&](int64_t k) { return x[k]; }) / float(len);
  float var = laneSum(len,
                      [&](int64_t k) {
                        float d = x[k] - mean;
                        return d * d;
                      }) /
              float(len);
  return {mean, 1.0f / std::sqrt(var + eps)};
}

} // namespace kite::numerics

#endif // KITE_NUMERICS_LAYERNORM_H
