//===- Npy.cpp - .npy / .npz tensor files ---------------------------------===//

#include "kite/TensorIO/Npy.h"

#include <cstdio>

#include <zip.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

using namespace kite::tensorio;

int64_t HostTensor::numElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

namespace {
struct DTypeInfo {
  DType dtype;
  const char *descr; // without the byte-order character
  size_t size;
};
const DTypeInfo kDTypes[] = {
    {DType::F32, "f4", 4}, {DType::F64, "f8", 8}, {DType::I8, "i1", 1},
    {DType::I16, "i2", 2}, {DType::I32, "i4", 4}, {DType::I64, "i8", 8},
    {DType::U8, "u1", 1},  {DType::U16, "u2", 2}, {DType::U32, "u4", 4},
    {DType::U64, "u8", 8}, {DType::Bool, "b1", 1}};

const DTypeInfo &infoOf(DType dtype) {
  for (const DTypeInfo &info : kDTypes)
    if (info.dtype == dtype)
      return info;
  return kDTypes[0];
}

bool fail(std::string *error, const std::string &message) {
  if (error)
    *error = message;
  return false;
}

/// The value of `key` in the header dict, e.g. 'descr': '<f4' -> <f4.
bool headerField(const std::string &header, const std::string &key,
                 std::string &value) {
  size_t k = header.find("'" + key + "'");
  if (k == std::string::npos)
    return false;
  size_t colon = header.find(':', k);
  if (colon == std::string::npos)
    return false;
  size_t start = header.find_first_not_of(" ", colon + 1);
  if (start == std::string::npos)
    return false;
  size_t end;
  if (header[start] == '\'') {
    end = header.find('\'', start + 1);
    if (end == std::string::npos)
      return false;
    value = header.substr(start + 1, end - start - 1);
  } else if (header[start] == '(') {
    end = header.find(')', start);
    if (end == std::string::npos)
      return false;
    value = header.substr(start + 1, end - start - 1);
  } else {
    end = header.find_first_of(",}", start);
    value = header.substr(start, end - start);
  }
  return true;
}
} // namespace

std::string kite::tensorio::descrOf(DType dtype) {
  const DTypeInfo &info = infoOf(dtype);
  return (info.size == 1 ? "|" : "<") + std::string(info.descr);
}

bool kite::tensorio::parseNpy(const std::string &bytes, HostTensor &out,
                              std::string *error) {
  if (bytes.size() < 10 || bytes.compare(0, 6, "\x93NUMPY") != 0)
    return fail(error, "not a .npy file (bad magic)");
  unsigned major = uint8_t(bytes[6]);
  size_t headerLen, offset;
  if (major == 1) {
    headerLen = uint8_t(bytes[8]) | (size_t(uint8_t(bytes[9])) << 8);
    offset = 10;
  } else if (major == 2 || major == 3) {
    if (bytes.size() < 12)
      return fail(error, "truncated .npy header");
    headerLen = 0;
    for (int i = 0; i < 4; ++i)
      headerLen |= size_t(uint8_t(bytes[8 + i])) << (8 * i);
    offset = 12;
  } else {
    return fail(error, "unsupported .npy version " + std::to_string(major));
  }
  if (bytes.size() < offset + headerLen)
    return fail(error, "truncated .npy header");
  std::string header = bytes.substr(offset, headerLen);
  std::string descr, order, shape;
  if (!headerField(header, "descr", descr) ||
      !headerField(header, "fortran_order", order) ||
      !headerField(header, "shape", shape))
    return fail(error, "malformed .npy header");
  if (order.find("True") != std::string::npos)
    return fail(error, "Fortran-order arrays are not supported");
  if (descr.size() < 3 || descr[0] == '>')
    return fail(error, "unsupported dtype '" + descr +
                           "' (little-endian numeric types only)");
  const DTypeInfo *info = nullptr;
  for (const DTypeInfo &candidate : kDTypes)
    if (descr.substr(1) == candidate.descr)
      info = &candidate;
  if (!info)
    return fail(error, "unsupported dtype '" + descr + "'");
  out = HostTensor();
  out.dtype = info->dtype;
  std::stringstream dims(shape);
  std::string dim;
  while (std::getline(dims, dim, ',')) {
    size_t first = dim.find_first_not_of(" ");
    if (first == std::string::npos)
      continue;
    char *end = nullptr;
    errno = 0;
    long long v = std::strtoll(dim.c_str() + first, &end, 10);
    if (v < 0 || errno || end == dim.c_str() + first ||
        dim.find_first_not_of(" ", size_t(end - dim.c_str())) !=
            std::string::npos)
      return fail(error, "malformed shape '(" + shape + ")'");
    out.shape.push_back(v);
  }
  // The byte count, checked: a shape's product may not wrap around.
  int64_t count = 1, dataBytes = 0;
  for (int64_t d : out.shape)
    if (__builtin_mul_overflow(count, d, &count) || count > kMaxElements)
      return fail(error, "shape '(" + shape + ")' has more than " +
                             std::to_string(kMaxElements) + " elements");
  dataBytes = count * int64_t(info->size);
  size_t data = offset + headerLen;
  if (bytes.size() - data < size_t(dataBytes))
    return fail(error, "truncated data: expected " + std::to_string(dataBytes) +
                           " bytes, found " +
                           std::to_string(bytes.size() - data));
  const char *p = bytes.data() + data;
  auto load = [&](auto tag, auto &dst) {
    using T = decltype(tag);
    dst.resize(size_t(count));
    for (int64_t i = 0; i < count; ++i) {
      T v;
      std::memcpy(&v, p + i * sizeof(T), sizeof(T));
      dst[size_t(i)] = v;
    }
  };
  switch (info->dtype) {
  case DType::F32:
    load(float(), out.floats);
    break;
  case DType::F64:
    load(double(), out.floats);
    break;
  case DType::I8:
    load(int8_t(), out.ints);
    break;
  case DType::I16:
    load(int16_t(), out.ints);
    break;
  case DType::I32:
    load(int32_t(), out.ints);
    break;
  case DType::I64:
    load(int64_t(), out.ints);
    break;
  case DType::U8:
  case DType::Bool:
    load(uint8_t(), out.ints);
    break;
  case DType::U16:
    load(uint16_t(), out.ints);
    break;
  case DType::U32:
    load(uint32_t(), out.ints);
    break;
  case DType::U64:
    load(uint64_t(), out.ints);
    break;
  }
  return true;
}

