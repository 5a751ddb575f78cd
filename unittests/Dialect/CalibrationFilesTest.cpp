//===- CalibrationFilesTest.cpp - calibration files read once -------------===//

#include "kite/Dialect/Kite/Search/Calibration.h"

#include "llvm/Support/FileSystem.h"

#include "gtest/gtest.h"

#include <cmath>

using namespace mlir;
using namespace kite;

namespace {

std::string writeInputs(const char *name, std::vector<double> values) {
  llvm::SmallString<128> path;
  llvm::sys::fs::createUniquePath(std::string(name) + "-%%%%%%.npy", path,
                                  /*MakeAbsolute=*/true);
  tensorio::HostTensor t;
  t.shape = {int64_t(values.size()) / 2, 2};
  t.floats = std::move(values);
  std::string error;
  EXPECT_TRUE(tensorio::writeNpy(path.str().str(), t, &error)) << error;
  return path.str().str();
}

TEST(CalibrationFiles, ReadsEachFileOnce) {
  MLIRContext ctx;
  CalibrationFiles files(nullptr);
  std::string path = writeInputs("calib", {1, 2, 3, 4});
  const CalibrationData *first = files.load(&ctx, path, "kite-test");
  ASSERT_TRUE(first);
  EXPECT_EQ(first->arrays.size(), 1u);
  EXPECT_EQ(first->arrays[0].floats, (std::vector<double>{1, 2, 3, 4}));
  // Gone from disk: the second pass gets what the first read.
  llvm::sys::fs::remove(path);
  EXPECT_EQ(files.load(&ctx, path, "kite-test"), first);
  // The IR changing does not drop it.
  AnalysisManager::PreservedAnalyses none;
  EXPECT_FALSE(files.isInvalidated(none));
}

TEST(CalibrationFiles, RefusesValuesThatAreNotFinite) {
  MLIRContext ctx;
  ctx.printOpOnDiagnostic(false);
  std::string message;
  ScopedDiagnosticHandler handler(&ctx, [&](Diagnostic &d) {
    message = d.str();
    return success();
  });
  CalibrationFiles files(nullptr);
  std::string path = writeInputs("nan", {1, 2, 3, std::nan("")});
  EXPECT_EQ(files.load(&ctx, path, "kite-test"), nullptr);
  EXPECT_EQ(message, "kite-test: sample 1 holds NaN (element 1); calibration "
                     "data must be finite");
  llvm::sys::fs::remove(path);
  EXPECT_EQ(files.load(&ctx, path, "kite-test"), nullptr);
}

} // namespace
