#!/usr/bin/python3
"""Runs ONNX's backend node tests (Debian's libonnx-testdata) through Kite.

For every test case under the data directory: import the model with
kite-translate --import-onnx, run it with kite-run on the case's input_*.pb
and compare every output with output_*.pb (--expect, rtol 1e-3, atol 1e-5).

A case counts when every node of its model is an op Kite supports (read
with python3-onnx). Among those, cases with non-float32 inputs or outputs or
an opset outside 11-17 are excluded by rule, and cases listed in the
exclusion file (name, tab, reason) are excluded by name; both are printed
with their reason. Everything else must pass: the script prints each
failure and ends with `N passed, N failed, N skipped`, exiting non-zero if
anything failed.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile

import onnx

SUPPORTED = """Abs AveragePool BatchNormalization Cast Concat Constant Conv Div Erf
Exp Flatten Gather Gemm GlobalAveragePool Identity LayerNormalization Log
LogSoftmax MatMul MaxPool Mul Neg Pad Pow Reciprocal ReduceMax ReduceMean
ReduceSum Relu Reshape Shape Sigmoid Slice Softmax Split Sqrt Squeeze Sub
Tanh Transpose Unsqueeze Add""".split()


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", default="/usr/share/libonnx-testdata/data/node")
    parser.add_argument("--bin", default=os.path.join(here, "..", "build", "bin"))
    parser.add_argument("--exclude", default=os.path.join(
        here, "..", "test", "OnnxConformance", "excluded.txt"))
    parser.add_argument("--filter", default="", help="only tests matching this regex")
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
    passed, failed, skipped, excl = 0, [], 0, []
    with tempfile.TemporaryDirectory() as tmp:
        for name in sorted(os.listdir(args.data)):
            case = os.path.join(args.data, name)
            if args.filter and not re.search(args.filter, name):
                continue
            if not os.path.isfile(os.path.join(case, "model.onnx")):
                continue
            model = onnx.load(os.path.join(case, "model.onnx"))
            ops = {n.op_type for n in model.graph.node}
            if not ops <= set(SUPPORTED):
                skipped += 1
                continue
            opset = max((o.version for o in model.opset_import
                         if o.domain in ("", "ai.onnx")), default=0)
            types = {v.type.tensor_type.elem_type
                     for v in list(model.graph.input) + list(model.graph.output)}
            if types - {onnx.TensorProto.FLOAT}:
                names = sorted(onnx.TensorProto.DataType.Name(t) for t in types)
                excl.append(f"{name}: tensors of type {', '.join(names)} "
                            "(Kite's frontend is float32)")
                continue
            if not 11 <= opset <= 17:
                excl.append(f"{name}: opset {opset} (supported: 11-17)")
                continue
            if name in excluded:
                excl.append(f"{name}: {excluded[name]}")
                continue
            mlir = os.path.join(tmp, name + ".mlir")
            imp = subprocess.run([translate, "--import-onnx",
                                  os.path.join(case, "model.onnx"), "-o", mlir],
                                 capture_output=True, text=True)
            if imp.returncode != 0:
                failed.append(f"{name}: import: {imp.stderr.strip().splitlines()[0]}")
                continue
            data = os.path.join(case, "test_data_set_0")
            inputs = sorted(f for f in os.listdir(data) if f.startswith("input_"))
            outputs = sorted(f for f in os.listdir(data) if f.startswith("output_"))
            cmd = [run, mlir]
            for f in inputs:
                cmd += ["-i", os.path.join(data, f)]
            for f in outputs:
                cmd += ["--expect", os.path.join(data, f)]
            res = subprocess.run(cmd, capture_output=True, text=True)
            if res.returncode == 0:
                passed += 1
            else:
                lines = (res.stderr + res.stdout).strip().splitlines()
                failed.append(f"{name}: run: {lines[-1] if lines else 'failed'}")
    for line in excl:
        print(f"excluded {line}")
    for line in failed:
        print(f"FAILED {line}")
    print(f"{passed} passed, {len(failed)} failed, {skipped + len(excl)} skipped")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
