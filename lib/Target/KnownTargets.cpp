//===- KnownTargets.cpp - built-in target descriptions --------------------===//
//
// Every default number here is documented, with its source, in
// docs/target.md.
//
//===----------------------------------------------------------------------===//

#include "kite/Target/KnownTargets.h"
#include "kite/Numerics/Multipliers.h"

using namespace mlir;
using namespace kite;

static ArrayAttr nmPatterns(MLIRContext *ctx,
                            ArrayRef<std::pair<unsigned, unsigned>> patterns) {
  SmallVector<Attribute> attrs;
  for (auto [n, m] : patterns)
    attrs.push_back(NMAttr::get(ctx, n, m));
  return ArrayAttr::get(ctx, attrs);
}

/// Horowitz, "Computing's energy problem", ISSCC 2014 (45 nm, 0.9 V); the
/// table read is derived from the SRAM figure (docs/target.md).
static EnergyAttr horowitz45nm(MLIRContext *ctx) {
  return EnergyAttr::get(ctx, /*int8Mul=*/APFloat(0.2),
                         /*int8Add=*/APFloat(0.03), /*int32Add=*/APFloat(0.1),
                         /*fp32Mul=*/APFloat(3.7), /*fp32Add=*/APFloat(0.9),
                         /*sramRead32b=*/APFloat(5.0),
                         /*dramRead32b=*/APFloat(640.0),
                         /*lutRead8b=*/APFloat(0.36));
}

/// Every multiplier of the numerics library.
static ArrayAttr multiplierLibrary(MLIRContext *ctx) {
  SmallVector<StringRef> names;
  for (const std::string &name : numerics::multiplierLibrary())
    names.push_back(name);
  return Builder(ctx).getStrArrayAttr(names);
}

static TargetAttr kiteV1(MLIRContext *ctx) {
  auto softmax =
      SoftmaxUnitAttr::get(ctx, SoftmaxMethod::Lut2D, /*step=*/APFloat(1.0),
                           /*outBits=*/8, /*expEntries=*/7,
                           /*normRows=*/60, /*normCols=*/11);
  auto memory =
      MemoryAttr::get(ctx, /*weightKib=*/256, /*actKib=*/256,
                      /*accKib=*/64, /*dramBytesPerCycle=*/APFloat(16.0),
                      /*sramBytesPerCycle=*/APFloat(128.0),
                      /*scratchKib=*/1024);
  return TargetAttr::get(
      ctx, "kite-v1", /*clockMhz=*/1000, /*arrayRows=*/16, /*arrayCols=*/16,
      /*accBits=*/32, /*lpAccFracBits=*/16,
      /*intBits=*/{2, 3, 4, 5, 6, 7, 8}, /*lpBits=*/{3, 4, 5, 6, 7, 8},
      multiplierLibrary(ctx),
      nmPatterns(ctx, {{2, 4}, {1, 4}, {4, 8}, {2, 8}, {1, 8}}),
      /*activationSparsity=*/true, softmax, memory, horowitz45nm(ctx),
      LutUnitAttr::get(ctx, /*entries=*/256, /*lanes=*/16),
      HostAttr::get(ctx, /*linkBytesPerCycle=*/APFloat(4.0),
                    /*cyclesPerElement=*/APFloat(8.0),
                    /*elementPj=*/APFloat(20.0)));
}

static TargetAttr kiteMini(MLIRContext *ctx) {
  auto softmax =
      SoftmaxUnitAttr::get(ctx, SoftmaxMethod::Rexp, /*step=*/APFloat(1.0),
                           /*outBits=*/8, /*expEntries=*/7,
                           /*normRows=*/256, /*normCols=*/1);
  auto memory =
      MemoryAttr::get(ctx, /*weightKib=*/32, /*actKib=*/32,
                      /*accKib=*/8, /*dramBytesPerCycle=*/APFloat(8.0),
                      /*sramBytesPerCycle=*/APFloat(32.0),
                      /*scratchKib=*/64);
  return TargetAttr::get(
      ctx, "kite-mini", /*clockMhz=*/500, /*arrayRows=*/8,
      /*arrayCols=*/8, /*accBits=*/24,
      /*lpAccFracBits=*/12, /*intBits=*/{2, 4, 8},
      /*lpBits=*/{4, 8}, multiplierLibrary(ctx), nmPatterns(ctx, {{2, 4}}),
      /*activationSparsity=*/false, softmax, memory, horowitz45nm(ctx),
      /*lut=*/LutUnitAttr(), /*host=*/HostAttr()); // no LUT unit, no host
}

ArrayRef<StringRef> kite::getKnownTargetNames() {
  static const StringRef names[] = {"kite-v1", "kite-mini"};
  return names;
}

TargetAttr kite::getKnownTarget(MLIRContext *ctx, StringRef name) {
  ctx->getOrLoadDialect<KiteDialect>();
  if (name == "kite-v1")
    return kiteV1(ctx);
  if (name == "kite-mini")
    return kiteMini(ctx);
  return {};
}

TargetAttr kite::getDefaultTarget(MLIRContext *ctx) {
  return getKnownTarget(ctx, getKnownTargetNames().front());
}
