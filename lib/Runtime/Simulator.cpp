//===- Simulator.cpp - functional core and cost model of kite-sim --------===//
//
// The functional semantics of every instruction mirrors the reference
// interpreter's kernel for the tensor-level op it comes from (same float
// operation order, same numerics-library calls), so outputs agree bit for
// bit; tests/Runtime and the end-to-end tests check it. This file: memory
// bounds, the timing scoreboard, energy accounting, the instruction
// dispatch and the public interface; the instructions live with their unit
// (SimulatorImpl.h).
//
//===----------------------------------------------------------------------===//

#include "SimulatorImpl.h"

using namespace kite::rt;
using kite::numerics::signExtend;
namespace numerics = kite::numerics;

double Stats::energyJ() const {
  double pj = 0;
  for (const auto &[name, e] : energyPj)
    pj += e;
  return pj * 1e-12;
}

double Stats::seconds(const TargetParams &t) const {
  return double(cycles) / (double(t.clockMhz) * 1e6);
}

double Stats::edpJs(const TargetParams &t) const {
  return energyJ() * seconds(t);
}

double Stats::utilisation(const TargetParams &t) const {
  return cycles ? double(macs) / (double(cycles) * double(t.rows * t.cols))
                : 0.0;
}

bool Simulator::Impl::access(Space space, int64_t addr, int64_t bytes,
                             std::vector<Range> &ranges) {
  int64_t at = addr;
  if (space == Space::Dram && addr >= kScratchBase) {
    space = Space::Scratch;
    at -= kScratchBase;
  }
  int64_t size = spaceBytes(space);
  if (at < 0 || bytes < 0 || at > size || bytes > size - at)
    return fail(std::string(spaceName(space)) + " range [" +
                std::to_string(addr) + ", +" + std::to_string(bytes) +
                ") is outside the " + std::to_string(size) + "-byte space");
  if (bytes)
    ranges.push_back({space, at, at + bytes});
  return true;
}

bool Simulator::Impl::stridedAccess(Space space, int64_t addr,
                                    unsigned elemBytes,
                                    const std::vector<int64_t> &shape,
                                    const std::vector<int64_t> &strides,
                                    std::vector<Range> &ranges) {
  if (shape.size() != strides.size() || shape.size() > 8)
    return fail("shape and strides must have the same rank (at most 8)");
  int64_t last = 0;
  for (size_t d = 0; d < shape.size(); ++d) {
    if (shape[d] <= 0 || shape[d] > kMaxExtent || strides[d] < 0 ||
        strides[d] > kMaxExtent)
      return fail("bad shape or stride");
    if (!productWithin(
            std::initializer_list<int64_t>{shape[d] - 1, strides[d]}))
      return fail("strided access too large");
    last += (shape[d] - 1) * strides[d];
    if (last > kMaxExtent)
      return fail("strided access too large");
  }
  // Callers count the elements as the product of the shape.
  if (!productWithin(shape))
    return fail("shape has more than " + std::to_string(kMaxExtent) +
                " elements");
  return access(space, addr, (last + 1) * elemBytes, ranges);
}

bool Simulator::Impl::checkExtents(
    std::initializer_list<int64_t> values,
    std::initializer_list<std::initializer_list<int64_t>> products) {
  for (int64_t v : values)
    if (v < 0 || v > kMaxExtent)
      return fail("size " + std::to_string(v) + " out of range");
  for (const auto &group : products)
    if (!productWithin(group)) {
      std::string factors;
      for (int64_t f : group)
        factors += (factors.empty() ? "" : " x ") + std::to_string(f);
      return fail("size " + factors + " out of range");
    }
  return true;
}

bool Simulator::Impl::dtypeOf(int64_t code, DType &out, DType widest) {
  if (code < 0 || code > int64_t(widest))
    return fail("unknown dtype " + std::to_string(code));
  out = DType(code);
  return true;
}

int64_t Simulator::Impl::chargeTraffic(const Traffic &t) {
  stats.dramBytes += t.dram;
  stats.scratchBytes += t.scratch;
  charge("dram", double(t.dram) / 4 * target.dramRead32b);
  if (t.scratch)
    charge("scratch", double(t.scratch) / 4 * target.scratchRead32b());
  return std::max<int64_t>(
      {int64_t(std::ceil(double(t.dram) / target.dramBytesPerCycle)),
       int64_t(std::ceil(double(t.scratch) / target.sramBytesPerCycle)), 1});
}

