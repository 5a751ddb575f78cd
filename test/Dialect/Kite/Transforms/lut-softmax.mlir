// RUN: kite-opt %s --kite-lut-softmax | FileCheck %s --check-prefix=SYNTH
// RUN: kite-opt %s --kite-lut-softmax="calibration=%kite_src_root/examples/models/digits/calib_x_flat.npy" | FileCheck %s --check-prefix=CALIB
// RUN: kite-opt %s --kite-set-target=target=kite-mini --kite-lut-softmax | FileCheck %s --check-prefix=MINI
// RUN: not kite-opt %s --kite-set-target=target=kite-mini --kite-lut-softmax=method=lut2d 2>&1 | FileCheck %s --check-prefix=NO2D
// RUN: not kite-opt %s --kite-lut-softmax=method=taylor 2>&1 | FileCheck %s --check-prefix=METHOD
// RUN: not kite-opt %s --kite-lut-softmax="calibration=%kite_src_root/examples/models/digits/calib_x.npy" 2>&1 | FileCheck %s --check-prefix=SHAPE
// RUN: not kite-opt %s --kite-lut-softmax="calibration=%t.missing.npy" 2>&1 | FileCheck %s --check-prefix=MISSING
// The guard: measured on the calibration rows against the exact softmax.
// RUN: kite-opt %s --kite-lut-softmax="calibration=%kite_src_root/examples/models/digits/calib_x_flat.npy" 2>&1 >/dev/null | FileCheck %s --check-prefix=GUARD
// GUARD: kite-lut-softmax: softmax 0 (rows of 64): on 100 calibration rows argmax agreement {{[0-9.]+}}, mean |dp| {{[0-9.e+-]+}}{{$}}
// Tables held to a bound they cannot meet are not used: the exact softmax
// stays, without the int8 quantize the unit would have needed.
// fit-step also fits the distance grid on the rows: Δ = 1/2 here, with
// less error than the target's Δ = 1 (2.15e-03).
// RUN: kite-opt %s --kite-lut-softmax="calibration=%kite_src_root/examples/models/digits/calib_x_flat.npy fit-step=true" 2>&1 | FileCheck %s --check-prefix=FITSTEP
// FITSTEP: kite-lut-softmax: softmax 0 (rows of 64): on 100 calibration rows argmax agreement 1.0000, mean |dp| 1.58e-03
// FITSTEP: kite.lut_softmax {{.*}}step = 5.000000e-01 : f64
// RUN: kite-opt %s --kite-lut-softmax="calibration=%kite_src_root/examples/models/digits/calib_x_flat.npy max-error=0" 2>%t.log | FileCheck %s --check-prefix=REFUSED
// RUN: FileCheck %s --check-prefix=REFUSEDLOG < %t.log
// REFUSED: kite.softmax %arg0 {axis = -1 : i64, kite.lut_check = {agreement = {{.*}} : f64, mean_abs_error = {{.*}} : f64, rows = 100 : i64, used = false}}
// REFUSED-NOT: kite.quantize
// REFUSED-NOT: kite.lut_softmax
// REFUSEDLOG: outside the bound, the exact softmax stays (vector unit)
// units overrides the check: lut uses the tables it refused above, exact
// leaves the softmax alone.
// RUN: kite-opt %s --kite-lut-softmax="calibration=%kite_src_root/examples/models/digits/calib_x_flat.npy max-error=0 units=lut" 2>%t.units.log | FileCheck %s --check-prefix=FORCED
// RUN: FileCheck %s --check-prefix=FORCEDLOG < %t.units.log
// FORCED: kite.lut_softmax {{.*}}kite.lut_check = {{{.*}}used = true}
// FORCEDLOG: outside the bound, on the LUT as units says
// RUN: kite-opt %s --kite-lut-softmax="calibration=%kite_src_root/examples/models/digits/calib_x_flat.npy units=exact" | FileCheck %s --check-prefix=EXACT
// EXACT: kite.softmax %arg0 {axis = -1 : i64} : tensor<4x64xf32>
// EXACT-NOT: kite.lut_softmax
// RUN: not kite-opt %s --kite-lut-softmax="units=lut,exact" 2>&1 | FileCheck %s --check-prefix=UNITCOUNT
// UNITCOUNT: error: kite-lut-softmax: units names 2 softmaxes, the module has 1
// RUN: not kite-opt %s --kite-lut-softmax="units=fast" 2>&1 | FileCheck %s --check-prefix=UNITNAME
// UNITNAME: error: kite-lut-softmax: units[0] must be lut or exact, got 'fast'

// Without calibration: the default target's 2D-LUT unit (7 exponent
// entries, 60 x 11 quotients), float input, then back to float.
// SYNTH-LABEL: func.func @main
// SYNTH: %[[L:.*]] = kite.lut_softmax %arg0 {axis = -1 : i64, exp_table = dense<[10, 4, 1, 0, 0, 0, 0]> : tensor<7xi32>, input_scale = 1.000000e+00 : f64, method = #kite.softmax_method<lut2d>, norm_table = dense<{{.*}}> : tensor<60x11xi32>, out_bits = 8 : i64, out_shift = 0 : i64, step = 1.000000e+00 : f64, sum_shift = {{[0-9]+}} : i64} : tensor<4x64xf32> -> tensor<4x64xi16>
// SYNTH: %[[P:.*]] = kite.dequantize %[[L]] {scale = array<f64: 0.0039215686274509803>, zero_point = array<i64: 0>} : tensor<4x64xi16> -> tensor<4x64xf32>
// SYNTH: return %[[P]]
// SYNTH-NOT: kite.softmax

// With calibration the input is quantized to int8 by its max |x| (the
// digits pixels reach 1.0: scale 1/127).
// CALIB: %[[Q:.*]] = kite.quantize %arg0 {format = #kite.int<8, signed>, scale = array<f64: {{0.00787401574803149[0-9]*}}>, zero_point = array<i64: 0>} : tensor<4x64xf32> -> tensor<4x64xi8>
// CALIB: kite.lut_softmax %[[Q]] {{{.*}}input_scale = {{0.00787401574803149[0-9]*}} : f64{{.*}}} : tensor<4x64xi8> -> tensor<4x64xi16>

// kite-mini's unit is rexp with a 256-entry reciprocal table.
// MINI: kite.lut_softmax %arg0 {axis = -1 : i64, exp_table = dense<[255, 94, 35, 13, 5, 2, 1]> : tensor<7xi32>, {{.*}}method = #kite.softmax_method<rexp>, norm_table = dense<{{.*}}> : tensor<256xi32>, out_bits = 8 : i64, out_shift = 7 : i64

// NO2D: error: kite-lut-softmax: the softmax unit of target 'kite-mini' is 1-D (rexp)
// METHOD: error: kite-lut-softmax: method must be rexp, lut2d or target, got 'taylor'
// SHAPE: error: kite-lut-softmax: calibration data does not match @main's inputs ('tensor<4x64xf32>')
// MISSING: {{.*}}missing.npy:0:0: error: cannot open file
func.func @main(%x: tensor<4x64xf32>) -> tensor<4x64xf32> {
  %p = kite.softmax %x {axis = -1 : i64} : tensor<4x64xf32>
  return %p : tensor<4x64xf32>
}
