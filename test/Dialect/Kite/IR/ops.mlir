// RUN: kite-opt %s | FileCheck %s
// RUN: kite-opt %s | kite-opt | FileCheck %s
// RUN: kite-opt %s --mlir-print-op-generic | kite-opt | FileCheck %s

// CHECK-LABEL: func.func @matmul_float
// CHECK: kite.matmul %{{.*}}, %{{.*}} : (tensor<8x64xf32>, tensor<64x32xf32>) -> tensor<8x32xf32>
// CHECK: kite.matmul %{{.*}}, %{{.*}} acc(%{{.*}}) : (tensor<2x8x64xf32>, tensor<2x64x32xf32>, tensor<2x8x32xf32>) -> tensor<2x8x32xf32>
// CHECK: kite.matmul %{{.*}}, %{{.*}} : (tensor<2x8x64xf32>, tensor<64x32xf32>) -> tensor<2x8x32xf32>
// CHECK: kite.matmul %{{.*}}, %{{.*}} : (tensor<?x8x64xf32>, tensor<64x32xf32>) -> tensor<?x8x32xf32>
func.func @matmul_float(%x: tensor<8x64xf32>, %w: tensor<64x32xf32>,
                        %bx: tensor<2x8x64xf32>, %bw: tensor<2x64x32xf32>,
                        %acc: tensor<2x8x32xf32>, %dx: tensor<?x8x64xf32>) {
  %0 = kite.matmul %x, %w : (tensor<8x64xf32>, tensor<64x32xf32>) -> tensor<8x32xf32>
  %1 = kite.matmul %bx, %bw acc(%acc) : (tensor<2x8x64xf32>, tensor<2x64x32xf32>, tensor<2x8x32xf32>) -> tensor<2x8x32xf32>
  %2 = kite.matmul %bx, %w : (tensor<2x8x64xf32>, tensor<64x32xf32>) -> tensor<2x8x32xf32>
  %3 = kite.matmul %dx, %w : (tensor<?x8x64xf32>, tensor<64x32xf32>) -> tensor<?x8x32xf32>
  return
}

