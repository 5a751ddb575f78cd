//===- KiteAttrs.td - kite dialect attributes --------------*- tablegen -*-===//

#ifndef KITE_ATTRS_TD
#define KITE_ATTRS_TD

include "dialects/Kite/KiteDialect.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"

class Kite_Attr<string name, string attrMnemonic, list<Trait> traits = []>
    : AttrDef<Kite_Dialect, name, traits> {
  let mnemonic = attrMnemonic;
}

// A boolean parameter spelled `true` / `false`.
class Kite_BoolParameter<string desc> : AttrOrTypeParameter<"bool", desc> {
  let parser = "::kite::parseBoolParameter($_parser)";
  let printer = "$_printer << ($_self ? \"true\" : \"false\")";
}

// A real-valued parameter (pJ, bytes per cycle, ...) printed and parsed as a
// plain float literal (an integer literal is accepted too); held as a double
// precision APFloat.
class Kite_DoubleParameter<string desc> : APFloatParameter<desc> {
  let parser = "::kite::parseDoubleParameter($_parser)";
}

//===----------------------------------------------------------------------===//
// Number formats, multipliers, sparsity
//===----------------------------------------------------------------------===//

def Kite_IntFormatAttr : Kite_Attr<"IntFormat", "int"> {
  let summary = "integer number format: bit width and signedness";
  let description = [{
    States that an integer-stored tensor holds `bits`-bit values, two's
    complement when `signed`, unsigned otherwise. The storage element type
    may be wider (a 4-bit format is stored in `i8`). Valid widths: 2 ... 16.

    Example: `#kite.int<4, signed>`, `#kite.int<8, unsigned>`.
  }];
  let parameters = (ins "unsigned":$bits, "bool":$isSigned);
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// Smallest and largest representable value.
    int64_t getMin() const;
    int64_t getMax() const;
  }];
}

def Kite_NMAttr : Kite_Attr<"NM", "nm"> {
  let summary = "N:M structured sparsity pattern";
  let description = [{
    At most `N` non-zero values in every group of `M` consecutive elements
    along the reduction dimension. Requires 0 < N <= M <= 256.

    `threshold` (integer activations selected at run time only, TASD-A of
    GELU-like activations): magnitudes below it count as zero, so the
    selection keeps at most the N largest of those at or above it.

    `residual_of` (activations selected at run time only): this pattern is a
    later term of a TASD series and selects from what the earlier terms
    left — `residual_of` is the previous term, itself possibly the later
    term of another. The series shares the outermost `threshold`; nested
    terms carry none. The terms of a series, each read by one MAC op of an
    accumulator chain, keep disjoint elements.

    Examples: `#kite.nm<2, 4>`, `#kite.nm<4, 8, threshold = 8>`,
    `#kite.nm<1, 8, residual_of = #kite.nm<2, 4>>` (the 1:8 term of 2:4+1:8).
  }];
  let parameters = (ins "unsigned":$n, "unsigned":$m,
                        DefaultValuedParameter<"unsigned", "0">:$threshold,
                        OptionalParameter<"NMAttr">:$residual_of);
  let builders = [
    AttrBuilder<(ins "unsigned":$n, "unsigned":$m,
                     CArg<"unsigned", "0">:$threshold), [{
      return $_get($_ctxt, n, m, threshold, NMAttr());
    }]>
  ];
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// The series up to and including this term, first term first.
    std::vector<numerics::NMPattern> getSeries() const;
    /// Whether only a run-time selection of integer activations can apply
    /// the pattern: it has a threshold or earlier terms.
    bool isRunTimeOnly() const { return getThreshold() || getResidualOf(); }
  }];
}

def Kite_TileAttr : Kite_Attr<"Tile", "tile"> {
  let summary = "tile of a MAC op on the array: m x k activations, k x n weights";
  let description = [{
    How `convert-kite-to-kite-isa` cuts a `kite.matmul` or `kite.conv2d`
    into array passes: `m` rows of activations (im2col rows for a
    convolution), `k` of the reduction and `n` output columns per tile.
    Values above the op's sizes mean the whole extent. `kite-tile` sets it
    from the target's buffers; the lowering checks that a tile fits half of
    each on-chip buffer and rejects one that does not.

    Example: `#kite.tile<50, 64, 32>`.
  }];
  let parameters = (ins "int64_t":$m, "int64_t":$k, "int64_t":$n);
  let assemblyFormat = "`<` $m `,` $k `,` $n `>`";
  let genVerifyDecl = 1;
}

