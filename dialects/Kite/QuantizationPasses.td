//===- QuantizationPasses.td -------------------------------*- tablegen -*-===//
//
// kite passes: quantization, the LUT softmax and multiplier selection.
//
//===----------------------------------------------------------------------===//

#ifndef KITE_QUANTIZATION_PASSES_TD
#define KITE_QUANTIZATION_PASSES_TD

include "mlir/Pass/PassBase.td"

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

    With calibration the tables are also checked on those rows against the
    exact softmax of their float values (one line per softmax on stderr):
    if fewer than `min-agreement` of the rows keep their most probable
    entry first, or the mean |Δp| exceeds `max-error`, the softmax stays
    exact (`kite.softmax`, run by the vector unit's `vec_softmax`).

    `units` overrides the check per softmax, in IR order: `lut` uses the
    tables whatever the check says, `exact` leaves the softmax on the
    vector unit (a plan's choices; `kitec --optimize` searches them).

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
           "Function the calibration data is for">,
    Option<"minAgreement", "min-agreement", "double", /*default=*/"0.99",
           "With calibration: the least share of calibration rows whose "
           "most probable entry the LUT must also rank first">,
    Option<"maxError", "max-error", "double", /*default=*/"0.02",
           "With calibration: the largest mean |LUT - exact| probability "
           "on the calibration rows">,
    Option<"fitStep", "fit-step", "bool", /*default=*/"false",
           "Also fit the distance grid (1, 3/4, 1/2 or 3/8 of the target's "
           "step) to the rows: resolves rows whose logits are close together "
           "(docs/numerics.md)">,
    Option<"units", "units", "std::string", /*default=*/"\"\"",
           "Each float softmax's unit in IR order, comma-separated: lut or "
           "exact (empty: the check decides)">,
    Option<"report", "report", "bool", /*default=*/"true",
           "Print each decision on stderr">
  ];
  let dependentDialects = ["::kite::KiteDialect"];
}

