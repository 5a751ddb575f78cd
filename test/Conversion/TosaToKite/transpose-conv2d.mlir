// tosa.transpose_conv2d becomes one kite.conv2d per output phase
// (stride_y x stride_x of them), interleaved by concatenation; a negative
// out_pad crops, a positive one keeps bias-only rows. Checked against the
// reference interpreter's tosa.transpose_conv2d kernel.
// RUN: rm -rf %t && mkdir -p %t
// RUN: kite-opt %s --convert-tosa-to-kite | FileCheck %s
// RUN: /usr/bin/python3 -c "import numpy as np; np.save('%t/x.npy', np.random.default_rng(1).normal(size=(1, 3, 4, 2)).astype(np.float32))"
// RUN: kite-run %s -i %t/x.npy -o %t/ref.npy
// RUN: kite-opt %s --convert-tosa-to-kite -o %t/kite.mlir
// RUN: kite-run %t/kite.mlir -i %t/x.npy --expect %t/ref.npy --atol 1e-5 --rtol 1e-5
// CHECK-LABEL: func.func @main
// CHECK-NOT: tosa.transpose_conv2d
// CHECK-COUNT-6: kite.conv2d {{.*}}strides = array<i64: 1, 1>{{.*}} -> tensor<1x3x4x5xf32>
// CHECK: tosa.concat {{.*}}axis = 3
// CHECK: tosa.slice
// CHECK-SAME: -> tensor<1x11x7x3xf32>
func.func @main(%x: tensor<1x3x4x2xf32>) -> tensor<1x11x7x3xf32> {
  %w = "tosa.const"() <{values = dense<[[[[-1.6051493883132935,0.7293493747711182],[0.806139349937439,-0.4763767421245575],[0.16333994269371033,-1.2926461696624756]],[[-0.4718131422996521,1.37795090675354],[0.13573072850704193,2.310363531112671],[-0.7871927618980408,0.5802844166755676]],[[-0.19550582766532898,0.5658178329467773],[-0.007211359683424234,-0.5611981153488159],[-0.8676167726516724,3.0660367012023926]],[[-0.07734505832195282,-2.016660690307617],[-0.6486005783081055,0.6780397295951843],[-0.5000084042549133,1.3604462146759033]]],[[[1.0023982524871826,-0.1523386389017105],[-0.4722159504890442,-1.0048010349273682],[-0.699966549873352,-1.4731431007385254]],[[1.2043962478637695,1.5907007455825806],[-1.2561380863189697,-1.1816829442977905],[-1.7685118913650513,-0.9638542532920837]],[[-3.106336832046509,-1.1422789096832275],[1.2969154119491577,-0.34567251801490784],[0.8545842170715332,-0.4889690577983856]],[[1.760667324066162,0.1992179900407791],[-0.3820022940635681,2.5524239540100098],[-0.3244718611240387,-1.2212233543395996]]],[[[0.20191000401973724,-0.038835037499666214],[1.0663245916366577,-0.9216338992118835],[0.804716944694519,0.852748453617096]],[[-0.6676872968673706,0.16324400901794434],[-0.8307519555091858,2.3458080291748047],[-0.7041395902633667,-0.45307445526123047]],[[-1.0658379793167114,-0.34612128138542175],[-0.0058760265819728374,0.7677891254425049],[-0.610486626625061,-0.18577395379543304]],[[-1.4164893627166748,-0.8274022340774536],[2.755807638168335,1.0412431955337524],[-0.7814240455627441,-1.3373972177505493]]]]> : tensor<3x4x3x2xf32>}> : () -> tensor<3x4x3x2xf32>
  %b = "tosa.const"() <{values = dense<[-0.9755828380584717,-0.021690860390663147,0.0347277894616127]> : tensor<3xf32>}> : () -> tensor<3xf32>
  %z = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %y = tosa.transpose_conv2d %x, %w, %b, %z, %z {acc_type = f32, out_pad = array<i64: 0, 1, -2, 0>, stride = array<i64: 3, 2>} : (tensor<1x3x4x2xf32>, tensor<3x4x3x2xf32>, tensor<3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x11x7x3xf32>
  return %y : tensor<1x11x7x3xf32>
}
