//===- Passes.td - kite dialect passes ---------------------*- tablegen -*-===//

#ifndef KITE_PASSES_TD
#define KITE_PASSES_TD

include "mlir/Pass/PassBase.td"

def KiteSetTarget : Pass<"kite-set-target", "::mlir::ModuleOp"> {
  let summary = "Attach the accelerator description to the module";
  let description = [{
    Sets the module attribute `kite.target` that every later pass reads. The
    description comes from a JSON file (`file`, schema in `docs/target.md`)
    or, without a file, from the table of built-in targets (`target`).

    A module that already has a `kite.target` keeps it unless `override` is
    set; a file that does not parse or a field out of range is an error
    naming the file and the field.

    Example: `kite-opt --kite-set-target=target=kite-mini` turns

    ```mlir
    module {}
    ```

    into

    ```mlir
    module attributes {kite.target = #kite.target<"kite-mini", clock_mhz = 500,
        array = [8, 8], ...>} {}
    ```
  }];
  let options = [
    Option<"targetName", "target", "std::string", /*default=*/"\"kite-v1\"",
           "Name of a built-in target (kite-v1, kite-mini)">,
    Option<"file", "file", "std::string", /*default=*/"\"\"",
           "JSON target description to load instead of a built-in target">,
    Option<"override", "override", "bool", /*default=*/"false",
           "Replace a kite.target the module already has">
  ];
}

