// A two-layer MLP classifier for 8x8 digits, written by hand in the kite
// dialect at the quantized stage: INT8 activations, INT4 2:4-sparse weights
// in the first layer, exact multipliers, LUT softmax at the end.
func.func @mlp(%x: tensor<1x64xf32>, %w1: tensor<64x32xi8>, %w2: tensor<32x10xi8>)
    -> tensor<1x10xi16> {
  %qx = kite.quantize %x {format = #kite.int<8, signed>,
                          scale = array<f64: 0.125>, zero_point = array<i64: 0>}
      : tensor<1x64xf32> -> tensor<1x64xi8>
  %h = kite.matmul %qx, %w1 {rhs_format = #kite.int<4, signed>,
                             multiplier = #kite.mul<"exact">,
                             rhs_sparsity = #kite.nm<2, 4>}
      : (tensor<1x64xi8>, tensor<64x32xi8>) -> tensor<1x32xi32>
  %hf = kite.dequantize %h {scale = array<f64: 0.01>, zero_point = array<i64: 0>}
      : tensor<1x32xi32> -> tensor<1x32xf32>
  %g = kite.gelu %hf {approximation = #kite.gelu_approximation<tanh>} : tensor<1x32xf32>
  %qh = kite.quantize %g {format = #kite.int<8, signed>,
                          scale = array<f64: 0.05>, zero_point = array<i64: 0>}
      : tensor<1x32xf32> -> tensor<1x32xi8>
  %y = kite.matmul %qh, %w2 {multiplier = #kite.mul<"exact">}
      : (tensor<1x32xi8>, tensor<32x10xi8>) -> tensor<1x10xi32>
  %p = kite.lut_softmax %y {axis = -1 : i64, method = #kite.softmax_method<rexp>,
         input_scale = 0.0005 : f64, step = 1.0 : f64, out_bits = 8 : i64,
         sum_shift = 3 : i64, out_shift = 8 : i64,
         exp_table = dense<[255, 94, 35, 13, 5, 2, 1]> : tensor<7xi32>,
         norm_table = dense<[255, 255, 128, 85, 64, 51, 43, 36]> : tensor<8xi32>}
      : tensor<1x10xi32> -> tensor<1x10xi16>
  return %p : tensor<1x10xi16>
}
