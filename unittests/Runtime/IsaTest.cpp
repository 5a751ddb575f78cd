//===- IsaTest.cpp - .kbin encoding, decoding and validation
//---------------===//

#include "kite/Runtime/Isa.h"

#include <gtest/gtest.h>

using namespace kite::rt;

namespace {
/// A field of each kind with a recognisable value.
Field sampleField(FieldKind kind, int seed) {
  Field f;
  switch (kind) {
  case FieldKind::Int:
    f.i = -seed * 1000003;
    break;
  case FieldKind::Float:
    f.f = 0.1 * seed;
    break;
  case FieldKind::IntArray:
    f.ints = {seed, -seed, 1 << 20};
    break;
  case FieldKind::FloatArray:
    f.floats = {0.5, -double(seed)};
    break;
  case FieldKind::String:
    f.s = "name" + std::string(size_t(seed % 11), 'x');
    break;
  }
  return f;
}

/// One instruction of every opcode, plus constants and I/O.
Program everyInstruction() {
  Program p;
  p.target.name = "unit";
  p.target.actBytes = p.target.weightBytes = p.target.accBytes = 1024;
  p.dramBytes = 4096;
  p.inputs.push_back({DType::F32, {2, 3}, 0});
  p.outputs.push_back({DType::I16, {5}, 64});
  p.constants.push_back({128, {1, 2, 3, 4, 5}});
  int seed = 1;
  for (const OpSpec &spec : instructionSet()) {
    Instr instr;
    instr.opcode = spec.opcode;
    for (const FieldSpec &field : spec.fields)
      instr.fields.push_back(sampleField(field.kind, seed++));
    p.code.push_back(instr);
  }
  return p;
}

bool decode(const std::vector<uint8_t> &bytes, Program &p, std::string &error) {
  return decodeKbin(bytes.data(), bytes.size(), p, error);
}
} // namespace

TEST(Isa, EveryOpcodeIsUniqueAndNamed) {
  for (const OpSpec &a : instructionSet()) {
    EXPECT_EQ(findOp(a.opcode), &a);
    EXPECT_EQ(findOp(a.name), &a);
  }
  EXPECT_EQ(findOp(Opcode(999)), nullptr);
  EXPECT_EQ(findOp("nope"), nullptr);
}

TEST(Isa, EncodeDecodeRoundTrip) {
  Program p = everyInstruction();
  std::vector<uint8_t> bytes = encodeKbin(p);
  Program q;
  std::string error;
  ASSERT_TRUE(decode(bytes, q, error)) << error;
  EXPECT_EQ(q.target.name, "unit");
  EXPECT_EQ(q.dramBytes, 4096);
  ASSERT_EQ(q.inputs.size(), 1u);
  EXPECT_EQ(q.inputs[0].shape, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(q.outputs[0].dtype, DType::I16);
  EXPECT_EQ(q.constants[0].bytes, (std::vector<uint8_t>{1, 2, 3, 4, 5}));
  ASSERT_EQ(q.code.size(), p.code.size());
  for (size_t k = 0; k < p.code.size(); ++k) {
    const OpSpec *spec = findOp(p.code[k].opcode);
    ASSERT_EQ(q.code[k].opcode, p.code[k].opcode);
    for (size_t f = 0; f < spec->fields.size(); ++f) {
      const Field &a = p.code[k].fields[f], &b = q.code[k].fields[f];
      EXPECT_EQ(a.i, b.i);
      EXPECT_EQ(a.f, b.f);
      EXPECT_EQ(a.ints, b.ints);
      EXPECT_EQ(a.floats, b.floats);
      EXPECT_EQ(a.s, b.s);
    }
  }
  EXPECT_EQ(encodeKbin(q), bytes);
}

TEST(Isa, EveryTruncationIsAnError) {
  std::vector<uint8_t> bytes = encodeKbin(everyInstruction());
  for (size_t n = 0; n < bytes.size(); ++n) {
    std::vector<uint8_t> cut(bytes.begin(), bytes.begin() + long(n));
    Program q;
    std::string error;
    EXPECT_FALSE(decode(cut, q, error)) << "prefix " << n;
    EXPECT_FALSE(error.empty());
  }
}

TEST(Isa, EverySingleBitFlipIsAnError) {
  std::vector<uint8_t> bytes = encodeKbin(everyInstruction());
  for (size_t at = 0; at < bytes.size(); ++at)
    for (int bit = 0; bit < 8; bit += 3) {
      std::vector<uint8_t> bad = bytes;
      bad[at] ^= uint8_t(1 << bit);
      Program q;
      std::string error;
      EXPECT_FALSE(decode(bad, q, error)) << "byte " << at << " bit " << bit;
    }
}

TEST(Isa, ErrorsSayWhere) {
  std::vector<uint8_t> bytes = encodeKbin(everyInstruction());
  Program q;
  std::string error;
  bytes[9] = 7; // version: the current one + 7 * 256
  EXPECT_FALSE(decode(bytes, q, error));
  EXPECT_EQ(error, "at byte 8: unsupported version " +
                       std::to_string(kKbinVersion + (7u << 8)) +
                       " (this runtime reads version " +
                       std::to_string(kKbinVersion) + ")");
}

TEST(Isa, ValidationRejectsDataOutsideDram) {
  Program p = everyInstruction();
  p.constants.push_back({4094, {1, 2, 3}});
  EXPECT_EQ(validateProgram(p),
            "constant segment 1 lies outside DRAM (4096 bytes)");
  p.constants.pop_back();
  p.outputs[0].shape = {1 << 20};
  EXPECT_EQ(validateProgram(p), "output 0 lies outside DRAM");
}

TEST(Isa, OperandFormatsPack) {
  OperandFormat lp;
  lp.isLP = true;
  lp.bits = 6;
  lp.es = 1;
  lp.rs = 5;
  lp.sf = -3;
  OperandFormat back = OperandFormat::unpack(lp.pack());
  EXPECT_TRUE(back.isLP);
  EXPECT_EQ(back.bits, 6u);
  EXPECT_EQ(back.es, 1u);
  EXPECT_EQ(back.rs, 5u);
  EXPECT_EQ(back.sf, -3);
  EXPECT_EQ(back.str(), "lp<6,1,5,-3>");
  OperandFormat u4;
  u4.bits = 4;
  u4.isSigned = false;
  EXPECT_EQ(OperandFormat::unpack(u4.pack()).str(), "uint4/i8");
}

TEST(Isa, FingerprintCoversEveryNumber) {
  TargetParams a, b;
  b.lutRead8b += 0.01;
  EXPECT_NE(a.fingerprint(), b.fingerprint());
  b = a;
  b.accBytes += 1;
  EXPECT_NE(a.fingerprint(), b.fingerprint());
}
