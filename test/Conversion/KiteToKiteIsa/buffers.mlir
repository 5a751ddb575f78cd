// RUN: kite-opt %s --split-input-file --kite-set-target --convert-kite-to-kite-isa | FileCheck %s
// RUN: kite-opt %s --split-input-file --kite-set-target --kite-bufferize --convert-kite-to-kite-isa | FileCheck %s --check-prefix=PLANNED

// The lowering emits the addresses a kite.buffer plan states (here written
// by hand: the quantized activations 4 KiB into the scratchpad, the result
// at 4 KiB in DRAM); data segments go after the plan's DRAM.
// CHECK-LABEL: kite_isa.program @main attributes {dram_bytes = 4480 : i64}
// CHECK: kite_isa.input {addr = 0 : i64, index = 0 : i64, type = tensor<4x8xf32>}
// CHECK: kite_isa.data {addr = 4352 : i64
// CHECK: kite_isa.vec_quantize {{.*}}dst = 1073745920 : i64
// CHECK: kite_isa.dma_load {{.*}}space = #kite_isa.space<act>, src = 1073745920 : i64
// CHECK: kite_isa.store_acc {{.*}}dst = 4096 : i64
// CHECK: kite_isa.output {addr = 4096 : i64, index = 0 : i64
// kite-bufferize replaces the plan by its own, the one the lowering makes
// without attributes.
// PLANNED-LABEL: kite_isa.program @main attributes {dram_bytes = 512 : i64}
// PLANNED: kite_isa.vec_quantize {{.*}}dst = 1073741824 : i64
// PLANNED: kite_isa.output {addr = 128 : i64, index = 0 : i64
func.func @main(%x: tensor<4x8xf32> {kite.buffer = #kite.buffer<dram, 0, 128>}) -> tensor<4x16xi32> {
  %w = arith.constant dense<1> : tensor<8x16xi8>
  %q = kite.quantize %x {format = #kite.int<8, signed>, scale = array<f64: 0.5>, zero_point = array<i64: 0>, kite.buffer = #kite.buffer<scratch, 4096, 32>} : tensor<4x8xf32> -> tensor<4x8xi8>
  %y = kite.matmul %q, %w {kite.buffer = #kite.buffer<dram, 4096, 256>} : (tensor<4x8xi8>, tensor<8x16xi8>) -> tensor<4x16xi32>
  return %y : tensor<4x16xi32>
}
