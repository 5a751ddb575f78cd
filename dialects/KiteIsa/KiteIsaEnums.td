//===- KiteIsaEnums.td - the kinds of kite_isa fields ------*- tablegen -*-===//
//
// Instruction fields that name one of a few choices. Their values are the
// encodings in the binary (docs/binary-format.md) and equal the runtime's
// enums (kite::rt::DType, kite::numerics::BinaryFn, ...), which the lowering
// converts with a cast and kite-sim decodes.
//
//===----------------------------------------------------------------------===//

#ifndef KITE_ISA_ENUMS_TD
#define KITE_ISA_ENUMS_TD

include "mlir/IR/EnumAttr.td"

class KiteIsa_Enum<string name, string summary, list<I64EnumAttrCase> cases>
    : I64EnumAttr<name, summary, cases> {
  let cppNamespace = "::kite::kiteisa";
  let genSpecializedAttr = 0;
}

class KiteIsa_EnumAttr<EnumAttrInfo enumInfo, string mnemonic>
    : EnumAttr<KiteIsa_Dialect, enumInfo, mnemonic> {
  let assemblyFormat = "`<` $value `>`";
}

def KiteIsa_Space : KiteIsa_Enum<"Space", "an on-chip buffer", [
  I64EnumAttrCase<"Act", 1, "act">,
  I64EnumAttrCase<"Weight", 2, "weight">,
  I64EnumAttrCase<"Acc", 3, "acc">]>;
def KiteIsa_SpaceAttr : KiteIsa_EnumAttr<KiteIsa_Space, "space">;

def KiteIsa_DType : KiteIsa_Enum<"DType", "an element type in memory", [
  I64EnumAttrCase<"F32", 0, "f32">,
  I64EnumAttrCase<"I8", 1, "i8">,
  I64EnumAttrCase<"I16", 2, "i16">,
  I64EnumAttrCase<"I32", 3, "i32">,
  I64EnumAttrCase<"I64", 4, "i64">]>;
def KiteIsa_DTypeAttr : KiteIsa_EnumAttr<KiteIsa_DType, "dtype">;

def KiteIsa_BinaryKind : KiteIsa_Enum<"BinaryKind", "a vec_binary function", [
  I64EnumAttrCase<"Add", 0, "add">,
  I64EnumAttrCase<"Sub", 1, "sub">,
  I64EnumAttrCase<"Mul", 2, "mul">,
  I64EnumAttrCase<"Max", 3, "max">,
  I64EnumAttrCase<"Min", 4, "min">,
  I64EnumAttrCase<"Pow", 5, "pow">]>;
def KiteIsa_BinaryKindAttr : KiteIsa_EnumAttr<KiteIsa_BinaryKind, "binary">;

def KiteIsa_UnaryKind : KiteIsa_Enum<"UnaryKind", "a vec_unary function", [
  I64EnumAttrCase<"Sigmoid", 0, "sigmoid">,
  I64EnumAttrCase<"Tanh", 1, "tanh">,
  I64EnumAttrCase<"Exp", 2, "exp">,
  I64EnumAttrCase<"Log", 3, "log">,
  I64EnumAttrCase<"Rsqrt", 4, "rsqrt">,
  I64EnumAttrCase<"Reciprocal", 5, "reciprocal">,
  I64EnumAttrCase<"Erf", 6, "erf">,
  I64EnumAttrCase<"Abs", 7, "abs">,
  I64EnumAttrCase<"Neg", 8, "neg">,
  I64EnumAttrCase<"Floor", 9, "floor">,
  I64EnumAttrCase<"Ceil", 10, "ceil">,
  I64EnumAttrCase<"Sin", 11, "sin">,
  I64EnumAttrCase<"Cos", 12, "cos">]>;
def KiteIsa_UnaryKindAttr : KiteIsa_EnumAttr<KiteIsa_UnaryKind, "unary">;

