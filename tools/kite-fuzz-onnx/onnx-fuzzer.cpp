//===- onnx-fuzzer.cpp - structure-aware libFuzzer target for ONNX import -===//
//
// Imports arbitrary bytes as an ONNX model (ONNX's checker and shape
// inference, the version converter, every op handler, constant folding) and
// raises what imports to kite ops and lowers it, as kitec does without
// quantization. The custom mutator edits a parsed ModelProto through
// protobuf reflection: numbers pushed to their edges (0, -1, huge, NaN),
// names rewired to other values of the graph, repeated fields shortened,
// duplicated or reordered, tensors truncated. Mutating bytes alone rarely
// gets past the protobuf parser. Built and run by scripts/fuzz.
//
//===----------------------------------------------------------------------===//

#include "../FuzzSupport.h"
#include "kite/Conversion/ImportOnnx/ImportOnnx.h"
#include "kite/Pipelines/Pipelines.h"

#include "mlir/IR/Verifier.h"
#include "mlir/Pass/PassManager.h"

#include <onnx/onnx_pb.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>
#include <random>

namespace pb = google::protobuf;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  mlir::MLIRContext &ctx = kite::fuzz::context(256);
  kite::fuzz::QuietDiagnostics quiet(ctx);
  kite::OnnxImportOptions options;
  options.batchSize = 2;
  mlir::OwningOpRef<mlir::ModuleOp> module = kite::importOnnxBytes(
      &ctx, llvm::StringRef(reinterpret_cast<const char *>(data), size),
      "fuzz.onnx", options);
  if (!module)
    return 0;
  if (mlir::failed(mlir::verify(*module))) {
    std::fprintf(stderr, "the importer produced IR that does not verify\n");
    std::abort();
  }
  mlir::PassManager pm(&ctx);
  kite::CompileOptions compile;
  compile.quantize = false;
  kite::buildCompilePipeline(pm, compile);
  kite::buildLowerPipeline(pm, kite::LowerOptions());
  (void)pm.run(*module);
  return 0;
}

#ifdef KITE_LIBFUZZER
extern "C" size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t maxSize);

namespace {
/// One reflection-driven edit of a ModelProto.
class ModelMutator {
public:
  explicit ModelMutator(unsigned seed) : rng(seed) {}

  void mutate(pb::Message &root) {
    messages.clear();
    names.clear();
    collect(root);
    pb::Message *m = messages[pick(messages.size())];
    const pb::Descriptor *d = m->GetDescriptor();
    if (d->field_count() == 0)
      return;
    mutateField(*m, d->field(int(pick(size_t(d->field_count())))));
  }

private:
  std::mt19937 rng;
  std::vector<pb::Message *> messages;
  std::vector<std::string> names; ///< value names met in the model

  size_t pick(size_t n) { return n ? rng() % n : 0; }
  bool coin() { return rng() & 1; }

  void collect(pb::Message &m) {
    messages.push_back(&m);
    const pb::Reflection *r = m.GetReflection();
    std::vector<const pb::FieldDescriptor *> fields;
    r->ListFields(m, &fields);
    for (const pb::FieldDescriptor *f : fields) {
      if (f->cpp_type() == pb::FieldDescriptor::CPPTYPE_STRING &&
          f->type() != pb::FieldDescriptor::TYPE_BYTES &&
          (f->name() == "input" || f->name() == "output" ||
           f->name() == "name")) {
        if (f->is_repeated())
          for (int k = 0; k < r->FieldSize(m, f); ++k)
            names.push_back(r->GetRepeatedString(m, f, k));
        else
          names.push_back(r->GetString(m, f));
      }
      if (f->cpp_type() != pb::FieldDescriptor::CPPTYPE_MESSAGE)
        continue;
      if (f->is_repeated())
        for (int k = 0; k < r->FieldSize(m, f); ++k)
          collect(*r->MutableRepeatedMessage(&m, f, k));
      else
        collect(*r->MutableMessage(&m, f));
    }
  }

