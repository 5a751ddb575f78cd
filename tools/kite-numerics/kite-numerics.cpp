//===- kite-numerics.cpp - inspect Kite's number formats ------------------===//
//
// For hardware and ML engineers: LP value tables and dynamic ranges, the
// multiplier library with error metrics and energy, and LUT-softmax tables
// with their size and error. Hardware numbers come from the target
// description (--target), never from this file.
//
//===----------------------------------------------------------------------===//

#include "kite/Numerics/Gelu.h"
#include "kite/Numerics/LP.h"
#include "kite/Numerics/LutSoftmax.h"
#include "kite/Numerics/LutTable.h"
#include "kite/Numerics/Multipliers.h"
#include "kite/Numerics/Unary.h"
#include "kite/Target/KnownTargets.h"
#include "kite/Target/TargetJson.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

using namespace kite;
using namespace kite::numerics;
namespace cl = llvm::cl;

static cl::OptionCategory category("kite-numerics options");

static cl::SubCommand lpCmd("lp", "Print the value table and dynamic range "
                                  "of an LP<n, es, rs, sf> format");
static cl::SubCommand mulCmd("multipliers",
                             "List the multiplier library with error metrics "
                             "and energy for given operand widths");
static cl::SubCommand
    softmaxCmd("softmax",
               "Generate LUT-softmax tables for the target's softmax unit and "
               "report their size and error against exact softmax");

static cl::SubCommand
    lutCmd("lut", "Print the LUT unit's 256-entry table of an elementwise "
                  "function between int8 quantizations, and its error");

static cl::opt<bool> json("json", cl::desc("Print JSON instead of text"),
                          cl::sub(lpCmd), cl::sub(mulCmd), cl::sub(softmaxCmd),
                          cl::sub(lutCmd), cl::cat(category));
static cl::opt<std::string>
    targetOpt("target",
              cl::desc("Built-in target name or JSON target file "
                       "(default: kite-v1)"),
              cl::init("kite-v1"), cl::sub(mulCmd), cl::sub(softmaxCmd),
              cl::sub(lutCmd), cl::cat(category));

// lp
static cl::list<int> lpFormat("format", cl::desc("n,es,rs,sf"),
                              cl::CommaSeparated, cl::sub(lpCmd),
                              cl::cat(category));
static cl::opt<bool> lpRangeOnly("range-only",
                                 cl::desc("Print only maxpos, minpos and the "
                                          "dynamic range"),
                                 cl::sub(lpCmd), cl::cat(category));

// multipliers
static cl::opt<unsigned> aBits("a-bits", cl::desc("Activation width (2-8)"),
                               cl::init(8), cl::sub(mulCmd), cl::cat(category));
static cl::opt<bool> aSigned("a-signed", cl::desc("Signed activations"),
                             cl::init(false), cl::sub(mulCmd),
                             cl::cat(category));
static cl::opt<unsigned> wBits("w-bits", cl::desc("Weight width (2-8)"),
                               cl::init(8), cl::sub(mulCmd), cl::cat(category));
static cl::opt<bool> wSigned("w-signed", cl::desc("Signed weights"),
                             cl::init(true), cl::sub(mulCmd),
                             cl::cat(category));

// softmax
static cl::opt<std::string>
    methodOpt("method", cl::desc("rexp or lut2d (default: the target's unit)"),
              cl::sub(softmaxCmd), cl::cat(category));
static cl::opt<unsigned> rowLength("row-length",
                                   cl::desc("Elements per softmax row"),
                                   cl::init(64), cl::sub(softmaxCmd),
                                   cl::cat(category));
static cl::opt<unsigned> rows("rows",
                              cl::desc("Random rows to measure the error on"),
                              cl::init(2000), cl::sub(softmaxCmd),
                              cl::cat(category));