def Kite_MemorySpace : I32EnumAttr<"MemorySpace",
    "memory a tensor lives in while a program runs", [
  I32EnumAttrCase<"Dram", 0, "dram">,
  I32EnumAttrCase<"Scratch", 1, "scratch">
]> {
  let cppNamespace = "::kite";
  let genSpecializedAttr = 0;
}

def Kite_BufferAttr : Kite_Attr<"Buffer", "buffer"> {
  let summary = "where a tensor lives while the program runs";
  let description = [{
    The memory `convert-kite-to-kite-isa` keeps a tensor in: `bytes` bytes
    at byte `offset` of DRAM or of the on-chip scratchpad. `kite-bufferize`
    sets it as `kite.buffer` on the op defining each tensor the program
    materializes (and on the entry function's arguments); tensors whose
    lifetimes do not overlap may share an offset. `kite.patches` on a
    convolution is the scratch its im2col patches use.

    Example: `#kite.buffer<scratch, 4096, 1600>`.
  }];
  let parameters = (ins EnumParameter<Kite_MemorySpace>:$space,
                        "int64_t":$offset, "int64_t":$bytes);
  let assemblyFormat = "`<` $space `,` $offset `,` $bytes `>`";
  let genVerifyDecl = 1;
}

def Kite_MultiplierAttr : Kite_Attr<"Multiplier", "mul"> {
  let summary = "a multiplier from the target's multiplier library";
  let description = [{
    Names the multiplier an op's products use. `"exact"` is the exact
    multiplier; other names refer to the approximate multipliers of the
    target's library (see `#kite.target`). When the enclosing module has a
    `kite.target`, ops verify that the name is in its library.

    Example: `#kite.mul<"exact">`.
  }];
  let parameters = (ins StringRefParameter<"multiplier name">:$name);
  let assemblyFormat = "`<` $name `>`";
  let genVerifyDecl = 1;
}

def Kite_SoftmaxMethod : I32EnumAttr<"SoftmaxMethod", "LUT softmax method", [
  I32EnumAttrCase<"Rexp", 0, "rexp">,
  I32EnumAttrCase<"Lut2D", 1, "lut2d">
]> {
  let cppNamespace = "::kite";
  let genSpecializedAttr = 0;
}
def Kite_SoftmaxMethodAttr
    : EnumAttr<Kite_Dialect, Kite_SoftmaxMethod, "softmax_method"> {
  let assemblyFormat = "`<` $value `>`";
}

//===----------------------------------------------------------------------===//
// Target description
//===----------------------------------------------------------------------===//

def Kite_SoftmaxUnitAttr : Kite_Attr<"SoftmaxUnit", "softmax_unit"> {
  let summary = "geometry of the look-up-table softmax unit";
  let description = [{
    * `method`: `rexp` (exponent table + reciprocal table) or `lut2d`
      (exponent table + 2-D quotient table).
    * `step`: input grid Δ; an input distance `max(x) - x` is rounded to a
      multiple of Δ.
    * `out_bits`: width w of table entries and output probabilities.
    * `exp_entries`: entries of the exponent table (D + 1).
    * `norm_rows` x `norm_cols`: the normaliser table (`norm_cols = 1` for
      `rexp`; numerator and denominator steps for `lut2d`).

    Example: `#kite.softmax_unit<method = lut2d, step = 1.0, out_bits = 8,
    exp_entries = 7, norm_rows = 60, norm_cols = 11>`.
  }];
  let parameters = (ins "SoftmaxMethod":$method,
                        Kite_DoubleParameter<"input grid">:$step,
                        "unsigned":$outBits, "unsigned":$expEntries,
                        "unsigned":$normRows, "unsigned":$normCols);
  let assemblyFormat = [{
    `<` `method` `=` $method `,` `step` `=` $step `,` `out_bits` `=` $outBits
    `,` `exp_entries` `=` $expEntries `,` `norm_rows` `=` $normRows `,`
    `norm_cols` `=` $normCols `>`
  }];
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// Bytes of both tables at `out_bits` bits per entry.
    uint64_t getTableBytes() const;
    /// The geometry in the numerics library's terms.
    ::kite::numerics::SoftmaxUnitGeometry getGeometry() const;
  }];
}

