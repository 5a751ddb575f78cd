//===- kite-sim.cpp - run a Kite binary -----------------------------------===//
//
// Loads a .kbin, runs it on .npy/.npz inputs in the simulator, writes the
// outputs as .npy, and reports cycles, energy by component, EDP and
// utilisation (text on stdout, --stats-json) and the instruction timeline
// (--trace, Chrome/Perfetto JSON).
//
//===----------------------------------------------------------------------===//

#include "kite/Runtime/HostRun.h"
#include "kite/TensorIO/Npy.h"

#include <chrono>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <new>
#include <sstream>

// Plain C++ like the runtime it drives (no LLVM): the simulator ships alone.
using namespace kite;
using tensorio::HostTensor;

static const char *kUsage =
    R"(kite-sim: run a Kite binary (.kbin) in the simulator

usage: kite-sim model.kbin -i x.npy [-i ...] [-o out.npy ...] [options]

Outputs equal kite-run's on the tensor-level IR the binary was lowered from,
bit for bit. Costs follow docs/simulator.md.

options:
  -i <file>            input tensor (.npy, or .npz for all its arrays); one
                       per program input, in order
  -o <file>            write the next output as .npy
  --labels <file>      integer labels (.npy): print the top-1 accuracy of the
                       first output
  --batch              run inputs with more rows than the program's batch in
                       runs of its batch (the last one zero-padded)
  --stats-json <file>  write the statistics as JSON (docs/simulator.md)
  --trace <file>       write the instruction timeline as a Chrome/Perfetto
                       trace (JSON)
  --disassemble        print the program as .kasm and exit
  --print-isa          print the instruction table (markdown) and exit
  --profile            print count, busy cycles and energy per instruction kind
  --quiet              do not print the statistics
  --time               print the simulation's wall time and its rate in
                       simulated MACs per second (loading and a first,
                       untimed run of one batch excluded)
  --help               this text
)";

struct Options {
  std::string binaryPath, labelsPath, statsPath, tracePath;
  std::vector<std::string> inputPaths, outputPaths;
  bool batch = false, disassemble = false, quiet = false, printIsa = false,
       time = false, profile = false;
};

/// Parses argv; "" on success, else the problem.
static std::string parseArgs(int argc, char **argv, Options &o, bool &help) {
  for (int k = 1; k < argc; ++k) {
    std::string arg = argv[k], value;
    size_t eq = arg.find('=');
    bool inlineValue = arg.rfind("--", 0) == 0 && eq != std::string::npos;
    if (inlineValue) {
      value = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
    }
    auto next = [&](std::string &dst) -> bool {
      if (inlineValue) {
        dst = value;
        return true;
      }
      if (k + 1 >= argc)
        return false;
      dst = argv[++k];
      return true;
    };
    std::string v;
    if (arg == "--help" || arg == "-h") {
      help = true;
    } else if (arg == "-i" || arg == "--i") {
      if (!next(v))
        return arg + " needs a file";
      o.inputPaths.push_back(v);
    } else if (arg == "-o" || arg == "--o") {
      if (!next(v))
        return arg + " needs a file";
      o.outputPaths.push_back(v);
    } else if (arg == "--labels" || arg == "-labels") {
      if (!next(o.labelsPath))
        return arg + " needs a file";
    } else if (arg == "--stats-json" || arg == "-stats-json") {
      if (!next(o.statsPath))
        return arg + " needs a file";
    } else if (arg == "--trace" || arg == "-trace") {
      if (!next(o.tracePath))
        return arg + " needs a file";
    } else if (arg == "--batch" || arg == "-batch") {
      o.batch = true;
    } else if (arg == "--disassemble" || arg == "-disassemble") {
      o.disassemble = true;
    } else if (arg == "--profile" || arg == "-profile") {
      o.profile = true;
    } else if (arg == "--print-isa" || arg == "-print-isa") {
      o.printIsa = true;
    } else if (arg == "--quiet" || arg == "-quiet") {
      o.quiet = true;
    } else if (arg == "--time" || arg == "-time") {
      o.time = true;
    } else if (!arg.empty() && arg[0] == '-') {
      return "unknown option " + arg + " (see --help)";
    } else if (o.binaryPath.empty()) {
      o.binaryPath = arg;
    } else {
      return "more than one binary given (" + o.binaryPath + ", " + arg + ")";
    }
  }
  if (!help && !o.printIsa && o.binaryPath.empty())
    return "no binary given (see --help)";
  return "";
}

