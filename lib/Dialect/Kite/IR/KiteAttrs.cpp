//===- KiteAttrs.cpp - kite dialect attributes ----------------------------===//

#include "kite/Dialect/Kite/IR/Kite.h"
#include "kite/Numerics/Multipliers.h"
#include "kite/Numerics/NMSelect.h"
#include "kite/Runtime/Isa.h"

#include "llvm/ADT/StringSet.h"

#include <cmath>

using namespace mlir;
using namespace kite;

//===----------------------------------------------------------------------===//
// IntFormatAttr
//===----------------------------------------------------------------------===//

Attribute IntFormatAttr::parse(AsmParser &parser, Type) {
  unsigned bits = 0;
  StringRef signedness;
  SMLoc loc = parser.getCurrentLocation();
  if (parser.parseLess() || parser.parseInteger(bits) || parser.parseComma() ||
      parser.parseKeyword(&signedness) || parser.parseGreater())
    return {};
  if (signedness != "signed" && signedness != "unsigned") {
    parser.emitError(loc, "expected 'signed' or 'unsigned'");
    return {};
  }
  return getChecked([&] { return parser.emitError(loc); }, parser.getContext(),
                    bits, signedness == "signed");
}

void IntFormatAttr::print(AsmPrinter &printer) const {
  printer << "<" << getBits() << ", " << (getIsSigned() ? "signed" : "unsigned")
          << ">";
}

LogicalResult
IntFormatAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                      unsigned bits, bool) {
  std::string problem = numerics::IntFormat::validate(bits);
  if (!problem.empty())
    return emitError() << problem;
  return success();
}

int64_t IntFormatAttr::getMin() const {
  return getIsSigned() ? -(int64_t(1) << (getBits() - 1)) : 0;
}

int64_t IntFormatAttr::getMax() const {
  return getIsSigned() ? (int64_t(1) << (getBits() - 1)) - 1
                       : (int64_t(1) << getBits()) - 1;
}

//===----------------------------------------------------------------------===//
// NMAttr, MultiplierAttr
//===----------------------------------------------------------------------===//

LogicalResult TileAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                               int64_t m, int64_t k, int64_t n) {
  constexpr int64_t kMax = int64_t(1) << 31;
  for (int64_t v : {m, k, n})
    if (v < 1 || v > kMax)
      return emitError() << "tile sizes must be in [1, 2^31], got <" << m
                         << ", " << k << ", " << n << ">";
  return success();
}

LogicalResult BufferAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                 MemorySpace, int64_t offset, int64_t bytes) {
  if (offset < 0 || bytes < 0)
    return emitError() << "buffer offset and size must be non-negative, got "
                       << offset << " and " << bytes;
  return success();
}

Attribute NMAttr::parse(AsmParser &parser, Type) {
  unsigned n = 0, m = 0, threshold = 0;
  NMAttr residualOf;
  SMLoc loc = parser.getCurrentLocation();
  if (parser.parseLess() || parser.parseInteger(n) || parser.parseComma() ||
      parser.parseInteger(m))
    return {};
  while (succeeded(parser.parseOptionalComma())) {
    StringRef key;
    if (parser.parseKeyword(&key) || parser.parseEqual())
      return {};
    if (key == "threshold") {
      if (parser.parseInteger(threshold))
        return {};
    } else if (key == "residual_of") {
      if (parser.parseAttribute(residualOf))
        return {};
    } else {
      parser.emitError(parser.getCurrentLocation(),
                       "expected 'threshold' or 'residual_of', got '")
          << key << "'";
      return {};
    }
  }
  if (parser.parseGreater())
    return {};
  return getChecked([&] { return parser.emitError(loc); }, parser.getContext(),
                    n, m, threshold, residualOf);
}

void NMAttr::print(AsmPrinter &printer) const {
  printer << "<" << getN() << ", " << getM();
  if (getThreshold())
    printer << ", threshold = " << getThreshold();
  if (getResidualOf())
    printer << ", residual_of = " << Attribute(getResidualOf());
  printer << ">";
}

LogicalResult NMAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                             unsigned n, unsigned m, unsigned threshold,
                             NMAttr residualOf) {
  if (residualOf && residualOf.getThreshold())
    return emitError() << "N:M term " << residualOf
                       << " inside residual_of has a threshold; the series "
                          "takes the outermost term's";
  if (threshold > numerics::kMaxSelectionThreshold)
    return emitError() << "N:M threshold " << threshold
                       << " is out of range: must be at most "
                       << numerics::kMaxSelectionThreshold;
  if (m == 0 || m > 256)
    return emitError() << "N:M group size M = " << m
                       << " is out of range: must be in [1, 256]";
  if (n == 0 || n > m)
    return emitError() << "N:M pattern " << n << ":" << m
                       << " is invalid: requires 0 < N <= M";
  return success();
}