int64_t Simulator::Impl::vectorCycles(int64_t elements, double opsPerElement,
                                      const Traffic &t) {
  int64_t compute = int64_t(
      std::ceil(double(elements) * opsPerElement / double(target.cols)));
  return std::max(compute, chargeTraffic(t));
}

void Simulator::Impl::schedule(Unit unit, int64_t cycles,
                               const std::vector<Range> &reads,
                               const std::vector<Range> &writes) {
  int64_t start = std::max(runStart, unitFree[int(unit)]);
  // The control unit and a host call wait for every unit.
  if (unit == Unit::Control || unit == Unit::Host)
    for (int64_t t : unitFree)
      start = std::max(start, t);
  auto lines = [](const Range &r, auto fn) {
    for (int64_t l = r.lo / kLineBytes; l <= (r.hi - 1) / kLineBytes; ++l)
      fn(size_t(l));
  };
  if (footprint) {
    for (const Range &r : reads)
      if (r.space == Space::Dram)
        footprint->read(r.lo, r.hi);
    for (const Range &r : writes)
      if (r.space == Space::Dram)
        footprint->write(r.lo, r.hi, index);
  }
  for (const Range &r : reads)
    lines(r, [&](size_t l) {
      start = std::max(start, boards[int(r.space)].writeDone[l]);
    });
  for (const Range &r : writes)
    lines(r, [&](size_t l) {
      Scoreboard &b = boards[int(r.space)];
      start = std::max({start, b.writeDone[l], b.readDone[l]});
    });
  int64_t end = start + cycles;
  for (const Range &r : reads)
    lines(r, [&](size_t l) {
      int64_t &t = boards[int(r.space)].readDone[l];
      t = std::max(t, end);
    });
  for (const Range &r : writes)
    lines(r, [&](size_t l) { boards[int(r.space)].writeDone[l] = end; });
  unitFree[int(unit)] = end;
  // The accelerator waits for the host (a synchronous call).
  if (unit == Unit::Host)
    for (int64_t &t : unitFree)
      t = end;
  stats.busyCycles[unitName(unit)] += cycles;
  if (profiling)
    costs[index].cycles += cycles;
  ++stats.instructions;
  if (tracing)
    events.push_back({spec->name, unit, start, end});
}

bool Simulator::Impl::execute(const Instr &x) {
  switch (x.opcode) {
  case Opcode::DmaLoad:
    return dmaLoad(x);
  case Opcode::ConfigMma:
    return configMma(x);
  case Opcode::Mma:
    return mma(x);
  case Opcode::StoreAccFused:
    return storeAccFused(x);
  case Opcode::StoreAcc:
    return storeAcc(x);
  case Opcode::Im2col:
    return im2col(x);
  case Opcode::VecBinary:
    return vecBinary(x);
  case Opcode::VecClamp:
    return vecClamp(x);
  case Opcode::VecCopy:
    return vecCopy(x);
  case Opcode::VecReduce:
    return vecReduce(x);
  case Opcode::VecPool:
    return vecPool(x);
  case Opcode::VecQuantize:
    return vecQuantize(x);
  case Opcode::VecDequantize:
    return vecDequantize(x);
  case Opcode::VecLayerNorm:
    return vecLayerNorm(x);
  case Opcode::VecGelu:
    return vecGelu(x);
  case Opcode::VecSoftmax:
    return vecSoftmax(x);
  case Opcode::VecUnary:
    return vecUnary(x);
  case Opcode::VecLut:
    return vecLut(x);
  case Opcode::HostCall:
    return hostCall(x);
  case Opcode::HostElementwise:
    return hostElementwise(x);
  case Opcode::HostGather:
    return hostGather(x);
  case Opcode::VecGather:
    return vecGather(x);
  case Opcode::VecCompare:
    return vecCompare(x);
  case Opcode::VecSelect:
    return vecSelect(x);
  case Opcode::LutSoftmax:
    return lutSoftmax(x);
  case Opcode::MmaNM:
    return mmaNM(x);
  case Opcode::MmaActNM:
    return mma(x, /*actNM=*/true);
  case Opcode::Fence:
    schedule(Unit::Control, 0, {}, {});
    return true;
  }
  return fail("unknown opcode");
}

