// RUN: kite-opt %s --split-input-file --verify-diagnostics
// Every kite_isa verifier message, against a target with 1 KiB buffers,
// 4- and 8-bit integers, LP8 and the multipliers exact and trunc4.

module attributes {kite.target = #kite.target<"kite-t", clock_mhz = 1000, array = [16, 16], acc_bits = 32, lp_acc_frac_bits = 16, int_bits = [4, 8], lp_bits = [8], multipliers = ["exact", "trunc4"], sparsity = [], activation_sparsity = false, softmax = <method = lut2d, step = 1.0, out_bits = 8, exp_entries = 7, norm_rows = 60, norm_cols = 11>, memory = <weight_kib = 1, act_kib = 1, acc_kib = 1, dram_bytes_per_cycle = 16.0, sram_bytes_per_cycle = 128.0>, energy = <int8_mul = 0.2, int8_add = 0.03, int32_add = 0.1, fp32_mul = 3.7, fp32_add = 0.9, sram_read_32b = 5.0, dram_read_32b = 640.0, lut_read_8b = 0.36>>} {
kite_isa.program @main attributes {dram_bytes = 4096 : i64} {
  // expected-error @+1 {{'kite_isa.dma_load' op attribute 'space' failed to satisfy constraint: an on-chip buffer}}
  kite_isa.dma_load {src = 0 : i64, space = 4 : i64, dst = 0 : i64, rows = 1 : i64, row_bytes = 1 : i64, src_stride = 1 : i64}
}
}
// -----