def KiteIsa_CompareKind : KiteIsa_Enum<"CompareKind", "a vec_compare test", [
  I64EnumAttrCase<"Equal", 0, "eq">,
  I64EnumAttrCase<"Greater", 1, "gt">,
  I64EnumAttrCase<"GreaterEqual", 2, "ge">]>;
def KiteIsa_CompareKindAttr : KiteIsa_EnumAttr<KiteIsa_CompareKind, "compare">;

def KiteIsa_ReduceKind : KiteIsa_Enum<"ReduceKind", "a vec_reduce fold", [
  I64EnumAttrCase<"Sum", 0, "sum">,
  I64EnumAttrCase<"Max", 1, "max">,
  I64EnumAttrCase<"Min", 2, "min">,
  I64EnumAttrCase<"Product", 3, "product">]>;
def KiteIsa_ReduceKindAttr : KiteIsa_EnumAttr<KiteIsa_ReduceKind, "reduce">;

def KiteIsa_PoolKind : KiteIsa_Enum<"PoolKind", "a vec_pool window", [
  I64EnumAttrCase<"Max", 0, "max">,
  I64EnumAttrCase<"Avg", 1, "avg">]>;
def KiteIsa_PoolKindAttr : KiteIsa_EnumAttr<KiteIsa_PoolKind, "pool">;

def KiteIsa_Activation : KiteIsa_Enum<"Activation", "a drain's activation", [
  I64EnumAttrCase<"None", 0, "none">,
  I64EnumAttrCase<"Gelu", 1, "gelu">,
  I64EnumAttrCase<"GeluTanh", 2, "gelu_tanh">,
  I64EnumAttrCase<"Leaky", 3, "leaky">]>;
def KiteIsa_ActivationAttr : KiteIsa_EnumAttr<KiteIsa_Activation, "activation">;

def KiteIsa_SoftmaxMethod : KiteIsa_Enum<"SoftmaxMethod", "a LUT softmax method", [
  I64EnumAttrCase<"Rexp", 0, "rexp">,
  I64EnumAttrCase<"Lut2D", 1, "lut2d">]>;
def KiteIsa_SoftmaxMethodAttr
    : KiteIsa_EnumAttr<KiteIsa_SoftmaxMethod, "softmax_method">;

def KiteIsa_HostKernel : KiteIsa_Enum<"HostKernel", "a host segment's kernel", [
  I64EnumAttrCase<"ArgMax", 0, "argmax">,
  I64EnumAttrCase<"Cast", 1, "cast">]>;
def KiteIsa_HostKernelAttr : KiteIsa_EnumAttr<KiteIsa_HostKernel, "host">;

def KiteIsa_HostElementwiseKind : KiteIsa_Enum<"HostElementwiseKind",
    "integer arithmetic on the host", [
  I64EnumAttrCase<"Add", 0, "add">,
  I64EnumAttrCase<"Sub", 1, "sub">,
  I64EnumAttrCase<"Mul", 2, "mul">,
  I64EnumAttrCase<"Max", 3, "max">,
  I64EnumAttrCase<"Min", 4, "min">,
  I64EnumAttrCase<"IntDiv", 5, "intdiv">,
  I64EnumAttrCase<"Equal", 6, "equal">,
  I64EnumAttrCase<"Greater", 7, "greater">,
  I64EnumAttrCase<"GreaterEqual", 8, "greater_equal">,
  I64EnumAttrCase<"LogicalAnd", 9, "logical_and">,
  I64EnumAttrCase<"LogicalOr", 10, "logical_or">,
  I64EnumAttrCase<"LogicalXor", 11, "logical_xor">,
  I64EnumAttrCase<"Select", 12, "select">]>;
def KiteIsa_HostElementwiseKindAttr
    : KiteIsa_EnumAttr<KiteIsa_HostElementwiseKind, "host_op">;

#endif // KITE_ISA_ENUMS_TD