def KiteLutUnary : Pass<"kite-lut-unary", "::mlir::ModuleOp"> {
  let summary = "Evaluate elementwise functions with the target's LUT unit";
  let description = [{
    Finds chains of float elementwise ops that read one tensor (plus splat
    constants) — sigmoid, tanh, exp, log, erf, GELU, hard-swish
    `x * clamp(x + 3, 0, 6) / 6`, leaky ReLU `max(x, 0.01 x)`, softplus,
    any mix — and replaces each by the int8 codes of its input, a
    `kite.lut` and a dequantize. A lone clamp, GELU or add/mul/max/min by
    a constant stays (the MAC drain has stages for those).

    The input's quantization covers its range on the calibration data
    (asymmetric, with 0 inside), and so does its output's unless the table
    writes the next layer's codes. The table holds the chain's value at each
    of the 256 codes, computed by the reference interpreter's kernels, so
    `kite.lut` is the function on those codes by construction. When the
    chain feeds one int8 per-tensor `kite.quantize` (the next MAC layer's
    input), the table writes that layer's codes and the quantize goes.

    The guard: each table is measured on the calibration values against the
    float chain (mean |error| as a share of the span its output codes cover,
    so 1/510 is half a code; one line per chain on stderr); above
    `max-error`, or when more than `max-flushed` of the nonzero outputs
    become zero (a heavy-tailed output, such as a power spectrum that an LP
    layer reads, does not fit linear int8 codes), the chain stays float
    (vector unit). Then the tables are checked together, as their
    roundings add up through the layers: the model's outputs on the
    calibration data with the tables must stay within `max-output-error`
    (relative squared error) of those without; if not, only the more
    accurate half is kept, and so on. A target without a LUT unit (`lut` in `#kite.target`) leaves
    every chain as it is and says so.

    Example:

    ```mlir
    %y = tosa.sigmoid %x : (tensor<1x128xf32>) -> tensor<1x128xf32>
    ```

    becomes

    ```mlir
    %q = kite.quantize %x {format = #kite.int<8, signed>, scale = array<f64: 0.047>,
                           zero_point = array<i64: -3>} : tensor<1x128xf32> -> tensor<1x128xi8>
    %l = kite.lut %q {function = "tosa.sigmoid", table = dense<[...]> : tensor<256xi8>}
        : tensor<1x128xi8>
    %y = kite.dequantize %l {scale = array<f64: 0.0039>, zero_point = array<i64: -128>}
        : tensor<1x128xi8> -> tensor<1x128xf32>
    ```
  }];
  let options = [
    Option<"calibration", "calibration", "std::string", /*default=*/"\"\"",
           "Calibration inputs (.npy or .npz) of the entry function">,
    Option<"entry", "entry", "std::string", /*default=*/"\"main\"",
           "Function the calibration data is for">,
    Option<"maxError", "max-error", "double", /*default=*/"0.2",
           "The largest mean |table code - float path's code| on the "
           "calibration values">,
    Option<"maxFlushed", "max-flushed", "double", /*default=*/"0.5",
           "The largest share of nonzero calibration outputs the table may "
           "send to zero where the model did not">,
    Option<"maxOutputError", "max-output-error", "double",
           /*default=*/"0.01",
           "The largest relative squared error of the model's outputs on "
           "the calibration data with the tables against without them">,
    Option<"report", "report", "bool", /*default=*/"true",
           "Print each decision on stderr">
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
    sensitivity: every layer with constant weights alone is quantized at
    each of `weight-widths`
    (activations at `act-bits`, the other layers float) and the relative
    output error on the calibration data, sum((y - y_float)^2) /
    sum(y_float^2), is its sensitivity at that width. Starting from the
    widest, the layer whose next narrower width adds the least error per
    MAC-weighted weight bit saved is narrowed, until the MAC-weighted
    average weight width is at most the budget. Products of two
    activations (attention's Q K^T and A V) have no weights: they keep
    `weight-bits` and do not count in the average (a narrower K or V would
    cost more than it saves: Q, K and V would then differ in format and
    their projection's drain could not write them as int8 codes). The
    choice and every sensitivity are printed on stderr.

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
               "'-' (the defaults), 'A' (both operands), 'AxW' "
               "(activation x weight) or 'f' (left float, for "
               "kite-lp-quantize)">,
    Option<"weightBitBudget", "weight-bit-budget", "double", /*default=*/"0",
           "If > 0: choose weight widths by sensitivity so that the "
           "MAC-weighted average is at most this">,
    ListOption<"weightWidths", "weight-widths", "unsigned",
               "Weight widths the sensitivity search may choose "
               "(default 8,4,2)">,
    Option<"lpFallback", "lp-fallback", "double", /*default=*/"0",
           "If > 0 and the target (if any) has 8-bit LP words: a layer more than "
           "this fraction of whose nonzero calibration activations round "
           "to 0 in its integer format stays float, for kite-lp-quantize "
           "(act-format=auto)">
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
    `layer-formats=-;6,1,5/4,0,3`). A format `auto` fits each tensor's:
    8-bit words whose es (0 to 3) gives the least mean relative error on
    its values, a value flushed to zero costing 1 — how far the format
    must reach. Only float MAC ops are rewritten, so after `kite-quantize`
    with `lp-fallback` this pass takes the layers an integer format could
    not span (a power spectrum before a mel filterbank).

    As in `kite-quantize`, each activation quantize then moves above the
    transposes, max pools and reshapes that feed it alone. They move the LP
    words as sign-extended `i8` between two `kite.bitcast` ops (TOSA takes
    no LP element types; posit codes in two's complement order like their
    values, and LP encoding is monotone, so a max pool of codes is the code
    of the max). Activations sliced from one tensor (the ViT's Q, K and V)
    share one scale factor, fitted on all their values, so that with one
    format their quantizes — one LP type on slices that cover an axis once
    — become one quantize of the tensor, which moves too. For that a layer
    that reads such a slice takes the activation format of the first layer
    that does (also with `auto`), unless its `layer-formats` entry gives
    another; then a warning says that the slices keep their own quantizes
    and the data movement before them stays f32. On kite-v1 the
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
           "Activation format n,es,rs (sf is calibrated), or auto (fitted "
           "per tensor)">,
    Option<"weightFormat", "weight-format", "std::string",
           /*default=*/"\"8,1,7\"",
           "Weight format n,es,rs (sf is fitted), or auto (fitted per "
           "tensor)">,
    Option<"layerFormats", "layer-formats", "std::string", /*default=*/"",
           "Per-layer formats, ';'-separated, one entry per float MAC op in "
           "IR order: '-' or 'n,es,rs/n,es,rs' (activation/weight)">,
    Option<"report", "report", "bool", /*default=*/"true",
           "Print each decision on stderr">
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
    to the same layers' INT8 MACs. Layers whose activations are sliced
    from one tensor (attention's Q K^T and A V read the QKV projection's)
    share one activation gene: only with one format can a single quantize
    before the slices, in the projection's drain, replace theirs (freely
    chosen, the 32x32 ViT's formats made the head split move f32 and cost
    2.2x INT8's energy). So every genome's data movement is the same, and
    MAC energy ranks genomes as the whole model's energy does. The first
    population holds every uniform assignment, the rest is random; binary tournaments,
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
    on the thread count. A genome's values before layer l depend only on
    the formats of the layers before l: they are saved at every layer
    (`cache-mb` of them, least recently used dropped first), and a genome
    that shares the first layers' formats with one run before starts from
    the deepest saved layer. The scores are the same to the bit either way.

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
           "(0: all)">,
    Option<"threads", "threads", "unsigned", /*default=*/"0",
           "Threads scoring genomes (0: the context's, which "
           "--mlir-disable-threading makes one)">,
    Option<"cacheMb", "cache-mb", "unsigned", /*default=*/"1024",
           "Memory (MiB) for the values saved at each layer, from which "
           "a genome sharing the earlier layers' formats runs on (0: run "
           "every genome whole)">,
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
       calibration data (cross-entropy against `labels`; without labels,
       against the float model's own outputs given as `reference`: the KL
       divergence from logits, or the mean squared error of other
       outputs) records per layer
       the counting matrix C[a][w] (products with operands a, w) and the
       gradient-weighted matrix G[a][w] (sum of dL/dy over the outputs those
       products feed; y is the layer's integer accumulator);
    2. for each multiplier k with error table E_k the Taylor estimate is
       dL = <G, E_k> (first order) + 1/2 sum_o h_o E[dy_o^2] (order 2), with
       h_o = B g_o^2 (diagonal Fisher of the mean loss over B rows; for
       an MSE against reference outputs, whose gradients carry the small
       residual of a model close to float, the Gauss-Newton diagonal
       2/N (J^T J)_oo instead, estimated from one more backward pass per
       batch from random +-1 seeds at the N outputs). An
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
       (with `reference`, top-1 agreement with the float model, or the
       mean cosine similarity to its outputs) drops more
       than `max-drop` below the exact multipliers' or the loss
       rises more than `loss-budget`, the knapsack's budget is halved and
       the selection repeated (at most 10 times; exact multipliers if
       nothing passes); then `refine` bisection steps between the budget
       that passed and the smallest that failed look for a cheaper choice
       that still passes. A choice already verified is not run again;
    7. the measured improvement: the knapsack weighs a substitution by
       |estimate| and stops at a budget the joint run verified, so savings
       that only a run can confirm remain (a predicted decrease of the
       loss, a layer whose real loss change is smaller than estimated).
       Up to `improve-runs` moves of one layer to a cheaper multiplier are
       tried (by default two per layer, at least 18: a model with more
       layers has more moves worth a run), one model run each: predicted decreases first (largest
       saving first), then by least predicted increase per pJ saved. A
       move is kept if the limits of step 6 still hold; a failed move
       rules out the layer's candidates predicted to hurt at least as
       much. When no single move is left, a rejected move is retried
       traded against another layer's move to a dearer multiplier with a
       lower estimate, largest net saving first. The moves are measured,
       so `max-noise` does not bound them. Each move prints a progress
       line (stderr, report or not).
       On the 32x32 ResNet fixture (16 layers) the default 32 moves take
       the saving from 29.7 % to 44.3 % in about 14 s (18 moves: 43.1 %);
       on the 20-layer embedding model 40 moves reach 25.0 % (18 moves:
       23.5 %; docs/passes.md).

    Every model run (verification, screening, improvement and the GA
    below) goes through one evaluator: it remembers each assignment's
    score, and keeps the values at each layer's op (up to `cache-mb`), so
    a run restarts at the first layer whose multiplier differs from an
    assignment run before. A run of step 6 or 7 needs only pass or fail:
    it stops after the first batch after which the limits can no longer
    hold (losses are never negative, a sample is at best right), and its
    line says "stopped after N samples".

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
    measured loss changes, and what every layer at its cheapest multiplier
    that keeps the limits alone would save together (stderr; not a bound:
    layers' errors mostly add up, but can cancel); `report` prints the
    per-layer choice.
  }];
  let options = [
    Option<"calibration", "calibration", "std::string", /*default=*/"\"\"",
           "Calibration inputs (.npy) of the entry function (required)">,
    Option<"labels", "labels", "std::string", /*default=*/"\"\"",
           "Integer labels of the calibration inputs (.npy; or reference=)">,
    Option<"reference", "reference", "std::string", /*default=*/"\"\"",
           "Without labels: the float model's outputs on the calibration "
           "inputs (.npy, rows first); see objective">,
    Option<"objective", "objective", "std::string", /*default=*/"\"auto\"",
           "With reference=: kl (logits: KL divergence from their softmax, "
           "accuracy is top-1 agreement), mse (any output: mean squared "
           "error, accuracy is the mean cosine similarity of each row), "
           "cosine (as mse, but the loss is 1 - each row's cosine "
           "similarity, the accuracy's own measure) or auto (kl for a "
           "[rows, classes] result, else mse)">,
    Option<"entry", "entry", "std::string", /*default=*/"\"main\"",
           "Function to run">,
    Option<"lossBudget", "loss-budget", "double", /*default=*/"-1",
           "Bound on the loss increase, in the loss's units: on the summed "
           "estimates, and on the measured change when the choice is "
           "verified. Negative (the default): 0.05 nats for labels and "
           "logits; for other outputs (mse), whose scale is the model's, 0.05 "
           "or the exact run's own mean squared error if larger">,
    Option<"maxNoise", "max-noise", "double", /*default=*/"0.05",
           "Trust region of the estimates: largest expected output error "
           "power of a candidate the knapsack may pick, as a fraction of "
           "the layer's output power (the measured improvement step is not "
           "bound by it)">,
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
    Option<"cacheMb", "cache-mb", "unsigned", /*default=*/"1024",
           "Megabytes of values kept at layer cuts, so a run restarts at "
           "the first layer an assignment changes (0: every run whole)">,
    Option<"improveRuns", "improve-runs", "int", /*default=*/"-1",
           "After verification, at most this many model runs that each try "
           "one layer on a cheaper multiplier and keep it if the limits "
           "hold (0: none; -1: two per layer, at least 18)">,
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

#endif // KITE_QUANTIZATION_PASSES_TD
