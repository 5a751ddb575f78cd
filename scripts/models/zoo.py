#!/usr/bin/python3
"""Runs the real-model zoo through Kite and onnxruntime on real inputs.

    zoo.py models [NAME ...]   each model on identical real inputs: Kite
                               (kite-translate + kite-run) against
                               onnxruntime, max |kite - ort| <= 1e-4 max |ort|
    zoo.py compile [NAME ...]  each model compiled by kitec (INT8) for kite-v1:
                               kite-sim's outputs on the real inputs equal
                               kite-run's on the compiled IR byte for byte,
                               and agree with the float model (per model:
                               detections and |score| within 0.05, argmax,
                               cosine similarity or map IoU)
    zoo.py chain               the openWakeWord chain (16 kHz audio ->
                               melspectrogram -> embedding windows -> wake-word
                               heads) run end to end by each runtime; the
                               heads' scores agree within 1e-4
    zoo.py chain --compiled    the chain of INT8 binaries in kite-sim against
                               float Kite: same detections, scores within 0.05
    zoo.py inputs DIR NAME ... the calibration and evaluation inputs that
                               compile uses, as DIR/NAME-calib.npy and
                               DIR/NAME-eval.npy (for kitec by hand)

The models come from scripts/models/fetch-zoo ($KITE_ZOO or build/zoo),
the inputs from examples/models/zoo (make_zoo_inputs.py). The glue between
the openWakeWord models is openWakeWord's own: mel features / 10 + 2,
windows of 76 frames every 8 frames, heads over the last 16-34 embeddings.
Prints one line per model (or head) and exits non-zero when a bound is
missed.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
INPUTS = os.path.join(ROOT, "examples", "models", "zoo")
BOUND = 1e-4

# openWakeWord: mel frames per embedding window, the hop between windows,
# and the embeddings each head reads.
MEL_WINDOW, MEL_HOP = 76, 8
HEADS = {"alexa_v0.1": 16, "hey_mycroft_v0.1": 16, "hey_jarvis_v0.1": 16,
         "weather_v0.1": 22, "timer_v0.1": 34}
# Activation ranges of the compiled models: the 99.99th percentile of |x|.
# kitec's default (mse, least error per tensor) clips the heavy tails these
# networks need: PP-OCR det map IoU 0.896 (percentile 0.945), embedding
# cosine 0.987 (0.994); docs/simulator.md has the table.
CALIBRATION_METHOD = "percentile"
# PaddleOCR's normalization of det and of rec/cls inputs (BGR, HWC -> CHW).
DET_MEAN, DET_STD = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]


def with_logits(path, out):
    """A copy of the model that also outputs the input of its last
    Sigmoid/Softmax (the logits), so both runtimes can be compared before
    it; returns False when the model ends otherwise."""
    import onnx
    model = onnx.load(path)
    last = model.graph.node[-1]
    if last.op_type not in ("Sigmoid", "Softmax"):
        return False
    # Sigmoid and Softmax keep their input's type and shape (ONNX's checker
    # wants a graph output's shape).
    logits = onnx.ValueInfoProto()
    for o in model.graph.output:
        if o.name == last.output[0]:
            logits.CopyFrom(o)
    logits.name = last.input[0]
    model.graph.output.append(logits)
    onnx.save(model, out)
    return True


class Runners:
    """Runs a zoo model with Kite or onnxruntime on numpy inputs."""

    def __init__(self, zoo, bindir, tmp):
        self.zoo, self.bin, self.tmp = zoo, bindir, tmp
        self.imported = {}
        self.compiled = {}  # name -> (quantized IR, kbin)
        self.count = 0

    def _files(self, arrays):
        paths = []
        for a in arrays:
            self.count += 1
            p = os.path.join(self.tmp, f"t{self.count}.npy")
            np.save(p, a)
            paths.append(p)
        return paths

    def _outputs(self, n):
        return [os.path.join(self.tmp, f"o{self.count}_{k}.npy") for k in range(n)]

    def path(self, name):
        """A zoo model, or a model of the scratch directory."""
        local = os.path.join(self.tmp, name + ".onnx")
        return local if os.path.exists(local) else os.path.join(self.zoo, name + ".onnx")

    def kite(self, name, inputs, import_args=(), batch=1, outputs=1):
        key = (name, tuple(import_args), batch)
        if key not in self.imported:
            mlir = os.path.join(self.tmp, f"{name}.{len(self.imported)}.mlir")
            subprocess.run([os.path.join(self.bin, "kite-translate"),
                            "--import-onnx", self.path(name),
                            f"--batch-size={batch}", *import_args, "-o", mlir],
                           check=True)
            self.imported[key] = mlir
        ins = self._files(inputs)
        outs = self._outputs(outputs)
        cmd = [os.path.join(self.bin, "kite-run"), self.imported[key], "--batch"]
        for p in ins:
            cmd += ["-i", p]
        for p in outs:
            cmd += ["-o", p]
        subprocess.run(cmd, check=True, stderr=subprocess.DEVNULL)
        return [np.load(p) for p in outs]

    def compile(self, name, calib, import_args=(), batch=1,
                method=CALIBRATION_METHOD):
        """Compiles a model with kitec (INT8, LUT units) for kite-v1 on the
        calibration inputs; returns None or the first error line."""
        q = os.path.join(self.tmp, name + ".q.mlir")
        kbin = os.path.join(self.tmp, name + ".kbin")
        c = self._files([calib.astype(np.float32)])[0]
        steps = [("does not compile",
                  [os.path.join(self.bin, "kitec"), self.path(name), "--calib",
                   c, f"--batch-size={batch}", *import_args,
                   f"--calibration-method={method}", "--emit=mlir", "-o", q]),
                 ("does not lower",
                  f"{self.bin}/kite-opt {q} --kite-lower | "
                  f"{self.bin}/kite-translate --emit-kbin -o {kbin}")]
        for what, cmd in steps:
            res = subprocess.run(cmd, shell=isinstance(cmd, str),
                                 capture_output=True, text=True)
            if what == "does not compile":
                with open(os.path.join(self.tmp, name + ".kitec.log"), "w") as f:
                    f.write(res.stderr)
            if res.returncode != 0:
                lines = [l for l in res.stderr.splitlines() if "error" in l]
                return f"{what}: {lines[0] if lines else 'failed'}"
        self.compiled[name] = (q, kbin)
        return None

    def sim(self, name, inputs, outputs=1, stats=None):
        """Runs a compiled model's binary in kite-sim; its statistics
        (--stats-json, docs/simulator.md) go to `stats` (a list) when
        given."""
        ins = self._files(inputs)
        outs = self._outputs(outputs)
        stats_path = os.path.join(self.tmp, name + ".stats.json")
        cmd = [os.path.join(self.bin, "kite-sim"), self.compiled[name][1],
               "--batch", "--quiet", "--stats-json", stats_path]
        for p in ins:
            cmd += ["-i", p]
        for p in outs:
            cmd += ["-o", p]
        subprocess.run(cmd, check=True)
        if stats is not None:
            with open(stats_path) as f:
                stats.append(json.load(f))
        return [np.load(p) for p in outs]

    def run_compiled(self, name, inputs, outputs=1):
        """kite-run on a compiled model's quantized IR."""
        ins = self._files(inputs)
        outs = self._outputs(outputs)
        cmd = [os.path.join(self.bin, "kite-run"), self.compiled[name][0],
               "--batch"]
        for p in ins:
            cmd += ["-i", p]
        for p in outs:
            cmd += ["-o", p]
        subprocess.run(cmd, check=True, capture_output=True)
        return [np.load(p) for p in outs]

    def ort(self, name, inputs, outputs=1):
        ins = self._files(inputs)
        outs = self._outputs(outputs)
        cmd = ["node", os.path.join(HERE, "ort-run.mjs"), self.path(name),
               "--batch"]
        for p in ins:
            cmd += ["-i", p]
        for p in outs:
            cmd += ["-o", p]
        env = dict(os.environ, KITE_ORT_DIR=os.path.join(self.zoo, "ort"))
        subprocess.run(cmd, check=True, env=env)
        return [np.load(p) for p in outs]


