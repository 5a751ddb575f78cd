//===- AppMulEvaluator.cpp - score multiplier assignments -----------------===//

#include "AppMulEvaluator.h"

#include "AppMulEstimates.h"

#include "kite/Interpreter/BlockRun.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

using namespace mlir;
using namespace kite;
using namespace kite::appmul;

std::string LossAndAccuracy::add(const interp::Tensor &logits,
                                 const Reference &y,
                                 const CalibrationBatch &b) {
  int64_t n = logits.shape[0], width = logits.size() / std::max<int64_t>(n, 1);
  if (std::string wrong = y.check(b.first, b.fresh, width); !wrong.empty())
    return wrong;
  for (int64_t r = 0; r < b.fresh; ++r) {
    auto [l, c] = y.score(logits, r, width, b.sample(r));
    loss += l;
    correct += c;
    rows += 1;
  }
  return "";
}

Evaluator::Evaluator(ModuleOp module, const Reference &y, StringRef pass,
                     const CalibrationData &calibration, StringRef entry,
                     int64_t samples, std::vector<Operation *> ops,
                     std::vector<std::vector<std::string>> names,
                     size_t cacheBytes)
    : module(module), y(y), pass(pass.str()), calibration(calibration),
      entry(entry.str()), samples(samples), ops(std::move(ops)),
      names(std::move(names)), cache(cacheBytes) {}

std::optional<Score> Evaluator::known(const std::vector<size_t> &choice) const {
  auto it = scores.find(choice);
  if (it == scores.end())
    return std::nullopt;
  return it->second;
}

void Evaluator::apply(const std::vector<size_t> &choice) {
  for (size_t l = 0; l < ops.size(); ++l)
    setMultiplier(
        ops[l], MultiplierAttr::get(module.getContext(), names[l][choice[l]]));
}

FailureOr<Score>
Evaluator::score(const std::vector<size_t> &choice,
                 llvm::function_ref<bool(const Score &)> hopeless) {
  if (std::optional<Score> s = known(choice))
    return *s;
  apply(choice);
  auto func = module.lookupSymbol<func::FuncOp>(entry);
  // Layer l's cut is its op: what runs before it depends on the layers
  // before it only (ops are in program order). With a layer outside the
  // entry block every batch runs whole.
  std::optional<interp::BlockRun> run;
  std::vector<size_t> cuts;
  if (func && func.getBody().hasOneBlock() && cache.enabled()) {
    run.emplace(func.getBody().front());
    for (Operation *op : ops) {
      if (op->getBlock() != &run->body()) {
        cuts.clear();
        break;
      }
      cuts.push_back(run->position(op));
    }
  }
  auto keyOf = [&](size_t batch, size_t cut) {
    PrefixCache::Key key{uint32_t(batch)};
    key.insert(key.end(), choice.begin(), choice.begin() + cut);
    return key;
  };
  interp::Interpreter interpreter;
  LossAndAccuracy total;
  size_t batch = 0;
  std::optional<Score> stoppedAt;
  auto runBatch = [&](func::FuncOp f, std::vector<interp::Tensor> &args,
                      const CalibrationBatch &b) -> LogicalResult {
    FailureOr<std::vector<interp::Tensor>> out;
    if (cuts.empty()) {
      out = interpreter.run(f, args);
    } else {
      interp::BlockRun::Values values;
      size_t start;
      size_t firstNew = cache.resume(
          *run, cuts, [&](size_t k) { return keyOf(batch, k); }, args, values,
          start);
      out = run->run(interpreter, start, values, cuts,
                     [&](size_t k, interp::BlockRun::Values &live) {
                       if (k >= firstNew)
                         cache.insert(keyOf(batch, k),
                                      PrefixCache::snapshot(*run, live, {}));
                     });
    }
    ++batch;
    if (failed(out))
      return failure();
    if (std::string wrong = total.add((*out)[0], y, b); !wrong.empty())
      return module.emitError() << pass << ": " << wrong;
    double all = double(b.total), left = all - total.rows;
    if (hopeless && left > 0) {
      Score best{total.loss / all, (total.correct + left) / all,
                 int64_t(total.rows), false};
      if (hopeless(best)) {
        stoppedAt = best;
        return failure(); // not an error: see below
      }
    }
    return success();
  };
  LogicalResult ran = forEachCalibrationBatch(module, pass, calibration, entry,
                                              runBatch, samples);
  ++runCount;
  if (stoppedAt)
    return *stoppedAt;
  if (failed(ran))
    return failure();
  auto [loss, accuracy] = total.mean();
  return scores[choice] = Score{loss, accuracy, int64_t(total.rows)};
}
