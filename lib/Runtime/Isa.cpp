//===- Isa.cpp - instruction table, .kbin encoding and decoding -----------===//

#include "kite/Runtime/Isa.h"
#include "kite/Numerics/Multipliers.h"

#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <sstream>

using namespace kite::rt;

unsigned kite::rt::dtypeBytes(DType dtype) {
  switch (dtype) {
  case DType::I8:
    return 1;
  case DType::I16:
    return 2;
  case DType::F32:
  case DType::I32:
    return 4;
  case DType::I64:
    return 8;
  }
  return 0;
}

const char *kite::rt::dtypeName(DType dtype) {
  switch (dtype) {
  case DType::F32:
    return "f32";
  case DType::I8:
    return "i8";
  case DType::I16:
    return "i16";
  case DType::I32:
    return "i32";
  case DType::I64:
    return "i64";
  }
  return "?";
}

const char *kite::rt::unitName(Unit unit) {
  switch (unit) {
  case Unit::Dma:
    return "dma";
  case Unit::Array:
    return "array";
  case Unit::Vector:
    return "vector";
  case Unit::Control:
    return "control";
  case Unit::Host:
    return "host";
  }
  return "?";
}

const std::vector<OpSpec> &kite::rt::instructionSet() {
  static const std::vector<OpSpec> table = {
#define KITE_ISA_OP(Name, Mnemonic, U) {Opcode::Name, Mnemonic, Unit::U, {
#define KITE_ISA_FIELD(FieldName, Kind) {#FieldName, FieldKind::Kind},
#define KITE_ISA_END()                                                         \
  }                                                                            \
  }                                                                            \
  ,
#include "kite/Runtime/IsaTable.def"
  };
  return table;
}

const OpSpec *kite::rt::findOp(Opcode opcode) {
  for (const OpSpec &spec : instructionSet())
    if (spec.opcode == opcode)
      return &spec;
  return nullptr;
}

const OpSpec *kite::rt::findOp(std::string_view name) {
  for (const OpSpec &spec : instructionSet())
    if (name == spec.name)
      return &spec;
  return nullptr;
}

//===----------------------------------------------------------------------===//
// Formats and target
//===----------------------------------------------------------------------===//

int64_t OperandFormat::pack() const {
  uint64_t w = uint64_t(isLP) | uint64_t(bits & 0xff) << 8 |
               uint64_t(isSigned) << 16 | uint64_t(storageBits & 0xff) << 24 |
               uint64_t(es & 0xff) << 32 | uint64_t(rs & 0xff) << 40 |
               uint64_t(uint16_t(int16_t(sf))) << 48;
  return int64_t(w);
}

OperandFormat OperandFormat::unpack(int64_t word) {
  uint64_t w = uint64_t(word);
  OperandFormat f;
  f.isLP = w & 1;
  f.bits = unsigned((w >> 8) & 0xff);
  f.isSigned = (w >> 16) & 1;
  f.storageBits = unsigned((w >> 24) & 0xff);
  f.es = unsigned((w >> 32) & 0xff);
  f.rs = unsigned((w >> 40) & 0xff);
  f.sf = int(int16_t(uint16_t(w >> 48)));
  return f;
}

std::string OperandFormat::str() const {
  if (isLP)
    return "lp<" + std::to_string(bits) + "," + std::to_string(es) + "," +
           std::to_string(rs) + "," + std::to_string(sf) + ">";
  std::string s = (isSigned ? "int" : "uint") + std::to_string(bits);
  if (storageBits != bits)
    s += "/i" + std::to_string(storageBits);
  return s;
}

namespace {
struct Fnv {
  uint64_t h = 1469598103934665603ull;
  void bytes(const void *p, size_t n) {
    const auto *b = static_cast<const uint8_t *>(p);
    for (size_t k = 0; k < n; ++k)
      h = (h ^ b[k]) * 1099511628211ull;
  }
  void word(int64_t v) { bytes(&v, sizeof v); }
  void real(double v) { bytes(&v, sizeof v); }
};
} // namespace

