// kite-apply-plan: a plan's multipliers and N:M series on a quantized
// module, and one error per way a plan can miss the module.
// RUN: split-file %s %t
// RUN: kite-opt %t/model.mlir --kite-set-target --kite-apply-plan=plan=%t/plan.json | FileCheck %s
// RUN: not kite-opt %t/model.mlir --kite-set-target --kite-apply-plan=plan=%t/count.json -o /dev/null 2>&1 | FileCheck %s --check-prefix=COUNT
// RUN: not kite-opt %t/model.mlir --kite-set-target --kite-apply-plan=plan=%t/format.json -o /dev/null 2>&1 | FileCheck %s --check-prefix=FORMAT
// RUN: not kite-opt %t/model.mlir --kite-set-target --kite-apply-plan=plan=%t/width.json -o /dev/null 2>&1 | FileCheck %s --check-prefix=WIDTH
// RUN: not kite-opt %t/model.mlir --kite-set-target --kite-apply-plan=plan=%t/unknown.json -o /dev/null 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// RUN: not kite-opt %t/model.mlir --kite-set-target --kite-apply-plan=plan=%t/relu.json -o /dev/null 2>&1 | FileCheck %s --check-prefix=RELU
// RUN: not kite-opt %t/model.mlir --kite-set-target --kite-apply-plan=plan=%t/pattern.json -o /dev/null 2>&1 | FileCheck %s --check-prefix=PATTERN
// RUN: not kite-opt %t/model.mlir --kite-set-target --kite-apply-plan=plan=%t/series.json -o /dev/null 2>&1 | FileCheck %s --check-prefix=SERIES
// RUN: not kite-opt %t/model.mlir --kite-set-target --kite-apply-plan=plan=%t/threshold.json -o /dev/null 2>&1 | FileCheck %s --check-prefix=THRESHOLD
// RUN: not kite-opt %t/model.mlir --kite-set-target --kite-apply-plan=plan=%t/softmax.json -o /dev/null 2>&1 | FileCheck %s --check-prefix=SOFTMAX
// RUN: not kite-opt %t/model.mlir --kite-set-target --kite-apply-plan=plan=%t/field.json -o /dev/null 2>&1 | FileCheck %s --check-prefix=FIELD
// RUN: not kite-opt %t/model.mlir --kite-set-target --kite-apply-plan=plan=%t/missing.json -o /dev/null 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: not kite-opt %t/model.mlir --kite-set-target --kite-apply-plan -o /dev/null 2>&1 | FileCheck %s --check-prefix=NOPLAN
// RUN: not kite-opt %t/model.mlir --kite-apply-plan=plan=%t/plan.json -o /dev/null 2>&1 | FileCheck %s --check-prefix=NOTARGET

// Layer 0 gets a multiplier and a weight series (both at once), layer 1 a
// run-time selection of its ReLU activations.
// CHECK-LABEL: func.func @main
// CHECK: %[[T0:.*]] = kite.matmul %{{.*}}, %{{.*}} {lhs_format = #kite.int<4, signed>, multiplier = #kite.mul<"trunc3">, rhs_format = #kite.int<4, signed>, rhs_sparsity = #kite.nm<2, 4>}
// CHECK: %[[T1:.*]] = kite.matmul %{{.*}}, %{{.*}} acc(%[[T0]]) {lhs_format = #kite.int<4, signed>, multiplier = #kite.mul<"trunc3">, rhs_format = #kite.int<4, signed>, rhs_sparsity = #kite.nm<1, 8>}
// CHECK: kite.dequantize %[[T1]]
// CHECK: kite.matmul %{{.*}}, %{{.*}} {lhs_format = #kite.int<8, signed>, lhs_sparsity = #kite.nm<2, 4>, rhs_format = #kite.int<8, signed>}
// CHECK-NOT: multiplier
// COUNT: error: kite-apply-plan: the plan has 1 MAC layers, the module 2
// FORMAT: error: kite-apply-plan: layer 1 is kite.matmul int8x8, the plan's kite.matmul int4x4 (a plan is for the model it was written from, quantized to its formats)
// WIDTH: error: kite-apply-plan: multiplier 'drum6' on int4x4: multiplier 'drum6' is not defined for 4x4-bit operands: {{.*}}
// UNKNOWN: error: kite-apply-plan: target 'kite-v1' has no multiplier 'mystery'
// RELU: error: kite-apply-plan: A4:8 selects activations at run time, which needs integer ReLU outputs and dense weights
// PATTERN: error: kite-apply-plan: target 'kite-v1' does not run 3:7 weights
// SERIES: error: kite-apply-plan: bad sparsity '2:4+' (dense, N:M terms joined by '+', or A and those for activations)
// THRESHOLD: error: kite-apply-plan: a threshold is for activation series (A...), not 'dense'
// SOFTMAX: error: kite-apply-plan: the plan has 1 softmaxes, the module 0
// FIELD: error: kite-apply-plan: {{.*}}field.json: layers[0].multiplier must be a string
// MISSING: error: kite-apply-plan: {{.*}}missing.json: {{.*}}
// NOPLAN: error: kite-apply-plan: needs a plan (plan=<file.json>)
// NOTARGET: error: kite-apply-plan: the module has no kite.target (run kite-set-target first)

