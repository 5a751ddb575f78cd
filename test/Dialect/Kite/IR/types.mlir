// RUN: kite-opt %s | FileCheck %s
// RUN: kite-opt %s | kite-opt | FileCheck %s
// RUN: kite-opt %s --mlir-print-op-generic | kite-opt | FileCheck %s

// CHECK-LABEL: func.func @lp_types
// CHECK-SAME: tensor<4x!kite.lp<8, 1, 7, 0>>
// CHECK-SAME: tensor<2x3x!kite.lp<2, 0, 1, 0>>
// CHECK-SAME: tensor<16x!kite.lp<16, 4, 15, -64>>
// CHECK-SAME: tensor<1x!kite.lp<6, 2, 3, 64>>
func.func @lp_types(%a: tensor<4x!kite.lp<8, 1, 7, 0>>,
                    %b: tensor<2x3x!kite.lp<2, 0, 1, 0>>,
                    %c: tensor<16x!kite.lp<16, 4, 15, -64>>,
                    %d: tensor<1x!kite.lp<6, 2, 3, 64>>) {
  return
}

// CHECK-LABEL: func.func @lp_scalar
// CHECK-SAME: !kite.lp<5, 1, 2, -3>
func.func @lp_scalar(%a: !kite.lp<5, 1, 2, -3>) {
  return
}
