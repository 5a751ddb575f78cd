//===- Contrastive.h - contrastive agreement of two representations -*- C++
//-*-===//
//
// LPQ's per-layer fitness term: how well a quantized layer's output still
// tells the samples of a batch apart the way the float layer's does.
// Plain C++.
//
//===----------------------------------------------------------------------===//

#ifndef KITE_NUMERICS_CONTRASTIVE_H
#define KITE_NUMERICS_CONTRASTIVE_H

#include <cstdint>

namespace kite::numerics {

/// InfoNCE of `q` against `f`, each `samples` rows of `dim` features: the
/// mean over samples i of -log softmax_j(cos(q_i, f_j) / temperature)[i].
/// The positive pair is the same sample in both; the other samples are the
/// negatives. A zero row has cosine 0 with everything. Invariant to the
/// scale of each row.
double contrastiveLoss(const float *q, const float *f, int64_t samples,
                       int64_t dim, double temperature);

} // namespace kite::numerics

#endif // KITE_NUMERICS_CONTRASTIVE_H
