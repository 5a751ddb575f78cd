//===- Reduce.h - the f32 reductions Kite computes --------------*- C++ -*-===//
//
// One definition of each, so that the interpreter's TOSA kernels and the
// simulator's vec_reduce agree bit for bit: a left fold from the identity,
// in index order. Plain C++.
//
//===----------------------------------------------------------------------===//

#ifndef KITE_NUMERICS_REDUCE_H
#define KITE_NUMERICS_REDUCE_H

#include <algorithm>
#include <cstdint>
#include <limits>

namespace kite::numerics {

/// The reductions of vec_reduce; the values are its `kind` field.
enum class ReduceFn : int64_t { Sum = 0, Max = 1, Min = 2, Product = 3 };
constexpr int64_t kNumReduceFns = 4;

inline const char *reduceName(ReduceFn fn) {
  static const char *names[] = {"sum", "max", "min", "product"};
  return names[int64_t(fn)];
}

/// The fold's starting value.
inline float reduceIdentity(ReduceFn fn) {
  switch (fn) {
  case ReduceFn::Max:
    return -std::numeric_limits<float>::infinity();
  case ReduceFn::Min:
    return std::numeric_limits<float>::infinity();
  case ReduceFn::Product:
    return 1.0f;
  case ReduceFn::Sum:
    break;
  }
  return 0.0f;
}

/// One step of the fold; max and min skip NaN (TOSA's nan_mode "IGNORE").
inline float reduceStep(ReduceFn fn, float acc, float x) {
  switch (fn) {
  case ReduceFn::Sum:
    return acc + x;
  case ReduceFn::Max:
    return std::max(acc, x);
  case ReduceFn::Min:
    return std::min(acc, x);
  case ReduceFn::Product:
    return acc * x;
  }
  return acc;
}

} // namespace kite::numerics

#endif // KITE_NUMERICS_REDUCE_H
