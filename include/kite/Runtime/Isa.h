//===- Isa.h - the Kite instruction set and the .kbin format ----*- C++ -*-===//
//
// One table describes every instruction: its opcode, the unit that runs it
// and its fields in encoding order. The kite_isa dialect uses the same field
// names for its attributes, so the emitter, the decoder and the disassembler
// are all driven by this table. Plain C++ (no MLIR, no LLVM): the simulator
// ships alone. The binary format is specified in docs/binary-format.md.
//
//===----------------------------------------------------------------------===//

#ifndef KITE_RUNTIME_ISA_H
#define KITE_RUNTIME_ISA_H

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace kite::rt {

/// Memory spaces. DRAM holds constants, inputs and outputs; the on-chip
/// buffers feed the MAC array; the on-chip scratchpad holds intermediate
/// tensors. Instructions' memory operands address DRAM at [0, size) and the
/// scratchpad at [kScratchBase, kScratchBase + size) (space Dram in the
/// encoding; Scratch is how the simulator tells them apart).
enum class Space : int64_t {
  Dram = 0,
  Act = 1,
  Weight = 2,
  Acc = 3,
  Scratch = 4
};

/// Where memory operands reach the scratchpad; also the DRAM size limit.
constexpr int64_t kScratchBase = int64_t(1) << 30;
/// The fastest clock a binary may declare (MHz); the target attribute's
/// verifier holds JSON targets to the same limit.
constexpr int64_t kMaxClockMhz = int64_t(1) << 20;
/// The largest on-chip buffer (ACT, WEIGHT, ACC, scratchpad) a target may
/// have, 256 MiB: the simulator allocates them. Target descriptions and
/// the .kbin loader check the same limit.
constexpr int64_t kMaxBufferBytes = int64_t(1) << 28;

/// Element types of tensors in DRAM (integers are two's complement).
enum class DType : int64_t { F32 = 0, I8 = 1, I16 = 2, I32 = 3, I64 = 4 };
unsigned dtypeBytes(DType dtype);
const char *dtypeName(DType dtype);

/// Bytes per accumulator word in the ACC buffer.
constexpr int64_t kAccWordBytes = 4;

/// N:M weight metadata: each kept value's position in its group of `group`
/// takes ceil(log2(group)) bits; a row of `n` of them is packed LSB first
/// into nmIndexRowBytes(n, group) bytes.
unsigned nmIndexBits(int64_t group);
int64_t nmIndexRowBytes(int64_t n, int64_t group);
/// Packs `rows` rows of `n` indices (row-major, each < group).
std::vector<uint8_t> packNMIndices(const std::vector<uint8_t> &indices,
                                   int64_t rows, int64_t n, int64_t group);
/// Index `j` of a packed row.
unsigned nmIndexAt(const uint8_t *row, int64_t j, unsigned bits);

/// The units that run instructions concurrently.
/// Host: the host processor, for host segments (the accelerator waits).
enum class Unit { Dma, Array, Vector, Control, Host };
const char *unitName(Unit unit);

enum class Opcode : uint32_t {
  DmaLoad = 1,
  ConfigMma = 2,
  Mma = 3,
  StoreAcc = 4,
  Im2col = 5,
  VecBinary = 6,
  VecClamp = 7,
  VecCopy = 8,
  VecReduce = 9,
  VecPool = 10,
  VecQuantize = 11,
  VecDequantize = 12,
  VecLayerNorm = 13,
  VecGelu = 14,
  LutSoftmax = 15,
  Fence = 16,
  MmaNM = 17,
  StoreAccFused = 18,
  MmaActNM = 19,
  VecUnary = 20,
  VecCompare = 21,
  VecSelect = 22,
  VecGather = 23,
  VecSoftmax = 24,
  VecLut = 25,
  HostCall = 26,
  HostElementwise = 27,
  HostGather = 28,
};

/// The host segments' kernels (host_call's `kind`).
enum class HostKernel : int64_t {
  ArgMax = 0, ///< the index of the first largest element along the axis
  Cast = 1,   ///< elementwise conversion between dtypes, as tosa.cast
};
constexpr int64_t kNumHostKernels = 2;

/// host_elementwise's `kind`: integer arithmetic on runtime data (index
/// computations), as the TOSA op of the same name computes it.
enum class HostElementwiseKind : int64_t {
  Add = 0,
  Sub = 1,
  Mul = 2,
  Max = 3,
  Min = 4,
  IntDiv = 5,
  Equal = 6,
  Greater = 7,
  GreaterEqual = 8,
  LogicalAnd = 9,
  LogicalOr = 10,
  LogicalXor = 11,
  Select = 12,
};
constexpr int64_t kNumHostElementwiseKinds = 13;

enum class FieldKind { Int, Float, IntArray, FloatArray, String };

struct FieldSpec {
  const char *name;
  FieldKind kind;
};

struct OpSpec {
  Opcode opcode;
  const char *name; ///< the kite_isa op name without the dialect prefix
  Unit unit;
  std::vector<FieldSpec> fields;
};

const std::vector<OpSpec> &instructionSet();

/// Named field indices, from the same table: Instr::fields[field::Mma::k]
/// (and field::Mma::kFieldCount, which also gives fieldless ops an enumerator).
namespace field {
#define KITE_ISA_OP(Name, Mnemonic, U)                                         \
  struct Name {                                                                \
    enum : unsigned {
#define KITE_ISA_FIELD(FieldName, Kind) FieldName,
#define KITE_ISA_END()                                                         \
  kFieldCount                                                                  \
  }                                                                            \
  ;                                                                            \
  }                                                                            \
  ;
#include "kite/Runtime/IsaTable.def"
} // namespace field
const OpSpec *findOp(Opcode opcode);
const OpSpec *findOp(std::string_view name);

/// One decoded field; which member is meaningful follows its FieldKind.
struct Field {
  int64_t i = 0;
  double f = 0;
  std::vector<int64_t> ints;
  std::vector<double> floats;
  std::string s;
};

struct Instr {
  Opcode opcode = Opcode::Fence;
  std::vector<Field> fields; ///< in the OpSpec's order
};

/// Typed views of decoded instructions, generated from the same table:
/// `decoded::Mma d(instr)` has `d.m`, `d.k`, ... as int64_t, double or
/// references to the arrays and strings (valid while `instr` lives). The
/// loader guarantees an instruction has its opcode's fields.
namespace decoded {
template <FieldKind K> struct FieldOf;
template <> struct FieldOf<FieldKind::Int> {
  using type = int64_t;
  static type get(const Field &f) { return f.i; }
};
template <> struct FieldOf<FieldKind::Float> {
  using type = double;
  static type get(const Field &f) { return f.f; }
};
template <> struct FieldOf<FieldKind::IntArray> {
  using type = const std::vector<int64_t> &;
  static type get(const Field &f) { return f.ints; }
};
template <> struct FieldOf<FieldKind::FloatArray> {
  using type = const std::vector<double> &;
  static type get(const Field &f) { return f.floats; }
};
template <> struct FieldOf<FieldKind::String> {
  using type = const std::string &;
  static type get(const Field &f) { return f.s; }
};

#define KITE_ISA_OP(Name, Mnemonic, U)                                         \
  struct Name {                                                                \
    using Index = field::Name;                                                 \
    const Instr &instr;                                                        \
    explicit Name(const Instr &x);
#define KITE_ISA_FIELD(FieldName, Kind)                                        \
  FieldOf<FieldKind::Kind>::type FieldName;
#define KITE_ISA_END()                                                         \
  }                                                                            \
  ;
#include "kite/Runtime/IsaTable.def"

#define KITE_ISA_OP(Name, Mnemonic, U)                                         \
  inline Name::Name(const Instr &x) : instr(x)
#define KITE_ISA_FIELD(FieldName, Kind)                                        \
  , FieldName(FieldOf<FieldKind::Kind>::get(x.fields[Index::FieldName]))
#define KITE_ISA_END()                                                         \
  {}
#include "kite/Runtime/IsaTable.def"
} // namespace decoded

/// Operand format of the MAC array (config_mma), packed into one word.
struct OperandFormat {
  bool isLP = false;
  unsigned bits = 8;
  bool isSigned = true;
  unsigned storageBits = 8; ///< integers: bit width of the stored element
  unsigned es = 0, rs = 0;  ///< LP only
  int sf = 0;               ///< LP only

  /// The packed word; negative when sf is (it fills the top bits).
  int64_t pack() const;
  static OperandFormat unpack(int64_t word);
  std::string str() const; ///< "int8", "uint4", "lp<8,1,7,-2>"
};

/// A format field's "none" (an invalid packed word: width 255).
constexpr int64_t kNoFormat = -1;

/// The target numbers the simulator needs (a copy of #kite.target).
struct TargetParams {
  std::string name;
  int64_t clockMhz = 1000, rows = 16, cols = 16;
  int64_t accBits = 32, lpAccFracBits = 16;
  int64_t actBytes = 0, weightBytes = 0, accBytes = 0;
  /// On-chip scratchpad, addressed at [kScratchBase, kScratchBase + size).
  int64_t scratchBytes = 0;
  double dramBytesPerCycle = 16, sramBytesPerCycle = 128;
  /// LUT unit: lookups per cycle and entries per table (0: no LUT unit).
  int64_t lutLanes = 0, lutEntries = 0;
  /// Host: link bytes per cycle (0: no host), cycles and pJ per element.
  double hostLinkBytesPerCycle = 0, hostCyclesPerElement = 0, hostElementPj = 0;
  // Energies in pJ (docs/target.md gives each source).
  double int8Mul = 0.2, int8Add = 0.03, int32Add = 0.1, fp32Mul = 3.7,
         fp32Add = 0.9, sramRead32b = 5, dramRead32b = 640, lutRead8b = 0.36;

  /// pJ per 32-bit scratchpad access: `sram_read_32b` (an 8 KiB SRAM)
  /// scaled by sqrt(capacity / 8 KiB), as bit-line energy grows
  /// (docs/target.md); never below sram_read_32b.
  double scratchRead32b() const;
  /// pJ per MAC (product and 32-bit accumulation): integer a x w bits with
  /// a multiplier of `relativeEnergy` x the exact one's (gate-equivalent
  /// model, docs/numerics.md); LP: a log-domain adder of the wider word, a
  /// log-to-linear shift and the accumulation.
  double intMacPj(unsigned a, unsigned w, double relativeEnergy = 1) const;
  double lpMacPj(unsigned a, unsigned w) const;

  /// FNV-1a over every field: a binary built for another target is refused.
  uint64_t fingerprint() const;
  int64_t spaceBytes(Space space) const;
};

struct IoDesc {
  DType dtype = DType::F32;
  std::vector<int64_t> shape;
  int64_t addr = 0; ///< DRAM byte address
  int64_t numElements() const;
  int64_t bytes() const { return numElements() * dtypeBytes(dtype); }
};

struct Segment {
  int64_t addr = 0; ///< DRAM byte address
  std::vector<uint8_t> bytes;
};

struct Program {
  TargetParams target;
  int64_t dramBytes = 0;
  std::vector<IoDesc> inputs, outputs;
  std::vector<Segment> constants;
  std::vector<Instr> code;
};

constexpr uint32_t kKbinVersion = 11;

/// The .kbin bytes of a program (docs/binary-format.md).
std::vector<uint8_t> encodeKbin(const Program &program);

/// Parses and validates .kbin bytes. On failure returns false and sets
/// `error` to one line saying what is wrong and where (byte offset).
bool decodeKbin(const uint8_t *data, size_t size, Program &program,
                std::string &error);

/// Structural checks that need no execution: field counts, memory ranges of
/// constants and I/O within DRAM. "" when valid.
std::string validateProgram(const Program &program);

/// Readable assembly (.kasm): one line per instruction.
std::string disassemble(const Program &program);

} // namespace kite::rt

#endif // KITE_RUNTIME_ISA_H