static cl::opt<double> sigma("sigma",
                             cl::desc("Standard deviation of the random "
                                      "inputs, N(0, sigma^2)"),
                             cl::init(2.0), cl::sub(softmaxCmd),
                             cl::cat(category));
static cl::opt<uint64_t> seed("seed", cl::desc("Seed of the random inputs"),
                              cl::init(1), cl::sub(softmaxCmd),
                              cl::cat(category));
static cl::opt<bool>
    fitStep("fit-step",
            cl::desc("Also fit the distance grid (1, 3/4, 1/2 or 3/8 of the "
                     "target's step) on the fitting rows"),
            cl::sub(softmaxCmd), cl::cat(category));
static cl::opt<bool> printTables("print-tables",
                                 cl::desc("Also print the table entries"),
                                 cl::sub(softmaxCmd), cl::cat(category));

// lut
static cl::opt<std::string>
    lutFunction("function",
                cl::desc("sigmoid, tanh, exp, log, erf, rsqrt, reciprocal, "
                         "sqrt, gelu, gelu-tanh, silu, softplus, hardsigmoid, "
                         "hardswish, relu6, leaky-relu, elu"),
                cl::init("sigmoid"), cl::sub(lutCmd), cl::cat(category));
static cl::list<double> lutRange("input-range",
                                 cl::desc("lo,hi: the real values the int8 "
                                          "input codes span (0 is added)"),
                                 cl::CommaSeparated, cl::sub(lutCmd),
                                 cl::cat(category));
static cl::list<double>
    lutOutRange("output-range",
                cl::desc("lo,hi of the output codes (default: the function's "
                         "range over the input codes)"),
                cl::CommaSeparated, cl::sub(lutCmd), cl::cat(category));

static int fail(const llvm::Twine &message) {
  llvm::errs() << "kite-numerics: " << message << "\n";
  return 1;
}

/// The target named by --target: a built-in name or a JSON file.
static llvm::Expected<TargetAttr> loadTarget(mlir::MLIRContext &ctx) {
  if (TargetAttr known = getKnownTarget(&ctx, targetOpt))
    return known;
  if (!llvm::sys::fs::exists(targetOpt))
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        "unknown target '" + targetOpt + "': not a built-in target (" +
            llvm::join(getKnownTargetNames(), ", ") + ") nor a file");
  return loadTargetFile(&ctx, targetOpt);
}

static std::string bitString(uint32_t code, unsigned n) {
  std::string s;
  for (int i = int(n) - 1; i >= 0; --i)
    s += ((code >> i) & 1) ? '1' : '0';
  return s;
}