// CHECK-LABEL: func.func @matmul_quantized
// CHECK: kite.matmul %{{.*}}, %{{.*}} {lhs_format = #kite.int<8, unsigned>, lhs_sparsity = #kite.nm<1, 8>, multiplier = #kite.mul<"exact">, rhs_format = #kite.int<4, signed>, rhs_sparsity = #kite.nm<2, 4>} : (tensor<8x64xi8>, tensor<64x32xi8>) -> tensor<8x32xi32>
// CHECK: kite.matmul %{{.*}}, %{{.*}} : (tensor<8x64x!kite.lp<8, 1, 7, 0>>, tensor<64x32x!kite.lp<6, 0, 5, 2>>) -> tensor<8x32xf32>
func.func @matmul_quantized(%x: tensor<8x64xi8>, %w: tensor<64x32xi8>,
                            %lx: tensor<8x64x!kite.lp<8, 1, 7, 0>>,
                            %lw: tensor<64x32x!kite.lp<6, 0, 5, 2>>) {
  %0 = kite.matmul %x, %w {lhs_format = #kite.int<8, unsigned>,
                           rhs_format = #kite.int<4, signed>,
                           multiplier = #kite.mul<"exact">,
                           lhs_sparsity = #kite.nm<1, 8>,
                           rhs_sparsity = #kite.nm<2, 4>}
      : (tensor<8x64xi8>, tensor<64x32xi8>) -> tensor<8x32xi32>
  %1 = kite.matmul %lx, %lw : (tensor<8x64x!kite.lp<8, 1, 7, 0>>, tensor<64x32x!kite.lp<6, 0, 5, 2>>) -> tensor<8x32xf32>
  return
}

// A run-time TASD-A series 4:8+2:8 (+1:8 with a GELU threshold): each later
// term selects from what the earlier ones left.
// CHECK-LABEL: func.func @activation_series
// CHECK: %[[T0:.*]] = kite.matmul %{{.*}}, %{{.*}} {lhs_sparsity = #kite.nm<4, 8>}
// CHECK: kite.matmul %{{.*}}, %{{.*}} acc(%[[T0]]) {lhs_sparsity = #kite.nm<2, 8, residual_of = #kite.nm<4, 8>>}
// CHECK: kite.matmul %{{.*}}, %{{.*}} {lhs_sparsity = #kite.nm<1, 8, threshold = 5, residual_of = #kite.nm<2, 8, residual_of = #kite.nm<4, 8>>>}
func.func @activation_series(%x: tensor<8x64xi8>, %w: tensor<64x32xi8>) {
  %0 = kite.matmul %x, %w {lhs_sparsity = #kite.nm<4, 8>}
      : (tensor<8x64xi8>, tensor<64x32xi8>) -> tensor<8x32xi32>
  %1 = kite.matmul %x, %w acc(%0)
      {lhs_sparsity = #kite.nm<2, 8, residual_of = #kite.nm<4, 8>>}
      : (tensor<8x64xi8>, tensor<64x32xi8>, tensor<8x32xi32>) -> tensor<8x32xi32>
  %2 = kite.matmul %x, %w {lhs_sparsity = #kite.nm<1, 8, threshold = 5,
      residual_of = #kite.nm<2, 8, residual_of = #kite.nm<4, 8>>>}
      : (tensor<8x64xi8>, tensor<64x32xi8>) -> tensor<8x32xi32>
  return
}

// CHECK-LABEL: func.func @conv
// CHECK: kite.conv2d %{{.*}}, %{{.*}} {dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x1x8x8xf32>, tensor<4x1x3x3xf32>) -> tensor<1x4x8x8xf32>
// CHECK: kite.conv2d %{{.*}}, %{{.*}} bias(%{{.*}}) {dilations = array<i64: 2, 1>, filter_format = #kite.int<4, signed>, filter_sparsity = #kite.nm<2, 4>, groups = 2 : i64, input_format = #kite.int<8, signed>, multiplier = #kite.mul<"exact">, pads = array<i64: 0, 1, 0, 1>, strides = array<i64: 2, 2>} : (tensor<2x4x9x8xi8>, tensor<6x2x3x3xi8>, tensor<6xi32>) -> tensor<2x6x3x4xi32>
func.func @conv(%x: tensor<1x1x8x8xf32>, %w: tensor<4x1x3x3xf32>,
                %qx: tensor<2x4x9x8xi8>, %qw: tensor<6x2x3x3xi8>,
                %b: tensor<6xi32>) {
  %0 = kite.conv2d %x, %w {strides = array<i64: 1, 1>,
                           pads = array<i64: 1, 1, 1, 1>,
                           dilations = array<i64: 1, 1>, groups = 1 : i64}
      : (tensor<1x1x8x8xf32>, tensor<4x1x3x3xf32>) -> tensor<1x4x8x8xf32>
  // OH = (9 - 2*2 - 1)/2 + 1 = 3, OW = (8 + 2 - 3)/2 + 1 = 4.
  %1 = kite.conv2d %qx, %qw bias(%b) {strides = array<i64: 2, 2>,
                                      pads = array<i64: 0, 1, 0, 1>,
                                      dilations = array<i64: 2, 1>,
                                      groups = 2 : i64,
                                      input_format = #kite.int<8, signed>,
                                      filter_format = #kite.int<4, signed>,
                                      multiplier = #kite.mul<"exact">,
                                      filter_sparsity = #kite.nm<2, 4>}
      : (tensor<2x4x9x8xi8>, tensor<6x2x3x3xi8>, tensor<6xi32>) -> tensor<2x6x3x4xi32>
  return
}

// CHECK-LABEL: func.func @softmax
// CHECK: kite.softmax %{{.*}} {axis = -1 : i64} : tensor<4x10xf32>
// CHECK: kite.lut_softmax %{{.*}} {axis = 1 : i64, exp_table = dense<[255, 94, 35, 13, 5, 2, 1]> : tensor<7xi32>, input_scale = 1.250000e-01 : f64, method = #kite.softmax_method<rexp>, norm_table = dense<[255, 128, 85, 64]> : tensor<4xi32>, out_bits = 8 : i64, out_shift = 8 : i64, step = 1.000000e+00 : f64, sum_shift = 7 : i64} : tensor<4x10xi8> -> tensor<4x10xi16>
// CHECK: kite.lut_softmax %{{.*}} {axis = -1 : i64, {{.*}}method = #kite.softmax_method<lut2d>, norm_table = dense<{{\[\[}}0, 255], [0, 128]]> : tensor<2x2xi32>{{.*}}} : tensor<4x10xf32> -> tensor<4x10xi32>
func.func @softmax(%x: tensor<4x10xf32>, %q: tensor<4x10xi8>) {
  %0 = kite.softmax %x {axis = -1 : i64} : tensor<4x10xf32>
  %1 = kite.lut_softmax %q {axis = 1 : i64, method = #kite.softmax_method<rexp>,
         input_scale = 0.125 : f64, step = 1.0 : f64, out_bits = 8 : i64,
         sum_shift = 7 : i64, out_shift = 8 : i64,
         exp_table = dense<[255, 94, 35, 13, 5, 2, 1]> : tensor<7xi32>,
         norm_table = dense<[255, 128, 85, 64]> : tensor<4xi32>}
      : tensor<4x10xi8> -> tensor<4x10xi16>
  %2 = kite.lut_softmax %x {axis = -1 : i64, method = #kite.softmax_method<lut2d>,
         input_scale = 1.0 : f64, step = 1.0 : f64, out_bits = 8 : i64,
         sum_shift = 0 : i64, out_shift = 7 : i64,
         exp_table = dense<[255, 94]> : tensor<2xi32>,
         norm_table = dense<[[0, 255], [0, 128]]> : tensor<2x2xi32>}
      : tensor<4x10xf32> -> tensor<4x10xi32>
  return
}

// CHECK-LABEL: func.func @quantization
// CHECK: kite.quantize %{{.*}} {format = #kite.int<8, signed>, scale = array<f64: 5.000000e-02>, zero_point = array<i64: 0>} : tensor<4x16xf32> -> tensor<4x16xi8>
// CHECK: kite.quantize %{{.*}} {axis = 0 : i64, format = #kite.int<4, unsigned>, scale = array<f64: 1.000000e-01, 2.000000e-01, 3.000000e-01, 4.000000e-01>, zero_point = array<i64: 8, 8, 7, 0>} : tensor<4x16xf32> -> tensor<4x16xi8>
// CHECK: kite.quantize %{{.*}} : tensor<4x16xf32> -> tensor<4x16x!kite.lp<8, 1, 7, 0>>
// CHECK: kite.dequantize %{{.*}} {scale = array<f64: 2.500000e-03>, zero_point = array<i64: 0>} : tensor<4x16xi32> -> tensor<4x16xf32>
// CHECK: kite.dequantize %{{.*}} : tensor<4x16x!kite.lp<8, 1, 7, 0>> -> tensor<4x16xf32>
func.func @quantization(%x: tensor<4x16xf32>, %acc: tensor<4x16xi32>) {
  %0 = kite.quantize %x {format = #kite.int<8, signed>, scale = array<f64: 0.05>,
                         zero_point = array<i64: 0>}
      : tensor<4x16xf32> -> tensor<4x16xi8>
  %1 = kite.quantize %x {format = #kite.int<4, unsigned>, axis = 0 : i64,
                         scale = array<f64: 0.1, 0.2, 0.3, 0.4>,
                         zero_point = array<i64: 8, 8, 7, 0>}
      : tensor<4x16xf32> -> tensor<4x16xi8>
  %2 = kite.quantize %x : tensor<4x16xf32> -> tensor<4x16x!kite.lp<8, 1, 7, 0>>
  %3 = kite.dequantize %acc {scale = array<f64: 0.0025>, zero_point = array<i64: 0>}
      : tensor<4x16xi32> -> tensor<4x16xf32>
  %4 = kite.dequantize %2 : tensor<4x16x!kite.lp<8, 1, 7, 0>> -> tensor<4x16xf32>
  return
}

// CHECK-LABEL: func.func @normalisation
// CHECK: kite.layer_norm %{{.*}} scale(%{{.*}}) bias(%{{.*}}) {axis = -1 : i64, epsilon = 1.000000e-05 : f64} : (tensor<16x32xf32>, tensor<32xf32>, tensor<32xf32>) -> tensor<16x32xf32>
// CHECK: kite.layer_norm %{{.*}} {axis = 1 : i64, epsilon = 0.000000e+00 : f64} : (tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
// CHECK: kite.gelu %{{.*}} {approximation = #kite.gelu_approximation<none>} : tensor<16x32xf32>
// CHECK: kite.gelu %{{.*}} {approximation = #kite.gelu_approximation<tanh>} : tensor<16x32xf32>
func.func @normalisation(%x: tensor<16x32xf32>, %g: tensor<32xf32>,
                         %b: tensor<32xf32>, %y: tensor<2x4x8xf32>) {
  %0 = kite.layer_norm %x scale(%g) bias(%b) {axis = -1 : i64, epsilon = 1.0e-05 : f64}
      : (tensor<16x32xf32>, tensor<32xf32>, tensor<32xf32>) -> tensor<16x32xf32>
  %1 = kite.layer_norm %y {axis = 1 : i64, epsilon = 0.0 : f64}
      : (tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
  %2 = kite.gelu %x {approximation = #kite.gelu_approximation<none>} : tensor<16x32xf32>
  %3 = kite.gelu %x {approximation = #kite.gelu_approximation<tanh>} : tensor<16x32xf32>
  return
}

// CHECK-LABEL: func.func @lp_constant
// CHECK: kite.constant dense<[64, 80, -64]> : tensor<3xi8> -> tensor<3x!kite.lp<8, 0, 7, 0>>
// CHECK: kite.constant dense<16384> : tensor<2x2xi16> -> tensor<2x2x!kite.lp<16, 1, 15, 0>>
func.func @lp_constant() {
  %0 = kite.constant dense<[64, 80, -64]> : tensor<3xi8> -> tensor<3x!kite.lp<8, 0, 7, 0>>
  %1 = kite.constant dense<16384> : tensor<2x2xi16> -> tensor<2x2x!kite.lp<16, 1, 15, 0>>
  return
}

// CHECK-LABEL: func.func @lp_bitcast
// CHECK: %[[C:.*]] = kite.bitcast %{{.*}} : tensor<2x3x!kite.lp<6, 1, 5, -2>> -> tensor<2x3xi8>
// CHECK: kite.bitcast %[[C]] : tensor<2x3xi8> -> tensor<2x3x!kite.lp<6, 1, 5, -2>>
func.func @lp_bitcast(%l: tensor<2x3x!kite.lp<6, 1, 5, -2>>) {
  %0 = kite.bitcast %l : tensor<2x3x!kite.lp<6, 1, 5, -2>> -> tensor<2x3xi8>
  %1 = kite.bitcast %0 : tensor<2x3xi8> -> tensor<2x3x!kite.lp<6, 1, 5, -2>>
  return
}
