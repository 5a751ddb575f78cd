//===- KiteTypes.cpp - kite dialect types ---------------------------------===//

#include "kite/Dialect/Kite/IR/Kite.h"

using namespace mlir;
using namespace kite;

LogicalResult LPType::verify(function_ref<InFlightDiagnostic()> emitError,
                             unsigned n, unsigned es, unsigned rs, int sf) {
  if (n < 2 || n > 16)
    return emitError() << "LP word width n = " << n
                       << " is out of range: must be in [2, 16]";
  if (es > 4)
    return emitError() << "LP exponent size es = " << es
                       << " is out of range: must be in [0, 4]";
  if (rs < 1 || rs > n - 1)
    return emitError() << "LP regime cap rs = " << rs
                       << " is out of range: must be in [1, n - 1] = [1, "
                       << n - 1 << "]";
  if (sf < -64 || sf > 64)
    return emitError() << "LP scale factor sf = " << sf
                       << " is out of range: must be in [-64, 64]";
  return success();
}
