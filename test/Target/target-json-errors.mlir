// Bad target files get one error line naming the file and what is wrong.
// RUN: not kite-opt %s --kite-set-target=file=%S/Inputs/bad-field.json 2>&1 | FileCheck %s --check-prefix=FIELD
// RUN: not kite-opt %s --kite-set-target=file=%S/Inputs/bad-range.json 2>&1 | FileCheck %s --check-prefix=RANGE
// RUN: not kite-opt %s --kite-set-target=file=%S/Inputs/unknown-field.json 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// RUN: not kite-opt %s --kite-set-target=file=%S/Inputs/syntax.json 2>&1 | FileCheck %s --check-prefix=SYNTAX
// RUN: not kite-opt %s --kite-set-target=file=%S/Inputs/missing.json 2>&1 | FileCheck %s --check-prefix=MISSING

// FIELD: error: {{.*}}bad-field.json: field 'memory.dram_bytes_per_cycle': expected a number
// RANGE: error: {{.*}}bad-range.json: target: softmax unit method rexp needs norm_cols = 1, got 11
// UNKNOWN: error: {{.*}}unknown-field.json: field 'arrays': unknown field
// SYNTAX: error: {{.*}}syntax.json: invalid JSON: [2:20, byte=34]: Expected object key
// MISSING: error: {{.*}}missing.json: cannot read target file: No such file or directory
module {
}
