// A model with an op the accelerator has no instruction for.
func.func @main(%x: tensor<50x64xf32>) -> tensor<50x64xf32> {
  %y = tosa.reverse %x {axis = 1 : i32} : (tensor<50x64xf32>) -> tensor<50x64xf32>
  return %y : tensor<50x64xf32>
}
