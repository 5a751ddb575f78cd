// RUN: kite-opt %s --split-input-file --kite-if-convert | FileCheck %s
// RUN: kite-opt %s --split-input-file --kite-if-convert=max-branch-macs=100 | FileCheck %s --check-prefix=SMALL

// A cascade as the ONNX importer writes an If: both branches are inlined
// and a select picks, its condition reshaped to the result's rank.
// CHECK-LABEL: func.func @cascade
// CHECK-NOT: scf.if
// CHECK: %[[V:.*]] = tosa.matmul
// CHECK: %[[C:.*]] = tosa.reshape %[[FLAG:.*]], %{{.*}} : (tensor<i1>, !tosa.shape<3>) -> tensor<1x1x1xi1>
// CHECK: tosa.select %[[C]], %[[V]], %arg0 : (tensor<1x1x1xi1>, tensor<1x1x8xf32>, tensor<1x1x8xf32>) -> tensor<1x1x8xf32>
// The branches hold 64 MACs, within a bound of 100.
// SMALL-LABEL: func.func @cascade
// SMALL-NOT: scf.if
func.func @cascade(%x: tensor<1x1x8xf32>, %flag: tensor<i1>) -> tensor<1x1x8xf32> {
  %w = "tosa.const"() <{values = dense<0.5> : tensor<1x8x8xf32>}> : () -> tensor<1x8x8xf32>
  %z = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %c = tensor.extract %flag[] : tensor<i1>
  %r = scf.if %c -> (tensor<1x1x8xf32>) {
    %v = tosa.matmul %x, %w, %z, %z : (tensor<1x1x8xf32>, tensor<1x8x8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x8xf32>
    scf.yield %v : tensor<1x1x8xf32>
  } else {
    scf.yield %x : tensor<1x1x8xf32>
  }
  return %r : tensor<1x1x8xf32>
}

// -----

// Branches over the MAC bound (256 > 100) stay an if.
// SMALL-LABEL: func.func @big
// SMALL: scf.if
// CHECK-LABEL: func.func @big
// CHECK-NOT: scf.if
func.func @big(%x: tensor<1x1x16xf32>, %flag: tensor<1xi1>) -> tensor<1x1x16xf32> {
  %w = "tosa.const"() <{values = dense<0.5> : tensor<1x16x16xf32>}> : () -> tensor<1x16x16xf32>
  %z = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %i = arith.constant 0 : index
  %c = tensor.extract %flag[%i] : tensor<1xi1>
  %r = scf.if %c -> (tensor<1x1x16xf32>) {
    %v = tosa.matmul %x, %w, %z, %z : (tensor<1x1x16xf32>, tensor<1x16x16xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x16xf32>
    scf.yield %v : tensor<1x1x16xf32>
  } else {
    scf.yield %x : tensor<1x1x16xf32>
  }
  return %r : tensor<1x1x16xf32>
}

// -----

// A condition not read from a tensor, and a branch with a call (unknown
// effects), stay.
// CHECK-LABEL: func.func @scalar
// CHECK: scf.if
// CHECK-LABEL: func.func @effects
// CHECK: scf.if
func.func @scalar(%x: tensor<4xf32>, %c: i1) -> tensor<4xf32> {
  %r = scf.if %c -> (tensor<4xf32>) {
    %e = tosa.exp %x : (tensor<4xf32>) -> tensor<4xf32>
    scf.yield %e : tensor<4xf32>
  } else {
    scf.yield %x : tensor<4xf32>
  }
  return %r : tensor<4xf32>
}
func.func private @log(tensor<4xf32>) -> tensor<4xf32>
func.func @effects(%x: tensor<4xf32>, %flag: tensor<i1>) -> tensor<4xf32> {
  %c = tensor.extract %flag[] : tensor<i1>
  %r = scf.if %c -> (tensor<4xf32>) {
    %y = func.call @log(%x) : (tensor<4xf32>) -> tensor<4xf32>
    scf.yield %y : tensor<4xf32>
  } else {
    scf.yield %x : tensor<4xf32>
  }
  return %r : tensor<4xf32>
}
