// RUN: kite-opt %s --pass-pipeline='builtin.module(kite_isa.program(kite-isa-schedule-dma))' --split-input-file | FileCheck %s

// Two row tiles on ping-pong halves: the second tile's loads move above the
// first tile's mma and drain (double buffering); the third tile's loads
// stop after the mma that reads the half they overwrite.
// CHECK-LABEL: kite_isa.program @pingpong
// CHECK:      kite_isa.dma_load {dst = 0 : i64, row_bytes = 8 : i64, rows = 8 : i64, space = #kite_isa.space<weight>, src = 0 : i64
// CHECK-NEXT: kite_isa.dma_load {dst = 0 : i64, row_bytes = 8 : i64, rows = 4 : i64, space = #kite_isa.space<act>, src = 64 : i64
// CHECK-NEXT: kite_isa.dma_load {dst = 128 : i64, row_bytes = 8 : i64, rows = 4 : i64, space = #kite_isa.space<act>, src = 96 : i64
// CHECK-NEXT: kite_isa.config_mma
// CHECK-NEXT: kite_isa.mma {a = 0 : i64
// CHECK-NEXT: kite_isa.dma_load {dst = 0 : i64, row_bytes = 8 : i64, rows = 4 : i64, space = #kite_isa.space<act>, src = 128 : i64
// CHECK-NEXT: kite_isa.store_acc {{.*}}dst = 256 : i64
// CHECK-NEXT: kite_isa.mma {a = 128 : i64
// CHECK-NEXT: kite_isa.store_acc {{.*}}dst = 384 : i64
// CHECK-NEXT: kite_isa.mma {a = 0 : i64
kite_isa.program @pingpong attributes {dram_bytes = 1024 : i64} {
  kite_isa.data {addr = 0 : i64, bytes = dense<1> : tensor<64xi8>}
  kite_isa.input {addr = 64 : i64, index = 0 : i64, type = tensor<12x8xi8>}
  kite_isa.dma_load {src = 0 : i64, space = #kite_isa.space<weight>, dst = 0 : i64, rows = 8 : i64, row_bytes = 8 : i64, src_stride = 8 : i64}
  kite_isa.dma_load {src = 64 : i64, space = #kite_isa.space<act>, dst = 0 : i64, rows = 4 : i64, row_bytes = 8 : i64, src_stride = 8 : i64}
  kite_isa.config_mma {lhs_format = 134285312 : i64, rhs_format = 134285312 : i64, multiplier = "exact"}
  kite_isa.mma {a = 0 : i64, b = 0 : i64, c = 0 : i64, m = 4 : i64, k = 8 : i64, n = 8 : i64, accumulate = 0 : i64}
  kite_isa.store_acc {src = 0 : i64, rows = 4 : i64, cols = 8 : i64, dst = 256 : i64, row_stride = 8 : i64, col_stride = 1 : i64, dtype = #kite_isa.dtype<i32>, bias = -1 : i64}
  kite_isa.dma_load {src = 96 : i64, space = #kite_isa.space<act>, dst = 128 : i64, rows = 4 : i64, row_bytes = 8 : i64, src_stride = 8 : i64}
  kite_isa.mma {a = 128 : i64, b = 0 : i64, c = 128 : i64, m = 4 : i64, k = 8 : i64, n = 8 : i64, accumulate = 0 : i64}
  kite_isa.store_acc {src = 128 : i64, rows = 4 : i64, cols = 8 : i64, dst = 384 : i64, row_stride = 8 : i64, col_stride = 1 : i64, dtype = #kite_isa.dtype<i32>, bias = -1 : i64}
  kite_isa.dma_load {src = 128 : i64, space = #kite_isa.space<act>, dst = 0 : i64, rows = 4 : i64, row_bytes = 8 : i64, src_stride = 8 : i64}
  kite_isa.mma {a = 0 : i64, b = 0 : i64, c = 0 : i64, m = 4 : i64, k = 8 : i64, n = 8 : i64, accumulate = 0 : i64}
  kite_isa.fence
}

// -----

// A load of what a drain or a vector op writes stays after it; one of
// other bytes passes a vector op. Nothing moves above a fence.
// CHECK-LABEL: kite_isa.program @dependences
// CHECK:      kite_isa.store_acc {{.*}}dst = 256 : i64
// CHECK-NEXT: kite_isa.dma_load {{.*}}src = 256 : i64
// CHECK-NEXT: kite_isa.fence
// CHECK-NEXT: kite_isa.dma_load {{.*}}src = 64 : i64
// CHECK-NEXT: kite_isa.vec_clamp {{.*}}dst = 512 : i64
// CHECK-NEXT: kite_isa.dma_load {{.*}}src = 512 : i64
kite_isa.program @dependences attributes {dram_bytes = 1024 : i64} {
  kite_isa.input {addr = 64 : i64, index = 0 : i64, type = tensor<4x8xi8>}
  kite_isa.store_acc {src = 0 : i64, rows = 4 : i64, cols = 8 : i64, dst = 256 : i64, row_stride = 8 : i64, col_stride = 1 : i64, dtype = #kite_isa.dtype<i8>, bias = -1 : i64}
  kite_isa.dma_load {src = 256 : i64, space = #kite_isa.space<act>, dst = 0 : i64, rows = 4 : i64, row_bytes = 8 : i64, src_stride = 8 : i64}
  kite_isa.fence
  kite_isa.vec_clamp {src = 512 : i64, dst = 512 : i64, count = 8 : i64, min = 0.0 : f64, max = 6.0 : f64}
  kite_isa.dma_load {src = 64 : i64, space = #kite_isa.space<act>, dst = 256 : i64, rows = 4 : i64, row_bytes = 8 : i64, src_stride = 8 : i64}
  kite_isa.dma_load {src = 512 : i64, space = #kite_isa.space<act>, dst = 512 : i64, rows = 4 : i64, row_bytes = 8 : i64, src_stride = 8 : i64}
  kite_isa.fence
}

// -----

// Loading initial accumulators waits for the drain that still reads them,
// and a WEIGHT load for the drain that reads its bias from there.
// CHECK-LABEL: kite_isa.program @onchip
// CHECK:      kite_isa.store_acc_fused {{.*}}src = 0 : i64
// CHECK-NEXT: kite_isa.dma_load {{.*}}space = #kite_isa.space<acc>
// CHECK:      kite_isa.store_acc_fused {{.*}}src = 0 : i64
// CHECK-NEXT: kite_isa.dma_load {{.*}}space = #kite_isa.space<weight>
kite_isa.program @onchip attributes {dram_bytes = 1024 : i64} {
  kite_isa.input {addr = 0 : i64, index = 0 : i64, type = tensor<128xi32>}
  kite_isa.store_acc_fused {src = 0 : i64, rows = 4 : i64, cols = 8 : i64, dst = 512 : i64, row_stride = 8 : i64, col_stride = 1 : i64, dtype = #kite_isa.dtype<f32>, acc_bias = -1 : i64, scales = array<f64: 0.5>, zero_points = array<i64: 0>, bias = 64 : i64, clamp_min = 0.0 : f64, clamp_max = 6.0 : f64, format = -1 : i64, out_scales = array<f64: 1.0>, out_zero_point = 0 : i64, multiply = 1.0 : f64, activation = #kite_isa.activation<none>, residual = -1 : i64}
  kite_isa.dma_load {src = 0 : i64, space = #kite_isa.space<acc>, dst = 96 : i64, rows = 1 : i64, row_bytes = 32 : i64, src_stride = 32 : i64}
  kite_isa.fence
  kite_isa.store_acc_fused {src = 0 : i64, rows = 4 : i64, cols = 8 : i64, dst = 512 : i64, row_stride = 8 : i64, col_stride = 1 : i64, dtype = #kite_isa.dtype<f32>, acc_bias = -1 : i64, scales = array<f64: 0.5>, zero_points = array<i64: 0>, bias = 64 : i64, clamp_min = 0.0 : f64, clamp_max = 6.0 : f64, format = -1 : i64, out_scales = array<f64: 1.0>, out_zero_point = 0 : i64, multiply = 1.0 : f64, activation = #kite_isa.activation<none>, residual = -1 : i64}
  kite_isa.dma_load {src = 0 : i64, space = #kite_isa.space<weight>, dst = 80 : i64, rows = 1 : i64, row_bytes = 8 : i64, src_stride = 8 : i64}
  kite_isa.fence
}

// -----

// im2col (also on the DMA engine) moves like a load: the next image's
// patches are built while the array works on this one. It writes memory,
// so it stays after a vector instruction (whose reads are not described)
// and after the load that reads its previous patches.
// CHECK-LABEL: kite_isa.program @im2col
// CHECK:      kite_isa.dma_load {{.*}}src = 512 : i64
// CHECK-NEXT: kite_isa.im2col {{.*}}dst = 512 : i64{{.*}}src = 64 : i64
// CHECK-NEXT: kite_isa.mma
// CHECK-NEXT: kite_isa.store_acc
// CHECK-NEXT: kite_isa.vec_clamp
// CHECK-NEXT: kite_isa.im2col {{.*}}src = 128 : i64
kite_isa.program @im2col attributes {dram_bytes = 1024 : i64} {
  kite_isa.input {addr = 0 : i64, index = 0 : i64, type = tensor<2x1x4x4xf32>}
  kite_isa.dma_load {src = 512 : i64, space = #kite_isa.space<act>, dst = 0 : i64, rows = 4 : i64, row_bytes = 4 : i64, src_stride = 4 : i64}
  kite_isa.mma {a = 0 : i64, b = 0 : i64, c = 0 : i64, m = 4 : i64, k = 4 : i64, n = 1 : i64, accumulate = 0 : i64}
  kite_isa.store_acc {src = 0 : i64, rows = 4 : i64, cols = 1 : i64, dst = 768 : i64, row_stride = 1 : i64, col_stride = 4 : i64, dtype = #kite_isa.dtype<i32>, bias = -1 : i64}
  kite_isa.im2col {src = 64 : i64, dst = 512 : i64, input = array<i64: 1, 4, 4>, channel_offset = 0 : i64, group_channels = 1 : i64, kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0>, dilations = array<i64: 1, 1>, output = array<i64: 2, 2>}
  kite_isa.vec_clamp {src = 896 : i64, dst = 896 : i64, count = 4 : i64, min = 0.0 : f64, max = 6.0 : f64}
  kite_isa.im2col {src = 128 : i64, dst = 960 : i64, input = array<i64: 1, 4, 4>, channel_offset = 0 : i64, group_channels = 1 : i64, kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0>, dilations = array<i64: 1, 1>, output = array<i64: 2, 2>}
  kite_isa.fence
}