  int64_t edgeInt(int64_t v) {
    // Neighbours wrap (in unsigned arithmetic) rather than overflow.
    auto wrap = [](uint64_t u) { return int64_t(u); };
    const int64_t edges[] = {0,
                             1,
                             -1,
                             2,
                             wrap(uint64_t(v) + 1),
                             wrap(uint64_t(v) - 1),
                             wrap(0 - uint64_t(v)),
                             wrap(uint64_t(v) * 2),
                             int64_t(1) << 31,
                             int64_t(1) << 40,
                             std::numeric_limits<int64_t>::max(),
                             std::numeric_limits<int64_t>::min(),
                             int64_t(pick(64)) - 8};
    return edges[pick(std::size(edges))];
  }
  double edgeFloat(double v) {
    const double edges[] = {0.0,
                            -0.0,
                            1.0,
                            -v,
                            v * 1e6,
                            std::nan(""),
                            std::numeric_limits<double>::infinity(),
                            -std::numeric_limits<double>::infinity(),
                            1e-40,
                            3.5e38};
    return edges[pick(std::size(edges))];
  }
  std::string edgeString(const std::string &v, bool bytes) {
    if (bytes) { // raw tensor data: truncate, extend or flip a byte
      std::string out = v;
      switch (pick(3)) {
      case 0:
        out.resize(pick(out.size() + 1));
        break;
      case 1:
        out.append(size_t(1) << pick(6), char(rng()));
        break;
      default:
        if (!out.empty())
          out[pick(out.size())] ^= char(1 << pick(8));
      }
      return out;
    }
    if (!names.empty() && pick(4))
      return names[pick(names.size())];
    return pick(2) ? std::string() : v + "_";
  }

  void mutateRepeated(pb::Message &m, const pb::FieldDescriptor *f) {
    const pb::Reflection *r = m.GetReflection();
    int n = r->FieldSize(m, f);
    switch (n ? pick(4) : 3) {
    case 0: // drop one element
      r->SwapElements(&m, f, int(pick(size_t(n))), n - 1);
      r->RemoveLast(&m, f);
      return;
    case 1: // reorder
      r->SwapElements(&m, f, int(pick(size_t(n))), int(pick(size_t(n))));
      return;
    case 2: // edit one element in place
      editElement(m, f, int(pick(size_t(n))));
      return;
    default: // append a copy of an element or a default one
      switch (f->cpp_type()) {
      case pb::FieldDescriptor::CPPTYPE_MESSAGE: {
        pb::Message *added = r->AddMessage(&m, f);
        if (n)
          added->CopyFrom(r->GetRepeatedMessage(m, f, int(pick(size_t(n)))));
        return;
      }
      case pb::FieldDescriptor::CPPTYPE_INT64:
        r->AddInt64(&m, f, edgeInt(0));
        return;
      case pb::FieldDescriptor::CPPTYPE_INT32:
        r->AddInt32(&m, f, int32_t(edgeInt(0)));
        return;
      case pb::FieldDescriptor::CPPTYPE_UINT64:
        r->AddUInt64(&m, f, uint64_t(edgeInt(0)));
        return;
      case pb::FieldDescriptor::CPPTYPE_FLOAT:
        r->AddFloat(&m, f, float(edgeFloat(1)));
        return;
      case pb::FieldDescriptor::CPPTYPE_DOUBLE:
        r->AddDouble(&m, f, edgeFloat(1));
        return;
      case pb::FieldDescriptor::CPPTYPE_STRING:
        r->AddString(&m, f, edgeString("", false));
        return;
      default:
        return;
      }
    }
  }

