//===- json-fuzzer.cpp - libFuzzer target for target JSON files -----------===//
//
// Parses arbitrary bytes as a target description, as --target FILE and
// --kite-set-target=file=... do. A target the JSON reader accepts must
// survive its own JSON form unchanged and make a .kbin header that the
// binary loader (kite-sim) accepts: the two validations must agree, or
// kitec writes binaries kite-sim refuses. Built and run by scripts/fuzz.
//
//===----------------------------------------------------------------------===//

#include "kite/Runtime/Isa.h"
#include "kite/Target/Kbin.h"
#include "kite/Target/TargetJson.h"

#include "mlir/IR/MLIRContext.h"

#include <cstdio>
#include <cstdlib>
#include <memory>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  // Every accepted target is a new uniqued attribute: start afresh now and
  // then so that memory stays bounded over millions of inputs.
  static std::unique_ptr<mlir::MLIRContext> ctx;
  static unsigned uses = 0;
  if (!ctx || ++uses % 4096 == 0) {
    ctx = std::make_unique<mlir::MLIRContext>(
        mlir::MLIRContext::Threading::DISABLED);
    ctx->loadDialect<kite::KiteDialect>();
  }
  llvm::StringRef text(reinterpret_cast<const char *>(data), size);
  llvm::Expected<kite::TargetAttr> target =
      kite::parseTargetJson(ctx.get(), text, "fuzz.json");
  if (!target) {
    llvm::consumeError(target.takeError());
    return 0;
  }
  llvm::Expected<kite::TargetAttr> again =
      kite::targetFromJson(ctx.get(), kite::targetToJson(*target));
  if (!again || *again != *target) {
    if (!again)
      std::fprintf(stderr, "its JSON form is refused: %s\n",
                   llvm::toString(again.takeError()).c_str());
    std::abort();
  }
  kite::rt::Program program;
  program.target = kite::targetParams(*target);
  std::vector<uint8_t> bytes = kite::rt::encodeKbin(program);
  kite::rt::Program decoded;
  std::string error;
  if (!kite::rt::decodeKbin(bytes.data(), bytes.size(), decoded, error)) {
    std::fprintf(stderr, "the loader refuses the target: %s\n", error.c_str());
    std::abort();
  }
  return 0;
}
