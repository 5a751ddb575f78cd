// RUN: kite-opt %s | kite-opt | FileCheck %s
// Every kite_isa op round-trips.

// CHECK-LABEL: kite_isa.program @main attributes {dram_bytes = 4096 : i64}
module attributes {kite.target = #kite.target<"kite-v1", clock_mhz = 1000, array = [16, 16], acc_bits = 32, lp_acc_frac_bits = 16, int_bits = [2, 4, 8], lp_bits = [4, 8], multipliers = ["exact", "trunc4"], sparsity = [#kite.nm<2, 4>], activation_sparsity = true, softmax = <method = lut2d, step = 1.0, out_bits = 8, exp_entries = 7, norm_rows = 60, norm_cols = 11>, memory = <weight_kib = 256, act_kib = 256, acc_kib = 64, dram_bytes_per_cycle = 16.0, sram_bytes_per_cycle = 128.0, scratch_kib = 1024>, energy = <int8_mul = 0.2, int8_add = 0.03, int32_add = 0.1, fp32_mul = 3.7, fp32_add = 0.9, sram_read_32b = 5.0, dram_read_32b = 640.0, lut_read_8b = 0.36>, lut = <entries = 256, lanes = 16>, host = <link_bytes_per_cycle = 4.0, cycles_per_element = 8.0, element_pj = 20.0>>} {
kite_isa.program @main attributes {dram_bytes = 4096 : i64} {
  // CHECK: kite_isa.data {addr = 0 : i64, bytes = dense<[1, 2, 3, 4]> : tensor<4xi8>}
  kite_isa.data {addr = 0 : i64, bytes = dense<[1, 2, 3, 4]> : tensor<4xi8>}
  // CHECK: kite_isa.input {addr = 64 : i64, index = 0 : i64, type = tensor<2x2xf32>}
  kite_isa.input {addr = 64 : i64, index = 0 : i64, type = tensor<2x2xf32>}
  // CHECK: kite_isa.dma_load
  kite_isa.dma_load {src = 0 : i64, space = #kite_isa.space<weight>, dst = 0 : i64, rows = 2 : i64, row_bytes = 2 : i64, src_stride = 2 : i64}
  // CHECK: kite_isa.config_mma {lhs_format = 134285312 : i64, multiplier = "trunc4", rhs_format = 134285312 : i64}
  kite_isa.config_mma {lhs_format = 134285312 : i64, rhs_format = 134285312 : i64, multiplier = "trunc4"}
  // CHECK: kite_isa.mma
  kite_isa.mma {a = 0 : i64, b = 0 : i64, c = 0 : i64, m = 2 : i64, k = 2 : i64, n = 2 : i64, accumulate = 0 : i64}
  // CHECK: kite_isa.mma_nm
  kite_isa.mma_nm {a = 0 : i64, b = 0 : i64, index = 8 : i64, c = 0 : i64, m = 2 : i64, k = 4 : i64, n = 2 : i64, keep = 2 : i64, group = 4 : i64, threshold = 0 : i64, accumulate = 1 : i64}
  // CHECK: kite_isa.mma_act_nm
  kite_isa.mma_act_nm {a = 0 : i64, b = 0 : i64, c = 0 : i64, m = 2 : i64, k = 4 : i64, n = 2 : i64, keep = 2 : i64, group = 4 : i64, threshold = 0 : i64, accumulate = 1 : i64}
  // CHECK: kite_isa.mma_act_nm {{.*}}prior = array<i64: 2, 4>
  kite_isa.mma_act_nm {a = 0 : i64, b = 0 : i64, c = 0 : i64, m = 2 : i64, k = 8 : i64, n = 2 : i64, keep = 2 : i64, group = 4 : i64, threshold = 3 : i64, accumulate = 1 : i64, prior = array<i64: 2, 4>}
  // CHECK: kite_isa.store_acc
  kite_isa.store_acc {src = 0 : i64, rows = 2 : i64, cols = 2 : i64, dst = 128 : i64, row_stride = 2 : i64, col_stride = 1 : i64, dtype = #kite_isa.dtype<i32>, bias = -1 : i64}
  // CHECK: kite_isa.store_acc_fused
  kite_isa.store_acc_fused {src = 0 : i64, rows = 2 : i64, cols = 2 : i64, dst = 1073741824 : i64, row_stride = 2 : i64, col_stride = 1 : i64, dtype = #kite_isa.dtype<i8>, acc_bias = -1 : i64, scales = array<f64: 0.5, 0.25>, zero_points = array<i64: 0, 0>, bias = 64 : i64, clamp_min = 0.0 : f64, clamp_max = 6.0 : f64, format = 134285312 : i64, out_scales = array<f64: 0.1>, out_zero_point = 0 : i64, multiply = 1.0 : f64, activation = #kite_isa.activation<none>, residual = -1 : i64}
  // CHECK: kite_isa.im2col
  kite_isa.im2col {src = 0 : i64, dst = 256 : i64, input = array<i64: 1, 2, 2>, channel_offset = 0 : i64, group_channels = 1 : i64, kernel = array<i64: 1, 1>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0>, dilations = array<i64: 1, 1>, output = array<i64: 2, 2>}
  // CHECK: kite_isa.vec_binary
  kite_isa.vec_binary {kind = #kite_isa.binary<mul>, lhs = 64 : i64, rhs = 64 : i64, dst = 512 : i64, shape = array<i64: 2, 2>, lhs_strides = array<i64: 2, 1>, rhs_strides = array<i64: 0, 1>}
  // CHECK: kite_isa.vec_compare
  kite_isa.vec_compare {kind = #kite_isa.compare<ge>, lhs = 64 : i64, rhs = 64 : i64, dst = 1100 : i64, shape = array<i64: 2, 2>, lhs_strides = array<i64: 2, 1>, rhs_strides = array<i64: 0, 0>}
  // CHECK: kite_isa.vec_select
  kite_isa.vec_select {cond = 1100 : i64, lhs = 64 : i64, rhs = 512 : i64, dst = 1104 : i64, shape = array<i64: 2, 2>, cond_strides = array<i64: 2, 1>, lhs_strides = array<i64: 2, 1>, rhs_strides = array<i64: 2, 1>}
  // CHECK: kite_isa.vec_clamp
  kite_isa.vec_clamp {src = 512 : i64, dst = 512 : i64, count = 4 : i64, min = 0.0 : f64, max = 6.0 : f64}
  // CHECK: kite_isa.vec_copy
  kite_isa.vec_copy {src = 512 : i64, dst = 576 : i64, elem_bytes = 4 : i64, shape = array<i64: 2, 2>, src_strides = array<i64: 1, 2>, dst_strides = array<i64: 2, 1>}
  // CHECK: kite_isa.vec_gather
  kite_isa.vec_gather {src = 512 : i64, dst = 1120 : i64, elem_bytes = 4 : i64, outer = 1 : i64, k = 2 : i64, inner = 2 : i64, indices = array<i64: 1, 0, 0>}
  // CHECK: kite_isa.vec_reduce
  kite_isa.vec_reduce {kind = #kite_isa.reduce<sum>, src = 576 : i64, dst = 640 : i64, outer = 2 : i64, len = 2 : i64, inner = 1 : i64}
  // CHECK: kite_isa.vec_pool
  kite_isa.vec_pool {kind = #kite_isa.pool<max>, src = 64 : i64, dst = 704 : i64, dtype = #kite_isa.dtype<f32>, input = array<i64: 1, 2, 2, 1>, kernel = array<i64: 2, 2>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0>, output = array<i64: 1, 1>}
  // CHECK: kite_isa.vec_quantize
  kite_isa.vec_quantize {src = 64 : i64, dst = 768 : i64, dtype = #kite_isa.dtype<i8>, count = 4 : i64, inner = 1 : i64, format = 134285312 : i64, scales = array<f64: 0.5>, zero_points = array<i64: 0>}
  // CHECK: kite_isa.vec_dequantize
  kite_isa.vec_dequantize {src = 768 : i64, dtype = #kite_isa.dtype<i8>, dst = 832 : i64, count = 4 : i64, inner = 1 : i64, format = 134285312 : i64, scales = array<f64: 0.5>, zero_points = array<i64: 0>}
  // CHECK: kite_isa.vec_layer_norm
  kite_isa.vec_layer_norm {src = 64 : i64, dst = 896 : i64, rows = 2 : i64, len = 2 : i64, epsilon = 1.0e-5 : f64, scale = -1 : i64, bias = -1 : i64, format = -1 : i64, out_scale = 1.0 : f64, out_zero_point = 0 : i64}
  // CHECK: kite_isa.vec_gelu
  kite_isa.vec_gelu {src = 64 : i64, dst = 960 : i64, count = 4 : i64, tanh = 0 : i64}
  // CHECK: kite_isa.vec_softmax
  kite_isa.vec_softmax {src = 64 : i64, dst = 960 : i64, outer = 2 : i64, len = 2 : i64, inner = 1 : i64}
  // CHECK: kite_isa.vec_unary
  kite_isa.vec_unary {kind = #kite_isa.unary<sigmoid>, src = 64 : i64, dst = 960 : i64, count = 4 : i64}
  // CHECK: kite_isa.host_call
  kite_isa.host_call {kind = #kite_isa.host<argmax>, src = 64 : i64, src_dtype = #kite_isa.dtype<f32>, dst = 960 : i64, dst_dtype = #kite_isa.dtype<i64>, outer = 2 : i64, len = 2 : i64, inner = 1 : i64}
  // CHECK: kite_isa.host_elementwise {a = 64 : i64, a_strides = array<i64: 2, 1>, b = 0 : i64, b_strides = array<i64: 0, 0>, cond = -1 : i64, cond_strides = array<i64>, dst = 960 : i64, dst_dtype = #kite_isa.dtype<i8>, dtype = #kite_isa.dtype<i8>, kind = #kite_isa.host_op<greater>, shape = array<i64: 2, 2>}
  kite_isa.host_elementwise {kind = #kite_isa.host_op<greater>, a = 64 : i64, b = 0 : i64, cond = -1 : i64, dtype = #kite_isa.dtype<i8>, dst = 960 : i64, dst_dtype = #kite_isa.dtype<i8>, shape = array<i64: 2, 2>, a_strides = array<i64: 2, 1>, b_strides = array<i64: 0, 0>, cond_strides = array<i64>}
  // CHECK: kite_isa.host_elementwise {{.*}}kind = #kite_isa.host_op<select>
  kite_isa.host_elementwise {kind = #kite_isa.host_op<select>, a = 64 : i64, b = 0 : i64, cond = 0 : i64, dtype = #kite_isa.dtype<i8>, dst = 960 : i64, dst_dtype = #kite_isa.dtype<i8>, shape = array<i64: 4>, a_strides = array<i64: 1>, b_strides = array<i64: 1>, cond_strides = array<i64: 1>}
  // CHECK: kite_isa.host_gather {dst = 960 : i64, dtype = #kite_isa.dtype<f32>, indices = 0 : i64, indices_dtype = #kite_isa.dtype<i8>, inner = 2 : i64, k = 2 : i64, outer = 1 : i64, values = 64 : i64, width = 2 : i64}
  kite_isa.host_gather {values = 64 : i64, dtype = #kite_isa.dtype<f32>, indices = 0 : i64, indices_dtype = #kite_isa.dtype<i8>, dst = 960 : i64, outer = 1 : i64, k = 2 : i64, inner = 2 : i64, width = 2 : i64}
  // CHECK: kite_isa.vec_lut
  kite_isa.vec_lut {src = 64 : i64, dst = 960 : i64, count = 4 : i64, table = array<i64: -128, -127, -126, -125, -124, -123, -122, -121, -120, -119, -118, -117, -116, -115, -114, -113, -112, -111, -110, -109, -108, -107, -106, -105, -104, -103, -102, -101, -100, -99, -98, -97, -96, -95, -94, -93, -92, -91, -90, -89, -88, -87, -86, -85, -84, -83, -82, -81, -80, -79, -78, -77, -76, -75, -74, -73, -72, -71, -70, -69, -68, -67, -66, -65, -64, -63, -62, -61, -60, -59, -58, -57, -56, -55, -54, -53, -52, -51, -50, -49, -48, -47, -46, -45, -44, -43, -42, -41, -40, -39, -38, -37, -36, -35, -34, -33, -32, -31, -30, -29, -28, -27, -26, -25, -24, -23, -22, -21, -20, -19, -18, -17, -16, -15, -14, -13, -12, -11, -10, -9, -8, -7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95, 96, 97, 98, 99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122, 123, 124, 125, 126, 127>}
  // CHECK: kite_isa.lut_softmax
  kite_isa.lut_softmax {src = 64 : i64, src_dtype = #kite_isa.dtype<f32>, dst = 1024 : i64, dtype = #kite_isa.dtype<i16>, outer = 2 : i64, len = 2 : i64, inner = 1 : i64, method = #kite_isa.softmax_method<rexp>, input_scale = 1.0 : f64, step = 1.0 : f64, out_bits = 8 : i64, sum_shift = 0 : i64, out_shift = 7 : i64, exp_table = array<i64: 255, 94>, norm_table = array<i64: 255, 255>, norm_rows = 2 : i64, norm_cols = 1 : i64, prob_scale = 1.0 : f64, prob_zero_point = 0 : i64, format = -1 : i64, out_scale = 1.0 : f64, out_zero_point = 0 : i64}
  // CHECK: kite_isa.output {addr = 1024 : i64, index = 0 : i64, type = tensor<2x2xi16>}
  kite_isa.output {addr = 1024 : i64, index = 0 : i64, type = tensor<2x2xi16>}
  // CHECK: kite_isa.fence
  kite_isa.fence
}
}