# The openWakeWord chain ----------------------------------------------------

def speech():
    data = np.load(os.path.join(INPUTS, "speech.npz"))
    # openWakeWord feeds int16 sample values as floats.
    return data["audio"].astype(np.float32), [str(t) for t in data["text"]]


def mel_windows(mel):
    """Embedding-model inputs of each clip: [windows, 76, 32, 1]."""
    feats = mel[:, 0] / 10.0 + 2.0  # [clips, frames, 32]
    frames = feats.shape[1]
    starts = range(0, frames - MEL_WINDOW + 1, MEL_HOP)
    return [np.stack([f[s:s + MEL_WINDOW] for s in starts])[..., None]
            .astype(np.float32) for f in feats]


def head_windows(embeddings, n):
    """Head inputs of one clip's embeddings [windows, 96]: [w, n, 96]."""
    return np.stack([embeddings[s:s + n]
                     for s in range(0, len(embeddings) - n + 1)]).astype(np.float32)


def run_mel(run, audio, **kw):
    return run("melspectrogram", [audio], **kw)[0]


class Chain:
    """What one runtime computes along the openWakeWord chain."""

    def __init__(self, runners, which, audio):
        """`which`: kite (float, kite-run), ort, or sim (the binaries
        runners.compiled holds, in kite-sim)."""
        kite = which == "kite"
        clips, samples = audio.shape
        mel_args = dict(import_args=[f"--input-shape=input={clips}x{samples}"],
                        batch=clips) if kite else {}
        run = {"kite": runners.kite, "ort": runners.ort,
               "sim": runners.sim}[which]
        self.mel = run("melspectrogram", [audio], **mel_args)[0]
        windows = mel_windows(self.mel)
        self.windows = windows
        flat = np.concatenate(windows)
        emb_args = dict(batch=16) if kite else {}
        emb = run("embedding_model", [flat], **emb_args)[0].reshape(len(flat), 96)
        bounds = np.cumsum([0] + [len(w) for w in windows])
        self.embeddings = [emb[bounds[c]:bounds[c + 1]] for c in range(clips)]
        self.scores = {}
        for head, n in HEADS.items():
            per_clip = [head_windows(e, n) for e in self.embeddings]
            out = run(head, [np.concatenate(per_clip)])[0]
            out = out.reshape(len(out), -1)
            b = np.cumsum([0] + [len(p) for p in per_clip])
            self.scores[head] = [out[b[c]:b[c + 1]] for c in range(clips)]


