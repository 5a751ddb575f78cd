//===- VersionConversion.cpp - old opsets through ONNX's converter --------===//
//
// ONNX's version converter and shape inference report problems by throwing;
// this file alone is built with exceptions and turns them into an error.
//
//===----------------------------------------------------------------------===//

#include "Importer.h"

#include <onnx/shape_inference/implementation.h>
#include <onnx/version_converter/convert.h>

#include <exception>

using namespace kite::onnximport;

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
