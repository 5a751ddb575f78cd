// RUN: kite-opt %s --kite-lp-quantize="calibration=%kite_src_root/examples/models/digits/calib_x_flat.npy act-format=6,1,5 weight-format=6,1,5" --split-input-file | FileCheck %s

// The activation quantize moves above the max pool and the transpose that
// feed it alone (LP encoding is monotone): the pool and the transpose move
// the LP codes as sign-extended i8, between two kite.bitcast ops.
// CHECK-LABEL: func.func @main
// CHECK: %[[R:.*]] = tosa.reshape %arg0
// CHECK: %[[Q:.*]] = kite.quantize %[[R]] : tensor<4x8x8x1xf32> -> tensor<4x8x8x1x!kite.lp<6, 1, 5, [[SF:-?[0-9]+]]>>
// CHECK: %[[C:.*]] = kite.bitcast %[[Q]] : tensor<4x8x8x1x!kite.lp<6, 1, 5, [[SF]]>> -> tensor<4x8x8x1xi8>
// CHECK: %[[P:.*]] = tosa.max_pool2d %[[C]] {{.*}} : (tensor<4x8x8x1xi8>) -> tensor<4x4x4x1xi8>
// CHECK: %[[T:.*]] = tosa.transpose %[[P]] {{.*}} : (tensor<4x4x4x1xi8>) -> tensor<4x4x4x1xi8>
// CHECK: %[[F:.*]] = tosa.reshape %[[T]], %{{.*}} : (tensor<4x4x4x1xi8>, !tosa.shape<2>) -> tensor<4x16xi8>
// CHECK: %[[L:.*]] = kite.bitcast %[[F]] : tensor<4x16xi8> -> tensor<4x16x!kite.lp<6, 1, 5, [[SF]]>>
// CHECK: kite.matmul %[[L]], %{{.*}} : (tensor<4x16x!kite.lp<6, 1, 5, [[SF]]>>
func.func @main(%x: tensor<4x64xf32>) -> tensor<4x2xf32> {
  %s4 = tosa.const_shape {values = dense<[4, 8, 8, 1]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %s2 = tosa.const_shape {values = dense<[4, 16]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %img = tosa.reshape %x, %s4 : (tensor<4x64xf32>, !tosa.shape<4>) -> tensor<4x8x8x1xf32>
  %p = tosa.max_pool2d %img {kernel = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>} : (tensor<4x8x8x1xf32>) -> tensor<4x4x4x1xf32>
  %t = tosa.transpose %p {perms = array<i32: 0, 2, 1, 3>} : (tensor<4x4x4x1xf32>) -> tensor<4x4x4x1xf32>
  %f = tosa.reshape %t, %s2 : (tensor<4x4x4x1xf32>, !tosa.shape<2>) -> tensor<4x16xf32>
  %w = arith.constant dense<[[0.5, -0.25], [0.25, 0.5], [-0.5, 0.125], [0.75, -0.5], [0.5, -0.25], [0.25, 0.5], [-0.5, 0.125], [0.75, -0.5], [0.5, -0.25], [0.25, 0.5], [-0.5, 0.125], [0.75, -0.5], [0.5, -0.25], [0.25, 0.5], [-0.5, 0.125], [0.75, -0.5]]> : tensor<16x2xf32>
  %y = kite.matmul %f, %w : (tensor<4x16xf32>, tensor<16x2xf32>) -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}

// -----

// LP quantizes of one type on slices that cover one axis once become one
// quantize of the sliced tensor, which moves above the transpose: the
// slices cut its i8 codes.
// CHECK-LABEL: func.func @main
// CHECK: %[[R:.*]] = tosa.reshape %{{.*}} -> tensor<4x2x64xf32>
// CHECK: %[[Q:.*]] = kite.quantize %[[R]] : tensor<4x2x64xf32> -> tensor<4x2x64x!kite.lp<6, 1, 5, [[SF:-?[0-9]+]]>>
// CHECK: %[[C:.*]] = kite.bitcast %[[Q]] : tensor<4x2x64x!kite.lp<6, 1, 5, [[SF]]>> -> tensor<4x2x64xi8>
// CHECK: %[[T:.*]] = tosa.transpose %[[C]] {{.*}} -> tensor<2x4x64xi8>
// CHECK: tosa.slice %[[T]], {{.*}} -> tensor<1x4x64xi8>
// CHECK: kite.bitcast %{{.*}} : tensor<4x64xi8> -> tensor<4x64x!kite.lp<6, 1, 5, [[SF]]>>
// CHECK: tosa.slice %[[T]], {{.*}} -> tensor<1x4x64xi8>
// CHECK-NOT: kite.quantize
func.func @main(%x: tensor<4x64xf32>) -> tensor<4x2xf32> {
  %two = "tosa.const"() <{values = dense<2.0> : tensor<1x1xf32>}> : () -> tensor<1x1xf32>
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %x2 = tosa.mul %x, %two, %shift : (tensor<4x64xf32>, tensor<1x1xf32>, tensor<1xi8>) -> tensor<4x64xf32>
  %c = tosa.concat %x, %x {axis = 1 : i32} : (tensor<4x64xf32>, tensor<4x64xf32>) -> tensor<4x128xf32>
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

// Activations sliced from one tensor share one scale factor, fitted on all
// their values, even when their ranges differ (one half is doubled): with
// one format they have one type (different formats: lp-quantize-slices.mlir).
// CHECK-LABEL: func.func @main
// CHECK: kite.quantize %{{.*}} : tensor<4x2x64xf32> -> tensor<4x2x64x!kite.lp<6, 1, 5,
// CHECK: tosa.transpose %{{.*}} -> tensor<2x4x64xi8>
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