static bool readFile(const std::string &path, std::string &bytes,
                     std::string *error) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    return fail(error, path + ": is a directory");
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return fail(error, path + ": cannot open file");
  std::ostringstream ss;
  ss << in.rdbuf();
  bytes = ss.str();
  return true;
}

bool kite::tensorio::readNpy(const std::string &path, HostTensor &out,
                             std::string *error) {
  std::string bytes, message;
  if (!readFile(path, bytes, error))
    return false;
  if (!parseNpy(bytes, out, &message))
    return fail(error, path + ": " + message);
  return true;
}

bool kite::tensorio::writeNpy(const std::string &path, const HostTensor &tensor,
                              std::string *error) {
  const DTypeInfo &info = infoOf(tensor.dtype);
  std::string shape = "(";
  for (size_t i = 0; i < tensor.shape.size(); ++i)
    shape +=
        std::to_string(tensor.shape[i]) + (tensor.shape.size() == 1      ? ","
                                           : i + 1 < tensor.shape.size() ? ", "
                                                                         : "");
  shape += ")";
  std::string header = "{'descr': '" + descrOf(tensor.dtype) +
                       "', 'fortran_order': False, 'shape': " + shape + ", }";
  // Pad so the data starts on a 64-byte boundary; the header ends in \n.
  size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';
  std::string out = "\x93NUMPY";
  out += char(1);
  out += char(0);
  out += char(header.size() & 0xff);
  out += char(header.size() >> 8);
  out += header;
  int64_t count = tensor.numElements();
  auto store = [&](auto tag, const auto &src) {
    using T = decltype(tag);
    for (int64_t i = 0; i < count; ++i) {
      T v = T(src[size_t(i)]);
      out.append(reinterpret_cast<const char *>(&v), sizeof(T));
    }
  };
  const bool isFloat = tensor.isFloat();
  if ((isFloat ? tensor.floats.size() : tensor.ints.size()) != size_t(count))
    return fail(error, path + ": tensor data does not match its shape");
  switch (tensor.dtype) {
  case DType::F32:
    store(float(), tensor.floats);
    break;
  case DType::F64:
    store(double(), tensor.floats);
    break;
  case DType::I8:
    store(int8_t(), tensor.ints);
    break;
  case DType::I16:
    store(int16_t(), tensor.ints);
    break;
  case DType::I32:
    store(int32_t(), tensor.ints);
    break;
  case DType::I64:
    store(int64_t(), tensor.ints);
    break;
  case DType::U8:
  case DType::Bool:
    store(uint8_t(), tensor.ints);
    break;
  case DType::U16:
    store(uint16_t(), tensor.ints);
    break;
  case DType::U32:
    store(uint32_t(), tensor.ints);
    break;
  case DType::U64:
    store(uint64_t(), tensor.ints);
    break;
  }
  (void)info;
  std::ofstream file(path, std::ios::binary);
  if (!file || !file.write(out.data(), std::streamsize(out.size())))
    return fail(error, path + ": cannot write file");
  return true;
}

