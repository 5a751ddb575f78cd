//===- Progress.cpp - one progress line per step of a search --------------===//

#include "kite/Dialect/Kite/Search/Progress.h"

#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"

using namespace kite;

double Progress::elapsed() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
      .count();
}

void Progress::step(int64_t done, const llvm::Twine &detail) const {
  double seconds = elapsed();
  double left = done > 0 ? seconds / double(done) * double(total - done) : 0;
  llvm::errs() << llvm::formatv(
      "{0}: {1} {2}/{3}: {4}, {5:f3} s, ETA {6:f1} s\n", pass, what, done,
      total, detail.str(), seconds, left);
}