Simulator::Simulator(const Program &program)
    : impl(std::make_unique<Impl>(program)) {}
Simulator::~Simulator() = default;

const Stats &Simulator::stats() const { return impl->stats; }
void Simulator::enableTrace(bool on) { impl->tracing = on; }
void Simulator::enableProfile(bool on) {
  impl->profiling = on;
  impl->costs.resize(on ? impl->program.code.size() : 0);
}
const std::vector<InstrCost> &Simulator::profile() const { return impl->costs; }
const std::vector<TraceEvent> &Simulator::trace() const { return impl->events; }

bool Simulator::run(const std::vector<std::vector<uint8_t>> &inputs,
                    std::vector<std::vector<uint8_t>> &outputs,
                    std::string &error) {
  Impl &s = *impl;
  const Program &p = s.program;
  if (inputs.size() != p.inputs.size()) {
    error = "the program takes " + std::to_string(p.inputs.size()) +
            " inputs, got " + std::to_string(inputs.size());
    return false;
  }
  std::fill(s.dram.begin(), s.dram.end(), 0);
  std::fill(s.scratch.begin(), s.scratch.end(), 0);
  for (const Segment &seg : p.constants)
    std::copy(seg.bytes.begin(), seg.bytes.end(), s.dram.begin() + seg.addr);
  for (size_t k = 0; k < inputs.size(); ++k) {
    if (int64_t(inputs[k].size()) != p.inputs[k].bytes()) {
      error = "input " + std::to_string(k) + " has " +
              std::to_string(inputs[k].size()) + " bytes, expected " +
              std::to_string(p.inputs[k].bytes());
      return false;
    }
    std::copy(inputs[k].begin(), inputs[k].end(),
              s.dram.begin() + p.inputs[k].addr);
  }
  s.mac = nullptr;
  s.error = &error;
  s.runStart = s.stats.cycles;
  if (s.stats.runs == 0)
    s.footprint.emplace();
  for (s.index = 0; s.index < p.code.size(); ++s.index) {
    const Instr &instr = p.code[s.index];
    s.spec = findOp(instr.opcode);
    if (!s.spec || s.spec->fields.size() != instr.fields.size()) {
      error = "instruction " + std::to_string(s.index) + " is malformed";
      return false;
    }
    double before = s.totalPj;
    if (!s.execute(instr))
      return false;
    if (s.profiling)
      s.costs[s.index].energyPj += s.totalPj - before;
  }
  int64_t end = s.runStart;
  for (int64_t t : s.unitFree)
    end = std::max(end, t);
  if (s.footprint) {
    error = s.footprint->check(p.outputs);
    s.footprint.reset();
    if (!error.empty())
      return false;
  }
  s.stats.cycles = end;
  ++s.stats.runs;
  outputs.clear();
  for (const IoDesc &d : p.outputs)
    outputs.emplace_back(s.dram.begin() + d.addr,
                         s.dram.begin() + d.addr + d.bytes());
  return true;
}

std::string kite::rt::traceJson(const std::vector<TraceEvent> &events,
                                const TargetParams &target) {
  std::ostringstream os;
  os.precision(12);
  double usPerCycle = 1.0 / double(target.clockMhz);
  os << "{\"displayTimeUnit\":\"ns\",\"traceEvents\":[";
  const char *units[] = {"dma", "array", "vector", "control"};
  for (int u = 0; u < 4; ++u)
    os << (u ? "," : "")
       << "{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":0,\"tid\":" << u
       << ",\"args\":{\"name\":\"" << units[u] << "\"}}";
  for (const TraceEvent &e : events)
    os << ",{\"name\":\"" << e.name
       << "\",\"ph\":\"X\",\"pid\":0,\"tid\":" << int(e.unit)
       << ",\"ts\":" << double(e.start) * usPerCycle
       << ",\"dur\":" << double(e.end - e.start) * usPerCycle << "}";
  os << "]}\n";
  return os.str();
}
