//===- Npy.h - .npy / .npz tensor files -------------------------*- C++ -*-===//
//
// Reading and writing NumPy's .npy format (version 1.0-3.0, little-endian,
// C order) and reading .npz archives (stored or deflated, through libzip).
// Plain C++: the interpreter's kite-run and the simulator's kite-sim share
// it. Errors are one line naming the file and what is wrong.
//
//===----------------------------------------------------------------------===//

#ifndef KITE_TENSORIO_NPY_H
#define KITE_TENSORIO_NPY_H

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace kite::tensorio {

/// The most elements a tensor file may hold (2^34, 64 GiB of f32): past it
/// a shape is an error rather than an allocation that cannot succeed.
constexpr int64_t kMaxElements = int64_t(1) << 34;

/// Element types Kite reads and writes.
enum class DType { F32, F64, I8, I16, I32, I64, U8, U16, U32, U64, Bool };

/// A dense host tensor: shape and values, as doubles for float data and
/// int64 for integer data (exactly one of the two vectors is used).
struct HostTensor {
  DType dtype = DType::F32;
  std::vector<int64_t> shape;
  std::vector<double> floats;
  std::vector<int64_t> ints;

  bool isFloat() const { return dtype == DType::F32 || dtype == DType::F64; }
  int64_t numElements() const;
};

/// NumPy's descr string for a dtype, e.g. "<f4".
std::string descrOf(DType dtype);

/// Parses a .npy file's bytes; on failure returns false and sets *error.
bool parseNpy(const std::string &bytes, HostTensor &out, std::string *error);
/// Reads a .npy file; errors start with the path.
bool readNpy(const std::string &path, HostTensor &out, std::string *error);
/// Writes a .npy file (version 1.0).
bool writeNpy(const std::string &path, const HostTensor &tensor,
              std::string *error);
/// Reads every array of a .npz archive, in archive order, with its name
/// (without ".npy").
bool readNpz(const std::string &path,
             std::vector<std::pair<std::string, HostTensor>> &out,
             std::string *error);
/// Appends the arrays of a .npz archive (in archive order) or the one
/// array of a .npy file to `out`, as the tools read model inputs.
bool readArrays(const std::string &path, std::vector<HostTensor> &out,
                std::string *error);

/// "[2, 3]"
std::string shapeText(const std::vector<int64_t> &shape);

/// Top-1 agreement of the rows of 2-D `logits` with integer `labels`: sets
/// `correct` and returns "" , or a message saying why they do not fit.
std::string top1Correct(const HostTensor &logits, const HostTensor &labels,
                        int64_t &correct);

/// "top-1 accuracy: 0.9711 (437/450)"
std::string top1Line(int64_t correct, int64_t total);

} // namespace kite::tensorio

#endif // KITE_TENSORIO_NPY_H