def Kite_LutUnitAttr : Kite_Attr<"LutUnit", "lut_unit"> {
  let summary = "the look-up-table unit for elementwise functions";
  let description = [{
    Tables that map an integer code to an integer code (`vec_lut`, and the
    table stage of `store_acc_fused`): any elementwise function of a
    quantized tensor, computed once at compile time (`kite-lut-unary`).

    * `entries`: entries per table; a b-bit input needs 2^b (256 for int8).
    * `lanes`: lookups per cycle (table copies read in parallel).

    One lookup costs the target's `lut_read_8b`.

    Example: `#kite.lut_unit<entries = 256, lanes = 16>`.
  }];
  let parameters = (ins "unsigned":$entries, "unsigned":$lanes);
  let assemblyFormat = [{
    `<` `entries` `=` $entries `,` `lanes` `=` $lanes `>`
  }];
  let genVerifyDecl = 1;
}

def Kite_HostAttr : Kite_Attr<"Host", "host"> {
  let summary = "the host processor that runs what the accelerator cannot";
  let description = [{
    Host segments (`host_call`) run ops the accelerator has no unit for
    (argmax, casts to 64-bit indices, ...). Their cost:

    * `link_bytes_per_cycle`: the host link's bandwidth (accelerator
      cycles); a call moves its operands to the host and its result back.
    * `cycles_per_element`: host time per element of the call's operands,
      in accelerator cycles.
    * `element_pj`: host energy per element.

    The accelerator waits for each call (a host segment is synchronous).

    Example: `#kite.host<link_bytes_per_cycle = 4.0, cycles_per_element =
    8.0, element_pj = 20.0>`.
  }];
  let parameters = (ins Kite_DoubleParameter<"bytes/cycle">:$linkBytesPerCycle,
                        Kite_DoubleParameter<"cycles">:$cyclesPerElement,
                        Kite_DoubleParameter<"pJ">:$elementPj);
  let assemblyFormat = [{
    `<` `link_bytes_per_cycle` `=` $linkBytesPerCycle `,` `cycles_per_element`
    `=` $cyclesPerElement `,` `element_pj` `=` $elementPj `>`
  }];
  let genVerifyDecl = 1;
}

def Kite_MemoryAttr : Kite_Attr<"Memory", "memory"> {
  let summary = "on-chip buffers and bandwidths";
  let description = [{
    Sizes of the weight, activation and accumulator buffers (KiB), the
    DRAM and SRAM bandwidths (bytes per cycle), and the on-chip scratchpad
    (KiB, default 0 = none) that holds intermediate tensors so that they do
    not travel to DRAM. Instructions address the scratchpad like DRAM, at
    `kite::rt::kScratchBase` (1 GiB) and up.

    Example: `#kite.memory<weight_kib = 256, act_kib = 256, acc_kib = 64,
    dram_bytes_per_cycle = 16.0, sram_bytes_per_cycle = 128.0,
    scratch_kib = 512>`.
  }];
  let parameters = (ins "unsigned":$weightKib, "unsigned":$actKib,
                        "unsigned":$accKib,
                        Kite_DoubleParameter<"DRAM bytes/cycle">:$dramBytesPerCycle,
                        Kite_DoubleParameter<"SRAM bytes/cycle">:$sramBytesPerCycle,
                        DefaultValuedParameter<"unsigned", "0">:$scratchKib);
  let assemblyFormat = [{
    `<` `weight_kib` `=` $weightKib `,` `act_kib` `=` $actKib `,` `acc_kib` `=`
    $accKib `,` `dram_bytes_per_cycle` `=` $dramBytesPerCycle `,`
    `sram_bytes_per_cycle` `=` $sramBytesPerCycle
    (`,` `scratch_kib` `=` $scratchKib^)? `>`
  }];
  let genVerifyDecl = 1;
}

def Kite_EnergyAttr : Kite_Attr<"Energy", "energy"> {
  let summary = "per-operation energy table (pJ)";
  let description = [{
    Energy per operation in picojoules. The built-in defaults are Horowitz,
    ISSCC 2014 (45 nm) figures; `docs/target.md` gives the source of each.

    * `int8_mul`, `int8_add`, `int32_add`: exact integer multiply/add; the MAC
      energy of a b-bit multiplier is derived from `int8_mul` (see docs).
    * `fp32_mul`, `fp32_add`: 32-bit float, for vector ops in float.
    * `sram_read_32b`: one 32-bit read from an 8 KB SRAM bank.
    * `dram_read_32b`: one 32-bit DRAM read.
    * `lut_read_8b`: one 8-bit read from a softmax-unit table.
  }];
  let parameters = (ins Kite_DoubleParameter<"">:$int8Mul,
                        Kite_DoubleParameter<"">:$int8Add,
                        Kite_DoubleParameter<"">:$int32Add,
                        Kite_DoubleParameter<"">:$fp32Mul,
                        Kite_DoubleParameter<"">:$fp32Add,
                        Kite_DoubleParameter<"">:$sramRead32b,
                        Kite_DoubleParameter<"">:$dramRead32b,
                        Kite_DoubleParameter<"">:$lutRead8b);
  let assemblyFormat = [{
    `<` `int8_mul` `=` $int8Mul `,` `int8_add` `=` $int8Add `,` `int32_add` `=`
    $int32Add `,` `fp32_mul` `=` $fp32Mul `,` `fp32_add` `=` $fp32Add `,`
    `sram_read_32b` `=` $sramRead32b `,` `dram_read_32b` `=` $dramRead32b `,`
    `lut_read_8b` `=` $lutRead8b `>`
  }];
  let genVerifyDecl = 1;
}

