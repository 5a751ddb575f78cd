//===- KiteTypes.cpp - kite dialect types ---------------------------------===//

#include "kite/Dialect/Kite/IR/Kite.h"

using namespace mlir;
using namespace kite;

LogicalResult LPType::verify(function_ref<InFlightDiagnostic()> emitError,
                             unsigned n, unsigned es, unsigned rs, int sf) {
  std::string problem = numerics::LPFormat::validate(n, es, rs, sf);
  if (!problem.empty())
    return emitError() << problem;
  return success();
}
