// RUN: kite-opt %s --split-input-file --kite-set-target --convert-kite-to-kite-isa | FileCheck %s
// RUN: not kite-opt %s --split-input-file --kite-set-target=target=kite-mini --convert-kite-to-kite-isa 2>&1 | FileCheck %s --check-prefix=MINI

// TASD-A: N:M activations are selected at run time by mma_act_nm over the
// dense activation tile; the weights load as for mma.
// CHECK: kite_isa.dma_load {{{.*}}row_bytes = 2 : i64, rows = 8 : i64, space = 2 : i64
// CHECK: kite_isa.dma_load {{{.*}}row_bytes = 8 : i64, rows = 2 : i64, space = 1 : i64
// CHECK: kite_isa.mma_act_nm {{{.*}}group = 4 : i64, k = 8 : i64, keep = 2 : i64, m = 2 : i64, n = 2 : i64, threshold = 0 : i64}
// CHECK-NOT: kite_isa.mma {
// MINI: error: 'kite.matmul' op N:M activations need run-time activation sparsity, which target 'kite-mini' does not have
func.func @main(%x: tensor<2x8xi8>) -> tensor<2x2xi32> {
  %w = arith.constant dense<[[1, 0], [-5, 2], [3, 0], [2, 7], [0, 1], [0, -1], [9, 0], [0, 4]]> : tensor<8x2xi8>
  %y = kite.matmul %x, %w {lhs_sparsity = #kite.nm<2, 4>} : (tensor<2x8xi8>, tensor<8x2xi8>) -> tensor<2x2xi32>
  return %y : tensor<2x2xi32>
}

// -----

// A threshold (TASD-A of GELU outputs) goes to the instruction.
// CHECK: kite_isa.program @main
// CHECK: kite_isa.mma_act_nm {{{.*}}keep = 2 : i64, m = 2 : i64, n = 2 : i64, threshold = 3 : i64}
func.func @main(%x: tensor<2x8xi8>) -> tensor<2x2xi32> {
  %w = arith.constant dense<[[1, 0], [-5, 2], [3, 0], [2, 7], [0, 1], [0, -1], [9, 0], [0, 4]]> : tensor<8x2xi8>
  %y = kite.matmul %x, %w {lhs_sparsity = #kite.nm<2, 4, threshold = 3>} : (tensor<2x8xi8>, tensor<8x2xi8>) -> tensor<2x2xi32>
  return %y : tensor<2x2xi32>
}
