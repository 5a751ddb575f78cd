//===- Kbin.cpp - kite_isa programs to and from .kbin ---------------------===//

#include "kite/Target/Kbin.h"

#include "kite/Target/KnownTargets.h"

#include "mlir/IR/Builders.h"

using namespace mlir;
using namespace kite;
namespace ki = kite::kiteisa;

rt::TargetParams kite::targetParams(TargetAttr target) {
  rt::TargetParams t;
  MemoryAttr mem = target.getMemory();
  EnergyAttr e = target.getEnergy();
  t.name = target.getName().str();
  t.clockMhz = target.getClockMhz();
  t.rows = target.getArrayRows();
  t.cols = target.getArrayCols();
  t.accBits = target.getAccBits();
  t.lpAccFracBits = target.getLpAccFracBits();
  t.actBytes = int64_t(mem.getActKib()) * 1024;
  t.weightBytes = int64_t(mem.getWeightKib()) * 1024;
  t.accBytes = int64_t(mem.getAccKib()) * 1024;
  t.scratchBytes = int64_t(mem.getScratchKib()) * 1024;
  t.dramBytesPerCycle = mem.getDramBytesPerCycle().convertToDouble();
  t.sramBytesPerCycle = mem.getSramBytesPerCycle().convertToDouble();
  t.int8Mul = e.getInt8Mul().convertToDouble();
  t.int8Add = e.getInt8Add().convertToDouble();
  t.int32Add = e.getInt32Add().convertToDouble();
  t.fp32Mul = e.getFp32Mul().convertToDouble();
  t.fp32Add = e.getFp32Add().convertToDouble();
  t.sramRead32b = e.getSramRead32b().convertToDouble();
  t.dramRead32b = e.getDramRead32b().convertToDouble();
  t.lutRead8b = e.getLutRead8b().convertToDouble();
  if (HostAttr host = target.getHost()) {
    t.hostLinkBytesPerCycle = host.getLinkBytesPerCycle().convertToDouble();
    t.hostCyclesPerElement = host.getCyclesPerElement().convertToDouble();
    t.hostElementPj = host.getElementPj().convertToDouble();
  }
  if (LutUnitAttr lut = target.getLut()) {
    t.lutLanes = lut.getLanes();
    t.lutEntries = lut.getEntries();
  }
  return t;
}

static std::optional<rt::DType> ioDType(Type element) {
  if (element.isF32())
    return rt::DType::F32;
  if (element.isSignlessInteger(8))
    return rt::DType::I8;
  if (element.isSignlessInteger(16))
    return rt::DType::I16;
  if (element.isSignlessInteger(32))
    return rt::DType::I32;
  if (element.isSignlessInteger(64))
    return rt::DType::I64;
  return std::nullopt;
}

static Type ioElement(MLIRContext *ctx, rt::DType dtype) {
  switch (dtype) {
  case rt::DType::F32:
    return Float32Type::get(ctx);
  case rt::DType::I8:
    return IntegerType::get(ctx, 8);
  case rt::DType::I16:
    return IntegerType::get(ctx, 16);
  case rt::DType::I32:
    return IntegerType::get(ctx, 32);
  case rt::DType::I64:
    return IntegerType::get(ctx, 64);
  }
  return {};
}

static LogicalResult addIo(Operation *op, int64_t index, int64_t addr,
                           Type type, std::vector<rt::IoDesc> &list) {
  auto tensor = cast<RankedTensorType>(type);
  if (index != int64_t(list.size()))
    return op->emitOpError("I/O descriptors must appear in index order");
  list.push_back(
      {*ioDType(tensor.getElementType()),
       std::vector<int64_t>(tensor.getShape().begin(), tensor.getShape().end()),
       addr});
  return success();
}

static FailureOr<rt::Field> fieldOf(Operation *op, const rt::FieldSpec &spec) {
  Attribute attr = op->getAttr(spec.name);
  rt::Field f;
  switch (spec.kind) {
  case rt::FieldKind::Int:
    if (auto a = dyn_cast_or_null<IntegerAttr>(attr)) {
      f.i = a.getValue().getSExtValue();
      return f;
    }
    if (std::optional<int64_t> v =
            attr ? ki::enumFieldValue(attr) : std::nullopt) {
      f.i = *v;
      return f;
    }
    break;
  case rt::FieldKind::Float:
    if (auto a = dyn_cast_or_null<FloatAttr>(attr)) {
      f.f = a.getValueAsDouble();
      return f;
    }
    // A default-valued float left out is 0 (store_acc_fused's alpha; the
    // verifier makes sure the required ones are there).
    if (!attr)
      return f;
    break;
  case rt::FieldKind::IntArray:
    if (auto a = dyn_cast_or_null<DenseI64ArrayAttr>(attr)) {
      f.ints.assign(a.asArrayRef().begin(), a.asArrayRef().end());
      return f;
    }
    // A default-valued array left out is empty (the verifier makes sure
    // the required ones are there).
    if (!attr)
      return f;
    break;
  case rt::FieldKind::FloatArray:
    if (auto a = dyn_cast_or_null<DenseF64ArrayAttr>(attr)) {
      f.floats.assign(a.asArrayRef().begin(), a.asArrayRef().end());
      return f;
    }
    break;
  case rt::FieldKind::String:
    if (auto a = dyn_cast_or_null<StringAttr>(attr)) {
      f.s = a.str();
      return f;
    }
    break;
  }
  return op->emitOpError() << "field '" << spec.name
                           << "' is missing or of the wrong kind";
}

