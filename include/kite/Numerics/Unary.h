//===- Unary.h - the f32 elementwise functions Kite computes ---*- C++ -*-===//
//
// One definition of each, so that the interpreter's TOSA kernels and the
// simulator's vec_unary round identically. Plain C++.
//
//===----------------------------------------------------------------------===//

#ifndef KITE_NUMERICS_UNARY_H
#define KITE_NUMERICS_UNARY_H

#include "kite/Numerics/Erf.h"

#include <cmath>
#include <cstdint>

namespace kite::numerics {

/// The functions of vec_unary; the values are its `kind` field.
enum class UnaryFn : int64_t {
  Sigmoid = 0,
  Tanh = 1,
  Exp = 2,
  Log = 3,
  Rsqrt = 4,
  Reciprocal = 5,
  Erf = 6,
  Abs = 7,
  Neg = 8,
  Floor = 9,
  Ceil = 10,
  Sin = 11,
  Cos = 12,
};
constexpr int64_t kNumUnaryFns = 13;

inline const char *unaryName(UnaryFn fn) {
  static const char *names[] = {"sigmoid",    "tanh", "exp", "log", "rsqrt",
                                "reciprocal", "erf",  "abs", "neg", "floor",
                                "ceil",       "sin",  "cos"};
  return names[int64_t(fn)];
}

/// `fn` of `x` in f32.
inline float applyUnary(UnaryFn fn, float x) {
  switch (fn) {
  case UnaryFn::Sigmoid:
    return 1.0f / (1.0f + std::exp(-x));
  case UnaryFn::Tanh:
    return std::tanh(x);
  case UnaryFn::Exp:
    return std::exp(x);
  case UnaryFn::Log:
    return std::log(x);
  case UnaryFn::Rsqrt:
    return 1.0f / std::sqrt(x);
  case UnaryFn::Reciprocal:
    return 1.0f / x;
  case UnaryFn::Erf:
    return numerics::erf(x);
  case UnaryFn::Abs:
    return std::fabs(x);
  case UnaryFn::Neg:
    return -x;
  case UnaryFn::Floor:
    return std::floor(x);
  case UnaryFn::Ceil:
    return std::ceil(x);
  case UnaryFn::Sin:
    return std::sin(x);
  case UnaryFn::Cos:
    return std::cos(x);
  }
  return x;
}

/// The vector unit's operations per element of `fn` (its cost): one for
/// sign and rounding changes, four for a division or root, eight for a
/// transcendental function.
inline int unaryOps(UnaryFn fn) {
  switch (fn) {
  case UnaryFn::Abs:
  case UnaryFn::Neg:
  case UnaryFn::Floor:
  case UnaryFn::Ceil:
    return 1;
  case UnaryFn::Rsqrt:
  case UnaryFn::Reciprocal:
    return 4;
  default:
    return 8;
  }
}

} // namespace kite::numerics

#endif // KITE_NUMERICS_UNARY_H
