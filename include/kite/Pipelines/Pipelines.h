//===- Pipelines.h - named Kite pass pipelines ------------------*- C++ -*-===//
//
// The pipelines users run with kite-opt --pass-pipeline or the flag of the
// same name, registered in one place.
//
//===----------------------------------------------------------------------===//

#ifndef KITE_PIPELINES_PIPELINES_H
#define KITE_PIPELINES_PIPELINES_H

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

namespace kite {

/// Options of the kite-compile pipeline.
struct CompileOptions : mlir::PassPipelineOptions<CompileOptions> {
  Option<std::string> target{*this, "target",
                             llvm::cl::desc("Built-in target name"),
                             llvm::cl::init("kite-v1")};
  Option<std::string> targetFile{
      *this, "target-file",
      llvm::cl::desc("JSON target description (instead of --target)"),
      llvm::cl::init("")};
  Option<std::string> calibration{
      *this, "calibration",
      llvm::cl::desc("Calibration inputs (.npy/.npz) of the entry function; "
                     "needed by quantize"),
      llvm::cl::init("")};
  Option<std::string> entry{*this, "entry", llvm::cl::desc("Entry function"),
                            llvm::cl::init("main")};
  Option<bool> quantize{*this, "quantize",
                        llvm::cl::desc("Integer post-training quantization "
                                       "of the MAC-array ops"),
                        llvm::cl::init(true)};
  Option<unsigned> bits{*this, "bits",
                        llvm::cl::desc("Activation and weight width (2-8)"),
                        llvm::cl::init(8)};
  ListOption<std::string> layerBits{
      *this, "layer-bits",
      llvm::cl::desc("Per-layer integer widths (kite-quantize layer-bits)")};
  Option<double> weightBitBudget{
      *this, "weight-bit-budget",
      llvm::cl::desc("If > 0: weight widths chosen by sensitivity under "
                     "this MAC-weighted average (kite-quantize)"),
      llvm::cl::init(0.0)};
  Option<double> lpBudget{
      *this, "lp-budget",
      llvm::cl::desc("If > 0: logarithmic posits chosen by the LPQ search "
                     "under this average-bit budget, instead of integer "
                     "quantization"),
      llvm::cl::init(0.0)};
  Option<std::string> lpFormat{
      *this, "lp-format",
      llvm::cl::desc(
          "If set (n,es,rs): one logarithmic-posit format for "
          "every layer's activations and weights (kite-lp-quantize), "
          "instead of integer quantization"),
      llvm::cl::init("")};
  Option<std::string> lpLayerFormats{
      *this, "lp-layer-formats",
      llvm::cl::desc("Formats of the MAC layers kite-quantize leaves float "
                     "(layer-bits 'f', or all with quantize=false), "
                     "';'-separated 'n,es,rs/n,es,rs' (kite-lp-quantize "
                     "layer-formats); a plan's LP layers"),
      llvm::cl::init("")};
  Option<std::string> calibrationMethod{
      *this, "calibration-method",
      llvm::cl::desc("Activation ranges: mse, percentile or minmax"),
      llvm::cl::init("mse")};
  Option<double> percentile{
      *this, "percentile",
      llvm::cl::desc("Percentile of |x| for calibration-method=percentile"),
      llvm::cl::init(99.99)};
  Option<double> lpFallback{
      *this, "lp-fallback",
      llvm::cl::desc("Layers more than this fraction of whose nonzero "
                     "activations an integer format flushes to 0 run on "
                     "logarithmic posits (kite-quantize lp-fallback, then "
                     "kite-lp-quantize act-format=auto); 0 disables"),
      llvm::cl::init(0.5)};
  Option<std::string> weightMethod{
      *this, "weight-method",
      llvm::cl::desc("Weight channel ranges: auto (least-MSE at <= 4 bits, "
                     "max |w| above), minmax or mse"),
      llvm::cl::init("auto")};
  Option<bool> lutSoftmax{*this, "lut-softmax",
                          llvm::cl::desc("Softmax on the LUT unit"),
                          llvm::cl::init(true)};
  Option<std::string> softmaxUnits{
      *this, "softmax-units",
      llvm::cl::desc("Each softmax's unit in IR order (lut or exact, "
                     "comma-separated; a plan's); empty: the LUT's "
                     "calibration check decides"),
      llvm::cl::init("")};
  Option<bool> lutUnary{
      *this, "lut-unary",
      llvm::cl::desc("Elementwise functions of quantized tensors on the LUT "
                     "unit (with calibration data and a target that has one)"),
      llvm::cl::init(true)};
  Option<bool> report{
      *this, "report",
      llvm::cl::desc("The LUT and LP passes print each decision on stderr"),
      llvm::cl::init(true)};
  Option<std::string> softmaxMethod{*this, "softmax-method",
                                    llvm::cl::desc("rexp, lut2d or target"),
                                    llvm::cl::init("target")};
};

/// Appends kite-compile: attach the target, raise TOSA and linalg to kite
/// ops, then the enabled techniques, down to the quantized tensor level
/// (kitec then lowers with convert-kite-to-kite-isa).
void buildCompilePipeline(mlir::OpPassManager &pm,
                          const CompileOptions &options);

/// Options of the kite-lower pipeline.
struct LowerOptions : mlir::PassPipelineOptions<LowerOptions> {
  Option<std::string> entry{*this, "entry",
                            llvm::cl::desc("The function to lower"),
                            llvm::cl::init("main")};
  Option<bool> layerAttrs{
      *this, "layer-attrs",
      llvm::cl::desc("Mark each instruction with the position of its "
                     "tensor-level op (convert-kite-to-kite-isa)"),
      llvm::cl::init(false)};
  Option<bool> host{*this, "host",
                    llvm::cl::desc("Run ops no accelerator unit can (argmax, "
                                   "casts) as host segments"),
                    llvm::cl::init(true)};
};

/// Appends kite-lower: kite-pack-weights, kite-tile,
/// convert-kite-to-kite-isa, then the kite_isa passes that schedule the
/// instruction stream.
void buildLowerPipeline(mlir::OpPassManager &pm, const LowerOptions &options);

/// Registers every named pipeline.
void registerKitePipelines();

} // namespace kite

#endif // KITE_PIPELINES_PIPELINES_H
