// RUN: kite-opt %s --split-input-file --kite-set-target --convert-kite-to-kite-isa | FileCheck %s
// RUN: not kite-opt %s --split-input-file --kite-set-target=target=kite-mini --convert-kite-to-kite-isa 2>&1 | FileCheck %s --check-prefix=MINI

// TASD-A: N:M activations are selected at run time by mma_act_nm over the
// dense activation tile; the weights load as for mma.
// CHECK: kite_isa.dma_load {{{.*}}row_bytes = 2 : i64, rows = 8 : i64, space = #kite_isa.space<weight>
// CHECK: kite_isa.dma_load {{{.*}}row_bytes = 8 : i64, rows = 2 : i64, space = #kite_isa.space<act>
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

// -----

// A TASD-A series 2:4+1:8: one accumulator chain, the weights and the
// activation tile loaded once, the 1:8 term naming the term before it in
// `prior`, one drain.
// CHECK: kite_isa.program @main
// CHECK-COUNT-2: kite_isa.dma_load
// CHECK-NOT: kite_isa.dma_load
// CHECK: kite_isa.mma_act_nm {{{.*}}accumulate = 0 : i64{{.*}}group = 4 : i64{{.*}}keep = 2 : i64
// CHECK-NOT: kite_isa.dma_load
// CHECK-NEXT: kite_isa.mma_act_nm {{{.*}}accumulate = 1 : i64{{.*}}group = 8 : i64{{.*}}keep = 1 : i64{{.*}}prior = array<i64: 2, 4>
// CHECK-NEXT: kite_isa.store_acc
// CHECK-NOT: kite_isa.mma
func.func @main(%x: tensor<2x8xi8>) -> tensor<2x2xi32> {
  %w = arith.constant dense<[[1, 0], [-5, 2], [3, 0], [2, 7], [0, 1], [0, -1], [9, 0], [0, 4]]> : tensor<8x2xi8>
  %t = kite.matmul %x, %w {lhs_sparsity = #kite.nm<2, 4>} : (tensor<2x8xi8>, tensor<8x2xi8>) -> tensor<2x2xi32>
  %y = kite.matmul %x, %w acc(%t) {lhs_sparsity = #kite.nm<1, 8, residual_of = #kite.nm<2, 4>>} : (tensor<2x8xi8>, tensor<8x2xi8>, tensor<2x2xi32>) -> tensor<2x2xi32>
  return %y : tensor<2x2xi32>
}
