// One value per row, as a wake-word head's score.
func.func @main(%x: tensor<4x64xf32>) -> tensor<4x1xf32> {
  %w = arith.constant dense<0.01> : tensor<64x1xf32>
  %y = kite.matmul %x, %w : (tensor<4x64xf32>, tensor<64x1xf32>) -> tensor<4x1xf32>
  return %y : tensor<4x1xf32>
}
