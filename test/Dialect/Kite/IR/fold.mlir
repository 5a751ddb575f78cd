// RUN: kite-opt %s --canonicalize | FileCheck %s

// Constant folding of quantize/dequantize goes through the numerics
// library: round half to even, saturation, per-channel scales, LP encoding.

// CHECK-LABEL: func.func @quantize_int
// CHECK: %[[C:.*]] = arith.constant dense<[2, 4, 127, -128, 0, -2]> : tensor<6xi8>
// CHECK: return %[[C]]
func.func @quantize_int() -> tensor<6xi8> {
  %x = arith.constant dense<[1.25, 1.75, 1000.0, -1000.0, 0.0, -1.25]> : tensor<6xf32>
  %q = kite.quantize %x {format = #kite.int<8, signed>, scale = array<f64: 0.5>,
                         zero_point = array<i64: 0>}
      : tensor<6xf32> -> tensor<6xi8>
  return %q : tensor<6xi8>
}

// Per-channel along axis 0, unsigned 4-bit with zero points.
// CHECK-LABEL: func.func @quantize_per_channel
// CHECK: arith.constant dense<{{\[\[}}9, 15], [0, 3]]> : tensor<2x2xi8>
func.func @quantize_per_channel() -> tensor<2x2xi8> {
  %x = arith.constant dense<[[0.1, 5.0], [-1.0, 0.5]]> : tensor<2x2xf32>
  %q = kite.quantize %x {format = #kite.int<4, unsigned>, axis = 0 : i64,
                         scale = array<f64: 0.1, 0.25>,
                         zero_point = array<i64: 8, 1>}
      : tensor<2x2xf32> -> tensor<2x2xi8>
  return %q : tensor<2x2xi8>
}

// Unsigned 8-bit codes above 127 dequantize as unsigned: -56 is 200.
// CHECK-LABEL: func.func @dequantize_unsigned
// CHECK-DAG: arith.constant dense<[1.000000e+01, 0.899999976]> : tensor<2xf32>
// CHECK-DAG: arith.constant dense<[-3.800000e+01, -1.000000e+00]> : tensor<2xf32>
func.func @dequantize_unsigned() -> (tensor<2xf32>, tensor<2xf32>) {
  %q = arith.constant dense<[-56, 18]> : tensor<2xi8>
  %x = kite.dequantize %q {format = #kite.int<8, unsigned>, scale = array<f64: 0.05>,
                           zero_point = array<i64: 0>}
      : tensor<2xi8> -> tensor<2xf32>
  %y = kite.dequantize %q {scale = array<f64: 0.5>, zero_point = array<i64: 20>}
      : tensor<2xi8> -> tensor<2xf32>
  return %x, %y : tensor<2xf32>, tensor<2xf32>
}

// LP<8, 0, 7, 0>: 1.0 is 0x40, 2^0.5 is 0x50, -1.0 is 0xC0 (-64); 3.0 =
// 2^1.585 rounds in the log domain to 2^(1 + 9/16), 0x69 = 105 (regime 110,
// four fraction bits); NaN is NaR (-128).
// CHECK-LABEL: func.func @quantize_lp
// CHECK: %[[C:.*]] = kite.constant dense<[64, 80, -64, 105, -128, 0]> : tensor<6xi8> -> tensor<6x!kite.lp<8, 0, 7, 0>>
// CHECK: return %[[C]]
func.func @quantize_lp() -> tensor<6x!kite.lp<8, 0, 7, 0>> {
  %x = arith.constant dense<[1.0, 1.4142135, -1.0, 3.0, 0x7FC00000, 0.0]> : tensor<6xf32>
  %l = kite.quantize %x : tensor<6xf32> -> tensor<6x!kite.lp<8, 0, 7, 0>>
  return %l : tensor<6x!kite.lp<8, 0, 7, 0>>
}

// CHECK-LABEL: func.func @lp_round_trip
// CHECK: arith.constant dense<[1.000000e+00, 2.000000e+00, -2.500000e-01, 6.400000e+01]> : tensor<4xf32>
func.func @lp_round_trip() -> tensor<4xf32> {
  %x = arith.constant dense<[1.0, 2.0, -0.25, 1.0e6]> : tensor<4xf32>
  %l = kite.quantize %x : tensor<4xf32> -> tensor<4x!kite.lp<8, 0, 7, 0>>
  %y = kite.dequantize %l : tensor<4x!kite.lp<8, 0, 7, 0>> -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// Non-constant inputs are left alone.
// CHECK-LABEL: func.func @not_constant
// CHECK: kite.quantize
func.func @not_constant(%x: tensor<4xf32>) -> tensor<4xi8> {
  %q = kite.quantize %x {format = #kite.int<8, signed>, scale = array<f64: 0.5>,
                         zero_point = array<i64: 0>}
      : tensor<4xf32> -> tensor<4xi8>
  return %q : tensor<4xi8>
}

// LP -> i8 -> LP gives the codes back; i8 -> LP -> i8 would drop the high
// bits of an i8 that is not a sign-extended code, so it stays.
// CHECK-LABEL: func.func @bitcast_round_trip
// CHECK-SAME: (%[[L:.*]]: tensor<4x!kite.lp<6, 1, 5, 0>>, %[[I:.*]]: tensor<4xi8>)
// CHECK: %[[A:.*]] = kite.bitcast %[[I]]
// CHECK: %[[B:.*]] = kite.bitcast %[[A]]
// CHECK: return %[[L]], %[[B]]
func.func @bitcast_round_trip(%l: tensor<4x!kite.lp<6, 1, 5, 0>>, %i: tensor<4xi8>)
    -> (tensor<4x!kite.lp<6, 1, 5, 0>>, tensor<4xi8>) {
  %0 = kite.bitcast %l : tensor<4x!kite.lp<6, 1, 5, 0>> -> tensor<4xi8>
  %1 = kite.bitcast %0 : tensor<4xi8> -> tensor<4x!kite.lp<6, 1, 5, 0>>
  %2 = kite.bitcast %i : tensor<4xi8> -> tensor<4x!kite.lp<6, 1, 5, 0>>
  %3 = kite.bitcast %2 : tensor<4x!kite.lp<6, 1, 5, 0>> -> tensor<4xi8>
  return %1, %3 : tensor<4x!kite.lp<6, 1, 5, 0>>, tensor<4xi8>
}
