// RUN: kite-opt %s --kite-set-target --kite-lut-unary="calibration=%kite_src_root/examples/models/digits/calib_x_flat.npy" 2>%t.log | FileCheck %s
// RUN: FileCheck %s --check-prefix=LOG < %t.log
// RUN: kite-opt %s --kite-set-target --kite-lut-unary="calibration=%kite_src_root/examples/models/digits/calib_x_flat.npy max-error=0" 2>/dev/null | FileCheck %s --check-prefix=REFUSED
// RUN: kite-opt %s --kite-set-target --kite-lut-unary="calibration=%kite_src_root/examples/models/digits/calib_x_flat.npy max-output-error=0" 2>&1 >/dev/null | FileCheck %s --check-prefix=OUTPUTS
// RUN: not kite-opt %s --kite-set-target --kite-lut-unary 2>&1 | FileCheck %s --check-prefix=NOCALIB
// RUN: kite-opt %s --kite-set-target=target=kite-mini --kite-lut-unary 2>&1 | FileCheck %s --check-prefix=MINI

// Hard-swish, x * clamp(x + 3, 0, 6) / 6: four ops of one tensor, one
// table. The input's codes cover its calibrated range [0, 1] (digits
// pixels, 0 inside): scale 1/255, zero point -128.
// CHECK-LABEL: func.func @main
// CHECK: %[[Q:.*]] = kite.quantize %arg0 {format = #kite.int<8, signed>, scale = array<f64: 0.0039215686274509803>, zero_point = array<i64: -128>}
// CHECK: %[[L:.*]] = kite.lut %[[Q]] {function = "tosa.add+tosa.clamp+tosa.mul+tosa.mul", kite.lut_check = {flushed = {{.*}} : f64, function = "tosa.add+tosa.clamp+tosa.mul+tosa.mul", mean_code_error = {{.*}} : f64, used = true, values = 6400 : i64}, table = dense<"0x{{[0-9A-F]+}}"> : tensor<256xi8>} : tensor<4x64xi8>
// CHECK: %[[Y:.*]] = kite.dequantize %[[L]]
// CHECK: return %[[Y]]
// CHECK-NOT: tosa.clamp
// LOG: kite-lut-unary: function 0 (tosa.add+tosa.clamp+tosa.mul+tosa.mul, 256 elements): on 6400 calibration values in [0.00, 1.00]
// REFUSED-LABEL: func.func @main
// REFUSED-NOT: kite.lut
// REFUSED: tosa.mul {{.*}}kite.lut_check = {{{.*}}used = false
// OUTPUTS: with 1 of 1 tables the outputs differ by {{.*}}; outside the bound
// NOCALIB: error: kite-lut-unary needs calibration data (calibration=) to quantize each function's input
// MINI: kite-lut-unary: target 'kite-mini' has no LUT unit with 256-entry tables; elementwise functions stay on the vector unit
// MINI-NOT: kite.lut
func.func @main(%arg0: tensor<4x64xf32>) -> tensor<4x64xf32> {
  %three = "tosa.const"() <{values = dense<3.0> : tensor<1x1xf32>}> : () -> tensor<1x1xf32>
  %sixth = "tosa.const"() <{values = dense<0.16666667> : tensor<1x1xf32>}> : () -> tensor<1x1xf32>
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %0 = tosa.add %arg0, %three : (tensor<4x64xf32>, tensor<1x1xf32>) -> tensor<4x64xf32>
  %1 = tosa.clamp %0 {max_val = 6.0 : f32, min_val = 0.0 : f32} : (tensor<4x64xf32>) -> tensor<4x64xf32>
  %2 = tosa.mul %arg0, %1, %shift : (tensor<4x64xf32>, tensor<4x64xf32>, tensor<1xi8>) -> tensor<4x64xf32>
  %3 = tosa.mul %2, %sixth, %shift : (tensor<4x64xf32>, tensor<1x1xf32>, tensor<1xi8>) -> tensor<4x64xf32>
  return %3 : tensor<4x64xf32>
}
