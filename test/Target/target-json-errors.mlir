// Bad target files get one error line naming the file and what is wrong.
// RUN: not kite-opt %s --kite-set-target=file=%S/Inputs/bad-field.json 2>&1 | FileCheck %s --check-prefix=FIELD
// RUN: not kite-opt %s --kite-set-target=file=%S/Inputs/bad-range.json 2>&1 | FileCheck %s --check-prefix=RANGE
// RUN: not kite-opt %s --kite-set-target=file=%S/Inputs/unknown-field.json 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// RUN: not kite-opt %s --kite-set-target=file=%S/Inputs/syntax.json 2>&1 | FileCheck %s --check-prefix=SYNTAX
// RUN: not kite-opt %s --kite-set-target=file=%S/Inputs/missing.json 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: not kite-opt %s --kite-set-target=file=%S/Inputs/bad-lut.json 2>&1 | FileCheck %s --check-prefix=LUT
// "lut": null removes the base target's LUT unit.
// RUN: kite-opt %s --kite-set-target=file=%S/Inputs/no-lut.json | FileCheck %s --check-prefix=NOLUT
// RUN: kite-opt %s --kite-set-target | FileCheck %s --check-prefix=V1LUT

// FIELD: {{.*}}bad-field.json:0:0: error: field 'memory.dram_bytes_per_cycle': expected a number
// RANGE: {{.*}}bad-range.json:0:0: error: target: softmax unit method rexp needs norm_cols = 1, got 11
// UNKNOWN: {{.*}}unknown-field.json:0:0: error: field 'arrays': unknown field
// SYNTAX: {{.*}}syntax.json:0:0: error: invalid JSON: [2:20, byte=34]: Expected object key
// MISSING: {{.*}}missing.json:0:0: error: cannot read target file: No such file or directory
// LUT: {{.*}}bad-lut.json:0:0: error: target: LUT unit lanes = 0 is out of range: must be in [1, 4096]
// NOLUT: #kite.target<"kite-v1-no-lut"
// NOLUT-SAME: lut_read_8b = 3.600000e-01>>
// V1LUT: lut_read_8b = 3.600000e-01>, lut = <entries = 256, lanes = 16>, host = <link_bytes_per_cycle = 4.000000e+00, cycles_per_element = 8.000000e+00, element_pj = 2.000000e+01>>
module {
}
