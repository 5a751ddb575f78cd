//===- HostRun.h - run a program on host tensors ----------------*- C++ -*-===//
//
// Feeds .npy-style host tensors to a program, in runs of its batch when the
// inputs have more rows (the last run zero-padded), and collects the
// outputs. Shared by kite-sim and kitec.
//
//===----------------------------------------------------------------------===//

#ifndef KITE_RUNTIME_HOSTRUN_H
#define KITE_RUNTIME_HOSTRUN_H

#include "kite/Runtime/Simulator.h"
#include "kite/TensorIO/Npy.h"

namespace kite::rt {

/// Runs `program` on `inputs` (one per program input). With `batch`, inputs
/// may have more rows than the program's batch. On failure returns false
/// with a one-line `error`.
bool runOnHostTensors(Simulator &sim, const Program &program,
                      const std::vector<tensorio::HostTensor> &inputs,
                      bool batch, std::vector<tensorio::HostTensor> &outputs,
                      std::string &error);

} // namespace kite::rt

#endif // KITE_RUNTIME_HOSTRUN_H
