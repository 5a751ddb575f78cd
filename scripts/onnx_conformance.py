#!/usr/bin/python3
"""Runs ONNX's backend node tests (Debian's libonnx-testdata) through Kite.

For every test case under the data directory: import the model with
kite-translate --import-onnx, run it with kite-run on the case's input_*.pb
and compare every output with output_*.pb (--expect, rtol 1e-3, atol 1e-5).

A case is in scope when every node of its model (subgraphs included) is an
op the importer takes -- the list is the importer's own table, read from
`kite-translate --list-onnx-ops` -- its opset is 7-17, its inputs and
outputs are float32, int32, int64 or bool tensors of non-zero size, and it is
not listed in the exclusion file (name, tab, reason). Shape-deciding arguments that a
case passes as graph inputs are bound at import (--bind-input). The script
prints every exclusion with its reason and every failure, then one line:

    N passed, N failed, N out of scope (in scope: N of N cases, P% passed)

and exits non-zero when a case failed and --allow-failures is not given,
or when fewer than --min-passed cases passed or the pass rate is below
--min-rate.
"""

import argparse
import concurrent.futures
import os
import re
import subprocess
import sys
import tempfile

import onnx

TYPES = {onnx.TensorProto.FLOAT, onnx.TensorProto.INT64,
         onnx.TensorProto.INT32, onnx.TensorProto.BOOL}


def ops_of(graph):
    """Every op type of a graph and its subgraphs."""
    ops = set()
    for node in graph.node:
        ops.add(node.op_type)
        for a in node.attribute:
            if a.type == onnx.AttributeProto.GRAPH:
                ops |= ops_of(a.g)
    return ops


def domains_of(graph):
    doms = set()
    for node in graph.node:
        doms.add(node.domain)
        for a in node.attribute:
            if a.type == onnx.AttributeProto.GRAPH:
                doms |= domains_of(a.g)
    return doms


def classify(case, supported, excluded):
    """None when the case is in scope, else the reason it is not."""
    name = os.path.basename(case)
    model = onnx.load(os.path.join(case, "model.onnx"))
    missing = sorted(ops_of(model.graph) - supported)
    if missing:
        return f"op {', '.join(missing)} not supported"
    if domains_of(model.graph) - {"", "ai.onnx"}:
        return "ops of another domain"
    opset = max((o.version for o in model.opset_import
                 if o.domain in ("", "ai.onnx")), default=0)
    if not 7 <= opset <= 17:
        return f"opset {opset} (supported: 7-17)"
    types = {v.type.tensor_type.elem_type
             for v in list(model.graph.input) + list(model.graph.output)}
    if types - TYPES or any(not v.type.HasField("tensor_type") for v in
                            list(model.graph.input) + list(model.graph.output)):
        names = sorted(onnx.TensorProto.DataType.Name(t) for t in types - TYPES)
        return f"tensors of type {', '.join(names) or 'sequence/optional'}"
    data = os.path.join(case, "test_data_set_0")
    for f in sorted(os.listdir(data)):
        if f.endswith(".pb") and 0 in onnx.load_tensor(os.path.join(data, f)).dims:
            return "empty tensors (a dimension of size 0; TOSA has none)"
    if name in excluded:
        return excluded[name]
    return None