std::vector<numerics::NMPattern> NMAttr::getSeries() const {
  std::vector<numerics::NMPattern> series;
  for (NMAttr term = *this; term; term = term.getResidualOf())
    series.insert(series.begin(), {term.getN(), term.getM()});
  return series;
}

LogicalResult
MultiplierAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                       StringRef name) {
  std::string problem;
  if (!numerics::parseMultiplierName(name, &problem))
    return emitError() << problem;
  return success();
}

//===----------------------------------------------------------------------===//
// Target description
//===----------------------------------------------------------------------===//

static LogicalResult checkPositive(function_ref<InFlightDiagnostic()> emitError,
                                   StringRef what, const APFloat &apValue) {
  double value = apValue.convertToDouble();
  if (!(value > 0.0) || !std::isfinite(value))
    return emitError() << what << " must be a positive finite number, got "
                       << value;
  return success();
}

LogicalResult
SoftmaxUnitAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                        SoftmaxMethod method, APFloat step, unsigned outBits,
                        unsigned expEntries, unsigned normRows,
                        unsigned normCols) {
  if (failed(checkPositive(emitError, "softmax unit step", step)))
    return failure();
  if (outBits < 2 || outBits > 16)
    return emitError() << "softmax unit out_bits = " << outBits
                       << " is out of range: must be in [2, 16]";
  if (expEntries < 2 || expEntries > 4096)
    return emitError() << "softmax unit exp_entries = " << expEntries
                       << " is out of range: must be in [2, 4096]";
  if (normRows < 1 || normRows > 65536)
    return emitError() << "softmax unit norm_rows = " << normRows
                       << " is out of range: must be in [1, 65536]";
  if (method == SoftmaxMethod::Rexp && normCols != 1)
    return emitError() << "softmax unit method rexp needs norm_cols = 1, got "
                       << normCols;
  if (method == SoftmaxMethod::Lut2D && (normCols < 2 || normCols > 4096))
    return emitError() << "softmax unit method lut2d needs norm_cols in "
                          "[2, 4096], got "
                       << normCols;
  return success();
}

LogicalResult LutUnitAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                  unsigned entries, unsigned lanes) {
  if (entries < 2 || entries > 65536)
    return emitError() << "LUT unit entries = " << entries
                       << " is out of range: must be in [2, 65536]";
  if (lanes < 1 || lanes > 4096)
    return emitError() << "LUT unit lanes = " << lanes
                       << " is out of range: must be in [1, 4096]";
  return success();
}

LogicalResult HostAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                               APFloat link, APFloat cycles, APFloat pj) {
  if (failed(checkPositive(emitError, "host link_bytes_per_cycle", link)))
    return failure();
  for (auto [name, v] :
       {std::pair{"cycles_per_element", cycles}, std::pair{"element_pj", pj}})
    if (!v.isFinite() || v.isNegative())
      return emitError() << "host " << name
                         << " must be finite and non-negative";
  return success();
}

uint64_t SoftmaxUnitAttr::getTableBytes() const {
  uint64_t entries =
      getExpEntries() + uint64_t(getNormRows()) * uint64_t(getNormCols());
  return (entries * getOutBits() + 7) / 8;
}

numerics::SoftmaxUnitGeometry SoftmaxUnitAttr::getGeometry() const {
  return {getMethod() == SoftmaxMethod::Rexp ? numerics::SoftmaxMethod::Rexp
                                             : numerics::SoftmaxMethod::Lut2D,
          getStep().convertToDouble(),
          getOutBits(),
          getExpEntries(),
          getNormRows(),
          getNormCols()};
}

LogicalResult MemoryAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                 unsigned weightKib, unsigned actKib,
                                 unsigned accKib, APFloat dramBytesPerCycle,
                                 APFloat sramBytesPerCycle,
                                 unsigned scratchKib) {
  // The simulator's limit for any on-chip memory, as its loader checks it.
  constexpr int64_t maxKib = rt::kMaxBufferBytes / 1024;
  for (auto [name, kib] :
       {std::pair{"weight_kib", weightKib}, std::pair{"act_kib", actKib},
        std::pair{"acc_kib", accKib}, std::pair{"scratch_kib", scratchKib}})
    if (kib > maxKib)
      return emitError() << name << " must be at most " << maxKib << " ("
                         << maxKib / 1024 << " MiB), got " << kib;
  if (weightKib == 0 || actKib == 0 || accKib == 0)
    return emitError() << "buffer sizes must be positive (weight_kib = "
                       << weightKib << ", act_kib = " << actKib
                       << ", acc_kib = " << accKib << ")";
  if (failed(checkPositive(emitError, "dram_bytes_per_cycle",
                           dramBytesPerCycle)) ||
      failed(
          checkPositive(emitError, "sram_bytes_per_cycle", sramBytesPerCycle)))
    return failure();
  return success();
}