uint64_t TargetParams::fingerprint() const {
  Fnv f;
  f.bytes(name.data(), name.size());
  for (int64_t v : {clockMhz, rows, cols, accBits, lpAccFracBits, actBytes,
                    weightBytes, accBytes, scratchBytes, lutLanes, lutEntries})
    f.word(v);
  for (double v :
       {dramBytesPerCycle, sramBytesPerCycle, int8Mul, int8Add, int32Add,
        fp32Mul, fp32Add, sramRead32b, dramRead32b, lutRead8b,
        hostLinkBytesPerCycle, hostCyclesPerElement, hostElementPj})
    f.real(v);
  return f.h;
}

double TargetParams::scratchRead32b() const {
  return sramRead32b * std::sqrt(std::max(1.0, double(scratchBytes) / 8192.0));
}

unsigned kite::rt::nmIndexBits(int64_t group) {
  unsigned bits = 0;
  while ((int64_t(1) << bits) < group)
    ++bits;
  return bits;
}

int64_t kite::rt::nmIndexRowBytes(int64_t n, int64_t group) {
  return (n * nmIndexBits(group) + 7) / 8;
}

std::vector<uint8_t> kite::rt::packNMIndices(const std::vector<uint8_t> &idx,
                                             int64_t rows, int64_t n,
                                             int64_t group) {
  unsigned bits = nmIndexBits(group);
  int64_t rowBytes = nmIndexRowBytes(n, group);
  std::vector<uint8_t> packed(size_t(rows * rowBytes), 0);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t j = 0; j < n; ++j)
      for (unsigned b = 0; b < bits; ++b)
        if ((idx[size_t(r * n + j)] >> b) & 1) {
          int64_t bit = j * bits + b;
          packed[size_t(r * rowBytes + bit / 8)] |= uint8_t(1u << (bit % 8));
        }
  return packed;
}

unsigned kite::rt::nmIndexAt(const uint8_t *row, int64_t j, unsigned bits) {
  unsigned v = 0;
  for (unsigned b = 0; b < bits; ++b) {
    int64_t bit = j * bits + b;
    v |= unsigned((row[bit / 8] >> (bit % 8)) & 1) << b;
  }
  return v;
}

double TargetParams::intMacPj(unsigned a, unsigned w,
                              double relativeEnergy) const {
  return int8Mul * kite::numerics::exactEnergyRelativeTo8x8(a, w) *
             relativeEnergy +
         int32Add;
}

double TargetParams::lpMacPj(unsigned a, unsigned w) const {
  return int8Add * double(std::max(a, w)) / 8 + int8Add + int32Add;
}

int64_t TargetParams::spaceBytes(Space space) const {
  switch (space) {
  case Space::Dram:
    return 0; // the program's, not the target's
  case Space::Act:
    return actBytes;
  case Space::Weight:
    return weightBytes;
  case Space::Acc:
    return accBytes;
  case Space::Scratch:
    return scratchBytes;
  }
  return 0;
}

int64_t IoDesc::numElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

//===----------------------------------------------------------------------===//
// Encoding
//===----------------------------------------------------------------------===//