/// The instruction table as markdown rows: opcode, name, unit, fields.
static std::string isaTable() {
  static const char *kinds[] = {"i64", "f64", "i64[]", "f64[]", "str"};
  std::ostringstream os;
  os << "| opcode | instruction | unit | fields, in encoding order |\n"
     << "| --- | --- | --- | --- |\n";
  for (const rt::OpSpec &spec : rt::instructionSet()) {
    os << "| " << unsigned(spec.opcode) << " | `" << spec.name << "` | "
       << rt::unitName(spec.unit) << " | ";
    for (size_t k = 0; k < spec.fields.size(); ++k)
      os << (k ? ", " : "") << "`" << spec.fields[k].name << "` "
         << kinds[int(spec.fields[k].kind)];
    os << " |\n";
  }
  return os.str();
}

static int fail(const std::string &message) {
  std::cerr << "kite-sim: " << message << "\n";
  return 1;
}

static bool writeText(const std::string &path, const std::string &text,
                      std::string &error) {
  std::ofstream os(path, std::ios::binary);
  os << text;
  if (!os) {
    error = "cannot write " + path;
    return false;
  }
  return true;
}

/// A JSON number; JSON has no inf or NaN (an energy of 1e308 J per op
/// overflows): those are null.
static std::string num(double v) {
  if (!std::isfinite(v))
    return "null";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

/// A JSON string literal: the target name comes from the binary.
static std::string quoted(const std::string &s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += char(c);
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += char(c);
    }
  }
  return out + "\"";
}

/// The statistics as JSON; field names in docs/simulator.md.
static std::string statsJson(const rt::Stats &s, const rt::TargetParams &t) {
  std::ostringstream os;
  os << "{\n  \"target\": " << quoted(t.name) << ",\n  \"runs\": " << s.runs
     << ",\n  \"instructions\": " << s.instructions
     << ",\n  \"cycles\": " << s.cycles
     << ",\n  \"seconds\": " << num(s.seconds(t))
     << ",\n  \"energy_j\": " << num(s.energyJ())
     << ",\n  \"edp_js\": " << num(s.edpJs(t)) << ",\n  \"macs\": " << s.macs
     << ",\n  \"utilisation\": " << num(s.utilisation(t))
     << ",\n  \"dram_bytes\": " << s.dramBytes
     << ",\n  \"scratch_bytes\": " << s.scratchBytes
     << ",\n  \"energy_by_component_j\": {";
  const char *sep = "";
  for (const auto &[name, pj] : s.energyPj) {
    os << sep << "\n    " << quoted(name) << ": " << num(pj * 1e-12);
    sep = ",";
  }
  os << "\n  },\n  \"busy_cycles\": {";
  sep = "";
  for (const auto &[unit, cycles] : s.busyCycles) {
    os << sep << "\n    \"" << unit << "\": " << cycles;
    sep = ",";
  }
  os << "\n  }\n}\n";
  return os.str();
}

static int simulate(int argc, char **argv);

/// Keeps the rows of `t` that one run of an input of `desc` takes.
static void firstRows(HostTensor &t, const rt::IoDesc &desc) {
  if (t.shape.empty() || desc.shape.empty() || t.shape[0] <= desc.shape[0])
    return;
  size_t keep = size_t(t.numElements() / t.shape[0] * desc.shape[0]);
  t.shape[0] = desc.shape[0];
  if (t.isFloat())
    t.floats.resize(keep);
  else
    t.ints.resize(keep);
}

int main(int argc, char **argv) {
  // A valid binary may still ask for more memory than this host has.
  try {
    return simulate(argc, argv);
  } catch (const std::bad_alloc &) {
    return fail("out of host memory for this program");
  }
}

