//===- VersionConversion.cpp - ONNX's checker and version converter ------===//
//
// ONNX's checker, version converter and shape inference report problems by
// throwing; this file alone is built with exceptions and turns them into an
// error.
//
//===----------------------------------------------------------------------===//

#include "Importer.h"

#include <onnx/checker.h>
#include <onnx/shape_inference/implementation.h>
#include <onnx/version_converter/convert.h>

#include <exception>

using namespace kite::onnximport;

/// The first value of `graph` (or a graph nested in its attributes) whose
/// element type is no TensorProto data type, or null. ONNX's checker lets
/// them pass and its version converter then crashes on them.
static const onnx::ValueInfoProto *badElementType(const onnx::GraphProto &g) {
  for (const auto *list : {&g.input(), &g.output(), &g.value_info()})
    for (const onnx::ValueInfoProto &v : *list)
      if (v.type().has_tensor_type() && !onnx::TensorProto_DataType_IsValid(
                                            v.type().tensor_type().elem_type()))
        return &v;
  for (const onnx::NodeProto &n : g.node())
    for (const onnx::AttributeProto &a : n.attribute()) {
      if (a.has_g())
        if (const onnx::ValueInfoProto *v = badElementType(a.g()))
          return v;
      for (const onnx::GraphProto &sub : a.graphs())
        if (const onnx::ValueInfoProto *v = badElementType(sub))
          return v;
    }
  return nullptr;
}

mlir::LogicalResult kite::onnximport::checkModel(const onnx::ModelProto &model,
                                                 std::string &error) {
  try {
    onnx::checker::check_model(model);
  } catch (const std::exception &e) {
    // One line: the checker puts its context ("Bad node spec for node.
    // Name: ... OpType: ...") in a paragraph of its own.
    llvm::SmallVector<llvm::StringRef> lines;
    llvm::StringRef(e.what()).split(lines, '\n', -1, false);
    error.clear();
    for (llvm::StringRef line : lines) {
      line = line.trim();
      if (line.consume_front("==> Context:"))
        error += " (" + line.trim().str() + ")";
      else
        error += (error.empty() ? "" : " ") + line.str();
    }
    return mlir::failure();
  }
  if (const onnx::ValueInfoProto *v = badElementType(model.graph())) {
    error = "value '" + v->name() + "' has element type " +
            std::to_string(v->type().tensor_type().elem_type()) +
            ", which is no ONNX data type";
    return mlir::failure();
  }
  return mlir::success();
}

mlir::LogicalResult kite::onnximport::convertToOpset11(onnx::ModelProto &model,
                                                       std::string &error) {
  try {
    // Adapters need shapes where the graph has them.
    onnx::shape_inference::InferShapes(model);
    model = onnx::version_conversion::ConvertVersion(model, 11);
  } catch (const std::exception &e) {
    error = e.what();
    return mlir::failure();
  }
  return mlir::success();
}
