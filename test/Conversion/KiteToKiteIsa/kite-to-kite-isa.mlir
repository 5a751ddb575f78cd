// RUN: kite-opt %s --split-input-file --kite-set-target --convert-kite-to-kite-isa | FileCheck %s
// RUN: kite-opt %s --split-input-file --kite-set-target=target=kite-mini --convert-kite-to-kite-isa | FileCheck %s --check-prefix=MINI
// RUN: kite-opt %s --split-input-file --kite-set-target --convert-kite-to-kite-isa=layer-attrs=true | FileCheck %s --check-prefix=LAYER

// layer-attrs: every instruction names the position of its tensor op.
// LAYER: kite_isa.vec_quantize {{.*}}kite.layer = 1 : i64
// LAYER: kite_isa.mma {{.*}}kite.layer = 2 : i64
// LAYER: kite_isa.store_acc {{.*}}kite.layer = 2 : i64

// One INT8 matmul fits one tile: configure, load weights and activations
// into the second halves of the buffers, multiply, drain as i32. The
// quantized activations live in the scratchpad (from 1 GiB = 1073741824);
// the result, which the host reads, in DRAM.
// CHECK-LABEL: kite_isa.input {addr = 0 : i64, index = 0 : i64, type = tensor<4x8xf32>}
// CHECK: kite_isa.data {addr = 384 : i64, bytes = dense<1> : tensor<128xi8>}
// CHECK: kite_isa.vec_quantize {count = 32 : i64, dst = 1073741824 : i64, dtype = #kite_isa.dtype<i8>, format = [[INT8:134285312]] : i64, inner = 1 : i64, scales = array<f64: 5.000000e-01>, src = 0 : i64, zero_points = array<i64: 0>}
// CHECK: kite_isa.config_mma {lhs_format = [[INT8]] : i64, multiplier = "exact", rhs_format = [[INT8]] : i64}
// CHECK: kite_isa.dma_load {dst = 131072 : i64, row_bytes = 16 : i64, rows = 8 : i64, space = #kite_isa.space<weight>, src = 384 : i64, src_stride = 16 : i64}
// CHECK: kite_isa.dma_load {dst = 131072 : i64, row_bytes = 8 : i64, rows = 4 : i64, space = #kite_isa.space<act>, src = 1073741824 : i64, src_stride = 8 : i64}
// CHECK: kite_isa.mma {a = 131072 : i64, accumulate = 0 : i64, b = 131072 : i64, c = 32768 : i64, k = 8 : i64, m = 4 : i64, n = 16 : i64}
// CHECK: kite_isa.store_acc {bias = -1 : i64, col_stride = 1 : i64, cols = 16 : i64, dst = 128 : i64, dtype = #kite_isa.dtype<i32>, row_stride = 16 : i64, rows = 4 : i64, src = 32768 : i64}
// CHECK: kite_isa.output {addr = 128 : i64, index = 0 : i64, type = tensor<4x16xi32>}
// CHECK-NEXT: kite_isa.fence
// CHECK-NOT: func.func
func.func @main(%x: tensor<4x8xf32>) -> tensor<4x16xi32> {
  %w = arith.constant dense<1> : tensor<8x16xi8>
  %q = kite.quantize %x {format = #kite.int<8, signed>, scale = array<f64: 0.5>, zero_point = array<i64: 0>} : tensor<4x8xf32> -> tensor<4x8xi8>
  %y = kite.matmul %q, %w {lhs_format = #kite.int<8, signed>, rhs_format = #kite.int<8, signed>} : (tensor<4x8xi8>, tensor<8x16xi8>) -> tensor<4x16xi32>
  return %y : tensor<4x16xi32>
}

// -----

// A reduction too long for half of kite-mini's 32 KiB weight buffer (less
// two 128-byte slots for per-column vectors) is split along K; later tiles
// accumulate, in alternating buffer halves.
// MINI-LABEL: kite_isa.program @main attributes {dram_bytes = 41024
// MINI: kite_isa.mma {a = 16384 : i64, accumulate = 0 : i64, b = 16384 : i64, c = 4096 : i64, k = 2032 : i64, m = 2 : i64, n = 8 : i64}
// MINI: kite_isa.dma_load {dst = 0 : i64, row_bytes = 8 : i64, rows = 2032 : i64, space = #kite_isa.space<weight>, src = 24512 : i64, src_stride = 8 : i64}
// MINI: kite_isa.dma_load {dst = 0 : i64, row_bytes = 2032 : i64, rows = 2 : i64, space = #kite_isa.space<act>, src = 2032 : i64, src_stride = 4096 : i64}
// MINI: kite_isa.mma {a = 0 : i64, accumulate = 1 : i64, b = 0 : i64, c = 4096 : i64, k = 2032 : i64, m = 2 : i64, n = 8 : i64}
// MINI: kite_isa.mma {a = 16384 : i64, accumulate = 1 : i64, b = 16384 : i64, c = 4096 : i64, k = 32 : i64, m = 2 : i64, n = 8 : i64}
// MINI: kite_isa.store_acc {bias = -1 : i64, col_stride = 1 : i64, cols = 8 : i64
func.func @main(%x: tensor<2x4096xi8>) -> tensor<2x8xi32> {
  %w = arith.constant dense<1> : tensor<4096x8xi8>
  %y = kite.matmul %x, %w : (tensor<2x4096xi8>, tensor<4096x8xi8>) -> tensor<2x8xi32>
  return %y : tensor<2x8xi32>
}

// -----

// Convolution: the filter is packed to K x N at compile time (0x01..0x04
// row-major as 2x2 becomes the column [1, 2, 3, 4]); im2col per image; the
// drain writes NCHW (column stride = output positions) and adds the bias.
// The unpacked filter never reaches DRAM.
// CHECK-LABEL: type = tensor<1x1x3x3xi8>}
// CHECK: kite_isa.data {addr = [[PACKED:[0-9]+]] : i64, bytes = dense<[1, 2, 3, 4]> : tensor<4xi8>}
// CHECK-NOT: dense<[1, 2, 3, 4]>
// CHECK: kite_isa.config_mma
// CHECK: kite_isa.im2col {channel_offset = 0 : i64, dilations = array<i64: 1, 1>, dst = [[PATCHES:[0-9]+]] : i64, group_channels = 1 : i64, input = array<i64: 1, 3, 3>, kernel = array<i64: 2, 2>, output = array<i64: 2, 2>, pads = array<i64: 0, 0>, src = {{[0-9]+}} : i64, strides = array<i64: 1, 1>}
// CHECK: kite_isa.dma_load {dst = 262016 : i64, row_bytes = 4 : i64, rows = 1 : i64, space = #kite_isa.space<weight>
// CHECK: kite_isa.dma_load {dst = 131072 : i64, row_bytes = 1 : i64, rows = 4 : i64, space = #kite_isa.space<weight>, src = [[PACKED]] : i64, src_stride = 1 : i64}
// CHECK: kite_isa.mma {{.*}}k = 4 : i64, m = 4 : i64, n = 1 : i64}
// CHECK: kite_isa.store_acc {bias = 262016 : i64, col_stride = 4 : i64, cols = 1 : i64, {{.*}}row_stride = 1 : i64, rows = 4 : i64
func.func @main(%x: tensor<1x1x3x3xi8>) -> tensor<1x1x2x2xi32> {
  %w = arith.constant dense<[[[[1, 2], [3, 4]]]]> : tensor<1x1x2x2xi8>
  %b = arith.constant dense<5> : tensor<1xi32>
  %y = kite.conv2d %x, %w bias(%b) {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>,
                                   dilations = array<i64: 1, 1>, groups = 1 : i64}
      : (tensor<1x1x3x3xi8>, tensor<1x1x2x2xi8>, tensor<1xi32>) -> tensor<1x1x2x2xi32>
  return %y : tensor<1x1x2x2xi32>
}

// -----

// Max pooling of int8 codes (kite-quantize moves a per-tensor quantize
// above a max pool): one byte per element in and out.
// CHECK-LABEL: type = tensor<1x4x4x2xi8>}
// CHECK: kite_isa.vec_pool {dst = {{[0-9]+}} : i64, dtype = #kite_isa.dtype<i8>, input = array<i64: 1, 4, 4, 2>, kernel = array<i64: 2, 2>, kind = #kite_isa.pool<max>, output = array<i64: 2, 2>, pads = array<i64: 0, 0>, src = 0 : i64, strides = array<i64: 2, 2>}
func.func @main(%x: tensor<1x4x4x2xi8>) -> tensor<1x2x2x2xi8> {
  %p = tosa.max_pool2d %x {kernel = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>} : (tensor<1x4x4x2xi8>) -> tensor<1x2x2x2xi8>
  return %p : tensor<1x2x2x2xi8>
}

// -----

// Float glue runs on the vector unit: a broadcast operand has stride 0, a
// reshape is free (it aliases), a transpose is a strided copy. An
// elementwise op whose operand dies writes in place; the scratchpad of
// dead values is reused; the result goes to DRAM.
// CHECK-LABEL: type = tensor<1x3xf32>}
// CHECK: kite_isa.vec_binary {dst = [[SUM:1073741824]] : i64, kind = #kite_isa.binary<add>, lhs = {{[0-9]+}} : i64, lhs_strides = array<i64: 3, 1>, rhs = {{[0-9]+}} : i64, rhs_strides = array<i64: 0, 1>, shape = array<i64: 2, 3>}
// CHECK-NEXT: kite_isa.vec_clamp {count = 6 : i64, dst = [[SUM]] : i64, max = 3.4028234663852886E+38 : f64, min = 0.000000e+00 : f64, src = [[SUM]] : i64}
// CHECK-NEXT: kite_isa.vec_copy {dst = [[T:1073741888]] : i64, dst_strides = array<i64: 3, 1>, elem_bytes = 4 : i64, shape = array<i64: 2, 3>, src = [[SUM]] : i64, src_strides = array<i64: 1, 2>}
// The clamped sum is dead after the transpose: the next one reuses it.
// CHECK-NEXT: kite_isa.vec_copy {dst = [[SUM]] : i64, dst_strides = array<i64: 2, 1>, elem_bytes = 4 : i64, shape = array<i64: 3, 2>, src = [[T]] : i64, src_strides = array<i64: 1, 3>}
// CHECK: kite_isa.vec_binary {dst = [[OUT:[0-9]{3}]] : i64, kind = #kite_isa.binary<mul>, lhs = [[SUM]] : i64
// CHECK-NEXT: kite_isa.output {addr = [[OUT]] : i64
func.func @main(%x: tensor<2x3xf32>, %b: tensor<1x3xf32>) -> tensor<3x2xf32> {
  %s = tosa.add %x, %b : (tensor<2x3xf32>, tensor<1x3xf32>) -> tensor<2x3xf32>
  %r = tosa.clamp %s {min_val = 0.0 : f32, max_val = 3.40282347E+38 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %shape = tosa.const_shape {values = dense<[3, 2]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %v = tosa.reshape %r, %shape : (tensor<2x3xf32>, !tosa.shape<2>) -> tensor<3x2xf32>
  %t = tosa.transpose %v {perms = array<i32: 1, 0>} : (tensor<3x2xf32>) -> tensor<2x3xf32>
  %u = tosa.transpose %t {perms = array<i32: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  %zero = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %sq = tosa.mul %u, %u, %zero : (tensor<3x2xf32>, tensor<3x2xf32>, tensor<1xi8>) -> tensor<3x2xf32>
  return %sq : tensor<3x2xf32>
}

// -----

// A value that does not fit in the scratchpad's free space goes to DRAM:
// 80,000 bytes fit kite-v1's 512 KiB but not kite-mini's 64 KiB.
// CHECK-LABEL: type = tensor<20000xf32>}
// CHECK: kite_isa.vec_clamp {count = 20000 : i64, dst = 1073741824 : i64
// MINI-LABEL: type = tensor<20000xf32>}
// MINI: kite_isa.vec_clamp {count = 20000 : i64, dst = 80000 : i64
func.func @main(%x: tensor<20000xf32>) -> tensor<20000xf32> {
  %r = tosa.clamp %x {min_val = 0.0 : f32, max_val = 6.0 : f32} : (tensor<20000xf32>) -> tensor<20000xf32>
  %s = tosa.clamp %r {min_val = 1.0 : f32, max_val = 5.0 : f32} : (tensor<20000xf32>) -> tensor<20000xf32>
  return %s : tensor<20000xf32>
}

// -----

// A multiply by a constant after the dequantize and a GELU before the
// requantize run in the drain (multiply 0.5, activation 1: erf form);
// nothing runs on the vector unit.
// CHECK-LABEL: type = tensor<4x8xi8>}
// CHECK-NOT: kite_isa.vec_
// CHECK: kite_isa.store_acc_fused {{{.*}}activation = #kite_isa.activation<gelu>{{.*}}multiply = 5.000000e-01 : f64
// CHECK-NOT: kite_isa.vec_
// CHECK: kite_isa.output
func.func @main(%x: tensor<4x8xi8>) -> tensor<4x2xi8> {
  %w = arith.constant dense<3> : tensor<8x2xi8>
  %half = "tosa.const"() <{values = dense<0.5> : tensor<1x1xf32>}> : () -> tensor<1x1xf32>
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %a = kite.matmul %x, %w : (tensor<4x8xi8>, tensor<8x2xi8>) -> tensor<4x2xi32>
  %d0 = kite.dequantize %a {scale = array<f64: 0.01>, zero_point = array<i64: 0>} : tensor<4x2xi32> -> tensor<4x2xf32>
  %d = tosa.mul %d0, %half, %shift : (tensor<4x2xf32>, tensor<1x1xf32>, tensor<1xi8>) -> tensor<4x2xf32>
  %g = kite.gelu %d {approximation = #kite.gelu_approximation<none>} : tensor<4x2xf32>
  %q = kite.quantize %g {format = #kite.int<8, signed>, scale = array<f64: 0.05>, zero_point = array<i64: 0>} : tensor<4x2xf32> -> tensor<4x2xi8>
  return %q : tensor<4x2xi8>
}

// -----

// A leaky ReLU, max(x, 0.2 x), and a floor after it, max(y, -0.4), run in
// the drain: activation leaky with alpha 0.2, the floor as the clamp
// before it at -0.4 / 0.2 = -2, which gives the same bits because 0.2 * -2
// rounds to -0.4 in f32.
// CHECK-LABEL: type = tensor<4x8xi8>}
// CHECK-NOT: kite_isa.vec_
// CHECK: kite_isa.store_acc_fused {{{.*}}activation = #kite_isa.activation<leaky>, alpha = 0.20000000298023224 : f64{{.*}}clamp_min = -2.000000e+00 : f64
// CHECK-NOT: kite_isa.vec_
// CHECK: kite_isa.output
func.func @main(%x: tensor<4x8xi8>) -> tensor<4x2xi8> {
  %w = arith.constant dense<3> : tensor<8x2xi8>
  %alpha = "tosa.const"() <{values = dense<0.2> : tensor<1x1xf32>}> : () -> tensor<1x1xf32>
  %floor = "tosa.const"() <{values = dense<-0.4> : tensor<1x1xf32>}> : () -> tensor<1x1xf32>
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %a = kite.matmul %x, %w : (tensor<4x8xi8>, tensor<8x2xi8>) -> tensor<4x2xi32>
  %d = kite.dequantize %a {scale = array<f64: 0.01>, zero_point = array<i64: 0>} : tensor<4x2xi32> -> tensor<4x2xf32>
  %s = tosa.mul %d, %alpha, %shift : (tensor<4x2xf32>, tensor<1x1xf32>, tensor<1xi8>) -> tensor<4x2xf32>
  %l = tosa.maximum %d, %s : (tensor<4x2xf32>, tensor<4x2xf32>) -> tensor<4x2xf32>
  %f = tosa.maximum %l, %floor : (tensor<4x2xf32>, tensor<1x1xf32>) -> tensor<4x2xf32>
  %q = kite.quantize %f {format = #kite.int<8, signed>, scale = array<f64: 0.05>, zero_point = array<i64: 0>} : tensor<4x2xf32> -> tensor<4x2xi8>
  return %q : tensor<4x2xi8>
}

// -----

// A floor whose bound before the ReLU would not round back (-0.45 / 0.2 =
// -2.25, and 0.2 * -2.25 is not -0.45 in f32) stays on the vector unit,
// after a drain that runs the leaky ReLU alone.
// CHECK-LABEL: type = tensor<4x8xi8>}
// CHECK: kite_isa.store_acc_fused {{{.*}}activation = #kite_isa.activation<leaky>{{.*}}clamp_min = 0xFFF0000000000000 : f64
// CHECK: kite_isa.vec_binary
// CHECK: kite_isa.output
func.func @main(%x: tensor<4x8xi8>) -> tensor<4x2xi8> {
  %w = arith.constant dense<3> : tensor<8x2xi8>
  %alpha = "tosa.const"() <{values = dense<0.2> : tensor<1x1xf32>}> : () -> tensor<1x1xf32>
  %floor = "tosa.const"() <{values = dense<-0.45> : tensor<1x1xf32>}> : () -> tensor<1x1xf32>
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %a = kite.matmul %x, %w : (tensor<4x8xi8>, tensor<8x2xi8>) -> tensor<4x2xi32>
  %d = kite.dequantize %a {scale = array<f64: 0.01>, zero_point = array<i64: 0>} : tensor<4x2xi32> -> tensor<4x2xf32>
  %s = tosa.mul %d, %alpha, %shift : (tensor<4x2xf32>, tensor<1x1xf32>, tensor<1xi8>) -> tensor<4x2xf32>
  %l = tosa.maximum %d, %s : (tensor<4x2xf32>, tensor<4x2xf32>) -> tensor<4x2xf32>
  %f = tosa.maximum %l, %floor : (tensor<4x2xf32>, tensor<1x1xf32>) -> tensor<4x2xf32>
  %q = kite.quantize %f {format = #kite.int<8, signed>, scale = array<f64: 0.05>, zero_point = array<i64: 0>} : tensor<4x2xf32> -> tensor<4x2xi8>
  return %q : tensor<4x2xi8>
}

// -----

// A layer norm whose result only a per-tensor quantize reads (past a
// reshape) writes the int8 codes itself; one with another reader does not.
// CHECK-LABEL: type = tensor<4x8xf32>}
// CHECK: kite_isa.vec_layer_norm {bias = -1 : i64, dst = {{[0-9]+}} : i64, epsilon = 1.000000e-05 : f64, format = 134285312 : i64, len = 8 : i64, out_scale = 2.500000e-02 : f64, out_zero_point = 0 : i64, rows = 4 : i64, scale = -1 : i64, src = 0 : i64}
// CHECK-NOT: kite_isa.vec_quantize
// CHECK: kite_isa.vec_layer_norm {bias = -1 : i64, dst = {{[0-9]+}} : i64, epsilon = 1.000000e-05 : f64, format = -1 : i64
// CHECK: kite_isa.vec_quantize
func.func @main(%x: tensor<4x8xf32>) -> (tensor<32xi8>, tensor<4x8xi8>, tensor<4x8xf32>) {
  %flat = tosa.const_shape {values = dense<32> : tensor<1xindex>} : () -> !tosa.shape<1>
  %n = kite.layer_norm %x {axis = -1 : i64, epsilon = 1.0e-05 : f64} : (tensor<4x8xf32>) -> tensor<4x8xf32>
  %r = tosa.reshape %n, %flat : (tensor<4x8xf32>, !tosa.shape<1>) -> tensor<32xf32>
  %q = kite.quantize %r {format = #kite.int<8, signed>, scale = array<f64: 0.025>, zero_point = array<i64: 0>} : tensor<32xf32> -> tensor<32xi8>
  %m = kite.layer_norm %x {axis = -1 : i64, epsilon = 1.0e-05 : f64} : (tensor<4x8xf32>) -> tensor<4x8xf32>
  %p = kite.quantize %m {format = #kite.int<8, signed>, scale = array<f64: 0.025>, zero_point = array<i64: 0>} : tensor<4x8xf32> -> tensor<4x8xi8>
  return %q, %p, %m : tensor<32xi8>, tensor<4x8xi8>, tensor<4x8xf32>
}

// -----

// A residual connection computed before the matmul is added in its drain,
// which writes over the residual's block (the add was its last use); one
// computed after the matmul is added on the vector unit.
// CHECK-LABEL: type = tensor<4x2xf32>}
// CHECK: kite_isa.vec_clamp {count = 8 : i64, dst = [[R:[0-9]+]] : i64
// CHECK: kite_isa.store_acc_fused {{{.*}}dst = [[R]] : i64{{.*}}residual = [[R]] : i64
// CHECK: kite_isa.store_acc_fused {{{.*}}residual = -1 : i64
// CHECK: kite_isa.vec_binary {dst = {{[0-9]+}} : i64, kind = #kite_isa.binary<add>
func.func @main(%x: tensor<4x8xi8>, %y: tensor<4x2xf32>) -> (tensor<4x2xf32>, tensor<4x2xf32>) {
  %w = arith.constant dense<3> : tensor<8x2xi8>
  %r = tosa.clamp %y {min_val = 0.0 : f32, max_val = 1.0 : f32} : (tensor<4x2xf32>) -> tensor<4x2xf32>
  %a = kite.matmul %x, %w : (tensor<4x8xi8>, tensor<8x2xi8>) -> tensor<4x2xi32>
  %d = kite.dequantize %a {scale = array<f64: 0.01>, zero_point = array<i64: 0>} : tensor<4x2xi32> -> tensor<4x2xf32>
  %h = tosa.add %d, %r : (tensor<4x2xf32>, tensor<4x2xf32>) -> tensor<4x2xf32>
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %sq = tosa.mul %h, %h, %shift : (tensor<4x2xf32>, tensor<4x2xf32>, tensor<1xi8>) -> tensor<4x2xf32>
  %a2 = kite.matmul %x, %w : (tensor<4x8xi8>, tensor<8x2xi8>) -> tensor<4x2xi32>
  %late = tosa.clamp %y {min_val = 0.0 : f32, max_val = 2.0 : f32} : (tensor<4x2xf32>) -> tensor<4x2xf32>
  %d2 = kite.dequantize %a2 {scale = array<f64: 0.01>, zero_point = array<i64: 0>} : tensor<4x2xi32> -> tensor<4x2xf32>
  %h2 = tosa.add %d2, %late : (tensor<4x2xf32>, tensor<4x2xf32>) -> tensor<4x2xf32>
  return %sq, %h2 : tensor<4x2xf32>, tensor<4x2xf32>
}

// -----

// LUT softmax probabilities that are dequantized and requantized, each
// read once, leave the unit as int8 codes; nothing runs on the vector unit.
// CHECK-LABEL: type = tensor<4x10xi8>}
// CHECK-NOT: kite_isa.vec_
// CHECK: kite_isa.lut_softmax {{{.*}}dtype = #kite_isa.dtype<i8>{{.*}}format = 134285312 : i64{{.*}}out_scale = 4.000000e-03 : f64{{.*}}prob_scale = 0.0039215686274509803 : f64
// CHECK-NOT: kite_isa.vec_
// CHECK: kite_isa.output
func.func @main(%q: tensor<4x10xi8>) -> tensor<4x10xi8> {
  %p = kite.lut_softmax %q {axis = 1 : i64, method = #kite.softmax_method<rexp>,
         input_scale = 0.125 : f64, step = 1.0 : f64, out_bits = 8 : i64,
         sum_shift = 7 : i64, out_shift = 8 : i64,
         exp_table = dense<[255, 94, 35, 13, 5, 2, 1]> : tensor<7xi32>,
         norm_table = dense<[255, 128, 85, 64]> : tensor<4xi32>}
      : tensor<4x10xi8> -> tensor<4x10xi16>
  %f = kite.dequantize %p {scale = array<f64: 0.0039215686274509803>, zero_point = array<i64: 0>} : tensor<4x10xi16> -> tensor<4x10xf32>
  %c = kite.quantize %f {format = #kite.int<8, signed>, scale = array<f64: 0.004>, zero_point = array<i64: 0>} : tensor<4x10xf32> -> tensor<4x10xi8>
  return %c : tensor<4x10xi8>
}

// -----

// A slice that is one contiguous run of its input (here the second of
// three 2 x 4 blocks, at byte 32) is read in place; one that is not (every
// row's first two columns) is copied.
// CHECK-LABEL: type = tensor<3x2x4xf32>}
// CHECK: kite_isa.vec_clamp {count = 8 : i64, dst = {{[0-9]+}} : i64, max = 1.000000e+00 : f64, min = 0.000000e+00 : f64, src = 32 : i64}
// CHECK: kite_isa.vec_copy {dst = {{[0-9]+}} : i64, dst_strides = array<i64: 4, 2, 1>, elem_bytes = 4 : i64, shape = array<i64: 3, 2, 2>
func.func @main(%x: tensor<3x2x4xf32>) -> (tensor<1x2x4xf32>, tensor<3x2x2xf32>) {
  %b1 = tosa.const_shape {values = dense<[1, 0, 0]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %s1 = tosa.const_shape {values = dense<[1, 2, 4]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %b2 = tosa.const_shape {values = dense<[0, 0, 0]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %s2 = tosa.const_shape {values = dense<[3, 2, 2]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %m = tosa.slice %x, %b1, %s1 : (tensor<3x2x4xf32>, !tosa.shape<3>, !tosa.shape<3>) -> tensor<1x2x4xf32>
  %c = tosa.clamp %m {min_val = 0.0 : f32, max_val = 1.0 : f32} : (tensor<1x2x4xf32>) -> tensor<1x2x4xf32>
  %e = tosa.slice %x, %b2, %s2 : (tensor<3x2x4xf32>, !tosa.shape<3>, !tosa.shape<3>) -> tensor<3x2x2xf32>
  return %c, %e : tensor<1x2x4xf32>, tensor<3x2x2xf32>
}

// -----

// 2:4 weights are selected as the interpreter selects them (the two of
// largest magnitude per group of four, per column) and compressed to values
// and in-group indices; the array runs mma_nm on them.
// CHECK-LABEL: type = tensor<2x4xi8>}
// CHECK-NOT: dense<[1, -5, 3, 2]>
// CHECK: kite_isa.data {addr = [[VALUES:[0-9]+]] : i64, bytes = dense<[-5, 3]> : tensor<2xi8>}
// CHECK: kite_isa.data {addr = [[INDEX:[0-9]+]] : i64, bytes = dense<[1, 2]> : tensor<2xi8>}
// CHECK: kite_isa.dma_load {{{.*}}rows = 2 : i64, space = #kite_isa.space<weight>, src = [[VALUES]] : i64
// CHECK: kite_isa.dma_load {{{.*}}rows = 2 : i64, space = #kite_isa.space<weight>, src = [[INDEX]] : i64
// CHECK: kite_isa.mma_nm {{{.*}}group = 4 : i64, {{.*}}k = 4 : i64, keep = 2 : i64, m = 2 : i64, n = 1 : i64}
func.func @main(%x: tensor<2x4xi8>) -> tensor<2x1xi32> {
  %w = arith.constant dense<[[1], [-5], [3], [2]]> : tensor<4x1xi8>
  %y = kite.matmul %x, %w {rhs_sparsity = #kite.nm<2, 4>} : (tensor<2x4xi8>, tensor<4x1xi8>) -> tensor<2x1xi32>
  return %y : tensor<2x1xi32>
}

// -----

// A TASD chain (terms accumulating into each other, same activations) runs
// in one accumulator tile with one drain; an accumulator from elsewhere is
// loaded into ACC first.
// CHECK-LABEL: type = tensor<2x8xi8>}
// CHECK: kite_isa.mma_nm {{{.*}}accumulate = 0 : i64, {{.*}}group = 4 : i64, {{.*}}keep = 2 : i64
// CHECK-NOT: kite_isa.store_acc
// CHECK: kite_isa.mma_nm {{{.*}}accumulate = 1 : i64, {{.*}}group = 4 : i64, {{.*}}keep = 2 : i64
// CHECK: kite_isa.store_acc
// CHECK-NOT: kite_isa.store_acc
// CHECK: kite_isa.dma_load {{{.*}}row_bytes = 8 : i64, rows = 2 : i64, space = #kite_isa.space<acc>
// CHECK: kite_isa.mma_nm {{{.*}}accumulate = 1 : i64
func.func @main(%x: tensor<2x8xi8>, %init: tensor<2x2xi32>) -> (tensor<2x2xi32>, tensor<2x2xi32>) {
  %w0 = arith.constant dense<[[0, 0], [-5, 2], [3, 0], [0, 7], [0, 1], [0, 0], [9, 0], [0, 4]]> : tensor<8x2xi8>
  %w1 = arith.constant dense<[[0, 0], [0, 0], [0, 0], [2, 0], [0, 0], [0, -1], [0, 0], [0, 0]]> : tensor<8x2xi8>
  %y0 = kite.matmul %x, %w0 {rhs_sparsity = #kite.nm<2, 4>} : (tensor<2x8xi8>, tensor<8x2xi8>) -> tensor<2x2xi32>
  %y1 = kite.matmul %x, %w1 acc(%y0) {rhs_sparsity = #kite.nm<2, 4>} : (tensor<2x8xi8>, tensor<8x2xi8>, tensor<2x2xi32>) -> tensor<2x2xi32>
  %z = kite.matmul %x, %w0 acc(%init) {rhs_sparsity = #kite.nm<2, 4>} : (tensor<2x8xi8>, tensor<8x2xi8>, tensor<2x2xi32>) -> tensor<2x2xi32>
  return %y1, %z : tensor<2x2xi32>, tensor<2x2xi32>
}

// -----

// A TASD chain of convolutions unfolds the image once; its terms share the
// patches and one accumulator tile, and the bias joins at the one drain.
// CHECK-LABEL: type = tensor<1x1x3x3xi8>}
// CHECK: kite_isa.im2col
// CHECK-NOT: kite_isa.im2col
// CHECK: kite_isa.mma_nm {{{.*}}accumulate = 0 : i64, {{.*}}group = 4 : i64, {{.*}}keep = 2 : i64
// CHECK-NOT: kite_isa.store_acc
// CHECK: kite_isa.mma_nm {{{.*}}accumulate = 1 : i64, {{.*}}group = 4 : i64, {{.*}}keep = 2 : i64
// CHECK: kite_isa.store_acc {bias = {{[0-9]+}} : i64
// CHECK-NOT: kite_isa.store_acc
func.func @main(%x: tensor<1x1x3x3xi8>) -> tensor<1x2x2x2xi32> {
  %w0 = arith.constant dense<[[[[0, -5], [3, 0]]], [[[0, 2], [7, 0]]]]> : tensor<2x1x2x2xi8>
  %w1 = arith.constant dense<[[[[0, 0], [0, 2]]], [[[0, 0], [0, -1]]]]> : tensor<2x1x2x2xi8>
  %b = arith.constant dense<[10, -20]> : tensor<2xi32>
  %y0 = kite.conv2d %x, %w0 bias(%b) {dilations = array<i64: 1, 1>, filter_sparsity = #kite.nm<2, 4>, groups = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x3x3xi8>, tensor<2x1x2x2xi8>, tensor<2xi32>) -> tensor<1x2x2x2xi32>
  %y1 = kite.conv2d %x, %w1 acc(%y0) {dilations = array<i64: 1, 1>, filter_sparsity = #kite.nm<2, 4>, groups = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x3x3xi8>, tensor<2x1x2x2xi8>, tensor<1x2x2x2xi32>) -> tensor<1x2x2x2xi32>
  return %y1 : tensor<1x2x2x2xi32>
}

// -----

// A convolution stacks the im2col rows of as many images as make eight
// array heights (128 rows on kite-v1: 32 images of 4 output positions), so
// one mma streams them all; one drain per image writes its NCHW block. A
// weight tile stays in WEIGHT until something overwrites it: the second
// block of images reads the filter loaded for the first.
// CHECK-LABEL: type = tensor<40x1x3x3xi8>}
// CHECK-COUNT-32: kite_isa.im2col
// CHECK-NOT: kite_isa.im2col
// CHECK: kite_isa.dma_load {dst = [[W:[0-9]+]] : i64, {{.*}}space = #kite_isa.space<weight>
// CHECK: kite_isa.mma {{{.*}}b = [[W]] : i64, {{.*}}m = 128 : i64
// CHECK-COUNT-32: kite_isa.store_acc {{{.*}}rows = 4 : i64
// CHECK-COUNT-8: kite_isa.im2col
// CHECK-NOT: space = 2 : i64
// CHECK: kite_isa.mma {{{.*}}b = [[W]] : i64, {{.*}}m = 32 : i64
func.func @main(%x: tensor<40x1x3x3xi8>) -> tensor<40x2x2x2xi32> {
  %w = arith.constant dense<[[[[1, -5], [3, 2]]], [[[0, 2], [7, -1]]]]> : tensor<2x1x2x2xi8>
  %y = kite.conv2d %x, %w {dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<40x1x3x3xi8>, tensor<2x1x2x2xi8>) -> tensor<40x2x2x2xi32>
  return %y : tensor<40x2x2x2xi32>
}

// -----

// Only constant weights stay valid from one MAC op to the next: a second
// matmul with the constant %w reads the resident tile, one with the
// argument %v (which other instructions could have written) reloads it.
// CHECK-LABEL: type = tensor<4x8xi8>}
// CHECK: kite_isa.dma_load {{{.*}}space = #kite_isa.space<weight>
// CHECK-NOT: space = 2 : i64
// CHECK: kite_isa.mma
// CHECK: kite_isa.mma
// CHECK-COUNT-2: kite_isa.dma_load {{{.*}}space = #kite_isa.space<weight>, src = 64 : i64
// CHECK-NOT: space = 2 : i64
// CHECK: kite_isa.output
func.func @main(%x: tensor<4x8xi8>, %v: tensor<8x2xi8>) -> (tensor<4x2xi32>, tensor<4x2xi32>, tensor<4x2xi32>, tensor<4x2xi32>) {
  %w = arith.constant dense<1> : tensor<8x2xi8>
  %y0 = kite.matmul %x, %w : (tensor<4x8xi8>, tensor<8x2xi8>) -> tensor<4x2xi32>
  %y1 = kite.matmul %x, %w : (tensor<4x8xi8>, tensor<8x2xi8>) -> tensor<4x2xi32>
  %z0 = kite.matmul %x, %v : (tensor<4x8xi8>, tensor<8x2xi8>) -> tensor<4x2xi32>
  %z1 = kite.matmul %x, %v : (tensor<4x8xi8>, tensor<8x2xi8>) -> tensor<4x2xi32>
  return %y0, %y1, %z0, %z1 : tensor<4x2xi32>, tensor<4x2xi32>, tensor<4x2xi32>, tensor<4x2xi32>
}

// -----

// The float ops after a matmul fold into its drain: dequantize (per
// column), f32 bias add, clamp and requantization run in store_acc_fused,
// with no vector-unit instruction and no i32 or f32 tensor in memory.
// CHECK-LABEL: type = tensor<4x8xi8>}
// CHECK: kite_isa.store_acc_fused {acc_bias = -1 : i64, activation = #kite_isa.activation<none>, bias = [[BIAS:[0-9]+]] : i64, clamp_max = 6.000000e+00 : f64, clamp_min = 0.000000e+00 : f64, col_stride = 1 : i64, cols = 2 : i64, dst = [[OUT:[0-9]+]] : i64, dtype = #kite_isa.dtype<i8>, format = 134285312 : i64, multiply = 1.000000e+00 : f64, out_scales = array<f64: 1.000000e-01>, out_zero_point = 0 : i64, residual = -1 : i64, row_stride = 2 : i64, rows = 4 : i64, scales = array<f64: 2.500000e-01, 5.000000e-01>, src = {{[0-9]+}} : i64, zero_points = array<i64: 0, 0>}
// CHECK-NOT: kite_isa.vec_
// CHECK: kite_isa.output {addr = [[OUT]] : i64, index = 0 : i64, type = tensor<4x2xi8>}
func.func @main(%x: tensor<4x8xi8>) -> tensor<4x2xi8> {
  %w = arith.constant dense<1> : tensor<8x2xi8>
  %b = "tosa.const"() <{values = dense<[[0.5, -0.5]]> : tensor<1x2xf32>}> : () -> tensor<1x2xf32>
  %y = kite.matmul %x, %w : (tensor<4x8xi8>, tensor<8x2xi8>) -> tensor<4x2xi32>
  %d = kite.dequantize %y {axis = 1 : i64, scale = array<f64: 0.25, 0.5>, zero_point = array<i64: 0, 0>} : tensor<4x2xi32> -> tensor<4x2xf32>
  %s = tosa.add %d, %b : (tensor<4x2xf32>, tensor<1x2xf32>) -> tensor<4x2xf32>
  %r = tosa.clamp %s {min_val = 0.0 : f32, max_val = 6.0 : f32} : (tensor<4x2xf32>) -> tensor<4x2xf32>
  %q = kite.quantize %r {format = #kite.int<8, signed>, scale = array<f64: 0.1>, zero_point = array<i64: 0>} : tensor<4x2xf32> -> tensor<4x2xi8>
  return %q : tensor<4x2xi8>
}

// -----

// A value the epilogue would consume that has another use stays in memory:
// here the dequantized result is also returned, so only the dequantize
// folds into the drain.
// CHECK-LABEL: type = tensor<4x8xi8>}
// CHECK: kite_isa.store_acc_fused {{{.*}}clamp_max = 0x7FF0000000000000 : f64, clamp_min = 0xFFF0000000000000 : f64, {{.*}}dst = [[D:[0-9]+]] : i64, dtype = #kite_isa.dtype<f32>, format = -1 : i64
// CHECK: kite_isa.vec_clamp {count = 8 : i64, dst = {{[0-9]+}} : i64, {{.*}}src = [[D]] : i64}
func.func @main(%x: tensor<4x8xi8>) -> (tensor<4x2xf32>, tensor<4x2xf32>) {
  %w = arith.constant dense<1> : tensor<8x2xi8>
  %y = kite.matmul %x, %w : (tensor<4x8xi8>, tensor<8x2xi8>) -> tensor<4x2xi32>
  %d = kite.dequantize %y {scale = array<f64: 0.25>, zero_point = array<i64: 0>} : tensor<4x2xi32> -> tensor<4x2xf32>
  %r = tosa.clamp %d {min_val = 0.0 : f32, max_val = 6.0 : f32} : (tensor<4x2xf32>) -> tensor<4x2xf32>
  return %d, %r : tensor<4x2xf32>, tensor<4x2xf32>
}

// -----

// A tile on the op (#kite.tile, from kite-tile or by hand) decides the cut:
// 4 x 16 outputs in 2 x 8 tiles are four array passes.
// CHECK-LABEL: type = tensor<4x8xi8>}
// CHECK-COUNT-4: kite_isa.mma {{.*}}k = 8 : i64, m = 2 : i64, n = 8 : i64}
// CHECK-NOT: kite_isa.mma
func.func @main(%x: tensor<4x8xi8>) -> tensor<4x16xi32> {
  %w = arith.constant dense<1> : tensor<8x16xi8>
  %y = kite.matmul %x, %w {tile = #kite.tile<2, 8, 8>} : (tensor<4x8xi8>, tensor<8x16xi8>) -> tensor<4x16xi32>
  return %y : tensor<4x16xi32>
}

// -----

// A per-channel quantize whose channel depends on the column alone (here
// 3 channels of 4 columns each) folds into the drain: one output scale per
// column.
// CHECK-LABEL: type = tensor<4x16xi8>}
// CHECK: kite_isa.store_acc_fused {{.*}}cols = 12 : i64, {{.*}}dtype = #kite_isa.dtype<i8>, format = [[INT8]] : i64, {{.*}}out_scales = array<f64: 5.000000e-01, 5.000000e-01, 5.000000e-01, 5.000000e-01, 2.500000e-01, 2.500000e-01, 2.500000e-01, 2.500000e-01, 1.250000e-01, 1.250000e-01, 1.250000e-01, 1.250000e-01>
// CHECK-NOT: vec_quantize
func.func @main(%x: tensor<4x16xi8>) -> tensor<4x3x4xi8> {
  %w = arith.constant dense<3> : tensor<16x12xi8>
  %s = tosa.const_shape {values = dense<[4, 3, 4]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %acc = kite.matmul %x, %w : (tensor<4x16xi8>, tensor<16x12xi8>) -> tensor<4x12xi32>
  %f = kite.dequantize %acc {scale = array<f64: 0.001>, zero_point = array<i64: 0>} : tensor<4x12xi32> -> tensor<4x12xf32>
  %r = tosa.reshape %f, %s : (tensor<4x12xf32>, !tosa.shape<3>) -> tensor<4x3x4xf32>
  %q = kite.quantize %r {format = #kite.int<8, signed>, axis = 1 : i64, scale = array<f64: 0.5, 0.25, 0.125>, zero_point = array<i64: 0, 0, 0>} : tensor<4x3x4xf32> -> tensor<4x3x4xi8>
  return %q : tensor<4x3x4xi8>
}

// -----

// Per row it does not: the drain writes f32 and vec_quantize follows.
// CHECK-LABEL: type = tensor<4x16xi8>}
// CHECK: kite_isa.store_acc_fused {{.*}}dtype = #kite_isa.dtype<f32>, format = -1 : i64
// CHECK: kite_isa.vec_quantize {{.*}}inner = 12 : i64
func.func @main(%x: tensor<4x16xi8>) -> tensor<4x3x4xi8> {
  %w = arith.constant dense<3> : tensor<16x12xi8>
  %s = tosa.const_shape {values = dense<[4, 3, 4]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %acc = kite.matmul %x, %w : (tensor<4x16xi8>, tensor<16x12xi8>) -> tensor<4x12xi32>
  %f = kite.dequantize %acc {scale = array<f64: 0.001>, zero_point = array<i64: 0>} : tensor<4x12xi32> -> tensor<4x12xf32>
  %r = tosa.reshape %f, %s : (tensor<4x12xf32>, !tosa.shape<3>) -> tensor<4x3x4xf32>
  %q = kite.quantize %r {format = #kite.int<8, signed>, axis = 0 : i64, scale = array<f64: 0.5, 0.25, 0.125, 0.5>, zero_point = array<i64: 0, 0, 0, 0>} : tensor<4x3x4xf32> -> tensor<4x3x4xi8>
  return %q : tensor<4x3x4xi8>
}

// -----

// f32 functions without a fused form run on the vector unit (vec_unary,
// kind 0: sigmoid), in place over their operand when it dies there.
// CHECK-LABEL: kite_isa.program
// CHECK: kite_isa.vec_unary {count = 8 : i64, dst = [[E:[0-9]+]] : i64, kind = #kite_isa.unary<exp>, src = 0 : i64}
// CHECK: kite_isa.vec_unary {count = 8 : i64, dst = [[E]] : i64, kind = #kite_isa.unary<sigmoid>, src = [[E]] : i64}
// CHECK: kite_isa.vec_unary {count = 8 : i64, dst = {{[0-9]+}} : i64, kind = #kite_isa.unary<log>, src = [[E]] : i64}
func.func @main(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %e = tosa.exp %x : (tensor<2x4xf32>) -> tensor<2x4xf32>
  %s = tosa.sigmoid %e : (tensor<2x4xf32>) -> tensor<2x4xf32>
  %l = tosa.log %s : (tensor<2x4xf32>) -> tensor<2x4xf32>
  return %l : tensor<2x4xf32>
}

// -----

// f32 pow with a broadcast exponent runs on the vector unit (vec_binary,
// kind 5); the exponent is read with strides 0.
// CHECK-LABEL: kite_isa.program
// CHECK: kite_isa.vec_binary {dst = {{[0-9]+}} : i64, kind = #kite_isa.binary<pow>, lhs = 0 : i64, lhs_strides = array<i64: 4, 1>, rhs = {{[0-9]+}} : i64, rhs_strides = array<i64: 0, 0>, shape = array<i64: 2, 4>}
func.func @main(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %e = "tosa.const"() <{values = dense<2.0> : tensor<1x1xf32>}> : () -> tensor<1x1xf32>
  %p = tosa.pow %x, %e : (tensor<2x4xf32>, tensor<1x1xf32>) -> tensor<2x4xf32>
  return %p : tensor<2x4xf32>
}

// -----

// Max, min and product reductions over any one axis are vec_reduce kinds
// 1 to 3 (sum is 0) over outer x len x inner.
// CHECK-LABEL: kite_isa.program
// CHECK: kite_isa.vec_reduce {dst = {{[0-9]+}} : i64, inner = 4 : i64, kind = #kite_isa.reduce<max>, len = 3 : i64, outer = 2 : i64, src = 0 : i64}
// CHECK: kite_isa.vec_reduce {dst = {{[0-9]+}} : i64, inner = 1 : i64, kind = #kite_isa.reduce<min>, len = 4 : i64, outer = 6 : i64, src = 0 : i64}
// CHECK: kite_isa.vec_reduce {dst = {{[0-9]+}} : i64, inner = 12 : i64, kind = #kite_isa.reduce<product>, len = 2 : i64, outer = 1 : i64, src = 0 : i64}
func.func @main(%x: tensor<2x3x4xf32>) -> (tensor<2x1x4xf32>, tensor<2x3x1xf32>, tensor<1x3x4xf32>) {
  %max = tosa.reduce_max %x {axis = 1 : i32} : (tensor<2x3x4xf32>) -> tensor<2x1x4xf32>
  %min = tosa.reduce_min %x {axis = 2 : i32} : (tensor<2x3x4xf32>) -> tensor<2x3x1xf32>
  %prod = tosa.reduce_product %x {axis = 0 : i32} : (tensor<2x3x4xf32>) -> tensor<1x3x4xf32>
  return %max, %min, %prod : tensor<2x1x4xf32>, tensor<2x3x1xf32>, tensor<1x3x4xf32>
}

// -----

// An if-converted cascade: a comparison writes one flag byte per element
// (vec_compare, kind 2: greater or equal) and vec_select picks with it,
// the flags broadcast at stride 0.
// CHECK-LABEL: kite_isa.program
// CHECK: kite_isa.vec_compare {dst = [[F:[0-9]+]] : i64, kind = #kite_isa.compare<ge>, lhs = {{[0-9]+}} : i64, lhs_strides = array<i64: 1, 1>, rhs = {{[0-9]+}} : i64, rhs_strides = array<i64: 0, 1>, shape = array<i64: 2, 1>}
// CHECK: kite_isa.vec_select {cond = [[F]] : i64, cond_strides = array<i64: 1, 0>, dst = {{[0-9]+}} : i64, lhs = {{[0-9]+}} : i64, lhs_strides = array<i64: 4, 1>, rhs = 0 : i64, rhs_strides = array<i64: 4, 1>, shape = array<i64: 2, 4>}
func.func @main(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %half = "tosa.const"() <{values = dense<0.5> : tensor<1x1xf32>}> : () -> tensor<1x1xf32>
  %start = tosa.const_shape {values = dense<0> : tensor<2xindex>} : () -> !tosa.shape<2>
  %size = tosa.const_shape {values = dense<[2, 1]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %first = tosa.slice %x, %start, %size : (tensor<2x4xf32>, !tosa.shape<2>, !tosa.shape<2>) -> tensor<2x1xf32>
  %c = tosa.greater_equal %first, %half : (tensor<2x1xf32>, tensor<1x1xf32>) -> tensor<2x1xi1>
  %e = tosa.exp %x : (tensor<2x4xf32>) -> tensor<2x4xf32>
  %r = tosa.select %c, %e, %x : (tensor<2x1xi1>, tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  return %r : tensor<2x4xf32>
}

// -----

// A concatenation is one strided copy per input into its block of the
// result; a gather with one constant index row per batch is vec_gather
// (a nearest resize doubling the middle axis here).
// CHECK-LABEL: kite_isa.program
// CHECK: kite_isa.vec_copy {dst = [[C:[0-9]+]] : i64, dst_strides = array<i64: 5, 1>, elem_bytes = 4 : i64, shape = array<i64: 2, 2>, src = 0 : i64, src_strides = array<i64: 2, 1>}
// CHECK-NEXT: kite_isa.vec_copy {dst = {{[0-9]+}} : i64, dst_strides = array<i64: 5, 1>, elem_bytes = 4 : i64, shape = array<i64: 2, 3>, src = {{[0-9]+}} : i64, src_strides = array<i64: 3, 1>}
// CHECK: kite_isa.vec_gather {dst = {{[0-9]+}} : i64, elem_bytes = 4 : i64, indices = array<i64: 0, 0, 1, 1>, inner = 5 : i64, k = 2 : i64, outer = 1 : i64, src = [[C]] : i64}
func.func @main(%a: tensor<2x2xf32>, %b: tensor<2x3xf32>) -> tensor<1x4x5xf32> {
  %c = tosa.concat %a, %b {axis = 1 : i32} : (tensor<2x2xf32>, tensor<2x3xf32>) -> tensor<2x5xf32>
  %shape = tosa.const_shape {values = dense<[1, 2, 5]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %v = tosa.reshape %c, %shape : (tensor<2x5xf32>, !tosa.shape<3>) -> tensor<1x2x5xf32>
  %i = "tosa.const"() <{values = dense<[[0, 0, 1, 1]]> : tensor<1x4xi32>}> : () -> tensor<1x4xi32>
  %g = tosa.gather %v, %i : (tensor<1x2x5xf32>, tensor<1x4xi32>) -> tensor<1x4x5xf32>
  return %g : tensor<1x4x5xf32>
}

// -----

// An exact softmax (the LUT softmax off or refused) is vec_softmax over the
// axis; a negative axis counts from the back.
// CHECK-LABEL: kite_isa.program
// CHECK: kite_isa.vec_softmax {dst = {{[0-9]+}} : i64, inner = 3 : i64, len = 4 : i64, outer = 2 : i64, src = 1073741824 : i64}
// CHECK: kite_isa.vec_softmax {dst = {{[0-9]+}} : i64, inner = 1 : i64, len = 3 : i64, outer = 8 : i64, src = {{[0-9]+}} : i64}
func.func @main(%x: tensor<2x4x3xf32>) -> (tensor<2x4x3xf32>, tensor<2x4x3xf32>) {
  %a = tosa.abs %x : (tensor<2x4x3xf32>) -> tensor<2x4x3xf32>
  %y = kite.softmax %a {axis = 1 : i64} : tensor<2x4x3xf32>
  %z = kite.softmax %x {axis = -1 : i64} : tensor<2x4x3xf32>
  return %y, %z : tensor<2x4x3xf32>, tensor<2x4x3xf32>
}
