// Two MAC ops that read slices of one tensor, as attention's Q K^T and A V
// read the QKV projection's.
func.func @main(%x: tensor<4x64xf32>) -> tensor<4x2xf32> {
  %two = "tosa.const"() <{values = dense<2.0> : tensor<1x1xf32>}> : () -> tensor<1x1xf32>
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %x2 = tosa.mul %x, %two, %shift : (tensor<4x64xf32>, tensor<1x1xf32>, tensor<1xi8>) -> tensor<4x64xf32>
  %c = tosa.concat %x, %x2 {axis = 1 : i32} : (tensor<4x64xf32>, tensor<4x64xf32>) -> tensor<4x128xf32>
  %s3 = tosa.const_shape {values = dense<[4, 2, 64]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %r = tosa.reshape %c, %s3 : (tensor<4x128xf32>, !tosa.shape<3>) -> tensor<4x2x64xf32>
  %t = tosa.transpose %r {perms = array<i32: 1, 0, 2>} : (tensor<4x2x64xf32>) -> tensor<2x4x64xf32>
  %size = tosa.const_shape {values = dense<[1, 4, 64]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %at0 = tosa.const_shape {values = dense<[0, 0, 0]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %at1 = tosa.const_shape {values = dense<[1, 0, 0]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %a3 = tosa.slice %t, %at0, %size : (tensor<2x4x64xf32>, !tosa.shape<3>, !tosa.shape<3>) -> tensor<1x4x64xf32>
  %b3 = tosa.slice %t, %at1, %size : (tensor<2x4x64xf32>, !tosa.shape<3>, !tosa.shape<3>) -> tensor<1x4x64xf32>
  %s2 = tosa.const_shape {values = dense<[4, 64]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %a = tosa.reshape %a3, %s2 : (tensor<1x4x64xf32>, !tosa.shape<2>) -> tensor<4x64xf32>
  %b = tosa.reshape %b3, %s2 : (tensor<1x4x64xf32>, !tosa.shape<2>) -> tensor<4x64xf32>
  %w = arith.constant dense<0.5> : tensor<64x2xf32>
  %ya = kite.matmul %a, %w : (tensor<4x64xf32>, tensor<64x2xf32>) -> tensor<4x2xf32>
  %yb = kite.matmul %b, %w : (tensor<4x64xf32>, tensor<64x2xf32>) -> tensor<4x2xf32>
  %y = tosa.add %ya, %yb : (tensor<4x2xf32>, tensor<4x2xf32>) -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}
