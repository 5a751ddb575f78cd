// RUN: kite-opt %s --kite-lp-quantize="calibration=%kite_src_root/examples/models/digits/calib_x_flat.npy act-format=6,1,5 weight-format=6,1,5" | FileCheck %s

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
