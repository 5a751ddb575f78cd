// RUN: kite-opt %s --split-input-file --kite-set-target --kite-bufferize | FileCheck %s
// RUN: kite-opt %s --split-input-file --kite-set-target=target=kite-mini --kite-bufferize | FileCheck %s --check-prefix=MINI
// RUN: not kite-opt %s --split-input-file --kite-bufferize 2>&1 | FileCheck %s --check-prefix=NOTARGET
// RUN: not kite-opt %s --split-input-file --kite-set-target --kite-bufferize=entry=nope 2>&1 | FileCheck %s --check-prefix=NOENTRY

// NOTARGET: error: kite-bufferize: the module has no kite.target (run kite-set-target first)
// NOENTRY: error: kite-bufferize: no function @nope

// A matmul's drain dequantizes, adds the bias and clamps on the way out:
// only the argument and the clamp's result exist in memory. The quantized
// activations live on chip; the result, which the host reads, in DRAM.
// CHECK-LABEL: func.func @main
// CHECK-SAME: (%{{.*}}: tensor<4x8xf32> {kite.buffer = #kite.buffer<dram, 0, 128>})
// CHECK: kite.quantize {{.*}}kite.buffer = #kite.buffer<scratch, 0, 32>
// CHECK: kite.matmul
// CHECK-NOT: kite.buffer
// CHECK-SAME: -> tensor<4x16xi32>
// CHECK: kite.dequantize
// CHECK-NOT: kite.buffer
// CHECK-SAME: -> tensor<4x16xf32>
// CHECK: tosa.add
// CHECK-NOT: kite.buffer
// CHECK-SAME: -> tensor<4x16xf32>
// CHECK: tosa.clamp {{.*}}kite.buffer = #kite.buffer<dram, 128, 256>
func.func @main(%x: tensor<4x8xf32>) -> tensor<4x16xf32> {
  %w = arith.constant dense<1> : tensor<8x16xi8>
  %b = arith.constant dense<0.5> : tensor<1x16xf32>
  %q = kite.quantize %x {format = #kite.int<8, signed>, scale = array<f64: 0.5>, zero_point = array<i64: 0>} : tensor<4x8xf32> -> tensor<4x8xi8>
  %y = kite.matmul %q, %w : (tensor<4x8xi8>, tensor<8x16xi8>) -> tensor<4x16xi32>
  %d = kite.dequantize %y {scale = array<f64: 0.25>, zero_point = array<i64: 0>} : tensor<4x16xi32> -> tensor<4x16xf32>
  %s = tosa.add %d, %b : (tensor<4x16xf32>, tensor<1x16xf32>) -> tensor<4x16xf32>
  %r = tosa.clamp %s {min_val = 0.0 : f32, max_val = 6.0 : f32} : (tensor<4x16xf32>) -> tensor<4x16xf32>
  return %r : tensor<4x16xf32>
}

// -----

// Blocks are reused once their tensor is dead: the clamp writes over the
// sum (which dies at it), the transpose needs a block of its own, and the
// second transpose takes the clamp's block, dead by then. A reshape
// aliases its operand and keeps it alive: the third transpose cannot take
// the first's block. The result, which the host reads, goes to DRAM after
// the arguments.
// CHECK-LABEL: func.func @main
// CHECK: tosa.add {{.*}}kite.buffer = #kite.buffer<scratch, 0, 24>
// CHECK: tosa.clamp {{.*}}kite.buffer = #kite.buffer<scratch, 0, 24>
// CHECK: tosa.transpose {{.*}}kite.buffer = #kite.buffer<scratch, 64, 24>
// CHECK: tosa.reshape
// CHECK-NOT: kite.buffer
// CHECK-SAME: -> tensor<6xf32>
// CHECK: tosa.transpose {{.*}}kite.buffer = #kite.buffer<scratch, 0, 24>
// CHECK: tosa.transpose {{.*}}kite.buffer = #kite.buffer<scratch, 128, 24>
// CHECK: tosa.add {{.*}}kite.buffer = #kite.buffer<dram, 128, 24>
func.func @main(%x: tensor<2x3xf32>, %b: tensor<1x3xf32>) -> tensor<3x2xf32> {
  %s = tosa.add %x, %b : (tensor<2x3xf32>, tensor<1x3xf32>) -> tensor<2x3xf32>
  %r = tosa.clamp %s {min_val = 0.0 : f32, max_val = 3.0 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %t = tosa.transpose %r {perms = array<i32: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  %shape = tosa.const_shape {values = dense<6> : tensor<1xindex>} : () -> !tosa.shape<1>
  %flat = tosa.reshape %t, %shape : (tensor<3x2xf32>, !tosa.shape<1>) -> tensor<6xf32>
  %back = tosa.const_shape {values = dense<[3, 2]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %u = tosa.reshape %flat, %back : (tensor<6xf32>, !tosa.shape<2>) -> tensor<3x2xf32>
  %v = tosa.transpose %u {perms = array<i32: 1, 0>} : (tensor<3x2xf32>) -> tensor<2x3xf32>
  %w = tosa.transpose %v {perms = array<i32: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  %o = tosa.add %w, %u : (tensor<3x2xf32>, tensor<3x2xf32>) -> tensor<3x2xf32>
  return %o : tensor<3x2xf32>
}

// -----

// A tensor too big for the scratchpad goes to DRAM (kite-mini has 64 KiB),
// where the result later reuses its block. The slice is a contiguous run
// of its input: it gets no block, the next op reads it in place (which
// keeps the input's block alive until then).
// MINI-LABEL: func.func @main
// MINI: tosa.clamp {{.*}}kite.buffer = #kite.buffer<dram, 80000, 80000>
// MINI: tosa.slice %{{[0-9]+}}, %{{[0-9]+}}, %{{[0-9]+}} :
// MINI: tosa.clamp {{.*}}kite.buffer = #kite.buffer<scratch, 0, 40000>
// MINI: tosa.clamp {{.*}}kite.buffer = #kite.buffer<dram, 80000, 40000>
func.func @main(%x: tensor<20000xf32>) -> tensor<10000xf32> {
  %r = tosa.clamp %x {min_val = 0.0 : f32, max_val = 6.0 : f32} : (tensor<20000xf32>) -> tensor<20000xf32>
  %start = tosa.const_shape {values = dense<0> : tensor<1xindex>} : () -> !tosa.shape<1>
  %size = tosa.const_shape {values = dense<10000> : tensor<1xindex>} : () -> !tosa.shape<1>
  %h = tosa.slice %r, %start, %size : (tensor<20000xf32>, !tosa.shape<1>, !tosa.shape<1>) -> tensor<10000xf32>
  %c = tosa.clamp %h {min_val = 0.0 : f32, max_val = 1.0 : f32} : (tensor<10000xf32>) -> tensor<10000xf32>
  %o = tosa.clamp %c {min_val = 0.0 : f32, max_val = 1.0 : f32} : (tensor<10000xf32>) -> tensor<10000xf32>
  return %o : tensor<10000xf32>
}

// -----

// A convolution gets scratch for its im2col patches (4 positions x 4
// filter taps); the inner terms of a TASD chain never reach memory, only
// the last term's result does.
// CHECK-LABEL: func.func @main(%{{.*}}: tensor<1x1x3x3xi8>
// CHECK: kite.conv2d {{.*}}kite.patches = #kite.buffer<scratch, 0, 16>
// CHECK-NOT: kite.buffer
// CHECK-SAME: -> tensor<1x2x2x2xi32>
// CHECK: kite.conv2d {{.*}}kite.buffer = #kite.buffer<dram, 64, 32>
func.func @main(%x: tensor<1x1x3x3xi8>) -> tensor<1x2x2x2xi32> {
  %w0 = arith.constant dense<[[[[1, 2], [3, 4]]], [[[5, 6], [7, 8]]]]> : tensor<2x1x2x2xi8>
  %w1 = arith.constant dense<[[[[1, 0], [1, 0]]], [[[0, 1], [0, 1]]]]> : tensor<2x1x2x2xi8>
  %y0 = kite.conv2d %x, %w0 {dilations = array<i64: 1, 1>, filter_sparsity = #kite.nm<2, 4>, groups = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x3x3xi8>, tensor<2x1x2x2xi8>) -> tensor<1x2x2x2xi32>
  %y1 = kite.conv2d %x, %w1 acc(%y0) {dilations = array<i64: 1, 1>, filter_sparsity = #kite.nm<2, 4>, groups = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x3x3xi8>, tensor<2x1x2x2xi8>, tensor<1x2x2x2xi32>) -> tensor<1x2x2x2xi32>
  return %y1 : tensor<1x2x2x2xi32>
}

// -----

// A plan from an earlier run is replaced.
// CHECK-LABEL: func.func @main(%{{.*}}: tensor<2x3xf32> {kite.buffer = #kite.buffer<dram, 0, 24>}) -> tensor<2x3xf32>
// CHECK: tosa.clamp {{.*}}kite.buffer = #kite.buffer<dram, 64, 24>
func.func @main(%x: tensor<2x3xf32> {kite.buffer = #kite.buffer<dram, 4096, 24>}) -> tensor<2x3xf32> {
  %r = tosa.clamp %x {min_val = 0.0 : f32, max_val = 3.0 : f32, kite.buffer = #kite.buffer<scratch, 0, 24>} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %r : tensor<2x3xf32>
}
