//===- HostRun.cpp - run a program on host tensors in batches -------------===//

#include "kite/Runtime/HostRun.h"

#include <cstring>

using namespace kite;
using namespace kite::rt;
using tensorio::HostTensor;

namespace {
/// Rows of a tensor: its leading dimension (1 for a scalar).
int64_t rowsOf(const IoDesc &desc) {
  return desc.shape.empty() ? 1 : desc.shape[0];
}

bool failWith(std::string &error, const std::string &message) {
  error = message;
  return false;
}

/// Rows [first, first + rows) of `t` in `desc`'s dtype, zero-padded to the
/// descriptor's leading dimension.
std::vector<uint8_t> toBytes(const HostTensor &t, int64_t first,
                             const IoDesc &desc) {
  int64_t rowElems = desc.numElements() / rowsOf(desc);
  int64_t avail =
      std::min<int64_t>(rowsOf(desc), (t.numElements() / rowElems) - first);
  unsigned eb = dtypeBytes(desc.dtype);
  std::vector<uint8_t> bytes(size_t(desc.bytes()), 0);
  for (int64_t e = 0; e < avail * rowElems; ++e) {
    int64_t src = first * rowElems + e;
    uint8_t *dst = &bytes[size_t(e * eb)];
    if (desc.dtype == DType::F32) {
      float v = t.isFloat() ? float(t.floats[size_t(src)])
                            : float(t.ints[size_t(src)]);
      std::memcpy(dst, &v, 4);
    } else {
      int64_t v =
          t.isFloat() ? int64_t(t.floats[size_t(src)]) : t.ints[size_t(src)];
      std::memcpy(dst, &v, eb); // little-endian low bytes
    }
  }
  return bytes;
}

/// Appends the first `rows` rows of an output's bytes to `t`.
void appendRows(HostTensor &t, const std::vector<uint8_t> &bytes,
                const IoDesc &desc, int64_t rows) {
  int64_t rowElems = desc.numElements() / rowsOf(desc);
  unsigned eb = dtypeBytes(desc.dtype);
  for (int64_t e = 0; e < rows * rowElems; ++e) {
    const uint8_t *p = &bytes[size_t(e * eb)];
    switch (desc.dtype) {
    case DType::F32: {
      float v;
      std::memcpy(&v, p, 4);
      t.floats.push_back(v);
      break;
    }
    case DType::I8:
      t.ints.push_back(int8_t(p[0]));
      break;
    case DType::I16: {
      int16_t v;
      std::memcpy(&v, p, 2);
      t.ints.push_back(v);
      break;
    }
    case DType::I32: {
      int32_t v;
      std::memcpy(&v, p, 4);
      t.ints.push_back(v);
      break;
    }
    case DType::I64: {
      int64_t v;
      std::memcpy(&v, p, 8);
      t.ints.push_back(v);
      break;
    }
    }
  }
}

tensorio::DType hostDType(DType d) {
  switch (d) {
  case DType::F32:
    return tensorio::DType::F32;
  case DType::I8:
    return tensorio::DType::I8;
  case DType::I16:
    return tensorio::DType::I16;
  case DType::I32:
    return tensorio::DType::I32;
  case DType::I64:
    return tensorio::DType::I64;
  }
  return tensorio::DType::F32;
}

} // namespace

bool kite::rt::runOnHostTensors(Simulator &sim, const Program &program,
                                const std::vector<HostTensor> &inputs,
                                bool batch, std::vector<HostTensor> &outputs,
                                std::string &error) {
  if (inputs.size() != program.inputs.size())
    return failWith(error, "the program takes " +
                               std::to_string(program.inputs.size()) +
                               " inputs, got " + std::to_string(inputs.size()));
  int64_t total = -1;
  for (size_t k = 0; k < inputs.size(); ++k) {
    const IoDesc &d = program.inputs[k];
    std::vector<int64_t> want = d.shape, got = inputs[k].shape;
    bool rowsDiffer = batch && !got.empty() && got.size() == want.size() &&
                      std::equal(got.begin() + 1, got.end(), want.begin() + 1);
    if (got != want && !rowsDiffer)
      return failWith(error,
                      "input " + std::to_string(k) + " has shape " +
                          tensorio::shapeText(got) + ", the program expects " +
                          tensorio::shapeText(want) +
                          (batch ? "" : " (--batch runs larger batches)"));
    int64_t rows = got.empty() ? 1 : got[0];
    if (total >= 0 && rows != total)
      return failWith(error, "inputs have different numbers of rows");
    total = rows;
  }
  int64_t runRows = program.inputs.empty() ? 1 : rowsOf(program.inputs[0]);
  if (total < 0) // no inputs: one run gives every row
    total = runRows = program.outputs.empty() ? 1 : rowsOf(program.outputs[0]);

  outputs.assign(program.outputs.size(), HostTensor());
  for (size_t k = 0; k < outputs.size(); ++k) {
    outputs[k].dtype = hostDType(program.outputs[k].dtype);
    outputs[k].shape = program.outputs[k].shape;
    if (!outputs[k].shape.empty())
      outputs[k].shape[0] = 0;
  }
  // One run over inputs of the program's shapes gives whole outputs, what
  // ever their leading dimensions; batches are stitched along the leading
  // dimension, which every output must then have the batch's size in (or
  // 1: one row per run).
  bool batched = total != runRows;
  if (batched)
    for (size_t k = 0; k < program.outputs.size(); ++k)
      if (rowsOf(program.outputs[k]) != runRows &&
          rowsOf(program.outputs[k]) != 1)
        return failWith(error,
                        "output " + std::to_string(k) + " has shape " +
                            tensorio::shapeText(program.outputs[k].shape) +
                            ", whose leading dimension is not the batch of " +
                            std::to_string(runRows) +
                            ": it cannot be run in batches");
  for (int64_t first = 0; first < total; first += runRows) {
    std::vector<std::vector<uint8_t>> in, out;
    for (size_t k = 0; k < inputs.size(); ++k)
      in.push_back(toBytes(inputs[k], first, program.inputs[k]));
    if (!sim.run(in, out, error))
      return false;
    int64_t rows = std::min(runRows, total - first);
    for (size_t k = 0; k < outputs.size(); ++k) {
      int64_t outRows = batched ? std::min(rows, rowsOf(program.outputs[k]))
                                : rowsOf(program.outputs[k]);
      appendRows(outputs[k], out[k], program.outputs[k], outRows);
      if (!outputs[k].shape.empty())
        outputs[k].shape[0] += outRows;
    }
  }

  return true;
}
