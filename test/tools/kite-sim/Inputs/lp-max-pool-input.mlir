// The input of lp-max-pool.mlir: every 2x2 window of each channel mixes
// signs; channel 1 is all negative.
func.func @main() -> tensor<1x4x4x2xf32> {
  %x = arith.constant dense<[[[[1.0, -3.0], [-1.0, -0.5], [-4.0, -2.0], [0.25, -1.0]],
                              [[-2.0, -8.0], [0.5, -0.25], [-0.5, -6.0], [-8.0, -0.125]],
                              [[-1.0, -1.0], [-2.0, -2.0], [2.0, -4.0], [-2.0, -0.5]],
                              [[-0.25, -3.0], [-0.125, -5.0], [-1.0, -1.5], [-3.0, -0.75]]]]> : tensor<1x4x4x2xf32>
  return %x : tensor<1x4x4x2xf32>
}