namespace {
constexpr char kMagic[8] = {'K', 'I', 'T', 'E', 'B', 'I', 'N', 0};
constexpr size_t kHeaderBytes = 40, kSectionEntryBytes = 24;
enum SectionKind : uint32_t {
  kTarget = 1,
  kIo = 2,
  kConstants = 3,
  kCode = 4,
};
constexpr uint32_t kNumSections = 4;

class Writer {
public:
  std::vector<uint8_t> out;
  void u32(uint32_t v) { raw(&v, 4); }
  void u64(uint64_t v) { raw(&v, 8); }
  void i64(int64_t v) { raw(&v, 8); }
  void f64(double v) { raw(&v, 8); }
  void raw(const void *p, size_t n) {
    const auto *b = static_cast<const uint8_t *>(p);
    out.insert(out.end(), b, b + n);
  }
  /// Bytes, zero-padded to a multiple of 8.
  void padded(const void *p, size_t n) {
    raw(p, n);
    out.resize(out.size() + (8 - n % 8) % 8, 0);
  }
  void patchU32(size_t at, uint32_t v) { std::memcpy(&out[at], &v, 4); }
  void patchU64(size_t at, uint64_t v) { std::memcpy(&out[at], &v, 8); }
};

void writeField(Writer &w, FieldKind kind, const Field &f) {
  switch (kind) {
  case FieldKind::Int:
    w.i64(f.i);
    break;
  case FieldKind::Float:
    w.f64(f.f);
    break;
  case FieldKind::IntArray:
    w.u64(f.ints.size());
    for (int64_t v : f.ints)
      w.i64(v);
    break;
  case FieldKind::FloatArray:
    w.u64(f.floats.size());
    for (double v : f.floats)
      w.f64(v);
    break;
  case FieldKind::String:
    w.u64(f.s.size());
    w.padded(f.s.data(), f.s.size());
    break;
  }
}

void writeTarget(Writer &w, const Program &p) {
  const TargetParams &t = p.target;
  w.u64(t.name.size());
  w.padded(t.name.data(), t.name.size());
  for (int64_t v : {t.clockMhz, t.rows, t.cols, t.accBits, t.lpAccFracBits,
                    t.actBytes, t.weightBytes, t.accBytes, t.scratchBytes,
                    p.dramBytes, t.lutLanes, t.lutEntries})
    w.i64(v);
  for (double v : {t.dramBytesPerCycle, t.sramBytesPerCycle, t.int8Mul,
                   t.int8Add, t.int32Add, t.fp32Mul, t.fp32Add, t.sramRead32b,
                   t.dramRead32b, t.lutRead8b, t.hostLinkBytesPerCycle,
                   t.hostCyclesPerElement, t.hostElementPj})
    w.f64(v);
}

void writeIo(Writer &w, const Program &p) {
  w.u64(p.inputs.size());
  w.u64(p.outputs.size());
  for (const auto *list : {&p.inputs, &p.outputs})
    for (const IoDesc &d : *list) {
      w.i64(int64_t(d.dtype));
      w.i64(d.addr);
      w.u64(d.shape.size());
      for (int64_t dim : d.shape)
        w.i64(dim);
    }
}
} // namespace

std::vector<uint8_t> kite::rt::encodeKbin(const Program &program) {
  Writer w;
  w.raw(kMagic, 8);
  w.u32(kKbinVersion);
  w.u32(kNumSections);
  w.u64(program.target.fingerprint());
  w.u64(0); // file size, patched
  w.u32(0); // crc, patched
  w.u32(0);
  size_t table = w.out.size();
  w.out.resize(table + kNumSections * kSectionEntryBytes, 0);

  auto section = [&](unsigned idx, uint32_t kind, auto writeBody) {
    size_t start = w.out.size();
    writeBody();
    size_t entry = table + idx * kSectionEntryBytes;
    w.patchU32(entry, kind);
    w.patchU64(entry + 8, start);
    w.patchU64(entry + 16, w.out.size() - start);
  };
  section(0, kTarget, [&] { writeTarget(w, program); });
  section(1, kIo, [&] { writeIo(w, program); });
  section(2, kConstants, [&] {
    w.u64(program.constants.size());
    for (const Segment &s : program.constants) {
      w.i64(s.addr);
      w.u64(s.bytes.size());
      w.padded(s.bytes.data(), s.bytes.size());
    }
  });
  section(3, kCode, [&] {
    w.u64(program.code.size());
    for (const Instr &instr : program.code) {
      const OpSpec *spec = findOp(instr.opcode);
      w.u32(uint32_t(instr.opcode));
      size_t countAt = w.out.size();
      w.u32(0);
      size_t bodyStart = w.out.size();
      for (size_t k = 0; k < spec->fields.size(); ++k)
        writeField(w, spec->fields[k].kind, instr.fields[k]);
      w.patchU32(countAt, uint32_t((w.out.size() - bodyStart) / 8));
    }
  });
  w.patchU64(24, w.out.size());
  uLong crc = crc32(0L, Z_NULL, 0);
  crc = crc32(crc, w.out.data() + kHeaderBytes,
              uInt(w.out.size() - kHeaderBytes));
  w.patchU32(32, uint32_t(crc));
  return w.out;
}