  void editElement(pb::Message &m, const pb::FieldDescriptor *f, int k) {
    const pb::Reflection *r = m.GetReflection();
    switch (f->cpp_type()) {
    case pb::FieldDescriptor::CPPTYPE_INT64:
      r->SetRepeatedInt64(&m, f, k, edgeInt(r->GetRepeatedInt64(m, f, k)));
      return;
    case pb::FieldDescriptor::CPPTYPE_INT32:
      r->SetRepeatedInt32(&m, f, k,
                          int32_t(edgeInt(r->GetRepeatedInt32(m, f, k))));
      return;
    case pb::FieldDescriptor::CPPTYPE_UINT64:
      r->SetRepeatedUInt64(
          &m, f, k, uint64_t(edgeInt(int64_t(r->GetRepeatedUInt64(m, f, k)))));
      return;
    case pb::FieldDescriptor::CPPTYPE_FLOAT:
      r->SetRepeatedFloat(&m, f, k,
                          float(edgeFloat(r->GetRepeatedFloat(m, f, k))));
      return;
    case pb::FieldDescriptor::CPPTYPE_DOUBLE:
      r->SetRepeatedDouble(&m, f, k, edgeFloat(r->GetRepeatedDouble(m, f, k)));
      return;
    case pb::FieldDescriptor::CPPTYPE_STRING:
      r->SetRepeatedString(
          &m, f, k,
          edgeString(r->GetRepeatedString(m, f, k),
                     f->type() == pb::FieldDescriptor::TYPE_BYTES));
      return;
    case pb::FieldDescriptor::CPPTYPE_MESSAGE:
      r->RemoveLast(&m, f);
      return;
    default:
      return;
    }
  }

  void mutateField(pb::Message &m, const pb::FieldDescriptor *f) {
    const pb::Reflection *r = m.GetReflection();
    if (f->is_repeated())
      return mutateRepeated(m, f);
    if (pick(8) == 0)
      return r->ClearField(&m, f);
    switch (f->cpp_type()) {
    case pb::FieldDescriptor::CPPTYPE_INT64:
      return r->SetInt64(&m, f, edgeInt(r->GetInt64(m, f)));
    case pb::FieldDescriptor::CPPTYPE_INT32:
      return r->SetInt32(&m, f, int32_t(edgeInt(r->GetInt32(m, f))));
    case pb::FieldDescriptor::CPPTYPE_UINT64:
      return r->SetUInt64(&m, f,
                          uint64_t(edgeInt(int64_t(r->GetUInt64(m, f)))));
    case pb::FieldDescriptor::CPPTYPE_UINT32:
      return r->SetUInt32(&m, f,
                          uint32_t(edgeInt(int64_t(r->GetUInt32(m, f)))));
    case pb::FieldDescriptor::CPPTYPE_FLOAT:
      return r->SetFloat(&m, f, float(edgeFloat(r->GetFloat(m, f))));
    case pb::FieldDescriptor::CPPTYPE_DOUBLE:
      return r->SetDouble(&m, f, edgeFloat(r->GetDouble(m, f)));
    case pb::FieldDescriptor::CPPTYPE_BOOL:
      return r->SetBool(&m, f, !r->GetBool(m, f));
    case pb::FieldDescriptor::CPPTYPE_ENUM: {
      const pb::EnumDescriptor *e = f->enum_type();
      return r->SetEnum(&m, f, e->value(int(pick(size_t(e->value_count())))));
    }
    case pb::FieldDescriptor::CPPTYPE_STRING:
      return r->SetString(
          &m, f,
          edgeString(r->GetString(m, f),
                     f->type() == pb::FieldDescriptor::TYPE_BYTES));
    case pb::FieldDescriptor::CPPTYPE_MESSAGE:
      r->MutableMessage(&m, f); // present, with defaults
      return;
    }
  }
};
} // namespace

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size,
                                          size_t maxSize, unsigned seed) {
  onnx::ModelProto model;
  // One input in eight is also mutated as bytes (the parser's own edges).
  if (seed % 8 == 0 || !model.ParseFromArray(data, int(size)))
    return LLVMFuzzerMutate(data, size, maxSize);
  ModelMutator mutator(seed);
  for (unsigned k = 0, n = 1 + seed % 3; k < n; ++k)
    mutator.mutate(model);
  std::string out = model.SerializeAsString();
  if (out.size() > maxSize)
    return LLVMFuzzerMutate(data, size, maxSize);
  std::memcpy(data, out.data(), out.size());
  return out.size();
}
#endif
