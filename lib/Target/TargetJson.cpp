//===- TargetJson.cpp - #kite.target <-> JSON -----------------------------===//

#include "kite/Target/TargetJson.h"
#include "kite/Target/KnownTargets.h"

#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/MemoryBuffer.h"

using namespace mlir;
using namespace kite;
namespace json = llvm::json;

namespace {
/// Reads the fields of one JSON object, remembering the path for errors and
/// which keys were consumed so unknown (misspelt) keys can be reported.
class FieldReader {
public:
  FieldReader(const json::Object &object, std::string path)
      : object(object), path(std::move(path)) {}

  /// Error for field `key` (or the object itself when empty).
  llvm::Error error(StringRef key, const Twine &message) const {
    std::string where = key.empty() ? path : qualify(key);
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        (where.empty() ? Twine("target") : Twine("field '") + where + "'") +
            ": " + message);
  }

  std::string qualify(StringRef key) const {
    return path.empty() ? key.str() : path + "." + key.str();
  }

  const json::Value *get(StringRef key) {
    seen.insert(key);
    return object.get(key);
  }

  bool has(StringRef key) const { return object.get(key) != nullptr; }
  /// Whether `key` is present and null (marked as read).
  bool isNull(StringRef key) {
    const json::Value *v = get(key);
    return v && v->kind() == json::Value::Null;
  }

  llvm::Error readUnsigned(StringRef key, unsigned &out) {
    const json::Value *v = get(key);
    if (!v)
      return llvm::Error::success();
    std::optional<int64_t> i = v->getAsInteger();
    if (!i || *i < 0 || *i > std::numeric_limits<unsigned>::max())
      return error(key, "expected a non-negative integer");
    out = unsigned(*i);
    return llvm::Error::success();
  }

  llvm::Error readDouble(StringRef key, double &out) {
    const json::Value *v = get(key);
    if (!v)
      return llvm::Error::success();
    std::optional<double> d = v->getAsNumber();
    if (!d)
      return error(key, "expected a number");
    out = *d;
    return llvm::Error::success();
  }

  llvm::Error readBool(StringRef key, bool &out) {
    const json::Value *v = get(key);
    if (!v)
      return llvm::Error::success();
    std::optional<bool> b = v->getAsBoolean();
    if (!b)
      return error(key, "expected true or false");
    out = *b;
    return llvm::Error::success();
  }

  llvm::Error readString(StringRef key, std::string &out) {
    const json::Value *v = get(key);
    if (!v)
      return llvm::Error::success();
    std::optional<StringRef> s = v->getAsString();
    if (!s)
      return error(key, "expected a string");
    out = s->str();
    return llvm::Error::success();
  }

  llvm::Error readUnsignedList(StringRef key, SmallVector<unsigned> &out) {
    const json::Value *v = get(key);
    if (!v)
      return llvm::Error::success();
    const json::Array *array = v->getAsArray();
    if (!array)
      return error(key, "expected an array of integers");
    out.clear();
    for (auto [i, element] : llvm::enumerate(*array)) {
      std::optional<int64_t> n = element.getAsInteger();
      if (!n || *n < 0 || *n > 65535)
        return error(key,
                     "element " + Twine(i) + " must be a non-negative integer");
      out.push_back(unsigned(*n));
    }
    return llvm::Error::success();
  }

  llvm::Error readStringList(StringRef key, SmallVector<std::string> &out) {
    const json::Value *v = get(key);
    if (!v)
      return llvm::Error::success();
    const json::Array *array = v->getAsArray();
    if (!array)
      return error(key, "expected an array of strings");
    out.clear();
    for (auto [i, element] : llvm::enumerate(*array)) {
      std::optional<StringRef> s = element.getAsString();
      if (!s)
        return error(key, "element " + Twine(i) + " must be a string");
      out.push_back(s->str());
    }
    return llvm::Error::success();
  }

  /// A nested object, or null (with `err` set) if the key holds something
  /// else. A missing key gives null and no error.
  const json::Object *readObject(StringRef key, llvm::Error &err) {
    const json::Value *v = get(key);
    if (!v)
      return nullptr;
    if (const json::Object *o = v->getAsObject())
      return o;
    err = error(key, "expected an object");
    return nullptr;
  }

