// RUN: kite-opt %s --split-input-file --kite-set-target --convert-kite-to-kite-isa | FileCheck %s
// RUN: not kite-opt %s --split-input-file --kite-set-target --convert-kite-to-kite-isa=host=false 2>&1 | FileCheck %s --check-prefix=NOHOST
// RUN: not kite-opt %s --split-input-file --kite-set-target=target=kite-mini --convert-kite-to-kite-isa 2>&1 | FileCheck %s --check-prefix=MINI

// A kite.lut no MAC drain feeds runs on its own on the LUT unit: int8
// codes in, int8 codes out, in place.
// CHECK-LABEL: kite_isa.program @main
// CHECK: kite_isa.vec_quantize
// CHECK: kite_isa.vec_lut {count = 8 : i64, dst = [[A:[0-9]+]] : i64, src = [[A]] : i64, table = array<i64: -128, -127,
// CHECK: kite_isa.vec_dequantize
func.func @main(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %q = kite.quantize %x {format = #kite.int<8, signed>, scale = array<f64: 0.05>, zero_point = array<i64: 0>} : tensor<2x4xf32> -> tensor<2x4xi8>
  %l = kite.lut %q {function = "identity", table = dense<"0x808182838485868788898A8B8C8D8E8F909192939495969798999A9B9C9D9E9FA0A1A2A3A4A5A6A7A8A9AAABACADAEAFB0B1B2B3B4B5B6B7B8B9BABBBCBDBEBFC0C1C2C3C4C5C6C7C8C9CACBCCCDCECFD0D1D2D3D4D5D6D7D8D9DADBDCDDDEDFE0E1E2E3E4E5E6E7E8E9EAEBECEDEEEFF0F1F2F3F4F5F6F7F8F9FAFBFCFDFEFF000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F202122232425262728292A2B2C2D2E2F303132333435363738393A3B3C3D3E3F404142434445464748494A4B4C4D4E4F505152535455565758595A5B5C5D5E5F606162636465666768696A6B6C6D6E6F707172737475767778797A7B7C7D7E7F"> : tensor<256xi8>} : tensor<2x4xi8>
  %y = kite.dequantize %l {scale = array<f64: 0.05>, zero_point = array<i64: 0>} : tensor<2x4xi8> -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}

// -----

// What no unit runs becomes a host segment: argmax along the last axis
// (outer 2, len 4), then the cast of its indices to i64.
// CHECK-LABEL: kite_isa.program @main
// CHECK: kite_isa.host_call {dst = {{[0-9]+}} : i64, dst_dtype = #kite_isa.dtype<i32>, inner = 1 : i64, kind = #kite_isa.host<argmax>, len = 4 : i64, outer = 2 : i64, src = {{[0-9]+}} : i64, src_dtype = #kite_isa.dtype<f32>}
// CHECK: kite_isa.host_call {dst = {{[0-9]+}} : i64, dst_dtype = #kite_isa.dtype<i64>, inner = 1 : i64, kind = #kite_isa.host<cast>, len = 2 : i64, outer = 1 : i64, src = {{[0-9]+}} : i64, src_dtype = #kite_isa.dtype<i32>}
// NOHOST: error: 'tosa.argmax' op runs only on the host, and host segments are off (kitec --no-host)
// MINI: error: 'tosa.argmax' op runs only on the host, and target 'kite-mini' has none
func.func @main(%x: tensor<2x4xf32>) -> tensor<2xi64> {
  %0 = tosa.argmax %x {axis = 1 : i32} : (tensor<2x4xf32>) -> tensor<2xi32>
  %1 = tosa.cast %0 : (tensor<2xi32>) -> tensor<2xi64>
  return %1 : tensor<2xi64>
}
