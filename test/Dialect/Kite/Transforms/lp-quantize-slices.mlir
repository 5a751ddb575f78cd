// Layers that read slices of one tensor (attention's Q K^T and A V) take one
// activation format, so that one quantize before the slices replaces theirs:
// a layer without its own layer-formats entry takes the first one's, also
// with act-format=auto. Different explicit formats are kept, with a warning:
// each slice then keeps its own quantize of f32.
// RUN: kite-opt %S/Inputs/lp-slices.mlir --kite-lp-quantize="calibration=%kite_src_root/examples/models/digits/calib_x_flat.npy layer-formats=5,1,4/6,1,5" 2>&1 | FileCheck %s --check-prefix=LED
// RUN: kite-opt %S/Inputs/lp-slices.mlir --kite-lp-quantize="calibration=%kite_src_root/examples/models/digits/calib_x_flat.npy act-format=auto" 2>&1 | FileCheck %s --check-prefix=AUTO
// RUN: kite-opt %S/Inputs/lp-slices.mlir --kite-lp-quantize="calibration=%kite_src_root/examples/models/digits/calib_x_flat.npy layer-formats=5,1,4/6,1,5;8,1,7/6,1,5" 2>&1 | FileCheck %s --check-prefix=APART

// LED-NOT: warning
// LED: kite.quantize %{{.*}} : tensor<4x2x64xf32> -> tensor<4x2x64x!kite.lp<5, 1, 4,
// LED: tosa.transpose %{{.*}} -> tensor<2x4x64xi8>
// LED-NOT: kite.quantize

// AUTO-NOT: warning
// AUTO: kite.quantize %{{.*}} : tensor<4x2x64xf32> -> tensor<4x2x64x!kite.lp<8,
// AUTO-NOT: kite.quantize

// APART: lp-slices.mlir:21:9: warning: kite-lp-quantize: this layer and layer 0 read slices of one tensor in different activation formats (8,1,7 and 5,1,4): each slice keeps its own quantize, so the data movement before them stays f32
// APART: tosa.transpose %{{.*}} : (tensor<4x2x64xf32>) -> tensor<2x4x64xf32>
// APART: kite.quantize %{{.*}} : tensor<4x64xf32> -> tensor<4x64x!kite.lp<5, 1, 4,
// APART: kite.quantize %{{.*}} : tensor<4x64xf32> -> tensor<4x64x!kite.lp<8, 1, 7,