  /// Fails on the first key that no read asked for.
  llvm::Error rejectUnknown() const {
    for (const auto &entry : object)
      if (!seen.contains(entry.first))
        return error(entry.first, "unknown field");
    return llvm::Error::success();
  }

private:
  const json::Object &object;
  std::string path;
  llvm::StringSet<> seen;
};
} // namespace

/// Runs `read` on the nested object `key` if present.
template <typename Fn>
static llvm::Error readNested(FieldReader &parent, StringRef key, Fn read) {
  llvm::Error err = llvm::Error::success();
  const json::Object *object = parent.readObject(key, err);
  if (err || !object)
    return err;
  FieldReader reader(*object, parent.qualify(key));
  if (llvm::Error e = read(reader))
    return e;
  return reader.rejectUnknown();
}

static llvm::Error parseNM(StringRef text, unsigned &n, unsigned &m) {
  auto [ns, ms] = text.split(':');
  if (ns.getAsInteger(10, n) || ms.getAsInteger(10, m))
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "expected \"N:M\", got \"" + text + "\"");
  return llvm::Error::success();
}

llvm::Expected<TargetAttr> kite::targetFromJson(MLIRContext *ctx,
                                                const json::Value &value) {
  const json::Object *root = value.getAsObject();
  if (!root)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "target: expected a JSON object");
  FieldReader reader(*root, "");

  std::string baseName = getKnownTargetNames().front().str();
  if (llvm::Error e = reader.readString("base", baseName))
    return std::move(e);
  TargetAttr base = getKnownTarget(ctx, baseName);
  if (!base)
    return reader.error("base", "unknown built-in target '" + baseName + "'");

  // Start from the base and overwrite what the file states.
  std::string name = base.getName().str();
  unsigned clockMhz = base.getClockMhz();
  unsigned rows = base.getArrayRows(), cols = base.getArrayCols();
  unsigned accBits = base.getAccBits(), lpAccFracBits = base.getLpAccFracBits();
  SmallVector<unsigned> intBits(base.getIntBits()), lpBits(base.getLpBits());
  SmallVector<std::string> multipliers, sparsity;
  for (Attribute a : base.getMultipliers())
    multipliers.push_back(cast<StringAttr>(a).getValue().str());
  for (Attribute a : base.getSparsity()) {
    auto nm = cast<NMAttr>(a);
    sparsity.push_back((Twine(nm.getN()) + ":" + Twine(nm.getM())).str());
  }
  bool actSparsity = base.getActivationSparsity();
  SoftmaxUnitAttr sm = base.getSoftmax();
  std::string method = stringifySoftmaxMethod(sm.getMethod()).str();
  double step = sm.getStep().convertToDouble();
  unsigned outBits = sm.getOutBits(), expEntries = sm.getExpEntries(),
           normRows = sm.getNormRows(), normCols = sm.getNormCols();
  MemoryAttr mem = base.getMemory();
  unsigned weightKib = mem.getWeightKib(), actKib = mem.getActKib(),
           accKib = mem.getAccKib(), scratchKib = mem.getScratchKib();
  double dramBw = mem.getDramBytesPerCycle().convertToDouble(),
         sramBw = mem.getSramBytesPerCycle().convertToDouble();
  LutUnitAttr lutBase = base.getLut();
  bool hasLut = bool(lutBase);
  unsigned lutEntries = hasLut ? lutBase.getEntries() : 256,
           lutLanes = hasLut ? lutBase.getLanes() : 16;
  HostAttr hostBase = base.getHost();
  bool hasHost = bool(hostBase);
  double hostLink =
             hasHost ? hostBase.getLinkBytesPerCycle().convertToDouble() : 4.0,
         hostCycles =
             hasHost ? hostBase.getCyclesPerElement().convertToDouble() : 8.0,
         hostPj = hasHost ? hostBase.getElementPj().convertToDouble() : 20.0;
  EnergyAttr en = base.getEnergy();
  APFloat energyValues[] = {en.getInt8Mul(),     en.getInt8Add(),
                            en.getInt32Add(),    en.getFp32Mul(),
                            en.getFp32Add(),     en.getSramRead32b(),
                            en.getDramRead32b(), en.getLutRead8b()};
  double energy[8];
  for (auto [slot, value] : llvm::zip(energy, energyValues))
    slot = value.convertToDouble();
  static const StringRef energyKeys[] = {
      "int8_mul", "int8_add",      "int32_add",     "fp32_mul",
      "fp32_add", "sram_read_32b", "dram_read_32b", "lut_read_8b"};

  if (llvm::Error e = reader.readString("name", name))
    return std::move(e);
  if (llvm::Error e = reader.readUnsigned("clock_mhz", clockMhz))
    return std::move(e);
  if (llvm::Error e =
          readNested(reader, "array", [&](FieldReader &r) -> llvm::Error {
            if (llvm::Error e = r.readUnsigned("rows", rows))
              return e;
            return r.readUnsigned("cols", cols);
          }))
    return std::move(e);
  if (llvm::Error e = reader.readUnsigned("acc_bits", accBits))
    return std::move(e);
  if (llvm::Error e = reader.readUnsigned("lp_acc_frac_bits", lpAccFracBits))
    return std::move(e);
  if (llvm::Error e = reader.readUnsignedList("int_bits", intBits))
    return std::move(e);
  if (llvm::Error e = reader.readUnsignedList("lp_bits", lpBits))
    return std::move(e);
  if (llvm::Error e = reader.readStringList("multipliers", multipliers))
    return std::move(e);
  if (llvm::Error e = reader.readStringList("sparsity", sparsity))
    return std::move(e);
  if (llvm::Error e = reader.readBool("activation_sparsity", actSparsity))
    return std::move(e);
  if (llvm::Error e =
          readNested(reader, "softmax", [&](FieldReader &r) -> llvm::Error {
            if (llvm::Error e = r.readString("method", method))
              return e;
            if (llvm::Error e = r.readDouble("step", step))
              return e;
            if (llvm::Error e = r.readUnsigned("out_bits", outBits))
              return e;
            if (llvm::Error e = r.readUnsigned("exp_entries", expEntries))
              return e;
            if (llvm::Error e = r.readUnsigned("norm_rows", normRows))
              return e;
            return r.readUnsigned("norm_cols", normCols);
          }))
    return std::move(e);
  if (llvm::Error e =
          readNested(reader, "memory", [&](FieldReader &r) -> llvm::Error {
            if (llvm::Error e = r.readUnsigned("weight_kib", weightKib))
              return e;
            if (llvm::Error e = r.readUnsigned("act_kib", actKib))
              return e;
            if (llvm::Error e = r.readUnsigned("acc_kib", accKib))
              return e;
            if (llvm::Error e = r.readDouble("dram_bytes_per_cycle", dramBw))
              return e;
            if (llvm::Error e = r.readDouble("sram_bytes_per_cycle", sramBw))
              return e;
            return r.readUnsigned("scratch_kib", scratchKib);
          }))
    return std::move(e);
  if (llvm::Error e =
          readNested(reader, "energy_pj", [&](FieldReader &r) -> llvm::Error {
            for (auto [key, slot] : llvm::zip(energyKeys, energy))
              if (llvm::Error e = r.readDouble(key, slot))
                return e;
            return llvm::Error::success();
          }))
    return std::move(e);
  // "lut": {...} adds or changes the LUT unit; "lut": null removes it.
  if (reader.isNull("lut")) {
    hasLut = false;
  } else if (reader.has("lut")) {
    hasLut = true;
    if (llvm::Error e =
            readNested(reader, "lut", [&](FieldReader &r) -> llvm::Error {
              if (llvm::Error e = r.readUnsigned("entries", lutEntries))
                return e;
              return r.readUnsigned("lanes", lutLanes);
            }))
      return std::move(e);
  }
  // "host": {...} adds or changes the host; "host": null removes it.
  if (reader.isNull("host")) {
    hasHost = false;
  } else if (reader.has("host")) {
    hasHost = true;
    if (llvm::Error e =
            readNested(reader, "host", [&](FieldReader &r) -> llvm::Error {
              if (llvm::Error e =
                      r.readDouble("link_bytes_per_cycle", hostLink))
                return e;
              if (llvm::Error e =
                      r.readDouble("cycles_per_element", hostCycles))
                return e;
              return r.readDouble("element_pj", hostPj);
            }))
      return std::move(e);
  }
  if (llvm::Error e = reader.rejectUnknown())
    return std::move(e);

  std::optional<SoftmaxMethod> smMethod = symbolizeSoftmaxMethod(method);
  if (!smMethod)
    return reader.error("softmax.method",
                        "expected \"rexp\" or \"lut2d\", got \"" + method +
                            "\"");
  // Checked construction turns a value out of range into a message naming
  // it instead of an assertion.
  std::string message;
  ScopedDiagnosticHandler handler(ctx, [&](Diagnostic &diag) {
    message = diag.str();
    return success();
  });
  auto emitError = [&]() { return mlir::emitError(UnknownLoc::get(ctx)); };
  auto invalid = [&]() {
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "target: " + message);
  };

  Builder b(ctx);
  SmallVector<Attribute> nmAttrs;
  for (auto [i, text] : llvm::enumerate(sparsity)) {
    unsigned n = 0, m = 0;
    if (llvm::Error e = parseNM(text, n, m))
      return reader.error("sparsity", "element " + Twine(i) + ": " +
                                          llvm::toString(std::move(e)));
    NMAttr nm = NMAttr::getChecked(emitError, ctx, n, m);
    if (!nm)
      return reader.error("sparsity", "element " + Twine(i) + ": " + message);
    nmAttrs.push_back(nm);
  }

  auto softmax =
      SoftmaxUnitAttr::getChecked(emitError, ctx, *smMethod, APFloat(step),
                                  outBits, expEntries, normRows, normCols);
  if (!softmax)
    return invalid();
  auto memory =
      MemoryAttr::getChecked(emitError, ctx, weightKib, actKib, accKib,
                             APFloat(dramBw), APFloat(sramBw), scratchKib);
  if (!memory)
    return invalid();
  auto energyAttr = EnergyAttr::getChecked(
      emitError, ctx, APFloat(energy[0]), APFloat(energy[1]),
      APFloat(energy[2]), APFloat(energy[3]), APFloat(energy[4]),
      APFloat(energy[5]), APFloat(energy[6]), APFloat(energy[7]));
  if (!energyAttr)
    return invalid();
  LutUnitAttr lut;
  if (hasLut &&
      !(lut = LutUnitAttr::getChecked(emitError, ctx, lutEntries, lutLanes)))
    return invalid();
  HostAttr host;
  if (hasHost &&
      !(host = HostAttr::getChecked(emitError, ctx, APFloat(hostLink),
                                    APFloat(hostCycles), APFloat(hostPj))))
    return invalid();
  SmallVector<StringRef> mulRefs(multipliers.begin(), multipliers.end());
  auto target = TargetAttr::getChecked(
      emitError, ctx, StringRef(name), clockMhz, rows, cols, accBits,
      lpAccFracBits, ArrayRef<unsigned>(intBits), ArrayRef<unsigned>(lpBits),
      b.getStrArrayAttr(mulRefs), b.getArrayAttr(nmAttrs), actSparsity, softmax,
      memory, energyAttr, lut, host);
  if (!target)
    return invalid();
  return target;
}