static int simulate(int argc, char **argv) {
  Options opt;
  bool help = false;
  std::string error = parseArgs(argc, argv, opt, help);
  if (help) {
    std::cout << kUsage;
    return 0;
  }
  if (!error.empty())
    return fail(error);
  if (opt.printIsa) {
    std::cout << isaTable();
    return 0;
  }

  std::error_code ec;
  if (std::filesystem::is_directory(opt.binaryPath, ec))
    return fail(opt.binaryPath + ": is a directory, not a .kbin");
  std::ifstream in(opt.binaryPath, std::ios::binary);
  if (!in)
    return fail("cannot read " + opt.binaryPath);
  std::vector<uint8_t> file((std::istreambuf_iterator<char>(in)),
                            std::istreambuf_iterator<char>());
  rt::Program program;
  if (!rt::decodeKbin(file.data(), file.size(), program, error))
    return fail(opt.binaryPath + ": " + error);
  if (opt.disassemble) {
    std::cout << rt::disassemble(program);
    return 0;
  }
  std::vector<HostTensor> inputs;
  for (const std::string &path : opt.inputPaths)
    if (!tensorio::readArrays(path, inputs, &error))
      return fail(error);
  if (opt.time) {
    // One untimed run of the first batch on a throw-away simulator: kernels
    // prepare on first use (oneDNN JIT-compiles its GEMM), which is not the
    // simulation's rate (as kite-run --time).
    std::vector<HostTensor> first = inputs;
    for (size_t k = 0; k < first.size() && k < program.inputs.size(); ++k)
      firstRows(first[k], program.inputs[k]);
    rt::Simulator warm(program);
    std::vector<HostTensor> ignored;
    if (!rt::runOnHostTensors(warm, program, first, opt.batch, ignored, error))
      return fail(opt.binaryPath + ": " + error);
  }
  rt::Simulator sim(program);
  sim.enableTrace(!opt.tracePath.empty());
  sim.enableProfile(opt.profile);
  std::vector<HostTensor> outputs;
  auto start = std::chrono::steady_clock::now();
  if (!rt::runOnHostTensors(sim, program, inputs, opt.batch, outputs, error))
    return fail(opt.binaryPath + ": " + error);
  double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();

  for (size_t k = 0; k < opt.outputPaths.size() && k < outputs.size(); ++k)
    if (!tensorio::writeNpy(opt.outputPaths[k], outputs[k], &error))
      return fail(error);

  const rt::Stats &s = sim.stats();
  const rt::TargetParams &t = program.target;
  if (opt.time)
    std::fprintf(stderr,
                 "kite-sim: %" PRId64 " runs in %.4f s: %.4g MAC/s simulated "
                 "(%" PRId64 " MACs, loading excluded)\n",
                 s.runs, wall, wall > 0 ? double(s.macs) / wall : 0.0, s.macs);
  if (!opt.quiet) {
    char line[256];
    std::snprintf(line, sizeof line,
                  "target %s: %" PRId64 " runs, %" PRId64 " instructions\n"
                  "cycles %" PRId64 " (%.3e s at %" PRId64 " MHz)\n",
                  t.name.c_str(), s.runs, s.instructions, s.cycles,
                  s.seconds(t), t.clockMhz);
    std::cout << line;
    std::snprintf(line, sizeof line,
                  "energy %.4e J, EDP %.4e J*s, MACs %" PRId64
                  ", array utilisation %.4f, DRAM bytes %" PRId64
                  ", scratchpad bytes %" PRId64 "\n",
                  s.energyJ(), s.edpJs(t), s.macs, s.utilisation(t),
                  s.dramBytes, s.scratchBytes);
    std::cout << line;
    for (const auto &[name, pj] : s.energyPj) {
      std::snprintf(line, sizeof line, "  energy %-28s %.4e J\n", name.c_str(),
                    pj * 1e-12);
      std::cout << line;
    }
  }
  if (opt.profile) {
    // Per instruction kind, in the instruction table's order.
    struct Kind {
      int64_t count = 0, cycles = 0;
      double pj = 0;
    };
    std::map<rt::Opcode, Kind> kinds;
    for (size_t k = 0; k < program.code.size(); ++k) {
      Kind &kind = kinds[program.code[k].opcode];
      ++kind.count;
      kind.cycles += sim.profile()[k].cycles;
      kind.pj += sim.profile()[k].energyPj;
    }
    char line[160];
    std::snprintf(line, sizeof line, "%-16s %8s %14s %14s %8s\n", "instruction",
                  "count", "busy cycles", "energy J", "energy %");
    std::cout << line;
    double total = s.energyJ() > 0 ? s.energyJ() : 1;
    for (const auto &[opcode, kind] : kinds) {
      std::snprintf(line, sizeof line, "%-16s %8lld %14lld %14.4e %7.2f%%\n",
                    rt::findOp(opcode)->name, (long long)kind.count,
                    (long long)kind.cycles, kind.pj * 1e-12,
                    100 * kind.pj * 1e-12 / total);
      std::cout << line;
    }
  }
  if (!opt.statsPath.empty() &&
      !writeText(opt.statsPath, statsJson(s, t), error))
    return fail(error);
  if (!opt.tracePath.empty() &&
      !writeText(opt.tracePath, rt::traceJson(sim.trace(), t), error))
    return fail(error);

  if (!opt.labelsPath.empty()) {
    HostTensor labels;
    if (!tensorio::readNpy(opt.labelsPath, labels, &error))
      return fail(error);
    if (outputs.empty())
      return fail("--labels needs an output");
    int64_t correct = 0;
    std::string problem = tensorio::top1Correct(outputs[0], labels, correct);
    if (!problem.empty())
      return fail(problem);
    std::cout << tensorio::top1Line(correct, outputs[0].shape[0]) << "\n";
  }
  return 0;
}