static int runLP() {
  if (lpFormat.size() != 4)
    return fail(
        "--format needs four values n,es,rs,sf (e.g. --format=8,1,7,0)");
  if (lpFormat[0] < 0 || lpFormat[1] < 0 || lpFormat[2] < 0)
    return fail("--format: n, es and rs must be non-negative");
  LPFormat f{unsigned(lpFormat[0]), unsigned(lpFormat[1]),
             unsigned(lpFormat[2]), lpFormat[3]};
  std::string problem = f.validate();
  if (!problem.empty())
    return fail("--format: " + problem);
  LPCodec codec(f);
  if (json) {
    llvm::json::Array codes;
    if (!lpRangeOnly)
      for (uint32_t c = 0; c < codec.numCodes(); ++c) {
        const LPValue &v = codec.value(c);
        llvm::json::Object entry{{"code", int64_t(c)},
                                 {"bits", bitString(c, f.n)}};
        if (v.isNaR())
          entry["value"] = "NaR";
        else
          entry["value"] = codec.decode(c);
        if (v.kind == LPValue::Kind::Finite)
          entry["log2"] = double(v.log) / kLogOne;
        codes.push_back(std::move(entry));
      }
    llvm::json::Object out{
        {"format", f.str()},
        {"maxpos", codec.maxpos()},
        {"minpos", codec.minpos()},
        {"dynamic_range_binades", codec.dynamicRangeBinades()}};
    if (!lpRangeOnly)
      out["codes"] = std::move(codes);
    llvm::outs() << llvm::formatv("{0:2}", llvm::json::Value(std::move(out)))
                 << "\n";
    return 0;
  }
  llvm::outs() << f.str() << ": maxpos " << llvm::format("%g", codec.maxpos())
               << ", minpos " << llvm::format("%g", codec.minpos())
               << ", dynamic range "
               << llvm::format("%g", codec.dynamicRangeBinades())
               << " binades ("
               << llvm::format("%.1f",
                               codec.dynamicRangeBinades() * std::log10(2.0))
               << " decades)\n";
  if (lpRangeOnly)
    return 0;
  llvm::outs() << llvm::format("%6s  %-18s %14s %10s\n", "code", "bits",
                               "value", "log2");
  for (uint32_t c = 0; c < codec.numCodes(); ++c) {
    const LPValue &v = codec.value(c);
    std::string value =
        v.isNaR()
            ? "NaR"
            : llvm::formatv("{0}", llvm::format("%.6g", codec.decode(c))).str();
    std::string log =
        v.kind == LPValue::Kind::Finite
            ? llvm::formatv("{0:f5}", double(v.log) / kLogOne).str()
            : "";
    llvm::outs() << llvm::format("0x%04x  %-18s %14s %10s\n", c,
                                 bitString(c, f.n).c_str(), value.c_str(),
                                 log.c_str());
  }
  return 0;
}

static int runMultipliers() {
  mlir::MLIRContext ctx;
  llvm::Expected<TargetAttr> target = loadTarget(ctx);
  if (!target)
    return fail(llvm::toString(target.takeError()));
  double int8Mul = target->getEnergy().getInt8Mul().convertToDouble();
  double exactPj = int8Mul * exactEnergyRelativeTo8x8(aBits, wBits);
  MulOperand a{aBits, aSigned}, w{wBits, wSigned};
  llvm::json::Array entries;
  if (!json)
    llvm::outs() << llvm::formatv("target {0}: {1}-bit {2} x {3}-bit {4}; "
                                  "exact multiply {5:f4} pJ\n",
                                  target->getName(), unsigned(aBits),
                                  aSigned ? "signed" : "unsigned",
                                  unsigned(wBits),
                                  wSigned ? "signed" : "unsigned", exactPj)
                 << llvm::format("%-12s %10s %8s %10s %8s %10s %10s %8s %9s\n",
                                 "name", "MAE", "WCE", "MRED", "EP", "bias",
                                 "NMED", "energy", "pJ");
  for (mlir::Attribute attr : target->getMultipliers()) {
    llvm::StringRef name = mlir::cast<mlir::StringAttr>(attr).getValue();
    std::string error;
    std::optional<Multiplier> m = Multiplier::create(name, a, w, &error);
    if (!m) {
      if (!json)
        llvm::outs() << llvm::format("%-12s (%s)\n", name.str().c_str(),
                                     error.c_str());
      continue;
    }
    const ErrorMetrics &e = m->metrics();
    double pj = exactPj * m->relativeEnergy();
    if (json) {
      entries.push_back(
          llvm::json::Object{{"name", m->name()},
                             {"mae", e.mae},
                             {"wce", e.wce},
                             {"mred", e.mred},
                             {"error_probability", e.ep},
                             {"bias", e.bias},
                             {"nmed", e.nmed},
                             {"relative_energy", m->relativeEnergy()},
                             {"energy_pj", pj}});
      continue;
    }
    llvm::outs() << llvm::format(
        "%-12s %10.3f %8lld %10.5f %8.4f %10.3f %10.6f %8.3f %9.4f\n",
        m->name().c_str(), e.mae, (long long)e.wce, e.mred, e.ep, e.bias,
        e.nmed, m->relativeEnergy(), pj);
  }
  if (json)
    llvm::outs()
        << llvm::formatv(
               "{0:2}",
               llvm::json::Value(llvm::json::Object{
                   {"target", target->getName()},
                   {"a", llvm::json::Object{{"bits", unsigned(aBits)},
                                            {"signed", bool(aSigned)}}},
                   {"w", llvm::json::Object{{"bits", unsigned(wBits)},
                                            {"signed", bool(wSigned)}}},
                   {"exact_energy_pj", exactPj},
                   {"multipliers", std::move(entries)}}))
        << "\n";
  return 0;
}

