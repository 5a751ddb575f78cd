//===- SourceCheck.h - Reject text MLIR's parser would crash on ----------===//
//
// Upstream MLIR 22's dense-array parser asks the element type for its bit
// width, which an `index` type does not have: `array<index: 1, 2>` anywhere
// in the input crashes every tool that parses it. The tools check the text
// first and report the construct with its location instead.
//
//===----------------------------------------------------------------------===//

#ifndef KITE_SUPPORT_SOURCECHECK_H
#define KITE_SUPPORT_SOURCECHECK_H

#include "llvm/Support/Regex.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

namespace kite {

/// Whether buffer `id` of `sources` can be handed to MLIR's parser; if not,
/// prints an error at the offending construct and returns false.
inline bool checkParsableSource(const llvm::SourceMgr &sources, unsigned id) {
  llvm::StringRef text = sources.getMemoryBuffer(id)->getBuffer();
  llvm::Regex denseIndexArray("array<[[:space:]]*index[[:space:]]*[:>]");
  llvm::SmallVector<llvm::StringRef, 1> match;
  while (!text.empty()) {
    auto [line, rest] = text.split('\n');
    text = rest;
    llvm::StringRef code = line.substr(0, line.find("//")); // not comments
    if (!denseIndexArray.match(code, &match))
      continue;
    sources.PrintMessage(llvm::errs(),
                         llvm::SMLoc::getFromPointer(match[0].data()),
                         llvm::SourceMgr::DK_Error,
                         "dense arrays of 'index' are not supported (MLIR's "
                         "parser cannot read them); use array<i64: ...>");
    return false;
  }
  return true;
}

} // namespace kite

#endif // KITE_SUPPORT_SOURCECHECK_H
