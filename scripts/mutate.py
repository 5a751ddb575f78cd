#!/usr/bin/env python3
"""A mutation campaign on the inputs libFuzzer does not cover yet: ONNX
models (kite-translate --import-onnx), MLIR (kite-opt ... --kite-lower),
target JSON (kite-set-target file=) and .npy tensors (kite-run). Each
mutant runs under a 10 s timeout; an exit status other than 0 or 1 (a
crash, an abort, a hang) is kept in build/mutate/<format>/ and printed.

    scripts/mutate.py onnx|mlir|json|npy [seconds] [seed]

Run after scripts/test (it uses build/bin). Exit status 1 if anything was
kept."""
import glob
import os
import random
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
B = os.path.join(ROOT, "build", "bin")
D = os.path.join(ROOT, "examples", "models", "digits")
TINY = os.path.join(ROOT, "test", "tools", "kite-sim", "Inputs", "tiny.mlir")
TOKENS = [b"0", b"-1", b"999999999999", b"-9223372036854775808", b"1e308",
          b"nan", b"inf", b"[", b"{", b"}", b"]", b",", b"x", b"0x0",
          b"tensor<0x4xf32>", b"i64", b"index", b"True", b"(", b")"]


def read(paths):
    return [open(p, "rb").read() for p in paths]


def setup(kind, out):
    """Seeds and the command that runs one mutant."""
    if kind == "onnx":
        # The digits models, the malformed-model tests, a sample of ONNX's
        # node tests (Debian's libonnx-testdata) and, once fetched, the
        # zoo's real models: seeds the reliability campaign did not use.
        nodes = sorted(glob.glob("/usr/share/libonnx-testdata/data/node/*/model.onnx"))
        zoo = os.environ.get("KITE_ZOO", os.path.join(ROOT, "build", "zoo"))
        seeds = read([D + "/mlp.onnx", D + "/cnn.onnx"] + sorted(glob.glob(
            ROOT + "/test/Conversion/ImportOnnx/Inputs/malformed/*.onnx")) +
            random.sample(nodes, min(len(nodes), 300)) +
            [p for p in sorted(glob.glob(zoo + "/*.onnx"))
             if os.path.getsize(p) < 4 << 20])
        return seeds, lambda p: [B + "/kite-translate", "--import-onnx", p,
                                 "-o", "/dev/null"]
    if kind == "mlir":
        seeds = read(sorted(p for p in glob.glob(ROOT + "/test/**/*.mlir",
                                                 recursive=True)
                            if os.path.getsize(p) < 256 << 10))
        return seeds, lambda p: [B + "/kite-opt", p, "--split-input-file",
                                 "--kite-set-target", "--kite-lower", "-o",
                                 "/dev/null"]
    if kind == "json":
        seeds = read(sorted(glob.glob(ROOT + "/examples/targets/*.json") +
                            glob.glob(ROOT + "/test/Target/Inputs/*.json")))
        return seeds, lambda p: [B + "/kite-opt", TINY,
                                 "--kite-set-target=file=" + p,
                                 "--convert-kite-to-kite-isa", "-o", "/dev/null"]
    if kind == "npy":
        model = os.path.join(out, "mlp1.mlir")
        subprocess.run([B + "/kite-translate", "--import-onnx", D + "/mlp.onnx",
                        "--batch-size=1", "-o", model], check=True)
        seeds = read(sorted(glob.glob(ROOT + "/test/Reliability/Inputs/*.npy")))
        seeds.append(open(D + "/calib_x_flat.npy", "rb").read()[:128 + 64 * 12])
        return seeds, lambda p: [B + "/kite-run", model, "-i", p, "--batch"]
    sys.exit("scripts/mutate.py: format must be onnx, mlir, json or npy")


def mutate(data):
    d = bytearray(data)
    for _ in range(random.randint(1, 6)):
        if not d:
            break
        i, r = random.randrange(len(d)), random.random()
        if r < 0.3:
            d[i] ^= 1 << random.randrange(8)
        elif r < 0.45:
            d[i] = random.randrange(256)
        elif r < 0.6:
            del d[i:i + random.randint(1, 16)]
        elif r < 0.8:
            d[i:i] = random.choice(TOKENS)
        else:
            j = random.randrange(len(d))
            d[i:i] = d[j:j + random.randint(1, 64)]
    return bytes(d)


def main():
    kind = sys.argv[1] if len(sys.argv) > 1 else ""
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 120
    random.seed(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
    out = os.path.join(ROOT, "build", "mutate", kind)
    os.makedirs(out, exist_ok=True)
    seeds, command = setup(kind, out)
    end, runs, kept = time.time() + seconds, 0, 0
    current = os.path.join(out, "current." + kind)
    while time.time() < end:
        data = mutate(random.choice(seeds))
        with open(current, "wb") as f:
            f.write(data)
        r = subprocess.run(["timeout", "-k", "2", "10"] + command(current),
                           capture_output=True)
        runs += 1
        if r.returncode not in (0, 1):
            kept += 1
            path = os.path.join(out, f"kept{kept}-status{r.returncode}.{kind}")
            with open(path, "wb") as f:
                f.write(data)
            first = (r.stderr.decode(errors="replace").splitlines() or [""])[0]
            print(f"{path}: status {r.returncode}: {first[:160]}", flush=True)
    print(f"{kind}: {runs} mutants, {kept} crashed or hung")
    return 1 if kept else 0


if __name__ == "__main__":
    sys.exit(main())
