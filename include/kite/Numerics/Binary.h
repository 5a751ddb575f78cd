//===- Binary.h - the f32 binary functions Kite computes --------*- C++ -*-===//
//
// One definition of each, so that the interpreter's TOSA kernels and the
// simulator's vec_binary round identically. Plain C++.
//
//===----------------------------------------------------------------------===//

#ifndef KITE_NUMERICS_BINARY_H
#define KITE_NUMERICS_BINARY_H

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <type_traits>

namespace kite::numerics {

/// The functions of vec_binary; the values are its `kind` field.
enum class BinaryFn : int64_t {
  Add = 0,
  Sub = 1,
  Mul = 2,
  Max = 3,
  Min = 4,
  Pow = 5,
};
constexpr int64_t kNumBinaryFns = 6;

inline const char *binaryName(BinaryFn fn) {
  static const char *names[] = {"add", "sub", "mul", "max", "min", "pow"};
  return names[int64_t(fn)];
}

/// `fn` of `a` and `b` in f32; max and min propagate NaN as TOSA's do.
inline float applyBinary(BinaryFn fn, float a, float b) {
  switch (fn) {
  case BinaryFn::Add:
    return a + b;
  case BinaryFn::Sub:
    return a - b;
  case BinaryFn::Mul:
    return a * b;
  case BinaryFn::Max:
    return std::isnan(a) || std::isnan(b) ? NAN : std::max(a, b);
  case BinaryFn::Min:
    return std::isnan(a) || std::isnan(b) ? NAN : std::min(a, b);
  case BinaryFn::Pow:
    return std::pow(a, b);
  }
  return a;
}

/// Calls body(std::integral_constant<BinaryFn, fn>()): a loop in `body`
/// that calls applyBinary(decltype(f)::value, ...) compiles once per
/// function, with the switch out of it.
template <typename Body> void withBinaryFn(BinaryFn fn, Body body) {
  switch (fn) {
  case BinaryFn::Add:
    return body(std::integral_constant<BinaryFn, BinaryFn::Add>());
  case BinaryFn::Sub:
    return body(std::integral_constant<BinaryFn, BinaryFn::Sub>());
  case BinaryFn::Mul:
    return body(std::integral_constant<BinaryFn, BinaryFn::Mul>());
  case BinaryFn::Max:
    return body(std::integral_constant<BinaryFn, BinaryFn::Max>());
  case BinaryFn::Min:
    return body(std::integral_constant<BinaryFn, BinaryFn::Min>());
  case BinaryFn::Pow:
    return body(std::integral_constant<BinaryFn, BinaryFn::Pow>());
  }
}

/// The vector unit's operations per element of `fn` (its cost): a pow is an
/// exp of a product with a log, two transcendental functions.
inline int binaryOps(BinaryFn fn) { return fn == BinaryFn::Pow ? 16 : 1; }

/// The comparisons of vec_compare; the values are its `kind` field.
enum class CompareFn : int64_t { Equal = 0, Greater = 1, GreaterEqual = 2 };
constexpr int64_t kNumCompareFns = 3;

/// `fn` of `a` and `b`, floats (false when either is NaN) or integers.
template <typename T> bool applyCompare(CompareFn fn, T a, T b) {
  switch (fn) {
  case CompareFn::Equal:
    return a == b;
  case CompareFn::Greater:
    return a > b;
  case CompareFn::GreaterEqual:
    return a >= b;
  }
  return false;
}

/// `fn` of two integers as TOSA's integer kernels compute it: two's
/// complement, wrapping in 64 bits (the caller narrows to the result's
/// width). Pow is not defined on integers here.
inline int64_t applyBinaryInt(BinaryFn fn, int64_t a, int64_t b) {
  uint64_t ua = uint64_t(a), ub = uint64_t(b);
  switch (fn) {
  case BinaryFn::Add:
    return int64_t(ua + ub);
  case BinaryFn::Sub:
    return int64_t(ua - ub);
  case BinaryFn::Mul:
    return int64_t(ua * ub);
  case BinaryFn::Max:
    return std::max(a, b);
  case BinaryFn::Min:
    return std::min(a, b);
  case BinaryFn::Pow:
    break;
  }
  return a;
}

} // namespace kite::numerics

#endif // KITE_NUMERICS_BINARY_H
