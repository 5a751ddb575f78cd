// RUN: kite-opt %s --split-input-file --kite-quantize="calibration=%kite_src_root/examples/models/digits/calib_x_flat.npy" | FileCheck %s
// RUN: kite-opt %s --split-input-file --kite-quantize="calibration=%kite_src_root/examples/models/digits/calib_x_flat.npy act-bits=4 weight-bits=4" | FileCheck %s --check-prefix=INT4
// RUN: kite-opt %s --split-input-file --kite-quantize="calibration=%kite_src_root/examples/models/digits/calib_x_flat.npy layer-bits=6x2" | FileCheck %s --check-prefix=MIXED
// RUN: kite-opt %s --split-input-file --kite-quantize="calibration=%kite_src_root/examples/models/digits/calib_x_flat.npy layer-bits=f" | FileCheck %s --check-prefix=FLOAT

// The digits calibration pixels reach 1.0 (activation scale 1/127); the
// weight columns' max |w| are 0.5 and 0.25 (scales 0.5/127, 0.25/127), so
// every weight quantizes to +-127 and the outputs dequantize per column.
// CHECK-LABEL: func.func @main
// (0x7F = 127, 0x81 = -127, row-major.)
// CHECK-DAG: %[[W:.*]] = arith.constant dense<"0x7F81817F7F81817F{{[0-9A-F]*}}"> : tensor<64x2xi8>
// CHECK-DAG: %[[X:.*]] = kite.quantize %arg0 {format = #kite.int<8, signed>, scale = array<f64: 0.007874{{[0-9]*}}>, zero_point = array<i64: 0>} : tensor<4x64xf32> -> tensor<4x64xi8>
// CHECK: %[[A:.*]] = kite.matmul %[[X]], %[[W]] {lhs_format = #kite.int<8, signed>, rhs_format = #kite.int<8, signed>} : (tensor<4x64xi8>, tensor<64x2xi8>) -> tensor<4x2xi32>
// CHECK: %[[Y:.*]] = kite.dequantize %[[A]] {axis = 1 : i64, scale = array<f64: 3.10000{{[0-9]*}}E-5, 1.55000{{[0-9]*}}E-5>, zero_point = array<i64: 0, 0>} : tensor<4x2xi32> -> tensor<4x2xf32>
// CHECK: return %[[Y]]
// INT4: arith.constant dense<"0x07F9F90707F9F907{{[0-9A-F]*}}"> : tensor<64x2xi8>
// INT4: kite.matmul {{.*}}{lhs_format = #kite.int<4, signed>, rhs_format = #kite.int<4, signed>}
// Per-layer widths: this layer 6-bit activations x 2-bit weights (+-1).
// MIXED: arith.constant dense<"0x01FFFF0101FFFF01{{[0-9A-F]*}}"> : tensor<64x2xi8>
// MIXED: kite.quantize %arg0 {format = #kite.int<6, signed>
// MIXED: kite.matmul {{.*}}{lhs_format = #kite.int<6, signed>, rhs_format = #kite.int<2, signed>}
// 'f' leaves the layer float, for kite-lp-quantize.
// FLOAT-LABEL: func.func @main
// FLOAT-NOT: kite.quantize
// FLOAT: kite.matmul %arg0, %{{.*}} : (tensor<4x64xf32>, tensor<64x2xf32>) -> tensor<4x2xf32>
func.func @main(%x: tensor<4x64xf32>) -> tensor<4x2xf32> {
  // Rows alternate (0.5, -0.25) and (-0.5, 0.25).
  %w = arith.constant dense<[[0.5, -0.25], [-0.5, 0.25], [0.5, -0.25], [-0.5, 0.25], [0.5, -0.25], [-0.5, 0.25], [0.5, -0.25], [-0.5, 0.25], [0.5, -0.25], [-0.5, 0.25], [0.5, -0.25], [-0.5, 0.25], [0.5, -0.25], [-0.5, 0.25], [0.5, -0.25], [-0.5, 0.25], [0.5, -0.25], [-0.5, 0.25], [0.5, -0.25], [-0.5, 0.25], [0.5, -0.25], [-0.5, 0.25], [0.5, -0.25], [-0.5, 0.25], [0.5, -0.25], [-0.5, 0.25], [0.5, -0.25], [-0.5, 0.25], [0.5, -0.25], [-0.5, 0.25], [0.5, -0.25], [-0.5, 0.25], [0.5, -0.25], [-0.5, 0.25], [0.5, -0.25], [-0.5, 0.25], [0.5, -0.25], [-0.5, 0.25], [0.5, -0.25], [-0.5, 0.25], [0.5, -0.25], [-0.5, 0.25], [0.5, -0.25], [-0.5, 0.25], [0.5, -0.25], [-0.5, 0.25], [0.5, -0.25], [-0.5, 0.25], [0.5, -0.25], [-0.5, 0.25], [0.5, -0.25], [-0.5, 0.25], [0.5, -0.25], [-0.5, 0.25], [0.5, -0.25], [-0.5, 0.25], [0.5, -0.25], [-0.5, 0.25], [0.5, -0.25], [-0.5, 0.25], [0.5, -0.25], [-0.5, 0.25], [0.5, -0.25], [-0.5, 0.25]]> : tensor<64x2xf32>
  %y = kite.matmul %x, %w : (tensor<4x64xf32>, tensor<64x2xf32>) -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}