static int runSoftmax() {
  mlir::MLIRContext ctx;
  llvm::Expected<TargetAttr> target = loadTarget(ctx);
  if (!target)
    return fail(llvm::toString(target.takeError()));
  if (rowLength == 0 || rows == 0)
    return fail("--row-length and --rows must be positive");
  if (!(sigma > 0) || !std::isfinite(sigma))
    return fail("--sigma must be positive and finite");
  SoftmaxUnitAttr unitAttr = target->getSoftmax();
  SoftmaxUnitGeometry unit = unitAttr.getGeometry();
  if (!methodOpt.empty()) {
    if (methodOpt != "rexp" && methodOpt != "lut2d")
      return fail("--method must be rexp or lut2d, got '" + methodOpt + "'");
    unit.method = methodOpt == "rexp" ? numerics::SoftmaxMethod::Rexp
                                      : numerics::SoftmaxMethod::Lut2D;
    if (unit.method == numerics::SoftmaxMethod::Rexp)
      unit.normCols = 1;
    else if (unit.normCols < 2)
      return fail("the target's softmax unit is 1-D (rexp); it has no lut2d "
                  "geometry");
  }
  // Fit the sum shift on one sample, measure on another.
  std::vector<double> fit = syntheticSoftmaxInputs(rowLength, 500, sigma, seed);
  std::vector<double> test =
      syntheticSoftmaxInputs(rowLength, rows, sigma, seed + 1);
  LutSoftmaxTables t = fitLutSoftmax(unit, rowLength, 1.0, fit, fitStep);
  LutSoftmaxError e = measureLutSoftmaxError(t, rowLength, test);
  const char *method =
      t.method == numerics::SoftmaxMethod::Rexp ? "rexp" : "lut2d";
  if (json) {
    llvm::json::Object out{
        {"target", target->getName()},
        {"method", method},
        {"step", t.step},
        {"out_bits", t.outBits},
        {"exp_entries", int64_t(t.expTable.size())},
        {"norm_rows", t.normRows},
        {"norm_cols", t.normCols},
        {"sum_shift", t.sumShift},
        {"out_shift", t.outShift},
        {"table_bytes", int64_t(t.bytes())},
        {"row_length", unsigned(rowLength)},
        {"distribution", llvm::json::Object{{"normal_sigma", double(sigma)},
                                            {"rows", unsigned(rows)},
                                            {"seed", int64_t(seed + 1)}}},
        {"max_abs_error", e.maxAbs},
        {"mean_abs_error", e.meanAbs},
        {"top1_agreement", e.top1Agreement}};
    if (printTables) {
      out["exp_table"] = llvm::json::Array(t.expTable);
      out["norm_table"] = llvm::json::Array(t.normTable);
    }
    llvm::outs() << llvm::formatv("{0:2}", llvm::json::Value(std::move(out)))
                 << "\n";
    return 0;
  }
  llvm::outs() << llvm::formatv(
      "target {0}: {1} LUT softmax, step {2}, {3}-bit entries, exp table {4}, "
      "norm table {5} x {6}, sum_shift {7}, out_shift {8}\n",
      target->getName(), method, t.step, t.outBits, t.expTable.size(),
      t.normRows, t.normCols, t.sumShift, t.outShift);
  llvm::outs() << "table bytes: " << t.bytes() << "\n";
  llvm::outs() << llvm::formatv(
      "error vs exact softmax on {0} rows of {1} N(0, {2}^2) inputs (seed "
      "{3}): max {4:f5}, mean {5:f6}, top-1 agreement {6:f4}\n",
      unsigned(rows), unsigned(rowLength), double(sigma), seed + 1, e.maxAbs,
      e.meanAbs, e.top1Agreement);
  if (printTables) {
    llvm::outs() << "exp_table:";
    for (int32_t v : t.expTable)
      llvm::outs() << " " << v;
    llvm::outs() << "\nnorm_table:";
    for (size_t i = 0; i < t.normTable.size(); ++i)
      llvm::outs() << ((i % t.normCols == 0) ? "\n " : " ") << t.normTable[i];
    llvm::outs() << "\n";
  }
  return 0;
}

