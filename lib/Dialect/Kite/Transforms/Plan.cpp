//===- Plan.cpp - a compiled model's per-layer choices, as JSON -----------===//

#include "kite/Dialect/Kite/Transforms/Plan.h"

#include "kite/Dialect/Kite/IR/Kite.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"

using namespace mlir;
using namespace kite;

namespace {
/// The parts of a matmul or convolution a plan is about.
struct MacView {
  Value lhs, rhs, acc;
  IntFormatAttr lhsFormat, rhsFormat;
  MultiplierAttr multiplier;
  NMAttr lhsSparsity, rhsSparsity;
};

std::optional<MacView> macView(Operation *op) {
  if (auto mm = dyn_cast<MatmulOp>(op))
    return MacView{mm.getLhs(),
                   mm.getRhs(),
                   mm.getAcc(),
                   mm.getLhsFormatAttr(),
                   mm.getRhsFormatAttr(),
                   mm.getMultiplierAttr(),
                   mm.getLhsSparsityAttr(),
                   mm.getRhsSparsityAttr()};
  if (auto conv = dyn_cast<Conv2DOp>(op))
    return MacView{conv.getInput(),
                   conv.getFilter(),
                   conv.getAcc(),
                   conv.getInputFormatAttr(),
                   conv.getFilterFormatAttr(),
                   conv.getMultiplierAttr(),
                   conv.getInputSparsityAttr(),
                   conv.getFilterSparsityAttr()};
  return std::nullopt;
}

/// A later term of an N:M series: it has a selection and adds to the
/// result of the MAC op before it.
bool continuesSeries(const MacView &v) {
  return (v.lhsSparsity || v.rhsSparsity) && v.acc &&
         isa_and_nonnull<MatmulOp, Conv2DOp>(v.acc.getDefiningOp());
}

llvm::Error planError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

/// One operand's part of a format: "8" (signed integer) or "8,1,5" (LP).
std::optional<std::string> operandFormat(Value v, IntFormatAttr format,
                                         bool &lp) {
  Type t = cast<ShapedType>(v.getType()).getElementType();
  if (auto l = dyn_cast<LPType>(t)) {
    lp = true;
    return llvm::formatv("{0},{1},{2}", l.getN(), l.getEs(), l.getRs()).str();
  }
  lp = false;
  if (!t.isSignlessInteger() || (format && !format.getIsSigned()))
    return std::nullopt;
  return std::to_string(format ? format.getBits() : t.getIntOrFloatBitWidth());
}
} // namespace

std::optional<std::pair<unsigned, unsigned>> LayerPlan::intWidths() const {
  llvm::StringRef f = format;
  unsigned a = 0, w = 0;
  if (!f.consume_front("int") || f.split('x').first.getAsInteger(10, a) ||
      f.split('x').second.getAsInteger(10, w))
    return std::nullopt;
  return std::make_pair(a, w);
}

SmallVector<Operation *> kite::macLayers(ModuleOp module) {
  SmallVector<Operation *> layers;
  module.walk([&](Operation *op) {
    if (std::optional<MacView> v = macView(op); v && !continuesSeries(*v))
      layers.push_back(op);
  });
  return layers;
}

llvm::Expected<std::string> kite::planFormat(Operation *op) {
  MacView v = *macView(op);
  bool lhsLP = false, rhsLP = false;
  std::optional<std::string> a = operandFormat(v.lhs, v.lhsFormat, lhsLP);
  std::optional<std::string> w = operandFormat(v.rhs, v.rhsFormat, rhsLP);
  if (!a || !w || lhsLP != rhsLP)
    return planError(llvm::formatv(
        "{0} has operands of {1} and {2}; a plan holds layers of signed "
        "integers or of LP words",
        op->getName(), cast<ShapedType>(v.lhs.getType()).getElementType(),
        cast<ShapedType>(v.rhs.getType()).getElementType()));
  return lhsLP ? "lp" + *a + "/" + *w : "int" + *a + "x" + *w;
}

llvm::Expected<Plan> kite::extractPlan(ModuleOp module) {
  Plan plan;
  llvm::DenseMap<Operation *, size_t> layerOf;
  std::string error;
  module.walk([&](Operation *op) -> WalkResult {
    if (isa<SoftmaxOp>(op))
      plan.softmax.push_back("exact");
    if (isa<LutSoftmaxOp>(op))
      plan.softmax.push_back("lut");
    std::optional<MacView> v = macView(op);
    if (!v)
      return WalkResult::advance();
    NMAttr selection = v->rhsSparsity ? v->rhsSparsity : v->lhsSparsity;
    std::string term =
        selection
            ? llvm::formatv("{0}:{1}", selection.getN(), selection.getM()).str()
            : "";
    if (continuesSeries(*v)) {
      size_t l = layerOf.lookup(v->acc.getDefiningOp());
      layerOf[op] = l;
      plan.layers[l].sparsity += "+" + term;
      return WalkResult::advance();
    }
    llvm::Expected<std::string> format = planFormat(op);
    if (!format) {
      error = llvm::formatv("layer {0}: {1}", plan.layers.size(),
                            llvm::toString(format.takeError()));
      return WalkResult::interrupt();
    }
    LayerPlan &l = plan.layers.emplace_back();
    layerOf[op] = plan.layers.size() - 1;
    l.op = op->getName().getStringRef().str();
    l.format = *format;
    if (v->multiplier)
      l.multiplier = v->multiplier.getName().str();
    if (v->lhsSparsity) {
      l.sparsity = "A" + term;
      l.threshold = v->lhsSparsity.getThreshold();
    } else if (v->rhsSparsity) {
      l.sparsity = term;
    }
    return WalkResult::advance();
  });
  if (!error.empty())
    return planError(error);
  return plan;
}

