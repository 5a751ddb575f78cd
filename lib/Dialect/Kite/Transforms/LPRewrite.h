//===- LPRewrite.h - float MAC ops onto logarithmic posits ------*- C++ -*-===//
//
// What kite-lp-quantize and the LPQ search (kite-lp-quant-search) share:
// the MAC ops a model runs and the values they see on the calibration
// data, scale factors fitted once per (tensor, format), and the rewrite of
// one MAC op onto LP operands.
//
//===----------------------------------------------------------------------===//

#ifndef KITE_LIB_DIALECT_KITE_TRANSFORMS_LPREWRITE_H
#define KITE_LIB_DIALECT_KITE_TRANSFORMS_LPREWRITE_H

#include "kite/Dialect/Kite/Search/Calibration.h"
#include "kite/Interpreter/Interpreter.h"
#include "kite/Numerics/LP.h"

#include "mlir/IR/BuiltinOps.h"

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

namespace kite::lp {

/// Parses "n,es,rs" (sf is chosen later).
std::optional<numerics::LPFormat> parseFormat(llvm::StringRef text);

/// The scale factor in [-32, 32] with the least quantization MSE on `data`.
int bestScaleFactor(numerics::LPFormat f, const std::vector<float> &data);

/// One float MAC op and the values its operands take: the weights, or an
/// activation's values on the calibration data.
struct MacLayer {
  std::vector<float> lhs, rhs;
  /// For an activation sliced from a tensor that other MAC operands are
  /// sliced from too: all their values, on which the shared scale factor
  /// is fitted (null: the operand's own).
  std::shared_ptr<const std::vector<float>> lhsScaleData, rhsScaleData;
  std::vector<float> out; ///< the float model's result, all batches
  bool rhsConstant = false;
  bool reached = false;    // run by the entry function on the calibration data
  double selfContrast = 0; ///< contrastive loss of `out` against itself
};

/// The float kite.matmul and kite.conv2d ops of `module`, in program order.
llvm::SmallVector<mlir::Operation *> floatMacOps(mlir::ModuleOp module);

/// Runs the float model on the calibration data (the first `maxSamples`
/// samples if not 0) and records every MAC op's operand values; `output`
/// (if given) gets the entry function's first result, all batches
/// concatenated.
mlir::LogicalResult observe(mlir::ModuleOp module, llvm::StringRef passName,
                            const CalibrationData &calibration,
                            llvm::StringRef entry,
                            llvm::ArrayRef<mlir::Operation *> ops,
                            std::vector<MacLayer> *layers,
                            interp::Tensor *output, int64_t maxSamples = 0);

/// Activations sliced from one tensor (the ViT's Q, K and V) share one
/// scale factor, fitted on all their values. Returns, per layer, the first
/// layer whose activations are sliced from a tensor its own are sliced
/// from (itself if none): only when such layers share one activation
/// format do the slices have one LP type, so that one quantize of the
/// tensor, in its producer's drain, replaces theirs (the ViT's Q K^T and
/// A V; with different formats the head split moves f32 and three
/// quantizes follow it: 2.2x the 32x32 ViT's energy).
std::vector<size_t> shareScalesOfSlices(llvm::ArrayRef<mlir::Operation *> ops,
                                        std::vector<MacLayer> &layers);

/// Fitted scale factors, keyed by the data and the format, so a search
/// fits each (tensor, format) pair once.
class ScaleFactors {
public:
  int get(numerics::LPFormat f, const std::vector<float> &data) {
    auto key = std::make_tuple(&data, f.n, f.es, f.rs);
    {
      std::lock_guard<std::mutex> lock(mutex);
      auto it = cache.find(key);
      if (it != cache.end())
        return it->second;
    }
    // Two threads may fit the same pair; both get the same answer.
    int sf = bestScaleFactor(f, data);
    std::lock_guard<std::mutex> lock(mutex);
    cache.emplace(key, sf);
    return sf;
  }

private:
  std::mutex mutex;
  std::map<std::tuple<const void *, unsigned, unsigned, unsigned>, int> cache;
};

/// Replaces the float MAC op `op` by one on LP operands: weights become LP
/// constants, activations get a kite.quantize. A product of two
/// activations uses the activation format for both. Returns the new result.
mlir::Value rewriteToLP(mlir::Operation *op, const MacLayer &layer,
                        numerics::LPFormat af, numerics::LPFormat wf,
                        ScaleFactors &sfs);

/// Mean contrastive loss (numerics::contrastiveLoss, temperature 0.1) of
/// layer outputs `q` against `f` over the calibration batches of `batch`
/// of the `samples` samples (whole batches only).
double batchContrast(const std::vector<float> &q, const std::vector<float> &f,
                     int64_t samples, int64_t batch);

/// "n,es,rs".
std::string formatText(numerics::LPFormat f);

} // namespace kite::lp

#endif // KITE_LIB_DIALECT_KITE_TRANSFORMS_LPREWRITE_H
