// A module that already has a target keeps it unless override is set.
// RUN: kite-opt %s --kite-set-target | FileCheck %s --check-prefix=KEEP
// RUN: kite-opt %s --kite-set-target="target=kite-mini override=true" | FileCheck %s --check-prefix=OVERRIDE

// KEEP: #kite.target<"kite-v1"
// OVERRIDE: #kite.target<"kite-mini"
module attributes {kite.target = #kite.target<"kite-v1", clock_mhz = 1000,
    array = [16, 16], acc_bits = 32, lp_acc_frac_bits = 16, int_bits = [8], lp_bits = [8], multipliers = ["exact"],
    sparsity = [], activation_sparsity = false,
    softmax = #kite.softmax_unit<method = rexp, step = 1.0, out_bits = 8,
                                 exp_entries = 7, norm_rows = 256, norm_cols = 1>,
    memory = #kite.memory<weight_kib = 16, act_kib = 16, acc_kib = 4,
                          dram_bytes_per_cycle = 4, sram_bytes_per_cycle = 16>,
    energy = #kite.energy<int8_mul = 0.2, int8_add = 0.03, int32_add = 0.1,
                          fp32_mul = 3.7, fp32_add = 0.9, sram_read_32b = 5,
                          dram_read_32b = 640, lut_read_8b = 0.36>>} {
}
