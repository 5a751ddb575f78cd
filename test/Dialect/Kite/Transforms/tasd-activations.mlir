// RUN: kite-opt %s --split-input-file --kite-set-target --kite-tasd-activations="pattern=2:4 report=true" 2> %t.report | FileCheck %s
// RUN: FileCheck %s --check-prefix=REPORT < %t.report
// RUN: not kite-opt %s --split-input-file --kite-set-target=target=kite-mini --kite-tasd-activations -o /dev/null 2>&1 | FileCheck %s --check-prefix=MINI
// RUN: not kite-opt %s --split-input-file --kite-set-target --kite-tasd-activations=pattern=2:4+1:9 -o /dev/null 2>&1 | FileCheck %s --check-prefix=PATTERN
// RUN: not kite-opt %s --split-input-file --kite-set-target --kite-tasd-activations=pattern=2:4+4 -o /dev/null 2>&1 | FileCheck %s --check-prefix=BADPATTERN
// RUN: kite-opt %s --split-input-file --kite-set-target --kite-tasd-activations="pattern=2:4+1:8+1:8 gelu-threshold=0.17 report=true" 2> %t.series | FileCheck %s --check-prefix=SERIES
// RUN: FileCheck %s --check-prefix=SERIESREPORT < %t.series
// RUN: not kite-opt %s --split-input-file --kite-tasd-activations -o /dev/null 2>&1 | FileCheck %s --check-prefix=NOTARGET
// RUN: kite-opt %s --split-input-file --kite-set-target --kite-tasd-activations="pattern=2:4 gelu-threshold=0.17 report=true" 2> %t.gelu | FileCheck %s --check-prefix=GELU
// RUN: FileCheck %s --check-prefix=GELUREPORT < %t.gelu
// RUN: not kite-opt %s --split-input-file --kite-set-target --kite-tasd-activations=gelu-threshold=-1 -o /dev/null 2>&1 | FileCheck %s --check-prefix=NEGATIVE

