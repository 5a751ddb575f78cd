//===- Simulator.h - runs a Kite program and says what it costs -*- C++ -*-===//
//
// Executes a decoded .kbin instruction by instruction, bit-exactly with the
// reference interpreter, and times it with the cost model of
// docs/simulator.md: each unit (DMA, MAC array, vector unit) runs its
// instructions in order, concurrently with the others, and an instruction
// waits for the instructions whose memory it reads or overwrites (a
// scoreboard over 64-byte lines), which is what makes double buffering pay.
// Plain C++ (no MLIR).
//
//===----------------------------------------------------------------------===//

#ifndef KITE_RUNTIME_SIMULATOR_H
#define KITE_RUNTIME_SIMULATOR_H

#include "kite/Runtime/Isa.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace kite::rt {

struct Stats {
  int64_t runs = 0;
  int64_t cycles = 0; ///< end of the last instruction, summed over runs
  int64_t instructions = 0;
  int64_t macs = 0;
  int64_t dramBytes = 0;    ///< bytes moved between DRAM and the chip
  int64_t scratchBytes = 0; ///< bytes read or written in the scratchpad
  std::map<std::string, double> energyPj;    ///< by component
  std::map<std::string, int64_t> busyCycles; ///< by unit

  double energyJ() const;
  double seconds(const TargetParams &target) const;
  /// Energy-delay product: energy (J) x run time (s).
  double edpJs(const TargetParams &target) const;
  /// MACs over the array's capacity in the cycles run.
  double utilisation(const TargetParams &target) const;
};

/// What one instruction cost, summed over runs.
struct InstrCost {
  int64_t cycles = 0;
  double energyPj = 0;
};

struct TraceEvent {
  const char *name;
  Unit unit;
  int64_t start, end;
};

class Simulator {
public:
  explicit Simulator(const Program &program);
  ~Simulator();

  /// Runs the program once. `inputs` holds each input's bytes in its I/O
  /// descriptor's dtype; `outputs` receives each output's bytes. On failure
  /// (e.g. an instruction touching memory outside its space) returns false
  /// with a one-line `error` naming the instruction.
  bool run(const std::vector<std::vector<uint8_t>> &inputs,
           std::vector<std::vector<uint8_t>> &outputs, std::string &error);

  const Stats &stats() const;
  void enableTrace(bool on);
  const std::vector<TraceEvent> &trace() const;
  /// Per-instruction costs (indexed like Program::code), for per-layer
  /// reports.
  void enableProfile(bool on);
  const std::vector<InstrCost> &profile() const;

private:
  struct Impl;
  std::unique_ptr<Impl> impl;
};

/// Chrome/Perfetto trace JSON of `events` (timestamps in microseconds).
std::string traceJson(const std::vector<TraceEvent> &events,
                      const TargetParams &target);

} // namespace kite::rt

#endif // KITE_RUNTIME_SIMULATOR_H
