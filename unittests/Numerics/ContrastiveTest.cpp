//===- ContrastiveTest.cpp - LPQ's contrastive fitness term ---------------===//

#include "kite/Numerics/Contrastive.h"

#include "gtest/gtest.h"

#include <cmath>
#include <vector>

using namespace kite::numerics;

namespace {
// Three orthogonal unit rows: each sample's positive has cosine 1, its two
// negatives 0.
TEST(Contrastive, OrthogonalRowsGiveTheClosedForm) {
  std::vector<float> f = {1, 0, 0, 0, 1, 0, 0, 0, 1};
  double t = 0.5;
  double expected = -std::log(std::exp(1 / t) / (std::exp(1 / t) + 2));
  EXPECT_NEAR(contrastiveLoss(f.data(), f.data(), 3, 3, t), expected, 1e-12);
}

TEST(Contrastive, ScaleDoesNotMatterMismatchDoes) {
  std::vector<float> f = {1, 0.5f, 0, 0.2f, 1, 0.1f, 0, 0.3f, 1};
  std::vector<float> scaled = f, shifted(9), zero(9, 0.0f);
  for (float &v : scaled)
    v *= 4;
  // q_i looks like f_{i+1}: the positives are no longer the closest.
  for (int i = 0; i < 3; ++i)
    for (int k = 0; k < 3; ++k)
      shifted[size_t(i * 3 + k)] = f[size_t(((i + 1) % 3) * 3 + k)];
  double same = contrastiveLoss(f.data(), f.data(), 3, 3, 0.1);
  EXPECT_NEAR(contrastiveLoss(scaled.data(), f.data(), 3, 3, 0.1), same, 1e-9);
  EXPECT_GT(contrastiveLoss(shifted.data(), f.data(), 3, 3, 0.1), same + 1);
  // All-zero features tell nothing apart: log(samples).
  EXPECT_NEAR(contrastiveLoss(zero.data(), f.data(), 3, 3, 0.1), std::log(3.0),
              1e-12);
}
} // namespace
