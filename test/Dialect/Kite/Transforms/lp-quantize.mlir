// RUN: kite-opt %s --kite-lp-quantize="calibration=%kite_src_root/examples/models/digits/calib_x_flat.npy act-format=8,1,7 weight-format=6,0,5" | FileCheck %s
// RUN: kite-opt %s --kite-lp-quantize="calibration=%kite_src_root/examples/models/digits/calib_x_flat.npy layer-formats=4,0,3/5,1,4" | FileCheck %s --check-prefix=LAYER
// RUN: not kite-opt %s --kite-lp-quantize 2>&1 | FileCheck %s --check-prefix=NOCAL
// RUN: not kite-opt %s --kite-lp-quantize="calibration=%kite_src_root/examples/models/digits/calib_x_flat.npy act-format=8,5,7" 2>&1 | FileCheck %s --check-prefix=FORMAT
// RUN: not kite-opt %s --kite-lp-quantize="calibration=%kite_src_root/examples/models/digits/calib_x_flat.npy layer-formats=8,1,7" 2>&1 | FileCheck %s --check-prefix=ENTRY
// RUN: not kite-opt %s --kite-lp-quantize="calibration=%kite_src_root/examples/models/digits/calib_x_flat.npy layer-formats=-;-" 2>&1 | FileCheck %s --check-prefix=COUNT
// RUN: not kite-opt %s --kite-set-target=target=kite-mini --kite-lp-quantize="calibration=%kite_src_root/examples/models/digits/calib_x_flat.npy act-format=6,1,5" 2>&1 | FileCheck %s --check-prefix=TARGET

// Weights 0.5 and -0.25 are exact in LP<6,0,5,sf> for a suitable sf; the
// activation format's sf is fitted on the calibration pixels in [0, 1].
// CHECK-LABEL: func.func @main
// CHECK-DAG: %[[W:.*]] = kite.constant dense<{{.*}}> : tensor<64x2xi8> -> tensor<64x2x!kite.lp<6, 0, 5, {{-?[0-9]+}}>>
// CHECK-DAG: %[[X:.*]] = kite.quantize %arg0 : tensor<4x64xf32> -> tensor<4x64x!kite.lp<8, 1, 7, {{-?[0-9]+}}>>
// CHECK: %[[Y:.*]] = kite.matmul %[[X]], %[[W]] : (tensor<4x64x!kite.lp<8, 1, 7, {{-?[0-9]+}}>>, tensor<64x2x!kite.lp<6, 0, 5, {{-?[0-9]+}}>>) -> tensor<4x2xf32>
// CHECK: return %[[Y]]
// LAYER: tensor<64x2x!kite.lp<5, 1, 4,
// LAYER: tensor<4x64x!kite.lp<4, 0, 3,
// NOCAL: error: kite-lp-quantize: needs calibration data (calibration=<file.npy|.npz>)
// FORMAT: error: kite-lp-quantize: formats are 'auto' or 'n,es,rs' with 2 <= n <= 16, es <= 4, 1 <= rs < n
// ENTRY: error: kite-lp-quantize: layer-formats entry '8,1,7' is not '-' or 'n,es,rs/n,es,rs'
// COUNT: error: kite-lp-quantize: layer-formats has 2 entries but the module has 1 float MAC ops
// TARGET: error: kite-lp-quantize: target 'kite-mini' does not support LP words of 6 and 8 bits
func.func @main(%x: tensor<4x64xf32>) -> tensor<4x2xf32> {
  %w = arith.constant dense<0.5> : tensor<64x2xf32>
  %y = kite.matmul %x, %w : (tensor<4x64xf32>, tensor<64x2xf32>) -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}
