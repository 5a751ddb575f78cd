// RUN: not kite-opt %s --kite-quantize 2>&1 | FileCheck %s --check-prefix=NOCAL
// RUN: not kite-opt %s --kite-quantize="calibration=%kite_src_root/examples/models/digits/calib_x_flat.npy method=kl" 2>&1 | FileCheck %s --check-prefix=METHOD
// RUN: not kite-opt %s --kite-quantize="calibration=%kite_src_root/examples/models/digits/calib_x_flat.npy act-bits=9" 2>&1 | FileCheck %s --check-prefix=BITS
// RUN: not kite-opt %s --kite-set-target=target=kite-mini --kite-quantize="calibration=%kite_src_root/examples/models/digits/calib_x_flat.npy act-bits=6" 2>&1 | FileCheck %s --check-prefix=TARGET
// RUN: not kite-opt %s --kite-quantize="calibration=%kite_src_root/examples/models/digits/test_y.npy" 2>&1 | FileCheck %s --check-prefix=DATA
// NOCAL: error: kite-quantize: needs calibration data (calibration=<file.npy|.npz>)
// METHOD: error: kite-quantize: method must be minmax, percentile or mse, got 'kl'
// BITS: error: kite-quantize: widths must be in [2, 8], got 9
// TARGET: error: kite-quantize: target 'kite-mini' does not support the requested widths
// DATA: error: kite-quantize: calibration data does not match @main's inputs ('tensor<4x64xf32>')
func.func @main(%x: tensor<4x64xf32>) -> tensor<4x64xf32> {
  return %x : tensor<4x64xf32>
}
