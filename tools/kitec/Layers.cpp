//===- Layers.cpp - kitec's per-layer table
//--------------------------------===//
//
// One row per tensor-level op: its formats, multiplier, sparsity and MACs
// from the IR, its cycles and energy from the simulator's profile.
//
//===----------------------------------------------------------------------===//

#include "Kitec.h"

#include "kite/Dialect/Kite/IR/Kite.h"

#include "llvm/Support/FormatVariadic.h"

using namespace mlir;
using namespace kite;
using namespace kite::kitec;

namespace {
std::string typeString(Type type) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << type;
  return s;
}

/// A MAC operand's format as the report shows it.
std::string formatString(Type element, IntFormatAttr format) {
  if (format)
    return (format.getIsSigned() ? "int" : "uint") +
           std::to_string(format.getBits());
  return typeString(element);
}

/// Width of a MAC operand: the integer format's bits, the LP word's n.
unsigned operandBits(Type element, IntFormatAttr format) {
  if (format)
    return format.getBits();
  if (auto lp = dyn_cast<LPType>(element))
    return lp.getN();
  return element.getIntOrFloatBitWidth();
}

Layer describe(Operation *op) {
  Layer l;
  l.info["op"] = op->getName().getStringRef().str();
  if (op->getNumResults())
    l.info["shape"] = typeString(op->getResult(0).getType());
  // The LUT guards' measurement of their tables on the calibration data.
  if (auto check = op->getAttrOfType<DictionaryAttr>(kLutCheckAttrName)) {
    llvm::json::Object o;
    for (NamedAttribute a : check) {
      if (auto str = dyn_cast<StringAttr>(a.getValue()))
        o[a.getName().str()] = str.str();
      else if (auto f = dyn_cast<FloatAttr>(a.getValue()))
        o[a.getName().str()] = f.getValueAsDouble();
      else if (auto b = dyn_cast<BoolAttr>(a.getValue()))
        o[a.getName().str()] = b.getValue();
      else if (auto i = dyn_cast<IntegerAttr>(a.getValue()))
        o[a.getName().str()] = i.getInt();
    }
    l.info["lut_check"] = std::move(o);
  }
  auto mac = [&](Type lhs, IntFormatAttr lf, Type rhs, IntFormatAttr rf,
                 MultiplierAttr mul, NMAttr lhsSparsity, NMAttr sparsity,
                 int64_t macs) {
    // TASD-A's run-time selection shows as A<N:M>.
    std::string prefix = lhsSparsity && !sparsity ? "A" : "";
    if (!sparsity)
      sparsity = lhsSparsity;
    l.info["lhs_format"] = formatString(lhs, lf);
    l.info["rhs_format"] = formatString(rhs, rf);
    l.info["bits"] =
        llvm::json::Array{operandBits(lhs, lf), operandBits(rhs, rf)};
    l.info["multiplier"] = mul ? mul.getName().str() : "exact";
    l.info["sparsity"] = sparsity
                             ? llvm::formatv("{0}{1}:{2}", prefix,
                                             sparsity.getN(), sparsity.getM())
                                   .str()
                             : "dense";
    // The array's work: an N:M operand runs N/M of the dense MACs.
    l.info["macs"] =
        sparsity ? macs / int64_t(sparsity.getM()) * int64_t(sparsity.getN())
                 : macs;
  };
  if (auto m = dyn_cast<MatmulOp>(op)) {
    mac(m.getLhs().getType().getElementType(), m.getLhsFormatAttr(),
        m.getRhs().getType().getElementType(), m.getRhsFormatAttr(),
        m.getMultiplierAttr(), m.getLhsSparsityAttr(), m.getRhsSparsityAttr(),
        macCount(m));
  } else if (auto c = dyn_cast<Conv2DOp>(op)) {
    mac(c.getInput().getType().getElementType(), c.getInputFormatAttr(),
        c.getFilter().getType().getElementType(), c.getFilterFormatAttr(),
        c.getMultiplierAttr(), c.getInputSparsityAttr(),
        c.getFilterSparsityAttr(), macCount(c));
  }
  return l;
}

} // namespace

std::vector<Layer> kite::kitec::describeLayers(func::FuncOp entry,
                                               uint64_t &lutBytes) {
  std::vector<Layer> layers;
  // A TASD chain (N:M terms accumulating into each other) runs as one layer
  // on the array: its row shows the series and the summed MACs.
  llvm::DenseMap<Value, size_t> macLayer;
  for (Operation &op : entry.getBody().front()) {
    layers.push_back(describe(&op));
    if (auto sm = dyn_cast<LutSoftmaxOp>(op))
      lutBytes += sm.getTables().bytes();
    if (auto lut = dyn_cast<LutOp>(op))
      lutBytes += uint64_t(lut.getTable().getNumElements());
    // A later N:M term of a TASD series (weights or activations) joins the
    // layer whose accumulator it continues.
    Value acc;
    bool term = false;
    if (auto mm = dyn_cast<MatmulOp>(op)) {
      acc = mm.getAcc();
      term = mm.getRhsSparsityAttr() || mm.getLhsSparsityAttr();
    } else if (auto conv = dyn_cast<Conv2DOp>(op)) {
      acc = conv.getAcc();
      term = conv.getFilterSparsityAttr() || conv.getInputSparsityAttr();
    } else {
      continue;
    }
    auto head = acc ? macLayer.find(acc) : macLayer.end();
    if (head != macLayer.end() && term) {
      llvm::json::Object &chain = layers[head->second].info;
      llvm::StringRef added = *layers.back().info.getString("sparsity");
      added.consume_front("A"); // "A2:4+1:8", not "A2:4+A1:8"
      chain["sparsity"] = (*chain.getString("sparsity") + "+" + added).str();
      chain["macs"] =
          *chain.getInteger("macs") + *layers.back().info.getInteger("macs");
      macLayer[op.getResult(0)] = head->second;
    } else {
      macLayer[op.getResult(0)] = layers.size() - 1;
    }
  }
  return layers;
}

void kite::kitec::chargeLayers(std::vector<Layer> &layers,
                               const std::vector<int64_t> &instrLayer,
                               const rt::Simulator &sim,
                               const rt::Program &program) {
  for (size_t k = 0; k < instrLayer.size(); ++k) {
    int64_t layer = instrLayer[k];
    if (layer < 0 || layer >= int64_t(layers.size()))
      continue;
    layers[size_t(layer)].cycles += sim.profile()[k].cycles;
    layers[size_t(layer)].energyPj += sim.profile()[k].energyPj;
    layers[size_t(layer)].hasInstructions = true;
    const rt::OpSpec *spec = rt::findOp(program.code[k].opcode);
    if (spec && spec->unit == rt::Unit::Host)
      layers[size_t(layer)].onHost = true;
  }
}
