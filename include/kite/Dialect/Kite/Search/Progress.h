//===- Progress.h - one progress line per step of a search -----*- C++ -*-===//
//
// The searches (LPQ's and FAMES's genetic algorithms, TASDER's layers) run
// for minutes on real models; each step prints what it reached, the time
// so far and an estimate of the time left, extrapolated from the mean time
// per step.
//
//===----------------------------------------------------------------------===//

#ifndef KITE_DIALECT_KITE_SEARCH_PROGRESS_H
#define KITE_DIALECT_KITE_SEARCH_PROGRESS_H

#include "llvm/ADT/Twine.h"

#include <chrono>
#include <string>

namespace kite {

class Progress {
public:
  /// `what` names a step ("generation", "layer"); `total` steps are
  /// expected.
  Progress(llvm::StringRef pass, llvm::StringRef what, int64_t total)
      : pass(pass.str()), what(what.str()), total(total),
        start(std::chrono::steady_clock::now()) {}

  /// Prints "<pass>: <what> <done>/<total>: <detail>, <elapsed> s, ETA
  /// <left> s" on stderr.
  void step(int64_t done, const llvm::Twine &detail) const;

  /// Seconds since construction.
  double elapsed() const;

private:
  std::string pass, what;
  int64_t total;
  std::chrono::steady_clock::time_point start;
};

} // namespace kite

#endif // KITE_DIALECT_KITE_SEARCH_PROGRESS_H