def ratio(got, want):
    err = float(np.max(np.abs(got.astype(np.float64) - want)))
    ref = float(np.max(np.abs(want)))
    return err, ref, err / max(ref, 1e-30)


def report(name, what, got, want, slack=0.0):
    """Checks max |got - want| <= BOUND * max |want| (+ `slack`, the
    reference's own error where it is known)."""
    err, ref, r = ratio(got, want)
    ok = err <= BOUND * ref + slack
    extra = f" + onnxruntime's own sigmoid error {slack:.1e}" if slack else ""
    print(f"{name}: {what}, max |kite - ort| {err:.3e}, max |ort| {ref:.3e}, "
          f"ratio {r:.2e} (bound {BOUND:g}{extra}) {'ok' if ok else 'FAILED'}")
    return ok


def ocr_inputs():
    data = np.load(os.path.join(INPUTS, "ocr.npz"))
    det = (data["det"].astype(np.float32) / 255 - DET_MEAN) / DET_STD
    rec = (data["rec"].astype(np.float32) / 255 - 0.5) / 0.5
    cls = (data["cls"].astype(np.float32) / 255 - 0.5) / 0.5
    chw = lambda a: a.transpose(2, 0, 1)[None].astype(np.float32)
    return {"ppocr_det": chw(det), "ppocr_rec": chw(rec), "ppocr_cls": chw(cls)}


