#!/usr/bin/python3
"""Makes the real inputs of the zoo models (examples/models/zoo/).

    /usr/bin/python3 scripts/models/make_zoo_inputs.py

speech.npz: utterances synthesized with Debian's espeak-ng (en-us, 140
words/min), resampled to 16 kHz mono int16 with sox, each placed 0.5 s
into a 4 s clip of silence: wake words for the openWakeWord heads and
unrelated sentences. Arrays: `audio` [clips, 64000] int16, `text` (the
utterances).

ocr.npz: text rendered with ImageMagick (DejaVu fonts) on white, as
PaddleOCR's models read it (8-bit BGR, height x width x 3): `det` a
320 x 320 page of several lines, `rec` a 48 x 320 text line, `cls` a
48 x 192 text line.

The outputs are committed, so the tests need none of these tools; this
script regenerates them (deterministic for the same tool versions).
"""
import io
import os
import subprocess
import sys
import tempfile
import wave

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "..", "examples", "models", "zoo")
RATE = 16000
CLIP = 4 * RATE
OFFSET = RATE // 2

UTTERANCES = [
    "alexa",
    "hey mycroft",
    "hey jarvis",
    "what's the weather like today",
    "set a timer for five minutes",
    "the quick brown fox jumps over the lazy dog",
]


def speak(text, tmp):
    raw = os.path.join(tmp, "speech.wav")
    out = os.path.join(tmp, "speech16k.wav")
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", "140", "-w", raw, text],
                   check=True)
    subprocess.run(["sox", raw, "-r", str(RATE), "-c", "1", "-b", "16", out],
                   check=True)
    with wave.open(out) as w:
        samples = np.frombuffer(w.readframes(w.getnframes()), np.int16)
    clip = np.zeros(CLIP, np.int16)
    n = min(len(samples), CLIP - OFFSET)
    clip[OFFSET:OFFSET + n] = samples[:n]
    return clip


def render(width, height, lines):
    """lines: (x, y, pointsize, colour, text); returns BGR uint8."""
    cmd = ["convert", "-size", f"{width}x{height}", "xc:white",
           "-font", "DejaVu-Sans"]
    for x, y, size, colour, text in lines:
        cmd += ["-pointsize", str(size), "-fill", colour,
                "-annotate", f"+{x}+{y}", text]
    cmd += ["-depth", "8", "rgb:-"]
    rgb = np.frombuffer(subprocess.run(cmd, check=True, capture_output=True)
                        .stdout, np.uint8).reshape(height, width, 3)
    return np.ascontiguousarray(rgb[:, :, ::-1])


def main():
    os.makedirs(OUT, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        audio = np.stack([speak(t, tmp) for t in UTTERANCES])
    np.savez_compressed(os.path.join(OUT, "speech.npz"), audio=audio,
                        text=np.array(UTTERANCES))
    det = render(320, 320, [
        (16, 50, 30, "black", "Kite compiles"),
        (16, 100, 22, "#203060", "real ONNX models"),
        (16, 150, 26, "black", "for the accelerator:"),
        (30, 200, 20, "#602010", "LUT softmax, LP, FAMES"),
        (30, 240, 20, "#602010", "and TASD together."),
        (120, 295, 16, "black", "2026-12-06"),
    ])
    rec = render(320, 48, [(8, 34, 28, "black", "Kite 0.1 on PP-OCR")])
    cls = render(192, 48, [(6, 34, 26, "black", "accelerator")])
    np.savez_compressed(os.path.join(OUT, "ocr.npz"), det=det, rec=rec, cls=cls)
    print(f"wrote {OUT}/speech.npz ({audio.shape}) and ocr.npz")
    return 0


if __name__ == "__main__":
    sys.exit(main())