def KiteFoldConstants : Pass<"kite-fold-constants"> {
  let summary = "Replace every op whose operands are constants by its result";
  let description = [{
    One folder for every op: an op without side effects or regions whose
    operands are all constants (`tosa.const`, `arith.constant`,
    `kite.constant`, ...) is run by the reference interpreter — the kernels
    `kite-run` uses — and replaced by constants (`tosa.const` for TOSA ops,
    `arith.constant` otherwise), repeatedly, so chains fold. Results of more
    than 2^24 elements, LP-typed results (their quantize folders handle
    them) and ops the interpreter cannot run stay. Batch norms exported
    unfolded (`rsqrt(var + eps)` on constants) become plain per-channel
    constants this way, ready for `kite-fold-scale-shift`.

    Example:

    ```mlir
    %v = "tosa.const"() <{values = dense<3.0> : tensor<4xf32>}> : () -> tensor<4xf32>
    %r = tosa.rsqrt %v : (tensor<4xf32>) -> tensor<4xf32>
    ```

    becomes

    ```mlir
    %r = "tosa.const"() <{values = dense<0.577350259> : tensor<4xf32>}> : () -> tensor<4xf32>
    ```
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::tosa::TosaDialect"];
}

def KiteFoldScaleShift : Pass<"kite-fold-scale-shift"> {
  let summary = "Fold per-channel scales and shifts after MAC ops into them";
  let description = [{
    A float `kite.conv2d` or `kite.matmul` with constant weights whose
    result only a `tosa.mul`, `tosa.add` or `tosa.sub` by a per-output-
    channel constant reads (a constant that varies at most along the
    result's channel axis: 1 for a convolution, the last for a matmul)
    absorbs it: a scale multiplies the channel's weights and bias, a shift
    (convolutions only: a matmul has no bias) adds to the bias. After
    `kite-fold-constants`, an inference-mode batch norm is such a chain of a
    subtraction, a multiplication and an addition, and vanishes into the
    convolution before quantization sees it.

    Example:

    ```mlir
    %y = kite.conv2d %x, %w bias(%b) {...} : (...) -> tensor<1x4x8x8xf32>
    %z = tosa.mul %y, %k, %shift : (tensor<1x4x8x8xf32>, tensor<1x4x1x1xf32>, tensor<1xi8>) -> tensor<1x4x8x8xf32>
    ```

    becomes a `kite.conv2d` whose filter and bias channels are multiplied
    by `%k`'s values.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

def KiteTile : Pass<"kite-tile", "::mlir::ModuleOp"> {
  let summary = "Choose each MAC op's tile for the target's array and buffers";
  let description = [{
    Sets `tile = #kite.tile<m, k, n>` on every `kite.matmul` and
    `kite.conv2d`: the rows, reduction and columns of one array pass, which
    `convert-kite-to-kite-isa` then uses. A tile takes at most half of the
    module target's ACT, WEIGHT (less two slots of per-column vectors) and
    ACC buffers, so that the next tile can load into the other half while
    the array works on this one. Within that it takes as many output columns
    as the array has (more when the accumulator half holds them), then the
    longest reduction, then as many rows as fit; N:M weights take whole
    groups along k, their values and packed indices sharing the weight half,
    and a multiple of 8 columns when a tile does not cover them all. An op
    that would be one tile in all — one problem, in an accumulator chain of
    at most two terms, with at least two array heights of rows — gets two
    row tiles instead, so that loading, multiplying and draining overlap
    (on the digits MLP: 21 % fewer cycles).

    An op that already has a tile (written by hand, to try another
    cut) keeps it unless `override` is set; a tile that does not fit the
    target is an error naming the buffer.

    The problem a tile cuts: a matmul whose weights every batch shares is
    one (batch x M) x K x N problem, other batched matmuls one M x K x N
    problem per batch; a convolution is one (images x output positions) x
    (channels x kernel) x (filters) problem per group and block of images:
    as many images as make eight array heights of rows (within half the ACT
    buffer), so that a weight-stationary pass is not mostly filling and
    draining the array.

    Example, on kite-mini (ACT 32 KiB, WEIGHT 32 KiB, ACC 8 KiB, 8 x 8
    array):

    ```mlir
    %y = kite.matmul %x, %w {lhs_format = #kite.int<8, signed>, ...}
        : (tensor<64x512xi8>, tensor<512x256xi8>) -> tensor<64x256xi32>
    ```

    gets `tile = #kite.tile<32, 512, 16>`.
  }];
  let options = [
    Option<"override", "override", "bool", /*default=*/"false",
           "Replace tiles the ops already have">
  ];
}

def KiteBufferize : Pass<"kite-bufferize", "::mlir::ModuleOp"> {
  let summary = "Place every tensor the program materializes in DRAM or the scratchpad";
  let description = [{
    Plans the memory of the entry function for the module's target and
    records it as `kite.buffer = #kite.buffer<space, offset, bytes>` on the
    op defining each tensor `convert-kite-to-kite-isa` materializes (on the
    function's arguments as argument attributes), and as `kite.patches` on
    each convolution for its im2col patches. The lowering then emits these
    addresses; without the attributes it makes the same plan itself.

    In program order: arguments get DRAM for the whole run; every other
    tensor gets a block that is free again after its last use, in the
    on-chip scratchpad (first fit, 64-byte aligned) unless the host reads it
    back (a function result, or a reshape of one) or the scratchpad is
    full, then in DRAM. An elementwise or row-wise op (add, sub, mul,
    maximum, minimum, clamp, GELU, layer norm, dequantize) whose operand
    dies at it and has its size writes over that operand. Reshapes alias
    their operand; constants become data segments after the planned DRAM.
    Tensors that never exist in memory get no buffer: the ops a MAC op's
    drain covers (dequantize, f32 bias add, clamp, requantize: its
    epilogue) and the inner terms of a TASD accumulator chain.

    Edit the attributes to try another placement: the lowering checks that
    each buffer holds its tensor and lies inside the target's memory (not
    that the blocks of live tensors stay apart). Run the pass again after
    changing the function.

    Example, on kite-v1:

    ```mlir
    func.func @main(%x: tensor<4x8xi8>) -> tensor<4x16xf32> {
      %y = kite.matmul %x, %w {...} : (...) -> tensor<4x16xi32>
      %z = kite.dequantize %y {scale = array<f64: 0.5>} : ... -> tensor<4x16xf32>
      %r = tosa.clamp %z {...} : (tensor<4x16xf32>) -> tensor<4x16xf32>
      return %r : tensor<4x16xf32>
    }
    ```

    gets `{kite.buffer = #kite.buffer<dram, 0, 32>}` on `%x` and
    `kite.buffer = #kite.buffer<dram, 64, 256>` on the clamp, into which the
    matmul's drain dequantizes and clamps; `%y` and `%z` get none.
  }];
  let options = [
    Option<"entry", "entry", "std::string", /*default=*/"\"main\"",
           "The function to plan (the one convert-kite-to-kite-isa lowers)">,
  ];
}

def KitePackWeights : Pass<"kite-pack-weights", "::mlir::ModuleOp"> {
  let summary = "Put constant MAC weights in the array's layout";
  let description = [{
    Replaces each constant convolution filter, and each constant
    `kite.matmul` weight tensor with `rhs_sparsity` = N:M, by a
    `kite.packed_weights` holding the bytes the lowering copies to DRAM:
    filters as one K x N matrix per group (K = C·kh·kw, the im2col row; one
    column per filter), N:M weights compressed to the N kept entries of
    every group of M along K (the ones `kite.matmul` selects) and their
    in-group positions in ⌈log2 M⌉ bits each (below: column 0 keeps rows 2
    and 3, column 1 rows 1 and 2; index row 0 is 2 | 1 << 2 = 6). Dense matmul weights are
    already K x N row-major and stay constants; so do weights of other
    types than integers or LP of at most 8 bits (the lowering rejects their
    ops).

    The model computes the same values: `kite.packed_weights` stands for
    the weights with the entries N:M drops set to zero, which the MAC op
    would not read anyway. Ops in one block that read a constant the same
    way (the terms of a TASD-A series) share one packed copy, so DRAM holds
    it once. Constants left without uses are erased.
    `convert-kite-to-kite-isa` packs constants itself when this pass has
    not run, with the same code.

    Example:

    ```mlir
    %w = arith.constant dense<[[1, 2], [3, -4], [5, 6], [7, 0]]> : tensor<4x2xi8>
    %y = kite.matmul %x, %w {rhs_sparsity = #kite.nm<2, 4>} : ...
    ```

    becomes

    ```mlir
    %w = kite.packed_weights {groups = 1 : i64, sparsity = #kite.nm<2, 4>,
                              values = dense<[5, -4, 7, 6]> : tensor<4xi8>,
                              index = dense<[6, 11]> : tensor<2xi8>}
        -> tensor<4x2xi8>
    %y = kite.matmul %x, %w {rhs_sparsity = #kite.nm<2, 4>} : ...
    ```
  }];
}

def KiteLutSoftmax : Pass<"kite-lut-softmax", "::mlir::ModuleOp"> {
  let summary = "Evaluate softmax with the target's look-up-table unit";
  let description = [{
    Replaces every float `kite.softmax` by `kite.lut_softmax` followed by a
    `kite.dequantize` (scale 1/(2^w - 1)), so the rest of the model is
    unchanged. The tables are generated from the softmax unit of the
    module's `kite.target` (the built-in default without one): its method
    unless `method` overrides it, its step, entry width and table shapes.

    The one free parameter, the row quantisation (`sum_shift`), is fitted
    to the softmax's own inputs: with `calibration` (an .npy/.npz file of
    inputs for the entry function), the pass runs the reference interpreter
    on it and collects the rows each softmax sees; it then also quantizes
    the softmax input to int8 (per tensor, symmetric, max-abs calibrated),
    as the unit takes it. Without calibration data the rows are drawn from
    N(0, 2^2) (the documented distribution of `kite-numerics softmax`) and
    the input stays float.

    Example:

    ```mlir
    %p = kite.softmax %x {axis = -1 : i64} : tensor<4x16xf32>
    ```

    becomes

    ```mlir
    %q = kite.quantize %x {format = #kite.int<8, signed>, scale = array<f64: 0.0314>,
                           zero_point = array<i64: 0>} : tensor<4x16xf32> -> tensor<4x16xi8>
    %l = kite.lut_softmax %q {axis = -1 : i64, method = #kite.softmax_method<lut2d>,
           input_scale = 0.0314 : f64, ...} : tensor<4x16xi8> -> tensor<4x16xi16>
    %p = kite.dequantize %l {scale = array<f64: 0.00392>, zero_point = array<i64: 0>}
        : tensor<4x16xi16> -> tensor<4x16xf32>
    ```
  }];
  let options = [
    Option<"method", "method", "std::string", /*default=*/"\"target\"",
           "rexp, lut2d, or target (the target's unit)">,
    Option<"calibration", "calibration", "std::string", /*default=*/"\"\"",
           "Calibration inputs (.npy or .npz) of the entry function">,
    Option<"entry", "entry", "std::string", /*default=*/"\"main\"",
           "Function the calibration data is for">
  ];
  let dependentDialects = ["::kite::KiteDialect"];
}

def KiteQuantize : Pass<"kite-quantize", "::mlir::ModuleOp"> {
  let summary = "Post-training integer quantization of the MAC-array ops";
  let description = [{
    The baseline every other technique is measured against. For every float
    `kite.matmul` whose right operand and every float `kite.conv2d` whose
    filter is a constant:

    * the weights become signed `weight-bits` integers, symmetric, one scale
      per output channel, folded at compile time; the channel's range is
      max |w| (`weight-method=minmax`) or the clipping threshold with the
      least quantization MSE (`mse`); `auto` (default) takes MSE at 4 bits
      and below, where rounding error dominates (2-bit MLP layers: 0.70 ->
      0.96 top-1), and max |w| above;
    * the activation input is quantized per tensor, symmetric, to signed
      `act-bits` integers, its range calibrated on the calibration data
      (`method`: `minmax`, `percentile` or `mse`; see docs/numerics.md);
    * the op runs on integers with `#kite.int` operand formats into an i32
      accumulator; a conv bias is folded in as i32 (round(b / (s_x s_w)));
    * a per-channel `kite.dequantize` (scale s_x s_w[c]) returns to float.

    A float `kite.matmul` of two activations (attention's Q K^T and P V)
    gets both operands quantized per tensor with calibrated scales and one
    dequantize (s_a s_b), so every MAC-array op runs on integers.

    Float ops between layers (ReLU, residual adds, LayerNorm, ...) stay
    float, so a dequantize followed by the next layer's quantize is the
    requantization between layers. A per-tensor quantize moves above the
    transposes, max pools and reshapes that feed it alone, which then move
    int8 codes (a quarter of the bytes) while the op before can requantize
    as it produces its result. Quantization commutes with data movement; for
    max pooling, rounding and clamping are monotone, so the pool takes the
    same maxima of codes (NaNs aside). Slices that cover one axis of a
    tensor once, each quantized per tensor, become one per-channel
    quantize of the tensor along that axis (each index with its slice's
    scale), which moves above transposes too; the drain before it then
    requantizes per column. On kite-v1 the digits CNN uses 20 % less
    energy for 15 % more cycles (EDP 8 % lower); the ViT's head transposes
    move codes (EDP 15 % lower), then its Q, K, V split too (energy 27 %,
    EDP 30 % lower again). Widths are `act-bits` x `weight-bits`
    unless `layer-bits` gives a layer its own (mixed precision, e.g.
    `layer-bits=-,4x4,2x8`); the target's `int_bits` must include every
    width used.

    With `weight-bit-budget` > 0 the weight widths are chosen instead, by
    sensitivity: every layer alone is quantized at each of `weight-widths`
    (activations at `act-bits`, the other layers float) and the relative
    output error on the calibration data, sum((y - y_float)^2) /
    sum(y_float^2), is its sensitivity at that width. Starting from the
    widest, the layer whose next narrower width adds the least error per
    MAC-weighted weight bit saved is narrowed, until the MAC-weighted
    average weight width is at most the budget. The choice and every
    sensitivity are printed on stderr.

    Example (`act-bits=8 weight-bits=8`):

    ```mlir
    %y = kite.matmul %x, %w : (tensor<4x64xf32>, tensor<64x10xf32>) -> tensor<4x10xf32>
    ```

    becomes

    ```mlir
    %qx = kite.quantize %x {format = #kite.int<8, signed>, scale = array<f64: 0.0078>, ...}
    %qw = arith.constant dense<...> : tensor<64x10xi8>
    %acc = kite.matmul %qx, %qw {lhs_format = #kite.int<8, signed>, rhs_format = #kite.int<8, signed>}
        : (tensor<4x64xi8>, tensor<64x10xi8>) -> tensor<4x10xi32>
    %y = kite.dequantize %acc {axis = 1 : i64, scale = array<f64: ...>, ...}
    ```
  }];
  let options = [
    Option<"calibration", "calibration", "std::string", /*default=*/"\"\"",
           "Calibration inputs (.npy or .npz) of the entry function (required)">,
    Option<"entry", "entry", "std::string", /*default=*/"\"main\"",
           "Function the calibration data is for">,
    Option<"method", "method", "std::string", /*default=*/"\"minmax\"",
           "Activation range: minmax, percentile or mse">,
    Option<"percentile", "percentile", "double", /*default=*/"99.99",
           "Percentile for method=percentile">,
    Option<"weightMethod", "weight-method", "std::string",
           /*default=*/"\"auto\"",
           "Weight channel range: minmax (max |w|), mse (least quantization "
           "error) or auto (mse at 4 bits and below, minmax above)">,
    Option<"actBits", "act-bits", "unsigned", /*default=*/"8",
           "Activation width (2-8)">,
    Option<"weightBits", "weight-bits", "unsigned", /*default=*/"8",
           "Weight width (2-8)">,
    ListOption<"layerBits", "layer-bits", "std::string",
               "Per-layer widths, one entry per float MAC op in IR order: "
               "'-' (the defaults), 'A' (both operands) or 'AxW' "
               "(activation x weight)">,
    Option<"weightBitBudget", "weight-bit-budget", "double", /*default=*/"0",
           "If > 0: choose weight widths by sensitivity so that the "
           "MAC-weighted average is at most this">,
    ListOption<"weightWidths", "weight-widths", "unsigned",
               "Weight widths the sensitivity search may choose "
               "(default 8,4,2)">
  ];
  let dependentDialects = ["::kite::KiteDialect", "::mlir::arith::ArithDialect"];
}

def KiteLPQuantize : Pass<"kite-lp-quantize", "::mlir::ModuleOp"> {
  let summary = "Run the MAC-array ops on logarithmic posits";
  let description = [{
    For every float `kite.matmul` whose right operand and every float
    `kite.conv2d` whose filter is a constant: the weights become a
    `kite.constant` of `!kite.lp<n, es, rs, sf>` codes (`weight-format`), the
    activation a `kite.quantize` to `!kite.lp<...>` (`act-format`), and the
    op multiplies in the log domain and accumulates into f32 (see
    `kite.matmul`). A product of two activations gets both operands in the
    activation format.

    Each tensor's scale factor sf is the one in [-32, 32] with the least
    quantization MSE — over the weights themselves, or over the values the
    activation takes on the calibration data (activations sliced from one
    tensor share one, fitted over all their values). `layer-formats` gives
    layers their own formats (mixed precision, e.g.
    `layer-formats=-;6,1,5/4,0,3`).

    As in `kite-quantize`, each activation quantize then moves above the
    transposes, max pools and reshapes that feed it alone. They move the LP
    words as sign-extended `i8` between two `kite.bitcast` ops (TOSA takes
    no LP element types; posit codes in two's complement order like their
    values, and LP encoding is monotone, so a max pool of codes is the code
    of the max). Activations sliced from one tensor (the ViT's Q, K and V)
    share one scale factor, fitted on all their values, so that with one
    format their quantizes — one LP type on slices that cover an axis once
    — become one quantize of the tensor, which moves too. On kite-v1 the
    LPQ digits CNN then takes 20 % less energy (EDP 8 % less), the ViT
    36 % less (EDP 43 % less).

    Example (`act-format=8,1,7 weight-format=6,1,5`):

    ```mlir
    %y = kite.matmul %x, %w : (tensor<4x64xf32>, tensor<64x10xf32>) -> tensor<4x10xf32>
    ```

    becomes

    ```mlir
    %lw = kite.constant dense<...> : tensor<64x10xi8> -> tensor<64x10x!kite.lp<6, 1, 5, 2>>
    %lx = kite.quantize %x : tensor<4x64xf32> -> tensor<4x64x!kite.lp<8, 1, 7, 0>>
    %y = kite.matmul %lx, %lw : (...) -> tensor<4x10xf32>
    ```
  }];
  let options = [
    Option<"calibration", "calibration", "std::string", /*default=*/"\"\"",
           "Calibration inputs (.npy or .npz) of the entry function (required)">,
    Option<"entry", "entry", "std::string", /*default=*/"\"main\"",
           "Function the calibration data is for">,
    Option<"actFormat", "act-format", "std::string", /*default=*/"\"8,1,7\"",
           "Activation format n,es,rs (sf is calibrated)">,
    Option<"weightFormat", "weight-format", "std::string",
           /*default=*/"\"8,1,7\"", "Weight format n,es,rs (sf is fitted)">,
    Option<"layerFormats", "layer-formats", "std::string", /*default=*/"",
           "Per-layer formats, ';'-separated, one entry per float MAC op in "
           "IR order: '-' or 'n,es,rs/n,es,rs' (activation/weight)">
  ];
  let dependentDialects = ["::kite::KiteDialect"];
}

def KiteLPQuantSearch : Pass<"kite-lp-quant-search", "::mlir::ModuleOp"> {
  let summary = "Search each layer's logarithmic-posit formats (LPQ)";
  let description = [{
    A genetic algorithm over per-layer genes — the activation and the weight
    format of every float `kite.matmul` and `kite.conv2d`, each one of
    `candidates` — then the rewrite of `kite-lp-quantize` with the best
    genome's formats (scale factors fitted by MSE as there, quantizes
    moved above data movement as there).

    A genome is scored by running the LP model with the reference
    interpreter on the calibration data against the float model:
    `relative squared error of the outputs + 0.1 * (1 - top-1 agreement) +
    contrastive * C + max(0, average bits - bit-budget) + max(0, MAC energy
    - energy-budget)` (the last with `energy-budget` > 0), lower is better
    (the error leads because a small calibration set soon agrees
    perfectly). C is the per-layer contrastive term: for every layer, the
    InfoNCE of its LP output against its float output over the samples of
    each calibration batch (cosine similarity, temperature 0.1; the same
    sample is the positive, the batch's others the negatives), minus the
    float output's against itself, clamped at 0, in units of log(batch),
    averaged over layers — how much worse the layer tells samples apart. Average bits is the
    mean over layers of (activation n + weight n) / 2; MAC energy is the
    genome's per run on the target's cost model (the simulator's LP MAC:
    log-domain adder of the wider word, shift, 32-bit accumulate) relative
    to the same layers' INT8 MACs. The first population
    holds every uniform assignment, the rest is random; binary tournaments,
    uniform crossover, per-gene mutation, the best genome kept. Deterministic
    for a fixed `seed`. Progress per generation and the chosen formats (as a
    `layer-formats=` value for `kite-lp-quantize`) go to stderr.

    Then `trade-rounds` rounds of trades: a mutation changes one gene at a
    time, so under a tight budget the GA rarely widens a layer that needs it
    while narrowing one that can take it. A round scores every one-step
    widening and narrowing of the best genome alone, pairs the three of
    each that hurt least (without the budget penalty), and keeps the
    fittest genome found if it beats the best. On the digits ViT this gives
    the patch embedding, which reads the image, wider activations (test
    top-1 0.9333 -> 0.9422, float 0.9489).

    New genomes of a generation are evaluated in parallel on the context's
    threads (`--mlir-disable-threading` for one); the result does not depend
    on the thread count.

    Example (`bit-budget=6`, the digits CNN): stderr ends with
    `chose layer-formats=6,1,5/6,1,5;7,1,6/6,1,5;7,1,6/4,0,3 (6.00 average
    bits, ...)` and the three MAC ops become LP ops as in `kite-lp-quantize`.
  }];
  let options = [
    Option<"calibration", "calibration", "std::string", /*default=*/"\"\"",
           "Calibration inputs (.npy or .npz) of the entry function (required)">,
    Option<"entry", "entry", "std::string", /*default=*/"\"main\"",
           "Function the calibration data is for">,
    Option<"candidateFormats", "candidates", "std::string",
           /*default=*/"\"8,1,7;7,1,6;6,1,5;5,1,4;4,0,3\"",
           "';'-separated formats n,es,rs a layer may use">,
    Option<"bitBudget", "bit-budget", "double", /*default=*/"6.0",
           "Average bits above which genomes are penalised">,
    Option<"contrastive", "contrastive", "double", /*default=*/"0.1",
           "Weight of the per-layer contrastive term (0: off)">,
    Option<"energyBudget", "energy-budget", "double", /*default=*/"0",
           "If > 0: MAC energy per run, relative to INT8 MACs on the "
           "target, above which genomes are penalised">,
    Option<"population", "population", "unsigned", /*default=*/"16",
           "Genomes per generation">,
    Option<"generations", "generations", "unsigned", /*default=*/"8",
           "Generations">,
    Option<"calibrationSize", "calibration-size", "unsigned",
           /*default=*/"0",
           "Score genomes on the first this many calibration samples "
           "(0: all; whole batches)">,
    Option<"threads", "threads", "unsigned", /*default=*/"0",
           "Threads scoring genomes (0: the context's, which "
           "--mlir-disable-threading makes one)">,
    Option<"tradeRounds", "trade-rounds", "unsigned", /*default=*/"1",
           "Rounds of one-step trades (one layer wider, another narrower) "
           "after the GA (0: none)">,
    Option<"mutation", "mutation", "double", /*default=*/"0.1",
           "Probability of redrawing each gene">,
    Option<"crossover", "crossover", "double", /*default=*/"0.9",
           "Probability that a child mixes two parents">,
    Option<"seed", "seed", "unsigned", /*default=*/"1",
           "Random seed">
  ];
  let dependentDialects = ["::kite::KiteDialect"];
}

def KiteAppMulSelect : Pass<"kite-appmul-select", "::mlir::ModuleOp"> {
  let summary = "Choose an approximate multiplier per layer (FAMES)";
  let description = [{
    For every integer `kite.matmul`/`kite.conv2d` (after `kite-quantize`),
    picks the cheapest multiplier of the target's library that is defined
    for the layer's operand widths, keeping the model's loss within budget,
    without running the model once per candidate:

    1. one forward and backward run of the reference interpreter over the
       calibration data (cross-entropy against `labels`) records per layer
       the counting matrix C[a][w] (products with operands a, w) and the
       gradient-weighted matrix G[a][w] (sum of dL/dy over the outputs those
       products feed; y is the layer's integer accumulator);
    2. for each multiplier k with error table E_k the Taylor estimate is
       dL = <G, E_k> (first order) + 1/2 sum_o h_o E[dy_o^2] (order 2), with
       h_o = B g_o^2 (diagonal Fisher of the mean loss over B rows). An
       output's error is the sum of its K products' errors, which add up or
       cancel depending on its weights (a truncated product errs towards
       zero, so the error's sign follows the weight's): with n_o(w) of its
       weights equal to w, E[dy_o^2] = sum_w n_o(w) Var(E_k | w) +
       (sum_w n_o(w) Mean(E_k | w))^2, the statistics of E_k given w under
       C;
    3. trust region: a candidate whose expected output error power
       sum_o E[dy_o^2] exceeds `max-noise` x the layer's output power
       sum_o y_o^2 is dropped. The Taylor expansion only holds for small
       perturbations, and a well-trained model's gradients are near zero on
       its calibration data, so the second-order term misses large ones (on
       the ViT, 8 truncated product bits in the QKV projection are
       predicted at -0.017 nats and measured at +5.6; their error power is
       37 % of the output's);
    4. a multiple-choice knapsack minimises multiplier energy (relative
       energy x exact A x W-bit energy from the target x MAC count) subject
       to sum |first-order term| + second-order term <= `loss-budget` (a
       predicted decrease of the loss is not trusted), solved exactly by a
       dynamic program over the budget (`solver=dp`) or by a Lagrangian
       sweep (`solver=lagrangian`: within the budget, possibly dearer);
    5. with `screen`, each substitution the knapsack picks is run
       alone on the calibration data once, and its |measured loss change|
       replaces its estimate as knapsack weight; the knapsack is solved
       again until every substitution it picks is measured;
    6. the choice is verified on the calibration data: if top-1 accuracy
       drops more than `max-drop` below the exact multipliers' or the loss
       rises more than `loss-budget`, the knapsack's budget is halved and
       the selection repeated (at most 10 times; exact multipliers if
       nothing passes); then `refine` bisection steps between the budget
       that passed and the smallest that failed look for a cheaper choice
       that still passes. A choice already verified is not run again.

    `method=ga` is the baseline FAMES is measured against: a genetic
    algorithm over the same per-layer choices (tournament selection, uniform
    crossover, per-gene mutation, one elite; seeded, deterministic) whose
    fitness runs the model on the calibration data: energy, if the measured
    loss increase is within `loss-budget` and the accuracy drop within
    `max-drop`, else a penalty. Its progress (best energy, evaluations and
    elapsed time per generation) goes to stderr. Both methods report their
    wall time and number of model evaluations with `report`.

    Each op gets `multiplier = #kite.mul<"...">`. With `check-estimates`,
    the pass also measures every single-layer substitution by running the
    model and prints the Spearman rank correlation between predicted and
    measured loss changes (stderr); `report` prints the per-layer choice.
  }];
  let options = [
    Option<"calibration", "calibration", "std::string", /*default=*/"\"\"",
           "Calibration inputs (.npy) of the entry function (required)">,
    Option<"labels", "labels", "std::string", /*default=*/"\"\"",
           "Integer labels of the calibration inputs (.npy, required)">,
    Option<"entry", "entry", "std::string", /*default=*/"\"main\"",
           "Function to run">,
    Option<"lossBudget", "loss-budget", "double", /*default=*/"0.05",
           "Bound on the loss increase (nats): on the summed estimates, and "
           "on the measured change when the choice is verified">,
    Option<"maxNoise", "max-noise", "double", /*default=*/"0.05",
           "Trust region: largest expected output error power of a "
           "candidate, as a fraction of the layer's output power">,
    Option<"refine", "refine", "unsigned", /*default=*/"3",
           "After verification passes, bisection steps between the "
           "knapsack budget that passed and the smallest that failed">,
    Option<"solver", "solver", "std::string", /*default=*/"\"dp\"",
           "Knapsack solver: dp (exact over the budget in 2000 steps) or "
           "lagrangian (bisection on the multiplier of the loss)">,
    Option<"calibrationSize", "calibration-size", "unsigned",
           /*default=*/"0",
           "Use the first N calibration inputs (whole batches; 0: all)">,
    Option<"maxDrop", "max-drop", "double", /*default=*/"0.0",
           "Largest allowed top-1 accuracy drop on the calibration data">,
    Option<"order", "order", "unsigned", /*default=*/"2",
           "Taylor order: 1 or 2">,
    Option<"screen", "screen", "bool", /*default=*/"false",
           "Run each substitution the knapsack picks alone once and use the "
           "measured loss change in place of its estimate (more model "
           "evaluations: 71 instead of 9 on the mixed-precision ViT)">,
    Option<"checkEstimates", "check-estimates", "bool", /*default=*/"false",
           "Measure every single-layer substitution and report the rank "
           "correlation with the estimates">,
    Option<"report", "report", "bool", /*default=*/"false",
           "Print the per-layer choice on stderr">,
    Option<"method", "method", "std::string", /*default=*/"\"taylor\"",
           "taylor (FAMES) or ga (the genetic-algorithm baseline)">,
    Option<"population_", "population", "unsigned", /*default=*/"16",
           "GA population">,
    Option<"generations", "generations", "unsigned", /*default=*/"20",
           "GA generations">,
    Option<"mutation", "mutation", "double", /*default=*/"0.1",
           "GA per-gene mutation probability">,
    Option<"seed", "seed", "unsigned", /*default=*/"1", "GA random seed">,
    Option<"dumpEstimates", "dump-estimates", "std::string",
           /*default=*/"\"\"",
           "Write every layer's candidates (predicted loss change, energy, "
           "and with check-estimates the measured change) and the final "
           "choice's predicted and measured loss change as JSON">
  ];
  let dependentDialects = ["::kite::KiteDialect"];
}

def KiteTasd : Pass<"kite-tasd", "::mlir::ModuleOp"> {
  let summary = "TASD-W: decompose integer weights into a series of N:M terms";
  let description = [{
    Rewrites every integer `kite.matmul` and `kite.conv2d` whose weights
    are a constant (and not already N:M) into a chain of structured-sparse
    ops of its kind that share the activations and the accumulator:

    W = T1 + T2 + ... + R, where T1 keeps, in every group of M1 rows of each
    column, the N1 entries of largest magnitude of W (the same selection the
    interpreter and the array apply), T2 does the same on W - T1, and so on
    for the terms of `series` (e.g. `2:4+1:8`). Each term runs as
    `kite.matmul ... {rhs_sparsity = #kite.nm<Ni, Mi>}` with the previous
    term's result as `acc`; the residual R is dropped. A convolution's
    groups run along each filter's flattened `(c, kh, kw)` (its im2col
    reduction), its terms are `kite.conv2d ... {filter_sparsity = ...}`, and
    the first term keeps the bias. A term that would
    keep nothing is not emitted. Every pattern must be supported by the
    module's target. With `report`, each layer's relative residual
    ||R|| / ||W|| and the weights kept go to stderr.

    A tensor that is already N:M decomposes into one term with a zero
    residual; a series with enough capacity (e.g. `2:4+2:4` on groups of 4)
    reproduces the weights exactly.

    Example (`series=2:4+2:4`):

    ```mlir
    %y = kite.matmul %x, %w : (tensor<2x4xi8>, tensor<4x1xi8>) -> tensor<2x1xi32>
    ```

    becomes

    ```mlir
    %t0 = kite.matmul %x, %w0 {rhs_sparsity = #kite.nm<2, 4>} : ...
    %y = kite.matmul %x, %w1 acc(%t0) {rhs_sparsity = #kite.nm<2, 4>} : ...
    ```
  }];
  let options = [
    Option<"series", "series", "std::string", /*default=*/"\"2:4\"",
           "N:M terms, '+'-separated (e.g. 2:4+1:8)">,
    Option<"report", "report", "bool", /*default=*/"false",
           "Print each layer's residual and kept weights on stderr">,
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

def KiteTasdActivations : Pass<"kite-tasd-activations", "::mlir::ModuleOp"> {
  let summary = "TASD-A: read ReLU (and GELU) activations through a run-time "
                "N:M selection";
  let description = [{
    Sets `lhs_sparsity` (`kite.matmul`) or `input_sparsity` (`kite.conv2d`)
    to `pattern` on every integer MAC op whose activations are ReLU outputs
    — a `kite.quantize` of a `tosa.clamp` with `min_val >= 0`, through
    reshapes and max pooling — and whose weights are dense. ReLU outputs are mostly zero,
    so in each group of M along the reduction the N largest usually hold
    every nonzero; the array's activation unit makes the selection at run
    time (`kite_isa.mma_act_nm`) and runs N/M of the dense passes. The
    module's target must have `activation_sparsity` and support `pattern`.
    With `report`, the ops marked go to stderr.

    GELU outputs are rarely zero, but its negative tail is small (down to
    -0.17). With `gelu-threshold` = t > 0, activations that quantize a
    `kite.gelu` (per tensor, zero point 0, through reshapes) are marked
    too, and magnitudes below t read as zero: the pattern gets
    `threshold = ceil(t / scale)`, applied by the activation unit after
    the selection.

    Example (`pattern=2:4`): `%y = kite.matmul %q, %w` where `%q` quantizes
    `tosa.clamp %h {min_val = 0.0 ...}` becomes
    `%y = kite.matmul %q, %w {lhs_sparsity = #kite.nm<2, 4>}`; with
    `gelu-threshold=0.17`, where `%q` quantizes `kite.gelu %h` with scale
    0.024, `{lhs_sparsity = #kite.nm<2, 4, threshold = 8>}`.

    `pattern` may be a TASD series, N:M terms joined by `+`: the op becomes
    one MAC op per term, sharing its weights and accumulating into each
    other (`acc`), the first reading its activations through the first
    term's selection, each later one through its term's selection of what
    the earlier terms left (`residual_of`). With `pattern=2:4+1:8`, the
    example becomes `%t = kite.matmul %q, %w {lhs_sparsity = #kite.nm<2,
    4>}` and `%y = kite.matmul %q, %w acc(%t) {lhs_sparsity = #kite.nm<1,
    8, residual_of = #kite.nm<2, 4>>}`: 62.5 % of the dense passes, and a
    series that covers every element (`4:8+4:8`) gives the dense result.
  }];
  let options = [
    Option<"pattern", "pattern", "std::string", /*default=*/"\"4:8\"",
           "N:M pattern of the run-time selection, or a series of them "
           "joined by '+'">,
    Option<"geluThreshold_", "gelu-threshold", "double", /*default=*/"0.0",
           "Also select GELU outputs, magnitudes below this (real units) "
           "as zero; 0: ReLU outputs only">,
    Option<"report", "report", "bool", /*default=*/"false",
           "List the ops marked on stderr">,
  ];
}

def KiteTasder : Pass<"kite-tasder", "::mlir::ModuleOp"> {
  let summary = "TASDER: choose each layer's N:M series under an accuracy bound";
  let description = [{
    For every integer `kite.matmul` and `kite.conv2d` with constant dense
    weights, picks from
    `menu` (only the patterns the target supports; `dense` always allowed)
    a series subject to the model's top-1 on the calibration data staying
    >= `min-accuracy` x the undecomposed model's. Layers are visited
    largest first; with the layers chosen so far, each takes, among the
    series that keep the bound (reference interpreter), the one with the
    lowest `objective`:

    * `edp` (default): the model's energy-delay product per run from the
      cost model — the candidate is lowered with `convert-kite-to-kite-isa`
      and run once in the simulator (its cycles and energy do not depend on
      the data), so N:M index bytes, tiling and the fused drain count;
    * `macs`: the layer's effective MACs (MACs x the sum of N/M).

    A menu entry `A<series>` (e.g. `A4:8`, `A2:4+1:8`) is TASD-A instead:
    the layer reads its activations through run-time N:M selections, as
    `kite-tasd-activations` marks it; it is tried only on layers whose
    activations are ReLU outputs (or GELU outputs, with `gelu-threshold`)
    and on targets with `activation_sparsity`.
    The default menu has none: which activations a selection drops depends
    on the input, and the digits calibration set (100 images) is too small
    to bound that (on the 50 %-pruned CNN, `A2:4` keeps the calibration
    bound and loses 3.8 points on the test set).

    Then it decomposes like `kite-tasd`. The per-layer choice, its MAC
    fraction, the predicted EDP and the calibration accuracy go to stderr.
  }];
  let options = [
    Option<"calibration", "calibration", "std::string", /*default=*/"\"\"",
           "Calibration inputs (.npy/.npz) of the entry function (required)">,
    Option<"labels", "labels", "std::string", /*default=*/"\"\"",
           "Integer labels of the calibration inputs (.npy, required)">,
    Option<"entry", "entry", "std::string", /*default=*/"\"main\"",
           "Function to run">,
    Option<"menu", "menu", "std::string",
           /*default=*/"\"2:4;1:4;2:8;1:8;4:8;2:4+1:8;2:4+2:8;4:8+2:8\"",
           "Candidate series, ';'-separated (A<series>: activations)">,
    Option<"minAccuracy", "min-accuracy", "double", /*default=*/"0.99",
           "Lowest allowed calibration top-1, relative to the original">,
    Option<"objective", "objective", "std::string", /*default=*/"\"edp\"",
           "What the choice minimises: edp (simulated) or macs">,
    Option<"geluThreshold_", "gelu-threshold", "double", /*default=*/"0.0",
           "A<N:M> entries also select GELU outputs, magnitudes below this "
           "(real units) as zero (kite-tasd-activations)">,
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

#endif // KITE_PASSES_TD