// -----

// A convolution with bias: per-filter scales along axis 0 of the filter
// and axis 1 of the result; the bias becomes i32: 0.1 / (1/127 * 1/127)
// = 1613 and -0.025 / (1/127 * 0.5/127) = -806.
// CHECK-LABEL: func.func @main
// CHECK-DAG: %[[B:.*]] = arith.constant dense<[1613, -806]> : tensor<2xi32>
// CHECK: kite.conv2d %{{.*}}, %{{.*}} bias(%[[B]]) {dilations = array<i64: 1, 1>, filter_format = #kite.int<8, signed>, groups = 1 : i64, input_format = #kite.int<8, signed>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<4x1x8x8xi8>, tensor<2x1x3x3xi8>, tensor<2xi32>) -> tensor<4x2x8x8xi32>
// CHECK: kite.dequantize %{{.*}} {axis = 1 : i64, scale = array<f64: {{.*}}, {{.*}}>, zero_point = array<i64: 0, 0>} : tensor<4x2x8x8xi32> -> tensor<4x2x8x8xf32>
func.func @main(%x: tensor<4x64xf32>) -> tensor<4x2x8x8xf32> {
  %s = tosa.const_shape {values = dense<[4, 1, 8, 8]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %img = tosa.reshape %x, %s : (tensor<4x64xf32>, !tosa.shape<4>) -> tensor<4x1x8x8xf32>
  %w = arith.constant dense<[[[[1.0, 0.0, -1.0], [1.0, 0.0, -1.0], [1.0, 0.0, -1.0]]], [[[0.5, 0.5, 0.5], [0.0, 0.0, 0.0], [-0.5, -0.5, -0.5]]]]> : tensor<2x1x3x3xf32>
  %b = arith.constant dense<[0.1, -0.025]> : tensor<2xf32>
  %y = kite.conv2d %img, %w bias(%b) {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64}
      : (tensor<4x1x8x8xf32>, tensor<2x1x3x3xf32>, tensor<2xf32>) -> tensor<4x2x8x8xf32>
  return %y : tensor<4x2x8x8xf32>
}

// -----

// A product of two activations: both operands calibrated (the pixels reach
// 1.0, their square too), one per-tensor dequantize. The right operand's
// quantize moves above its transpose, which then moves int8 codes.
// CHECK-LABEL: func.func @main
// CHECK: %[[BQ:.*]] = kite.quantize %arg0 {format = #kite.int<8, signed>, scale = array<f64: 0.00787{{[0-9]*}}>, zero_point = array<i64: 0>} : tensor<4x64xf32> -> tensor<4x64xi8>
// CHECK: %[[B:.*]] = tosa.transpose %[[BQ]] {perms = array<i32: 1, 0>} : (tensor<4x64xi8>) -> tensor<64x4xi8>
// CHECK: %[[A:.*]] = kite.quantize %arg0 {format = #kite.int<8, signed>, scale = array<f64: 0.00787{{[0-9]*}}>
// CHECK: %[[P:.*]] = kite.matmul %[[A]], %[[B]] {lhs_format = #kite.int<8, signed>, rhs_format = #kite.int<8, signed>} : (tensor<4x64xi8>, tensor<64x4xi8>) -> tensor<4x4xi32>
// CHECK: kite.dequantize %[[P]] {scale = array<f64: 6.2000{{[0-9]*}}E-5>, zero_point = array<i64: 0>} : tensor<4x4xi32> -> tensor<4x4xf32>
func.func @main(%x: tensor<4x64xf32>) -> tensor<4x4xf32> {
  %t = tosa.transpose %x {perms = array<i32: 1, 0>} : (tensor<4x64xf32>) -> tensor<64x4xf32>
  %y = kite.matmul %x, %t : (tensor<4x64xf32>, tensor<64x4xf32>) -> tensor<4x4xf32>
  return %y : tensor<4x4xf32>
}

// -----

// A per-tensor quantize moves above the max pool (and reshapes) that feed
// it alone: rounding and clamping are monotone, so the pool takes the same
// maximum of int8 codes. The scale is the one calibrated after the pool.
// CHECK-LABEL: func.func @main
// CHECK: %[[R:.*]] = tosa.reshape %arg0
// CHECK: %[[Q:.*]] = kite.quantize %[[R]] {format = #kite.int<8, signed>, scale = array<f64: 0.00787{{[0-9]*}}>, zero_point = array<i64: 0>} : tensor<4x8x8x1xf32> -> tensor<4x8x8x1xi8>
// CHECK: %[[P:.*]] = tosa.max_pool2d %[[Q]] {{.*}} : (tensor<4x8x8x1xi8>) -> tensor<4x4x4x1xi8>
// CHECK: %[[F:.*]] = tosa.reshape %[[P]], %{{.*}} : (tensor<4x4x4x1xi8>, !tosa.shape<2>) -> tensor<4x16xi8>
// CHECK: kite.matmul %[[F]], %{{.*}} {lhs_format
func.func @main(%x: tensor<4x64xf32>) -> tensor<4x2xf32> {
  %s4 = tosa.const_shape {values = dense<[4, 8, 8, 1]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %s2 = tosa.const_shape {values = dense<[4, 16]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %img = tosa.reshape %x, %s4 : (tensor<4x64xf32>, !tosa.shape<4>) -> tensor<4x8x8x1xf32>
  %p = tosa.max_pool2d %img {kernel = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>} : (tensor<4x8x8x1xf32>) -> tensor<4x4x4x1xf32>
  %f = tosa.reshape %p, %s2 : (tensor<4x4x4x1xf32>, !tosa.shape<2>) -> tensor<4x16xf32>
  %w = arith.constant dense<0.5> : tensor<16x2xf32>
  %y = kite.matmul %f, %w : (tensor<4x16xf32>, tensor<16x2xf32>) -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}

// -----

// It stays below a pool whose result is read elsewhere too, and below an
// average pool (averages of codes are not codes of averages).
// CHECK-LABEL: func.func @main
// CHECK: tosa.max_pool2d %{{.*}} : (tensor<4x8x8x1xf32>) -> tensor<4x4x4x1xf32>
// CHECK: tosa.avg_pool2d %{{.*}} : (tensor<4x8x8x1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<4x4x4x1xf32>
// CHECK-COUNT-2: kite.quantize %{{.*}} : tensor<4x16xf32> -> tensor<4x16xi8>
func.func @main(%x: tensor<4x64xf32>) -> (tensor<4x2xf32>, tensor<4x2xf32>, tensor<4x4x4x1xf32>) {
  %s4 = tosa.const_shape {values = dense<[4, 8, 8, 1]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %s2 = tosa.const_shape {values = dense<[4, 16]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %zero = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %img = tosa.reshape %x, %s4 : (tensor<4x64xf32>, !tosa.shape<4>) -> tensor<4x8x8x1xf32>
  %p = tosa.max_pool2d %img {kernel = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>} : (tensor<4x8x8x1xf32>) -> tensor<4x4x4x1xf32>
  %a = tosa.avg_pool2d %img, %zero, %zero {acc_type = f32, kernel = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>} : (tensor<4x8x8x1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<4x4x4x1xf32>
  %fp = tosa.reshape %p, %s2 : (tensor<4x4x4x1xf32>, !tosa.shape<2>) -> tensor<4x16xf32>
  %fa = tosa.reshape %a, %s2 : (tensor<4x4x4x1xf32>, !tosa.shape<2>) -> tensor<4x16xf32>
  %w = arith.constant dense<0.5> : tensor<16x2xf32>
  %y = kite.matmul %fp, %w : (tensor<4x16xf32>, tensor<16x2xf32>) -> tensor<4x2xf32>
  %z = kite.matmul %fa, %w : (tensor<4x16xf32>, tensor<16x2xf32>) -> tensor<4x2xf32>
  return %y, %z, %p : tensor<4x2xf32>, tensor<4x2xf32>, tensor<4x4x4x1xf32>
}

// -----

// Slices that cover one axis of a tensor once, each quantized per tensor
// (past reshapes; the ViT's Q, K and V): one per-channel quantize along
// that axis, each index with its slice's scale (the doubled half's is
// twice the other's), then moved above the transpose with its axis. The
// slices cut int8 codes.
// CHECK-LABEL: func.func @main
// CHECK: %[[R:.*]] = tosa.reshape %{{.*}} -> tensor<4x2x64xf32>
// CHECK: %[[Q:.*]] = kite.quantize %[[R]] {axis = 1 : i64, format = #kite.int<8, signed>, scale = array<f64: 0.0078740157480314959, 0.015748031496062992>, zero_point = array<i64: 0, 0>} : tensor<4x2x64xf32> -> tensor<4x2x64xi8>
// CHECK: %[[T:.*]] = tosa.transpose %[[Q]] {perms = array<i32: 1, 0, 2>} : (tensor<4x2x64xi8>) -> tensor<2x4x64xi8>
// CHECK: tosa.slice %[[T]], {{.*}} -> tensor<1x4x64xi8>
// CHECK: tosa.slice %[[T]], {{.*}} -> tensor<1x4x64xi8>
// CHECK-NOT: kite.quantize
func.func @main(%x: tensor<4x64xf32>) -> tensor<4x2xf32> {
  %two = "tosa.const"() <{values = dense<2.0> : tensor<1x1xf32>}> : () -> tensor<1x1xf32>
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %x2 = tosa.mul %x, %two, %shift : (tensor<4x64xf32>, tensor<1x1xf32>, tensor<1xi8>) -> tensor<4x64xf32>
  %c = tosa.concat %x, %x2 {axis = 1 : i32} : (tensor<4x64xf32>, tensor<4x64xf32>) -> tensor<4x128xf32>
  %s3 = tosa.const_shape {values = dense<[4, 2, 64]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %r = tosa.reshape %c, %s3 : (tensor<4x128xf32>, !tosa.shape<3>) -> tensor<4x2x64xf32>
  %t = tosa.transpose %r {perms = array<i32: 1, 0, 2>} : (tensor<4x2x64xf32>) -> tensor<2x4x64xf32>
  %size = tosa.const_shape {values = dense<[1, 4, 64]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %at0 = tosa.const_shape {values = dense<[0, 0, 0]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %at1 = tosa.const_shape {values = dense<[1, 0, 0]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %a3 = tosa.slice %t, %at0, %size : (tensor<2x4x64xf32>, !tosa.shape<3>, !tosa.shape<3>) -> tensor<1x4x64xf32>
  %b3 = tosa.slice %t, %at1, %size : (tensor<2x4x64xf32>, !tosa.shape<3>, !tosa.shape<3>) -> tensor<1x4x64xf32>
  %s2 = tosa.const_shape {values = dense<[4, 64]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %a = tosa.reshape %a3, %s2 : (tensor<1x4x64xf32>, !tosa.shape<2>) -> tensor<4x64xf32>
  %b = tosa.reshape %b3, %s2 : (tensor<1x4x64xf32>, !tosa.shape<2>) -> tensor<4x64xf32>
  %w = arith.constant dense<0.5> : tensor<64x2xf32>
  %ya = kite.matmul %a, %w : (tensor<4x64xf32>, tensor<64x2xf32>) -> tensor<4x2xf32>
  %yb = kite.matmul %b, %w : (tensor<4x64xf32>, tensor<64x2xf32>) -> tensor<4x2xf32>
  %y = tosa.add %ya, %yb : (tensor<4x2xf32>, tensor<4x2xf32>) -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}

// -----

// A slice read by another op too keeps the float tensor: nothing moves.
// CHECK-LABEL: func.func @main
// CHECK: tosa.transpose %{{.*}} : (tensor<4x2x64xf32>) -> tensor<2x4x64xf32>
// CHECK-COUNT-2: kite.quantize %{{.*}} : tensor<4x64xf32> -> tensor<4x64xi8>
func.func @main(%x: tensor<4x64xf32>) -> (tensor<4x2xf32>, tensor<4x64xf32>) {
  %two = "tosa.const"() <{values = dense<2.0> : tensor<1x1xf32>}> : () -> tensor<1x1xf32>
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %x2 = tosa.mul %x, %two, %shift : (tensor<4x64xf32>, tensor<1x1xf32>, tensor<1xi8>) -> tensor<4x64xf32>
  %c = tosa.concat %x, %x2 {axis = 1 : i32} : (tensor<4x64xf32>, tensor<4x64xf32>) -> tensor<4x128xf32>
  %s3 = tosa.const_shape {values = dense<[4, 2, 64]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %r = tosa.reshape %c, %s3 : (tensor<4x128xf32>, !tosa.shape<3>) -> tensor<4x2x64xf32>
  %t = tosa.transpose %r {perms = array<i32: 1, 0, 2>} : (tensor<4x2x64xf32>) -> tensor<2x4x64xf32>
  %size = tosa.const_shape {values = dense<[1, 4, 64]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %at0 = tosa.const_shape {values = dense<[0, 0, 0]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %at1 = tosa.const_shape {values = dense<[1, 0, 0]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %a3 = tosa.slice %t, %at0, %size : (tensor<2x4x64xf32>, !tosa.shape<3>, !tosa.shape<3>) -> tensor<1x4x64xf32>
  %b3 = tosa.slice %t, %at1, %size : (tensor<2x4x64xf32>, !tosa.shape<3>, !tosa.shape<3>) -> tensor<1x4x64xf32>
  %s2 = tosa.const_shape {values = dense<[4, 64]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %a = tosa.reshape %a3, %s2 : (tensor<1x4x64xf32>, !tosa.shape<2>) -> tensor<4x64xf32>
  %b = tosa.reshape %b3, %s2 : (tensor<1x4x64xf32>, !tosa.shape<2>) -> tensor<4x64xf32>
  %w = arith.constant dense<0.5> : tensor<64x2xf32>
  %ya = kite.matmul %a, %w : (tensor<4x64xf32>, tensor<64x2xf32>) -> tensor<4x2xf32>
  %yb = kite.matmul %b, %w : (tensor<4x64xf32>, tensor<64x2xf32>) -> tensor<4x2xf32>
  %y = tosa.add %ya, %yb : (tensor<4x2xf32>, tensor<4x2xf32>) -> tensor<4x2xf32>
  return %y, %b : tensor<4x2xf32>, tensor<4x64xf32>
}
