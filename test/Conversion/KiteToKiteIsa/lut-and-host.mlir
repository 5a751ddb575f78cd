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

// -----

// Index arithmetic on runtime data (ONNX's negative-index wrap of a
// computed index) and the gather it feeds run on the host: integers are
// compared, added and selected there, the comparison's booleans as i8,
// the constant broadcast with stride 0.
// CHECK-LABEL: kite_isa.program @main
// CHECK: kite_isa.host_elementwise {a = [[ZERO:[0-9]+]] : i64, a_strides = array<i64: 0>, b = [[IDX:[0-9]+]] : i64, b_strides = array<i64: 1>, cond = -1 : i64, cond_strides = array<i64>, dst = [[NEG:[0-9]+]] : i64, dst_dtype = #kite_isa.dtype<i8>, dtype = #kite_isa.dtype<i64>, kind = #kite_isa.host_op<greater>, shape = array<i64: 2>}
// CHECK: kite_isa.host_elementwise {a = [[IDX]] : i64, {{.*}}dst = [[WRAPPED:[0-9]+]] : i64, dst_dtype = #kite_isa.dtype<i64>, dtype = #kite_isa.dtype<i64>, kind = #kite_isa.host_op<add>
// CHECK: kite_isa.host_elementwise {a = [[WRAPPED]] : i64, {{.*}}b = [[IDX]] : i64, {{.*}}cond = [[NEG]] : i64, cond_strides = array<i64: 1>, {{.*}}kind = #kite_isa.host_op<select>
// CHECK: kite_isa.host_call {{.*}}kind = #kite_isa.host<cast>
// CHECK: kite_isa.host_gather {dst = {{[0-9]+}} : i64, dtype = #kite_isa.dtype<f32>, indices = {{[0-9]+}} : i64, indices_dtype = #kite_isa.dtype<i32>, inner = 3 : i64, k = 4 : i64, outer = 1 : i64, values = {{[0-9]+}} : i64, width = 2 : i64}
// NOHOST: error: 'tosa.greater' op runs only on the host, and host segments are off (kitec --no-host)
// MINI: error: 'tosa.greater' op runs only on the host, and target 'kite-mini' has none
func.func @main(%i: tensor<2xi64>) -> tensor<1x2x3xf32> {
  %zero = "tosa.const"() <{values = dense<0> : tensor<1xi64>}> : () -> tensor<1xi64>
  %k = "tosa.const"() <{values = dense<4> : tensor<1xi64>}> : () -> tensor<1xi64>
  %neg = tosa.greater %zero, %i : (tensor<1xi64>, tensor<2xi64>) -> tensor<2xi1>
  %wrapped = tosa.add %i, %k : (tensor<2xi64>, tensor<1xi64>) -> tensor<2xi64>
  %idx = tosa.select %neg, %wrapped, %i : (tensor<2xi1>, tensor<2xi64>, tensor<2xi64>) -> tensor<2xi64>
  %idx32 = tosa.cast %idx : (tensor<2xi64>) -> tensor<2xi32>
  %shape = tosa.const_shape {values = dense<[1, 2]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %rows = tosa.reshape %idx32, %shape : (tensor<2xi32>, !tosa.shape<2>) -> tensor<1x2xi32>
  %table = "tosa.const"() <{values = dense<[[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0], [10.0, 11.0, 12.0]]]> : tensor<1x4x3xf32>}> : () -> tensor<1x4x3xf32>
  %g = tosa.gather %table, %rows : (tensor<1x4x3xf32>, tensor<1x2xi32>) -> tensor<1x2x3xf32>
  return %g : tensor<1x2x3xf32>
}

// -----

// Booleans take part in comparisons, logical ops and selects (i1
// arithmetic has no host kernel: its wrap differs from the stored byte's).
// CHECK-LABEL: kite_isa.program @main
// CHECK: kite_isa.host_elementwise {{.*}}kind = #kite_isa.host_op<equal>
// CHECK: kite_isa.host_elementwise {{.*}}kind = #kite_isa.host_op<greater>
// CHECK: kite_isa.host_elementwise {{.*}}dst_dtype = #kite_isa.dtype<i8>, dtype = #kite_isa.dtype<i8>, kind = #kite_isa.host_op<logical_or>
// CHECK: kite_isa.host_elementwise {{.*}}dst_dtype = #kite_isa.dtype<i32>, dtype = #kite_isa.dtype<i32>, kind = #kite_isa.host_op<select>
func.func @main(%a: tensor<4xi32>, %b: tensor<4xi32>) -> tensor<4xi32> {
  %e = tosa.equal %a, %b : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi1>
  %g = tosa.greater %a, %b : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi1>
  %ge = tosa.logical_or %e, %g : (tensor<4xi1>, tensor<4xi1>) -> tensor<4xi1>
  %r = tosa.select %ge, %a, %b : (tensor<4xi1>, tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  return %r : tensor<4xi32>
}