def models(runners, names):
    ok = True
    audio, _ = speech()
    wanted = set(names) if names else None
    pick = lambda n: wanted is None or n in wanted
    ort = None
    if any(pick(n) for n in ["melspectrogram", "embedding_model", *HEADS]):
        # Every openWakeWord model gets the real input onnxruntime's chain
        # gives it, so both runtimes read identical data.
        ort = Chain(runners, "ort", audio)
    if pick("melspectrogram"):
        clips, samples = audio.shape
        got = runners.kite("melspectrogram", [audio],
                           import_args=[f"--input-shape=input={clips}x{samples}"],
                           batch=clips)[0]
        ok &= report("melspectrogram", f"{clips} clips of {samples} samples",
                     got, ort.mel)
    if pick("embedding_model"):
        flat = np.concatenate(ort.windows)
        got = runners.kite("embedding_model", [flat], batch=16)[0]
        want_emb = np.concatenate(ort.embeddings)
        ok &= report("embedding_model", f"{len(flat)} windows",
                     got.reshape(len(flat), 96), want_emb)
    for head, n in HEADS.items():
        if not pick(head):
            continue
        inputs = np.concatenate([head_windows(e, n) for e in ort.embeddings])
        # Compared on the logits too: onnxruntime's sigmoid is an
        # approximation whose absolute error (near 1e-7) swamps scores in the
        # sigmoid's tail, so that error is added to the scores' bound.
        logits = head + ".logits"
        if not with_logits(runners.path(head),
                           os.path.join(runners.tmp, logits + ".onnx")):
            # hey_jarvis ends in an If (its verifier cascade).
            got = runners.kite(head, [inputs])[0]
            ok &= report(head, f"{len(inputs)} windows", got.reshape(len(got), -1),
                         np.concatenate(ort.scores[head]))
            continue
        got, got_l = runners.kite(logits, [inputs], outputs=2)
        want, want_l = runners.ort(logits, [inputs], outputs=2)
        got_l, want_l = got_l.reshape(len(got_l), -1), want_l.reshape(len(want_l), -1)
        got, want = got.reshape(len(got), -1), want.reshape(len(want), -1)
        ok &= report(head, f"{len(inputs)} windows, logits", got_l, want_l)
        exact = 1 / (1 + np.exp(-want_l.astype(np.float64))) \
            if want.shape[1] == 1 else None
        ort_err = float(np.max(np.abs(want - exact))) if exact is not None else 0.0
        ok &= report(head, f"{len(inputs)} windows, scores", got, want,
                     slack=ort_err)
    for name, x in ocr_inputs().items():
        if not pick(name):
            continue
        shape = "x".join(str(d) for d in x.shape)
        got = runners.kite(name, [x], import_args=[f"--input-shape=x={shape}"])[0]
        ref = runners.ort(name, [x])[0]
        ok &= report(name, f"input {shape}", got, ref)
    return ok


def score(out):
    """A head's wake-word score per window: its sigmoid output, or for the
    multi-class timer head the largest probability of a timer class (class 0
    is the background)."""
    return out[:, 0] if out.shape[1] == 1 else out[:, 1:].max(axis=1)


def chain(runners, compiled=False):
    """Float Kite against onnxruntime (bound 1e-4), or with `compiled` the
    INT8 binaries in kite-sim against float Kite (same detections, scores
    within 0.05)."""
    audio, texts = speech()
    ref = Chain(runners, "kite", audio)
    if compiled:
        for name, (calib, _, import_args, batch) in compile_inputs(runners).items():
            if name in ("melspectrogram", "embedding_model", *HEADS):
                error = runners.compile(name, calib, import_args, batch)
                if error:
                    print(f"{name}: {error}")
                    return False
        got, names, bound = Chain(runners, "sim", audio), ("sim", "float"), 0.05
    else:
        got, ref, names, bound = ref, Chain(runners, "ort", audio), ("kite", "ort"), BOUND
    ok = True
    worst = 0.0
    for head in HEADS:
        for c, text in enumerate(texts):
            k, o = got.scores[head][c], ref.scores[head][c]
            diff = float(np.max(np.abs(k - o)))
            worst = max(worst, diff)
            kmax, omax = float(score(k).max()), float(score(o).max())
            agree = (kmax >= 0.5) == (omax >= 0.5) and diff <= bound
            ok &= agree
            print(f"{head:17s} {text!r:48s} max score {names[0]} {kmax:.6f} "
                  f"{names[1]} {omax:.6f} max |diff| {diff:.1e} "
                  f"{'detected' if omax >= 0.5 else '-'} "
                  f"{'ok' if agree else 'FAILED'}")
    print(f"chain{' (compiled)' if compiled else ''}: {len(texts)} utterances, "
          f"{len(HEADS)} heads, max |score difference| {worst:.2e} "
          f"(bound {bound:g}) {'ok' if ok else 'FAILED'}")
    return ok


# Compiling for the accelerator -------------------------------------------

