//===- Report.cpp - kitec's per-layer table, summary and JSON report
//-------===//
//
// The JSON report is the machine interface (docs/report.md); stdout shows
// the same numbers as a table.
//
//===----------------------------------------------------------------------===//

#include "Kitec.h"

#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/ToolOutputFile.h"

using namespace mlir;
using namespace kite;
using namespace kite::kitec;

namespace {
/// Totals over the layers.
struct Summary {
  /// Every op that ran on the host, with its share of the cycles.
  llvm::json::Array hostOps;
  int64_t hostCycles = 0;
  /// Average operand width over the MAC layers (activation and weight
  /// alike), plain and weighted by MACs.
  double bitsSum = 0, bitsWeighted = 0, macSum = 0;
  int64_t macLayers = 0;
};

Summary summarize(const std::vector<Layer> &layers, const rt::Stats &stats) {
  Summary sum;
  // kitec --no-host refuses host segments.
  for (const Layer &l : layers)
    if (l.onHost) {
      sum.hostCycles += l.cycles;
      sum.hostOps.push_back(llvm::json::Object{
          {"op", *l.info.getString("op")},
          {"cycles", l.cycles},
          {"share",
           stats.cycles ? double(l.cycles) / double(stats.cycles) : 0.0}});
    }
  for (const Layer &l : layers) {
    const llvm::json::Array *b = l.info.getArray("bits");
    std::optional<int64_t> macs = l.info.getInteger("macs");
    if (!b || !macs || !l.hasInstructions)
      continue;
    double avg = (*(*b)[0].getAsInteger() + *(*b)[1].getAsInteger()) / 2.0;
    sum.bitsSum += avg;
    sum.bitsWeighted += avg * double(*macs);
    sum.macSum += double(*macs);
    ++sum.macLayers;
  }
  return sum;
}

/// Prints one row per layer that has instructions and returns their JSON.
llvm::json::Array printLayers(std::vector<Layer> &layers,
                              const rt::Stats &stats) {
  llvm::json::Array out;
  llvm::outs() << llvm::formatv("{0,-18} {1,-26} {2,-12} {3,-10} {4,12} "
                                "{5,10} {6,10}\n",
                                "op", "result", "formats", "multiplier", "MACs",
                                "cycles", "energy uJ");
  for (auto [index, l] : llvm::enumerate(layers)) {
    if (!l.hasInstructions)
      continue;
    l.info["index"] = int64_t(index);
    if (l.onHost)
      l.info["host"] = true;
    if (std::optional<int64_t> perRun = l.info.getInteger("macs"))
      l.info["macs"] = *perRun * stats.runs; // totals over the runs, as cycles

    l.info["cycles"] = l.cycles;
    l.info["energy_j"] = l.energyPj * 1e-12;
    auto str = [&](llvm::StringRef key) {
      auto v = l.info.getString(key);
      return v ? v->str() : std::string("-");
    };
    std::optional<int64_t> macs = l.info.getInteger("macs");
    std::string formats =
        macs ? str("lhs_format") + "x" + str("rhs_format") : "-";
    llvm::outs() << llvm::formatv(
        "{0,-18} {1,-26} {2,-12} {3,-10} {4,12} {5,10} {6,10:f3}\n", str("op"),
        str("shape"), formats, macs ? str("multiplier") : "-",
        macs ? std::to_string(*macs) : "-", l.cycles, l.energyPj * 1e-6);
    out.push_back(std::move(l.info));
  }
  return out;
}

void printSummary(const ReportInputs &in, const Summary &sum) {
  const rt::Stats &stats = *in.stats;
  const rt::TargetParams &t = in.program->target;
  llvm::outs() << llvm::formatv(
      "target {0}: {1} runs of batch {2}; cycles {3}, energy {4:e3} J, EDP "
      "{5:e3} J*s; LUT tables {6} bytes; compiled in {7:f2} s\n",
      t.name, stats.runs,
      in.program->inputs.empty() ? 1 : in.program->inputs[0].shape[0],
      stats.cycles, stats.energyJ(), stats.edpJs(t), in.lutBytes,
      in.compileSeconds);
  llvm::outs() << llvm::formatv(
      "host segments: {0} ops, {1} cycles ({2:f1}% of the cycles)\n",
      sum.hostOps.size(), sum.hostCycles,
      stats.cycles ? 100.0 * double(sum.hostCycles) / double(stats.cycles)
                   : 0.0);
  if (sum.macLayers)
    llvm::outs() << llvm::formatv(
        "average operand bits: {0:f2} over {1} MAC layers ({2:f2} weighted "
        "by MACs)\n",
        sum.bitsSum / double(sum.macLayers), sum.macLayers,
        sum.bitsWeighted / sum.macSum);
  if (std::optional<llvm::StringRef> metric = in.accuracy.getString("metric"))
    llvm::outs() << llvm::formatv(
        "{0} with the float model: {1:f4} ({2} samples, no labels)\n", *metric,
        *in.accuracy.getNumber("compiled"), *in.accuracy.getInteger("samples"));
  else if (!in.accuracy.empty())
    llvm::outs() << llvm::formatv(
        "top-1 accuracy: float {0:f4}, compiled {1:f4} ({2} samples)\n",
        *in.accuracy.getNumber("float"), *in.accuracy.getNumber("compiled"),
        *in.accuracy.getInteger("samples"));

  if (!in.baselines.empty()) {
    // Without labels the column is the agreement with the float model.
    std::optional<llvm::StringRef> metric = in.accuracy.getString("metric");
    llvm::StringRef header = metric ? *metric : "top-1";
    unsigned width = std::max<unsigned>(8, header.size());
    auto row = [&](llvm::StringRef name, double score, double energy,
                   double mac, double edp) {
      llvm::outs() << llvm::formatv(
          "{0,-16} {1} {2,12:e3} {3,14:e3} {4,12:e3}\n", name,
          llvm::right_justify(llvm::formatv("{0:f4}", score).str(), width),
          energy, mac, edp);
    };
    llvm::outs() << llvm::formatv("{0,-16} {1} {2,12} {3,14} {4,12}\n",
                                  "format", llvm::right_justify(header, width),
                                  "energy J", "MAC energy J", "EDP J*s");
    row("compiled", *in.accuracy.getNumber("compiled"), stats.energyJ(),
        macEnergyJ(stats), stats.edpJs(t));
    for (const llvm::json::Value &v : in.baselines) {
      const llvm::json::Object &b = *v.getAsObject();
      row(*b.getString("name"), *b.getNumber(metric ? "score" : "accuracy"),
          *b.getNumber("energy_j"), *b.getNumber("mac_energy_j"),
          *b.getNumber("edp_js"));
    }
  }
}

int writeJson(ReportInputs &in, Summary &sum, llvm::json::Array layerArray) {
  const rt::Stats &stats = *in.stats;
  const rt::TargetParams &t = in.program->target;
  std::string error;
  llvm::json::Array passArray;
  for (auto &[name, seconds] : *in.passTimes)
    passArray.push_back(
        llvm::json::Object{{"pass", name}, {"seconds", seconds}});
  llvm::json::Object energy;
  for (const auto &[name, pj] : stats.energyPj)
    energy[name] = pj * 1e-12;
  llvm::json::Object report{
      {"model", in.modelPath},
      {"target", t.name},
      {"batch",
       in.program->inputs.empty() ? 1 : in.program->inputs[0].shape[0]},
      {"output", in.outFile},
      {"instructions", int64_t(in.program->code.size())},
      {"totals",
       llvm::json::Object{{"runs", stats.runs},
                          {"cycles", stats.cycles},
                          {"seconds", stats.seconds(t)},
                          {"energy_j", stats.energyJ()},
                          {"edp_js", stats.edpJs(t)},
                          {"macs", stats.macs},
                          {"dram_bytes", stats.dramBytes},
                          {"scratch_bytes", stats.scratchBytes},
                          {"utilisation", stats.utilisation(t)},
                          {"mac_energy_j", macEnergyJ(stats)},
                          {"energy_by_component_j", std::move(energy)}}},
      {"layers", std::move(layerArray)},
      {"lut_bytes", int64_t(in.lutBytes)},
      {"host",
       llvm::json::Object{{"ops", std::move(sum.hostOps)},
                          {"cycles", sum.hostCycles},
                          {"share", stats.cycles ? double(sum.hostCycles) /
                                                       double(stats.cycles)
                                                 : 0.0}}},
      {"average_bits",
       llvm::json::Object{
           {"layers",
            sum.macLayers ? sum.bitsSum / double(sum.macLayers) : 0.0},
           {"mac_weighted",
            sum.macSum > 0 ? sum.bitsWeighted / sum.macSum : 0.0}}},
      {"compile_seconds", in.compileSeconds},
      {"passes", std::move(passArray)}};
  if (!in.accuracy.empty())
    report["accuracy"] = std::move(in.accuracy);
  if (!in.baselines.empty())
    report["baselines"] = std::move(in.baselines);
  if (in.plan)
    report["plan"] = std::move(*in.plan);
  if (in.optimize)
    report["optimize"] = std::move(*in.optimize);
  if (in.estimates) {
    if (const llvm::json::Object *final = in.estimates->getObject("final"))
      llvm::outs() << llvm::formatv(
          "FAMES: loss change on the calibration data predicted {0:e2}, "
          "measured {1:e2}\n",
          final->getNumber("predicted_dloss").value_or(0),
          final->getNumber("measured_dloss").value_or(0));
    report["appmul"] = llvm::json::Object(*in.estimates);
  }
  if (!in.htmlPath.empty())
    if (int status = writeHtmlReport(report, in.htmlPath))
      return status;
  if (in.reportPath.empty())
    return 0;
  auto file = openOutputFile(in.reportPath, &error);
  if (!file)
    return fail(error);
  file->os() << llvm::formatv("{0:2}", llvm::json::Value(std::move(report)))
             << "\n";
  file->keep();
  return 0;
}
} // namespace

int kite::kitec::report(ReportInputs &in) {
  Summary sum = summarize(*in.layers, *in.stats);
  llvm::json::Array layers = printLayers(*in.layers, *in.stats);
  printSummary(in, sum);
  return in.reportPath.empty() && in.htmlPath.empty()
             ? 0
             : writeJson(in, sum, std::move(layers));
}