/// The float function named by --function, as the interpreter computes
/// it (numerics' unary functions and GELU round as its kernels do).
static std::function<double(double)> lutFunctionNamed(llvm::StringRef name) {
  using F = std::function<double(double)>;
  for (int64_t k = 0; k < kNumUnaryFns; ++k)
    if (name == unaryName(UnaryFn(k)))
      return [k](double x) { return double(applyUnary(UnaryFn(k), float(x))); };
  auto sigmoid = [](double x) { return 1.0 / (1.0 + std::exp(-x)); };
  return llvm::StringSwitch<F>(name)
      .Case("sqrt", [](double x) { return std::sqrt(x); })
      .Case("gelu", [](double x) { return double(gelu(float(x), false)); })
      .Case("gelu-tanh", [](double x) { return double(gelu(float(x), true)); })
      .Case("silu", [=](double x) { return x * sigmoid(x); })
      .Case("softplus", [](double x) { return std::log1p(std::exp(x)); })
      .Case("hardsigmoid",
            [](double x) { return std::clamp(x / 6.0 + 0.5, 0.0, 1.0); })
      .Case("hardswish",
            [](double x) { return x * std::clamp(x + 3.0, 0.0, 6.0) / 6.0; })
      .Case("relu6", [](double x) { return std::clamp(x, 0.0, 6.0); })
      .Case("leaky-relu", [](double x) { return x < 0 ? 0.01 * x : x; })
      .Case("elu", [](double x) { return x < 0 ? std::expm1(x) : x; })
      .Default(nullptr);
}

