// A program without inputs: an INT8 matmul of two constants.
func.func @main() -> tensor<2x4xi32> {
  %a = arith.constant dense<[[1, 2, 3], [-4, 5, -6]]> : tensor<2x3xi8>
  %w = arith.constant dense<[[1, 0, 0, 2], [0, 1, 0, 2], [0, 0, 1, 2]]> : tensor<3x4xi8>
  %y = kite.matmul %a, %w {lhs_format = #kite.int<8, signed>, rhs_format = #kite.int<8, signed>} : (tensor<2x3xi8>, tensor<3x4xi8>) -> tensor<2x4xi32>
  return %y : tensor<2x4xi32>
}
