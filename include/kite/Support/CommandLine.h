//===- CommandLine.h - Keep --help to the options a Kite user needs -------===//
//
// Debian's LLVM is one shared library, so every tool that links it inherits
// the code generators' and loop optimizers' command-line options (AMDGPU,
// Polly, ...). They do nothing in Kite and bury its own options in --help.
//
//===----------------------------------------------------------------------===//

#ifndef KITE_SUPPORT_COMMANDLINE_H
#define KITE_SUPPORT_COMMANDLINE_H

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/CommandLine.h"

namespace kite {

/// Hides every option registered so far except MLIR's (`--mlir-*`), --help,
/// --version, --color and those in `keep`. Options keep working when hidden
/// (`--help-hidden` lists them); options registered after the call, such as
/// those `MlirOptMain` adds, stay visible.
inline void
hideBackendOptions(llvm::ArrayRef<llvm::cl::OptionCategory *> keep = {}) {
  for (auto &entry : llvm::cl::getRegisteredOptions()) {
    llvm::cl::Option *option = entry.second;
    llvm::StringRef name = option->ArgStr;
    bool ours = llvm::any_of(option->Categories, [&](auto *category) {
      return llvm::is_contained(keep, category);
    });
    if (!ours && !name.starts_with("mlir-") &&
        !llvm::is_contained({"help", "help-list", "version", "color"}, name))
      option->setHiddenFlag(llvm::cl::Hidden);
  }
}

} // namespace kite

#endif // KITE_SUPPORT_COMMANDLINE_H
