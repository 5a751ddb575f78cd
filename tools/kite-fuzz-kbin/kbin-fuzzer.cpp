//===- kbin-fuzzer.cpp - libFuzzer target for the .kbin loader ------------===//
//
// Decodes arbitrary bytes as a .kbin; whatever decodes is also run in the
// simulator (on zero inputs), so both the loader's checks and the
// simulator's bounds checks are fuzzed. Built and run by scripts/fuzz.
//
//===----------------------------------------------------------------------===//

#include "kite/Runtime/Simulator.h"

#include <zlib.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  // Half of the inputs get a correct size field and checksum, so that
  // mutations reach the section parsers and the simulator instead of all
  // stopping at the checksum.
  std::vector<uint8_t> bytes(data, data + size);
  if (size >= 40 && (data[size - 1] & 1)) {
    uint64_t fileSize = size;
    std::memcpy(&bytes[24], &fileSize, 8);
    uint32_t crc = uint32_t(
        crc32(crc32(0L, Z_NULL, 0), bytes.data() + 40, uInt(size - 40)));
    std::memcpy(&bytes[32], &crc, 4);
  }
  kite::rt::Program program;
  std::string error;
  if (!kite::rt::decodeKbin(bytes.data(), bytes.size(), program, error))
    return 0;
  // Keep each run small enough for the fuzzer's time and memory limits.
  const kite::rt::TargetParams &t = program.target;
  if (program.dramBytes > (1 << 22) || t.actBytes > (1 << 16) ||
      t.weightBytes > (1 << 16) || t.accBytes > (1 << 16) ||
      program.code.size() > 4096)
    return 0;
  std::vector<std::vector<uint8_t>> inputs, outputs;
  for (const kite::rt::IoDesc &d : program.inputs)
    inputs.emplace_back(size_t(d.bytes()), 0);
  kite::rt::Simulator sim(program);
  sim.run(inputs, outputs, error);
  return 0;
}