module attributes {kite.target = #kite.target<"kite-t", clock_mhz = 1000, array = [16, 16], acc_bits = 32, lp_acc_frac_bits = 16, int_bits = [4, 8], lp_bits = [8], multipliers = ["exact", "trunc4"], sparsity = [], activation_sparsity = false, softmax = <method = lut2d, step = 1.0, out_bits = 8, exp_entries = 7, norm_rows = 60, norm_cols = 11>, memory = <weight_kib = 1, act_kib = 1, acc_kib = 1, dram_bytes_per_cycle = 16.0, sram_bytes_per_cycle = 128.0>, energy = <int8_mul = 0.2, int8_add = 0.03, int32_add = 0.1, fp32_mul = 3.7, fp32_add = 0.9, sram_read_32b = 5.0, dram_read_32b = 640.0, lut_read_8b = 0.36>>} {
kite_isa.program @main attributes {dram_bytes = 4096 : i64} {
  // expected-error @+1 {{'kite_isa.dma_load' op destination [1000, 1000 + 32) exceeds the 1024-byte buffer of the target}}
  kite_isa.dma_load {src = 0 : i64, space = #kite_isa.space<act>, dst = 1000 : i64, rows = 2 : i64, row_bytes = 16 : i64, src_stride = 16 : i64}
}
}
// -----

module attributes {kite.target = #kite.target<"kite-t", clock_mhz = 1000, array = [16, 16], acc_bits = 32, lp_acc_frac_bits = 16, int_bits = [4, 8], lp_bits = [8], multipliers = ["exact", "trunc4"], sparsity = [], activation_sparsity = false, softmax = <method = lut2d, step = 1.0, out_bits = 8, exp_entries = 7, norm_rows = 60, norm_cols = 11>, memory = <weight_kib = 1, act_kib = 1, acc_kib = 1, dram_bytes_per_cycle = 16.0, sram_bytes_per_cycle = 128.0>, energy = <int8_mul = 0.2, int8_add = 0.03, int32_add = 0.1, fp32_mul = 3.7, fp32_add = 0.9, sram_read_32b = 5.0, dram_read_32b = 640.0, lut_read_8b = 0.36>>} {
kite_isa.program @main attributes {dram_bytes = 4096 : i64} {
  // expected-error @+1 {{'kite_isa.dma_load' op sizes, strides and addresses must be >= 0}}
  kite_isa.dma_load {src = -1 : i64, space = #kite_isa.space<act>, dst = 0 : i64, rows = 1 : i64, row_bytes = 1 : i64, src_stride = 1 : i64}
}
}
// -----

module attributes {kite.target = #kite.target<"kite-t", clock_mhz = 1000, array = [16, 16], acc_bits = 32, lp_acc_frac_bits = 16, int_bits = [4, 8], lp_bits = [8], multipliers = ["exact", "trunc4"], sparsity = [], activation_sparsity = false, softmax = <method = lut2d, step = 1.0, out_bits = 8, exp_entries = 7, norm_rows = 60, norm_cols = 11>, memory = <weight_kib = 1, act_kib = 1, acc_kib = 1, dram_bytes_per_cycle = 16.0, sram_bytes_per_cycle = 128.0>, energy = <int8_mul = 0.2, int8_add = 0.03, int32_add = 0.1, fp32_mul = 3.7, fp32_add = 0.9, sram_read_32b = 5.0, dram_read_32b = 640.0, lut_read_8b = 0.36>>} {
kite_isa.program @main attributes {dram_bytes = 4096 : i64} {
  // expected-error @+1 {{'kite_isa.config_mma' op lhs_format int6 is not supported by target 'kite-t'}}
  kite_isa.config_mma {lhs_format = 100730368 : i64, rhs_format = 134285312 : i64, multiplier = "exact"}
}
}
// -----

module attributes {kite.target = #kite.target<"kite-t", clock_mhz = 1000, array = [16, 16], acc_bits = 32, lp_acc_frac_bits = 16, int_bits = [4, 8], lp_bits = [8], multipliers = ["exact", "trunc4"], sparsity = [], activation_sparsity = false, softmax = <method = lut2d, step = 1.0, out_bits = 8, exp_entries = 7, norm_rows = 60, norm_cols = 11>, memory = <weight_kib = 1, act_kib = 1, acc_kib = 1, dram_bytes_per_cycle = 16.0, sram_bytes_per_cycle = 128.0>, energy = <int8_mul = 0.2, int8_add = 0.03, int32_add = 0.1, fp32_mul = 3.7, fp32_add = 0.9, sram_read_32b = 5.0, dram_read_32b = 640.0, lut_read_8b = 0.36>>} {
kite_isa.program @main attributes {dram_bytes = 4096 : i64} {
  // expected-error @+1 {{'kite_isa.config_mma' op multiplier 'drum4' is not in the library of target 'kite-t'}}
  kite_isa.config_mma {lhs_format = 134285312 : i64, rhs_format = 134285312 : i64, multiplier = "drum4"}
}
}
// -----

module attributes {kite.target = #kite.target<"kite-t", clock_mhz = 1000, array = [16, 16], acc_bits = 32, lp_acc_frac_bits = 16, int_bits = [4, 8], lp_bits = [8], multipliers = ["exact", "trunc4"], sparsity = [], activation_sparsity = false, softmax = <method = lut2d, step = 1.0, out_bits = 8, exp_entries = 7, norm_rows = 60, norm_cols = 11>, memory = <weight_kib = 1, act_kib = 1, acc_kib = 1, dram_bytes_per_cycle = 16.0, sram_bytes_per_cycle = 128.0>, energy = <int8_mul = 0.2, int8_add = 0.03, int32_add = 0.1, fp32_mul = 3.7, fp32_add = 0.9, sram_read_32b = 5.0, dram_read_32b = 640.0, lut_read_8b = 0.36>>} {
kite_isa.program @main attributes {dram_bytes = 4096 : i64} {
  // expected-error @+1 {{'kite_isa.config_mma' op rhs_format int8/i16 is not a 1-8-bit integer in <= 8-bit storage}}
  kite_isa.config_mma {lhs_format = 134285312 : i64, rhs_format = 268503040 : i64, multiplier = "exact"}
}
}
// -----

module attributes {kite.target = #kite.target<"kite-t", clock_mhz = 1000, array = [16, 16], acc_bits = 32, lp_acc_frac_bits = 16, int_bits = [4, 8], lp_bits = [8], multipliers = ["exact", "trunc4"], sparsity = [], activation_sparsity = false, softmax = <method = lut2d, step = 1.0, out_bits = 8, exp_entries = 7, norm_rows = 60, norm_cols = 11>, memory = <weight_kib = 1, act_kib = 1, acc_kib = 1, dram_bytes_per_cycle = 16.0, sram_bytes_per_cycle = 128.0>, energy = <int8_mul = 0.2, int8_add = 0.03, int32_add = 0.1, fp32_mul = 3.7, fp32_add = 0.9, sram_read_32b = 5.0, dram_read_32b = 640.0, lut_read_8b = 0.36>>} {
kite_isa.program @main attributes {dram_bytes = 4096 : i64} {
  // expected-error @+1 {{'kite_isa.config_mma' op operands must both be integer or both LP}}
  kite_isa.config_mma {lhs_format = 134285312 : i64, rhs_format = 7701010581505 : i64, multiplier = "exact"}
}
}
// -----

module attributes {kite.target = #kite.target<"kite-t", clock_mhz = 1000, array = [16, 16], acc_bits = 32, lp_acc_frac_bits = 16, int_bits = [4, 8], lp_bits = [8], multipliers = ["exact", "trunc4"], sparsity = [], activation_sparsity = false, softmax = <method = lut2d, step = 1.0, out_bits = 8, exp_entries = 7, norm_rows = 60, norm_cols = 11>, memory = <weight_kib = 1, act_kib = 1, acc_kib = 1, dram_bytes_per_cycle = 16.0, sram_bytes_per_cycle = 128.0>, energy = <int8_mul = 0.2, int8_add = 0.03, int32_add = 0.1, fp32_mul = 3.7, fp32_add = 0.9, sram_read_32b = 5.0, dram_read_32b = 640.0, lut_read_8b = 0.36>>} {
kite_isa.program @main attributes {dram_bytes = 4096 : i64} {
  // expected-error @+1 {{'kite_isa.mma' op c must be a multiple of 4 (accumulator words)}}
  kite_isa.mma {a = 0 : i64, b = 0 : i64, c = 2 : i64, m = 1 : i64, k = 1 : i64, n = 1 : i64, accumulate = 0 : i64}
}
}
// -----

module attributes {kite.target = #kite.target<"kite-t", clock_mhz = 1000, array = [16, 16], acc_bits = 32, lp_acc_frac_bits = 16, int_bits = [4, 8], lp_bits = [8], multipliers = ["exact", "trunc4"], sparsity = [], activation_sparsity = false, softmax = <method = lut2d, step = 1.0, out_bits = 8, exp_entries = 7, norm_rows = 60, norm_cols = 11>, memory = <weight_kib = 1, act_kib = 1, acc_kib = 1, dram_bytes_per_cycle = 16.0, sram_bytes_per_cycle = 128.0>, energy = <int8_mul = 0.2, int8_add = 0.03, int32_add = 0.1, fp32_mul = 3.7, fp32_add = 0.9, sram_read_32b = 5.0, dram_read_32b = 640.0, lut_read_8b = 0.36>>} {
kite_isa.program @main attributes {dram_bytes = 4096 : i64} {
  // expected-error @+1 {{'kite_isa.mma' op accumulate must be 0 or 1}}
  kite_isa.mma {a = 0 : i64, b = 0 : i64, c = 0 : i64, m = 1 : i64, k = 1 : i64, n = 1 : i64, accumulate = 2 : i64}
}
}
// -----

module attributes {kite.target = #kite.target<"kite-t", clock_mhz = 1000, array = [16, 16], acc_bits = 32, lp_acc_frac_bits = 16, int_bits = [4, 8], lp_bits = [8], multipliers = ["exact", "trunc4"], sparsity = [], activation_sparsity = false, softmax = <method = lut2d, step = 1.0, out_bits = 8, exp_entries = 7, norm_rows = 60, norm_cols = 11>, memory = <weight_kib = 1, act_kib = 1, acc_kib = 1, dram_bytes_per_cycle = 16.0, sram_bytes_per_cycle = 128.0>, energy = <int8_mul = 0.2, int8_add = 0.03, int32_add = 0.1, fp32_mul = 3.7, fp32_add = 0.9, sram_read_32b = 5.0, dram_read_32b = 640.0, lut_read_8b = 0.36>>} {
kite_isa.program @main attributes {dram_bytes = 4096 : i64} {
  // expected-error @+1 {{'kite_isa.mma' op A tile [0, 0 + 2048) exceeds the 1024-byte buffer of the target}}
  kite_isa.mma {a = 0 : i64, b = 0 : i64, c = 0 : i64, m = 64 : i64, k = 32 : i64, n = 1 : i64, accumulate = 0 : i64}
}
}
// -----

module attributes {kite.target = #kite.target<"kite-t", clock_mhz = 1000, array = [16, 16], acc_bits = 32, lp_acc_frac_bits = 16, int_bits = [4, 8], lp_bits = [8], multipliers = ["exact", "trunc4"], sparsity = [], activation_sparsity = false, softmax = <method = lut2d, step = 1.0, out_bits = 8, exp_entries = 7, norm_rows = 60, norm_cols = 11>, memory = <weight_kib = 1, act_kib = 1, acc_kib = 1, dram_bytes_per_cycle = 16.0, sram_bytes_per_cycle = 128.0>, energy = <int8_mul = 0.2, int8_add = 0.03, int32_add = 0.1, fp32_mul = 3.7, fp32_add = 0.9, sram_read_32b = 5.0, dram_read_32b = 640.0, lut_read_8b = 0.36>>} {
kite_isa.program @main attributes {dram_bytes = 4096 : i64} {
  // expected-error @+1 {{'kite_isa.mma' op C tile [0, 0 + 2048) exceeds the 1024-byte buffer of the target}}
  kite_isa.mma {a = 0 : i64, b = 0 : i64, c = 0 : i64, m = 16 : i64, k = 1 : i64, n = 32 : i64, accumulate = 0 : i64}
}
}
// -----

module attributes {kite.target = #kite.target<"kite-t", clock_mhz = 1000, array = [16, 16], acc_bits = 32, lp_acc_frac_bits = 16, int_bits = [4, 8], lp_bits = [8], multipliers = ["exact", "trunc4"], sparsity = [], activation_sparsity = false, softmax = <method = lut2d, step = 1.0, out_bits = 8, exp_entries = 7, norm_rows = 60, norm_cols = 11>, memory = <weight_kib = 1, act_kib = 1, acc_kib = 1, dram_bytes_per_cycle = 16.0, sram_bytes_per_cycle = 128.0>, energy = <int8_mul = 0.2, int8_add = 0.03, int32_add = 0.1, fp32_mul = 3.7, fp32_add = 0.9, sram_read_32b = 5.0, dram_read_32b = 640.0, lut_read_8b = 0.36>>} {
kite_isa.program @main attributes {dram_bytes = 4096 : i64} {
  // expected-error @+1 {{'kite_isa.store_acc' op attribute 'dtype' failed to satisfy constraint: an element type in memory}}
  kite_isa.store_acc {src = 0 : i64, rows = 1 : i64, cols = 1 : i64, dst = 0 : i64, row_stride = 1 : i64, col_stride = 1 : i64, dtype = 7 : i64, bias = -1 : i64}
}
}
// -----

module attributes {kite.target = #kite.target<"kite-t", clock_mhz = 1000, array = [16, 16], acc_bits = 32, lp_acc_frac_bits = 16, int_bits = [4, 8], lp_bits = [8], multipliers = ["exact", "trunc4"], sparsity = [], activation_sparsity = false, softmax = <method = lut2d, step = 1.0, out_bits = 8, exp_entries = 7, norm_rows = 60, norm_cols = 11>, memory = <weight_kib = 1, act_kib = 1, acc_kib = 1, dram_bytes_per_cycle = 16.0, sram_bytes_per_cycle = 128.0>, energy = <int8_mul = 0.2, int8_add = 0.03, int32_add = 0.1, fp32_mul = 3.7, fp32_add = 0.9, sram_read_32b = 5.0, dram_read_32b = 640.0, lut_read_8b = 0.36>>} {
kite_isa.program @main attributes {dram_bytes = 4096 : i64} {
  // expected-error @+1 {{'kite_isa.store_acc' op bias [0, 0 + 1200) exceeds the 1024-byte buffer of the target}}
  kite_isa.store_acc {src = 0 : i64, rows = 1 : i64, cols = 300 : i64, dst = 0 : i64, row_stride = 1 : i64, col_stride = 1 : i64, dtype = #kite_isa.dtype<i32>, bias = 0 : i64}
}
}
// -----

module attributes {kite.target = #kite.target<"kite-t", clock_mhz = 1000, array = [16, 16], acc_bits = 32, lp_acc_frac_bits = 16, int_bits = [4, 8], lp_bits = [8], multipliers = ["exact", "trunc4"], sparsity = [], activation_sparsity = false, softmax = <method = lut2d, step = 1.0, out_bits = 8, exp_entries = 7, norm_rows = 60, norm_cols = 11>, memory = <weight_kib = 1, act_kib = 1, acc_kib = 1, dram_bytes_per_cycle = 16.0, sram_bytes_per_cycle = 128.0>, energy = <int8_mul = 0.2, int8_add = 0.03, int32_add = 0.1, fp32_mul = 3.7, fp32_add = 0.9, sram_read_32b = 5.0, dram_read_32b = 640.0, lut_read_8b = 0.36>>} {
kite_isa.program @main attributes {dram_bytes = 4096 : i64} {
  // expected-error @+1 {{'kite_isa.data' op [4090, 4090 + 8) lies outside the program's 4096 bytes of DRAM}}
  kite_isa.data {addr = 4090 : i64, bytes = dense<1> : tensor<8xi8>}
}
}
// -----

module attributes {kite.target = #kite.target<"kite-t", clock_mhz = 1000, array = [16, 16], acc_bits = 32, lp_acc_frac_bits = 16, int_bits = [4, 8], lp_bits = [8], multipliers = ["exact", "trunc4"], sparsity = [], activation_sparsity = false, softmax = <method = lut2d, step = 1.0, out_bits = 8, exp_entries = 7, norm_rows = 60, norm_cols = 11>, memory = <weight_kib = 1, act_kib = 1, acc_kib = 1, dram_bytes_per_cycle = 16.0, sram_bytes_per_cycle = 128.0>, energy = <int8_mul = 0.2, int8_add = 0.03, int32_add = 0.1, fp32_mul = 3.7, fp32_add = 0.9, sram_read_32b = 5.0, dram_read_32b = 640.0, lut_read_8b = 0.36>>} {
kite_isa.program @main attributes {dram_bytes = 4096 : i64} {
  // expected-error @+1 {{'kite_isa.data' op bytes must be a 1-D i8 tensor}}
  kite_isa.data {addr = 0 : i64, bytes = dense<1> : tensor<2x2xi8>}
}
}
// -----

module attributes {kite.target = #kite.target<"kite-t", clock_mhz = 1000, array = [16, 16], acc_bits = 32, lp_acc_frac_bits = 16, int_bits = [4, 8], lp_bits = [8], multipliers = ["exact", "trunc4"], sparsity = [], activation_sparsity = false, softmax = <method = lut2d, step = 1.0, out_bits = 8, exp_entries = 7, norm_rows = 60, norm_cols = 11>, memory = <weight_kib = 1, act_kib = 1, acc_kib = 1, dram_bytes_per_cycle = 16.0, sram_bytes_per_cycle = 128.0>, energy = <int8_mul = 0.2, int8_add = 0.03, int32_add = 0.1, fp32_mul = 3.7, fp32_add = 0.9, sram_read_32b = 5.0, dram_read_32b = 640.0, lut_read_8b = 0.36>>} {
kite_isa.program @main attributes {dram_bytes = 4096 : i64} {
  // expected-error @+1 {{'kite_isa.input' op element type must be f32, i8, i16, i32 or i64}}
  kite_isa.input {addr = 0 : i64, index = 0 : i64, type = tensor<2xf64>}
}
}
// -----

module attributes {kite.target = #kite.target<"kite-t", clock_mhz = 1000, array = [16, 16], acc_bits = 32, lp_acc_frac_bits = 16, int_bits = [4, 8], lp_bits = [8], multipliers = ["exact", "trunc4"], sparsity = [], activation_sparsity = false, softmax = <method = lut2d, step = 1.0, out_bits = 8, exp_entries = 7, norm_rows = 60, norm_cols = 11>, memory = <weight_kib = 1, act_kib = 1, acc_kib = 1, dram_bytes_per_cycle = 16.0, sram_bytes_per_cycle = 128.0>, energy = <int8_mul = 0.2, int8_add = 0.03, int32_add = 0.1, fp32_mul = 3.7, fp32_add = 0.9, sram_read_32b = 5.0, dram_read_32b = 640.0, lut_read_8b = 0.36>>} {
kite_isa.program @main attributes {dram_bytes = 4096 : i64} {
  // expected-error @+1 {{'kite_isa.output' op [4000, 4000 + 400) lies outside the program's 4096 bytes of DRAM}}
  kite_isa.output {addr = 4000 : i64, index = 0 : i64, type = tensor<100xf32>}
}
}

// -----

module attributes {kite.target = #kite.target<"kite-t", clock_mhz = 1000, array = [16, 16], acc_bits = 32, lp_acc_frac_bits = 16, int_bits = [4, 8], lp_bits = [8], multipliers = ["exact", "trunc4"], sparsity = [], activation_sparsity = false, softmax = <method = lut2d, step = 1.0, out_bits = 8, exp_entries = 7, norm_rows = 60, norm_cols = 11>, memory = <weight_kib = 1, act_kib = 1, acc_kib = 1, dram_bytes_per_cycle = 16.0, sram_bytes_per_cycle = 128.0>, energy = <int8_mul = 0.2, int8_add = 0.03, int32_add = 0.1, fp32_mul = 3.7, fp32_add = 0.9, sram_read_32b = 5.0, dram_read_32b = 640.0, lut_read_8b = 0.36>>} {
kite_isa.program @main attributes {dram_bytes = 4096 : i64} {
  // expected-error @+1 {{'kite_isa.mma_nm' op needs 1 <= keep <= group <= 256}}
  kite_isa.mma_nm {a = 0 : i64, b = 0 : i64, index = 8 : i64, c = 0 : i64, m = 2 : i64, k = 4 : i64, n = 2 : i64, keep = 3 : i64, group = 2 : i64, accumulate = 0 : i64}
}
}

// -----

module attributes {kite.target = #kite.target<"kite-t", clock_mhz = 1000, array = [16, 16], acc_bits = 32, lp_acc_frac_bits = 16, int_bits = [4, 8], lp_bits = [8], multipliers = ["exact", "trunc4"], sparsity = [], activation_sparsity = false, softmax = <method = lut2d, step = 1.0, out_bits = 8, exp_entries = 7, norm_rows = 60, norm_cols = 11>, memory = <weight_kib = 1, act_kib = 1, acc_kib = 1, dram_bytes_per_cycle = 16.0, sram_bytes_per_cycle = 128.0>, energy = <int8_mul = 0.2, int8_add = 0.03, int32_add = 0.1, fp32_mul = 3.7, fp32_add = 0.9, sram_read_32b = 5.0, dram_read_32b = 640.0, lut_read_8b = 0.36>>} {
kite_isa.program @main attributes {dram_bytes = 4096 : i64} {
  // expected-error @+1 {{'kite_isa.mma_nm' op 2:4 sparsity is not supported by target 'kite-t'}}
  kite_isa.mma_nm {a = 0 : i64, b = 0 : i64, index = 8 : i64, c = 0 : i64, m = 2 : i64, k = 4 : i64, n = 2 : i64, keep = 2 : i64, group = 4 : i64, threshold = 0 : i64, accumulate = 0 : i64}
}
}
// -----

module attributes {kite.target = #kite.target<"kite-t", clock_mhz = 1000, array = [16, 16], acc_bits = 32, lp_acc_frac_bits = 16, int_bits = [4, 8], lp_bits = [8], multipliers = ["exact", "trunc4"], sparsity = [], activation_sparsity = false, softmax = <method = lut2d, step = 1.0, out_bits = 8, exp_entries = 7, norm_rows = 60, norm_cols = 11>, memory = <weight_kib = 1, act_kib = 1, acc_kib = 1, dram_bytes_per_cycle = 16.0, sram_bytes_per_cycle = 128.0>, energy = <int8_mul = 0.2, int8_add = 0.03, int32_add = 0.1, fp32_mul = 3.7, fp32_add = 0.9, sram_read_32b = 5.0, dram_read_32b = 640.0, lut_read_8b = 0.36>>} {
kite_isa.program @main attributes {dram_bytes = 4096 : i64} {
  // expected-error @+1 {{'kite_isa.store_acc_fused' op scales and zero_points must be equally long: empty (LP accumulators), one, or one per column}}
  kite_isa.store_acc_fused {src = 0 : i64, rows = 1 : i64, cols = 3 : i64, dst = 0 : i64, row_stride = 3 : i64, col_stride = 1 : i64, dtype = #kite_isa.dtype<f32>, acc_bias = -1 : i64, scales = array<f64: 0.5, 0.25>, zero_points = array<i64: 0, 0>, bias = -1 : i64, clamp_min = 0.0 : f64, clamp_max = 6.0 : f64, format = -1 : i64, out_scales = array<f64: 1.0>, out_zero_point = 0 : i64, multiply = 1.0 : f64, activation = #kite_isa.activation<none>, residual = -1 : i64}
}
}
// -----

module attributes {kite.target = #kite.target<"kite-t", clock_mhz = 1000, array = [16, 16], acc_bits = 32, lp_acc_frac_bits = 16, int_bits = [4, 8], lp_bits = [8], multipliers = ["exact", "trunc4"], sparsity = [], activation_sparsity = false, softmax = <method = lut2d, step = 1.0, out_bits = 8, exp_entries = 7, norm_rows = 60, norm_cols = 11>, memory = <weight_kib = 1, act_kib = 1, acc_kib = 1, dram_bytes_per_cycle = 16.0, sram_bytes_per_cycle = 128.0>, energy = <int8_mul = 0.2, int8_add = 0.03, int32_add = 0.1, fp32_mul = 3.7, fp32_add = 0.9, sram_read_32b = 5.0, dram_read_32b = 640.0, lut_read_8b = 0.36>>} {
kite_isa.program @main attributes {dram_bytes = 4096 : i64} {
  // expected-error @+1 {{'kite_isa.store_acc_fused' op out_scales must hold one scale or one per column}}
  kite_isa.store_acc_fused {src = 0 : i64, rows = 1 : i64, cols = 3 : i64, dst = 0 : i64, row_stride = 3 : i64, col_stride = 1 : i64, dtype = #kite_isa.dtype<i8>, acc_bias = -1 : i64, scales = array<f64: 0.5>, zero_points = array<i64: 0>, bias = -1 : i64, clamp_min = 0.0 : f64, clamp_max = 6.0 : f64, format = 134285312 : i64, out_scales = array<f64: 1.0, 0.5>, out_zero_point = 0 : i64, multiply = 1.0 : f64, activation = #kite_isa.activation<none>, residual = -1 : i64}
}
}
// -----

module attributes {kite.target = #kite.target<"kite-t", clock_mhz = 1000, array = [16, 16], acc_bits = 32, lp_acc_frac_bits = 16, int_bits = [4, 8], lp_bits = [8], multipliers = ["exact", "trunc4"], sparsity = [], activation_sparsity = false, softmax = <method = lut2d, step = 1.0, out_bits = 8, exp_entries = 7, norm_rows = 60, norm_cols = 11>, memory = <weight_kib = 1, act_kib = 1, acc_kib = 1, dram_bytes_per_cycle = 16.0, sram_bytes_per_cycle = 128.0>, energy = <int8_mul = 0.2, int8_add = 0.03, int32_add = 0.1, fp32_mul = 3.7, fp32_add = 0.9, sram_read_32b = 5.0, dram_read_32b = 640.0, lut_read_8b = 0.36>>} {
kite_isa.program @main attributes {dram_bytes = 4096 : i64} {
  // expected-error @+1 {{'kite_isa.store_acc_fused' op a leaky activation needs 0 < alpha < 1}}
  kite_isa.store_acc_fused {src = 0 : i64, rows = 1 : i64, cols = 3 : i64, dst = 0 : i64, row_stride = 3 : i64, col_stride = 1 : i64, dtype = #kite_isa.dtype<i8>, acc_bias = -1 : i64, scales = array<f64: 0.5>, zero_points = array<i64: 0>, bias = -1 : i64, clamp_min = 0.0 : f64, clamp_max = 6.0 : f64, format = 134285312 : i64, out_scales = array<f64: 1.0>, out_zero_point = 0 : i64, multiply = 1.0 : f64, activation = #kite_isa.activation<leaky>, residual = -1 : i64, alpha = 1.0 : f64}
}
}

// -----

module attributes {kite.target = #kite.target<"kite-t", clock_mhz = 1000, array = [16, 16], acc_bits = 32, lp_acc_frac_bits = 16, int_bits = [4, 8], lp_bits = [8], multipliers = ["exact", "trunc4"], sparsity = [], activation_sparsity = false, softmax = <method = lut2d, step = 1.0, out_bits = 8, exp_entries = 7, norm_rows = 60, norm_cols = 11>, memory = <weight_kib = 1, act_kib = 1, acc_kib = 1, dram_bytes_per_cycle = 16.0, sram_bytes_per_cycle = 128.0>, energy = <int8_mul = 0.2, int8_add = 0.03, int32_add = 0.1, fp32_mul = 3.7, fp32_add = 0.9, sram_read_32b = 5.0, dram_read_32b = 640.0, lut_read_8b = 0.36>>} {
kite_isa.program @main attributes {dram_bytes = 4096 : i64} {
  // expected-error @+1 {{'kite_isa.store_acc_fused' op acc_bias needs integer accumulators (scales)}}
  kite_isa.store_acc_fused {src = 0 : i64, rows = 1 : i64, cols = 2 : i64, dst = 0 : i64, row_stride = 2 : i64, col_stride = 1 : i64, dtype = #kite_isa.dtype<f32>, acc_bias = 0 : i64, scales = array<f64>, zero_points = array<i64>, bias = -1 : i64, clamp_min = 0.0 : f64, clamp_max = 6.0 : f64, format = -1 : i64, out_scales = array<f64: 1.0>, out_zero_point = 0 : i64, multiply = 1.0 : f64, activation = #kite_isa.activation<none>, residual = -1 : i64}
}
}
// -----

module attributes {kite.target = #kite.target<"kite-t", clock_mhz = 1000, array = [16, 16], acc_bits = 32, lp_acc_frac_bits = 16, int_bits = [4, 8], lp_bits = [8], multipliers = ["exact", "trunc4"], sparsity = [], activation_sparsity = false, softmax = <method = lut2d, step = 1.0, out_bits = 8, exp_entries = 7, norm_rows = 60, norm_cols = 11>, memory = <weight_kib = 1, act_kib = 1, acc_kib = 1, dram_bytes_per_cycle = 16.0, sram_bytes_per_cycle = 128.0>, energy = <int8_mul = 0.2, int8_add = 0.03, int32_add = 0.1, fp32_mul = 3.7, fp32_add = 0.9, sram_read_32b = 5.0, dram_read_32b = 640.0, lut_read_8b = 0.36>>} {
kite_isa.program @main attributes {dram_bytes = 4096 : i64} {
  // expected-error @+1 {{'kite_isa.store_acc_fused' op a quantized result is stored as i8 (dtype 1)}}
  kite_isa.store_acc_fused {src = 0 : i64, rows = 1 : i64, cols = 2 : i64, dst = 0 : i64, row_stride = 2 : i64, col_stride = 1 : i64, dtype = #kite_isa.dtype<i32>, acc_bias = -1 : i64, scales = array<f64: 0.5>, zero_points = array<i64: 0>, bias = -1 : i64, clamp_min = 0.0 : f64, clamp_max = 6.0 : f64, format = 134285312 : i64, out_scales = array<f64: 1.0>, out_zero_point = 0 : i64, multiply = 1.0 : f64, activation = #kite_isa.activation<none>, residual = -1 : i64}
}
}
// -----

module attributes {kite.target = #kite.target<"kite-t", clock_mhz = 1000, array = [16, 16], acc_bits = 32, lp_acc_frac_bits = 16, int_bits = [4, 8], lp_bits = [8], multipliers = ["exact", "trunc4"], sparsity = [], activation_sparsity = false, softmax = <method = lut2d, step = 1.0, out_bits = 8, exp_entries = 7, norm_rows = 60, norm_cols = 11>, memory = <weight_kib = 1, act_kib = 1, acc_kib = 1, dram_bytes_per_cycle = 16.0, sram_bytes_per_cycle = 128.0>, energy = <int8_mul = 0.2, int8_add = 0.03, int32_add = 0.1, fp32_mul = 3.7, fp32_add = 0.9, sram_read_32b = 5.0, dram_read_32b = 640.0, lut_read_8b = 0.36>>} {
kite_isa.program @main attributes {dram_bytes = 4096 : i64} {
  // expected-error @+1 {{'kite_isa.store_acc_fused' op without a format the result is f32 (dtype 0)}}
  kite_isa.store_acc_fused {src = 0 : i64, rows = 1 : i64, cols = 2 : i64, dst = 0 : i64, row_stride = 2 : i64, col_stride = 1 : i64, dtype = #kite_isa.dtype<i8>, acc_bias = -1 : i64, scales = array<f64: 0.5>, zero_points = array<i64: 0>, bias = -1 : i64, clamp_min = 0.0 : f64, clamp_max = 6.0 : f64, format = -1 : i64, out_scales = array<f64: 1.0>, out_zero_point = 0 : i64, multiply = 1.0 : f64, activation = #kite_isa.activation<none>, residual = -1 : i64}
}
}
// -----

module attributes {kite.target = #kite.target<"kite-t", clock_mhz = 1000, array = [16, 16], acc_bits = 32, lp_acc_frac_bits = 16, int_bits = [4, 8], lp_bits = [8], multipliers = ["exact", "trunc4"], sparsity = [], activation_sparsity = false, softmax = <method = lut2d, step = 1.0, out_bits = 8, exp_entries = 7, norm_rows = 60, norm_cols = 11>, memory = <weight_kib = 1, act_kib = 1, acc_kib = 1, dram_bytes_per_cycle = 16.0, sram_bytes_per_cycle = 128.0>, energy = <int8_mul = 0.2, int8_add = 0.03, int32_add = 0.1, fp32_mul = 3.7, fp32_add = 0.9, sram_read_32b = 5.0, dram_read_32b = 640.0, lut_read_8b = 0.36>>} {
kite_isa.program @main attributes {dram_bytes = 4096 : i64} {
  // expected-error @+1 {{'kite_isa.store_acc_fused' op bias [1020, 1020 + 8) exceeds the 1024-byte buffer of the target}}
  kite_isa.store_acc_fused {src = 0 : i64, rows = 1 : i64, cols = 2 : i64, dst = 0 : i64, row_stride = 2 : i64, col_stride = 1 : i64, dtype = #kite_isa.dtype<f32>, acc_bias = -1 : i64, scales = array<f64: 0.5>, zero_points = array<i64: 0>, bias = 1020 : i64, clamp_min = 0.0 : f64, clamp_max = 6.0 : f64, format = -1 : i64, out_scales = array<f64: 1.0>, out_zero_point = 0 : i64, multiply = 1.0 : f64, activation = #kite_isa.activation<none>, residual = -1 : i64}
}
}
// -----

module attributes {kite.target = #kite.target<"kite-t", clock_mhz = 1000, array = [16, 16], acc_bits = 32, lp_acc_frac_bits = 16, int_bits = [4, 8], lp_bits = [8], multipliers = ["exact", "trunc4"], sparsity = [], activation_sparsity = false, softmax = <method = lut2d, step = 1.0, out_bits = 8, exp_entries = 7, norm_rows = 60, norm_cols = 11>, memory = <weight_kib = 1, act_kib = 1, acc_kib = 1, dram_bytes_per_cycle = 16.0, sram_bytes_per_cycle = 128.0>, energy = <int8_mul = 0.2, int8_add = 0.03, int32_add = 0.1, fp32_mul = 3.7, fp32_add = 0.9, sram_read_32b = 5.0, dram_read_32b = 640.0, lut_read_8b = 0.36>>} {
kite_isa.program @main attributes {dram_bytes = 4096 : i64} {
  // expected-error @+1 {{'kite_isa.vec_clamp' op dst [4000, 4000 + 400) lies outside the program's 4096 bytes of DRAM}}
  kite_isa.vec_clamp {src = 0 : i64, dst = 4000 : i64, count = 100 : i64, min = 0.0 : f64, max = 1.0 : f64}
}
}
// -----

module attributes {kite.target = #kite.target<"kite-t", clock_mhz = 1000, array = [16, 16], acc_bits = 32, lp_acc_frac_bits = 16, int_bits = [4, 8], lp_bits = [8], multipliers = ["exact", "trunc4"], sparsity = [], activation_sparsity = false, softmax = <method = lut2d, step = 1.0, out_bits = 8, exp_entries = 7, norm_rows = 60, norm_cols = 11>, memory = <weight_kib = 1, act_kib = 1, acc_kib = 1, dram_bytes_per_cycle = 16.0, sram_bytes_per_cycle = 128.0>, energy = <int8_mul = 0.2, int8_add = 0.03, int32_add = 0.1, fp32_mul = 3.7, fp32_add = 0.9, sram_read_32b = 5.0, dram_read_32b = 640.0, lut_read_8b = 0.36>>} {
kite_isa.program @main attributes {dram_bytes = 4096 : i64} {
  // expected-error @+1 {{'kite_isa.vec_binary' op rhs [0, 0 + 4808) lies outside the program's 4096 bytes of DRAM}}
  kite_isa.vec_binary {kind = #kite_isa.binary<add>, lhs = 0 : i64, rhs = 0 : i64, dst = 0 : i64, shape = array<i64: 2, 2>, lhs_strides = array<i64: 2, 1>, rhs_strides = array<i64: 1200, 1>}
}
}
// -----

module attributes {kite.target = #kite.target<"kite-t", clock_mhz = 1000, array = [16, 16], acc_bits = 32, lp_acc_frac_bits = 16, int_bits = [4, 8], lp_bits = [8], multipliers = ["exact", "trunc4"], sparsity = [], activation_sparsity = false, softmax = <method = lut2d, step = 1.0, out_bits = 8, exp_entries = 7, norm_rows = 60, norm_cols = 11>, memory = <weight_kib = 1, act_kib = 1, acc_kib = 1, dram_bytes_per_cycle = 16.0, sram_bytes_per_cycle = 128.0>, energy = <int8_mul = 0.2, int8_add = 0.03, int32_add = 0.1, fp32_mul = 3.7, fp32_add = 0.9, sram_read_32b = 5.0, dram_read_32b = 640.0, lut_read_8b = 0.36>>} {
kite_isa.program @main attributes {dram_bytes = 4096 : i64} {
  // expected-error @+1 {{'kite_isa.vec_copy' op src: shape and strides differ in rank}}
  kite_isa.vec_copy {src = 0 : i64, dst = 64 : i64, elem_bytes = 4 : i64, shape = array<i64: 2, 2>, src_strides = array<i64: 1>, dst_strides = array<i64: 2, 1>}
}
}
// -----

module attributes {kite.target = #kite.target<"kite-t", clock_mhz = 1000, array = [16, 16], acc_bits = 32, lp_acc_frac_bits = 16, int_bits = [4, 8], lp_bits = [8], multipliers = ["exact", "trunc4"], sparsity = [], activation_sparsity = false, softmax = <method = lut2d, step = 1.0, out_bits = 8, exp_entries = 7, norm_rows = 60, norm_cols = 11>, memory = <weight_kib = 1, act_kib = 1, acc_kib = 1, dram_bytes_per_cycle = 16.0, sram_bytes_per_cycle = 128.0>, energy = <int8_mul = 0.2, int8_add = 0.03, int32_add = 0.1, fp32_mul = 3.7, fp32_add = 0.9, sram_read_32b = 5.0, dram_read_32b = 640.0, lut_read_8b = 0.36>>} {
kite_isa.program @main attributes {dram_bytes = 4096 : i64} {
  // expected-error @+1 {{'kite_isa.vec_copy' op elem_bytes must be 1, 2 or 4}}
  kite_isa.vec_copy {src = 0 : i64, dst = 64 : i64, elem_bytes = 3 : i64, shape = array<i64: 2>, src_strides = array<i64: 1>, dst_strides = array<i64: 1>}
}
}
// -----

module attributes {kite.target = #kite.target<"kite-t", clock_mhz = 1000, array = [16, 16], acc_bits = 32, lp_acc_frac_bits = 16, int_bits = [4, 8], lp_bits = [8], multipliers = ["exact", "trunc4"], sparsity = [], activation_sparsity = false, softmax = <method = lut2d, step = 1.0, out_bits = 8, exp_entries = 7, norm_rows = 60, norm_cols = 11>, memory = <weight_kib = 1, act_kib = 1, acc_kib = 1, dram_bytes_per_cycle = 16.0, sram_bytes_per_cycle = 128.0>, energy = <int8_mul = 0.2, int8_add = 0.03, int32_add = 0.1, fp32_mul = 3.7, fp32_add = 0.9, sram_read_32b = 5.0, dram_read_32b = 640.0, lut_read_8b = 0.36>>} {
kite_isa.program @main attributes {dram_bytes = 4096 : i64} {
  // expected-error @+1 {{'kite_isa.store_acc' op dst [1073741824, 1073741824 + 16) lies outside target 'kite-t''s 0-byte scratchpad at 1073741824}}
  kite_isa.store_acc {src = 0 : i64, rows = 2 : i64, cols = 2 : i64, dst = 1073741824 : i64, row_stride = 2 : i64, col_stride = 1 : i64, dtype = #kite_isa.dtype<i32>, bias = -1 : i64}
}
}
// -----

module attributes {kite.target = #kite.target<"kite-t", clock_mhz = 1000, array = [16, 16], acc_bits = 32, lp_acc_frac_bits = 16, int_bits = [4, 8], lp_bits = [8], multipliers = ["exact", "trunc4"], sparsity = [], activation_sparsity = false, softmax = <method = lut2d, step = 1.0, out_bits = 8, exp_entries = 7, norm_rows = 60, norm_cols = 11>, memory = <weight_kib = 1, act_kib = 1, acc_kib = 1, dram_bytes_per_cycle = 16.0, sram_bytes_per_cycle = 128.0>, energy = <int8_mul = 0.2, int8_add = 0.03, int32_add = 0.1, fp32_mul = 3.7, fp32_add = 0.9, sram_read_32b = 5.0, dram_read_32b = 640.0, lut_read_8b = 0.36>>} {
kite_isa.program @main attributes {dram_bytes = 4096 : i64} {
  // expected-error @+1 {{'kite_isa.dma_load' op src [3000, 3000 + 2001) lies outside the program's 4096 bytes of DRAM}}
  kite_isa.dma_load {src = 3000 : i64, space = #kite_isa.space<act>, dst = 0 : i64, rows = 3 : i64, row_bytes = 1 : i64, src_stride = 1000 : i64}
}
}
// -----

module attributes {kite.target = #kite.target<"kite-t", clock_mhz = 1000, array = [16, 16], acc_bits = 32, lp_acc_frac_bits = 16, int_bits = [4, 8], lp_bits = [8], multipliers = ["exact", "trunc4"], sparsity = [], activation_sparsity = false, softmax = <method = lut2d, step = 1.0, out_bits = 8, exp_entries = 7, norm_rows = 60, norm_cols = 11>, memory = <weight_kib = 1, act_kib = 1, acc_kib = 1, dram_bytes_per_cycle = 16.0, sram_bytes_per_cycle = 128.0>, energy = <int8_mul = 0.2, int8_add = 0.03, int32_add = 0.1, fp32_mul = 3.7, fp32_add = 0.9, sram_read_32b = 5.0, dram_read_32b = 640.0, lut_read_8b = 0.36>>} {
kite_isa.program @main attributes {dram_bytes = 4096 : i64} {
  // expected-error @+1 {{'kite_isa.lut_softmax' op attribute 'src_dtype' failed to satisfy constraint: an element type in memory}}
  kite_isa.lut_softmax {src = 64 : i64, src_dtype = 9 : i64, dst = 1024 : i64, dtype = #kite_isa.dtype<i16>, outer = 2 : i64, len = 2 : i64, inner = 1 : i64, method = #kite_isa.softmax_method<rexp>, input_scale = 1.0 : f64, step = 1.0 : f64, out_bits = 8 : i64, sum_shift = 0 : i64, out_shift = 7 : i64, exp_table = array<i64: 255, 94>, norm_table = array<i64: 255, 255>, norm_rows = 2 : i64, norm_cols = 1 : i64, prob_scale = 1.0 : f64, prob_zero_point = 0 : i64, format = -1 : i64, out_scale = 1.0 : f64, out_zero_point = 0 : i64}
}
}
// -----

module attributes {kite.target = #kite.target<"kite-t", clock_mhz = 1000, array = [16, 16], acc_bits = 32, lp_acc_frac_bits = 16, int_bits = [4, 8], lp_bits = [8], multipliers = ["exact", "trunc4"], sparsity = [], activation_sparsity = false, softmax = <method = lut2d, step = 1.0, out_bits = 8, exp_entries = 7, norm_rows = 60, norm_cols = 11>, memory = <weight_kib = 1, act_kib = 1, acc_kib = 1, dram_bytes_per_cycle = 16.0, sram_bytes_per_cycle = 128.0>, energy = <int8_mul = 0.2, int8_add = 0.03, int32_add = 0.1, fp32_mul = 3.7, fp32_add = 0.9, sram_read_32b = 5.0, dram_read_32b = 640.0, lut_read_8b = 0.36>>} {
kite_isa.program @main attributes {dram_bytes = 4096 : i64} {
  // expected-error @+1 {{'kite_isa.vec_quantize' op src: sizes and strides must be in [0, 2^40]}}
  kite_isa.vec_quantize {src = 0 : i64, dst = 0 : i64, dtype = #kite_isa.dtype<i8>, count = 1099511627776000 : i64, inner = 1 : i64, format = 134285312 : i64, scales = array<f64: 1.0>, zero_points = array<i64: 0>}
}
}

// -----

module attributes {kite.target = #kite.target<"kite-t", clock_mhz = 1000, array = [16, 16], acc_bits = 32, lp_acc_frac_bits = 16, int_bits = [4, 8], lp_bits = [8], multipliers = ["exact", "trunc4"], sparsity = [], activation_sparsity = false, softmax = <method = lut2d, step = 1.0, out_bits = 8, exp_entries = 7, norm_rows = 60, norm_cols = 11>, memory = <weight_kib = 1, act_kib = 1, acc_kib = 1, dram_bytes_per_cycle = 16.0, sram_bytes_per_cycle = 128.0>, energy = <int8_mul = 0.2, int8_add = 0.03, int32_add = 0.1, fp32_mul = 3.7, fp32_add = 0.9, sram_read_32b = 5.0, dram_read_32b = 640.0, lut_read_8b = 0.36>>} {
kite_isa.program @main attributes {dram_bytes = 4096 : i64} {
  // expected-error @+1 {{'kite_isa.mma_act_nm' op target 'kite-t' has no run-time activation sparsity}}
  kite_isa.mma_act_nm {a = 0 : i64, b = 0 : i64, c = 0 : i64, m = 2 : i64, k = 4 : i64, n = 2 : i64, keep = 2 : i64, group = 4 : i64, threshold = 0 : i64, accumulate = 0 : i64}
}
}

// -----

kite_isa.program @main attributes {dram_bytes = 4096 : i64} {
  // expected-error @+1 {{'kite_isa.mma_act_nm' op needs 1 <= keep <= group <= 256}}
  kite_isa.mma_act_nm {a = 0 : i64, b = 0 : i64, c = 0 : i64, m = 2 : i64, k = 4 : i64, n = 2 : i64, keep = 5 : i64, group = 4 : i64, threshold = 0 : i64, accumulate = 0 : i64}
}

// -----

kite_isa.program @main attributes {dram_bytes = 4096 : i64} {
  // expected-error @+1 {{'kite_isa.mma_act_nm' op prior must hold (keep, group) pairs}}
  kite_isa.mma_act_nm {a = 0 : i64, b = 0 : i64, c = 0 : i64, m = 2 : i64, k = 4 : i64, n = 2 : i64, keep = 2 : i64, group = 4 : i64, threshold = 0 : i64, accumulate = 0 : i64, prior = array<i64: 2>}
}

// -----

kite_isa.program @main attributes {dram_bytes = 4096 : i64} {
  // expected-error @+1 {{'kite_isa.mma_act_nm' op needs 1 <= keep <= group <= 256}}
  kite_isa.mma_act_nm {a = 0 : i64, b = 0 : i64, c = 0 : i64, m = 2 : i64, k = 4 : i64, n = 2 : i64, keep = 2 : i64, group = 4 : i64, threshold = 0 : i64, accumulate = 0 : i64, prior = array<i64: 0, 4>}
}

// -----

kite_isa.program @main attributes {dram_bytes = 4096 : i64} {
  // expected-error @+1 {{'kite_isa.mma_act_nm' op threshold must be in [0, 128], got 129}}
  kite_isa.mma_act_nm {a = 0 : i64, b = 0 : i64, c = 0 : i64, m = 2 : i64, k = 4 : i64, n = 2 : i64, keep = 2 : i64, group = 4 : i64, threshold = 129 : i64, accumulate = 0 : i64}
}

// -----

module attributes {kite.target = #kite.target<"kite-t", clock_mhz = 1000, array = [16, 16], acc_bits = 32, lp_acc_frac_bits = 16, int_bits = [4, 8], lp_bits = [8], multipliers = ["exact", "trunc4"], sparsity = [], activation_sparsity = false, softmax = <method = lut2d, step = 1.0, out_bits = 8, exp_entries = 7, norm_rows = 60, norm_cols = 11>, memory = <weight_kib = 1, act_kib = 1, acc_kib = 1, dram_bytes_per_cycle = 16.0, sram_bytes_per_cycle = 128.0>, energy = <int8_mul = 0.2, int8_add = 0.03, int32_add = 0.1, fp32_mul = 3.7, fp32_add = 0.9, sram_read_32b = 5.0, dram_read_32b = 640.0, lut_read_8b = 0.36>>} {
kite_isa.program @main attributes {dram_bytes = 4096 : i64} {
  // expected-error @+1 {{'kite_isa.vec_pool' op pools f32, or i8 for max pooling, got dtype 1}}
  kite_isa.vec_pool {kind = #kite_isa.pool<avg>, src = 0 : i64, dst = 64 : i64, dtype = #kite_isa.dtype<i8>, input = array<i64: 1, 2, 2, 1>, kernel = array<i64: 2, 2>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0>, output = array<i64: 1, 1>}
}
}

// -----

kite_isa.program @main attributes {dram_bytes = 4096 : i64} {
  // expected-error @+1 {{'kite_isa.vec_unary' op attribute 'kind' failed to satisfy constraint: a vec_unary function}}
  kite_isa.vec_unary {kind = 13 : i64, src = 0 : i64, dst = 64 : i64, count = 4 : i64}
}

// -----

kite_isa.program @main attributes {dram_bytes = 4096 : i64} {
  // expected-error @+1 {{'kite_isa.vec_binary' op attribute 'kind' failed to satisfy constraint: a vec_binary function}}
  kite_isa.vec_binary {kind = 6 : i64, lhs = 0 : i64, rhs = 0 : i64, dst = 0 : i64, shape = array<i64: 2>, lhs_strides = array<i64: 1>, rhs_strides = array<i64: 1>}
}

// -----

kite_isa.program @main attributes {dram_bytes = 4096 : i64} {
  // expected-error @+1 {{'kite_isa.vec_reduce' op attribute 'kind' failed to satisfy constraint: a vec_reduce fold}}
  kite_isa.vec_reduce {kind = 4 : i64, src = 0 : i64, dst = 64 : i64, outer = 1 : i64, len = 2 : i64, inner = 1 : i64}
}

// -----

kite_isa.program @main attributes {dram_bytes = 4096 : i64} {
  // expected-error @+1 {{'kite_isa.vec_compare' op attribute 'kind' failed to satisfy constraint: a vec_compare test}}
  kite_isa.vec_compare {kind = 3 : i64, lhs = 0 : i64, rhs = 0 : i64, dst = 64 : i64, shape = array<i64: 2>, lhs_strides = array<i64: 1>, rhs_strides = array<i64: 1>}
}

// -----

kite_isa.program @main attributes {dram_bytes = 4096 : i64} {
  // expected-error @+1 {{'kite_isa.vec_select' op cond: shape and strides differ in rank}}
  kite_isa.vec_select {cond = 0 : i64, lhs = 0 : i64, rhs = 0 : i64, dst = 64 : i64, shape = array<i64: 2>, cond_strides = array<i64: 1, 1>, lhs_strides = array<i64: 1>, rhs_strides = array<i64: 1>}
}

// -----

kite_isa.program @main attributes {dram_bytes = 4096 : i64} {
  // expected-error @+1 {{'kite_isa.vec_gather' op index 2 is outside [0, 2)}}
  kite_isa.vec_gather {src = 0 : i64, dst = 64 : i64, elem_bytes = 4 : i64, outer = 1 : i64, k = 2 : i64, inner = 1 : i64, indices = array<i64: 0, 2>}
}

// -----

kite_isa.program @main attributes {dram_bytes = 4096 : i64} {
  // expected-error @+1 {{'kite_isa.vec_softmax' op outer, len and inner must be >= 1}}
  kite_isa.vec_softmax {src = 0 : i64, dst = 64 : i64, outer = 2 : i64, len = 0 : i64, inner = 1 : i64}
}

// -----

kite_isa.program @main attributes {dram_bytes = 4096 : i64} {
  // expected-error @+1 {{'kite_isa.vec_softmax' op dst}}
  kite_isa.vec_softmax {src = 0 : i64, dst = 4000 : i64, outer = 2 : i64, len = 64 : i64, inner = 1 : i64}
}

// -----

kite_isa.program @main attributes {dram_bytes = 4096 : i64} {
  // expected-error @+1 {{'kite_isa.vec_lut' op table must have 256 entries (one per int8 code), got 4}}
  kite_isa.vec_lut {src = 0 : i64, dst = 64 : i64, count = 4 : i64, table = array<i64: 0, 1, 2, 3>}
}

// -----

kite_isa.program @main attributes {dram_bytes = 4096 : i64} {
  // expected-error @+1 {{'kite_isa.vec_lut' op table entry 7 = 200 is not an int8 code}}
  kite_isa.vec_lut {src = 0 : i64, dst = 64 : i64, count = 4 : i64, table = array<i64: -128, -127, -126, -125, -124, -123, -122, 200, -120, -119, -118, -117, -116, -115, -114, -113, -112, -111, -110, -109, -108, -107, -106, -105, -104, -103, -102, -101, -100, -99, -98, -97, -96, -95, -94, -93, -92, -91, -90, -89, -88, -87, -86, -85, -84, -83, -82, -81, -80, -79, -78, -77, -76, -75, -74, -73, -72, -71, -70, -69, -68, -67, -66, -65, -64, -63, -62, -61, -60, -59, -58, -57, -56, -55, -54, -53, -52, -51, -50, -49, -48, -47, -46, -45, -44, -43, -42, -41, -40, -39, -38, -37, -36, -35, -34, -33, -32, -31, -30, -29, -28, -27, -26, -25, -24, -23, -22, -21, -20, -19, -18, -17, -16, -15, -14, -13, -12, -11, -10, -9, -8, -7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95, 96, 97, 98, 99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122, 123, 124, 125, 126, 127>}
}

// -----

module attributes {kite.target = #kite.target<"kite-t", clock_mhz = 1000, array = [16, 16], acc_bits = 32, lp_acc_frac_bits = 16, int_bits = [4, 8], lp_bits = [8], multipliers = ["exact", "trunc4"], sparsity = [], activation_sparsity = false, softmax = <method = lut2d, step = 1.0, out_bits = 8, exp_entries = 7, norm_rows = 60, norm_cols = 11>, memory = <weight_kib = 1, act_kib = 1, acc_kib = 1, dram_bytes_per_cycle = 16.0, sram_bytes_per_cycle = 128.0>, energy = <int8_mul = 0.2, int8_add = 0.03, int32_add = 0.1, fp32_mul = 3.7, fp32_add = 0.9, sram_read_32b = 5.0, dram_read_32b = 640.0, lut_read_8b = 0.36>>} {
kite_isa.program @main attributes {dram_bytes = 4096 : i64} {
  // expected-error @+1 {{'kite_isa.vec_lut' op target 'kite-t' has no LUT unit with 256-entry tables}}
  kite_isa.vec_lut {src = 0 : i64, dst = 64 : i64, count = 4 : i64, table = array<i64: -128, -127, -126, -125, -124, -123, -122, -121, -120, -119, -118, -117, -116, -115, -114, -113, -112, -111, -110, -109, -108, -107, -106, -105, -104, -103, -102, -101, -100, -99, -98, -97, -96, -95, -94, -93, -92, -91, -90, -89, -88, -87, -86, -85, -84, -83, -82, -81, -80, -79, -78, -77, -76, -75, -74, -73, -72, -71, -70, -69, -68, -67, -66, -65, -64, -63, -62, -61, -60, -59, -58, -57, -56, -55, -54, -53, -52, -51, -50, -49, -48, -47, -46, -45, -44, -43, -42, -41, -40, -39, -38, -37, -36, -35, -34, -33, -32, -31, -30, -29, -28, -27, -26, -25, -24, -23, -22, -21, -20, -19, -18, -17, -16, -15, -14, -13, -12, -11, -10, -9, -8, -7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95, 96, 97, 98, 99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122, 123, 124, 125, 126, 127>}
}
}

// -----

kite_isa.program @main attributes {dram_bytes = 4096 : i64} {
  // expected-error @+1 {{'kite_isa.store_acc_fused' op a table needs int8 results}}
  kite_isa.store_acc_fused {src = 0 : i64, rows = 1 : i64, cols = 3 : i64, dst = 0 : i64, row_stride = 3 : i64, col_stride = 1 : i64, dtype = #kite_isa.dtype<f32>, acc_bias = -1 : i64, scales = array<f64: 0.5>, zero_points = array<i64: 0>, bias = -1 : i64, clamp_min = 0.0 : f64, clamp_max = 6.0 : f64, format = -1 : i64, out_scales = array<f64: 1.0>, out_zero_point = 0 : i64, multiply = 1.0 : f64, activation = #kite_isa.activation<none>, residual = -1 : i64, table = array<i64: -128, -127, -126, -125, -124, -123, -122, -121, -120, -119, -118, -117, -116, -115, -114, -113, -112, -111, -110, -109, -108, -107, -106, -105, -104, -103, -102, -101, -100, -99, -98, -97, -96, -95, -94, -93, -92, -91, -90, -89, -88, -87, -86, -85, -84, -83, -82, -81, -80, -79, -78, -77, -76, -75, -74, -73, -72, -71, -70, -69, -68, -67, -66, -65, -64, -63, -62, -61, -60, -59, -58, -57, -56, -55, -54, -53, -52, -51, -50, -49, -48, -47, -46, -45, -44, -43, -42, -41, -40, -39, -38, -37, -36, -35, -34, -33, -32, -31, -30, -29, -28, -27, -26, -25, -24, -23, -22, -21, -20, -19, -18, -17, -16, -15, -14, -13, -12, -11, -10, -9, -8, -7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95, 96, 97, 98, 99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122, 123, 124, 125, 126, 127>}
}

// -----

kite_isa.program @main attributes {dram_bytes = 4096 : i64} {
  // expected-error @+1 {{'kite_isa.host_call' op attribute 'kind' failed to satisfy constraint: a host segment's kernel}}
  kite_isa.host_call {kind = 2 : i64, src = 0 : i64, src_dtype = #kite_isa.dtype<f32>, dst = 64 : i64, dst_dtype = #kite_isa.dtype<i32>, outer = 1 : i64, len = 4 : i64, inner = 1 : i64}
}

// -----

kite_isa.program @main attributes {dram_bytes = 4096 : i64} {
  // expected-error @+1 {{'kite_isa.host_call' op attribute 'dst_dtype' failed to satisfy constraint: an element type in memory}}
  kite_isa.host_call {kind = #kite_isa.host<cast>, src = 0 : i64, src_dtype = #kite_isa.dtype<f32>, dst = 64 : i64, dst_dtype = 5 : i64, outer = 1 : i64, len = 4 : i64, inner = 1 : i64}
}

// -----

kite_isa.program @main attributes {dram_bytes = 4096 : i64} {
  // expected-error @+1 {{'kite_isa.host_call' op argmax needs a non-empty axis and an integer result}}
  kite_isa.host_call {kind = #kite_isa.host<argmax>, src = 0 : i64, src_dtype = #kite_isa.dtype<f32>, dst = 64 : i64, dst_dtype = #kite_isa.dtype<f32>, outer = 1 : i64, len = 4 : i64, inner = 1 : i64}
}

// -----

kite_isa.program @main attributes {dram_bytes = 4096 : i64} {
  // expected-error @+1 {{'kite_isa.host_elementwise' op operands must be integers (f32 runs on the vector unit)}}
  kite_isa.host_elementwise {kind = #kite_isa.host_op<add>, a = 0 : i64, b = 0 : i64, cond = -1 : i64, dtype = #kite_isa.dtype<f32>, dst = 64 : i64, dst_dtype = #kite_isa.dtype<f32>, shape = array<i64: 4>, a_strides = array<i64: 1>, b_strides = array<i64: 1>, cond_strides = array<i64>}
}

// -----

kite_isa.program @main attributes {dram_bytes = 4096 : i64} {
  // expected-error @+1 {{'kite_isa.host_elementwise' op result dtype must be i8}}
  kite_isa.host_elementwise {kind = #kite_isa.host_op<equal>, a = 0 : i64, b = 0 : i64, cond = -1 : i64, dtype = #kite_isa.dtype<i32>, dst = 64 : i64, dst_dtype = #kite_isa.dtype<i32>, shape = array<i64: 4>, a_strides = array<i64: 1>, b_strides = array<i64: 1>, cond_strides = array<i64>}
}

// -----

kite_isa.program @main attributes {dram_bytes = 4096 : i64} {
  // expected-error @+1 {{'kite_isa.host_elementwise' op logical operands are booleans (dtype i8)}}
  kite_isa.host_elementwise {kind = #kite_isa.host_op<logical_or>, a = 0 : i64, b = 0 : i64, cond = -1 : i64, dtype = #kite_isa.dtype<i32>, dst = 64 : i64, dst_dtype = #kite_isa.dtype<i8>, shape = array<i64: 4>, a_strides = array<i64: 1>, b_strides = array<i64: 1>, cond_strides = array<i64>}
}

// -----

kite_isa.program @main attributes {dram_bytes = 4096 : i64} {
  // expected-error @+1 {{'kite_isa.host_elementwise' op select needs a cond}}
  kite_isa.host_elementwise {kind = #kite_isa.host_op<select>, a = 0 : i64, b = 0 : i64, cond = -1 : i64, dtype = #kite_isa.dtype<i64>, dst = 64 : i64, dst_dtype = #kite_isa.dtype<i64>, shape = array<i64: 4>, a_strides = array<i64: 1>, b_strides = array<i64: 1>, cond_strides = array<i64>}
}

// -----

kite_isa.program @main attributes {dram_bytes = 4096 : i64} {
  // expected-error @+1 {{'kite_isa.host_elementwise' op only select reads a cond (-1)}}
  kite_isa.host_elementwise {kind = #kite_isa.host_op<add>, a = 0 : i64, b = 0 : i64, cond = 0 : i64, dtype = #kite_isa.dtype<i64>, dst = 64 : i64, dst_dtype = #kite_isa.dtype<i64>, shape = array<i64: 4>, a_strides = array<i64: 1>, b_strides = array<i64: 1>, cond_strides = array<i64: 1>}
}

// -----

kite_isa.program @main attributes {dram_bytes = 4096 : i64} {
  // expected-error @+1 {{'kite_isa.host_elementwise' op cond_strides must be empty without a cond}}
  kite_isa.host_elementwise {kind = #kite_isa.host_op<add>, a = 0 : i64, b = 0 : i64, cond = -1 : i64, dtype = #kite_isa.dtype<i64>, dst = 64 : i64, dst_dtype = #kite_isa.dtype<i64>, shape = array<i64: 4>, a_strides = array<i64: 1>, b_strides = array<i64: 1>, cond_strides = array<i64: 1>}
}

// -----

kite_isa.program @main attributes {dram_bytes = 4096 : i64} {
  // expected-error @+1 {{'kite_isa.host_elementwise' op b: shape and strides differ in rank}}
  kite_isa.host_elementwise {kind = #kite_isa.host_op<sub>, a = 0 : i64, b = 0 : i64, cond = -1 : i64, dtype = #kite_isa.dtype<i64>, dst = 64 : i64, dst_dtype = #kite_isa.dtype<i64>, shape = array<i64: 4>, a_strides = array<i64: 1>, b_strides = array<i64>, cond_strides = array<i64>}
}

// -----

kite_isa.program @main attributes {dram_bytes = 4096 : i64} {
  // expected-error @+1 {{'kite_isa.host_gather' op indices must be integers}}
  kite_isa.host_gather {values = 0 : i64, dtype = #kite_isa.dtype<f32>, indices = 64 : i64, indices_dtype = #kite_isa.dtype<f32>, dst = 128 : i64, outer = 1 : i64, k = 4 : i64, inner = 2 : i64, width = 2 : i64}
}

// -----

kite_isa.program @main attributes {dram_bytes = 4096 : i64} {
  // expected-error @+1 {{'kite_isa.host_gather' op dst}}
  kite_isa.host_gather {values = 0 : i64, dtype = #kite_isa.dtype<f32>, indices = 64 : i64, indices_dtype = #kite_isa.dtype<i32>, dst = 4090 : i64, outer = 1 : i64, k = 4 : i64, inner = 2 : i64, width = 2 : i64}
}

// -----

module attributes {kite.target = #kite.target<"kite-t", clock_mhz = 1000, array = [16, 16], acc_bits = 32, lp_acc_frac_bits = 16, int_bits = [4, 8], lp_bits = [8], multipliers = ["exact", "trunc4"], sparsity = [], activation_sparsity = false, softmax = <method = lut2d, step = 1.0, out_bits = 8, exp_entries = 7, norm_rows = 60, norm_cols = 11>, memory = <weight_kib = 1, act_kib = 1, acc_kib = 1, dram_bytes_per_cycle = 16.0, sram_bytes_per_cycle = 128.0>, energy = <int8_mul = 0.2, int8_add = 0.03, int32_add = 0.1, fp32_mul = 3.7, fp32_add = 0.9, sram_read_32b = 5.0, dram_read_32b = 640.0, lut_read_8b = 0.36>>} {
kite_isa.program @main attributes {dram_bytes = 4096 : i64} {
  // expected-error @+1 {{'kite_isa.host_call' op target 'kite-t' has no host}}
  kite_isa.host_call {kind = #kite_isa.host<argmax>, src = 0 : i64, src_dtype = #kite_isa.dtype<f32>, dst = 64 : i64, dst_dtype = #kite_isa.dtype<i32>, outer = 1 : i64, len = 4 : i64, inner = 1 : i64}
}
}
