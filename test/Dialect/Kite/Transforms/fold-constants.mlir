// RUN: kite-opt %s --kite-fold-constants --split-input-file | FileCheck %s

// A batch norm's rsqrt(var + eps) on constants folds, with its reshape.
// CHECK-LABEL: func.func @batch_norm_constants
// CHECK-NOT: tosa.rsqrt
// CHECK-NOT: tosa.add
// CHECK: %[[K:.*]] = "tosa.const"() <{values = dense<{{\[\[\[\[}}5.000000e-01]], {{\[\[}}2.500000e-01]]]]> : tensor<1x2x1x1xf32>}>
// CHECK: tosa.mul %arg0, %[[K]]
func.func @batch_norm_constants(%x: tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32> {
  %var = "tosa.const"() <{values = dense<[3.999990e+00, 1.599999e+01]> : tensor<2xf32>}> : () -> tensor<2xf32>
  %eps = "tosa.const"() <{values = dense<1.0e-05> : tensor<1xf32>}> : () -> tensor<1xf32>
  %ve = tosa.add %var, %eps : (tensor<2xf32>, tensor<1xf32>) -> tensor<2xf32>
  %k = tosa.rsqrt %ve : (tensor<2xf32>) -> tensor<2xf32>
  %s = tosa.const_shape {values = dense<[1, 2, 1, 1]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %k4 = tosa.reshape %k, %s : (tensor<2xf32>, !tosa.shape<4>) -> tensor<1x2x1x1xf32>
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %y = tosa.mul %x, %k4, %shift : (tensor<1x2x3x3xf32>, tensor<1x2x1x1xf32>, tensor<1xi8>) -> tensor<1x2x3x3xf32>
  return %y : tensor<1x2x3x3xf32>
}

// -----

// Integer and boolean results fold too; ops reading an argument stay.
// CHECK-LABEL: func.func @mixed
// CHECK-DAG: "tosa.const"() <{values = dense<[true, false]> : tensor<2xi1>}>
// CHECK-DAG: tosa.exp %arg0
func.func @mixed(%x: tensor<2xf32>) -> (tensor<2xi1>, tensor<2xf32>) {
  %a = "tosa.const"() <{values = dense<[3, 1]> : tensor<2xi64>}> : () -> tensor<2xi64>
  %b = "tosa.const"() <{values = dense<2> : tensor<2xi64>}> : () -> tensor<2xi64>
  %g = tosa.greater %a, %b : (tensor<2xi64>, tensor<2xi64>) -> tensor<2xi1>
  %e = tosa.exp %x : (tensor<2xf32>) -> tensor<2xf32>
  return %g, %e : tensor<2xi1>, tensor<2xf32>
}
