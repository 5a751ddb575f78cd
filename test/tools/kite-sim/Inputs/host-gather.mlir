// A gather whose indices are the input: a host segment (host_gather).
func.func @main(%i: tensor<1x2xi32>) -> tensor<1x2x3xf32> {
  %table = "tosa.const"() <{values = dense<[[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0], [10.0, 11.0, 12.0]]]> : tensor<1x4x3xf32>}> : () -> tensor<1x4x3xf32>
  %g = tosa.gather %table, %i : (tensor<1x4x3xf32>, tensor<1x2xi32>) -> tensor<1x2x3xf32>
  return %g : tensor<1x2x3xf32>
}
