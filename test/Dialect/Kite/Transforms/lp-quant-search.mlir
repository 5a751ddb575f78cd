// RUN: kite-opt %s --kite-lp-quant-search="calibration=%kite_src_root/examples/models/digits/calib_x_flat.npy population=4 generations=2 bit-budget=5" -o %t.a.mlir 2>&1 | FileCheck %s --check-prefix=PROGRESS
// RUN: FileCheck %s < %t.a.mlir
// RUN: kite-opt %s --mlir-disable-threading --kite-lp-quant-search="calibration=%kite_src_root/examples/models/digits/calib_x_flat.npy population=4 generations=2 bit-budget=5" -o %t.b.mlir 2>/dev/null
// RUN: diff %t.a.mlir %t.b.mlir
// The same result on a pool of three threads (threads=3); calibration-size
// scores on the first samples only (here two batches of 4).
// RUN: kite-opt %s --kite-lp-quant-search="calibration=%kite_src_root/examples/models/digits/calib_x_flat.npy population=4 generations=2 bit-budget=5 threads=3" -o %t.c.mlir 2>/dev/null
// RUN: diff %t.a.mlir %t.c.mlir
// Genomes that share their first layers' formats with one scored before
// start from the values saved there (the trades always do); every genome
// run whole (cache-mb=0) gives the same scores, so the same IR and log
// (but for the timings).
// RUN: kite-opt %s --kite-lp-quant-search="calibration=%kite_src_root/examples/models/digits/calib_x_flat.npy population=4 generations=2 bit-budget=5" -o /dev/null 2>%t.cached.log
// RUN: kite-opt %s --kite-lp-quant-search="calibration=%kite_src_root/examples/models/digits/calib_x_flat.npy population=4 generations=2 bit-budget=5 cache-mb=0" -o %t.d.mlir 2>%t.whole.log
// RUN: diff %t.a.mlir %t.d.mlir
// RUN: grep -v "generation\|evaluations in\|per evaluation" %t.cached.log > %t.cached.rest
// RUN: grep -v "generation\|evaluations in\|per evaluation" %t.whole.log > %t.whole.rest
// RUN: diff %t.cached.rest %t.whole.rest
// RUN: FileCheck %s --check-prefix=CACHED < %t.cached.log
// RUN: FileCheck %s --check-prefix=WHOLE < %t.whole.log
// CACHED: kite-lp-quant-search: {{[0-9]+}} evaluations in {{[0-9.]+}} s; {{[1-9][0-9]*}} of {{[0-9]+}} lookups found a saved layer
// WHOLE-NOT: lookups found a saved layer
// RUN: kite-opt %s --kite-lp-quant-search="calibration=%kite_src_root/examples/models/digits/calib_x_flat.npy population=4 generations=2 bit-budget=5 calibration-size=8" -o /dev/null 2>&1 | FileCheck %s --check-prefix=PROGRESS
// RUN: not kite-opt %s --kite-lp-quant-search="calibration=%kite_src_root/examples/models/digits/calib_x_flat.npy calibration-size=1000" 2>&1 | FileCheck %s --check-prefix=CALSIZE
// Fewer samples than the batch of 4: the batch repeats them.
// RUN: kite-opt %s --kite-lp-quant-search="calibration=%kite_src_root/examples/models/digits/calib_x_flat.npy population=2 generations=1 calibration-size=2" 2>&1 >/dev/null | FileCheck %s --check-prefix=CALBATCH
// CALSIZE: error: kite-lp-quant-search: asked for 1000 calibration samples, the file has 100
// CALBATCH: chose layer-formats=
// RUN: kite-opt %s --kite-lp-quant-search="calibration=%kite_src_root/examples/models/digits/calib_x_flat.npy population=2 generations=1 candidates=4,0,3" 2>&1 >/dev/null | FileCheck %s --check-prefix=ONE
// Without a bit budget to speak of, the lowest error wins (LP8, 0.533 of
// INT8's MAC energy on kite-v1's cost model); an energy budget of 0.49
// pushes the search to 5-bit words.
// RUN: kite-opt %s --kite-lp-quant-search="calibration=%kite_src_root/examples/models/digits/calib_x_flat.npy population=4 generations=2 bit-budget=8" 2>&1 >/dev/null | FileCheck %s --check-prefix=NOENERGY
// RUN: kite-opt %s --kite-lp-quant-search="calibration=%kite_src_root/examples/models/digits/calib_x_flat.npy population=4 generations=2 bit-budget=8 energy-budget=0.49" 2>&1 >/dev/null | FileCheck %s --check-prefix=ENERGY
// NOENERGY: chose layer-formats=8,1,7/8,1,7;8,1,7/8,1,7 (8.00 average bits, MAC energy 0.533 of INT8,
// ENERGY: chose layer-formats=5,1,4/5,1,4;5,1,4/5,1,4 (5.00 average bits, MAC energy 0.496 of INT8,
// RUN: not kite-opt %s --kite-lp-quant-search="calibration=%kite_src_root/examples/models/digits/calib_x_flat.npy energy-budget=-1" 2>&1 | FileCheck %s --check-prefix=NEGENERGY
// NEGENERGY: error: kite-lp-quant-search: energy-budget must be >= 0 (0: none)
// RUN: not kite-opt %s --kite-lp-quant-search 2>&1 | FileCheck %s --check-prefix=NOCAL
// RUN: not kite-opt %s --kite-lp-quant-search="calibration=%kite_src_root/examples/models/digits/calib_x_flat.npy candidates=8,1,7;9,9,9" 2>&1 | FileCheck %s --check-prefix=CAND
// RUN: not kite-opt %s --kite-lp-quant-search="calibration=%kite_src_root/examples/models/digits/calib_x_flat.npy population=1" 2>&1 | FileCheck %s --check-prefix=POP
// RUN: not kite-opt %s --kite-lp-quant-search="calibration=%kite_src_root/examples/models/digits/calib_x_flat.npy mutation=2" 2>&1 | FileCheck %s --check-prefix=RATE
// RUN: not kite-opt %s --kite-set-target=target=kite-mini --kite-lp-quant-search="calibration=%kite_src_root/examples/models/digits/calib_x_flat.npy candidates=16,1,15" 2>&1 | FileCheck %s --check-prefix=TARGET
// RUN: not kite-opt %s --kite-lp-quant-search="calibration=%kite_src_root/examples/models/digits/calib_x_flat.npy entry=scalar" 2>&1 | FileCheck %s --check-prefix=SCALAR
// Outputs that are not [rows, classes] logits (an embedding) are compared
// with the float model's by each row's cosine similarity, not a top-1.
// RUN: kite-opt %S/Inputs/lp-embedding.mlir --kite-lp-quant-search="calibration=%kite_src_root/examples/models/digits/calib_x_flat.npy population=2 generations=1 entry=embedding" 2>&1 >/dev/null | FileCheck %s --check-prefix=VALUES
// VALUES: generation 1/1: best fitness {{[0-9.]+}}, cosine similarity {{[0-9.]+}},
// VALUES: chose layer-formats={{.*}}, cosine similarity with float {{[0-9.]+}},