FailureOr<rt::Program> kite::programFromModule(ModuleOp module) {
  auto programs = module.getOps<ki::ProgramOp>();
  if (std::distance(programs.begin(), programs.end()) != 1)
    return module.emitError("expected exactly one kite_isa.program "
                            "(run convert-kite-to-kite-isa)"),
           failure();
  ki::ProgramOp programOp = *programs.begin();
  TargetAttr target = lookupTarget(module);
  if (!target)
    return module.emitError("the module has no kite.target"), failure();
  rt::Program p;
  p.target = targetParams(target);
  p.dramBytes = programOp.getDramBytes();
  for (Operation &op : programOp.getBody().front()) {
    if (auto data = dyn_cast<ki::DataOp>(op)) {
      rt::Segment seg;
      seg.addr = data.getAddr();
      for (const APInt &v : cast<DenseIntElementsAttr>(data.getBytes()))
        seg.bytes.push_back(uint8_t(v.getZExtValue()));
      p.constants.push_back(std::move(seg));
      continue;
    }
    if (auto in = dyn_cast<ki::InputOp>(op)) {
      if (failed(
              addIo(in, in.getIndex(), in.getAddr(), in.getType(), p.inputs)))
        return failure();
      continue;
    }
    if (auto out = dyn_cast<ki::OutputOp>(op)) {
      if (failed(addIo(out, out.getIndex(), out.getAddr(), out.getType(),
                       p.outputs)))
        return failure();
      continue;
    }
    const rt::OpSpec *spec = rt::findOp(op.getName().stripDialect());
    if (!spec)
      return op.emitOpError("has no encoding"), failure();
    rt::Instr instr;
    instr.opcode = spec->opcode;
    for (const rt::FieldSpec &field : spec->fields) {
      FailureOr<rt::Field> f = fieldOf(&op, field);
      if (failed(f))
        return failure();
      instr.fields.push_back(std::move(*f));
    }
    p.code.push_back(std::move(instr));
  }
  return p;
}

static Attribute attrOf(Builder &b, const rt::FieldSpec &spec,
                        const rt::Field &f) {
  switch (spec.kind) {
  case rt::FieldKind::Int:
    return b.getI64IntegerAttr(f.i);
  case rt::FieldKind::Float:
    return b.getF64FloatAttr(f.f);
  case rt::FieldKind::IntArray:
    return b.getDenseI64ArrayAttr(f.ints);
  case rt::FieldKind::FloatArray:
    return b.getDenseF64ArrayAttr(f.floats);
  case rt::FieldKind::String:
    return b.getStringAttr(f.s);
  }
  return {};
}

OwningOpRef<ModuleOp> kite::moduleFromProgram(MLIRContext *ctx,
                                              const rt::Program &p) {
  ctx->loadDialect<KiteDialect, ki::KiteIsaDialect>();
  OpBuilder b(ctx);
  Location loc = UnknownLoc::get(ctx);
  OwningOpRef<ModuleOp> module = ModuleOp::create(loc);
  if (TargetAttr known = getKnownTarget(ctx, p.target.name))
    if (targetParams(known).fingerprint() == p.target.fingerprint())
      (*module)->setAttr(kTargetAttrName, known);
  b.setInsertionPointToEnd(module->getBody());
  auto program = ki::ProgramOp::create(b, loc, "main", p.dramBytes);
  program.getBody().push_back(new Block());
  b.setInsertionPointToEnd(&program.getBody().front());
  for (const rt::Segment &seg : p.constants) {
    SmallVector<int8_t> bytes(seg.bytes.begin(), seg.bytes.end());
    auto type = RankedTensorType::get({int64_t(bytes.size())}, b.getI8Type());
    ki::DataOp::create(
        b, loc, seg.addr,
        DenseIntElementsAttr::get(type, ArrayRef<int8_t>(bytes)));
  }
  auto ioType = [&](const rt::IoDesc &d) {
    return RankedTensorType::get(d.shape, ioElement(ctx, d.dtype));
  };
  for (auto [idx, d] : llvm::enumerate(p.inputs))
    ki::InputOp::create(b, loc, int64_t(idx), d.addr, ioType(d));
  for (const rt::Instr &instr : p.code) {
    const rt::OpSpec *spec = rt::findOp(instr.opcode);
    OperationState state(loc, std::string("kite_isa.") + spec->name);
    for (size_t k = 0; k < spec->fields.size(); ++k) {
      // Enum fields as their attribute; a value outside the cases stays an
      // integer, which the op's verifier then names.
      FailureOr<Attribute> e =
          spec->fields[k].kind == rt::FieldKind::Int
              ? ki::enumFieldAttr(ctx, spec->name, spec->fields[k].name,
                                  instr.fields[k].i)
              : FailureOr<Attribute>(Attribute());
      state.addAttribute(spec->fields[k].name,
                         succeeded(e) && *e
                             ? *e
                             : attrOf(b, spec->fields[k], instr.fields[k]));
    }
    b.create(state);
  }
  for (auto [idx, d] : llvm::enumerate(p.outputs))
    ki::OutputOp::create(b, loc, int64_t(idx), d.addr, ioType(d));
  return module;
}
