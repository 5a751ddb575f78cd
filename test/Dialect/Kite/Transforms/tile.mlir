// RUN: kite-opt %s --kite-set-target=target=kite-v1 --kite-tile --split-input-file | FileCheck %s --check-prefix=V1
// RUN: kite-opt %s --kite-set-target=target=kite-mini --kite-tile --split-input-file | FileCheck %s --check-prefix=MINI
// RUN: kite-opt %s --kite-set-target=target=kite-mini --kite-tile=override --split-input-file | FileCheck %s --check-prefix=OVERRIDE
// RUN: not kite-opt %s --kite-tile -o /dev/null 2>&1 | FileCheck %s --check-prefix=NOTARGET

// NOTARGET: error: kite-tile: the module has no kite.target (run kite-set-target first)

// kite-v1 (ACT 256 KiB, WEIGHT 256 KiB, ACC 64 KiB, 16 x 16 array) could
// hold each problem in one tile; an op that would be a single tile gets two
// row tiles, so that loading, multiplying and draining overlap. kite-mini (32 / 32 / 8 KiB, 8 x 8) cuts: 16
// columns (its 4 KiB accumulator half holds 16 x 64 rows), the reduction
// to what 16 columns of the weight half hold (half of 32 KiB less two
// 128-byte slots for per-column vectors: 16,256 bytes / 16 = 1,016), the
// rows to what the ACT half holds at that reduction (16,384 / 1,016).
// V1-LABEL: func.func @dense
// V1: tile = #kite.tile<32, 2048, 16>
// V1: tile = #kite.tile<8, 64, 8>
// MINI-LABEL: func.func @dense
// MINI: tile = #kite.tile<16, 1016, 16>
// MINI: tile = #kite.tile<8, 64, 8>
// A tile written by hand stays, unless override.
// OVERRIDE-LABEL: func.func @dense
// OVERRIDE: tile = #kite.tile<16, 1016, 16>
// OVERRIDE: tile = #kite.tile<8, 64, 16>
func.func @dense(%x: tensor<64x2048xi8>, %w: tensor<2048x16xi8>, %x2: tensor<8x64xi8>, %w2: tensor<64x16xi8>)
    -> (tensor<64x16xi32>, tensor<8x16xi32>) {
  %y = kite.matmul %x, %w {lhs_format = #kite.int<8, signed>, rhs_format = #kite.int<8, signed>}
      : (tensor<64x2048xi8>, tensor<2048x16xi8>) -> tensor<64x16xi32>
  %z = kite.matmul %x2, %w2 {tile = #kite.tile<8, 64, 8>}
      : (tensor<8x64xi8>, tensor<64x16xi8>) -> tensor<8x16xi32>
  return %y, %z : tensor<64x16xi32>, tensor<8x16xi32>
}

// -----

// N:M weights take whole groups along k (2:4: values and 2-bit indices
// share the weight half) and a multiple of 8 columns. Shared weights make
// the batch one 128-row problem (two row tiles on kite-v1); a
// convolution's problem is one image and group: 8 x 8 positions, 3 x 3 x 3
// reduction, 16 filters, and its two images already overlap.
// V1-LABEL: func.func @sparse_and_conv
// V1: tile = #kite.tile<64, 48, 40>
// V1: tile = #kite.tile<64, 27, 16>
// MINI-LABEL: func.func @sparse_and_conv
// MINI: tile = #kite.tile<64, 48, 16>
// MINI: tile = #kite.tile<64, 27, 16>
func.func @sparse_and_conv(%x: tensor<2x64x48xi8>, %img: tensor<2x3x8x8xi8>)
    -> (tensor<2x64x40xi32>, tensor<2x16x8x8xi32>) {
  %w = arith.constant dense<1> : tensor<48x40xi8>
  %y = kite.matmul %x, %w {rhs_sparsity = #kite.nm<2, 4>}
      : (tensor<2x64x48xi8>, tensor<48x40xi8>) -> tensor<2x64x40xi32>
  %f = arith.constant dense<1> : tensor<16x3x3x3xi8>
  %c = kite.conv2d %img, %f {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>,
                             dilations = array<i64: 1, 1>, groups = 1 : i64}
      : (tensor<2x3x8x8xi8>, tensor<16x3x3x3xi8>) -> tensor<2x16x8x8xi32>
  return %y, %c : tensor<2x64x40xi32>, tensor<2x16x8x8xi32>
}
