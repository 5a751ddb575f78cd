// RUN: kite-opt %s --kite-pack-weights --split-input-file | FileCheck %s

// 2:4 weights: column 0 keeps rows 2 and 3, column 1 rows 1 and 2 (|-4|
// beats 2); the indices take 2 bits each, packed per row (2 | 1 << 2 = 6,
// 3 | 2 << 2 = 11). The constant goes.
// CHECK-LABEL: func.func @nm
// CHECK-NOT: arith.constant
// CHECK: %[[W:.*]] = kite.packed_weights {groups = 1 : i64, index = dense<[6, 11]> : tensor<2xi8>, sparsity = #kite.nm<2, 4>, values = dense<[5, -4, 7, 6]> : tensor<4xi8>} -> tensor<4x2xi8>
// CHECK: kite.matmul %{{.*}}, %[[W]] {rhs_sparsity = #kite.nm<2, 4>}
func.func @nm(%x: tensor<3x4xi8>) -> tensor<3x2xi32> {
  %w = arith.constant dense<[[1, 2], [3, -4], [5, 6], [7, 0]]> : tensor<4x2xi8>
  %y = kite.matmul %x, %w {rhs_sparsity = #kite.nm<2, 4>} : (tensor<3x4xi8>, tensor<4x2xi8>) -> tensor<3x2xi32>
  return %y : tensor<3x2xi32>
}

// -----

// A grouped filter becomes one K x N matrix per group: 4 filters of
// 1 x 1 x 2 in 2 groups, K = 2, columns = the group's filters.
// CHECK-LABEL: func.func @filter
// CHECK: kite.packed_weights {filter, groups = 2 : i64, values = dense<[1, 3, 2, 4, 5, 7, 6, 8]> : tensor<8xi8>} -> tensor<4x1x1x2xi8>
func.func @filter(%x: tensor<1x2x3x3xi8>) -> tensor<1x4x3x2xi32> {
  %f = arith.constant dense<[[[[1, 2]]], [[[3, 4]]], [[[5, 6]]], [[[7, 8]]]]> : tensor<4x1x1x2xi8>
  %y = kite.conv2d %x, %f {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>,
                           dilations = array<i64: 1, 1>, groups = 2 : i64}
      : (tensor<1x2x3x3xi8>, tensor<4x1x1x2xi8>) -> tensor<1x4x3x2xi32>
  return %y : tensor<1x4x3x2xi32>
}

// -----

// LP weights keep their codes (zero-extended from the byte) and zero ranks
// below every value (column 1 keeps code 3, a tiny value); two ops that
// read it the same way share one packed copy (DRAM holds it once), and the
// constant goes.
// CHECK-LABEL: func.func @lp_shared
// CHECK-NOT: kite.constant
// CHECK: %[[P:.*]] = kite.packed_weights {groups = 1 : i64, index = dense<2> : tensor<1xi8>, sparsity = #kite.nm<1, 2>, values = dense<[-56, 3]> : tensor<2xi8>} -> tensor<2x2x!kite.lp<8, 1, 7, 0>>
// CHECK-NOT: kite.packed_weights
// CHECK: kite.matmul %{{.*}}, %[[P]]
// CHECK: kite.matmul %{{.*}}, %[[P]]
func.func @lp_shared(%x: tensor<1x2x!kite.lp<8, 1, 7, 0>>) -> (tensor<1x2xf32>, tensor<1x2xf32>) {
  %w = kite.constant dense<[[-56, 0], [1, 3]]> : tensor<2x2xi8> -> tensor<2x2x!kite.lp<8, 1, 7, 0>>
  %a = kite.matmul %x, %w {rhs_sparsity = #kite.nm<1, 2>} : (tensor<1x2x!kite.lp<8, 1, 7, 0>>, tensor<2x2x!kite.lp<8, 1, 7, 0>>) -> tensor<1x2xf32>
  %b = kite.matmul %x, %w {rhs_sparsity = #kite.nm<1, 2>} : (tensor<1x2x!kite.lp<8, 1, 7, 0>>, tensor<2x2x!kite.lp<8, 1, 7, 0>>) -> tensor<1x2xf32>
  return %a, %b : tensor<1x2xf32>, tensor<1x2xf32>
}

// -----

// Dense matmul weights are already in the array's layout, float ones are
// not the array's, and weights computed at run time cannot be packed.
// CHECK-LABEL: func.func @unchanged
// CHECK-NOT: kite.packed_weights
func.func @unchanged(%x: tensor<3x4xi8>, %v: tensor<4x2xi8>, %xf: tensor<3x4xf32>) -> (tensor<3x2xi32>, tensor<3x2xi32>, tensor<3x2xf32>) {
  %w = arith.constant dense<1> : tensor<4x2xi8>
  %a = kite.matmul %x, %w : (tensor<3x4xi8>, tensor<4x2xi8>) -> tensor<3x2xi32>
  %b = kite.matmul %x, %v {rhs_sparsity = #kite.nm<2, 4>} : (tensor<3x4xi8>, tensor<4x2xi8>) -> tensor<3x2xi32>
  %wf = arith.constant dense<1.0> : tensor<4x2xf32>
  %c = kite.matmul %xf, %wf {rhs_sparsity = #kite.nm<2, 4>} : (tensor<3x4xf32>, tensor<4x2xf32>) -> tensor<3x2xf32>
  return %a, %b, %c : tensor<3x2xi32>, tensor<3x2xi32>, tensor<3x2xf32>
}