static int runLut() {
  mlir::MLIRContext ctx;
  llvm::Expected<TargetAttr> target = loadTarget(ctx);
  if (!target)
    return fail(llvm::toString(target.takeError()));
  LutUnitAttr unit = target->getLut();
  if (!unit || unit.getEntries() < 256)
    return fail("target '" + target->getName() +
                "' has no LUT unit with 256-entry tables");
  std::function<double(double)> f = lutFunctionNamed(lutFunction);
  if (!f)
    return fail("unknown function '" + lutFunction + "' (see --help)");
  auto range = [](const cl::list<double> &r, const char *what, double &lo,
                  double &hi) -> bool {
    if (r.size() != 2 || !std::isfinite(r[0]) || !std::isfinite(r[1]) ||
        !(r[0] < r[1])) {
      fail(llvm::Twine("--") + what + " must be lo,hi with lo < hi, finite");
      return false;
    }
    lo = r[0];
    hi = r[1];
    return true;
  };
  double lo = -8, hi = 8;
  if (!lutRange.empty() && !range(lutRange, "input-range", lo, hi))
    return 1;
  Int8Quant in = coverRange(lo, hi);
  double ylo = 0, yhi = 0;
  for (int c = -128; c < 128; ++c) {
    double y = f(dequantize(c, in.scale, in.zero));
    if (std::isfinite(y)) {
      ylo = std::min(ylo, y);
      yhi = std::max(yhi, y);
    }
  }
  if (!lutOutRange.empty() && !range(lutOutRange, "output-range", ylo, yhi))
    return 1;
  Int8Quant out = coverRange(ylo, yhi);
  LutTable table;
  if (!buildLutTable(f, in, out, table))
    return fail("'" + lutFunction + "' is NaN on some input code in " +
                llvm::formatv("[{0}, {1}]", lo, hi).str());
  // The error on a fine grid of the input range, against the float
  // function (where it is finite).
  constexpr int kGrid = 100001;
  double maxAbs = 0, sumAbs = 0;
  int counted = 0;
  for (int i = 0; i < kGrid; ++i) {
    double x = lo + (hi - lo) * i / (kGrid - 1), y = f(x);
    if (!std::isfinite(y))
      continue;
    double e = std::fabs(evalLutTable(table, in, out, x) - y);
    maxAbs = std::max(maxAbs, e);
    sumAbs += e;
    ++counted;
  }
  double meanAbs = counted ? sumAbs / counted : 0.0;
  double lookupPj = target->getEnergy().getLutRead8b().convertToDouble();
  if (json) {
    llvm::json::Array entries;
    for (int8_t v : table)
      entries.push_back(int64_t(v));
    llvm::outs() << llvm::formatv(
        "{0:2}\n", llvm::json::Value(llvm::json::Object{
                       {"target", target->getName()},
                       {"entries", unit.getEntries()},
                       {"lanes", unit.getLanes()},
                       {"lookup_pj", lookupPj},
                       {"function", lutFunction},
                       {"input", llvm::json::Object{{"scale", in.scale},
                                                    {"zero_point", in.zero}}},
                       {"output", llvm::json::Object{{"scale", out.scale},
                                                     {"zero_point", out.zero}}},
                       {"max_abs_error", maxAbs},
                       {"mean_abs_error", meanAbs},
                       {"table", std::move(entries)}}));
    return 0;
  }
  llvm::outs() << llvm::formatv(
      "target {0}: LUT unit of {1}-entry tables, {2} lookups per cycle, "
      "{3} pJ per lookup\n",
      target->getName(), unit.getEntries(), unit.getLanes(), lookupPj);
  llvm::outs() << llvm::formatv(
      "{0} on [{1}, {2}]: input scale {3:e6}, zero point {4}; output scale "
      "{5:e6}, zero point {6}\n",
      lutFunction, lo, hi, in.scale, in.zero, out.scale, out.zero);
  llvm::outs() << llvm::formatv(
      "error vs float on {0} inputs: max |d| {1:e3} ({2:f2} output codes), "
      "mean |d| {3:e3} ({4:f3} codes)\n",
      counted, maxAbs, maxAbs / out.scale, meanAbs, meanAbs / out.scale);
  llvm::outs() << "table (code -128 first):";
  for (size_t i = 0; i < table.size(); ++i)
    llvm::outs() << (i % 16 == 0 ? "\n " : " ") << int(table[i]);
  llvm::outs() << "\n";
  return 0;
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(
      argc, argv,
      "kite-numerics: Kite's number formats, multipliers and LUT softmax\n\n"
      "  kite-numerics lp --format=8,1,7,0 [--range-only] [--json]\n"
      "  kite-numerics multipliers [--a-bits=8] [--w-bits=4 --w-signed] "
      "[--target=kite-v1|t.json] [--json]\n"
      "  kite-numerics softmax [--target=...] [--method=rexp|lut2d] "
      "[--row-length=64] [--rows=2000] [--sigma=2] [--seed=1] [--json]\n"
      "  kite-numerics lut --function=sigmoid [--input-range=-8,8] "
      "[--output-range=lo,hi] [--target=...] [--json]\n");
  if (lpCmd)
    return runLP();
  if (mulCmd)
    return runMultipliers();
  if (softmaxCmd)
    return runSoftmax();
  if (lutCmd)
    return runLut();
  return fail(
      "expected a subcommand: lp, multipliers, softmax or lut (see --help)");
}
