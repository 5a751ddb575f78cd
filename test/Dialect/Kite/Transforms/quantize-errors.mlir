// RUN: not kite-opt %s --kite-quantize 2>&1 | FileCheck %s --check-prefix=NOCAL
// RUN: not kite-opt %s --kite-quantize="calibration=%kite_src_root/examples/models/digits/calib_x_flat.npy method=kl" 2>&1 | FileCheck %s --check-prefix=METHOD
// RUN: not kite-opt %s --kite-quantize="calibration=%kite_src_root/examples/models/digits/calib_x_flat.npy act-bits=9" 2>&1 | FileCheck %s --check-prefix=BITS
// RUN: not kite-opt %s --kite-set-target=target=kite-mini --kite-quantize="calibration=%kite_src_root/examples/models/digits/calib_x_flat.npy act-bits=6" 2>&1 | FileCheck %s --check-prefix=TARGET
// RUN: not kite-opt %s --kite-quantize="calibration=%kite_src_root/examples/models/digits/test_y.npy" 2>&1 | FileCheck %s --check-prefix=DATA
// RUN: not kite-opt %s --kite-quantize="calibration=%kite_src_root/examples/models/digits/calib_x_flat.npy layer-bits=8,4" 2>&1 | FileCheck %s --check-prefix=COUNT
// RUN: not kite-opt %s --kite-quantize="calibration=%kite_src_root/examples/models/digits/calib_x_flat.npy layer-bits=4y4" 2>&1 | FileCheck %s --check-prefix=ENTRY
// RUN: not kite-opt %s --kite-set-target=target=kite-mini --kite-quantize="calibration=%kite_src_root/examples/models/digits/calib_x_flat.npy layer-bits=8x3" 2>&1 | FileCheck %s --check-prefix=LAYERTARGET
// RUN: not kite-opt %s --kite-quantize="calibration=%kite_src_root/examples/models/digits/calib_x_flat.npy layer-bits=8 weight-bit-budget=4" 2>&1 | FileCheck %s --check-prefix=BOTH
// RUN: not kite-opt %s --kite-quantize="calibration=%kite_src_root/examples/models/digits/calib_x_flat.npy weight-bit-budget=4 weight-widths=8,9" 2>&1 | FileCheck %s --check-prefix=WIDTHS
// BOTH: error: kite-quantize: give layer-bits or weight-bit-budget, not both
// WIDTHS: error: kite-quantize: weight width 9 is outside [2, 8] or not supported by the target
// COUNT: error: kite-quantize: layer-bits has 2 entries but the module has 1 float MAC ops
// ENTRY: error: kite-quantize: layer-bits entry '4y4' is not '-', 'f', 'A' or 'AxW'
// LAYERTARGET: error: kite-quantize: target 'kite-mini' does not support the requested widths 8x3
// NOCAL: error: kite-quantize: needs calibration data (calibration=<file.npy|.npz>)
// METHOD: error: kite-quantize: method must be minmax, percentile or mse, got 'kl'
// BITS: error: kite-quantize: widths must be in [2, 8], got 9
// TARGET: error: kite-quantize: target 'kite-mini' does not support the requested widths 6x8
// DATA: error: kite-quantize: calibration data does not match @main's inputs ('tensor<4x64xf32>')
func.func @main(%x: tensor<4x64xf32>) -> tensor<4x4xf32> {
  %w = arith.constant dense<0.5> : tensor<64x4xf32>
  %y = kite.matmul %x, %w : (tensor<4x64xf32>, tensor<64x4xf32>) -> tensor<4x4xf32>
  return %y : tensor<4x4xf32>
}
