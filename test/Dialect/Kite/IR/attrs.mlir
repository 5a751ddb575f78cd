// RUN: kite-opt %s | FileCheck %s
// RUN: kite-opt %s | kite-opt | FileCheck %s

// Every attribute, attached to a function so it prints and reparses.

// CHECK-LABEL: func.func @formats
// CHECK-SAME: kite.a = #kite.int<4, signed>
// CHECK-SAME: kite.b = #kite.int<8, unsigned>
// CHECK-SAME: kite.c = #kite.int<2, signed>
// CHECK-SAME: kite.d = #kite.int<16, unsigned>
func.func @formats() attributes {kite.a = #kite.int<4, signed>,
                                 kite.b = #kite.int<8, unsigned>,
                                 kite.c = #kite.int<2, signed>,
                                 kite.d = #kite.int<16, unsigned>} {
  return
}

// CHECK-LABEL: func.func @sparsity_and_multipliers
// CHECK-SAME: kite.mul = [#kite.mul<"exact">, #kite.mul<"drum4">]
// CHECK-SAME: kite.nm = [#kite.nm<2, 4>, #kite.nm<1, 1>, #kite.nm<256, 256>, #kite.nm<4, 8, threshold = 8>, #kite.nm<2, 4>]
func.func @sparsity_and_multipliers() attributes {
    kite.nm = [#kite.nm<2, 4>, #kite.nm<1, 1>, #kite.nm<256, 256>, #kite.nm<4, 8, threshold = 8>, #kite.nm<2, 4, threshold = 0>],
    kite.mul = [#kite.mul<"exact">, #kite.mul<"drum4">]} {
  return
}

// CHECK-LABEL: func.func @enums
// CHECK-SAME: kite.g = [#kite.gelu_approximation<none>, #kite.gelu_approximation<tanh>]
// CHECK-SAME: kite.s = [#kite.softmax_method<rexp>, #kite.softmax_method<lut2d>]
func.func @enums() attributes {
    kite.g = [#kite.gelu_approximation<none>, #kite.gelu_approximation<tanh>],
    kite.s = [#kite.softmax_method<rexp>, #kite.softmax_method<lut2d>]} {
  return
}

// CHECK-LABEL: func.func @buffers
// CHECK-SAME: kite.a = #kite.buffer<dram, 0, 128>
// CHECK-SAME: kite.b = #kite.buffer<scratch, 4096, 24>
func.func @buffers() attributes {kite.a = #kite.buffer<dram, 0, 128>,
                                 kite.b = #kite.buffer<scratch, 4096, 24>} {
  return
}

// CHECK-LABEL: func.func @target_parts
// CHECK-SAME: kite.e = #kite.energy<int8_mul = 2.000000e-01, int8_add = 3.000000e-02, int32_add = 1.000000e-01, fp32_mul = 3.700000e+00, fp32_add = 9.000000e-01, sram_read_32b = 5.000000e+00, dram_read_32b = 6.400000e+02, lut_read_8b = 3.600000e-01>
// CHECK-SAME: kite.m = #kite.memory<weight_kib = 1, act_kib = 2, acc_kib = 3, dram_bytes_per_cycle = 4.000000e+00, sram_bytes_per_cycle = 5.500000e+00>
// CHECK-SAME: kite.m2 = #kite.memory<weight_kib = 1, act_kib = 2, acc_kib = 3, dram_bytes_per_cycle = 4.000000e+00, sram_bytes_per_cycle = 5.500000e+00, scratch_kib = 64>
// CHECK-SAME: kite.s = #kite.softmax_unit<method = rexp, step = 5.000000e-01, out_bits = 8, exp_entries = 13, norm_rows = 256, norm_cols = 1>
func.func @target_parts() attributes {
    kite.e = #kite.energy<int8_mul = 0.2, int8_add = 0.03, int32_add = 0.1,
                          fp32_mul = 3.7, fp32_add = 0.9, sram_read_32b = 5,
                          dram_read_32b = 640, lut_read_8b = 0.36>,
    kite.m = #kite.memory<weight_kib = 1, act_kib = 2, acc_kib = 3,
                          dram_bytes_per_cycle = 4, sram_bytes_per_cycle = 5.5>,
    kite.m2 = #kite.memory<weight_kib = 1, act_kib = 2, acc_kib = 3,
                           dram_bytes_per_cycle = 4, sram_bytes_per_cycle = 5.5,
                           scratch_kib = 64>,
    kite.s = #kite.softmax_unit<method = rexp, step = 0.5, out_bits = 8,
                                exp_entries = 13, norm_rows = 256, norm_cols = 1>} {
  return
}

// CHECK-LABEL: module @with_target
// CHECK-SAME: kite.target = #kite.target<"tiny", clock_mhz = 200, array = [4, 8], acc_bits = 32, lp_acc_frac_bits = 16, int_bits = [4, 8], lp_bits = [8], multipliers = ["exact", "trunc2"], sparsity = [], activation_sparsity = false, softmax = <method = lut2d, step = 1.000000e+00, out_bits = 8, exp_entries = 7, norm_rows = 60, norm_cols = 11>, memory = <weight_kib = 16, act_kib = 16, acc_kib = 4, dram_bytes_per_cycle = 4.000000e+00, sram_bytes_per_cycle = 1.600000e+01>, energy = <int8_mul = 2.000000e-01, int8_add = 3.000000e-02, int32_add = 1.000000e-01, fp32_mul = 3.700000e+00, fp32_add = 9.000000e-01, sram_read_32b = 5.000000e+00, dram_read_32b = 6.400000e+02, lut_read_8b = 3.600000e-01>>
module @with_target attributes {kite.target = #kite.target<"tiny",
    clock_mhz = 200, array = [4, 8], acc_bits = 32, lp_acc_frac_bits = 16, int_bits = [4, 8], lp_bits = [8],
    multipliers = ["exact", "trunc2"], sparsity = [], activation_sparsity = false,
    softmax = #kite.softmax_unit<method = lut2d, step = 1.0, out_bits = 8,
                                 exp_entries = 7, norm_rows = 60, norm_cols = 11>,
    memory = #kite.memory<weight_kib = 16, act_kib = 16, acc_kib = 4,
                          dram_bytes_per_cycle = 4.0, sram_bytes_per_cycle = 16.0>,
    energy = #kite.energy<int8_mul = 0.2, int8_add = 0.03, int32_add = 0.1,
                          fp32_mul = 3.7, fp32_add = 0.9, sram_read_32b = 5.0,
                          dram_read_32b = 640.0, lut_read_8b = 0.36>>} {
}
