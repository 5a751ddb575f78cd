//===- Footprint.h - the DRAM a program touches, checked against its I/O -===//
//
// A .kbin's I/O descriptors are data like any other field: edited or
// corrupted, they would make kite-sim return bytes the program never
// produced, in a shape it never meant. The simulator records which DRAM
// bytes the first run writes and reads and checks them against the output
// descriptors: every output byte must be written, and a store that nothing
// reads afterwards must lie within an output (anything else it could be is a
// spilled intermediate, which is read back, if only in part by a strided
// consumer; DRAM is reused, so an output's bytes may hold a spill before
// the result). Addresses are fixed in the instructions, so one run shows
// the whole footprint.
//
//===----------------------------------------------------------------------===//

#ifndef KITE_LIB_RUNTIME_FOOTPRINT_H
#define KITE_LIB_RUNTIME_FOOTPRINT_H

#include "kite/Runtime/Isa.h"

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace kite::rt {

/// A union of half-open byte ranges, merged as they are added.
class ByteRanges {
public:
  void add(int64_t lo, int64_t hi);
  /// The first part of [lo, hi) not in the set; empty (first == second)
  /// when all of it is.
  std::pair<int64_t, int64_t> firstGap(int64_t lo, int64_t hi) const;

private:
  std::map<int64_t, int64_t> spans; ///< lo -> hi, disjoint, not touching
};

class DramFootprint {
public:
  void read(int64_t lo, int64_t hi);
  void write(int64_t lo, int64_t hi, size_t instruction);
  /// "" when the outputs match what the program wrote; else one line.
  std::string check(const std::vector<IoDesc> &outputs) const;

private:
  ByteRanges written;
  /// Stores no later instruction has read from: lo -> (hi, instruction).
  std::multimap<int64_t, std::pair<int64_t, size_t>> unread;
  int64_t longest = 0; ///< the longest store, to find overlaps from lo
};

} // namespace kite::rt

#endif // KITE_LIB_RUNTIME_FOOTPRINT_H
