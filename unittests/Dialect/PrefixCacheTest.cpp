//===- PrefixCacheTest.cpp - runs resumed from saved cuts -----------------===//

#include "kite/Dialect/Kite/Search/PrefixCache.h"
#include "ParseModule.h"

#include "gtest/gtest.h"

using namespace mlir;
using namespace kite;

namespace {

// %a is used across both cuts, %unused by nothing.
constexpr const char *kModule = R"(
func.func @main(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %c = arith.constant dense<[[1.0, -2.0, 3.0], [0.5, 4.0, -1.0]]> : tensor<2x3xf32>
  %a = tosa.add %x, %c : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %unused = tosa.sub %x, %c : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %b = tosa.maximum %a, %x : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %d = tosa.minimum %b, %c : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %m = tosa.add %d, %a : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  return %m : tensor<2x3xf32>
}
)";

class PrefixCacheTest : public ::testing::Test {
protected:
  void SetUp() override {
    module = test::parseModule(ctx, kModule);
    ASSERT_TRUE(module);
    func = module->lookupSymbol<func::FuncOp>("main");
  }

  interp::Tensor input() const {
    interp::Tensor x = interp::Tensor::floats({2, 3});
    x.f = {0.5f, 1.0f, -3.0f, 2.0f, -0.25f, 7.0f};
    return x;
  }

  MLIRContext ctx;
  OwningOpRef<ModuleOp> module;
  func::FuncOp func;
  interp::Interpreter interp;
};

} // namespace

// A run resumed at a cut from the values saved there yields what the whole
// run does, and the saved values are only those live at the cut.
TEST_F(PrefixCacheTest, ResumedRunsMatchTheWholeRun) {
  interp::BlockRun run(func.getBody().front());
  std::vector<size_t> cuts = {3, 5}; // before %b and before %m
  std::vector<std::shared_ptr<PrefixCache::State>> saved(cuts.size());
  llvm::DenseMap<Value, interp::Tensor> values;
  values[run.body().getArgument(0)] = input();
  auto whole = run.run(
      interp, 0, values, cuts,
      [&](size_t k, llvm::DenseMap<Value, interp::Tensor> &live) {
        saved[k] = PrefixCache::snapshot(run, live, {double(k)});
      },
      [](Operation *, llvm::DenseMap<Value, interp::Tensor> &) {});
  ASSERT_TRUE(succeeded(whole));
  // At the first cut: %x, %c (used later) and %a; %unused died at once.
  EXPECT_EQ(saved[0]->values.size(), 3u);
  // At the second: %a and %d.
  EXPECT_EQ(saved[1]->values.size(), 2u);
  for (size_t k = 0; k < cuts.size(); ++k) {
    llvm::DenseMap<Value, interp::Tensor> resumed;
    PrefixCache::restore(run, *saved[k], resumed);
    auto out = run.run(
        interp, cuts[k], resumed, cuts,
        [](size_t, llvm::DenseMap<Value, interp::Tensor> &) {},
        [](Operation *, llvm::DenseMap<Value, interp::Tensor> &) {});
    ASSERT_TRUE(succeeded(out));
    EXPECT_EQ(out->front().f, whole->front().f) << "from cut " << k;
    EXPECT_EQ(saved[k]->extras, std::vector<double>{double(k)});
  }
}

// The least recently used state goes first; a state above the whole
// budget is not kept.
TEST_F(PrefixCacheTest, EvictsTheLeastRecentlyUsed) {
  auto state = [](size_t floats) {
    auto s = std::make_shared<PrefixCache::State>();
    interp::Tensor t = interp::Tensor::floats({int64_t(floats)});
    s->values.push_back({interp::BlockRun::Slot{0, 0}, std::move(t)});
    return s;
  };
  PrefixCache cache(2 * 100 * sizeof(float));
  cache.insert({1}, state(100));
  cache.insert({2}, state(100));
  EXPECT_TRUE(cache.find({1})); // {1} is now the most recent
  cache.insert({3}, state(100));
  EXPECT_FALSE(cache.find({2}));
  EXPECT_TRUE(cache.find({1}));
  EXPECT_TRUE(cache.find({3}));
  cache.insert({4}, state(1000));
  EXPECT_FALSE(cache.find({4}));
  EXPECT_EQ(cache.hits(), 3u);
  EXPECT_EQ(cache.lookups(), 5u);
  EXPECT_FALSE(PrefixCache(0).enabled());
}

// resume restores the deepest cut whose key is kept, with its extras, and
// says which cut a run from there must save first; 0 when none is kept.
TEST_F(PrefixCacheTest, ResumesFromTheDeepestKeptCut) {
  interp::BlockRun run(func.getBody().front());
  std::vector<size_t> cuts = {3, 5};
  PrefixCache cache(size_t(1) << 20);
  auto keyOf = [](size_t k) { return PrefixCache::Key{7, uint32_t(k)}; };
  llvm::DenseMap<Value, interp::Tensor> values;
  values[run.body().getArgument(0)] = input();
  auto whole = run.run(
      interp, 0, values, cuts,
      [&](size_t k, llvm::DenseMap<Value, interp::Tensor> &live) {
        if (k == 0) // only the first cut is kept
          cache.insert(keyOf(k), PrefixCache::snapshot(run, live, {1.5}));
      },
      [](Operation *, llvm::DenseMap<Value, interp::Tensor> &) {});
  ASSERT_TRUE(succeeded(whole));

  llvm::DenseMap<Value, interp::Tensor> resumed;
  std::vector<double> extras;
  std::vector<interp::Tensor> args = {input()};
  size_t start = 99;
  size_t firstNew =
      cache.resume(run, cuts, keyOf, args, resumed, start, &extras);
  ASSERT_EQ(firstNew, 1u);
  EXPECT_EQ(start, cuts[0]);
  EXPECT_EQ(extras, std::vector<double>{1.5});
  auto out = run.run(
      interp, start, resumed, cuts,
      [](size_t, llvm::DenseMap<Value, interp::Tensor> &) {},
      [](Operation *, llvm::DenseMap<Value, interp::Tensor> &) {});
  ASSERT_TRUE(succeeded(out));
  EXPECT_EQ(out->front().f, whole->front().f);

  // Nothing kept: the run starts at the first op, from the arguments.
  llvm::DenseMap<Value, interp::Tensor> none;
  EXPECT_EQ(cache.resume(
                run, cuts,
                [](size_t k) {
                  return PrefixCache::Key{8, uint32_t(k)};
                },
                args, none, start),
            0u);
  EXPECT_EQ(start, 0u);
  ASSERT_EQ(none.size(), 1u);
  EXPECT_EQ(none[run.body().getArgument(0)].f, input().f);
}