// Layers whose activations are sliced from one tensor (attention's Q K^T
// and A V read the QKV projection's) take one activation format, so one
// quantize before the slices replaces theirs. Free, this budget puts one
// of them at 8 bits and the other at 4, and the slices keep their own
// quantizes of f32.
// RUN: kite-opt %S/Inputs/lp-slices.mlir --kite-lp-quant-search="calibration=%kite_src_root/examples/models/digits/calib_x_flat.npy population=4 generations=2 candidates=8,1,7;4,0,3 bit-budget=5" 2>/dev/null | FileCheck %s --check-prefix=SLICES
// SLICES: kite.quantize %{{.*}} : tensor<4x2x64xf32> -> tensor<4x2x64x!kite.lp<
// SLICES-NOT: kite.quantize

// PROGRESS: kite-lp-quant-search: generation 1/2: best fitness {{[0-9.]+}}, top-1 agreement {{[0-9.]+}}, {{[0-9.]+}} average bits, MAC energy {{[0-9.]+}} of INT8, 4 evaluations, {{[0-9.]+}} s, ETA {{[0-9.]+}} s
// PROGRESS: kite-lp-quant-search: generation 2/2:
// PROGRESS: kite-lp-quant-search: uniform 8,1,7: top-1 agreement {{[0-9.]+}}, relative error
// PROGRESS: kite-lp-quant-search: uniform 7,1,6:
// PROGRESS: kite-lp-quant-search: uniform 6,1,5:
// PROGRESS: kite-lp-quant-search: uniform 5,1,4:
// PROGRESS-NOT: uniform 4,0,3
// PROGRESS: kite-lp-quant-search: chose layer-formats={{[0-9]+,[0-9],[0-9]+/[0-9]+,[0-9],[0-9]+;[0-9]+,[0-9],[0-9]+/[0-9]+,[0-9],[0-9]+}} ({{[0-9.]+}} average bits, MAC energy {{[0-9.]+}} of INT8, top-1 agreement with float {{[0-9.]+}}, relative error {{.*}}, contrastive excess {{.*}} on the calibration data)
// CHECK-LABEL: func.func @main
// CHECK-DAG: %[[W:.*]] = kite.constant {{.*}} -> tensor<64x2x!kite.lp<
// CHECK-DAG: %[[X:.*]] = kite.quantize %arg0 : tensor<4x64xf32> -> tensor<4x64x!kite.lp<
// CHECK: kite.matmul %[[X]], %[[W]]
// CHECK-LABEL: func.func @scalar
// CHECK: kite.matmul {{.*}} : (tensor<4x64xf32>, tensor<64x2xf32>)
// ONE: chose layer-formats=4,0,3/4,0,3;4,0,3/4,0,3 (4.00 average bits
// NOCAL: error: kite-lp-quant-search: needs calibration data (calibration=<file.npy|.npz>)
// CAND: error: kite-lp-quant-search: candidate '9,9,9' is not 'n,es,rs' with 2 <= n <= 16, es <= 4, 1 <= rs < n
// POP: error: kite-lp-quant-search: needs population >= 2 and generations >= 1
// RATE: error: kite-lp-quant-search: mutation and crossover are probabilities in [0, 1]
// SCALAR: error: kite-lp-quant-search: the entry function's first result must be a float tensor of rank >= 1 (e.g. logits)
// TARGET: error: kite-lp-quant-search: target 'kite-mini' does not support LP words of 16 bits
func.func @main(%x: tensor<4x64xf32>) -> tensor<4x2xf32> {
  %w = arith.constant dense<0.5> : tensor<64x2xf32>
  %y = kite.matmul %x, %w : (tensor<4x64xf32>, tensor<64x2xf32>) -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}

// Not searchable: a scalar output has no top-1.
func.func @scalar(%x: tensor<4x64xf32>) -> tensor<f32> {
  %w = arith.constant dense<0.25> : tensor<64x2xf32>
  %y = kite.matmul %x, %w : (tensor<4x64xf32>, tensor<64x2xf32>) -> tensor<4x2xf32>
  %e = tensor.extract_slice %y[0, 0] [1, 1] [1, 1] : tensor<4x2xf32> to tensor<f32>
  return %e : tensor<f32>
}
