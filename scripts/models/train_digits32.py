#!/usr/bin/python3
"""Trains Kite's compute-bound fixtures: the digits upsampled to 32x32.

The 8x8 digits models (train_digits.py) are too small to say anything about
the accelerator's compute: a few thousand MACs per image, MAC energy a few
per cent of the total. These two are sized so that the MAC array is busy for
most of a run on kite-v1 (docs/passes.md has the measurement):

  resnet   ResNet-style CNN: a 3x3 stem and six basic blocks (16, 32, 64
           channels at 32x32, 16x16, 8x8), 15 convolutions, 26.4 M MACs
  vit32    ViT: 4x4 patches, 64 tokens of width 128, 4 blocks of 4 heads,
           MLP width 256, 37.9 M MACs

and their magnitude-pruned variants _p50/_p75/_p90 (unstructured, per
layer; the stem/patch embedding and the classifier stay dense), pruned
gradually (50 -> 75 -> 90 %) with a fine-tune holding the masks after each
step.

Same data and split as train_digits.py (scikit-learn's digits, 75/25
stratified, seed 0; 450 test images), each image upsampled bilinearly to
32x32. Writes to examples/models/digits32/ (or --out):

  <model>.onnx, <model>_p50/_p75/_p90.onnx  opset 17, input [N, 1, 32, 32]
  test_x.npy   float32 [450, 1, 32, 32]      test_y.npy int64 [450]
  calib_x.npy  float32 [100, 1, 32, 32]      calib_y.npy (their labels)
  accuracy.json                              PyTorch top-1 per model

Deterministic for the seed (single thread). Needs python3-torch,
python3-onnx and python3-sklearn (Debian); with libopenblas0 installed
(Debian's torch calls the system BLAS) the ResNet trains in about 3 minutes
and the ViT in about 15 on one core, with the reference BLAS 6x slower.
"""

import argparse
import json
import os
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from train_digits import SEED, ViT, prune, train  # noqa: E402


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.shortcut = nn.Sequential()
        if stride != 1 or cin != cout:
            self.shortcut = nn.Sequential(
                nn.Conv2d(cin, cout, 1, stride, bias=False),
                nn.BatchNorm2d(cout))

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        return F.relu(self.bn2(self.conv2(y)) + self.shortcut(x))


class ResNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(1, 16, 3, 1, 1, bias=False)
        self.bn = nn.BatchNorm2d(16)
        blocks, cin = [], 16
        for cout, stride in ((16, 1), (16, 1), (32, 2), (32, 1), (64, 2),
                             (64, 1)):
            blocks.append(BasicBlock(cin, cout, stride))
            cin = cout
        self.blocks = nn.Sequential(*blocks)
        self.head = nn.Linear(64, 10)

    def forward(self, x):
        x = self.blocks(F.relu(self.bn(self.stem(x))))
        return self.head(x.mean(dim=(2, 3)))


def upsample(images):
    """[N, 8, 8] pixels / 16 -> float32 [N, 1, 32, 32], bilinear."""
    x = torch.from_numpy(images.astype(np.float32))[:, None]
    return F.interpolate(x, size=(32, 32), mode="bilinear",
                         align_corners=False).numpy()


def accuracy_of(model, x, y):
    with torch.no_grad():
        return float((model(x).argmax(1).numpy() == y).mean())


def export(model, dummy, path):
    axes = {"input": {0: "batch"}, "logits": {0: "batch"}}
    torch.onnx.export(model, dummy, path, opset_version=17,
                      input_names=["input"], output_names=["logits"],
                      dynamic_axes=axes)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    here = os.path.dirname(os.path.abspath(__file__))
    parser.add_argument("--out", default=os.path.join(
        here, "..", "..", "examples", "models", "digits32"))
    parser.add_argument("--only", choices=["resnet", "vit32"],
                        help="train one model (default both)")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    torch.manual_seed(SEED)
    torch.set_num_threads(1)

    digits = load_digits()
    x = upsample(digits.images / 16.0)
    y = digits.target.astype(np.int64)
    x_train, x_test, y_train, y_test = train_test_split(
        x, y, test_size=0.25, stratify=y, random_state=SEED)
    out = lambda name: os.path.join(args.out, name)
    np.save(out("test_x.npy"), x_test)
    np.save(out("test_y.npy"), y_test)
    np.save(out("calib_x.npy"), x_train[:100])
    np.save(out("calib_y.npy"), y_train[:100])

    xt, yt = torch.from_numpy(x_train), torch.from_numpy(y_train)
    xe = torch.from_numpy(x_test)
    acc_path = out("accuracy.json")
    accuracy = {}
    if os.path.exists(acc_path):
        with open(acc_path) as f:
            accuracy = json.load(f)["pytorch_top1"]
    # name, model, epochs, learning rate, fine-tune epochs per pruning step
    specs = [("resnet", lambda: ResNet(), 12, 3e-3, 6),
             ("vit32", lambda: ViT(dim=128, depth=4, patch=4, tokens=64,
                                   heads=4, hidden=256), 40, 1e-3, 10)]
    for name, make, epochs, lr, tune in specs:
        if args.only and args.only != name:
            continue
        torch.manual_seed(SEED)
        model = make()
        start = time.time()
        train(model, xt, yt, epochs, lr)
        accuracy[name] = accuracy_of(model, xe, y_test)
        export(model, xe[:1], out(f"{name}.onnx"))
        print(f"{name}: test accuracy {accuracy[name]:.4f} "
              f"({time.time() - start:.0f} s)", flush=True)
        keep = (model.stem, model.head) if name == "resnet" else \
            (model.embed, model.head)
        for percent in (50, 75, 90):
            masks = prune(model, percent / 100, keep)
            train(model, xt, yt, tune, lr / 3, masks)
            key = f"{name}_p{percent}"
            accuracy[key] = accuracy_of(model, xe, y_test)
            export(model, xe[:1], out(f"{key}.onnx"))
            print(f"{key}: test accuracy {accuracy[key]:.4f} "
                  f"({time.time() - start:.0f} s)", flush=True)
    with open(acc_path, "w") as f:
        json.dump({"test_images": int(len(y_test)), "seed": SEED,
                   "pytorch_top1": accuracy}, f, indent=2, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
