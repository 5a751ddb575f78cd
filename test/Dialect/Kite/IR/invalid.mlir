// RUN: kite-opt %s -split-input-file -verify-diagnostics

// Every verifier message of the kite dialect, one case each.

// expected-error @+1 {{LP word width n = 1 is out of range: must be in [2, 16]}}
func.func @bad_lp(%a: tensor<4x!kite.lp<1, 0, 1, 0>>) {
  return
}

// -----

// expected-error @+1 {{LP word width n = 17 is out of range: must be in [2, 16]}}
func.func @bad_lp(%a: tensor<4x!kite.lp<17, 0, 1, 0>>) {
  return
}

// -----

// expected-error @+1 {{LP exponent size es = 5 is out of range: must be in [0, 4]}}
func.func @bad_lp(%a: tensor<4x!kite.lp<8, 5, 7, 0>>) {
  return
}

// -----

// expected-error @+1 {{LP regime cap rs = 8 is out of range: must be in [1, n - 1] = [1, 7]}}
func.func @bad_lp(%a: tensor<4x!kite.lp<8, 1, 8, 0>>) {
  return
}

// -----

// expected-error @+1 {{LP regime cap rs = 0 is out of range: must be in [1, n - 1] = [1, 7]}}
func.func @bad_lp(%a: tensor<4x!kite.lp<8, 1, 0, 0>>) {
  return
}

// -----

// expected-error @+1 {{LP scale factor sf = 65 is out of range: must be in [-64, 64]}}
func.func @bad_lp(%a: tensor<4x!kite.lp<8, 1, 7, 65>>) {
  return
}

// -----

// expected-error @+1 {{integer format width 1 is out of range: must be in [2, 16]}}
func.func @bad_attr() attributes {kite.x = #kite.int<1, signed>} {
  return
}

// -----

// expected-error @+1 {{integer format width 17 is out of range: must be in [2, 16]}}
func.func @bad_attr() attributes {kite.x = #kite.int<17, unsigned>} {
  return
}

// -----

// expected-error @+1 {{expected 'signed' or 'unsigned'}}
func.func @bad_attr() attributes {kite.x = #kite.int<4, sign>} {
  return
}

// -----

// expected-error @+1 {{N:M pattern 0:4 is invalid: requires 0 < N <= M}}
func.func @bad_attr() attributes {kite.x = #kite.nm<0, 4>} {
  return
}

// -----

// expected-error @+1 {{N:M pattern 5:4 is invalid: requires 0 < N <= M}}
func.func @bad_attr() attributes {kite.x = #kite.nm<5, 4>} {
  return
}

// -----

// expected-error @+1 {{N:M group size M = 512 is out of range: must be in [1, 256]}}
func.func @bad_attr() attributes {kite.x = #kite.nm<1, 512>} {
  return
}

// -----

// expected-error @+1 {{N:M threshold 129 is out of range: must be at most 128}}
func.func @bad_attr() attributes {kite.x = #kite.nm<2, 4, threshold = 129>} {
  return
}

// -----

// expected-error @+1 {{expected 'threshold' or 'residual_of', got 'offset'}}
func.func @bad_attr() attributes {kite.x = #kite.nm<2, 4, offset = 1>} {
  return
}

// -----

// The series takes the outermost term's threshold.
// expected-error @+1 {{N:M term #kite.nm<2, 4, threshold = 3> inside residual_of has a threshold; the series takes the outermost term's}}
func.func @bad_attr() attributes {kite.x = #kite.nm<1, 8, residual_of = #kite.nm<2, 4, threshold = 3>>} {
  return
}

// -----

// expected-error @+1 {{unknown multiplier ''; known families: exact, trunc<k>, bam_h<h>_v<v>, mitchell, mitchell_t<t>, drum<k>, udm, udm<k>}}
func.func @bad_attr() attributes {kite.x = #kite.mul<"">} {
  return
}

// -----

// expected-error @+1 {{unknown multiplier 'a b'; known families: exact, trunc<k>, bam_h<h>_v<v>, mitchell, mitchell_t<t>, drum<k>, udm, udm<k>}}
func.func @bad_attr() attributes {kite.x = #kite.mul<"a b">} {
  return
}

// -----

// expected-error @+1 {{softmax unit step must be a positive finite number, got 0.000000e+00}}
func.func @bad_attr() attributes {kite.x = #kite.softmax_unit<method = rexp, step = 0.0, out_bits = 8, exp_entries = 7, norm_rows = 60, norm_cols = 1>} {
  return
}

// -----

// expected-error @+1 {{softmax unit out_bits = 1 is out of range: must be in [2, 16]}}
func.func @bad_attr() attributes {kite.x = #kite.softmax_unit<method = rexp, step = 1.0, out_bits = 1, exp_entries = 7, norm_rows = 60, norm_cols = 1>} {
  return
}

// -----

// expected-error @+1 {{softmax unit exp_entries = 1 is out of range: must be in [2, 4096]}}
func.func @bad_attr() attributes {kite.x = #kite.softmax_unit<method = rexp, step = 1.0, out_bits = 8, exp_entries = 1, norm_rows = 60, norm_cols = 1>} {
  return
}

// -----

// expected-error @+1 {{softmax unit norm_rows = 0 is out of range: must be in [1, 65536]}}
func.func @bad_attr() attributes {kite.x = #kite.softmax_unit<method = rexp, step = 1.0, out_bits = 8, exp_entries = 7, norm_rows = 0, norm_cols = 1>} {
  return
}

// -----

// expected-error @+1 {{softmax unit method rexp needs norm_cols = 1, got 11}}
func.func @bad_attr() attributes {kite.x = #kite.softmax_unit<method = rexp, step = 1.0, out_bits = 8, exp_entries = 7, norm_rows = 60, norm_cols = 11>} {
  return
}

// -----

// expected-error @+1 {{softmax unit method lut2d needs norm_cols in [2, 4096], got 1}}
func.func @bad_attr() attributes {kite.x = #kite.softmax_unit<method = lut2d, step = 1.0, out_bits = 8, exp_entries = 7, norm_rows = 60, norm_cols = 1>} {
  return
}

// -----

// expected-error @+1 {{buffer sizes must be positive (weight_kib = 0, act_kib = 1, acc_kib = 1)}}
func.func @bad_attr() attributes {kite.x = #kite.memory<weight_kib = 0, act_kib = 1, acc_kib = 1, dram_bytes_per_cycle = 1, sram_bytes_per_cycle = 1>} {
  return
}

// -----

// expected-error @+1 {{scratch_kib must be at most 262144 (256 MiB), got 300000}}
func.func @bad_attr() attributes {kite.x = #kite.memory<weight_kib = 1, act_kib = 1, acc_kib = 1, dram_bytes_per_cycle = 1, sram_bytes_per_cycle = 1, scratch_kib = 300000>} {
  return
}

// -----

// expected-error @+1 {{dram_bytes_per_cycle must be a positive finite number, got -1.000000e+00}}
func.func @bad_attr() attributes {kite.x = #kite.memory<weight_kib = 1, act_kib = 1, acc_kib = 1, dram_bytes_per_cycle = -1.0, sram_bytes_per_cycle = 1>} {
  return
}

// -----

// expected-error @+1 {{energy dram_read_32b must be a positive finite number, got 0.000000e+00}}
func.func @bad_attr() attributes {kite.x = #kite.energy<int8_mul = 0.2, int8_add = 0.03, int32_add = 0.1, fp32_mul = 3.7, fp32_add = 0.9, sram_read_32b = 5, dram_read_32b = 0, lut_read_8b = 0.36>} {
  return
}

// -----

// expected-error @+1 {{target name must not be empty}}
module attributes {kite.target = #kite.target<"", clock_mhz = 100, array = [4, 4], acc_bits = 32, lp_acc_frac_bits = 16, int_bits = [4, 8], lp_bits = [8], multipliers = ["exact"], sparsity = [#kite.nm<2, 4>], activation_sparsity = true, softmax = #kite.softmax_unit<method = lut2d, step = 1.0, out_bits = 8, exp_entries = 7, norm_rows = 60, norm_cols = 11>, memory = #kite.memory<weight_kib = 16, act_kib = 16, acc_kib = 4, dram_bytes_per_cycle = 4, sram_bytes_per_cycle = 16>, energy = #kite.energy<int8_mul = 0.2, int8_add = 0.03, int32_add = 0.1, fp32_mul = 3.7, fp32_add = 0.9, sram_read_32b = 5, dram_read_32b = 640, lut_read_8b = 0.36>>} {
}

