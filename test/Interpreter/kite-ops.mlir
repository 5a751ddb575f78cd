// The interpreter's semantics of kite ops on small cases worked by hand.
// RUN: kite-run %s --entry=int_matmul --print | FileCheck %s --check-prefix=INT
// RUN: kite-run %s --entry=approx_matmul --print | FileCheck %s --check-prefix=UDM
// RUN: kite-run %s --entry=sparse_matmul --print | FileCheck %s --check-prefix=NM
// RUN: kite-run %s --entry=lp_matmul --print | FileCheck %s --check-prefix=LP
// RUN: kite-run %s --entry=quantization --print | FileCheck %s --check-prefix=Q
// RUN: kite-run %s --entry=lp_bitcast --print | FileCheck %s --check-prefix=BITCAST
// RUN: kite-run %s --entry=lut_softmax --print | FileCheck %s --check-prefix=LUT
// RUN: kite-run %s --entry=conv --print | FileCheck %s --check-prefix=CONV
// RUN: kite-run %s --entry=normalisation --print | FileCheck %s --check-prefix=NORM
// RUN: not kite-run %s --entry=out_of_format 2>&1 | FileCheck %s --check-prefix=RANGE

// INT: result #0: [2, 2] [19, 22, 43, 50]
// Accumulate into acc, batched lhs with a shared rhs.
// INT: result #1: [2, 1, 2] [20, 23, 44, 51]
func.func @int_matmul() -> (tensor<2x2xi32>, tensor<2x1x2xi32>) {
  %a = arith.constant dense<[[1, 2], [3, 4]]> : tensor<2x2xi8>
  %b = arith.constant dense<[[5, 6], [7, 8]]> : tensor<2x2xi8>
  %r = kite.matmul %a, %b {multiplier = #kite.mul<"exact">} : (tensor<2x2xi8>, tensor<2x2xi8>) -> tensor<2x2xi32>
  %a3 = arith.constant dense<[[[1, 2]], [[3, 4]]]> : tensor<2x1x2xi8>
  %c = arith.constant dense<1> : tensor<2x1x2xi32>
  %s = kite.matmul %a3, %b acc(%c) : (tensor<2x1x2xi8>, tensor<2x2xi8>, tensor<2x1x2xi32>) -> tensor<2x1x2xi32>
  return %r, %s : tensor<2x2xi32>, tensor<2x1x2xi32>
}

// The 2x2 UDM block computes 3 * 3 = 7; 2 * 3 stays 6.
// UDM: result #0: [1, 2] [7, 6]
// drum2 keeps two bits from the leading one, the lower forced to 1:
// 7 = 0b111 -> 0b110 = 6; |-2| = 2 fits in two bits. Signed operands are
// sign and magnitude: 6 * -2 = -12.
// UDM: result #1: [1, 1] [-12]
func.func @approx_matmul() -> (tensor<1x2xi32>, tensor<1x1xi32>) {
  %a = arith.constant dense<[[3]]> : tensor<1x1xi8>
  %b = arith.constant dense<[[3, 2]]> : tensor<1x2xi8>
  %r = kite.matmul %a, %b {lhs_format = #kite.int<2, unsigned>, rhs_format = #kite.int<2, unsigned>,
                           multiplier = #kite.mul<"udm">} : (tensor<1x1xi8>, tensor<1x2xi8>) -> tensor<1x2xi32>
  %x = arith.constant dense<[[7]]> : tensor<1x1xi8>
  %w = arith.constant dense<[[-2]]> : tensor<1x1xi8>
  %s = kite.matmul %x, %w {lhs_format = #kite.int<4, unsigned>, rhs_format = #kite.int<4, signed>,
                           multiplier = #kite.mul<"drum2">} : (tensor<1x1xi8>, tensor<1x1xi8>) -> tensor<1x1xi32>
  return %r, %s : tensor<1x2xi32>, tensor<1x1xi32>
}

// 1:2 along K keeps the larger magnitude of each pair: rhs column
// (1, 5, 2, -3) reads as (0, 5, 0, -3); lhs row (4, 1, 1, 1) as (4, 0, 1, 0).
// NM: result #0: [1, 1] [2]
// NM: result #1: [1, 1] [5]
// A run-time series 1:2+1:4: the 1:4 term selects from what 1:2 left,
// (0, 1, 0, 1), its first 1 (ties to the lower index): with weights
// (1, 10, 100, 1000), 4 + 100 from the first term, then + 10.
// NM: result #2: [1, 1] [114]
func.func @sparse_matmul() -> (tensor<1x1xi32>, tensor<1x1xi32>, tensor<1x1xi32>) {
  %ones = arith.constant dense<[[1, 1, 1, 1]]> : tensor<1x4xi8>
  %w = arith.constant dense<[[1], [5], [2], [-3]]> : tensor<4x1xi8>
  %r = kite.matmul %ones, %w {rhs_sparsity = #kite.nm<1, 2>} : (tensor<1x4xi8>, tensor<4x1xi8>) -> tensor<1x1xi32>
  %a = arith.constant dense<[[4, 1, 1, 1]]> : tensor<1x4xi8>
  %w1 = arith.constant dense<[[1], [1], [1], [1]]> : tensor<4x1xi8>
  %s = kite.matmul %a, %w1 {lhs_sparsity = #kite.nm<1, 2>} : (tensor<1x4xi8>, tensor<4x1xi8>) -> tensor<1x1xi32>
  %w2 = arith.constant dense<[[1], [10], [100], [1000]]> : tensor<4x1xi16>
  %t1 = kite.matmul %a, %w2 {lhs_sparsity = #kite.nm<1, 2>} : (tensor<1x4xi8>, tensor<4x1xi16>) -> tensor<1x1xi32>
  %t2 = kite.matmul %a, %w2 acc(%t1) {lhs_sparsity = #kite.nm<1, 4, residual_of = #kite.nm<1, 2>>} : (tensor<1x4xi8>, tensor<4x1xi16>, tensor<1x1xi32>) -> tensor<1x1xi32>
  return %r, %s, %t2 : tensor<1x1xi32>, tensor<1x1xi32>, tensor<1x1xi32>
}

// LP<8,0,7,0>: 64 is 1.0 and 80 is 2^0.5, so [1, 2^.5] . [2^.5, 2^.5] =
// 2^.5 + 2 = 3.41421 (16-bit accumulator fraction: 3.41420 +- 2^-16).
// LP: result #0: [1, 1] [3.4142
func.func @lp_matmul() -> tensor<1x1xf32> {
  %a = kite.constant dense<[[64, 80]]> : tensor<1x2xi8> -> tensor<1x2x!kite.lp<8, 0, 7, 0>>
  %b = kite.constant dense<[[80], [80]]> : tensor<2x1xi8> -> tensor<2x1x!kite.lp<8, 0, 7, 0>>
  %r = kite.matmul %a, %b : (tensor<1x2x!kite.lp<8, 0, 7, 0>>, tensor<2x1x!kite.lp<8, 0, 7, 0>>) -> tensor<1x1xf32>
  return %r : tensor<1x1xf32>
}

// Per-channel INT4 (axis 0, scales 0.5 and 0.25), round half to even,
// saturation at -8; then back. In LP<8,0,7,0> 1.0 is 64, 3.0 rounds to 2^(1 + 9/16),
// code 105.
// Q: result #0: [2, 2] [2, -4, 7, -8]
// Q: result #1: [2, 2] [1, -2, 1.75, -2]
// Q: result #2: [2] [64, 105]
func.func @quantization() -> (tensor<2x2xi8>, tensor<2x2xf32>, tensor<2x!kite.lp<8, 0, 7, 0>>) {
  %x = arith.constant dense<[[1.25, -1.9], [3.0, -5.0]]> : tensor<2x2xf32>
  %q = kite.quantize %x {format = #kite.int<4, signed>, axis = 0 : i64,
                         scale = array<f64: 0.5, 0.25>, zero_point = array<i64: 0, 0>}
      : tensor<2x2xf32> -> tensor<2x2xi8>
  %d = kite.dequantize %q {format = #kite.int<4, signed>, axis = 0 : i64,
                           scale = array<f64: 0.5, 0.25>, zero_point = array<i64: 0, 0>}
      : tensor<2x2xi8> -> tensor<2x2xf32>
  %y = arith.constant dense<[1.0, 3.0]> : tensor<2xf32>
  %l = kite.quantize %y : tensor<2xf32> -> tensor<2x!kite.lp<8, 0, 7, 0>>
  return %q, %d, %l : tensor<2x2xi8>, tensor<2x2xf32>, tensor<2x!kite.lp<8, 0, 7, 0>>
}

// LP<6,1,5,0> codes of 1, -1, -2, 0.5 are 16, 48, 44, 12; as i8 they are
// sign-extended (48 = -16, 44 = -20), so the integer max pool picks 1.0
// (unsigned codes would pick -1); i8 back to LP keeps the low 6 bits.
// BITCAST: result #0: [1, 2, 2, 1] [16, -16, -20, 12]
// BITCAST: result #1: [1, 1, 1, 1] [1]
// BITCAST: result #2: [1, 2, 2, 1] [16, 48, 44, 12]
func.func @lp_bitcast() -> (tensor<1x2x2x1xi8>, tensor<1x1x1x1xf32>, tensor<1x2x2x1x!kite.lp<6, 1, 5, 0>>) {
  %x = arith.constant dense<[[[[1.0], [-1.0]], [[-2.0], [0.5]]]]> : tensor<1x2x2x1xf32>
  %l = kite.quantize %x : tensor<1x2x2x1xf32> -> tensor<1x2x2x1x!kite.lp<6, 1, 5, 0>>
  %c = kite.bitcast %l : tensor<1x2x2x1x!kite.lp<6, 1, 5, 0>> -> tensor<1x2x2x1xi8>
  %p = tosa.max_pool2d %c {kernel = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>} : (tensor<1x2x2x1xi8>) -> tensor<1x1x1x1xi8>
  %m = kite.bitcast %p : tensor<1x1x1x1xi8> -> tensor<1x1x1x1x!kite.lp<6, 1, 5, 0>>
  %v = kite.dequantize %m : tensor<1x1x1x1x!kite.lp<6, 1, 5, 0>> -> tensor<1x1x1x1xf32>
  %b = kite.bitcast %c : tensor<1x2x2x1xi8> -> tensor<1x2x2x1x!kite.lp<6, 1, 5, 0>>
  return %c, %v, %b : tensor<1x2x2x1xi8>, tensor<1x1x1x1xf32>, tensor<1x2x2x1x!kite.lp<6, 1, 5, 0>>
}

// rexp, Δ = 1: distances (0, 1, 9 -> 6); e = (255, 94, 1), S = 350, row
// 350 >> 1 = 175 of a table filled with 93 (~ 2^7 * 255 / 350);
// (e * 93) >> 7 = (185, 68, 0).
// LUT: result #0: [1, 3] [185, 68, 0]
func.func @lut_softmax() -> tensor<1x3xi16> {
  %x = arith.constant dense<[[2.0, 1.0, -7.0]]> : tensor<1x3xf32>
  %p = kite.lut_softmax %x {axis = -1 : i64, method = #kite.softmax_method<rexp>,
         input_scale = 1.0 : f64, step = 1.0 : f64, out_bits = 8 : i64,
         sum_shift = 1 : i64, out_shift = 7 : i64,
         exp_table = dense<[255, 94, 35, 13, 5, 2, 1]> : tensor<7xi32>,
         norm_table = dense<93> : tensor<256xi32>}
      : tensor<1x3xf32> -> tensor<1x3xi16>
  return %p : tensor<1x3xi16>
}

// 3x3 input 1..9, 2x2 filter of ones, bias 0.5, no padding.
// CONV: result #0: [1, 1, 2, 2] [12.5, 16.5, 24.5, 28.5]
// Integer, with an accumulator: (1, 0, 0, 1) under the 1:4 selection is
// (1, 0, 0, 0) (ties go to the lower index): acc 101 + bias -1 + each
// window's top-left input.
// CONV: result #1: [1, 1, 2, 2] [100, 101, 103, 104]
func.func @conv() -> (tensor<1x1x2x2xf32>, tensor<1x1x2x2xi32>) {
  %x = arith.constant dense<[[[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]]]]> : tensor<1x1x3x3xf32>
  %w = arith.constant dense<1.0> : tensor<1x1x2x2xf32>
  %b = arith.constant dense<0.5> : tensor<1xf32>
  %y = kite.conv2d %x, %w bias(%b) {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>,
                                   dilations = array<i64: 1, 1>, groups = 1 : i64}
      : (tensor<1x1x3x3xf32>, tensor<1x1x2x2xf32>, tensor<1xf32>) -> tensor<1x1x2x2xf32>
  %qx = arith.constant dense<[[[[0, 1, 2], [3, 4, 5], [6, 7, 8]]]]> : tensor<1x1x3x3xi8>
  %qw = arith.constant dense<[[[[1, 0], [0, 1]]]]> : tensor<1x1x2x2xi8>
  %qb = arith.constant dense<-1> : tensor<1xi32>
  %acc = arith.constant dense<[[[[101, 101], [101, 101]]]]> : tensor<1x1x2x2xi32>
  %s = kite.conv2d %qx, %qw bias(%qb) acc(%acc) {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>,
                                   dilations = array<i64: 1, 1>, groups = 1 : i64,
                                   filter_sparsity = #kite.nm<1, 4>}
      : (tensor<1x1x3x3xi8>, tensor<1x1x2x2xi8>, tensor<1xi32>, tensor<1x1x2x2xi32>) -> tensor<1x1x2x2xi32>
  return %y, %s : tensor<1x1x2x2xf32>, tensor<1x1x2x2xi32>
}

// NORM: result #0: [1, 2] [-1, 1]
// NORM: result #1: [1, 2] [0.268941, 0.731059]
// NORM: result #2: [2] [0.841345, -0.158655]
func.func @normalisation() -> (tensor<1x2xf32>, tensor<1x2xf32>, tensor<2xf32>) {
  %x = arith.constant dense<[[1.0, 2.0]]> : tensor<1x2xf32>
  %n = kite.layer_norm %x {axis = -1 : i64, epsilon = 0.0 : f64} : (tensor<1x2xf32>) -> tensor<1x2xf32>
  %s = kite.softmax %x {axis = 1 : i64} : tensor<1x2xf32>
  %g0 = arith.constant dense<[1.0, -1.0]> : tensor<2xf32>
  %g = kite.gelu %g0 {approximation = #kite.gelu_approximation<none>} : tensor<2xf32>
  return %n, %s, %g : tensor<1x2xf32>, tensor<1x2xf32>, tensor<2xf32>
}

// RANGE: error: 'kite.matmul' op operand value 9 is outside #kite.int<2, unsigned>
func.func @out_of_format() -> tensor<1x1xi32> {
  %a = arith.constant dense<[[9]]> : tensor<1x1xi8>
  %r = kite.matmul %a, %a {lhs_format = #kite.int<2, unsigned>, rhs_format = #kite.int<2, unsigned>}
      : (tensor<1x1xi8>, tensor<1x1xi8>) -> tensor<1x1xi32>
  return %r : tensor<1x1xi32>
}