def Kite_TargetAttr : Kite_Attr<"Target", "target"> {
  let summary = "description of a Kite accelerator";
  let description = [{
    Everything hardware-specific the compiler needs, in one place. Passes read
    it from the module attribute `kite.target` (set by `kite-set-target`);
    none hard-codes hardware numbers. It can also be loaded from JSON
    (`docs/target.md`).

    * `clock_mhz`: clock frequency.
    * `array`: rows and columns of the MAC array.
    * `acc_bits`: width of the MAC accumulators (two's complement,
      saturating).
    * `lp_acc_frac_bits`: fractional bits of LP products in the accumulator
      (the log-to-linear converter's output, `numerics::lpToFixed`).
    * `int_bits`: supported integer operand widths.
    * `lp_bits`: supported logarithmic-posit word widths.
    * `multipliers`: names of the multipliers in the array's library.
    * `sparsity`: N:M patterns the array runs (dense is always supported).
    * `activation_sparsity`: whether activations can be decomposed into N:M
      terms at run time.
    * `softmax`, `memory`, `energy`, `lut` (optional: a target without it
      has no LUT unit), `host` (optional: without it, every op must run on
      the accelerator): see the attributes of those names.

    Example:

    ```mlir
    module attributes {kite.target = #kite.target<"kite-v1", clock_mhz = 1000,
        array = [16, 16], acc_bits = 32, lp_acc_frac_bits = 16,
        int_bits = [2, 4, 8], lp_bits = [8],
        multipliers = ["exact"], sparsity = [#kite.nm<2, 4>],
        activation_sparsity = true, softmax = #kite.softmax_unit<...>,
        memory = #kite.memory<...>, energy = #kite.energy<...>>} {}
    ```
  }];
  let parameters = (ins StringRefParameter<"target name">:$name,
                        "unsigned":$clockMhz,
                        "unsigned":$arrayRows, "unsigned":$arrayCols,
                        "unsigned":$accBits, "unsigned":$lpAccFracBits,
                        ArrayRefParameter<"unsigned">:$intBits,
                        ArrayRefParameter<"unsigned">:$lpBits,
                        "::mlir::ArrayAttr":$multipliers,
                        "::mlir::ArrayAttr":$sparsity,
                        Kite_BoolParameter<"">:$activationSparsity,
                        "SoftmaxUnitAttr":$softmax,
                        "MemoryAttr":$memory,
                        "EnergyAttr":$energy,
                        OptionalParameter<"LutUnitAttr">:$lut,
                        OptionalParameter<"HostAttr">:$host);
  let assemblyFormat = [{
    `<` $name `,` `clock_mhz` `=` $clockMhz `,` `array` `=` `[` $arrayRows `,`
    $arrayCols `]` `,` `acc_bits` `=` $accBits `,` `lp_acc_frac_bits` `=`
    $lpAccFracBits `,` `int_bits` `=` `[` $intBits `]` `,` `lp_bits` `=` `[`
    $lpBits `]` `,` `multipliers` `=` $multipliers `,` `sparsity` `=` $sparsity
    `,` `activation_sparsity` `=` $activationSparsity `,` `softmax` `=` $softmax
    `,` `memory` `=` $memory `,` `energy` `=` $energy
    (`,` `lut` `=` $lut^)? (`,` `host` `=` $host^)? `>`
  }];
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    bool supportsIntBits(unsigned bits) const;
    bool supportsLPBits(unsigned bits) const;
    bool hasMultiplier(::llvm::StringRef name) const;
    bool supportsSparsity(NMAttr pattern) const;
  }];
}

#endif // KITE_ATTRS_TD