llvm::json::Value kite::toJson(const Plan &plan) {
  llvm::json::Array layers;
  for (const LayerPlan &l : plan.layers) {
    llvm::json::Object o{{"op", l.op},
                         {"format", l.format},
                         {"multiplier", l.multiplier},
                         {"sparsity", l.sparsity}};
    if (l.threshold)
      o["threshold"] = int64_t(l.threshold);
    layers.push_back(std::move(o));
  }
  llvm::json::Array softmax;
  for (const std::string &s : plan.softmax)
    softmax.push_back(s);
  return llvm::json::Object{{"kite_plan", 1},
                            {"layers", std::move(layers)},
                            {"softmax", std::move(softmax)}};
}

llvm::Expected<Plan> kite::planFromJson(const llvm::json::Value &value) {
  const llvm::json::Object *root = value.getAsObject();
  if (root && root->getObject("plan")) // a kitec report
    root = root->getObject("plan");
  if (!root || root->getInteger("kite_plan") != std::optional<int64_t>(1))
    return planError("not a plan (an object with \"kite_plan\": 1, or a "
                     "kitec report with one in \"plan\")");
  Plan plan;
  const llvm::json::Array *layers = root->getArray("layers");
  if (!layers)
    return planError("\"layers\" must be an array");
  for (auto [i, entry] : llvm::enumerate(*layers)) {
    std::string where = llvm::formatv("layers[{0}]", i).str();
    const llvm::json::Object *o = entry.getAsObject();
    if (!o)
      return planError(where + " must be an object");
    LayerPlan &l = plan.layers.emplace_back();
    for (auto [key, field] :
         {std::pair<const char *, std::string *>{"op", &l.op},
          {"format", &l.format},
          {"multiplier", &l.multiplier},
          {"sparsity", &l.sparsity}}) {
      std::optional<llvm::StringRef> s = o->getString(key);
      if (!s)
        return planError(where + "." + key + " must be a string");
      *field = s->str();
    }
    if (const llvm::json::Value *t = o->get("threshold")) {
      std::optional<int64_t> n = t->getAsInteger();
      if (!n || *n < 0 || *n > 127)
        return planError(where + ".threshold must be an integer in [0, 127]");
      l.threshold = unsigned(*n);
    }
    llvm::StringRef format = l.format;
    if (!format.consume_front("int") && !format.consume_front("lp"))
      return planError(where +
                       ".format must be int<A>x<W> or "
                       "lp<n,es,rs>/<n,es,rs>, got '" +
                       l.format + "'");
  }
  if (const llvm::json::Value *softmax = root->get("softmax")) {
    const llvm::json::Array *units = softmax->getAsArray();
    if (!units)
      return planError("\"softmax\" must be an array");
    for (auto [i, unit] : llvm::enumerate(*units)) {
      std::optional<llvm::StringRef> s = unit.getAsString();
      if (!s || (*s != "lut" && *s != "exact"))
        return planError(
            llvm::formatv("softmax[{0}] must be \"lut\" or \"exact\"", i));
      plan.softmax.push_back(s->str());
    }
  }
  return plan;
}

llvm::Expected<Plan> kite::readPlan(llvm::StringRef path) {
  auto text = llvm::MemoryBuffer::getFile(path, /*IsText=*/true);
  if (!text)
    return planError(path + ": " + text.getError().message());
  llvm::Expected<llvm::json::Value> json =
      llvm::json::parse((*text)->getBuffer());
  if (!json)
    return planError(path + ": " + llvm::toString(json.takeError()));
  llvm::Expected<Plan> plan = planFromJson(*json);
  if (!plan)
    return planError(path + ": " + llvm::toString(plan.takeError()));
  return plan;
}

void kite::quantizerOptions(const Plan &plan,
                            std::vector<std::string> &layerBits,
                            std::string &lpLayerFormats) {
  layerBits.clear();
  lpLayerFormats.clear();
  for (const LayerPlan &l : plan.layers) {
    llvm::StringRef format = l.format;
    if (format.consume_front("lp")) {
      layerBits.push_back("f");
      lpLayerFormats += (lpLayerFormats.empty() ? "" : ";") + format.str();
    } else {
      format.consume_front("int");
      layerBits.push_back(format.str());
    }
  }
}