// -----

// expected-error @+1 {{target clock_mhz = 0 is out of range: must be in [1, 1048576]}}
module attributes {kite.target = #kite.target<"t", clock_mhz = 0, array = [4, 4], acc_bits = 32, lp_acc_frac_bits = 16, int_bits = [4, 8], lp_bits = [8], multipliers = ["exact"], sparsity = [#kite.nm<2, 4>], activation_sparsity = true, softmax = #kite.softmax_unit<method = lut2d, step = 1.0, out_bits = 8, exp_entries = 7, norm_rows = 60, norm_cols = 11>, memory = #kite.memory<weight_kib = 16, act_kib = 16, acc_kib = 4, dram_bytes_per_cycle = 4, sram_bytes_per_cycle = 16>, energy = #kite.energy<int8_mul = 0.2, int8_add = 0.03, int32_add = 0.1, fp32_mul = 3.7, fp32_add = 0.9, sram_read_32b = 5, dram_read_32b = 640, lut_read_8b = 0.36>>} {
}

// -----

// expected-error @+1 {{target clock_mhz = 2888885 is out of range: must be in [1, 1048576]}}
module attributes {kite.target = #kite.target<"t", clock_mhz = 2888885, array = [4, 4], acc_bits = 32, lp_acc_frac_bits = 16, int_bits = [4, 8], lp_bits = [8], multipliers = ["exact"], sparsity = [#kite.nm<2, 4>], activation_sparsity = true, softmax = #kite.softmax_unit<method = lut2d, step = 1.0, out_bits = 8, exp_entries = 7, norm_rows = 60, norm_cols = 11>, memory = #kite.memory<weight_kib = 16, act_kib = 16, acc_kib = 4, dram_bytes_per_cycle = 4, sram_bytes_per_cycle = 16>, energy = #kite.energy<int8_mul = 0.2, int8_add = 0.03, int32_add = 0.1, fp32_mul = 3.7, fp32_add = 0.9, sram_read_32b = 5, dram_read_32b = 640, lut_read_8b = 0.36>>} {
}

// -----

// expected-error @+1 {{target array 0x4 is out of range: each side must be in [1, 4096]}}
module attributes {kite.target = #kite.target<"t", clock_mhz = 100, array = [0, 4], acc_bits = 32, lp_acc_frac_bits = 16, int_bits = [4, 8], lp_bits = [8], multipliers = ["exact"], sparsity = [#kite.nm<2, 4>], activation_sparsity = true, softmax = #kite.softmax_unit<method = lut2d, step = 1.0, out_bits = 8, exp_entries = 7, norm_rows = 60, norm_cols = 11>, memory = #kite.memory<weight_kib = 16, act_kib = 16, acc_kib = 4, dram_bytes_per_cycle = 4, sram_bytes_per_cycle = 16>, energy = #kite.energy<int8_mul = 0.2, int8_add = 0.03, int32_add = 0.1, fp32_mul = 3.7, fp32_add = 0.9, sram_read_32b = 5, dram_read_32b = 640, lut_read_8b = 0.36>>} {
}

// -----

// expected-error @+1 {{target int_bits entry 32 is out of range: must be in [2, 16]}}
module attributes {kite.target = #kite.target<"t", clock_mhz = 100, array = [4, 4], acc_bits = 32, lp_acc_frac_bits = 16, int_bits = [4, 32], lp_bits = [8], multipliers = ["exact"], sparsity = [#kite.nm<2, 4>], activation_sparsity = true, softmax = #kite.softmax_unit<method = lut2d, step = 1.0, out_bits = 8, exp_entries = 7, norm_rows = 60, norm_cols = 11>, memory = #kite.memory<weight_kib = 16, act_kib = 16, acc_kib = 4, dram_bytes_per_cycle = 4, sram_bytes_per_cycle = 16>, energy = #kite.energy<int8_mul = 0.2, int8_add = 0.03, int32_add = 0.1, fp32_mul = 3.7, fp32_add = 0.9, sram_read_32b = 5, dram_read_32b = 640, lut_read_8b = 0.36>>} {
}

// -----

// expected-error @+1 {{target int_bits must be strictly increasing}}
module attributes {kite.target = #kite.target<"t", clock_mhz = 100, array = [4, 4], acc_bits = 32, lp_acc_frac_bits = 16, int_bits = [8, 4], lp_bits = [8], multipliers = ["exact"], sparsity = [#kite.nm<2, 4>], activation_sparsity = true, softmax = #kite.softmax_unit<method = lut2d, step = 1.0, out_bits = 8, exp_entries = 7, norm_rows = 60, norm_cols = 11>, memory = #kite.memory<weight_kib = 16, act_kib = 16, acc_kib = 4, dram_bytes_per_cycle = 4, sram_bytes_per_cycle = 16>, energy = #kite.energy<int8_mul = 0.2, int8_add = 0.03, int32_add = 0.1, fp32_mul = 3.7, fp32_add = 0.9, sram_read_32b = 5, dram_read_32b = 640, lut_read_8b = 0.36>>} {
}

// -----

// expected-error @+1 {{target lp_bits entry 1 is out of range: must be in [2, 16]}}
module attributes {kite.target = #kite.target<"t", clock_mhz = 100, array = [4, 4], acc_bits = 32, lp_acc_frac_bits = 16, int_bits = [4, 8], lp_bits = [1], multipliers = ["exact"], sparsity = [#kite.nm<2, 4>], activation_sparsity = true, softmax = #kite.softmax_unit<method = lut2d, step = 1.0, out_bits = 8, exp_entries = 7, norm_rows = 60, norm_cols = 11>, memory = #kite.memory<weight_kib = 16, act_kib = 16, acc_kib = 4, dram_bytes_per_cycle = 4, sram_bytes_per_cycle = 16>, energy = #kite.energy<int8_mul = 0.2, int8_add = 0.03, int32_add = 0.1, fp32_mul = 3.7, fp32_add = 0.9, sram_read_32b = 5, dram_read_32b = 640, lut_read_8b = 0.36>>} {
}

// -----

// expected-error @+1 {{target multipliers must not be empty}}
module attributes {kite.target = #kite.target<"t", clock_mhz = 100, array = [4, 4], acc_bits = 32, lp_acc_frac_bits = 16, int_bits = [4, 8], lp_bits = [8], multipliers = [], sparsity = [#kite.nm<2, 4>], activation_sparsity = true, softmax = #kite.softmax_unit<method = lut2d, step = 1.0, out_bits = 8, exp_entries = 7, norm_rows = 60, norm_cols = 11>, memory = #kite.memory<weight_kib = 16, act_kib = 16, acc_kib = 4, dram_bytes_per_cycle = 4, sram_bytes_per_cycle = 16>, energy = #kite.energy<int8_mul = 0.2, int8_add = 0.03, int32_add = 0.1, fp32_mul = 3.7, fp32_add = 0.9, sram_read_32b = 5, dram_read_32b = 640, lut_read_8b = 0.36>>} {
}

// -----

// expected-error @+1 {{target multipliers must be strings, got 3 : i64}}
module attributes {kite.target = #kite.target<"t", clock_mhz = 100, array = [4, 4], acc_bits = 32, lp_acc_frac_bits = 16, int_bits = [4, 8], lp_bits = [8], multipliers = ["exact", 3], sparsity = [#kite.nm<2, 4>], activation_sparsity = true, softmax = #kite.softmax_unit<method = lut2d, step = 1.0, out_bits = 8, exp_entries = 7, norm_rows = 60, norm_cols = 11>, memory = #kite.memory<weight_kib = 16, act_kib = 16, acc_kib = 4, dram_bytes_per_cycle = 4, sram_bytes_per_cycle = 16>, energy = #kite.energy<int8_mul = 0.2, int8_add = 0.03, int32_add = 0.1, fp32_mul = 3.7, fp32_add = 0.9, sram_read_32b = 5, dram_read_32b = 640, lut_read_8b = 0.36>>} {
}

