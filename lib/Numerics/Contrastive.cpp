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
  // The Gram matrix of the rows in double, as one GEMM.
  std::vector<double> dq(q, q + samples * dim), df(f, f + samples * dim);
  std::vector<double> dots(static_cast<size_t>(samples * samples));
  gemmDouble(samples, samples, dim, dq.data(), df.data(), dots.data(), samples);
  auto norms = [&](const std::vector<double> &x) {
    std::vector<double> n(static_cast<size_t>(samples));
    for (int64_t i = 0; i < samples; ++i) {
      double s = 0;
      for (int64_t k = 0; k < dim; ++k)
        s += x[size_t(i * dim + k)] * x[size_t(i * dim + k)];
      n[size_t(i)] = std::sqrt(s);
    }
    return n;
  };
  std::vector<double> nq = norms(dq), nf = norms(df);
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