//===----------------------------------------------------------------------===//
// Decoding
//===----------------------------------------------------------------------===//

namespace {
/// Bounds-checked little-endian reader over [pos, end). Every failure
/// records the offset of the field that could not be read.
class Reader {
public:
  Reader(const uint8_t *data, size_t begin, size_t end, std::string &error)
      : data(data), pos(begin), end(end), error(error) {}

  bool u32(uint32_t &v, const char *what) { return raw(&v, 4, what); }
  bool u64(uint64_t &v, const char *what) { return raw(&v, 8, what); }
  bool i64(int64_t &v, const char *what) { return raw(&v, 8, what); }
  bool f64(double &v, const char *what) { return raw(&v, 8, what); }
  /// A count of 8-byte items that must fit in the remaining bytes.
  bool count(uint64_t &v, const char *what, uint64_t itemBytes = 8) {
    size_t at = pos;
    if (!u64(v, what))
      return false;
    if (itemBytes && v > (end - pos) / itemBytes)
      return fail(at, std::string(what) + " " + std::to_string(v) +
                          " exceeds the section");
    return true;
  }
  bool padded(void *dst, size_t n, const char *what) {
    size_t total = n + (8 - n % 8) % 8;
    if (total > end - pos)
      return fail(pos, std::string("truncated ") + what);
    if (n)
      std::memcpy(dst, data + pos, n);
    pos += total;
    return true;
  }
  bool fail(size_t at, const std::string &message) {
    error = "at byte " + std::to_string(at) + ": " + message;
    return false;
  }
  size_t offset() const { return pos; }
  bool atEnd() const { return pos == end; }

private:
  bool raw(void *dst, size_t n, const char *what) {
    if (n > end - pos)
      return fail(pos, std::string("truncated ") + what);
    std::memcpy(dst, data + pos, n);
    pos += n;
    return true;
  }
  const uint8_t *data;
  size_t pos, end;
  std::string &error;
};

bool readField(Reader &r, FieldKind kind, Field &f, const char *name) {
  uint64_t n = 0;
  switch (kind) {
  case FieldKind::Int:
    return r.i64(f.i, name);
  case FieldKind::Float:
    return r.f64(f.f, name);
  case FieldKind::IntArray:
    if (!r.count(n, name))
      return false;
    f.ints.resize(n);
    for (int64_t &v : f.ints)
      if (!r.i64(v, name))
        return false;
    return true;
  case FieldKind::FloatArray:
    if (!r.count(n, name))
      return false;
    f.floats.resize(n);
    for (double &v : f.floats)
      if (!r.f64(v, name))
        return false;
    return true;
  case FieldKind::String:
    if (!r.count(n, name, 1))
      return false;
    f.s.resize(n);
    return r.padded(f.s.data(), n, name);
  }
  return false;
}

bool readTarget(Reader &r, Program &p) {
  TargetParams &t = p.target;
  uint64_t len = 0;
  if (!r.count(len, "target name length", 1))
    return false;
  t.name.resize(len);
  if (!r.padded(t.name.data(), len, "target name"))
    return false;
  for (int64_t *v : {&t.clockMhz, &t.rows, &t.cols, &t.accBits,
                     &t.lpAccFracBits, &t.actBytes, &t.weightBytes, &t.accBytes,
                     &t.scratchBytes, &p.dramBytes, &t.lutLanes, &t.lutEntries})
    if (!r.i64(*v, "target field"))
      return false;
  for (double *v :
       {&t.dramBytesPerCycle, &t.sramBytesPerCycle, &t.int8Mul, &t.int8Add,
        &t.int32Add, &t.fp32Mul, &t.fp32Add, &t.sramRead32b, &t.dramRead32b,
        &t.lutRead8b, &t.hostLinkBytesPerCycle, &t.hostCyclesPerElement,
        &t.hostElementPj})
    if (!r.f64(*v, "target energy"))
      return false;
  size_t at = r.offset();
  auto within = [](int64_t v, int64_t hi) { return v >= 0 && v <= hi; };
  if (!within(t.clockMhz, kMaxClockMhz) || t.clockMhz == 0 ||
      !within(t.rows, 1 << 16) || t.rows == 0 || !within(t.cols, 1 << 16) ||
      t.cols == 0 || t.accBits < 2 || t.accBits > 64 ||
      !within(t.lpAccFracBits, 62))
    return r.fail(at, "target section: clock, array or accumulator out of "
                      "range");
  if (!within(t.actBytes, kMaxBufferBytes) ||
      !within(t.weightBytes, kMaxBufferBytes) ||
      !within(t.accBytes, kMaxBufferBytes) ||
      !within(t.scratchBytes, kMaxBufferBytes) ||
      !within(p.dramBytes, kScratchBase))
    return r.fail(at, "target section: buffer or DRAM size out of range "
                      "(buffers <= 256 MiB, DRAM <= 1 GiB)");
  if (!(t.dramBytesPerCycle > 0) || !(t.sramBytesPerCycle > 0) ||
      !std::isfinite(t.dramBytesPerCycle) ||
      !std::isfinite(t.sramBytesPerCycle))
    return r.fail(at, "target section: bandwidths must be positive");
  if (!within(t.lutLanes, 4096) || !within(t.lutEntries, 65536) ||
      (t.lutLanes == 0) != (t.lutEntries == 0))
    return r.fail(at, "target section: LUT unit out of range");
  for (double v :
       {t.hostLinkBytesPerCycle, t.hostCyclesPerElement, t.hostElementPj})
    if (!std::isfinite(v) || v < 0)
      return r.fail(at, "target section: host numbers must be finite and "
                        "non-negative");
  return true;
}

bool readIo(Reader &r, Program &p) {
  uint64_t nin = 0, nout = 0;
  if (!r.count(nin, "input count", 24) || !r.count(nout, "output count", 24))
    return false;
  p.inputs.resize(nin);
  p.outputs.resize(nout);
  for (auto *list : {&p.inputs, &p.outputs})
    for (IoDesc &d : *list) {
      size_t at = r.offset();
      int64_t dtype = 0;
      uint64_t rank = 0;
      if (!r.i64(dtype, "I/O dtype") || !r.i64(d.addr, "I/O address") ||
          !r.count(rank, "I/O rank"))
        return false;
      if (dtype < 0 || dtype > int64_t(DType::I64))
        return r.fail(at, "unknown I/O dtype " + std::to_string(dtype));
      d.dtype = DType(dtype);
      d.shape.resize(rank);
      for (int64_t &dim : d.shape) {
        size_t dimAt = r.offset();
        if (!r.i64(dim, "I/O dimension"))
          return false;
        if (dim <= 0 || dim > (int64_t(1) << 40))
          return r.fail(dimAt, "I/O dimension " + std::to_string(dim) +
                                   " out of range");
      }
    }
  return true;
}

bool readConstants(Reader &r, Program &p) {
  uint64_t n = 0;
  if (!r.count(n, "constant segment count", 16))
    return false;
  p.constants.resize(n);
  for (Segment &s : p.constants) {
    uint64_t size = 0;
    if (!r.i64(s.addr, "segment address") || !r.count(size, "segment size", 1))
      return false;
    s.bytes.resize(size);
    if (!r.padded(s.bytes.data(), size, "segment bytes"))
      return false;
  }
  return true;
}

bool readCode(Reader &r, Program &p) {
  uint64_t n = 0;
  if (!r.count(n, "instruction count"))
    return false;
  p.code.resize(n);
  for (uint64_t idx = 0; idx < n; ++idx) {
    Instr &instr = p.code[idx];
    size_t at = r.offset();
    uint32_t opcode = 0, words = 0;
    if (!r.u32(opcode, "opcode") || !r.u32(words, "instruction length"))
      return false;
    const OpSpec *spec = findOp(Opcode(opcode));
    if (!spec)
      return r.fail(at, "instruction " + std::to_string(idx) +
                            ": unknown opcode " + std::to_string(opcode));
    instr.opcode = spec->opcode;
    instr.fields.resize(spec->fields.size());
    size_t body = r.offset();
    for (size_t k = 0; k < spec->fields.size(); ++k)
      if (!readField(r, spec->fields[k].kind, instr.fields[k],
                     spec->fields[k].name))
        return false;
    if (r.offset() - body != size_t(words) * 8)
      return r.fail(at, "instruction " + std::to_string(idx) + " (" +
                            spec->name + ") has length " +
                            std::to_string(words) + " words, its fields take " +
                            std::to_string((r.offset() - body) / 8));
  }
  return true;
}
} // namespace