// -----

// expected-error @+1 {{target multiplier 'exact' is listed twice}}
module attributes {kite.target = #kite.target<"t", clock_mhz = 100, array = [4, 4], acc_bits = 32, lp_acc_frac_bits = 16, int_bits = [4, 8], lp_bits = [8], multipliers = ["exact", "exact"], sparsity = [#kite.nm<2, 4>], activation_sparsity = true, softmax = #kite.softmax_unit<method = lut2d, step = 1.0, out_bits = 8, exp_entries = 7, norm_rows = 60, norm_cols = 11>, memory = #kite.memory<weight_kib = 16, act_kib = 16, acc_kib = 4, dram_bytes_per_cycle = 4, sram_bytes_per_cycle = 16>, energy = #kite.energy<int8_mul = 0.2, int8_add = 0.03, int32_add = 0.1, fp32_mul = 3.7, fp32_add = 0.9, sram_read_32b = 5, dram_read_32b = 640, lut_read_8b = 0.36>>} {
}

// -----

// expected-error @+1 {{target multipliers must include "exact"}}
module attributes {kite.target = #kite.target<"t", clock_mhz = 100, array = [4, 4], acc_bits = 32, lp_acc_frac_bits = 16, int_bits = [4, 8], lp_bits = [8], multipliers = ["drum4"], sparsity = [#kite.nm<2, 4>], activation_sparsity = true, softmax = #kite.softmax_unit<method = lut2d, step = 1.0, out_bits = 8, exp_entries = 7, norm_rows = 60, norm_cols = 11>, memory = #kite.memory<weight_kib = 16, act_kib = 16, acc_kib = 4, dram_bytes_per_cycle = 4, sram_bytes_per_cycle = 16>, energy = #kite.energy<int8_mul = 0.2, int8_add = 0.03, int32_add = 0.1, fp32_mul = 3.7, fp32_add = 0.9, sram_read_32b = 5, dram_read_32b = 640, lut_read_8b = 0.36>>} {
}

// -----

// expected-error @+1 {{target sparsity entries must be #kite.nm, got 4 : i64}}
module attributes {kite.target = #kite.target<"t", clock_mhz = 100, array = [4, 4], acc_bits = 32, lp_acc_frac_bits = 16, int_bits = [4, 8], lp_bits = [8], multipliers = ["exact"], sparsity = [4], activation_sparsity = true, softmax = #kite.softmax_unit<method = lut2d, step = 1.0, out_bits = 8, exp_entries = 7, norm_rows = 60, norm_cols = 11>, memory = #kite.memory<weight_kib = 16, act_kib = 16, acc_kib = 4, dram_bytes_per_cycle = 4, sram_bytes_per_cycle = 16>, energy = #kite.energy<int8_mul = 0.2, int8_add = 0.03, int32_add = 0.1, fp32_mul = 3.7, fp32_add = 0.9, sram_read_32b = 5, dram_read_32b = 640, lut_read_8b = 0.36>>} {
}

// -----

// expected-error @+2 {{expected 'true' or 'false'}}
// expected-error @+1 {{failed to parse Kite_TargetAttr parameter 'activationSparsity' which is to be a `bool`}}
module attributes {kite.target = #kite.target<"t", clock_mhz = 100, array = [4, 4], acc_bits = 32, lp_acc_frac_bits = 16, int_bits = [4, 8], lp_bits = [8], multipliers = ["exact"], sparsity = [#kite.nm<2, 4>], activation_sparsity = yes, softmax = #kite.softmax_unit<method = lut2d, step = 1.0, out_bits = 8, exp_entries = 7, norm_rows = 60, norm_cols = 11>, memory = #kite.memory<weight_kib = 16, act_kib = 16, acc_kib = 4, dram_bytes_per_cycle = 4, sram_bytes_per_cycle = 16>, energy = #kite.energy<int8_mul = 0.2, int8_add = 0.03, int32_add = 0.1, fp32_mul = 3.7, fp32_add = 0.9, sram_read_32b = 5, dram_read_32b = 640, lut_read_8b = 0.36>>} {
}

// -----