// Only the matmul that reads a quantized ReLU output (through a reshape)
// selects its activations at run time; the one that reads the quantized
// input, and the one whose weights are already N:M, stay as they are.
// CHECK-LABEL: func.func @main
// CHECK: kite.matmul %{{.*}}, %{{.*}} {lhs_format = #kite.int<8, signed>} :
// CHECK: kite.matmul %{{.*}}, %{{.*}} {lhs_format = #kite.int<8, signed>, lhs_sparsity = #kite.nm<2, 4>} :
// CHECK: kite.matmul %{{.*}}, %{{.*}} {lhs_format = #kite.int<8, signed>, rhs_sparsity = #kite.nm<2, 4>} :
// REPORT: kite-tasd-activations: layer 1 (kite.matmul): activations 2:4
// REPORT-NOT: layer
// MINI: error: kite-tasd-activations: target 'kite-mini' does not select 4:8 activations at run time
// PATTERN: error: kite-tasd-activations: target 'kite-v1' does not select 1:9 activations at run time
// BADPATTERN: error: kite-tasd-activations: bad pattern '2:4+4' (expected N:M terms joined by '+', e.g. 4:8 or 2:4+1:8)
// A series: one matmul per term, sharing the weights and accumulating into
// each other; each later term selects from what the earlier ones left.
// SERIES-LABEL: func.func @main
// SERIES: %[[W:.*]] = arith.constant dense<1> : tensor<8x8xi8>
// SERIES: kite.matmul %{{.*}}, %[[W]] {lhs_format = #kite.int<8, signed>} :
// SERIES: %[[T0:.*]] = kite.matmul %[[Q1:.*]], %[[W]] {lhs_format = #kite.int<8, signed>, lhs_sparsity = #kite.nm<2, 4>} :
// SERIES-NEXT: %[[T1:.*]] = kite.matmul %[[Q1]], %[[W]] acc(%[[T0]]) {lhs_format = #kite.int<8, signed>, lhs_sparsity = #kite.nm<1, 8, residual_of = #kite.nm<2, 4>>} :
// SERIES-NEXT: %[[T2:.*]] = kite.matmul %[[Q1]], %[[W]] acc(%[[T1]]) {lhs_format = #kite.int<8, signed>, lhs_sparsity = #kite.nm<1, 8, residual_of = #kite.nm<1, 8, residual_of = #kite.nm<2, 4>>>} :
// SERIES: return %[[T2]],
// SERIES-LABEL: func.func @gelu
// SERIES: %[[G0:.*]] = kite.matmul {{.*}}lhs_sparsity = #kite.nm<2, 4, threshold = 8>}
// SERIES-NEXT: %[[G1:.*]] = kite.matmul {{.*}} acc(%[[G0]]) {{.*}}lhs_sparsity = #kite.nm<1, 8, threshold = 8, residual_of = #kite.nm<2, 4>>}
// SERIES-NEXT: kite.matmul {{.*}} acc(%[[G1]]) {{.*}}lhs_sparsity = #kite.nm<1, 8, threshold = 8, residual_of = #kite.nm<1, 8, residual_of = #kite.nm<2, 4>>>}
// SERIESREPORT: kite-tasd-activations: layer 1 (kite.matmul): activations 2:4+1:8+1:8
// SERIESREPORT: kite-tasd-activations: layer 0 (kite.matmul): activations 2:4+1:8+1:8, magnitudes below 8 as zero (GELU)
// NOTARGET: error: kite-tasd-activations: the module has no kite.target (run kite-set-target first)
func.func @main(%x: tensor<2x8xf32>) -> (tensor<1x2x8xi32>, tensor<1x2x8xi32>) {
  %w = arith.constant dense<1> : tensor<8x8xi8>
  %q0 = kite.quantize %x {format = #kite.int<8, signed>, scale = array<f64: 0.1>, zero_point = array<i64: 0>} : tensor<2x8xf32> -> tensor<2x8xi8>
  %y0 = kite.matmul %q0, %w {lhs_format = #kite.int<8, signed>} : (tensor<2x8xi8>, tensor<8x8xi8>) -> tensor<2x8xi32>
  %d = kite.dequantize %y0 {scale = array<f64: 0.1>, zero_point = array<i64: 0>} : tensor<2x8xi32> -> tensor<2x8xf32>
  %r = tosa.clamp %d {min_val = 0.0 : f32, max_val = 3.4e38 : f32} : (tensor<2x8xf32>) -> tensor<2x8xf32>
  %s = tosa.const_shape {values = dense<[1, 2, 8]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %r3 = tosa.reshape %r, %s : (tensor<2x8xf32>, !tosa.shape<3>) -> tensor<1x2x8xf32>
  %q1 = kite.quantize %r3 {format = #kite.int<8, signed>, scale = array<f64: 0.1>, zero_point = array<i64: 0>} : tensor<1x2x8xf32> -> tensor<1x2x8xi8>
  %y1 = kite.matmul %q1, %w {lhs_format = #kite.int<8, signed>} : (tensor<1x2x8xi8>, tensor<8x8xi8>) -> tensor<1x2x8xi32>
  %y2 = kite.matmul %q1, %w {lhs_format = #kite.int<8, signed>, rhs_sparsity = #kite.nm<2, 4>} : (tensor<1x2x8xi8>, tensor<8x8xi8>) -> tensor<1x2x8xi32>
  return %y1, %y2 : tensor<1x2x8xi32>, tensor<1x2x8xi32>
}

// -----

// GELU outputs are selected only with gelu-threshold: magnitudes below
// 0.17 / 0.024 -> 8 steps read as zero. A GELU output quantized with a zero
// point is not (its stored magnitudes are not its values').
// CHECK-LABEL: func.func @gelu
// CHECK: kite.matmul %{{.*}}, %{{.*}} {lhs_format = #kite.int<8, signed>} :
// CHECK: kite.matmul %{{.*}}, %{{.*}} {lhs_format = #kite.int<8, signed>} :
// GELU-LABEL: func.func @gelu
// GELU: kite.matmul %{{.*}}, %{{.*}} {lhs_format = #kite.int<8, signed>, lhs_sparsity = #kite.nm<2, 4, threshold = 8>} :
// GELU: kite.matmul %{{.*}}, %{{.*}} {lhs_format = #kite.int<8, signed>} :
// GELUREPORT: kite-tasd-activations: layer 0 (kite.matmul): activations 2:4, magnitudes below 8 as zero (GELU)
// GELUREPORT-NOT: layer 1
// NEGATIVE: error: kite-tasd-activations: gelu-threshold must be non-negative
func.func @gelu(%h: tensor<2x8xf32>) -> (tensor<2x8xi32>, tensor<2x8xi32>) {
  %w = arith.constant dense<1> : tensor<8x8xi8>
  %g = kite.gelu %h {approximation = #kite.gelu_approximation<none>} : tensor<2x8xf32>
  %q = kite.quantize %g {format = #kite.int<8, signed>, scale = array<f64: 0.024>, zero_point = array<i64: 0>} : tensor<2x8xf32> -> tensor<2x8xi8>
  %y = kite.matmul %q, %w {lhs_format = #kite.int<8, signed>} : (tensor<2x8xi8>, tensor<8x8xi8>) -> tensor<2x8xi32>
  %qz = kite.quantize %g {format = #kite.int<8, signed>, scale = array<f64: 0.024>, zero_point = array<i64: -3>} : tensor<2x8xf32> -> tensor<2x8xi8>
  %yz = kite.matmul %qz, %w {lhs_format = #kite.int<8, signed>} : (tensor<2x8xi8>, tensor<8x8xi8>) -> tensor<2x8xi32>
  return %y, %yz : tensor<2x8xi32>, tensor<2x8xi32>
}
