//===- ReferenceTest.cpp - what label-free searches score against ---------===//

#include "kite/Dialect/Kite/Search/Reference.h"

#include "gtest/gtest.h"

using namespace kite;

namespace {

interp::Tensor floats(std::vector<int64_t> shape, std::vector<float> values) {
  interp::Tensor t = interp::Tensor::floats(shape);
  t.f = std::move(values);
  return t;
}

// [rows, classes] with two classes or more are logits: the top-1 agrees or
// not.
TEST(ReferenceTest, RowsOfClassesAreLogits) {
  Reference y = Reference::ofOutputs(floats({2, 3}, {0, 2, 1, 5, 0, 0}));
  EXPECT_EQ(y.kind, Reference::Kind::Logits);
  EXPECT_STREQ(y.metric(), "top-1 agreement");
  interp::Tensor out = floats({2, 3}, {0, 1, 3, 5, 0, 0});
  EXPECT_EQ(y.score(out, 0, 3, 0).second, 0.0);
  EXPECT_EQ(y.score(out, 1, 3, 1).second, 1.0);
}

// One value per row (a wake-word head's score) is a value: as logits its
// only class would always agree, and its cosine would say only its sign.
// Its error is scaled by the reference's range (here 0.4).
TEST(ReferenceTest, OneValuePerRowIsScoredByItsErrorOverTheRange) {
  Reference y = Reference::ofOutputs(floats({3, 1}, {0.1f, 0.5f, 0.3f}));
  EXPECT_EQ(y.kind, Reference::Kind::Values);
  EXPECT_STREQ(y.metric(), "1 - |error| / range");
  interp::Tensor out = floats({3, 1}, {0.1f, 0.4f, 1.3f});
  EXPECT_DOUBLE_EQ(y.score(out, 0, 1, 0).second, 1.0);
  EXPECT_NEAR(y.score(out, 1, 1, 1).second, 0.75, 1e-6);
  EXPECT_NEAR(y.score(out, 1, 1, 1).first, 0.01, 1e-6); // squared error
  EXPECT_DOUBLE_EQ(y.score(out, 2, 1, 2).second, 0.0);  // capped at 0
}

// Rows of several values keep the cosine.
TEST(ReferenceTest, RowsOfValuesKeepTheCosine) {
  Reference y = Reference::ofOutputs(floats({1, 2, 2}, {1, 0, 0, 1}));
  EXPECT_EQ(y.kind, Reference::Kind::Values);
  EXPECT_STREQ(y.metric(), "cosine similarity");
  interp::Tensor out = floats({1, 2, 2}, {2, 0, 0, 2});
  EXPECT_NEAR(y.score(out, 0, 4, 0).second, 1.0, 1e-12);
}

} // namespace
