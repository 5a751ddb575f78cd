// Bad target files get one error line naming the file and what is wrong.
// RUN: not kite-opt %s --kite-set-target=file=%S/Inputs/bad-field.json 2>&1 | FileCheck %s --check-prefix=FIELD
// RUN: not kite-opt %s --kite-set-target=file=%S/Inputs/bad-range.json 2>&1 | FileCheck %s --check-prefix=RANGE
// RUN: not kite-opt %s --kite-set-target=file=%S/Inputs/unknown-field.json 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// RUN: not kite-opt %s --kite-set-target=file=%S/Inputs/syntax.json 2>&1 | FileCheck %s --check-prefix=SYNTAX
// RUN: not kite-opt %s --kite-set-target=file=%S/Inputs/missing.json 2>&1 | FileCheck %s --check-prefix=MISSING

// FIELD: {{.*}}bad-field.json:0:0: error: field 'memory.dram_bytes_per_cycle': expected a number
// RANGE: {{.*}}bad-range.json:0:0: error: target: softmax unit method rexp needs norm_cols = 1, got 11
// UNKNOWN: {{.*}}unknown-field.json:0:0: error: field 'arrays': unknown field
// SYNTAX: {{.*}}syntax.json:0:0: error: invalid JSON: [2:20, byte=34]: Expected object key
// MISSING: {{.*}}missing.json:0:0: error: cannot read target file: No such file or directory
module {
}
