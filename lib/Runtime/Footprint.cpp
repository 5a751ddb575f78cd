//===- Footprint.cpp - the DRAM a program touches, checked against its I/O ===//

#include "Footprint.h"

#include <algorithm>
#include <iterator>

using namespace kite::rt;

void ByteRanges::add(int64_t lo, int64_t hi) {
  if (lo >= hi)
    return;
  auto it = spans.upper_bound(lo);
  if (it != spans.begin() && std::prev(it)->second >= lo) {
    --it;
    lo = it->first;
  }
  while (it != spans.end() && it->first <= hi) {
    hi = std::max(hi, it->second);
    it = spans.erase(it);
  }
  spans.emplace(lo, hi);
}

std::pair<int64_t, int64_t> ByteRanges::firstGap(int64_t lo, int64_t hi) const {
  auto it = spans.upper_bound(lo);
  if (it != spans.begin())
    lo = std::max(lo, std::prev(it)->second);
  for (; lo < hi; ++it) {
    if (it == spans.end() || it->first >= hi)
      return {lo, hi};
    if (it->first > lo)
      return {lo, it->first};
    lo = std::max(lo, it->second);
  }
  return {hi, hi};
}

void DramFootprint::read(int64_t lo, int64_t hi) {
  for (auto it = unread.lower_bound(lo - longest);
       it != unread.end() && it->first < hi;)
    it = it->second.first > lo ? unread.erase(it) : std::next(it);
}

void DramFootprint::write(int64_t lo, int64_t hi, size_t instruction) {
  written.add(lo, hi);
  unread.emplace(lo, std::make_pair(hi, instruction));
  longest = std::max(longest, hi - lo);
}

static std::string describe(const IoDesc &d) {
  std::string s = dtypeName(d.dtype);
  for (int64_t dim : d.shape)
    s += "x" + std::to_string(dim);
  return s + " at DRAM [" + std::to_string(d.addr) + ", " +
         std::to_string(d.addr + d.bytes()) + ")";
}

static bool withinOutput(const std::vector<IoDesc> &outputs, int64_t lo,
                         int64_t hi) {
  for (const IoDesc &d : outputs)
    if (lo >= d.addr && hi <= d.addr + d.bytes())
      return true;
  return false;
}

std::string DramFootprint::check(const std::vector<IoDesc> &outputs) const {
  auto range = [](std::pair<int64_t, int64_t> r) {
    return "[" + std::to_string(r.first) + ", " + std::to_string(r.second) +
           ")";
  };
  for (size_t k = 0; k < outputs.size(); ++k) {
    const IoDesc &d = outputs[k];
    auto gap = written.firstGap(d.addr, d.addr + d.bytes());
    if (gap.first < gap.second)
      return "output " + std::to_string(k) + " (" + describe(d) +
             "): the program never writes bytes " + range(gap) +
             "; the output descriptor does not match the program";
  }
  for (const auto &[lo, store] : unread) {
    auto [hi, instruction] = store;
    if (withinOutput(outputs, lo, hi))
      continue;
    return "instruction " + std::to_string(instruction) +
           " writes DRAM bytes " + range({lo, hi}) +
           ", which no output holds and no later instruction reads; the "
           "output descriptors do not match the program";
  }
  return "";
}