def fidelity(name, q, f):
    """How the compiled model's outputs q agree with the float model's f:
    (description, ok)."""
    q = q.astype(np.float64).reshape(len(q), -1)
    f = f.astype(np.float64).reshape(len(f), -1)
    if name in HEADS and f.shape[1] == 1:
        worst = float(np.max(np.abs(q - f)))
        same = bool(np.all((q >= 0.5) == (f >= 0.5)))
        return (f"max |score - float| {worst:.4f} (bound 0.05), detections "
                f"{'the same' if same else 'DIFFER'}", worst <= 0.05 and same)
    if name == "embedding_model":
        cos = np.sum(q * f, 1) / (np.linalg.norm(q, axis=1) *
                                  np.linalg.norm(f, axis=1) + 1e-30)
        return (f"mean cosine similarity {cos.mean():.4f} (bound 0.99)",
                cos.mean() >= 0.99)
    if name == "melspectrogram":
        # Its real judge is the chain (zoo.py chain --compiled: the heads'
        # decisions); here how far its log-mel features moved, in dB.
        d = np.abs(q - f)
        return (f"log-mel |diff| mean {d.mean():.2f} dB (bound 1.5), "
                f"max {d.max():.1f} dB", d.mean() <= 1.5)
    if name == "ppocr_det":
        a, b = q > 0.3, f > 0.3
        iou = (a & b).sum() / max((a | b).sum(), 1)
        return f"text-map IoU at 0.3 {iou:.4f} (bound 0.9)", iou >= 0.9
    if name == "ppocr_rec":
        # CTC greedy decoding over the 6,625 classes: the class picked at
        # each time step, repeats merged, blanks (class 0) dropped.
        q, f = q.reshape(-1, 6625), f.reshape(-1, 6625)
        def decode(y):
            best = y.argmax(1)
            return best[(best != 0) & np.r_[True, best[1:] != best[:-1]]]
        same = np.array_equal(decode(q), decode(f))
        agree = float(np.mean(q.argmax(1) == f.argmax(1)))
        return (f"decoded text {'the same' if same else 'DIFFERS'} "
                f"({len(decode(f))} characters), per-step argmax agreement "
                f"{agree:.4f}", same)
    agree = float(np.mean(q.argmax(1) == f.argmax(1)))
    return f"argmax agreement {agree:.4f} (bound 1)", agree == 1.0


def compile_inputs(runners):
    """Each model's calibration and evaluation inputs and its import
    options: calibration from the first three utterances (or the one image),
    evaluation on every window."""
    audio, _ = speech()
    ort = Chain(runners, "ort", audio)
    models = {}
    clips, samples = audio.shape
    models["melspectrogram"] = (audio[:1], audio, [f"--input-shape=input=1x{samples}"], 1)
    flat = np.concatenate(ort.windows)
    models["embedding_model"] = (np.concatenate(ort.windows[:3]), flat, [], 16)
    for head, n in HEADS.items():
        per = [head_windows(e, n) for e in ort.embeddings]
        models[head] = (np.concatenate(per[:3]), np.concatenate(per), [], 1)
    for name, x in ocr_inputs().items():
        shape = "x".join(str(d) for d in x.shape)
        models[name] = (x, x, [f"--input-shape=x={shape}"], 1)
    return models


def cost_summary(stats):
    """Per inference (one run of the binary's batch): cycles, energy, EDP
    and where the energy goes (MAC array, vector and LUT units, on-chip
    SRAM and scratchpad, DRAM, host segments)."""
    runs = max(stats["runs"], 1)
    energy = stats["energy_j"] / runs
    seconds = stats["seconds"] / runs
    groups = {"MAC": 0.0, "vector+LUT": 0.0, "SRAM+scratch": 0.0, "DRAM": 0.0,
              "host": 0.0}
    for component, joules in stats["energy_by_component_j"].items():
        group = ("DRAM" if component == "dram" else
                 "vector+LUT" if component in ("vector", "lut") else
                 "SRAM+scratch" if component in ("sram", "scratch") else
                 "host" if component == "host" else "MAC")
        groups[group] += joules or 0.0
    total = sum(groups.values()) or 1.0
    split = ", ".join(f"{k} {100 * v / total:.0f}%" for k, v in groups.items())
    host = stats["busy_cycles"].get("host", 0) // runs
    return (f"{runs} runs; per run {stats['cycles'] // runs} cycles "
            f"({host} on the host), {energy:.3e} J, "
            f"EDP {energy * seconds:.3e} J*s ({split})")


def mac_formats(ir_path):
    """How many MAC layers of the compiled IR are integer, LP or float."""
    count = {"int": 0, "LP": 0, "float": 0}
    with open(ir_path) as ir:
        for line in ir:
            if "kite.matmul" in line or "kite.conv2d" in line:
                sig = line[line.rfind(" : ("):]
                kind = "LP" if "!kite.lp<" in sig else \
                    "float" if sig.startswith(" : (tensor<") and "f32>," in sig \
                    else "int"
                count[kind] += 1
    return "MAC layers " + ", ".join(f"{n} {k}" for k, n in count.items() if n)