/// The byte offset where `text` nests arrays and objects deeper than
/// `limit`, if it does: llvm::json::parse recurses once per level, so a
/// deep enough file overflows the stack before it can report anything.
static std::optional<size_t> tooDeep(StringRef text, unsigned limit) {
  unsigned depth = 0;
  bool inString = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (inString) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        inString = false;
    } else if (c == '"') {
      inString = true;
    } else if (c == '[' || c == '{') {
      if (++depth > limit)
        return i;
    } else if ((c == ']' || c == '}') && depth) {
      --depth;
    }
  }
  return std::nullopt;
}

llvm::Expected<TargetAttr>
kite::parseTargetJson(MLIRContext *ctx, StringRef text, StringRef name) {
  auto error = [&](const llvm::Twine &message) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   name + ": " + message);
  };
  // A target description nests three levels; 64 is generous.
  if (std::optional<size_t> at = tooDeep(text, 64))
    return error("at byte " + std::to_string(*at) +
                 ": nested more than 64 levels deep (not a target "
                 "description)");
  llvm::Expected<json::Value> value = json::parse(text);
  if (!value)
    return error("invalid JSON: " + llvm::toString(value.takeError()));
  llvm::Expected<TargetAttr> target = targetFromJson(ctx, *value);
  if (!target)
    return error(llvm::toString(target.takeError()));
  return target;
}

