// An embedding: [rows, 1, 8] values.
func.func @embedding(%x: tensor<4x64xf32>) -> tensor<4x1x8xf32> {
  %w = arith.constant dense<0.5> : tensor<64x8xf32>
  %y = kite.matmul %x, %w : (tensor<4x64xf32>, tensor<64x8xf32>) -> tensor<4x8xf32>
  %s = tosa.const_shape {values = dense<[4, 1, 8]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %r = tosa.reshape %y, %s : (tensor<4x8xf32>, !tosa.shape<3>) -> tensor<4x1x8xf32>
  return %r : tensor<4x1x8xf32>
}