def run_case(case, translate, run, tmp):
    """(failure or None, number of inputs bound as constants)."""
    name = os.path.basename(case)
    mlir = os.path.join(tmp, name + ".mlir")
    model = onnx.load(os.path.join(case, "model.onnx"))
    inits = {t.name for t in model.graph.initializer}
    names = [v.name for v in model.graph.input if v.name not in inits]
    data = os.path.join(case, "test_data_set_0")
    inputs = sorted(f for f in os.listdir(data) if f.startswith("input_"))
    outputs = sorted(f for f in os.listdir(data) if f.startswith("output_"))
    # Kite compiles static shapes: when the model takes a shape-deciding
    # argument (a shape, axes, scales, ...) as an input, that input is bound
    # to the case's data at import (--bind-input), first all inputs but the
    # first, then all of them.
    for bound in (0, len(inputs) - 1, len(inputs)):
        cmd = [translate, "--import-onnx", os.path.join(case, "model.onnx"),
               "-o", mlir]
        first = len(inputs) - bound
        for k in range(first, len(inputs)):
            cmd.append(f"--bind-input={names[k]}={os.path.join(data, inputs[k])}")
        imp = subprocess.run(cmd, capture_output=True, text=True)
        if imp.returncode == 0 or "--bind-input" not in imp.stderr:
            break
    if imp.returncode != 0:
        lines = imp.stderr.strip().splitlines()
        return f"{name}: import: {lines[0] if lines else 'failed'}", bound
    cmd = [run, mlir]
    for f in inputs[:len(inputs) - bound]:
        cmd += ["-i", os.path.join(data, f)]
    for f in outputs:
        cmd += ["--expect", os.path.join(data, f)]
    res = subprocess.run(cmd, capture_output=True, text=True)
    if res.returncode == 0:
        return None, bound
    lines = (res.stderr + res.stdout).strip().splitlines()
    return f"{name}: run: {lines[-1] if lines else 'failed'}", bound


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", default="/usr/share/libonnx-testdata/data/node")
    parser.add_argument("--bin", default=os.path.join(here, "..", "build", "bin"))
    parser.add_argument("--exclude", default=os.path.join(
        here, "..", "test", "OnnxConformance", "excluded.txt"))
    parser.add_argument("--filter", default="", help="only tests matching this regex")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--min-passed", type=int, default=0)
    parser.add_argument("--min-rate", type=float, default=0.0)
    parser.add_argument("--allow-failures", action="store_true",
                        help="do not fail on failed cases (the bounds still apply)")
    parser.add_argument("--show-out-of-scope", action="store_true")
    args = parser.parse_args()

    excluded = {}
    with open(args.exclude) as f:
        for line in f:
            line = line.rstrip("\n")
            if line and not line.startswith("#"):
                name, _, reason = line.partition("\t")
                excluded[name] = reason
    translate = os.path.join(args.bin, "kite-translate")
    run = os.path.join(args.bin, "kite-run")
    supported = set(subprocess.run([translate, "--list-onnx-ops"], check=True,
                                   capture_output=True, text=True).stdout.split())

    cases, out_of_scope = [], []
    for name in sorted(os.listdir(args.data)):
        case = os.path.join(args.data, name)
        if args.filter and not re.search(args.filter, name):
            continue
        if not os.path.isfile(os.path.join(case, "model.onnx")):
            continue
        reason = classify(case, supported, excluded)
        if reason is None:
            cases.append(case)
        else:
            out_of_scope.append((name, reason))

    with tempfile.TemporaryDirectory() as tmp:
        with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
            results = list(pool.map(lambda c: run_case(c, translate, run, tmp),
                                    cases))
    failed = [r for r, _ in results if r]
    passed = len(cases) - len(failed)
    bound = sum(1 for r, b in results if not r and b)
    for name, reason in out_of_scope:
        if args.show_out_of_scope or name in excluded:
            print(f"out of scope {name}: {reason}")
    for line in failed:
        print(f"FAILED {line}")
    rate = passed / len(cases) if cases else 0.0
    print(f"{bound} of the passed cases take shape arguments as inputs, "
          "bound at import with --bind-input")
    print(f"{passed} passed, {len(failed)} failed, {len(out_of_scope)} out of "
          f"scope (in scope: {len(cases)} of {len(cases) + len(out_of_scope)} "
          f"cases, {100 * rate:.1f}% passed)")
    if failed and not args.allow_failures:
        return 1
    if passed < args.min_passed or rate < args.min_rate:
        print(f"below the bounds: --min-passed {args.min_passed}, "
              f"--min-rate {args.min_rate}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
