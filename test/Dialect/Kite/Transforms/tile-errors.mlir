// RUN: kite-opt %s --kite-set-target=target=kite-mini --kite-tile --split-input-file --verify-diagnostics

// A tile that does not fit the target is an error naming the buffer:
// kite-mini's ACC half is 4 KiB, 64 x 32 accumulators need 8 KiB.
func.func @accumulators(%x: tensor<64x64xi8>, %w: tensor<64x32xi8>) -> tensor<64x32xi32> {
  // expected-error@below {{tile #kite.tile<64, 64, 32> does not fit target 'kite-mini': the accumulator tile (m x n x 4) needs 8192 bytes, more than the 4096 of the ACC buffer a tile may use}}
  %y = kite.matmul %x, %w {tile = #kite.tile<64, 64, 32>}
      : (tensor<64x64xi8>, tensor<64x32xi8>) -> tensor<64x32xi32>
  return %y : tensor<64x32xi32>
}

// -----

// N:M tiles take whole groups along k.
func.func @groups(%x: tensor<8x64xi8>) -> tensor<8x16xi32> {
  %w = arith.constant dense<1> : tensor<64x16xi8>
  // expected-error@below {{an N:M tile takes whole groups: k must be a multiple of 4}}
  %y = kite.matmul %x, %w {rhs_sparsity = #kite.nm<2, 4>, tile = #kite.tile<8, 30, 16>}
      : (tensor<8x64xi8>, tensor<64x16xi8>) -> tensor<8x16xi32>
  return %y : tensor<8x16xi32>
}
