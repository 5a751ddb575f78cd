//===- npy-fuzzer.cpp - libFuzzer target for .npy tensor files ------------===//
//
// Parses arbitrary bytes as a .npy file, as kite-run, kite-sim and the
// calibration passes read their inputs; whatever parses must describe
// exactly as many values as it holds. Built and run by scripts/fuzz.
//
//===----------------------------------------------------------------------===//

#include "kite/TensorIO/Npy.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string bytes(reinterpret_cast<const char *>(data), size);
  kite::tensorio::HostTensor t;
  std::string error;
  if (!kite::tensorio::parseNpy(bytes, t, &error))
    return 0;
  size_t values = t.isFloat() ? t.floats.size() : t.ints.size();
  if (int64_t(values) != t.numElements())
    std::abort(); // a shape that disagrees with the data it came with
  return 0;
}