bool kite::rt::decodeKbin(const uint8_t *data, size_t size, Program &program,
                          std::string &error) {
  Reader header(data, 0, size, error);
  char magic[8];
  if (size < kHeaderBytes)
    return header.fail(size, "file too short for the header (" +
                                 std::to_string(kHeaderBytes) + " bytes)");
  std::memcpy(magic, data, 8);
  if (std::memcmp(magic, kMagic, 8) != 0)
    return header.fail(0, "not a Kite binary (bad magic)");
  uint32_t version = 0, sections = 0, crc = 0, reserved = 0;
  uint64_t fingerprint = 0, fileSize = 0;
  Reader h(data, 8, kHeaderBytes, error);
  h.u32(version, "version");
  h.u32(sections, "section count");
  h.u64(fingerprint, "fingerprint");
  h.u64(fileSize, "file size");
  h.u32(crc, "checksum");
  h.u32(reserved, "reserved");
  if (reserved != 0)
    return h.fail(36, "reserved header bytes are not zero");
  if (version != kKbinVersion)
    return h.fail(8, "unsupported version " + std::to_string(version) +
                         " (this runtime reads version " +
                         std::to_string(kKbinVersion) + ")");
  if (fileSize != size)
    return h.fail(24, "file size field says " + std::to_string(fileSize) +
                          " bytes, the file has " + std::to_string(size) +
                          " (truncated or padded)");
  uLong actual = crc32(0L, Z_NULL, 0);
  actual = crc32(actual, data + kHeaderBytes, uInt(size - kHeaderBytes));
  if (uint32_t(actual) != crc)
    return h.fail(32, "checksum mismatch (corrupted file)");
  if (sections != kNumSections)
    return h.fail(12, "expected " + std::to_string(kNumSections) +
                          " sections, found " + std::to_string(sections));
  if (size < kHeaderBytes + sections * kSectionEntryBytes)
    return h.fail(kHeaderBytes, "truncated section table");

  bool seen[kNumSections + 1] = {};
  for (uint32_t s = 0; s < sections; ++s) {
    size_t entry = kHeaderBytes + s * kSectionEntryBytes;
    Reader t(data, entry, entry + kSectionEntryBytes, error);
    uint32_t kind = 0, pad = 0;
    uint64_t offset = 0, length = 0;
    t.u32(kind, "section kind");
    t.u32(pad, "section padding");
    t.u64(offset, "section offset");
    t.u64(length, "section size");
    if (pad != 0)
      return t.fail(entry + 4, "reserved section-table bytes are not zero");
    if (kind < kTarget || kind > kCode || seen[kind])
      return t.fail(entry,
                    "bad or repeated section kind " + std::to_string(kind));
    seen[kind] = true;
    if (offset > size || length > size - offset)
      return t.fail(entry + 8, "section " + std::to_string(kind) +
                                   " lies outside the file");
    Reader r(data, offset, offset + length, error);
    bool ok = kind == kTarget      ? readTarget(r, program)
              : kind == kIo        ? readIo(r, program)
              : kind == kConstants ? readConstants(r, program)
                                   : readCode(r, program);
    if (!ok)
      return false;
    if (!r.atEnd())
      return r.fail(r.offset(), "unexpected bytes at the end of section " +
                                    std::to_string(kind));
  }
  if (program.target.fingerprint() != fingerprint)
    return h.fail(16, "target fingerprint does not match the target section");
  std::string problem = validateProgram(program);
  if (!problem.empty()) {
    error = problem;
    return false;
  }
  return true;
}