bool kite::tensorio::readNpz(
    const std::string &path,
    std::vector<std::pair<std::string, HostTensor>> &out, std::string *error) {
  int code = 0;
  zip_t *archive = zip_open(path.c_str(), ZIP_RDONLY, &code);
  if (!archive) {
    zip_error_t ze;
    zip_error_init_with_code(&ze, code);
    std::string message =
        path + ": cannot open .npz: " + zip_error_strerror(&ze);
    zip_error_fini(&ze);
    return fail(error, message);
  }
  out.clear();
  zip_int64_t entries = zip_get_num_entries(archive, 0);
  bool ok = true;
  for (zip_int64_t i = 0; i < entries && ok; ++i) {
    zip_stat_t st;
    if (zip_stat_index(archive, zip_uint64_t(i), 0, &st) != 0) {
      ok = fail(error, path + ": corrupt .npz entry " + std::to_string(i));
      break;
    }
    zip_file_t *file = zip_fopen_index(archive, zip_uint64_t(i), 0);
    std::string bytes(size_t(st.size), '\0');
    if (!file ||
        zip_fread(file, bytes.data(), st.size) != zip_int64_t(st.size)) {
      ok = fail(error, path + ": cannot read .npz entry '" + st.name + "'");
    } else {
      std::string name = st.name, message;
      if (name.size() > 4 && name.compare(name.size() - 4, 4, ".npy") == 0)
        name.resize(name.size() - 4);
      HostTensor tensor;
      if (!parseNpy(bytes, tensor, &message))
        ok = fail(error, path + ": entry '" + name + "': " + message);
      else
        out.emplace_back(name, std::move(tensor));
    }
    if (file)
      zip_fclose(file);
  }
  zip_discard(archive);
  return ok;
}

std::string kite::tensorio::shapeText(const std::vector<int64_t> &shape) {
  std::string s = "[";
  for (size_t k = 0; k < shape.size(); ++k)
    s += (k ? ", " : "") + std::to_string(shape[k]);
  return s + "]";
}

std::string kite::tensorio::top1Correct(const HostTensor &logits,
                                        const HostTensor &labels,
                                        int64_t &correct) {
  if (logits.shape.size() != 2 || labels.numElements() != logits.shape[0] ||
      labels.isFloat())
    return "--labels needs one integer label per row of a 2-D first "
           "result; got " +
           shapeText(labels.shape) + " labels for " + shapeText(logits.shape);
  int64_t classes = logits.shape[1];
  correct = 0;
  for (int64_t n = 0; n < logits.shape[0]; ++n) {
    auto at = [&](int64_t c) {
      size_t k = size_t(n * classes + c);
      return logits.isFloat() ? logits.floats[k] : double(logits.ints[k]);
    };
    int64_t best = 0;
    for (int64_t c = 1; c < classes; ++c)
      if (at(c) > at(best))
        best = c;
    correct += best == labels.ints[size_t(n)];
  }
  return "";
}

std::string kite::tensorio::top1Line(int64_t correct, int64_t total) {
  char line[96];
  std::snprintf(line, sizeof line, "top-1 accuracy: %.4f (%lld/%lld)",
                total ? double(correct) / double(total) : 0.0,
                (long long)correct, (long long)total);
  return line;
}

bool kite::tensorio::readArrays(const std::string &path,
                                std::vector<HostTensor> &out,
                                std::string *error) {
  if (path.size() > 4 && path.compare(path.size() - 4, 4, ".npz") == 0) {
    std::vector<std::pair<std::string, HostTensor>> arrays;
    if (!readNpz(path, arrays, error))
      return false;
    for (auto &named : arrays)
      out.push_back(std::move(named.second));
    return true;
  }
  HostTensor t;
  if (!readNpy(path, t, error))
    return false;
  out.push_back(std::move(t));
  return true;
}
