// RUN: kite-opt %s --split-input-file --kite-set-target --convert-kite-to-kite-isa --verify-diagnostics
// RUN: not kite-opt %s --split-input-file --convert-kite-to-kite-isa 2>&1 | FileCheck %s --check-prefix=NOTARGET
// RUN: not kite-opt %s --split-input-file --kite-set-target --convert-kite-to-kite-isa=entry=nope 2>&1 | FileCheck %s --check-prefix=NOENTRY

// NOTARGET: error: convert-kite-to-kite-isa: the module has no kite.target (run kite-set-target first)
// NOENTRY: error: convert-kite-to-kite-isa: no function @nope

func.func @main(%a: tensor<2x4xf32>, %b: tensor<4x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'kite.matmul' op has float operands; the MAC array runs integer or LP operands (run kite-quantize or kite-lp-quantize first)}}
  %y = kite.matmul %a, %b : (tensor<2x4xf32>, tensor<4x3xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

func.func @main(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  // expected-error @+1 {{'tosa.reverse' op has no lowering to kite_isa}}
  %y = tosa.reverse %x {axis = 1 : i32} : (tensor<2x8xf32>) -> tensor<2x8xf32>
  return %y : tensor<2x8xf32>
}

// -----

// An if kite-if-convert left (here it never ran) says why it stays; its
// scalar index and condition read are no error of their own.
func.func @main(%x: tensor<1x1x16xf32>, %flag: tensor<1xi1>) -> tensor<1x1x16xf32> {
  %i = arith.constant 0 : index
  %c = tensor.extract %flag[%i] : tensor<1xi1>
  // expected-error @+1 {{'scf.if' op is data-dependent control flow that kite-if-convert left}}
  %r = scf.if %c -> (tensor<1x1x16xf32>) {
    %e = tosa.exp %x : (tensor<1x1x16xf32>) -> tensor<1x1x16xf32>
    scf.yield %e : tensor<1x1x16xf32>
  } else {
    scf.yield %x : tensor<1x1x16xf32>
  }
  return %r : tensor<1x1x16xf32>
}

// -----

func.func @main(%x: tensor<2x8xi8>) -> tensor<2x4xi32> {
  %w = arith.constant dense<1> : tensor<8x4xi8>
  // expected-error @+1 {{'kite.matmul' op N:M activations together with N:M weights are not lowered}}
  %y = kite.matmul %x, %w {lhs_sparsity = #kite.nm<2, 4>, rhs_sparsity = #kite.nm<2, 4>} : (tensor<2x8xi8>, tensor<8x4xi8>) -> tensor<2x4xi32>
  return %y : tensor<2x4xi32>
}

// -----

func.func @main(%x: tensor<1x1x3x3xi8>, %w: tensor<1x1x2x2xi8>) -> tensor<1x1x2x2xi32> {
  // expected-error @+1 {{'kite.conv2d' op filter must be a constant (it is packed at compile time)}}
  %y = kite.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>,
                           dilations = array<i64: 1, 1>, groups = 1 : i64}
      : (tensor<1x1x3x3xi8>, tensor<1x1x2x2xi8>) -> tensor<1x1x2x2xi32>
  return %y : tensor<1x1x2x2xi32>
}

// -----

func.func @main(%x: tensor<2x8xi8>, %w: tensor<8x4xi8>) -> tensor<2x4xi32> {
  // expected-error @+1 {{'kite.matmul' op N:M weights must be constant (they are compressed at compile time)}}
  %y = kite.matmul %x, %w {rhs_sparsity = #kite.nm<2, 4>} : (tensor<2x8xi8>, tensor<8x4xi8>) -> tensor<2x4xi32>
  return %y : tensor<2x4xi32>
}

// -----

// A tile is checked against the target when it is used (kite-v1's ACC half
// is 32 KiB).
func.func @main(%x: tensor<512x8xi8>, %w: tensor<8x32xi8>) -> tensor<512x32xi32> {
  // expected-error @+1 {{'kite.matmul' op tile <512, 8, 32> does not fit target 'kite-v1': the accumulator tile (m x n x 4) needs 65536 bytes, more than the 32768 of the ACC buffer a tile may use}}
  %y = kite.matmul %x, %w {tile = #kite.tile<512, 8, 32>} : (tensor<512x8xi8>, tensor<8x32xi8>) -> tensor<512x32xi32>
  return %y : tensor<512x32xi32>
}

// -----

// The activation unit selects within a tile's rows, so a tile of a TASD-A
// series cuts no group of any term (lcm(4, 8) = 8).
func.func @main(%x: tensor<2x16xi8>, %w: tensor<16x2xi8>) -> tensor<2x2xi32> {
  %t = kite.matmul %x, %w {lhs_sparsity = #kite.nm<2, 4>, tile = #kite.tile<2, 4, 2>} : (tensor<2x16xi8>, tensor<16x2xi8>) -> tensor<2x2xi32>
  // expected-error @+1 {{'kite.matmul' op tile <2, 4, 2> does not fit target 'kite-v1': a tile must not cut a group of N:M activations: k must be a multiple of 8}}
  %y = kite.matmul %x, %w acc(%t) {lhs_sparsity = #kite.nm<1, 8, residual_of = #kite.nm<2, 4>>, tile = #kite.tile<2, 4, 2>} : (tensor<2x16xi8>, tensor<16x2xi8>, tensor<2x2xi32>) -> tensor<2x2xi32>
  return %y : tensor<2x2xi32>
}

// -----

func.func @main(%x: tensor<2x4xi8>) -> tensor<4x2xi8> {
  // expected-error @+1 {{'kite.packed_weights' op feeds an op other than a convolution's filter or N:M matmul weights}}
  %w = kite.packed_weights {groups = 1 : i64, values = dense<1> : tensor<8xi8>} -> tensor<4x2xi8>
  return %w : tensor<4x2xi8>
}

// -----

func.func @main(%x: tensor<2x4xi8>) -> tensor<2x2xi32> {
  %w = kite.packed_weights {groups = 1 : i64, sparsity = #kite.nm<2, 4>, values = dense<1> : tensor<4xi8>, index = dense<0> : tensor<2xi8>} -> tensor<4x2xi8>
  // expected-error @+1 {{'kite.matmul' op weights are packed for another op (groups or sparsity differ)}}
  %y = kite.matmul %x, %w {rhs_sparsity = #kite.nm<1, 4>} : (tensor<2x4xi8>, tensor<4x2xi8>) -> tensor<2x2xi32>
  return %y : tensor<2x2xi32>
}

// -----

func.func @main(%x: tensor<1x1x3x3xi8>, %init: tensor<1x2x2x2xi32>) -> tensor<1x2x2x2xi32> {
  %w = arith.constant dense<1> : tensor<2x1x2x2xi8>
  // expected-error @+1 {{'kite.conv2d' op with an accumulator operand is lowered only as a later term of a chain of N:M convolutions (the terms of kite-tasd)}}
  %y = kite.conv2d %x, %w acc(%init) {dilations = array<i64: 1, 1>, filter_sparsity = #kite.nm<2, 4>, groups = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x3x3xi8>, tensor<2x1x2x2xi8>, tensor<1x2x2x2xi32>) -> tensor<1x2x2x2xi32>
  return %y : tensor<1x2x2x2xi32>
}

// -----

func.func @main(%x: tensor<2x8x!kite.lp<8, 1, 7, 0>>) -> tensor<2x4xf32> {
  %wl = kite.constant dense<64> : tensor<8x4xi8> -> tensor<8x4x!kite.lp<8, 1, 7, 0>>
  // expected-error @+1 {{'kite.matmul' op N:M activations are selected at run time for integer operands only}}
  %y = kite.matmul %x, %wl {lhs_sparsity = #kite.nm<2, 4>} : (tensor<2x8x!kite.lp<8, 1, 7, 0>>, tensor<8x4x!kite.lp<8, 1, 7, 0>>) -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}


// -----

// A plan (kite-bufferize, or by hand) must hold every tensor, inside the
// target's memory.
func.func @main(%x: tensor<2x3xf32> {kite.buffer = #kite.buffer<dram, 0, 24>}) -> tensor<2x3xf32> {
  // expected-error @+1 {{'tosa.clamp' op kite.buffer #kite.buffer<scratch, 0, 12> is smaller than the 24 bytes it must hold}}
  %r = tosa.clamp %x {min_val = 0.0 : f32, max_val = 3.0 : f32, kite.buffer = #kite.buffer<scratch, 0, 12>} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %r : tensor<2x3xf32>
}

// -----

func.func @main(%x: tensor<2x3xf32> {kite.buffer = #kite.buffer<dram, 0, 24>}) -> tensor<2x3xf32> {
  // expected-error @+1 {{'tosa.clamp' op kite.buffer #kite.buffer<scratch, 1048570, 24> ends past the scratchpad of target 'kite-v1' (1048576 bytes)}}
  %r = tosa.clamp %x {min_val = 0.0 : f32, max_val = 3.0 : f32, kite.buffer = #kite.buffer<scratch, 1048570, 24>} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %r : tensor<2x3xf32>
}

// -----

// A tensor the plan does not place (the function changed after
// kite-bufferize).
func.func @main(%x: tensor<2x3xf32> {kite.buffer = #kite.buffer<dram, 0, 24>}) -> tensor<2x3xf32> {
  %r = tosa.clamp %x {min_val = 0.0 : f32, max_val = 3.0 : f32, kite.buffer = #kite.buffer<dram, 64, 24>} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // expected-error @+1 {{'tosa.transpose' op has no kite.buffer for its result (run kite-bufferize again after changing the function)}}
  %t = tosa.transpose %r {perms = array<i32: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  return %r : tensor<2x3xf32>
}

// -----

func.func @main(%x: tensor<2x3xf32> {kite.buffer = #kite.buffer<dram, 0, 24>}) -> tensor<2x3xf32> {
  // expected-error @+1 {{'tosa.clamp' op kite.patches belongs on a kite.conv2d}}
  %r = tosa.clamp %x {min_val = 0.0 : f32, max_val = 3.0 : f32, kite.patches = #kite.buffer<scratch, 0, 24>} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %r : tensor<2x3xf32>
}

// -----

// expected-error @+1 {{'func.func' op kite.buffer must be a #kite.buffer, got 7 : i64}}
func.func @main(%x: tensor<2x3xf32> {kite.buffer = 7 : i64}) -> tensor<2x3xf32> {
  return %x : tensor<2x3xf32>
}

// -----

func.func @main(%x: tensor<2xf32>) -> tensor<?xf32> {
  // expected-error @+1 {{'tosa.clamp' op result type 'tensor<?xf32>' has no DRAM layout (static f32, i<=32 or LP tensors only)}}
  %r = tosa.clamp %x {min_val = 0.0 : f32, max_val = 3.0 : f32} : (tensor<2xf32>) -> tensor<?xf32>
  return %r : tensor<?xf32>
}

// -----

// Averages of int8 codes are not the codes of averages: no instruction.
func.func @main(%x: tensor<1x4x4x2xi8>) -> tensor<1x2x2x2xi8> {
  %zp = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  // expected-error @+1 {{'tosa.avg_pool2d' op has no instruction for non-f32 elements}}
  %p = tosa.avg_pool2d %x, %zp, %zp {acc_type = i32, kernel = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>} : (tensor<1x4x4x2xi8>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x2x2x2xi8>
  return %p : tensor<1x2x2x2xi8>
}