std::string kite::rt::validateProgram(const Program &program) {
  auto inDram = [&](int64_t addr, int64_t bytes) {
    return addr >= 0 && bytes >= 0 && addr <= program.dramBytes &&
           bytes <= program.dramBytes - addr;
  };
  for (size_t k = 0; k < program.constants.size(); ++k)
    if (!inDram(program.constants[k].addr,
                int64_t(program.constants[k].bytes.size())))
      return "constant segment " + std::to_string(k) + " lies outside DRAM (" +
             std::to_string(program.dramBytes) + " bytes)";
  for (const auto *list : {&program.inputs, &program.outputs})
    for (size_t k = 0; k < list->size(); ++k) {
      const IoDesc &d = (*list)[k];
      int64_t n = 1;
      for (int64_t dim : d.shape)
        if (dim <= 0 || n > (int64_t(1) << 40) / dim)
          n = -1;
        else
          n *= dim;
      if (n < 0 || !inDram(d.addr, n * dtypeBytes(d.dtype)))
        return std::string(list == &program.inputs ? "input " : "output ") +
               std::to_string(k) + " lies outside DRAM";
    }
  for (size_t k = 0; k < program.code.size(); ++k) {
    const OpSpec *spec = findOp(program.code[k].opcode);
    if (!spec || spec->fields.size() != program.code[k].fields.size())
      return "instruction " + std::to_string(k) + " is malformed";
  }
  return "";
}