func.func @f(%a: tensor<8xf32>, %b: tensor<8x4xf32>) {
  // expected-error @+1 {{'kite.matmul' op lhs must have rank >= 2, got 1}}
  %0 = kite.matmul %a, %b : (tensor<8xf32>, tensor<8x4xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @f(%a: tensor<2x2x8x8xf32>, %b: tensor<2x8x4xf32>) {
  // expected-error @+1 {{'kite.matmul' op rhs must have rank 2 or the rank of lhs (4), got 3}}
  %0 = kite.matmul %a, %b : (tensor<2x2x8x8xf32>, tensor<2x8x4xf32>) -> tensor<2x2x8x4xf32>
  return
}

// -----

func.func @f(%a: tensor<8x8xf32>, %b: tensor<8x4xf32>) {
  // expected-error @+1 {{'kite.matmul' op result must have the rank of lhs (2), got 3}}
  %0 = kite.matmul %a, %b : (tensor<8x8xf32>, tensor<8x4xf32>) -> tensor<1x8x4xf32>
  return
}

// -----

func.func @f(%a: tensor<2x8x8xf32>, %b: tensor<3x8x4xf32>) {
  // expected-error @+1 {{'kite.matmul' op batch dimension 0 differs: lhs 2 vs rhs 3}}
  %0 = kite.matmul %a, %b : (tensor<2x8x8xf32>, tensor<3x8x4xf32>) -> tensor<2x8x4xf32>
  return
}

// -----

func.func @f(%a: tensor<8x8xf32>, %b: tensor<9x4xf32>) {
  // expected-error @+1 {{'kite.matmul' op reduction dimensions differ: lhs K = 8, rhs K = 9}}
  %0 = kite.matmul %a, %b : (tensor<8x8xf32>, tensor<9x4xf32>) -> tensor<8x4xf32>
  return
}

// -----

func.func @f(%a: tensor<8x8xf32>, %b: tensor<8x4xf32>) {
  // expected-error @+1 {{'kite.matmul' op result dimension 1 is 5, expected 4}}
  %0 = kite.matmul %a, %b : (tensor<8x8xf32>, tensor<8x4xf32>) -> tensor<8x5xf32>
  return
}

// -----

func.func @f(%a: tensor<8x8xf32>, %b: tensor<8x4xf32>, %c: tensor<8x4xf16>) {
  // expected-error @+1 {{'kite.matmul' op acc type 'tensor<8x4xf16>' differs from result type 'tensor<8x4xf32>'}}
  %0 = kite.matmul %a, %b acc(%c) : (tensor<8x8xf32>, tensor<8x4xf32>, tensor<8x4xf16>) -> tensor<8x4xf32>
  return
}

// -----

func.func @f(%x: tensor<1x1x3x3xi8>, %w: tensor<2x1x2x2xi8>, %c: tensor<1x2x2x2xi16>) {
  // expected-error @+1 {{'kite.conv2d' op acc type 'tensor<1x2x2x2xi16>' differs from result type 'tensor<1x2x2x2xi32>'}}
  %0 = kite.conv2d %x, %w acc(%c) {dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x3x3xi8>, tensor<2x1x2x2xi8>, tensor<1x2x2x2xi16>) -> tensor<1x2x2x2xi32>
  return
}

// -----

func.func @f(%a: tensor<8x8xf32>, %b: tensor<8x4xi8>) {
  // expected-error @+1 {{'kite.matmul' op operands must both be float, both integer or both LP, got 'f32' and 'i8'}}
  %0 = kite.matmul %a, %b : (tensor<8x8xf32>, tensor<8x4xi8>) -> tensor<8x4xf32>
  return
}

// -----

func.func @f(%a: tensor<8x8xf32>, %b: tensor<8x4xf32>) {
  // expected-error @+1 {{'kite.matmul' op float operands and result must have one element type, got 'f32', 'f32' -> 'f16'}}
  %0 = kite.matmul %a, %b : (tensor<8x8xf32>, tensor<8x4xf32>) -> tensor<8x4xf16>
  return
}

// -----

func.func @f(%a: tensor<8x8xi8>, %b: tensor<8x4xi8>) {
  // expected-error @+1 {{'kite.matmul' op integer operands need an integer accumulator of at least 32 bits, got 'i16'}}
  %0 = kite.matmul %a, %b : (tensor<8x8xi8>, tensor<8x4xi8>) -> tensor<8x4xi16>
  return
}

// -----

func.func @f(%a: tensor<8x8x!kite.lp<8, 1, 7, 0>>, %b: tensor<8x4x!kite.lp<8, 1, 7, 0>>) {
  // expected-error @+1 {{'kite.matmul' op LP operands accumulate into f32, got 'f16'}}
  %0 = kite.matmul %a, %b : (tensor<8x8x!kite.lp<8, 1, 7, 0>>, tensor<8x4x!kite.lp<8, 1, 7, 0>>) -> tensor<8x4xf16>
  return
}

// -----

func.func @f(%a: tensor<8x8xf32>, %b: tensor<8x4xf32>) {
  // expected-error @+1 {{'kite.matmul' op lhs has an integer format but element type 'f32'}}
  %0 = kite.matmul %a, %b {lhs_format = #kite.int<8, signed>} : (tensor<8x8xf32>, tensor<8x4xf32>) -> tensor<8x4xf32>
  return
}

// -----

func.func @f(%a: tensor<8x8xi8>, %b: tensor<8x4xi8>) {
  // expected-error @+1 {{'kite.matmul' op rhs format #kite.int<16, signed> does not fit in 'i8'}}
  %0 = kite.matmul %a, %b {rhs_format = #kite.int<16, signed>} : (tensor<8x8xi8>, tensor<8x4xi8>) -> tensor<8x4xi32>
  return
}

// -----

func.func @f(%a: tensor<8x8xf32>, %b: tensor<8x4xf32>) {
  // expected-error @+1 {{'kite.matmul' op multiplier #kite.mul<"exact"> needs integer operands}}
  %0 = kite.matmul %a, %b {multiplier = #kite.mul<"exact">} : (tensor<8x8xf32>, tensor<8x4xf32>) -> tensor<8x4xf32>
  return
}

// -----

module attributes {kite.target = #kite.target<"t", clock_mhz = 100, array = [4, 4], acc_bits = 32, lp_acc_frac_bits = 16, int_bits = [4, 8], lp_bits = [8], multipliers = ["exact"], sparsity = [#kite.nm<2, 4>], activation_sparsity = true, softmax = #kite.softmax_unit<method = lut2d, step = 1.0, out_bits = 8, exp_entries = 7, norm_rows = 60, norm_cols = 11>, memory = #kite.memory<weight_kib = 16, act_kib = 16, acc_kib = 4, dram_bytes_per_cycle = 4, sram_bytes_per_cycle = 16>, energy = #kite.energy<int8_mul = 0.2, int8_add = 0.03, int32_add = 0.1, fp32_mul = 3.7, fp32_add = 0.9, sram_read_32b = 5, dram_read_32b = 640, lut_read_8b = 0.36>>} {
func.func @f(%a: tensor<8x8xi8>, %b: tensor<8x4xi8>) {
  // expected-error @+1 {{'kite.matmul' op multiplier "drum4" is not in the library of target 't'}}
  %0 = kite.matmul %a, %b {multiplier = #kite.mul<"drum4">} : (tensor<8x8xi8>, tensor<8x4xi8>) -> tensor<8x4xi32>
  return
}
}

// -----

module attributes {kite.target = #kite.target<"t", clock_mhz = 100, array = [4, 4], acc_bits = 32, lp_acc_frac_bits = 16, int_bits = [4, 8], lp_bits = [8], multipliers = ["exact"], sparsity = [#kite.nm<2, 4>], activation_sparsity = true, softmax = #kite.softmax_unit<method = lut2d, step = 1.0, out_bits = 8, exp_entries = 7, norm_rows = 60, norm_cols = 11>, memory = #kite.memory<weight_kib = 16, act_kib = 16, acc_kib = 4, dram_bytes_per_cycle = 4, sram_bytes_per_cycle = 16>, energy = #kite.energy<int8_mul = 0.2, int8_add = 0.03, int32_add = 0.1, fp32_mul = 3.7, fp32_add = 0.9, sram_read_32b = 5, dram_read_32b = 640, lut_read_8b = 0.36>>} {
func.func @f(%a: tensor<8x8xi8>, %b: tensor<8x4xi8>) {
  // expected-error @+1 {{'kite.matmul' op rhs sparsity #kite.nm<1, 8> is not supported by the target 't'}}
  %0 = kite.matmul %a, %b {rhs_sparsity = #kite.nm<1, 8>} : (tensor<8x8xi8>, tensor<8x4xi8>) -> tensor<8x4xi32>
  return
}
}

// -----

// A threshold belongs to a run-time selection of integer activations.
func.func @f(%a: tensor<8x8xi8>, %b: tensor<8x4xi8>) {
  // expected-error @+1 {{'kite.matmul' op rhs sparsity #kite.nm<2, 4, threshold = 3> has a threshold or residual_of, which apply to activations selected at run time only}}
  %0 = kite.matmul %a, %b {rhs_sparsity = #kite.nm<2, 4, threshold = 3>} : (tensor<8x8xi8>, tensor<8x4xi8>) -> tensor<8x4xi32>
  return
}

// -----

// Later terms of a series are selected at run time too.
func.func @f(%a: tensor<8x8xi8>, %b: tensor<8x4xi8>) {
  // expected-error @+1 {{'kite.matmul' op rhs sparsity #kite.nm<1, 4, residual_of = #kite.nm<2, 4>> has a threshold or residual_of, which apply to activations selected at run time only}}
  %0 = kite.matmul %a, %b {rhs_sparsity = #kite.nm<1, 4, residual_of = #kite.nm<2, 4>>} : (tensor<8x8xi8>, tensor<8x4xi8>) -> tensor<8x4xi32>
  return
}

// -----

func.func @f(%x: tensor<8x8xf32>, %y: tensor<8x4xf32>) {
  // expected-error @+1 {{'kite.matmul' op lhs sparsity #kite.nm<2, 4, threshold = 3> has a threshold or residual_of, which need integer operands}}
  %0 = kite.matmul %x, %y {lhs_sparsity = #kite.nm<2, 4, threshold = 3>} : (tensor<8x8xf32>, tensor<8x4xf32>) -> tensor<8x4xf32>
  return
}

// -----

// expected-error @+1 {{target sparsity entry #kite.nm<2, 4, threshold = 1> has a threshold or residual_of; those belong to ops}}
module attributes {kite.target = #kite.target<"t", clock_mhz = 100, array = [4, 4], acc_bits = 32, lp_acc_frac_bits = 16, int_bits = [4, 8], lp_bits = [8], multipliers = ["exact"], sparsity = [#kite.nm<2, 4, threshold = 1>], activation_sparsity = true, softmax = #kite.softmax_unit<method = lut2d, step = 1.0, out_bits = 8, exp_entries = 7, norm_rows = 60, norm_cols = 11>, memory = #kite.memory<weight_kib = 16, act_kib = 16, acc_kib = 4, dram_bytes_per_cycle = 4, sram_bytes_per_cycle = 16>, energy = #kite.energy<int8_mul = 0.2, int8_add = 0.03, int32_add = 0.1, fp32_mul = 3.7, fp32_add = 0.9, sram_read_32b = 5, dram_read_32b = 640, lut_read_8b = 0.36>>} {
}

// -----

module attributes {kite.target = #kite.target<"t", clock_mhz = 100, array = [4, 4], acc_bits = 32, lp_acc_frac_bits = 16, int_bits = [4, 8], lp_bits = [8], multipliers = ["exact"], sparsity = [#kite.nm<2, 4>], activation_sparsity = true, softmax = #kite.softmax_unit<method = lut2d, step = 1.0, out_bits = 8, exp_entries = 7, norm_rows = 60, norm_cols = 11>, memory = #kite.memory<weight_kib = 16, act_kib = 16, acc_kib = 4, dram_bytes_per_cycle = 4, sram_bytes_per_cycle = 16>, energy = #kite.energy<int8_mul = 0.2, int8_add = 0.03, int32_add = 0.1, fp32_mul = 3.7, fp32_add = 0.9, sram_read_32b = 5, dram_read_32b = 640, lut_read_8b = 0.36>>} {
func.func @f(%a: tensor<8x8xi8>, %b: tensor<8x4xi8>) {
  // expected-error @+1 {{'kite.matmul' op lhs format #kite.int<6, signed> has a width the target 't' does not support}}
  %0 = kite.matmul %a, %b {lhs_format = #kite.int<6, signed>} : (tensor<8x8xi8>, tensor<8x4xi8>) -> tensor<8x4xi32>
  return
}
}

// -----

func.func @f(%x: tensor<4x8x8xf32>, %w: tensor<8x4x3x3xf32>) {
  // expected-error @+1 {{'kite.conv2d' op input, filter and result must have rank 4}}
  %0 = kite.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64} : (tensor<4x8x8xf32>, tensor<8x4x3x3xf32>) -> tensor<1x8x6x6xf32>
  return
}

// -----

func.func @f(%x: tensor<1x4x8x8xf32>, %w: tensor<8x4x3x3xf32>) {
  // expected-error @+1 {{'kite.conv2d' op strides and dilations need 2 values, pads 4}}
  %0 = kite.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x4x8x8xf32>, tensor<8x4x3x3xf32>) -> tensor<1x8x6x6xf32>
  return
}

// -----

func.func @f(%x: tensor<1x4x8x8xf32>, %w: tensor<8x4x3x3xf32>) {
  // expected-error @+1 {{'kite.conv2d' op strides and dilations must be >= 1}}
  %0 = kite.conv2d %x, %w {strides = array<i64: 0, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x4x8x8xf32>, tensor<8x4x3x3xf32>) -> tensor<1x8x6x6xf32>
  return
}

// -----

func.func @f(%x: tensor<1x4x8x8xf32>, %w: tensor<8x4x3x3xf32>) {
  // expected-error @+1 {{'kite.conv2d' op pads must be >= 0}}
  %0 = kite.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, -1, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x4x8x8xf32>, tensor<8x4x3x3xf32>) -> tensor<1x8x6x6xf32>
  return
}

// -----

func.func @f(%x: tensor<1x4x8x8xf32>, %w: tensor<8x4x3x3xf32>) {
  // expected-error @+1 {{'kite.conv2d' op groups must be >= 1, got 0}}
  %0 = kite.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 0 : i64} : (tensor<1x4x8x8xf32>, tensor<8x4x3x3xf32>) -> tensor<1x8x6x6xf32>
  return
}

// -----

func.func @f(%x: tensor<1x4x8x8xf32>, %w: tensor<9x1x3x3xf32>) {
  // expected-error @+1 {{'kite.conv2d' op input channels 4 are not divisible by groups 3}}
  %0 = kite.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 3 : i64} : (tensor<1x4x8x8xf32>, tensor<9x1x3x3xf32>) -> tensor<1x9x6x6xf32>
  return
}

// -----

func.func @f(%x: tensor<1x6x8x8xf32>, %w: tensor<8x2x3x3xf32>) {
  // expected-error @+1 {{'kite.conv2d' op filter count 8 is not divisible by groups 3}}
  %0 = kite.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 3 : i64} : (tensor<1x6x8x8xf32>, tensor<8x2x3x3xf32>) -> tensor<1x8x6x6xf32>
  return
}

// -----

func.func @f(%x: tensor<1x4x8x8xf32>, %w: tensor<8x4x3x3xf32>) {
  // expected-error @+1 {{'kite.conv2d' op filter has 4 channels per group, expected 2}}
  %0 = kite.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 2 : i64} : (tensor<1x4x8x8xf32>, tensor<8x4x3x3xf32>) -> tensor<1x8x6x6xf32>
  return
}

// -----

func.func @f(%x: tensor<1x4x8x8xf32>, %w: tensor<8x4x9x3xf32>) {
  // expected-error @+1 {{'kite.conv2d' op filter window 9 is larger than the padded input 8}}
  %0 = kite.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x4x8x8xf32>, tensor<8x4x9x3xf32>) -> tensor<1x8x6x6xf32>
  return
}

// -----

func.func @f(%x: tensor<1x4x8x8xf32>, %w: tensor<8x4x3x3xf32>) {
  // expected-error @+1 {{'kite.conv2d' op result dimension 2 is 8, expected 6}}
  %0 = kite.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x4x8x8xf32>, tensor<8x4x3x3xf32>) -> tensor<1x8x8x6xf32>
  return
}

// -----

func.func @f(%x: tensor<1x4x8x8xf32>, %w: tensor<8x4x3x3xf32>, %b: tensor<4xf32>) {
  // expected-error @+1 {{'kite.conv2d' op bias must be a 1-D tensor of 8 elements, got 'tensor<4xf32>'}}
  %0 = kite.conv2d %x, %w bias(%b) {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x4x8x8xf32>, tensor<8x4x3x3xf32>, tensor<4xf32>) -> tensor<1x8x6x6xf32>
  return
}

// -----

func.func @f(%x: tensor<1x4x8x8xf32>, %w: tensor<8x4x3x3xf32>, %b: tensor<8xf16>) {
  // expected-error @+1 {{'kite.conv2d' op bias element type 'f16' differs from the result's}}
  %0 = kite.conv2d %x, %w bias(%b) {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x4x8x8xf32>, tensor<8x4x3x3xf32>, tensor<8xf16>) -> tensor<1x8x6x6xf32>
  return
}

// -----

func.func @f(%a: tensor<4x8xf32>) {
  // expected-error @+1 {{'kite.softmax' op axis 2 is out of range for a tensor of rank 2}}
  %0 = kite.softmax %a {axis = 2 : i64} : tensor<4x8xf32>
  return
}

// -----

func.func @f(%a: tensor<4x8xf32>) {
  // expected-error @+1 {{'kite.lut_softmax' op axis -3 is out of range for a tensor of rank 2}}
  %0 = kite.lut_softmax %a {axis = -3 : i64, method = #kite.softmax_method<rexp>, input_scale = 1.0 : f64, step = 1.0 : f64, out_bits = 8 : i64, sum_shift = 0 : i64, out_shift = 8 : i64, exp_table = dense<[255, 94, 35]> : tensor<3xi32>, norm_table = dense<[255, 128]> : tensor<2xi32>} : tensor<4x8xf32> -> tensor<4x8xi16>
  return
}

// -----

func.func @f(%a: tensor<4x8xf32>) {
  // expected-error @+1 {{'kite.lut_softmax' op result shape must equal input shape}}
  %0 = kite.lut_softmax %a {axis = -1 : i64, method = #kite.softmax_method<rexp>, input_scale = 1.0 : f64, step = 1.0 : f64, out_bits = 8 : i64, sum_shift = 0 : i64, out_shift = 8 : i64, exp_table = dense<[255, 94, 35]> : tensor<3xi32>, norm_table = dense<[255, 128]> : tensor<2xi32>} : tensor<4x8xf32> -> tensor<4x9xi16>
  return
}

// -----

func.func @f(%a: tensor<4x8xf32>) {
  // expected-error @+1 {{'kite.lut_softmax' op out_bits 17 is out of range: must be in [2, 16]}}
  %0 = kite.lut_softmax %a {axis = -1 : i64, method = #kite.softmax_method<rexp>, input_scale = 1.0 : f64, step = 1.0 : f64, out_bits = 17 : i64, sum_shift = 0 : i64, out_shift = 8 : i64, exp_table = dense<[255, 94, 35]> : tensor<3xi32>, norm_table = dense<[255, 128]> : tensor<2xi32>} : tensor<4x8xf32> -> tensor<4x8xi32>
  return
}

// -----

func.func @f(%a: tensor<4x8xf32>) {
  // expected-error @+1 {{'kite.lut_softmax' op result element type 'i8' cannot hold 8-bit unsigned probabilities}}
  %0 = kite.lut_softmax %a {axis = -1 : i64, method = #kite.softmax_method<rexp>, input_scale = 1.0 : f64, step = 1.0 : f64, out_bits = 8 : i64, sum_shift = 0 : i64, out_shift = 8 : i64, exp_table = dense<[255, 94, 35]> : tensor<3xi32>, norm_table = dense<[255, 128]> : tensor<2xi32>} : tensor<4x8xf32> -> tensor<4x8xi8>
  return
}

// -----

func.func @f(%a: tensor<4x8xf32>) {
  // expected-error @+1 {{'kite.lut_softmax' op input_scale and step must be positive}}
  %0 = kite.lut_softmax %a {axis = -1 : i64, method = #kite.softmax_method<rexp>, input_scale = 1.0 : f64, step = 0.0 : f64, out_bits = 8 : i64, sum_shift = 0 : i64, out_shift = 8 : i64, exp_table = dense<[255, 94, 35]> : tensor<3xi32>, norm_table = dense<[255, 128]> : tensor<2xi32>} : tensor<4x8xf32> -> tensor<4x8xi16>
  return
}

// -----

func.func @f(%a: tensor<4x8xf32>) {
  // expected-error @+1 {{'kite.lut_softmax' op sum_shift and out_shift must be in [0, 62]}}
  %0 = kite.lut_softmax %a {axis = -1 : i64, method = #kite.softmax_method<rexp>, input_scale = 1.0 : f64, step = 1.0 : f64, out_bits = 8 : i64, sum_shift = -1 : i64, out_shift = 8 : i64, exp_table = dense<[255, 94, 35]> : tensor<3xi32>, norm_table = dense<[255, 128]> : tensor<2xi32>} : tensor<4x8xf32> -> tensor<4x8xi16>
  return
}

// -----

func.func @f(%a: tensor<4x8xf32>) {
  // expected-error @+1 {{'kite.lut_softmax' op exp_table must have at least 2 entries}}
  %0 = kite.lut_softmax %a {axis = -1 : i64, method = #kite.softmax_method<rexp>, input_scale = 1.0 : f64, step = 1.0 : f64, out_bits = 8 : i64, sum_shift = 0 : i64, out_shift = 8 : i64, exp_table = dense<[255]> : tensor<1xi32>, norm_table = dense<[255, 128]> : tensor<2xi32>} : tensor<4x8xf32> -> tensor<4x8xi16>
  return
}

// -----

func.func @f(%a: tensor<4x8xf32>) {
  // expected-error @+1 {{'kite.lut_softmax' op norm_table of method lut2d must be 2-D}}
  %0 = kite.lut_softmax %a {axis = -1 : i64, method = #kite.softmax_method<lut2d>, input_scale = 1.0 : f64, step = 1.0 : f64, out_bits = 8 : i64, sum_shift = 0 : i64, out_shift = 8 : i64, exp_table = dense<[255, 94, 35]> : tensor<3xi32>, norm_table = dense<[255, 128]> : tensor<2xi32>} : tensor<4x8xf32> -> tensor<4x8xi16>
  return
}

// -----

func.func @f(%a: tensor<4x8xf32>) {
  // expected-error @+1 {{'kite.lut_softmax' op exp_table entry 256 is out of range for 8-bit unsigned entries}}
  %0 = kite.lut_softmax %a {axis = -1 : i64, method = #kite.softmax_method<rexp>, input_scale = 1.0 : f64, step = 1.0 : f64, out_bits = 8 : i64, sum_shift = 0 : i64, out_shift = 8 : i64, exp_table = dense<[256, 94, 35]> : tensor<3xi32>, norm_table = dense<[255, 128]> : tensor<2xi32>} : tensor<4x8xf32> -> tensor<4x8xi16>
  return
}

// -----

func.func @f(%a: tensor<4x8xf32>) {
  // expected-error @+1 {{'kite.lut_softmax' op norm_table entry -1 is out of range for 8-bit unsigned entries}}
  %0 = kite.lut_softmax %a {axis = -1 : i64, method = #kite.softmax_method<rexp>, input_scale = 1.0 : f64, step = 1.0 : f64, out_bits = 8 : i64, sum_shift = 0 : i64, out_shift = 8 : i64, exp_table = dense<[255, 94, 35]> : tensor<3xi32>, norm_table = dense<[255, -1]> : tensor<2xi32>} : tensor<4x8xf32> -> tensor<4x8xi16>
  return
}

// -----

func.func @f(%a: tensor<4x8xf32>) {
  // expected-error @+1 {{'kite.quantize' op result shape must equal input shape}}
  %0 = kite.quantize %a {format = #kite.int<8, signed>, scale = array<f64: 0.5>, zero_point = array<i64: 0>} : tensor<4x8xf32> -> tensor<4x9xi8>
  return
}

// -----

func.func @f(%a: tensor<4x8xf32>) {
  // expected-error @+1 {{'kite.quantize' op an LP tensor takes no format, scale, zero_point or axis: its type is the format}}
  %0 = kite.quantize %a {format = #kite.int<8, signed>, scale = array<f64: 0.5>, zero_point = array<i64: 0>} : tensor<4x8xf32> -> tensor<4x8x!kite.lp<8, 1, 7, 0>>
  return
}

// -----

func.func @f(%a: tensor<4x8xf32>) {
  // expected-error @+1 {{'kite.quantize' op an integer result needs a format}}
  %0 = kite.quantize %a {scale = array<f64: 0.5>, zero_point = array<i64: 0>} : tensor<4x8xf32> -> tensor<4x8xi8>
  return
}

// -----

func.func @f(%a: tensor<4x8xf32>) {
  // expected-error @+1 {{'kite.quantize' op an integer tensor needs scale and zero_point}}
  %0 = kite.quantize %a {format = #kite.int<8, signed>, scale = array<f64: 0.5>} : tensor<4x8xf32> -> tensor<4x8xi8>
  return
}

// -----

func.func @f(%a: tensor<4x8xf32>) {
  // expected-error @+1 {{'kite.quantize' op quantized tensor format #kite.int<8, signed> does not fit in 'i4'}}
  %0 = kite.quantize %a {format = #kite.int<8, signed>, scale = array<f64: 0.5>, zero_point = array<i64: 0>} : tensor<4x8xf32> -> tensor<4x8xi4>
  return
}

// -----

func.func @f(%a: tensor<4x8xf32>) {
  // expected-error @+1 {{'kite.quantize' op scale has 2 values but zero_point has 1}}
  %0 = kite.quantize %a {format = #kite.int<8, signed>, scale = array<f64: 0.5, 0.5>, zero_point = array<i64: 0>} : tensor<4x8xf32> -> tensor<4x8xi8>
  return
}

// -----

func.func @f(%a: tensor<4x8xf32>) {
  // expected-error @+1 {{'kite.quantize' op expected 4 scale value(s) (one per channel along axis), got 1}}
  %0 = kite.quantize %a {format = #kite.int<8, signed>, scale = array<f64: 0.5>, zero_point = array<i64: 0>, axis = 0 : i64} : tensor<4x8xf32> -> tensor<4x8xi8>
  return
}

// -----

func.func @f(%a: tensor<4x8xf32>) {
  // expected-error @+1 {{'kite.quantize' op expected 1 scale value(s) (per-tensor), got 2}}
  %0 = kite.quantize %a {format = #kite.int<8, signed>, scale = array<f64: 0.5, 0.5>, zero_point = array<i64: 0, 0>} : tensor<4x8xf32> -> tensor<4x8xi8>
  return
}

// -----

func.func @f(%a: tensor<4x8xf32>) {
  // expected-error @+1 {{'kite.quantize' op scale 0.000000e+00 must be positive and finite}}
  %0 = kite.quantize %a {format = #kite.int<8, signed>, scale = array<f64: 0.0>, zero_point = array<i64: 0>} : tensor<4x8xf32> -> tensor<4x8xi8>
  return
}

// -----

func.func @f(%a: tensor<4x8xf32>) {
  // expected-error @+1 {{'kite.quantize' op zero_point 8 is outside the format's range [-8, 7]}}
  %0 = kite.quantize %a {format = #kite.int<4, signed>, scale = array<f64: 0.5>, zero_point = array<i64: 8>} : tensor<4x8xf32> -> tensor<4x8xi8>
  return
}

// -----

func.func @f(%a: tensor<4x8xf32>) {
  // expected-error @+1 {{'kite.quantize' op axis 2 is out of range for a tensor of rank 2}}
  %0 = kite.quantize %a {format = #kite.int<8, signed>, scale = array<f64: 0.5>, zero_point = array<i64: 0>, axis = 2 : i64} : tensor<4x8xf32> -> tensor<4x8xi8>
  return
}

// -----

func.func @f(%a: tensor<4x8xi32>) {
  // expected-error @+1 {{'kite.dequantize' op result shape must equal input shape}}
  %0 = kite.dequantize %a {scale = array<f64: 0.5>, zero_point = array<i64: 0>} : tensor<4x8xi32> -> tensor<4x9xf32>
  return
}

// -----

func.func @f(%a: tensor<4x8xi32>) {
  // expected-error @+1 {{'kite.dequantize' op an integer tensor needs scale and zero_point}}
  %0 = kite.dequantize %a : tensor<4x8xi32> -> tensor<4x8xf32>
  return
}

// -----

func.func @f(%a: tensor<4x8xi8>) {
  // expected-error @+1 {{'kite.dequantize' op zero_point -129 is outside the format's range [-128, 127]}}
  %0 = kite.dequantize %a {scale = array<f64: 0.5>, zero_point = array<i64: -129>} : tensor<4x8xi8> -> tensor<4x8xf32>
  return
}

// -----

func.func @f(%a: tensor<4x8xf32>) {
  // expected-error @+1 {{'kite.layer_norm' op axis 3 is out of range for a tensor of rank 2}}
  %0 = kite.layer_norm %a {axis = 3 : i64, epsilon = 1.0e-5 : f64} : (tensor<4x8xf32>) -> tensor<4x8xf32>
  return
}

// -----

func.func @f(%a: tensor<4x8xf32>) {
  // expected-error @+1 {{'kite.layer_norm' op result type must equal input type}}
  %0 = kite.layer_norm %a {axis = 1 : i64, epsilon = 1.0e-5 : f64} : (tensor<4x8xf32>) -> tensor<4x8xf16>
  return
}

// -----

func.func @f(%a: tensor<4x8xf32>) {
  // expected-error @+1 {{'kite.layer_norm' op epsilon must be >= 0}}
  %0 = kite.layer_norm %a {axis = 1 : i64, epsilon = -1.0 : f64} : (tensor<4x8xf32>) -> tensor<4x8xf32>
  return
}

// -----

func.func @f(%a: tensor<4x8xf32>, %g: tensor<4x8xf32>) {
  // expected-error @+1 {{'kite.layer_norm' op scale must have the normalised shape and element type of the input, got 'tensor<4x8xf32>'}}
  %0 = kite.layer_norm %a scale(%g) {axis = 1 : i64, epsilon = 1.0e-5 : f64} : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  return
}

// -----

func.func @f(%a: tensor<4x8xf32>, %b: tensor<8xf16>) {
  // expected-error @+1 {{'kite.layer_norm' op bias must have the normalised shape and element type of the input, got 'tensor<8xf16>'}}
  %0 = kite.layer_norm %a bias(%b) {axis = 1 : i64, epsilon = 1.0e-5 : f64} : (tensor<4x8xf32>, tensor<8xf16>) -> tensor<4x8xf32>
  return
}

// -----

func.func @f(%a: tensor<8x8xi8>, %b: tensor<8x4xi8>) {
  // expected-error @+1 {{'kite.matmul' op multiplier 'trunc8' is not defined for 2x2-bit operands: k must be in [1, 2]}}
  %0 = kite.matmul %a, %b {lhs_format = #kite.int<2, unsigned>, rhs_format = #kite.int<2, signed>, multiplier = #kite.mul<"trunc8">} : (tensor<8x8xi8>, tensor<8x4xi8>) -> tensor<8x4xi32>
  return
}

// -----

func.func @f(%a: tensor<8x8xi16>, %b: tensor<8x4xi16>) {
  // expected-error @+1 {{'kite.matmul' op multiplier operand width 16 is out of range: must be in [2, 8]}}
  %0 = kite.matmul %a, %b {multiplier = #kite.mul<"drum4">} : (tensor<8x8xi16>, tensor<8x4xi16>) -> tensor<8x4xi32>
  return
}

// -----

func.func @f() {
  // expected-error @+1 {{'kite.constant' op codes of '!kite.lp<8, 0, 7, 0>' are stored as i8, got 'i16'}}
  %0 = kite.constant dense<[1, 2]> : tensor<2xi16> -> tensor<2x!kite.lp<8, 0, 7, 0>>
  return
}

// -----

func.func @f() {
  // expected-error @+1 {{'kite.constant' op value shape must equal result shape}}
  %0 = kite.constant dense<[1, 2]> : tensor<2xi8> -> tensor<3x!kite.lp<8, 0, 7, 0>>
  return
}

// -----

func.func @f() {
  // expected-error @+1 {{'kite.constant' op result #0 must be ranked tensor of logarithmic posit number LP<n, es, rs, sf> values, but got 'tensor<2xi8>'}}
  %0 = kite.constant dense<[1, 2]> : tensor<2xi8> -> tensor<2xi8>
  return
}

// -----

// expected-error @+1 {{target acc_bits = 8 is out of range: must be in [16, 64]}}
module attributes {kite.target = #kite.target<"t", clock_mhz = 100, array = [4, 4], acc_bits = 8, lp_acc_frac_bits = 4, int_bits = [4, 8], lp_bits = [8], multipliers = ["exact"], sparsity = [#kite.nm<2, 4>], activation_sparsity = true, softmax = #kite.softmax_unit<method = lut2d, step = 1.0, out_bits = 8, exp_entries = 7, norm_rows = 60, norm_cols = 11>, memory = #kite.memory<weight_kib = 16, act_kib = 16, acc_kib = 4, dram_bytes_per_cycle = 4, sram_bytes_per_cycle = 16>, energy = #kite.energy<int8_mul = 0.2, int8_add = 0.03, int32_add = 0.1, fp32_mul = 3.7, fp32_add = 0.9, sram_read_32b = 5, dram_read_32b = 640, lut_read_8b = 0.36>>} {
}

// -----

// expected-error @+1 {{target lp_acc_frac_bits = 32 must be less than acc_bits = 32}}
module attributes {kite.target = #kite.target<"t", clock_mhz = 100, array = [4, 4], acc_bits = 32, lp_acc_frac_bits = 32, int_bits = [4, 8], lp_bits = [8], multipliers = ["exact"], sparsity = [#kite.nm<2, 4>], activation_sparsity = true, softmax = #kite.softmax_unit<method = lut2d, step = 1.0, out_bits = 8, exp_entries = 7, norm_rows = 60, norm_cols = 11>, memory = #kite.memory<weight_kib = 16, act_kib = 16, acc_kib = 4, dram_bytes_per_cycle = 4, sram_bytes_per_cycle = 16>, energy = #kite.energy<int8_mul = 0.2, int8_add = 0.03, int32_add = 0.1, fp32_mul = 3.7, fp32_add = 0.9, sram_read_32b = 5, dram_read_32b = 640, lut_read_8b = 0.36>>} {
}

// -----

func.func @f(%a: tensor<8x8xf32>) {
  // expected-error @+1 {{'kite.lut_softmax' op exp_table must be 1-D}}
  %0 = kite.lut_softmax %a {axis = -1 : i64, method = #kite.softmax_method<rexp>, input_scale = 1.0 : f64, step = 1.0 : f64, out_bits = 8 : i64, sum_shift = 0 : i64, out_shift = 8 : i64, exp_table = dense<[[255, 94]]> : tensor<1x2xi32>, norm_table = dense<[255, 128]> : tensor<2xi32>} : tensor<8x8xf32> -> tensor<8x8xi16>
  return
}

// -----

func.func @sizes(%x: tensor<8x64xi8>, %w: tensor<64x16xi8>) -> tensor<8x16xi32> {
  // expected-error@below {{tile sizes must be in [1, 2^31], got <0, 64, 16>}}
  %y = kite.matmul %x, %w {tile = #kite.tile<0, 64, 16>}
      : (tensor<8x64xi8>, tensor<64x16xi8>) -> tensor<8x16xi32>
  return %y : tensor<8x16xi32>
}

// -----

// expected-error @+1 {{'kite.packed_weights' op values must be 8 i8 codes}}
%w = kite.packed_weights {groups = 1 : i64, values = dense<1> : tensor<4xi8>} -> tensor<4x2xi8>

// -----

// expected-error @+1 {{'kite.packed_weights' op index must be 2 i8 bytes}}
%w = kite.packed_weights {groups = 1 : i64, sparsity = #kite.nm<2, 4>, values = dense<1> : tensor<4xi8>} -> tensor<4x2xi8>

// -----

// expected-error @+1 {{'kite.packed_weights' op sparsity #kite.nm<1, 4, residual_of = #kite.nm<2, 4>> has a threshold or residual_of, which apply to activations selected at run time only}}
%w = kite.packed_weights {groups = 1 : i64, sparsity = #kite.nm<1, 4, residual_of = #kite.nm<2, 4>>, values = dense<1> : tensor<2xi8>, index = dense<0> : tensor<1xi8>} -> tensor<4x2xi8>

// -----

// expected-error @+1 {{'kite.packed_weights' op index is for N:M (sparsity) weights only}}
%w = kite.packed_weights {groups = 1 : i64, values = dense<1> : tensor<8xi8>, index = dense<0> : tensor<2xi8>} -> tensor<4x2xi8>

// -----

// expected-error @+1 {{'kite.packed_weights' op cannot split 'tensor<3x1x1x2xi8>' into the filters of 2 groups}}
%w = kite.packed_weights {filter, groups = 2 : i64, values = dense<1> : tensor<6xi8>} -> tensor<3x1x1x2xi8>

// -----

// expected-error @+1 {{'kite.packed_weights' op matmul weights 'tensor<2x4x2xi8>' are 2 matrices, not 1}}
%w = kite.packed_weights {groups = 1 : i64, values = dense<1> : tensor<16xi8>} -> tensor<2x4x2xi8>

// -----

// expected-error @+1 {{'kite.packed_weights' op packs integer or LP codes of at most 8 bits, not 'f32'}}
%w = kite.packed_weights {groups = 1 : i64, values = dense<1> : tensor<8xi8>} -> tensor<4x2xf32>

// -----

// expected-error @+1 {{buffer offset and size must be non-negative, got -64 and 24}}
func.func @buffer() attributes {kite.a = #kite.buffer<dram, -64, 24>} {
  return
}

// -----

// expected-error @+2 {{expected ::kite::MemorySpace to be one of: dram, scratch}}
// expected-error @+1 {{failed to parse Kite_BufferAttr parameter 'space'}}
func.func @space() attributes {kite.a = #kite.buffer<sram, 0, 24>} {
  return
}

// -----

func.func @f(%a: tensor<4x8x!kite.lp<6, 1, 5, 0>>) {
  // expected-error @+1 {{'kite.bitcast' op result shape must equal input shape}}
  %0 = kite.bitcast %a : tensor<4x8x!kite.lp<6, 1, 5, 0>> -> tensor<4x9xi8>
  return
}

// -----

func.func @f(%a: tensor<4x8xi8>) {
  // expected-error @+1 {{'kite.bitcast' op casts between !kite.lp words and i8, not 'i8' and 'i16'}}
  %0 = kite.bitcast %a : tensor<4x8xi8> -> tensor<4x8xi16>
  return
}

// -----

func.func @f(%a: tensor<4x8x!kite.lp<6, 1, 5, 0>>) {
  // expected-error @+1 {{'kite.bitcast' op casts between !kite.lp words and i8, not '!kite.lp<6, 1, 5, 0>' and 'i16'}}
  %0 = kite.bitcast %a : tensor<4x8x!kite.lp<6, 1, 5, 0>> -> tensor<4x8xi16>
  return
}

// -----

func.func @f(%a: tensor<4x8x!kite.lp<12, 1, 5, 0>>) {
  // expected-error @+1 {{'kite.bitcast' op LP words of 12 bits do not fit i8}}
  %0 = kite.bitcast %a : tensor<4x8x!kite.lp<12, 1, 5, 0>> -> tensor<4x8xi8>
  return
}

// -----

func.func @matmul_empty(%x: tensor<2x8xi8>, %w: tensor<8x0xi8>) -> tensor<2x0xi32> {
  // expected-error @+1 {{'kite.matmul' op has an empty tensor 'tensor<8x0xi8>'; MAC ops need every dimension >= 1}}
  %y = kite.matmul %x, %w : (tensor<2x8xi8>, tensor<8x0xi8>) -> tensor<2x0xi32>
  return %y : tensor<2x0xi32>
}

// -----

func.func @conv_empty_batch(%x: tensor<0x1x4x4xf32>, %w: tensor<1x1x2x2xf32>) -> tensor<0x1x3x3xf32> {
  // expected-error @+1 {{'kite.conv2d' op has an empty tensor 'tensor<0x1x4x4xf32>'; MAC ops need every dimension >= 1}}
  %y = kite.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64} : (tensor<0x1x4x4xf32>, tensor<1x1x2x2xf32>) -> tensor<0x1x3x3xf32>
  return %y : tensor<0x1x3x3xf32>
}

// -----

func.func @lut(%a: tensor<4xi8>) -> tensor<4xi8> {
  // expected-error @+1 {{'kite.lut' op table must be a 1-D tensor of 256 entries (one per int8 code), got 'tensor<4xi8>'}}
  %0 = kite.lut %a {function = "f", table = dense<[0, 1, 2, 3]> : tensor<4xi8>} : tensor<4xi8>
  return %0 : tensor<4xi8>
}

// -----

module attributes {kite.target = #kite.target<"t", clock_mhz = 100, array = [4, 4], acc_bits = 32, lp_acc_frac_bits = 16, int_bits = [4, 8], lp_bits = [8], multipliers = ["exact"], sparsity = [#kite.nm<2, 4>], activation_sparsity = true, softmax = #kite.softmax_unit<method = lut2d, step = 1.0, out_bits = 8, exp_entries = 7, norm_rows = 60, norm_cols = 11>, memory = #kite.memory<weight_kib = 16, act_kib = 16, acc_kib = 4, dram_bytes_per_cycle = 4, sram_bytes_per_cycle = 16>, energy = #kite.energy<int8_mul = 0.2, int8_add = 0.03, int32_add = 0.1, fp32_mul = 3.7, fp32_add = 0.9, sram_read_32b = 5, dram_read_32b = 640, lut_read_8b = 0.36>>} {
func.func @lut(%a: tensor<4xi8>) -> tensor<4xi8> {
  // expected-error @+1 {{'kite.lut' op target 't' has no LUT unit with 256-entry tables}}
  %0 = kite.lut %a {function = "f", table = dense<0> : tensor<256xi8>} : tensor<4xi8>
  return %0 : tensor<4xi8>
}
}

// -----

// expected-error @+1 {{LUT unit lanes = 0 is out of range: must be in [1, 4096]}}
func.func @bad_attr() attributes {kite.x = #kite.lut_unit<entries = 256, lanes = 0>} {
  return
}

// -----

// expected-error @+1 {{host link_bytes_per_cycle must be a positive finite number, got 0}}
func.func @bad_attr() attributes {kite.x = #kite.host<link_bytes_per_cycle = 0.0, cycles_per_element = 8.0, element_pj = 20.0>} {
  return
}
