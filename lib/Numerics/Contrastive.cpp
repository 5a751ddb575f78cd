//===- Contrastive.cpp - contrastive agreement of two representations ----===//

#include "kite/Numerics/Contrastive.h"

#include "kite/Numerics/Gemm.h"

#include <algorithm>
#include <cmath>
#include <vector>

using namespace kite::numerics;

double kite::numerics::contrastiveLoss(const float *q, const float *f,
                                       int64_t samples, int64_t dim,
                                       double temperature) {
  if (samples <= 0 || dim <= 0)
    return 0;
  // The rows in double, and their norms in the same pass: four partial
  // sums, so the additions are not one serial chain (this function was a
  // tenth of LPQ's search on the embedding model).
  std::vector<double> dq(static_cast<size_t>(samples * dim)),
      df(static_cast<size_t>(samples * dim));
  auto widen = [&](const float *x, std::vector<double> &out) {
    std::vector<double> norms(static_cast<size_t>(samples));
    for (int64_t i = 0; i < samples; ++i) {
      const float *row = x + i * dim;
      double *to = out.data() + i * dim;
      double part[4] = {0, 0, 0, 0};
      int64_t k = 0;
      for (; k + 4 <= dim; k += 4)
        for (int u = 0; u < 4; ++u) {
          to[k + u] = row[k + u];
          part[u] += to[k + u] * to[k + u];
        }
      for (; k < dim; ++k) {
        to[k] = row[k];
        part[0] += to[k] * to[k];
      }
      norms[size_t(i)] = std::sqrt((part[0] + part[1]) + (part[2] + part[3]));
    }
    return norms;
  };
  std::vector<double> nq = widen(q, dq), nf = widen(f, df);
  // The Gram matrix of the rows, as one GEMM.
  std::vector<double> dots(static_cast<size_t>(samples * samples));
  gemmDouble(samples, samples, dim, dq.data(), df.data(), dots.data(), samples);
  std::vector<double> logits(static_cast<size_t>(samples));
  double loss = 0;
  for (int64_t i = 0; i < samples; ++i) {
    for (int64_t j = 0; j < samples; ++j) {
      double denom = nq[size_t(i)] * nf[size_t(j)];
      logits[size_t(j)] =
          (denom > 0 ? dots[size_t(i * samples + j)] / denom : 0.0) /
          temperature;
    }
    double top = *std::max_element(logits.begin(), logits.end()), sum = 0;
    for (double l : logits)
      sum += std::exp(l - top);
    loss += top + std::log(sum) - logits[size_t(i)];
  }
  return loss / double(samples);
}
