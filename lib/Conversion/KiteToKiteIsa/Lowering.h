//===- Lowering.h - convert-kite-to-kite-isa internals ---------*- C++ -*-===//
//
// Internal to lib/Conversion/KiteToKiteIsa. One Lowering walks the entry
// function; its ops are lowered by the unit that runs them: the MAC array
// (MacArray.cpp), the vector and LUT units (VectorUnit.cpp) and data
// movement (DataMovement.cpp). KiteToKiteIsa.cpp holds the driver and the
// dispatch.
//
//===----------------------------------------------------------------------===//

#ifndef KITE_LIB_CONVERSION_KITETOKITEISA_LOWERING_H
#define KITE_LIB_CONVERSION_KITETOKITEISA_LOWERING_H

#include "Fusion.h"
#include "kite/Conversion/Bufferization.h"
#include "kite/Conversion/Tiling.h"
#include "kite/Dialect/Kite/IR/Kite.h"
#include "kite/Dialect/Kite/IR/PackedWeights.h"
#include "kite/Dialect/KiteIsa/IR/KiteIsa.h"
#include "kite/Runtime/Isa.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"

#include <array>
#include <deque>
#include <limits>

namespace kite::isel {

using namespace mlir;
namespace ki = kite::kiteisa;
namespace rt = kite::rt;

/// Whether `op` is a tosa.mul with a shift other than a constant zero
/// (which no unit implements).
bool hasShift(Operation *op);

/// The host_elementwise kind of an elementwise TOSA op on integers
/// (runtime index arithmetic), if it is one.
std::optional<rt::HostElementwiseKind> hostElementwiseKind(Operation *op);

inline int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

/// A tensor in DRAM.
struct Buffer {
  int64_t addr = 0;
  rt::DType dtype = rt::DType::F32;
};

inline SmallVector<int64_t> rowMajorStrides(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> strides(shape.size(), 1);
  for (int64_t d = int64_t(shape.size()) - 2; d >= 0; --d)
    strides[d] = strides[d + 1] * shape[d + 1];
  return strides;
}

inline int64_t product(ArrayRef<int64_t> shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

/// A tosa.clamp bound.
inline double clampBound(Attribute a) {
  if (auto f = dyn_cast<FloatAttr>(a))
    return f.getValueAsDouble();
  return double(cast<IntegerAttr>(a).getValue().getSExtValue());
}

/// A quantization to 8-bit codes done by the op that produces its input (a
/// drain, a layer norm, the LUT softmax), as its instruction's fields.
struct Requantization {
  int64_t format = rt::kNoFormat;
  SmallVector<double> scales = {1.0}; ///< one, or one per column (drains)
  int64_t zero = 0;
};
/// The fields for `quantize` (a matchRequantize match); a per-channel one
/// gets the scale of each of the `columns` its input's rows have.
inline Requantization requantization(QuantizeOp quantize, int64_t columns = 0) {
  QuantParams q = *quantParams(quantize, /*quantize=*/true);
  if (q.format.isLP)
    return {q.format.pack()};
  Requantization r{q.format.pack(), {q.scales[0]}, q.zeros[0]};
  if (q.scales.size() > 1) {
    r.scales.clear();
    for (int64_t j = 0; j < columns; ++j)
      r.scales.push_back(q.scales[size_t((j / q.inner) % q.scales.size())]);
  }
  return r;
}

/// What a drain does on the way out (store_acc_fused) when the float ops
/// after a MAC op fold into it.
struct Epilogue {
  SmallVector<double> scales; ///< per tensor or column; empty: LP
  SmallVector<int64_t> zeros;
  int64_t floatBias = -1; ///< DRAM address of N f32 values, or -1
  /// DRAM address of an f32 tensor laid out like the result, or -1.
  int64_t residual = -1;
  double lo = -std::numeric_limits<double>::infinity(),
         hi = std::numeric_limits<double>::infinity();
  double multiply = 1;
  /// store_acc_fused's: 0 none, 1 GELU, 2 tanh GELU, 3 leaky ReLU (alpha)
  int64_t activation = 0;
  double alpha = 0;
  /// The requantization of the result (format none: f32).
  Requantization requant;
  /// The LUT-unit table the int8 codes go through (empty: none).
  SmallVector<int64_t> table;
};

/// Element strides of `operand` broadcast to `shape` (TOSA: equal ranks).
FailureOr<SmallVector<int64_t>> broadcastStrides(Operation *op, Value operand,
                                                 ArrayRef<int64_t> shape);

/// outer x len x inner around `axis`.
inline std::array<int64_t, 3> around(ArrayRef<int64_t> shape, int64_t axis) {
  return {product(shape.take_front(axis)), shape[size_t(axis)],
          product(shape.drop_front(axis + 1))};
}

/// Lowers one function into a kite_isa.program.
class Lowering {
public:
  Lowering(func::FuncOp func, TargetAttr target, const BufferPlan &plan,
           OpBuilder &b, bool layerAttrs, bool allowHost)
      : func(func), target(target), plan(plan), b(b), layerAttrs(layerAttrs),
        allowHost(allowHost), dramNext(plan.dramBytes) {}

  LogicalResult run();

private:
  // Memory
  /// DRAM for the whole run (data segments), after the planned buffers.
  int64_t allocate(int64_t bytes) {
    int64_t addr = dramNext;
    dramNext +=
        int64_t(llvm::alignTo(std::max<int64_t>(bytes, 1), kBufferAlign));
    return addr;
  }
  /// The planned buffer of `v`, which `op` defines.
  FailureOr<Buffer> newBuffer(Operation *op, Value v) {
    auto block = plan.values.find(v);
    if (block == plan.values.end())
      return op->emitOpError()
             << "has no " << kBufferAttrName
             << " for its result (run kite-bufferize again after changing "
                "the function)";
    Buffer buf{block->second.addr,
               *dtypeOf(cast<ShapedType>(v.getType()).getElementType())};
    buffers[v] = buf;
    return buf;
  }
  /// The buffer a MAC op's drain writes: `result`'s, or that of the last op
  /// its epilogue folds in (then `ep` points to the epilogue).
  FailureOr<Buffer> drainBuffer(Operation *op, Value result, int64_t n,
                                bool nchw, bool floatBiasTaken,
                                const Epilogue *&ep);
  FailureOr<Buffer> bufferOf(Operation *op, Value v) {
    auto it = buffers.find(v);
    if (it == buffers.end())
      return op->emitOpError("operand has no DRAM buffer (defined by an op "
                             "the lowering skipped)");
    return it->second;
  }
  /// A constant segment; segments go with the inputs, before every
  /// instruction.
  int64_t addData(ArrayRef<char> bytes) {
    int64_t addr = allocate(int64_t(bytes.size()));
    SmallVector<int8_t> data(bytes.begin(), bytes.end());
    auto type = RankedTensorType::get({int64_t(data.size())}, b.getI8Type());
    OpBuilder::InsertionGuard guard(b);
    if (lastDescriptor)
      b.setInsertionPointAfter(lastDescriptor);
    else
      b.setInsertionPointToStart(b.getInsertionBlock());
    lastDescriptor = ki::DataOp::create(
        b, loc, addr, DenseIntElementsAttr::get(type, ArrayRef<int8_t>(data)));
    return addr;
  }
  LogicalResult lowerConstant(Operation *op, Attribute value);

  // Ops, by the unit that runs them.
  LogicalResult lowerOp(Operation *op);
  // MAC array (MacArray.cpp)
  LogicalResult lowerMatmul(MatmulOp op);
  LogicalResult lowerConv(Conv2DOp op);
  // Vector and LUT units (VectorUnit.cpp)
  /// A buffer read at element strides (0 broadcasts).
  struct Strided {
    int64_t addr;
    SmallVector<int64_t> strides;
  };
  /// The first `count` operands of `op` read over `shape`, the result's.
  FailureOr<SmallVector<Strided>>
  broadcastOperands(Operation *op, ArrayRef<int64_t> shape, unsigned count);
  LogicalResult lowerElementwise(Operation *op, numerics::BinaryFn fn);
  LogicalResult lowerCompare(Operation *op, numerics::CompareFn fn);
  LogicalResult lowerSelect(tosa::SelectOp op);
  LogicalResult lowerQuantize(Operation *op, bool quantize);
  LogicalResult lowerPool(Operation *op, bool isMax);
  LogicalResult lowerClamp(tosa::ClampOp op);
  LogicalResult lowerReduce(Operation *op, numerics::ReduceFn fn);
  LogicalResult lowerGelu(GeluOp op);
  LogicalResult lowerSoftmax(SoftmaxOp op);
  LogicalResult lowerLayerNorm(LayerNormOp op);
  LogicalResult lowerLutSoftmax(LutSoftmaxOp op);
  LogicalResult lowerUnary(Operation *op, numerics::UnaryFn fn);
  LogicalResult lowerLut(LutOp op);
  // Host segments (Host.cpp)
  /// tosa.argmax and tosa.cast as host_call.
  LogicalResult lowerHost(Operation *op);
  /// Integer elementwise ops on runtime data as host_elementwise.
  LogicalResult lowerHostElementwise(Operation *op,
                                     rt::HostElementwiseKind kind);
  /// A gather with computed indices as host_gather.
  LogicalResult lowerHostGather(tosa::GatherOp op);
  /// Whether `op` may run on the host, with an error naming why not.
  LogicalResult checkHost(Operation *op);
  /// The f32 input and the new result buffer of a one-input op.
  FailureOr<std::pair<Buffer, Buffer>> f32InOut(Operation *op);
  // Data movement (DataMovement.cpp)
  LogicalResult lowerTranspose(tosa::TransposeOp op);
  LogicalResult lowerSlice(tosa::SliceOp op);
  LogicalResult lowerConcat(tosa::ConcatOp op);
  LogicalResult lowerGather(tosa::GatherOp op);

  /// Everything a MAC op needs besides its configuration.
  struct MacProblem {
    int64_t m, k, n;
    int64_t lhs, rhs; ///< DRAM: M x K and K x N, row-major bytes
    int64_t out;      ///< DRAM address of the output buffer
    int64_t outRowStride, outColStride;
    rt::DType outType;
    /// Element (0, 0)'s offset in the output, in elements: a residual the
    /// drain adds has the output's layout, so it is read at the same offset.
    int64_t outOffset = 0;
    int64_t bias = -1; ///< DRAM address of N 32-bit values, or -1
    /// N:M weights: rhs holds the kept values, [ceil(K/group)*keep x N],
    /// rhsIndex their positions within each group (keep = 0: dense).
    int64_t keep = 0, group = 0, rhsIndex = -1;
    /// DRAM address of initial accumulators (M x N int32, like out), or -1.
    int64_t acc = -1;
    /// The drain's epilogue, and the absolute column of column 0 (its
    /// per-column vectors cover every column of the op).
    const Epilogue *epilogue = nullptr;
    int64_t column0 = 0;
    /// Rows stacked from several images (a convolution): row r is position
    /// r % rowsPerImage of image r / rowsPerImage, whose outputs start
    /// imageStride elements after the previous image's (0: one image).
    int64_t rowsPerImage = 0, imageStride = 0;
    /// The op it comes from, and its tile (#kite.tile) if it has one.
    Operation *op = nullptr;
    TileAttr tile;
    /// rhs is a constant: no instruction writes it.
    bool constantRhs = false;
    /// TASD-A: lhs read through the run-time N:M selection (0: dense),
    /// magnitudes below the threshold as zero; for a later term of a
    /// series, the earlier terms' (keep, group) pairs.
    int64_t actKeep = 0, actGroup = 0, actThreshold = 0;
    std::vector<int64_t> actPrior;
    void setActivationSparsity(NMAttr nm) {
      actKeep = actGroup = actThreshold = 0;
      actPrior.clear();
      if (!nm)
        return;
      actKeep = nm.getN();
      actGroup = nm.getM();
      actThreshold = nm.getThreshold();
      std::vector<numerics::NMPattern> series = nm.getSeries();
      for (const numerics::NMPattern &term : ArrayRef(series).drop_back())
        actPrior.insert(actPrior.end(), {int64_t(term.n), int64_t(term.m)});
    }
  };
  /// Emits the tiles of `chain`: MAC problems with the same activations,
  /// shape and output whose products add up in the same accumulators (one
  /// problem, or the N:M terms of a TASD chain); one drain per tile.
  LogicalResult emitMac(ArrayRef<MacProblem> chain);
  LogicalResult emitMac(const MacProblem &p) {
    return emitMac(ArrayRef<MacProblem>(p));
  }
  LogicalResult lowerChain(MatmulOp head, ArrayRef<MatmulOp> rest);
  /// The array layout of constant MAC weights: a kite.packed_weights's, or
  /// packed here from a constant.
  FailureOr<PackedWeights> packedWeights(Operation *op, Value weights,
                                         const WeightLayout &layout, NMAttr nm);
  /// Places matrix `matrix` of `packed` in DRAM; fills the rhs fields of
  /// `p`.
  void placeWeights(const PackedWeights &packed, const WeightLayout &layout,
                    int64_t matrix, NMAttr nm, MacProblem &p);
  LogicalResult emitConfig(Operation *op, Type lhsElem, IntFormatAttr lhsFormat,
                           Type rhsElem, IntFormatAttr rhsFormat,
                           MultiplierAttr multiplier, NMAttr lhsSparsity,
                           NMAttr rhsSparsity);
  void load(rt::Space space, int64_t dst, int64_t src, int64_t rows,
            int64_t rowBytes, int64_t stride) {
    if (space == rt::Space::Weight)
      llvm::erase_if(residentWeights, [&](const ResidentTile &r) {
        return dst < r.end && r.at < dst + rows * rowBytes;
      });
    ki::DmaLoadOp::create(b, loc, src, ki::Space(space), dst, rows, rowBytes,
                          stride);
  }
  /// A weight tile that an array pass left in WEIGHT at `at` (its half ends
  /// at `end`), for later passes over the same tile to read without a
  /// reload: the next row tile, or the next image of a convolution.
  struct ResidentTile {
    int64_t at, end;
    /// values, index (-1 if dense), rows, row bytes, source stride
    std::array<int64_t, 5> source;
    bool constant; ///< may outlive its MAC op (nothing writes the source)
  };
  SmallVector<ResidentTile, 4> residentWeights;

  func::FuncOp func;
  TargetAttr target;
  const BufferPlan &plan;
  OpBuilder &b;
  bool layerAttrs;
  /// Whether ops no unit runs may become host segments.
  bool allowHost;
  Location loc = UnknownLoc::get(b.getContext());
  /// The end of DRAM in use (its size is checked once the program is
  /// complete).
  int64_t dramNext;
  DenseMap<Value, Buffer> buffers;
  /// Matmuls lowered as part of the accumulator chain of an earlier one,
  /// and ops folded into a drain's epilogue.
  DenseSet<Operation *> fused;
  /// Epilogues of the ops lowered so far (MacProblems point into it).
  std::deque<Epilogue> epilogues;
  /// The last input or data descriptor: the next data segment goes after it.
  Operation *lastDescriptor = nullptr;
  int slotA = 0, slotW = 0, slotC = 0, slotB = 0;
};

/// Whether every use of `v` reads it as packed weights: a filter, or N:M
/// matmul weights.
bool readOnlyPacked(Value v);

} // namespace kite::isel

#endif // KITE_LIB_CONVERSION_KITETOKITEISA_LOWERING_H
