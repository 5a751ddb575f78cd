//===- Pipelines.cpp - named Kite pass pipelines --------------------------===//

#include "kite/Pipelines/Pipelines.h"
#include "kite/Conversion/Passes.h"
#include "kite/Dialect/Kite/Transforms/Passes.h"
#include "kite/Dialect/KiteIsa/Transforms/Passes.h"

#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;
using namespace kite;

/// kite-quantize as `options` ask.
static void addQuantize(OpPassManager &pm, const CompileOptions &options) {
  KiteQuantizeOptions quantize;
  quantize.calibration = options.calibration;
  quantize.entry = options.entry;
  quantize.method = options.calibrationMethod;
  quantize.percentile = options.percentile;
  quantize.weightMethod = options.weightMethod;
  quantize.actBits = options.bits;
  quantize.weightBits = options.bits;
  quantize.layerBits.assign(options.layerBits.begin(), options.layerBits.end());
  quantize.weightBitBudget = options.weightBitBudget;
  quantize.lpFallback = options.lpFallback;
  pm.addPass(createKiteQuantize(quantize));
}

void kite::buildCompilePipeline(OpPassManager &pm,
                                const CompileOptions &options) {
  KiteSetTargetOptions target;
  target.targetName = options.target;
  target.file = options.targetFile;
  pm.addPass(createKiteSetTarget(target));
  pm.addNestedPass<func::FuncOp>(createKiteFoldConstants());
  pm.addNestedPass<func::FuncOp>(createKiteIfConvert());
  pm.addNestedPass<func::FuncOp>(createConvertTosaToKite());
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToKite());
  pm.addPass(createCanonicalizerPass());
  pm.addNestedPass<func::FuncOp>(createKiteFoldConstants());
  pm.addNestedPass<func::FuncOp>(createKiteFoldScaleShift());
  pm.addPass(createCanonicalizerPass());
  if (options.lpBudget > 0) {
    KiteLPQuantSearchOptions lp;
    lp.calibration = options.calibration;
    lp.entry = options.entry;
    lp.bitBudget = options.lpBudget;
    pm.addPass(createKiteLPQuantSearch(lp));
  } else if (!options.lpFormat.empty()) {
    KiteLPQuantizeOptions lp;
    lp.calibration = options.calibration;
    lp.entry = options.entry;
    lp.actFormat = options.lpFormat;
    lp.weightFormat = options.lpFormat;
    pm.addPass(createKiteLPQuantize(lp));
  } else {
    if (options.quantize)
      addQuantize(pm, options);
    // The layers left float: on LP formats fitted per tensor, or a plan's.
    if ((options.quantize && options.lpFallback > 0) ||
        !options.lpLayerFormats.empty()) {
      KiteLPQuantizeOptions lp;
      lp.calibration = options.calibration;
      lp.entry = options.entry;
      lp.actFormat = "auto";
      lp.weightFormat = "auto";
      lp.layerFormats = options.lpLayerFormats;
      lp.report = options.report;
      pm.addPass(createKiteLPQuantize(lp));
    }
  }
  if (options.lutSoftmax) {
    KiteLutSoftmaxOptions lut;
    lut.calibration = options.calibration;
    lut.entry = options.entry;
    lut.method = options.softmaxMethod;
    lut.units = options.softmaxUnits;
    lut.report = options.report;
    pm.addPass(createKiteLutSoftmax(lut));
  }
  // The tables need the input's range, and the codes exist only in a
  // quantized model.
  if (options.lutUnary && !options.calibration.empty() &&
      (options.quantize || options.lpBudget > 0 || !options.lpFormat.empty() ||
       !options.lpLayerFormats.empty())) {
    KiteLutUnaryOptions lut;
    lut.calibration = options.calibration;
    lut.entry = options.entry;
    lut.report = options.report;
    pm.addPass(createKiteLutUnary(lut));
  }
  pm.addPass(createCanonicalizerPass());
}

void kite::buildLowerPipeline(OpPassManager &pm, const LowerOptions &options) {
  pm.addPass(createKitePackWeights());
  pm.addPass(createKiteTile());
  KiteBufferizeOptions bufferize;
  bufferize.entry = options.entry;
  pm.addPass(createKiteBufferize(bufferize));
  ConvertKiteToKiteIsaOptions lowering;
  lowering.entry = options.entry;
  lowering.layerAttrs = options.layerAttrs;
  lowering.host = options.host;
  pm.addPass(createConvertKiteToKiteIsa(lowering));
  pm.addNestedPass<kiteisa::ProgramOp>(kiteisa::createKiteIsaScheduleDma());
}

void kite::registerKitePipelines() {
  PassPipelineRegistration<CompileOptions>(
      "kite-compile",
      "Compile a model for the Kite accelerator: attach the target, raise "
      "TOSA/linalg to kite ops, quantize (integer or LP), LUT softmax "
      "(kite-lower then lowers the result to the accelerator)",
      buildCompilePipeline);
  PassPipelineRegistration<LowerOptions>(
      "kite-lower",
      "Lower the output of kite-compile to a kite_isa program: "
      "kite-pack-weights, kite-tile, kite-bufferize, "
      "convert-kite-to-kite-isa, "
      "kite-isa-schedule-dma",
      buildLowerPipeline);
}
