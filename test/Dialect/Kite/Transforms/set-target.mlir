// RUN: kite-opt %s --kite-set-target | FileCheck %s --check-prefix=DEFAULT
// RUN: kite-opt %s --kite-set-target=target=kite-mini | FileCheck %s --check-prefix=MINI
// RUN: kite-opt %s --kite-set-target=file=%S/../../../Target/Inputs/edge.json | FileCheck %s --check-prefix=FILE
// RUN: not kite-opt %s --kite-set-target=target=kite-x 2>&1 | FileCheck %s --check-prefix=UNKNOWN

// DEFAULT: module attributes {kite.target = #kite.target<"kite-v1", clock_mhz = 1000, array = [16, 16], acc_bits = 32, lp_acc_frac_bits = 16, int_bits = [2, 3, 4, 5, 6, 7, 8], lp_bits = [3, 4, 5, 6, 7, 8], multipliers = ["exact", "trunc1", {{.*}}, "drum4", {{.*}}, "udm8"], sparsity = [#kite.nm<2, 4>, #kite.nm<1, 4>, #kite.nm<4, 8>, #kite.nm<2, 8>, #kite.nm<1, 8>], activation_sparsity = true, softmax = <method = lut2d, step = 1.000000e+00, out_bits = 8, exp_entries = 7, norm_rows = 60, norm_cols = 11>

// MINI: #kite.target<"kite-mini", clock_mhz = 500, array = [8, 8], acc_bits = 24, lp_acc_frac_bits = 12, int_bits = [2, 4, 8], lp_bits = [4, 8], multipliers = ["exact", {{.*}}], sparsity = [#kite.nm<2, 4>], activation_sparsity = false, softmax = <method = rexp,

// FILE: #kite.target<"edge-4x4", clock_mhz = 250, array = [4, 4], acc_bits = 24, lp_acc_frac_bits = 12, int_bits = [2, 4, 8],
// FILE-SAME: sparsity = [#kite.nm<2, 4>, #kite.nm<1, 8>]
// FILE-SAME: scratch_kib = 16
// FILE-SAME: dram_read_32b = 3.205000e+02

// UNKNOWN: error: unknown target 'kite-x'; built-in targets: kite-v1, kite-mini
module {
}