//===----------------------------------------------------------------------===//
// Disassembly
//===----------------------------------------------------------------------===//

static void printField(std::ostream &os, const FieldSpec &spec,
                       const Field &f) {
  os << spec.name << "=";
  auto list = [&](const auto &values) {
    os << "[";
    for (size_t k = 0; k < values.size(); ++k)
      os << (k ? "," : "") << values[k];
    os << "]";
  };
  switch (spec.kind) {
  case FieldKind::Int:
    if (std::string_view(spec.name).find("format") != std::string_view::npos &&
        f.i != kNoFormat)
      os << OperandFormat::unpack(f.i).str();
    else
      os << f.i;
    break;
  case FieldKind::Float:
    os << f.f;
    break;
  case FieldKind::IntArray:
    list(f.ints);
    break;
  case FieldKind::FloatArray:
    list(f.floats);
    break;
  case FieldKind::String:
    os << '"' << f.s << '"';
    break;
  }
}

std::string kite::rt::disassemble(const Program &p) {
  std::ostringstream os;
  os.precision(17);
  os << "; kbin v" << kKbinVersion << " target " << p.target.name
     << " fingerprint 0x" << std::hex << p.target.fingerprint() << std::dec
     << "\n; dram " << p.dramBytes << " bytes, " << p.constants.size()
     << " constant segments, " << p.code.size() << " instructions\n";
  for (size_t k = 0; k < p.inputs.size(); ++k)
    os << "; input " << k << " " << dtypeName(p.inputs[k].dtype) << " @"
       << p.inputs[k].addr << "\n";
  for (size_t k = 0; k < p.outputs.size(); ++k)
    os << "; output " << k << " " << dtypeName(p.outputs[k].dtype) << " @"
       << p.outputs[k].addr << "\n";
  for (const Instr &instr : p.code) {
    const OpSpec *spec = findOp(instr.opcode);
    os << spec->name;
    for (size_t k = 0; k < spec->fields.size(); ++k) {
      os << (k ? ", " : " ");
      printField(os, spec->fields[k], instr.fields[k]);
    }
    os << "\n";
  }
  return os.str();
}
