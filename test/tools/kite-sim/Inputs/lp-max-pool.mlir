// Max pooling of LP codes as i8 (kite.bitcast): negative words must compare
// below positive ones, in the input's codes and in a constant's.
func.func @main(%x: tensor<1x4x4x2xf32>) -> (tensor<1x2x2x2xf32>, tensor<1x1x1x1xf32>) {
  %q = kite.quantize %x : tensor<1x4x4x2xf32> -> tensor<1x4x4x2x!kite.lp<6, 1, 5, 0>>
  %c = kite.bitcast %q : tensor<1x4x4x2x!kite.lp<6, 1, 5, 0>> -> tensor<1x4x4x2xi8>
  %p = tosa.max_pool2d %c {kernel = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>} : (tensor<1x4x4x2xi8>) -> tensor<1x2x2x2xi8>
  %l = kite.bitcast %p : tensor<1x2x2x2xi8> -> tensor<1x2x2x2x!kite.lp<6, 1, 5, 0>>
  %y = kite.dequantize %l : tensor<1x2x2x2x!kite.lp<6, 1, 5, 0>> -> tensor<1x2x2x2xf32>
  // LP<6,1,5,0> words of 1, -1, -2 and 0.5.
  %k = kite.constant dense<[[[[16], [48]], [[44], [12]]]]> : tensor<1x2x2x1xi8> -> tensor<1x2x2x1x!kite.lp<6, 1, 5, 0>>
  %kc = kite.bitcast %k : tensor<1x2x2x1x!kite.lp<6, 1, 5, 0>> -> tensor<1x2x2x1xi8>
  %kp = tosa.max_pool2d %kc {kernel = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>} : (tensor<1x2x2x1xi8>) -> tensor<1x1x1x1xi8>
  %kl = kite.bitcast %kp : tensor<1x1x1x1xi8> -> tensor<1x1x1x1x!kite.lp<6, 1, 5, 0>>
  %ky = kite.dequantize %kl : tensor<1x1x1x1x!kite.lp<6, 1, 5, 0>> -> tensor<1x1x1x1xf32>
  return %y, %ky : tensor<1x2x2x2xf32>, tensor<1x1x1x1xf32>
}
