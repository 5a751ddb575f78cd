//===- Batched.cpp - run a function on host tensors in batches ------------===//

#include "kite/Interpreter/Interpreter.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/ThreadPool.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>

using namespace mlir;
using namespace kite;
using namespace kite::interp;
using tensorio::HostTensor;

LogicalResult kite::interp::runBatched(Interpreter &interpreter,
                                       func::FuncOp func,
                                       ArrayRef<HostTensor> inputs, bool batch,
                                       BatchedRun &run, std::string &error,
                                       unsigned threads, bool warmUp) {
  auto argTypes = func.getFunctionType().getInputs();
  if (inputs.size() != argTypes.size()) {
    error = "@" + func.getName().str() + " takes " +
            std::to_string(argTypes.size()) + " input(s), got " +
            std::to_string(inputs.size());
    return failure();
  }
  // The number of samples and the batch size.
  int64_t samples = -1, batchSize = -1;
  for (auto [k, pair] : llvm::enumerate(llvm::zip(inputs, argTypes))) {
    auto &[t, type] = pair;
    auto tt = dyn_cast<RankedTensorType>(type);
    if (!tt || !tt.hasStaticShape()) {
      error = "argument #" + std::to_string(k) + " is not a static tensor";
      return failure();
    }
    ArrayRef<int64_t> want = tt.getShape(), got = t.shape;
    if (want == got) {
      samples = want.empty() ? 1 : want[0];
      batchSize = samples;
      continue;
    }
    bool batchable = !want.empty() && want.size() == got.size() &&
                     want.drop_front() == got.drop_front();
    if (!batchable || !batch) {
      error = "input #" + std::to_string(k) + " has shape " +
              tensorio::shapeText(got.vec()) + " but @" + func.getName().str() +
              " expects " + tensorio::shapeText(want.vec()) +
              (batchable ? " (use --batch to run it in batches)" : "");
      return failure();
    }
    if (samples >= 0 && samples != got[0]) {
      error = "inputs disagree on the number of samples";
      return failure();
    }
    samples = got[0];
    batchSize = want[0];
    if (batchSize < 1) {
      error = "@" + func.getName().str() + " takes a batch of 0 samples";
      return failure();
    }
  }
  if (argTypes.empty())
    samples = batchSize = 1; // a function without inputs runs once

  // Batches are independent: with threads, each runs on a pool thread
  // (kernels run single-threaded, so results do not depend on the count).
  int64_t numChunks = batchSize > 0 ? (samples + batchSize - 1) / batchSize : 0;
  std::vector<std::vector<Tensor>> chunks(static_cast<size_t>(numChunks));
  std::vector<char> failedChunk(static_cast<size_t>(numChunks), 0);
  auto runChunk = [&](int64_t c, std::vector<Tensor> &into, char &failed) {
    int64_t begin = c * batchSize, count = std::min(batchSize, samples - begin);
    std::vector<Tensor> args;
    for (auto [t, type] : llvm::zip(inputs, argTypes)) {
      auto tt = cast<RankedTensorType>(type);
      bool whole = ArrayRef<int64_t>(t.shape) == tt.getShape();
      args.push_back(
          whole ? tensorFromHost(t, 0, t.shape.empty() ? 1 : t.shape[0], tt)
                : tensorFromHost(t, begin, count, tt));
    }
    FailureOr<std::vector<Tensor>> results = interpreter.run(func, args);
    if (mlir::failed(results))
      failed = 1; // diagnostics on the IR
    else
      into = std::move(*results);
  };
  unsigned workers =
      threads > 1 && numChunks > 1
          ? unsigned(std::min<int64_t>(int64_t(threads), numChunks))
          : 1;
  std::optional<llvm::StdThreadPool> pool;
  if (workers > 1)
    pool.emplace(llvm::hardware_concurrency(workers));
  if (warmUp && numChunks > 0) {
    // Every thread that runs batches runs the first one untimed: kernels
    // prepare on first use, and a new thread's first allocations fault
    // their pages in. The barrier puts each warm-up on its own thread.
    std::vector<std::vector<Tensor>> scratch(workers);
    std::vector<char> warmFailed(workers, 0);
    std::mutex mutex;
    std::condition_variable allThere;
    unsigned arrived = 0;
    auto warm = [&](unsigned w) {
      if (pool) {
        std::unique_lock<std::mutex> lock(mutex);
        ++arrived;
        allThere.notify_all();
        allThere.wait(lock, [&] { return arrived == workers; });
      }
      runChunk(0, scratch[w], warmFailed[w]);
    };
    if (pool) {
      for (unsigned w = 0; w < workers; ++w)
        pool->async([&, w] { warm(w); });
      pool->wait();
    } else {
      warm(0);
    }
    if (llvm::is_contained(warmFailed, 1))
      return failure();
  }
  auto start = std::chrono::steady_clock::now();
  if (pool) {
    for (int64_t c = 0; c < numChunks; ++c)
      pool->async([&, c] { runChunk(c, chunks[c], failedChunk[c]); });
    pool->wait();
  } else {
    for (int64_t c = 0; c < numChunks; ++c) {
      runChunk(c, chunks[c], failedChunk[c]);
      if (failedChunk[size_t(c)])
        break;
    }
  }
  run.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  if (llvm::is_contained(failedChunk, 1))
    return failure();
  if (chunks.empty()) {
    error = "no samples to run";
    return failure();
  }

  // Stitch batches together, dropping the padding. In batches, every
  // result's leading dimension must be the batch (or 1: one row per run).
  size_t numResults = chunks[0].size();
  bool stitched = chunks.size() > 1 || samples != batchSize;
  for (size_t r = 0; stitched && r < numResults; ++r) {
    const Tensor &first = chunks[0][r];
    int64_t lead = first.shape.empty() ? 1 : first.shape[0];
    if (lead != batchSize && lead != 1) {
      error = "result #" + std::to_string(r) + " has shape " +
              tensorio::shapeText(std::vector<int64_t>(first.shape.begin(),
                                                       first.shape.end())) +
              ", whose leading dimension is not the batch of " +
              std::to_string(batchSize) + ": it cannot be run in batches";
      return failure();
    }
  }
  run.outputs.assign(numResults, HostTensor());
  for (size_t r = 0; r < numResults; ++r) {
    HostTensor &o = run.outputs[r];
    const Tensor &first = chunks[0][r];
    o.dtype = first.isFloat ? tensorio::DType::F32 : tensorio::DType::I64;
    o.shape.assign(first.shape.begin(), first.shape.end());
    int64_t lead = first.shape.empty() ? 1 : first.shape[0];
    if (stitched && !o.shape.empty())
      o.shape[0] = lead == batchSize ? samples : int64_t(chunks.size());
    int64_t row = first.shape.empty()
                      ? 1
                      : first.size() / std::max<int64_t>(first.shape[0], 1);
    for (size_t c = 0; c < chunks.size(); ++c) {
      const Tensor &t = chunks[c][r];
      int64_t rows = !stitched ? lead
                     : lead == batchSize
                         ? std::min(batchSize, samples - int64_t(c) * batchSize)
                         : 1;
      for (int64_t k = 0; k < rows * row; ++k) {
        if (t.isFloat)
          o.floats.push_back(t.f[k]);
        else
          o.ints.push_back(t.i[k]);
      }
    }
  }
  run.samples = samples;
  run.batchSize = batchSize;
  run.batches = int64_t(chunks.size());
  return success();
}
