// Emission is a thin printer: kite_isa -> .kbin -> kite_isa -> .kbin gives
// the same bytes, and the readable assembly shows every field.
// RUN: rm -rf %t && mkdir -p %t
// RUN: kite-translate --emit-kbin %S/../Dialect/KiteIsa/IR/ops.mlir -o %t/ops.kbin
// RUN: kite-translate --import-kbin %t/ops.kbin -o %t/ops.mlir
// RUN: kite-translate --emit-kbin %t/ops.mlir -o %t/ops2.kbin
// RUN: cmp %t/ops.kbin %t/ops2.kbin
// RUN: FileCheck %s --check-prefix=IMPORT < %t/ops.mlir
// RUN: kite-translate --emit-kasm %S/../Dialect/KiteIsa/IR/ops.mlir | FileCheck %s
// RUN: kite-sim --disassemble %t/ops.kbin | FileCheck %s

// The target's numbers match built-in kite-v1's, so the import names it.
// IMPORT: kite.target = #kite.target<"kite-v1"
// IMPORT: kite_isa.program @main attributes {dram_bytes = 4096 : i64}
// IMPORT: kite_isa.data {addr = 0 : i64, bytes = dense<[1, 2, 3, 4]> : tensor<4xi8>}
// IMPORT: kite_isa.input {addr = 64 : i64, index = 0 : i64, type = tensor<2x2xf32>}
// IMPORT: kite_isa.config_mma {lhs_format = 134285312 : i64, multiplier = "trunc4", rhs_format = 134285312 : i64}

// CHECK: ; kbin v11 target kite-v1 fingerprint 0x{{[0-9a-f]+}}
// CHECK-NEXT: ; dram 4096 bytes, 1 constant segments, 30 instructions
// CHECK-NEXT: ; input 0 f32 @64
// CHECK-NEXT: ; output 0 i16 @1024
// CHECK-NEXT: dma_load src=0, space=2, dst=0, rows=2, row_bytes=2, src_stride=2
// CHECK-NEXT: config_mma lhs_format=int8, rhs_format=int8, multiplier="trunc4"
// CHECK-NEXT: mma a=0, b=0, c=0, m=2, k=2, n=2, accumulate=0
// CHECK-NEXT: mma_nm a=0, b=0, index=8, c=0, m=2, k=4, n=2, keep=2, group=4, accumulate=1
// CHECK-NEXT: mma_act_nm a=0, b=0, c=0, m=2, k=4, n=2, keep=2, group=4, threshold=0, accumulate=1, prior=[]
// CHECK-NEXT: mma_act_nm a=0, b=0, c=0, m=2, k=8, n=2, keep=2, group=4, threshold=3, accumulate=1, prior=[2,4]
// CHECK-NEXT: store_acc src=0, rows=2, cols=2, dst=128, row_stride=2, col_stride=1, dtype=3, bias=-1
// CHECK-NEXT: store_acc_fused src=0, rows=2, cols=2, dst=1073741824, row_stride=2, col_stride=1, dtype=1, acc_bias=-1, scales=[0.5,0.25], zero_points=[0,0], bias=64, clamp_min=0, clamp_max=6, format=int8, out_scales=[0.10000000000000001], out_zero_point=0, multiply=1, activation=0, residual=-1
// CHECK-NEXT: im2col src=0, dst=256, input=[1,2,2], channel_offset=0, group_channels=1, kernel=[1,1], strides=[1,1], pads=[0,0], dilations=[1,1], output=[2,2]
// CHECK-NEXT: vec_binary kind=2, lhs=64, rhs=64, dst=512, shape=[2,2], lhs_strides=[2,1], rhs_strides=[0,1]
// CHECK-NEXT: vec_compare kind=2, lhs=64, rhs=64, dst=1100, shape=[2,2], lhs_strides=[2,1], rhs_strides=[0,0]
// CHECK-NEXT: vec_select cond=1100, lhs=64, rhs=512, dst=1104, shape=[2,2], cond_strides=[2,1], lhs_strides=[2,1], rhs_strides=[2,1]
// CHECK-NEXT: vec_clamp src=512, dst=512, count=4, min=0, max=6
// CHECK-NEXT: vec_copy src=512, dst=576, elem_bytes=4, shape=[2,2], src_strides=[1,2], dst_strides=[2,1]
// CHECK-NEXT: vec_gather src=512, dst=1120, elem_bytes=4, outer=1, k=2, inner=2, indices=[1,0,0]
// CHECK-NEXT: vec_reduce kind=0, src=576, dst=640, outer=2, len=2, inner=1
// CHECK-NEXT: vec_pool kind=0, src=64, dst=704, dtype=0, input=[1,2,2,1], kernel=[2,2], strides=[1,1], pads=[0,0], output=[1,1]
// CHECK-NEXT: vec_quantize src=64, dst=768, dtype=1, count=4, inner=1, format=int8, scales=[0.5], zero_points=[0]
// CHECK-NEXT: vec_dequantize src=768, dtype=1, dst=832, count=4, inner=1, format=int8, scales=[0.5], zero_points=[0]
// CHECK-NEXT: vec_layer_norm src=64, dst=896, rows=2, len=2, epsilon=1.0000000000000001e-05, scale=-1, bias=-1
// CHECK-NEXT: vec_gelu src=64, dst=960, count=4, tanh=0
// CHECK-NEXT: vec_softmax src=64, dst=960, outer=2, len=2, inner=1
// CHECK-NEXT: vec_unary kind=0, src=64, dst=960, count=4
// CHECK-NEXT: host_call kind=0, src=64, src_dtype=0, dst=960, dst_dtype=4, outer=2, len=2, inner=1
// CHECK-NEXT: host_elementwise kind=7, a=64, b=0, cond=-1, dtype=1, dst=960, dst_dtype=1, shape=[2,2], a_strides=[2,1], b_strides=[0,0], cond_strides=[]
// CHECK-NEXT: host_elementwise kind=12, a=64, b=0, cond=0, dtype=1, dst=960, dst_dtype=1, shape=[4], a_strides=[1], b_strides=[1], cond_strides=[1]
// CHECK-NEXT: host_gather values=64, dtype=0, indices=0, indices_dtype=1, dst=960, outer=1, k=2, inner=2, width=2
// CHECK-NEXT: vec_lut src=64, dst=960, count=4, table=[-128,-127,
// CHECK-NEXT: lut_softmax src=64, src_dtype=0, dst=1024, dtype=2, outer=2, len=2, inner=1, method=0, input_scale=1, step=1, out_bits=8, sum_shift=0, out_shift=7, exp_table=[255,94], norm_table=[255,255], norm_rows=2, norm_cols=1, prob_scale=1, prob_zero_point=0, format=-1, out_scale=1, out_zero_point=0
// CHECK-NEXT: fence

// A module that was not lowered has nothing to emit.
// RUN: echo "module {}" | not kite-translate --emit-kbin 2>&1 | FileCheck %s --check-prefix=NOPROGRAM
// NOPROGRAM: error: expected exactly one kite_isa.program (run convert-kite-to-kite-isa)
