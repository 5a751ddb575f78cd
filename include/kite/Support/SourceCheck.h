//===- SourceCheck.h - Reject text MLIR's parser would crash on ----------===//
//
// Upstream MLIR 22's dense-array parser asks the element type for its bit
// width, which an `index` type does not have: `array<index: 1, 2>` anywhere
// in the input crashes every tool that parses it. The tools check the text
// first and report the construct with its location instead; parseModuleFile
// reads, checks and parses a file for the tools that take MLIR.
//
//===----------------------------------------------------------------------===//

#ifndef KITE_SUPPORT_SOURCECHECK_H
#define KITE_SUPPORT_SOURCECHECK_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/Regex.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

namespace kite {

/// Whether buffer `id` of `sources` can be handed to MLIR's parser; if not,
/// prints an error at the offending construct to `os` and returns false.
inline bool checkParsableSource(const llvm::SourceMgr &sources, unsigned id,
                                llvm::raw_ostream &os = llvm::errs()) {
  llvm::StringRef text = sources.getMemoryBuffer(id)->getBuffer();
  llvm::Regex denseIndexArray("array<[[:space:]]*index[[:space:]]*[:>]");
  llvm::SmallVector<llvm::StringRef, 1> match;
  while (!text.empty()) {
    auto [line, rest] = text.split('\n');
    text = rest;
    llvm::StringRef code = line.substr(0, line.find("//")); // not comments
    if (!denseIndexArray.match(code, &match))
      continue;
    sources.PrintMessage(os, llvm::SMLoc::getFromPointer(match[0].data()),
                         llvm::SourceMgr::DK_Error,
                         "dense arrays of 'index' are not supported (MLIR's "
                         "parser cannot read them); use array<i64: ...>");
    return false;
  }
  return true;
}

/// Reads `path` ("-": stdin) into `sources` and parses it as a module, once
/// checkParsableSource has passed it; null (after an error) otherwise.
inline mlir::OwningOpRef<mlir::ModuleOp>
parseModuleFile(llvm::StringRef path, llvm::SourceMgr &sources,
                mlir::MLIRContext *ctx) {
  std::string problem;
  std::unique_ptr<llvm::MemoryBuffer> file =
      mlir::openInputFile(path, &problem);
  if (!file) {
    llvm::errs() << problem << "\n";
    return nullptr;
  }
  unsigned id = sources.AddNewSourceBuffer(std::move(file), llvm::SMLoc());
  if (!checkParsableSource(sources, id))
    return nullptr;
  return mlir::parseSourceFile<mlir::ModuleOp>(sources, ctx);
}

} // namespace kite

#endif // KITE_SUPPORT_SOURCECHECK_H