LogicalResult EnergyAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                 APFloat int8Mul, APFloat int8Add,
                                 APFloat int32Add, APFloat fp32Mul,
                                 APFloat fp32Add, APFloat sramRead32b,
                                 APFloat dramRead32b, APFloat lutRead8b) {
  std::pair<StringRef, APFloat> entries[] = {
      {"int8_mul", int8Mul},          {"int8_add", int8Add},
      {"int32_add", int32Add},        {"fp32_mul", fp32Mul},
      {"fp32_add", fp32Add},          {"sram_read_32b", sramRead32b},
      {"dram_read_32b", dramRead32b}, {"lut_read_8b", lutRead8b}};
  for (auto [name, value] : entries)
    if (failed(checkPositive(emitError, ("energy " + name).str(), value)))
      return failure();
  return success();
}

static LogicalResult checkWidths(function_ref<InFlightDiagnostic()> emitError,
                                 StringRef what, ArrayRef<unsigned> widths,
                                 unsigned lo, unsigned hi) {
  if (widths.empty())
    return emitError() << what << " must not be empty";
  for (auto [i, bits] : llvm::enumerate(widths)) {
    if (bits < lo || bits > hi)
      return emitError() << what << " entry " << bits
                         << " is out of range: must be in [" << lo << ", " << hi
                         << "]";
    if (i > 0 && bits <= widths[i - 1])
      return emitError() << what << " must be strictly increasing";
  }
  return success();
}

LogicalResult
TargetAttr::verify(function_ref<InFlightDiagnostic()> emitError, StringRef name,
                   unsigned clockMhz, unsigned arrayRows, unsigned arrayCols,
                   unsigned accBits, unsigned lpAccFracBits,
                   ArrayRef<unsigned> intBits, ArrayRef<unsigned> lpBits,
                   ArrayAttr multipliers, ArrayAttr sparsity, bool,
                   SoftmaxUnitAttr softmax, MemoryAttr memory,
                   EnergyAttr energy, LutUnitAttr, HostAttr) {
  if (name.empty())
    return emitError() << "target name must not be empty";
  if (clockMhz == 0 || clockMhz > rt::kMaxClockMhz)
    return emitError() << "target clock_mhz = " << clockMhz
                       << " is out of range: must be in [1, "
                       << rt::kMaxClockMhz << "]";
  if (arrayRows == 0 || arrayCols == 0 || arrayRows > 4096 || arrayCols > 4096)
    return emitError() << "target array " << arrayRows << "x" << arrayCols
                       << " is out of range: each side must be in [1, 4096]";
  if (accBits < 16 || accBits > 64)
    return emitError() << "target acc_bits = " << accBits
                       << " is out of range: must be in [16, 64]";
  if (lpAccFracBits >= accBits)
    return emitError() << "target lp_acc_frac_bits = " << lpAccFracBits
                       << " must be less than acc_bits = " << accBits;
  if (failed(checkWidths(emitError, "target int_bits", intBits, 2, 16)) ||
      failed(checkWidths(emitError, "target lp_bits", lpBits, 2, 16)))
    return failure();
  if (multipliers.empty())
    return emitError() << "target multipliers must not be empty";
  llvm::StringSet<> seen;
  for (Attribute attr : multipliers) {
    auto str = dyn_cast<StringAttr>(attr);
    if (!str)
      return emitError() << "target multipliers must be strings, got " << attr;
    if (failed(MultiplierAttr::verify(emitError, str.getValue())))
      return failure();
    if (!seen.insert(str.getValue()).second)
      return emitError() << "target multiplier '" << str.getValue()
                         << "' is listed twice";
  }
  if (!seen.contains("exact"))
    return emitError() << "target multipliers must include \"exact\"";
  for (Attribute attr : sparsity) {
    auto nm = dyn_cast<NMAttr>(attr);
    if (!nm)
      return emitError() << "target sparsity entries must be #kite.nm, got "
                         << attr;
    if (nm.isRunTimeOnly())
      return emitError() << "target sparsity entry " << nm
                         << " has a threshold or residual_of; those belong "
                            "to ops";
  }
  if (!softmax || !memory || !energy)
    return emitError() << "target needs softmax, memory and energy";
  return success();
}

bool TargetAttr::supportsIntBits(unsigned bits) const {
  return llvm::is_contained(getIntBits(), bits);
}

bool TargetAttr::supportsLPBits(unsigned bits) const {
  return llvm::is_contained(getLpBits(), bits);
}

bool TargetAttr::hasMultiplier(StringRef name) const {
  return llvm::any_of(getMultipliers(), [&](Attribute attr) {
    return cast<StringAttr>(attr).getValue() == name;
  });
}

bool TargetAttr::supportsSparsity(NMAttr pattern) const {
  // A threshold is the activation unit's, not part of the pattern; every
  // term of a series is one the array runs.
  return llvm::all_of(pattern.getSeries(), [&](numerics::NMPattern term) {
    return llvm::any_of(getSparsity().getValue(), [&](Attribute a) {
      auto nm = cast<NMAttr>(a);
      return nm.getN() == term.n && nm.getM() == term.m;
    });
  });
}