def compile_models(runners, names):
    ok = True
    inputs = compile_inputs(runners)
    for name in names or inputs:
        calib, evaluation, import_args, batch = inputs[name]
        error = runners.compile(name, calib, import_args, batch)
        if error:
            print(f"{name}: {error}")
            ok = False
            continue
        stats = []
        sim_out = runners.sim(name, [evaluation], stats=stats)[0]
        run_out = runners.run_compiled(name, [evaluation])[0]
        exact = sim_out.dtype == run_out.dtype and \
            sim_out.tobytes() == run_out.tobytes()
        float_out = runners.kite(name, [evaluation], import_args=import_args,
                                 batch=batch)[0]
        what, good = fidelity(name, sim_out, float_out)
        ok &= exact and good
        print(f"{name}: {mac_formats(runners.compiled[name][0])}; sim "
              f"{'= run byte for byte' if exact else 'DIFFERS from run'}"
              f"; {what}; {cost_summary(stats[0])} "
              f"{'ok' if exact and good else 'FAILED'}")
    return ok


def windows(runners, names):
    """windows DIR: the embedding model's inputs from the speech clips
    (float Kite's mel spectrogram), shuffled (seed 0), as DIR/calib.npy (96
    windows) and DIR/held.npy (the rest): calibration and held-back data
    for kitec on real speech (docs/passes.md)."""
    if len(names) != 1:
        print("zoo.py windows DIR", file=sys.stderr)
        return False
    audio, _ = speech()
    flat = np.concatenate(Chain(runners, "kite", audio).windows)
    order = np.random.default_rng(0).permutation(len(flat))
    os.makedirs(names[0], exist_ok=True)
    np.save(os.path.join(names[0], "calib.npy"), flat[order[:96]])
    np.save(os.path.join(names[0], "held.npy"), flat[order[96:]])
    print(f"{len(flat)} windows: 96 in calib.npy, {len(flat) - 96} in held.npy")
    return True


def inputs(runners, args):
    """inputs DIR NAME ...: compile's calibration and evaluation inputs."""
    if len(args) < 2:
        print("zoo.py inputs DIR NAME ...", file=sys.stderr)
        return False
    out, names = args[0], args[1:]
    models = compile_inputs(runners)
    unknown = [n for n in names if n not in models]
    if unknown:
        print(f"zoo.py inputs: no model {', '.join(unknown)}", file=sys.stderr)
        return False
    os.makedirs(out, exist_ok=True)
    for name in names:
        calib, evaluation, _, _ = models[name]
        np.save(os.path.join(out, f"{name}-calib.npy"), calib.astype(np.float32))
        np.save(os.path.join(out, f"{name}-eval.npy"),
                evaluation.astype(np.float32))
        print(f"{name}: {len(calib)} calibration and {len(evaluation)} "
              "evaluation inputs")
    return True


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("command",
                        choices=["models", "compile", "chain", "windows",
                                 "inputs"])
    parser.add_argument("names", nargs="*")
    parser.add_argument("--compiled", action="store_true",
                        help="chain: the INT8 binaries in kite-sim against "
                             "float Kite")
    parser.add_argument("--zoo", default=os.environ.get(
        "KITE_ZOO", os.path.join(ROOT, "build", "zoo")))
    parser.add_argument("--bin", default=os.path.join(ROOT, "build", "bin"))
    parser.add_argument("--keep", metavar="DIR",
                        help="keep the intermediate files (imported and "
                             "compiled IR, .kbin binaries, statistics) in DIR")
    args = parser.parse_args()
    if not os.path.isfile(os.path.join(args.zoo, ".complete")):
        print(f"zoo.py: {args.zoo} is not complete; run scripts/models/fetch-zoo",
              file=sys.stderr)
        return 2
    if args.keep:
        os.makedirs(args.keep, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        tmp = os.path.abspath(args.keep) if args.keep else scratch
        runners = Runners(os.path.abspath(args.zoo), os.path.abspath(args.bin), tmp)
        if args.command == "models":
            ok = models(runners, args.names)
        elif args.command == "compile":
            ok = compile_models(runners, args.names)
        elif args.command == "windows":
            ok = windows(runners, args.names)
        elif args.command == "inputs":
            ok = inputs(runners, args.names)
        else:
            ok = chain(runners, args.compiled)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
