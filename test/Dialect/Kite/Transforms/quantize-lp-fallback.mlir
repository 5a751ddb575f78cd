// A layer whose activations span eight decades (a power spectrum) cannot be
// int8: most of its nonzero values round to 0. With lp-fallback it stays
// float for kite-lp-quantize, which fits it an 8-bit LP format (auto); the
// next layer, whose inputs are sums dominated by their largest term, stays
// int8.
// RUN: rm -rf %t && mkdir -p %t
// RUN: /usr/bin/python3 -c "import numpy as np; r = np.random.default_rng(0); np.save('%t/wide.npy', (10.0 ** r.uniform(-6, 2, (8, 16))).astype(np.float32))"
// RUN: kite-opt %s --kite-set-target=target=kite-v1 --kite-quantize="calibration=%t/wide.npy lp-fallback=0.5" --kite-lp-quantize="calibration=%t/wide.npy act-format=auto weight-format=auto" 2> %t/log | FileCheck %s
// RUN: FileCheck %s --check-prefix=LOG < %t/log
// RUN: kite-opt %s --kite-set-target=target=kite-v1 --kite-quantize="calibration=%t/wide.npy" | FileCheck %s --check-prefix=INT
// RUN: not kite-opt %s --kite-quantize="calibration=%t/wide.npy lp-fallback=2" 2>&1 | FileCheck %s --check-prefix=RANGE
// Without a target nothing restricts the formats.
// RUN: kite-opt %s --kite-quantize="calibration=%t/wide.npy lp-fallback=0.5" 2>&1 | FileCheck %s --check-prefix=LOG

// LOG: kite-quantize: layer 0 (kite.matmul): {{[0-9.]+}}% of its nonzero calibration activations round to 0 in int8; left for logarithmic posits
// LOG-NOT: layer 1
// CHECK: kite.quantize %arg0 : tensor<8x16xf32> -> tensor<8x16x!kite.lp<8, {{[0-3]}}, 7, {{-?[0-9]+}}>>
// CHECK: kite.matmul {{.*}} : (tensor<8x16x!kite.lp<8, {{[0-3]}}, 7, {{-?[0-9]+}}>>, tensor<16x4x!kite.lp<8, {{[0-3]}}, 7, {{-?[0-9]+}}>>) -> tensor<8x4xf32>
// CHECK: kite.matmul {{.*}} : (tensor<8x4xi8>, tensor<4x2xi8>) -> tensor<8x2xi32>
// INT-NOT: kite.lp
// INT-COUNT-2: kite.matmul {{.*}}xi8>
// RANGE: error: kite-quantize: lp-fallback must be a fraction in [0, 1], got 2
func.func @main(%x: tensor<8x16xf32>) -> tensor<8x2xf32> {
  %w1 = arith.constant dense<0.5> : tensor<16x4xf32>
  %y = kite.matmul %x, %w1 : (tensor<8x16xf32>, tensor<16x4xf32>) -> tensor<8x4xf32>
  %w2 = arith.constant dense<0.25> : tensor<4x2xf32>
  %z = kite.matmul %y, %w2 : (tensor<8x4xf32>, tensor<4x2xf32>) -> tensor<8x2xf32>
  return %z : tensor<8x2xf32>
}
