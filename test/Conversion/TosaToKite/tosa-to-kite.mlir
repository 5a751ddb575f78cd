// RUN: kite-opt %s --convert-tosa-to-kite --canonicalize --split-input-file | FileCheck %s

// CHECK-LABEL: func.func @matmul
// CHECK: kite.matmul %arg0, %arg1 : (tensor<2x4x8xf32>, tensor<2x8x3xf32>) -> tensor<2x4x3xf32>
// CHECK-NOT: tosa.matmul
func.func @matmul(%a: tensor<2x4x8xf32>, %b: tensor<2x8x3xf32>) -> tensor<2x4x3xf32> {
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %r = tosa.matmul %a, %b, %zp, %zp : (tensor<2x4x8xf32>, tensor<2x8x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x4x3xf32>
  return %r : tensor<2x4x3xf32>
}

// -----

// The layout transposes an importer puts around an NHWC convolution cancel
// against the ones the conversion adds.
// CHECK-LABEL: func.func @conv
// CHECK-NEXT: %[[Y:.*]] = kite.conv2d %arg0, %arg1 bias(%arg2) {dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 1, 2, 0, 0>, strides = array<i64: 1, 1>}
// CHECK-SAME: -> tensor<1x4x8x9xf32>
// CHECK-NEXT: return %[[Y]]
func.func @conv(%x: tensor<1x2x8x8xf32>, %w: tensor<4x2x2x2xf32>, %b: tensor<4xf32>) -> tensor<1x4x8x9xf32> {
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %xt = tosa.transpose %x {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x2x8x8xf32>) -> tensor<1x8x8x2xf32>
  %wt = tosa.transpose %w {perms = array<i32: 0, 2, 3, 1>} : (tensor<4x2x2x2xf32>) -> tensor<4x2x2x2xf32>
  %y = tosa.conv2d %xt, %wt, %b, %zp, %zp {pad = array<i64: 1, 0, 2, 0>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>, acc_type = f32}
      : (tensor<1x8x8x2xf32>, tensor<4x2x2x2xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x8x9x4xf32>
  %yt = tosa.transpose %y {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x8x9x4xf32>) -> tensor<1x4x8x9xf32>
  return %yt : tensor<1x4x8x9xf32>
}

// -----

// CHECK-LABEL: func.func @softmax
// CHECK-NEXT: %[[S:.*]] = kite.softmax %arg0 {axis = 1 : i64} : tensor<4x10xf32>
// CHECK-NEXT: return %[[S]]
func.func @softmax(%x: tensor<4x10xf32>) -> tensor<4x10xf32> {
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %m = tosa.reduce_max %x {axis = 1 : i32} : (tensor<4x10xf32>) -> tensor<4x1xf32>
  %d = tosa.sub %x, %m : (tensor<4x10xf32>, tensor<4x1xf32>) -> tensor<4x10xf32>
  %e = tosa.exp %d : (tensor<4x10xf32>) -> tensor<4x10xf32>
  %s = tosa.reduce_sum %e {axis = 1 : i32} : (tensor<4x10xf32>) -> tensor<4x1xf32>
  %r = tosa.reciprocal %s : (tensor<4x1xf32>) -> tensor<4x1xf32>
  %y = tosa.mul %r, %e, %shift : (tensor<4x1xf32>, tensor<4x10xf32>, tensor<1xi8>) -> tensor<4x10xf32>
  return %y : tensor<4x10xf32>
}

// -----

// Not a softmax: the max and the sum are over different axes.
// CHECK-LABEL: func.func @not_softmax
// CHECK-NOT: kite.softmax
// CHECK: tosa.reduce_sum
func.func @not_softmax(%x: tensor<4x4xf32>) -> tensor<4x4xf32> {
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %m = tosa.reduce_max %x {axis = 0 : i32} : (tensor<4x4xf32>) -> tensor<1x4xf32>
  %d = tosa.sub %x, %m : (tensor<4x4xf32>, tensor<1x4xf32>) -> tensor<4x4xf32>
  %e = tosa.exp %d : (tensor<4x4xf32>) -> tensor<4x4xf32>
  %s = tosa.reduce_sum %e {axis = 1 : i32} : (tensor<4x4xf32>) -> tensor<4x1xf32>
  %r = tosa.reciprocal %s : (tensor<4x1xf32>) -> tensor<4x1xf32>
  %y = tosa.mul %e, %r, %shift : (tensor<4x4xf32>, tensor<4x1xf32>, tensor<1xi8>) -> tensor<4x4xf32>
  return %y : tensor<4x4xf32>
}

// -----

// LayerNorm as the opset-17 import decomposes it, with scale and bias.
// CHECK-LABEL: func.func @layer_norm
// CHECK-DAG: %[[G:.*]] = "tosa.const"() <{values = dense<2.000000e+00> : tensor<8xf32>}>
// CHECK-DAG: %[[B:.*]] = "tosa.const"() <{values = dense<5.000000e-01> : tensor<8xf32>}>
// CHECK: %[[N:.*]] = kite.layer_norm %arg0 scale(%[[G]]) bias(%[[B]]) {axis = 1 : i64, epsilon = 9.9999997473787516E-6 : f64}
// CHECK-NEXT: return %[[N]]
func.func @layer_norm(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %inv = "tosa.const"() <{values = dense<0.125> : tensor<1x1xf32>}> : () -> tensor<1x1xf32>
  %eps = "tosa.const"() <{values = dense<1.0e-5> : tensor<1x1xf32>}> : () -> tensor<1x1xf32>
  %g = "tosa.const"() <{values = dense<2.0> : tensor<1x8xf32>}> : () -> tensor<1x8xf32>
  %b = "tosa.const"() <{values = dense<0.5> : tensor<1x8xf32>}> : () -> tensor<1x8xf32>
  %s = tosa.reduce_sum %x {axis = 1 : i32} : (tensor<2x8xf32>) -> tensor<2x1xf32>
  %mu = tosa.mul %s, %inv, %shift : (tensor<2x1xf32>, tensor<1x1xf32>, tensor<1xi8>) -> tensor<2x1xf32>
  %d = tosa.sub %x, %mu : (tensor<2x8xf32>, tensor<2x1xf32>) -> tensor<2x8xf32>
  %sq = tosa.mul %d, %d, %shift : (tensor<2x8xf32>, tensor<2x8xf32>, tensor<1xi8>) -> tensor<2x8xf32>
  %vs = tosa.reduce_sum %sq {axis = 1 : i32} : (tensor<2x8xf32>) -> tensor<2x1xf32>
  %var = tosa.mul %vs, %inv, %shift : (tensor<2x1xf32>, tensor<1x1xf32>, tensor<1xi8>) -> tensor<2x1xf32>
  %ve = tosa.add %var, %eps : (tensor<2x1xf32>, tensor<1x1xf32>) -> tensor<2x1xf32>
  %r = tosa.rsqrt %ve : (tensor<2x1xf32>) -> tensor<2x1xf32>
  %n = tosa.mul %d, %r, %shift : (tensor<2x8xf32>, tensor<2x1xf32>, tensor<1xi8>) -> tensor<2x8xf32>
  %y = tosa.mul %n, %g, %shift : (tensor<2x8xf32>, tensor<1x8xf32>, tensor<1xi8>) -> tensor<2x8xf32>
  %z = tosa.add %y, %b : (tensor<2x8xf32>, tensor<1x8xf32>) -> tensor<2x8xf32>
  return %z : tensor<2x8xf32>
}

// -----

// LayerNorm as opset 13 exports it: pow(d, 2), sqrt as pow(., 0.5), 1/x.
// CHECK-LABEL: func.func @layer_norm_opset13
// CHECK: kite.layer_norm %arg0 {axis = 1 : i64, epsilon = 9.9999997473787516E-6 : f64}
// CHECK-NOT: tosa.pow
func.func @layer_norm_opset13(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %inv = "tosa.const"() <{values = dense<0.125> : tensor<1x1xf32>}> : () -> tensor<1x1xf32>
  %eps = "tosa.const"() <{values = dense<1.0e-5> : tensor<1x1xf32>}> : () -> tensor<1x1xf32>
  %two = "tosa.const"() <{values = dense<2.0> : tensor<1x1xf32>}> : () -> tensor<1x1xf32>
  %half = "tosa.const"() <{values = dense<0.5> : tensor<1x1xf32>}> : () -> tensor<1x1xf32>
  %s = tosa.reduce_sum %x {axis = 1 : i32} : (tensor<2x8xf32>) -> tensor<2x1xf32>
  %mu = tosa.mul %inv, %s, %shift : (tensor<1x1xf32>, tensor<2x1xf32>, tensor<1xi8>) -> tensor<2x1xf32>
  %d = tosa.sub %x, %mu : (tensor<2x8xf32>, tensor<2x1xf32>) -> tensor<2x8xf32>
  %sq = tosa.pow %d, %two : (tensor<2x8xf32>, tensor<1x1xf32>) -> tensor<2x8xf32>
  %vs = tosa.reduce_sum %sq {axis = 1 : i32} : (tensor<2x8xf32>) -> tensor<2x1xf32>
  %var = tosa.mul %vs, %inv, %shift : (tensor<2x1xf32>, tensor<1x1xf32>, tensor<1xi8>) -> tensor<2x1xf32>
  %ve = tosa.add %eps, %var : (tensor<1x1xf32>, tensor<2x1xf32>) -> tensor<2x1xf32>
  %sd = tosa.pow %ve, %half : (tensor<2x1xf32>, tensor<1x1xf32>) -> tensor<2x1xf32>
  %r = tosa.reciprocal %sd : (tensor<2x1xf32>) -> tensor<2x1xf32>
  %n = tosa.mul %r, %d, %shift : (tensor<2x1xf32>, tensor<2x8xf32>, tensor<1xi8>) -> tensor<2x8xf32>
  return %n : tensor<2x8xf32>
}

// -----

// CHECK-LABEL: func.func @gelu
// CHECK-NEXT: %[[G:.*]] = kite.gelu %arg0 {approximation = #kite.gelu_approximation<none>} : tensor<4x16xf32>
// CHECK-NEXT: return %[[G]]
func.func @gelu(%x: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %k = "tosa.const"() <{values = dense<0.707106769> : tensor<1x1xf32>}> : () -> tensor<1x1xf32>
  %one = "tosa.const"() <{values = dense<1.0> : tensor<1x1xf32>}> : () -> tensor<1x1xf32>
  %half = "tosa.const"() <{values = dense<0.5> : tensor<1x1xf32>}> : () -> tensor<1x1xf32>
  %a = tosa.mul %x, %k, %shift : (tensor<4x16xf32>, tensor<1x1xf32>, tensor<1xi8>) -> tensor<4x16xf32>
  %e = tosa.erf %a : (tensor<4x16xf32>) -> tensor<4x16xf32>
  %p = tosa.add %e, %one : (tensor<4x16xf32>, tensor<1x1xf32>) -> tensor<4x16xf32>
  %m = tosa.mul %x, %p, %shift : (tensor<4x16xf32>, tensor<4x16xf32>, tensor<1xi8>) -> tensor<4x16xf32>
  %y = tosa.mul %m, %half, %shift : (tensor<4x16xf32>, tensor<1x1xf32>, tensor<1xi8>) -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// -----

// Not a GELU: the erf argument is scaled by 0.5, not 1/sqrt(2).
// CHECK-LABEL: func.func @not_gelu
// CHECK-NOT: kite.gelu
// CHECK: tosa.erf
func.func @not_gelu(%x: tensor<4xf32>) -> tensor<4xf32> {
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %k = "tosa.const"() <{values = dense<0.5> : tensor<1xf32>}> : () -> tensor<1xf32>
  %one = "tosa.const"() <{values = dense<1.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %a = tosa.mul %x, %k, %shift : (tensor<4xf32>, tensor<1xf32>, tensor<1xi8>) -> tensor<4xf32>
  %e = tosa.erf %a : (tensor<4xf32>) -> tensor<4xf32>
  %p = tosa.add %e, %one : (tensor<4xf32>, tensor<1xf32>) -> tensor<4xf32>
  %m = tosa.mul %x, %p, %shift : (tensor<4xf32>, tensor<4xf32>, tensor<1xi8>) -> tensor<4xf32>
  %y = tosa.mul %m, %k, %shift : (tensor<4xf32>, tensor<1xf32>, tensor<1xi8>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

// Pooling an NCHW tensor through NHWC transposes pools each channel plane
// in place: N*C one-channel images, between free reshapes.
// CHECK-LABEL: func.func @pool_planes
// CHECK-NOT: tosa.transpose
// CHECK: %[[P:.*]] = tosa.reshape %arg0, %{{.*}} : (tensor<2x3x4x4xf32>, !tosa.shape<4>) -> tensor<6x4x4x1xf32>
// CHECK: %[[M:.*]] = tosa.max_pool2d %[[P]] {kernel = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>} : (tensor<6x4x4x1xf32>) -> tensor<6x2x2x1xf32>
// CHECK: tosa.reshape %[[M]], %{{.*}} : (tensor<6x2x2x1xf32>, !tosa.shape<4>) -> tensor<2x3x2x2xf32>
// CHECK-NOT: tosa.transpose
func.func @pool_planes(%x: tensor<2x3x4x4xf32>) -> tensor<2x3x2x2xf32> {
  %t = tosa.transpose %x {perms = array<i32: 0, 2, 3, 1>} : (tensor<2x3x4x4xf32>) -> tensor<2x4x4x3xf32>
  %p = tosa.max_pool2d %t {kernel = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>} : (tensor<2x4x4x3xf32>) -> tensor<2x2x2x3xf32>
  %y = tosa.transpose %p {perms = array<i32: 0, 3, 1, 2>} : (tensor<2x2x2x3xf32>) -> tensor<2x3x2x2xf32>
  return %y : tensor<2x3x2x2xf32>
}

// -----

// The NHWC tensor has another use: the transposes stay.
// CHECK-LABEL: func.func @pool_shared
// CHECK: tosa.transpose
// CHECK: tosa.max_pool2d {{.*}} : (tensor<2x4x4x3xf32>) -> tensor<2x2x2x3xf32>
func.func @pool_shared(%x: tensor<2x3x4x4xf32>) -> (tensor<2x3x2x2xf32>, tensor<2x4x4x3xf32>) {
  %t = tosa.transpose %x {perms = array<i32: 0, 2, 3, 1>} : (tensor<2x3x4x4xf32>) -> tensor<2x4x4x3xf32>
  %p = tosa.max_pool2d %t {kernel = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>} : (tensor<2x4x4x3xf32>) -> tensor<2x2x2x3xf32>
  %y = tosa.transpose %p {perms = array<i32: 0, 3, 1, 2>} : (tensor<2x2x2x3xf32>) -> tensor<2x3x2x2xf32>
  return %y, %t : tensor<2x3x2x2xf32>, tensor<2x4x4x3xf32>
}

// -----

// A depthwise convolution (multiplier 2) is a kite.conv2d with one group
// per input channel; its [KH, KW, C, M] weights become [C * M, 1, KH, KW].
// CHECK-LABEL: func.func @depthwise
// CHECK: %[[W:.*]] = "tosa.const"() <{values = dense<{{\[\[\[\[}}1.000000e+00]]], {{\[\[\[}}2.000000e+00]]], {{\[\[\[}}3.000000e+00]]], {{\[\[\[}}4.000000e+00]]]]> : tensor<4x1x1x1xf32>}>
// CHECK: kite.conv2d %arg0, %[[W]] bias(%{{.*}}) {dilations = array<i64: 1, 1>, groups = 2 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x2x3x3xf32>, tensor<4x1x1x1xf32>, tensor<4xf32>) -> tensor<1x4x3x3xf32>
func.func @depthwise(%x: tensor<1x2x3x3xf32>) -> tensor<1x4x3x3xf32> {
  %t = tosa.transpose %x {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x2x3x3xf32>) -> tensor<1x3x3x2xf32>
  %w = "tosa.const"() <{values = dense<[[[[1.0, 2.0], [3.0, 4.0]]]]> : tensor<1x1x2x2xf32>}> : () -> tensor<1x1x2x2xf32>
  %b = "tosa.const"() <{values = dense<0.0> : tensor<4xf32>}> : () -> tensor<4xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %c = tosa.depthwise_conv2d %t, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x3x3x2xf32>, tensor<1x1x2x2xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x3x4xf32>
  %y = tosa.transpose %c {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x3x3x4xf32>) -> tensor<1x4x3x3xf32>
  return %y : tensor<1x4x3x3xf32>
}