//--- model.mlir
func.func @main(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %w4 = arith.constant dense<[[1, -2, 3, 0, 1, 0, 2, 1], [0, 1, 0, 2, 0, 1, 1, 0], [3, 0, 1, 0, 2, 0, 0, 1], [0, 2, 0, 1, 0, 3, 1, 0], [1, 0, 2, 0, 1, 0, 0, 2], [0, 1, 0, 3, 0, 1, 2, 0], [2, 0, 1, 0, 3, 0, 0, 1], [0, 3, 0, 1, 0, 2, 1, 0]]> : tensor<8x8xi8>
  %w8 = arith.constant dense<1> : tensor<8x8xi8>
  %q0 = kite.quantize %x {format = #kite.int<4, signed>, scale = array<f64: 0.1>, zero_point = array<i64: 0>} : tensor<2x8xf32> -> tensor<2x8xi8>
  %y0 = kite.matmul %q0, %w4 {lhs_format = #kite.int<4, signed>, rhs_format = #kite.int<4, signed>} : (tensor<2x8xi8>, tensor<8x8xi8>) -> tensor<2x8xi32>
  %d0 = kite.dequantize %y0 {scale = array<f64: 0.1>, zero_point = array<i64: 0>} : tensor<2x8xi32> -> tensor<2x8xf32>
  %r = tosa.clamp %d0 {min_val = 0.0 : f32, max_val = 3.4e38 : f32} : (tensor<2x8xf32>) -> tensor<2x8xf32>
  %q1 = kite.quantize %r {format = #kite.int<8, signed>, scale = array<f64: 0.1>, zero_point = array<i64: 0>} : tensor<2x8xf32> -> tensor<2x8xi8>
  %y1 = kite.matmul %q1, %w8 {lhs_format = #kite.int<8, signed>, rhs_format = #kite.int<8, signed>} : (tensor<2x8xi8>, tensor<8x8xi8>) -> tensor<2x8xi32>
  %d1 = kite.dequantize %y1 {scale = array<f64: 0.1>, zero_point = array<i64: 0>} : tensor<2x8xi32> -> tensor<2x8xf32>
  return %d1 : tensor<2x8xf32>
}
//--- plan.json
{"kite_plan": 1, "softmax": [], "layers": [
  {"op": "kite.matmul", "format": "int4x4", "multiplier": "trunc3", "sparsity": "2:4+1:8"},
  {"op": "kite.matmul", "format": "int8x8", "multiplier": "exact", "sparsity": "A2:4"}]}
//--- count.json
{"kite_plan": 1, "layers": [
  {"op": "kite.matmul", "format": "int4x4", "multiplier": "exact", "sparsity": "dense"}]}
//--- format.json
{"kite_plan": 1, "layers": [
  {"op": "kite.matmul", "format": "int4x4", "multiplier": "exact", "sparsity": "dense"},
  {"op": "kite.matmul", "format": "int4x4", "multiplier": "exact", "sparsity": "dense"}]}
//--- width.json
{"kite_plan": 1, "layers": [
  {"op": "kite.matmul", "format": "int4x4", "multiplier": "drum6", "sparsity": "dense"},
  {"op": "kite.matmul", "format": "int8x8", "multiplier": "exact", "sparsity": "dense"}]}
//--- unknown.json
{"kite_plan": 1, "layers": [
  {"op": "kite.matmul", "format": "int4x4", "multiplier": "mystery", "sparsity": "dense"},
  {"op": "kite.matmul", "format": "int8x8", "multiplier": "exact", "sparsity": "dense"}]}
//--- relu.json
{"kite_plan": 1, "layers": [
  {"op": "kite.matmul", "format": "int4x4", "multiplier": "exact", "sparsity": "A4:8"},
  {"op": "kite.matmul", "format": "int8x8", "multiplier": "exact", "sparsity": "dense"}]}
//--- pattern.json
{"kite_plan": 1, "layers": [
  {"op": "kite.matmul", "format": "int4x4", "multiplier": "exact", "sparsity": "3:7"},
  {"op": "kite.matmul", "format": "int8x8", "multiplier": "exact", "sparsity": "dense"}]}
//--- series.json
{"kite_plan": 1, "layers": [
  {"op": "kite.matmul", "format": "int4x4", "multiplier": "exact", "sparsity": "2:4+"},
  {"op": "kite.matmul", "format": "int8x8", "multiplier": "exact", "sparsity": "dense"}]}
//--- threshold.json
{"kite_plan": 1, "layers": [
  {"op": "kite.matmul", "format": "int4x4", "multiplier": "exact", "sparsity": "dense", "threshold": 3},
  {"op": "kite.matmul", "format": "int8x8", "multiplier": "exact", "sparsity": "dense"}]}
//--- softmax.json
{"kite_plan": 1, "softmax": ["lut"], "layers": [
  {"op": "kite.matmul", "format": "int4x4", "multiplier": "exact", "sparsity": "dense"},
  {"op": "kite.matmul", "format": "int8x8", "multiplier": "exact", "sparsity": "dense"}]}
//--- field.json
{"kite_plan": 1, "layers": [
  {"op": "kite.matmul", "format": "int4x4", "multiplier": 6, "sparsity": "dense"}]}
