//===- KiteDialect.td - the kite dialect -------------------*- tablegen -*-===//
//
// The tensor-level dialect of the Kite accelerator: its number formats,
// hardware description and the ops the accelerator runs natively.
//
//===----------------------------------------------------------------------===//

#ifndef KITE_DIALECT_TD
#define KITE_DIALECT_TD

include "mlir/IR/OpBase.td"

def Kite_Dialect : Dialect {
  let name = "kite";
  let cppNamespace = "::kite";
  let summary = "Tensor-level ops, number formats and target of the Kite accelerator";
  let description = [{
    The `kite` dialect describes computations the Kite DNN inference
    accelerator runs natively, on tensors: (batched) matrix multiplication and
    2-D convolution with optional integer/logarithmic-posit operand formats,
    approximate multipliers and N:M structured sparsity; softmax and the
    look-up-table softmax unit; quantization; and the normalisation and
    activation functions transformer models need.

    Number formats are first-class: `!kite.lp<n, es, rs, sf>` is a
    logarithmic-posit element type and `#kite.int<bits, signed>` states the
    integer format of an integer-stored tensor. The hardware is described once,
    by the typed `#kite.target<...>` attribute attached to the module as
    `kite.target`.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
  let useDefaultAttributePrinterParser = 1;
  let useDefaultTypePrinterParser = 1;
  let hasConstantMaterializer = 1;
}

class Kite_Op<string mnemonic, list<Trait> traits = []>
    : Op<Kite_Dialect, mnemonic, traits>;

#endif // KITE_DIALECT_TD
