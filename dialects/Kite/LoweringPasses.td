//===- LoweringPasses.td -----------------------------------*- tablegen -*-===//
//
// kite passes: preparing kite ops for the accelerator (tiles, buffers, packed weights).
//
//===----------------------------------------------------------------------===//

#ifndef KITE_LOWERING_PASSES_TD
#define KITE_LOWERING_PASSES_TD

include "mlir/Pass/PassBase.td"

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

#endif // KITE_LOWERING_PASSES_TD
