// RUN: kite-opt %s --split-input-file --kite-set-target --kite-tasd="series=2:4+1:8 report=true" 2> %t.report | FileCheck %s
// RUN: FileCheck %s --check-prefix=REPORT < %t.report
// RUN: kite-opt %s --split-input-file --kite-set-target --kite-tasd="series=2:4+2:4 report=true" -o /dev/null 2>&1 | FileCheck %s --check-prefix=EXACT
// RUN: not kite-opt %s --split-input-file --kite-set-target=target=kite-mini --kite-tasd="series=2:4+1:8" -o /dev/null 2>&1 | FileCheck %s --check-prefix=TARGET
// RUN: not kite-opt %s --split-input-file --kite-tasd="series=2-4" -o /dev/null 2>&1 | FileCheck %s --check-prefix=SERIES

// The first term keeps the two largest |w| of every group of four rows per
// column, the second the largest of each group of eight of what is left;
// the terms share x and chain through the accumulator.
// CHECK-LABEL: func.func @main
// CHECK-NOT: dense<{{\[\[}}1, 0], [-5, 2]
// CHECK: %[[T0:.*]] = arith.constant dense<{{\[\[}}0, 0], [-5, 2], [3, 0], [0, 7], [0, 1], [0, 0], [9, 0], [0, 4]]> : tensor<8x2xi8>
// CHECK: %[[Y0:.*]] = kite.matmul %arg0, %[[T0]] {{{.*}}rhs_sparsity = #kite.nm<2, 4>}
// CHECK: %[[T1:.*]] = arith.constant dense<{{\[\[}}0, 0], [0, 0], [0, 0], [2, 0], [0, 0], [0, -1], [0, 0], [0, 0]]> : tensor<8x2xi8>
// CHECK: %[[Y1:.*]] = kite.matmul %arg0, %[[T1]] acc(%[[Y0]]) {{{.*}}rhs_sparsity = #kite.nm<1, 8>}
// CHECK: return %[[Y1]]
// REPORT: kite-tasd: layer 0 (8x2): series 2:4+1:8, kept 9/10 nonzero weights, relative residual 0.0724
// EXACT: kite-tasd: layer 0 (8x2): series 2:4+2:4, kept 10/10 nonzero weights, relative residual 0.0000
// TARGET: error: kite-tasd: 1:8 is not supported by target 'kite-mini'
// SERIES: error: kite-tasd: bad series '2-4' (expected N:M terms joined by '+', e.g. 2:4+1:8)
func.func @main(%x: tensor<2x8xi8>) -> tensor<2x2xi32> {
  %w = arith.constant dense<[[1, 0], [-5, 2], [3, 0], [2, 7], [0, 1], [0, -1], [9, 0], [0, 4]]> : tensor<8x2xi8>
  %y = kite.matmul %x, %w {lhs_format = #kite.int<8, signed>, rhs_format = #kite.int<8, signed>} : (tensor<2x8xi8>, tensor<8x2xi8>) -> tensor<2x2xi32>
  return %y : tensor<2x2xi32>
}

// -----

// Weights that are already 2:4 decompose into one term, residual zero.
// CHECK-LABEL: func.func @main
// CHECK: kite.matmul %arg0, %{{.*}} {rhs_sparsity = #kite.nm<2, 4>}
// CHECK-NOT: kite.matmul
// REPORT: kite-tasd: layer 0 (4x1): series 2:4+1:8, kept 2/2 nonzero weights, relative residual 0.0000
func.func @main(%x: tensor<2x4xi8>) -> tensor<2x1xi32> {
  %w = arith.constant dense<[[0], [3], [-1], [0]]> : tensor<4x1xi8>
  %y = kite.matmul %x, %w : (tensor<2x4xi8>, tensor<4x1xi8>) -> tensor<2x1xi32>
  return %y : tensor<2x1xi32>
}

// -----

// A convolution's groups run along each filter's flattened (c, kh, kw); the
// first term keeps the bias, the second adds to it through `acc`.
// CHECK-LABEL: func.func @main
// CHECK: %[[T0:.*]] = arith.constant dense<{{\[\[\[\[}}0, -5], [3, 0]]], {{\[\[\[}}0, 2], [7, 0]]]]> : tensor<2x1x2x2xi8>
// CHECK: %[[Y0:.*]] = kite.conv2d %arg0, %[[T0]] bias(%{{.*}}) {{{.*}}filter_sparsity = #kite.nm<2, 4>
// CHECK: %[[T1:.*]] = arith.constant dense<{{\[\[\[\[}}0, 0], [0, 2]]], {{\[\[\[}}0, 0], [0, -1]]]]> : tensor<2x1x2x2xi8>
// CHECK: %[[Y1:.*]] = kite.conv2d %arg0, %[[T1]] acc(%[[Y0]]) {{{.*}}filter_sparsity = #kite.nm<1, 8>
// CHECK: return %[[Y1]]
// REPORT: kite-tasd: layer 0 (4x2): series 2:4+1:8, kept 6/7 nonzero weights, relative residual 0.1037
// EXACT: kite-tasd: layer 0 (4x2): series 2:4+2:4, kept 7/7 nonzero weights, relative residual 0.0000
func.func @main(%x: tensor<1x1x3x3xi8>) -> tensor<1x2x2x2xi32> {
  %w = arith.constant dense<[[[[1, -5], [3, 2]]], [[[0, 2], [7, -1]]]]> : tensor<2x1x2x2xi8>
  %b = arith.constant dense<[10, -20]> : tensor<2xi32>
  %y = kite.conv2d %x, %w bias(%b) {dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x3x3xi8>, tensor<2x1x2x2xi8>, tensor<2xi32>) -> tensor<1x2x2x2xi32>
  return %y : tensor<1x2x2x2xi32>
}
