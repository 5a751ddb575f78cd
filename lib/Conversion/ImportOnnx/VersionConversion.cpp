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

#include <csignal>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <exception>
#include <set>

using namespace kite::onnximport;

/// What is wrong with the first value of graph `g` (or of a graph nested in
/// its attributes, which also sees the names `defined` around it) that is
/// not a tensor of an ONNX data type, or a graph output nothing defines; ""
/// if none. ONNX's checker lets both pass and its version converter then
/// crashes (a null write in onnx::graphProtoToGraph); Kite reads tensors
/// only.
static std::string badValue(const onnx::GraphProto &g,
                            std::set<std::string> defined = {}) {
  for (const auto *list : {&g.input(), &g.output(), &g.value_info()})
    for (const onnx::ValueInfoProto &v : *list) {
      if (!v.has_type())
        continue;
      if (!v.type().has_tensor_type())
        return "value '" + v.name() + "' is not a tensor";
      int type = v.type().tensor_type().elem_type();
      if (!onnx::TensorProto_DataType_IsValid(type))
        return "value '" + v.name() + "' has element type " +
               std::to_string(type) + ", which is no ONNX data type";
    }
  for (const onnx::ValueInfoProto &v : g.input())
    defined.insert(v.name());
  for (const onnx::TensorProto &t : g.initializer())
    defined.insert(t.name());
  for (const onnx::NodeProto &n : g.node())
    defined.insert(n.output().begin(), n.output().end());
  for (const onnx::ValueInfoProto &v : g.output())
    if (!defined.count(v.name()))
      return "graph output '" + v.name() +
             "' is no input, initializer or node output";
  for (const onnx::NodeProto &n : g.node())
    for (const onnx::AttributeProto &a : n.attribute()) {
      if (a.has_g())
        if (std::string bad = badValue(a.g(), defined); !bad.empty())
          return bad;
      for (const onnx::GraphProto &sub : a.graphs())
        if (std::string bad = badValue(sub, defined); !bad.empty())
          return bad;
    }
  return "";
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
  error = badValue(model.graph());
  return mlir::failure(!error.empty());
}

/// Writes all of `bytes` to `fd`.
static bool writeAll(int fd, const std::string &bytes) {
  for (size_t at = 0; at < bytes.size();) {
    ssize_t n = ::write(fd, bytes.data() + at, bytes.size() - at);
    if (n <= 0)
      return false;
    at += size_t(n);
  }
  return true;
}

mlir::LogicalResult kite::onnximport::convertToOpset11(onnx::ModelProto &model,
                                                       std::string &error) {
  // ONNX's shape inference and version converter crash, rather than throw,
  // on some graphs its checker passes (a ConvInteger whose weight has
  // another rank than its input). They run in a child process, so that a
  // crash there is an error here. The child answers "+" and the converted
  // model, or "-" and the exception's message.
  int fds[2];
  if (::pipe(fds) != 0) {
    error = "cannot start ONNX's version converter: pipe failed";
    return mlir::failure();
  }
  pid_t child = ::fork();
  if (child == 0) {
    ::close(fds[0]);
    // A crash here is reported by the parent: the child dies of it, with
    // no handler (a fuzzer's or a sanitizer's) reporting or recording it.
    for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT})
      ::signal(sig, SIG_DFL);
    int null = ::open("/dev/null", O_WRONLY);
    if (null >= 0)
      ::dup2(null, STDERR_FILENO);
    std::string answer;
    try {
      // Adapters need shapes where the graph has them.
      onnx::shape_inference::InferShapes(model);
      answer = "+" + onnx::version_conversion::ConvertVersion(model, 11)
                         .SerializeAsString();
    } catch (const std::exception &e) {
      answer = std::string("-") + e.what();
    }
    ::_exit(writeAll(fds[1], answer) ? 0 : 1);
  }
  ::close(fds[1]);
  if (child < 0) {
    ::close(fds[0]);
    error = "cannot start ONNX's version converter: fork failed";
    return mlir::failure();
  }
  std::string answer;
  char buffer[65536];
  for (ssize_t n; (n = ::read(fds[0], buffer, sizeof buffer)) > 0;)
    answer.append(buffer, size_t(n));
  ::close(fds[0]);
  int status = 0;
  ::waitpid(child, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || answer.empty()) {
    error = WIFSIGNALED(status)
                ? "ONNX's shape inference or version converter crashed on "
                  "this model (signal " +
                      std::to_string(WTERMSIG(status)) + ")"
                : "ONNX's shape inference or version converter failed on "
                  "this model";
    return mlir::failure();
  }
  if (answer[0] == '-') {
    error = answer.substr(1);
    return mlir::failure();
  }
  if (!model.ParseFromArray(answer.data() + 1, int(answer.size() - 1))) {
    error = "ONNX's version converter returned an unreadable model";
    return mlir::failure();
  }
  return mlir::success();
}