llvm::Expected<TargetAttr> kite::loadTargetFile(MLIRContext *ctx,
                                                StringRef path) {
  auto buffer = llvm::MemoryBuffer::getFile(path);
  if (!buffer)
    return llvm::createStringError(
        buffer.getError(),
        path + ": cannot read target file: " + buffer.getError().message());
  return parseTargetJson(ctx, (*buffer)->getBuffer(), path);
}

json::Value kite::targetToJson(TargetAttr target) {
  json::Array multipliers, sparsity;
  for (Attribute a : target.getMultipliers())
    multipliers.push_back(cast<StringAttr>(a).getValue());
  for (Attribute a : target.getSparsity()) {
    auto nm = cast<NMAttr>(a);
    sparsity.push_back((Twine(nm.getN()) + ":" + Twine(nm.getM())).str());
  }
  SoftmaxUnitAttr sm = target.getSoftmax();
  MemoryAttr mem = target.getMemory();
  EnergyAttr en = target.getEnergy();
  return json::Object{
      {"name", target.getName()},
      {"clock_mhz", target.getClockMhz()},
      {"array", json::Object{{"rows", target.getArrayRows()},
                             {"cols", target.getArrayCols()}}},
      {"acc_bits", target.getAccBits()},
      {"lp_acc_frac_bits", target.getLpAccFracBits()},
      {"int_bits", json::Array(target.getIntBits())},
      {"lp_bits", json::Array(target.getLpBits())},
      {"multipliers", std::move(multipliers)},
      {"sparsity", std::move(sparsity)},
      {"activation_sparsity", target.getActivationSparsity()},
      {"softmax",
       json::Object{{"method", stringifySoftmaxMethod(sm.getMethod())},
                    {"step", sm.getStep().convertToDouble()},
                    {"out_bits", sm.getOutBits()},
                    {"exp_entries", sm.getExpEntries()},
                    {"norm_rows", sm.getNormRows()},
                    {"norm_cols", sm.getNormCols()}}},
      {"memory", json::Object{{"weight_kib", mem.getWeightKib()},
                              {"act_kib", mem.getActKib()},
                              {"acc_kib", mem.getAccKib()},
                              {"dram_bytes_per_cycle",
                               mem.getDramBytesPerCycle().convertToDouble()},
                              {"sram_bytes_per_cycle",
                               mem.getSramBytesPerCycle().convertToDouble()},
                              {"scratch_kib", mem.getScratchKib()}}},
      {"energy_pj",
       json::Object{{"int8_mul", en.getInt8Mul().convertToDouble()},
                    {"int8_add", en.getInt8Add().convertToDouble()},
                    {"int32_add", en.getInt32Add().convertToDouble()},
                    {"fp32_mul", en.getFp32Mul().convertToDouble()},
                    {"fp32_add", en.getFp32Add().convertToDouble()},
                    {"sram_read_32b", en.getSramRead32b().convertToDouble()},
                    {"dram_read_32b", en.getDramRead32b().convertToDouble()},
                    {"lut_read_8b", en.getLutRead8b().convertToDouble()}}},
      {"lut", target.getLut() ? json::Value(json::Object{
                                    {"entries", target.getLut().getEntries()},
                                    {"lanes", target.getLut().getLanes()}})
                              : json::Value(nullptr)},
      {"host",
       target.getHost()
           ? json::Value(json::Object{
                 {"link_bytes_per_cycle",
                  target.getHost().getLinkBytesPerCycle().convertToDouble()},
                 {"cycles_per_element",
                  target.getHost().getCyclesPerElement().convertToDouble()},
                 {"element_pj",
                  target.getHost().getElementPj().convertToDouble()}})
           : json::Value(nullptr)},
  };
}
