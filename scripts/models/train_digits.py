#!/usr/bin/python3
"""Trains Kite's digits fixtures and exports them as ONNX with test data.

Uses only Debian packages (python3-torch, python3-onnx, python3-sklearn);
run with /usr/bin/python3. The data set is scikit-learn's bundled 8x8
digits (1797 images), split 75/25 stratified with a fixed seed, so the test
split has 450 images. Writes to examples/models/digits/ (or --out):

  mlp.onnx, cnn.onnx, vit.onnx      opset 17
  vit-opset13.onnx                  opset 13: LayerNorm arrives decomposed
  test_x.npy      float32 [450, 1, 8, 8]  pixels / 16
  test_x_flat.npy float32 [450, 64]       the same, flattened (MLP input)
  test_y.npy      int64   [450]
  calib_x.npy, calib_x_flat.npy           100 training images
  calib_y.npy                             their labels
  <model>_logits.npy                      PyTorch's outputs on test_x
  <model>_p50/_p75/_p90.onnx              magnitude-pruned variants: 50/75/90 %
                                          of each layer's weights zeroed
                                          (unstructured), then a short
                                          fine-tune with the mask held
  accuracy.json                           PyTorch top-1 accuracy per model

Deterministic for the seed (single thread).
"""

import argparse
import copy
import json
import os

import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

SEED = 0


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(64, 64), nn.ReLU(),
                                 nn.Linear(64, 32), nn.ReLU(),
                                 nn.Linear(32, 10))

    def forward(self, x):
        return self.net(x)


class CNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(),
            nn.AvgPool2d(2))
        self.head = nn.Linear(16 * 2 * 2, 10)

    def forward(self, x):
        return self.head(torch.flatten(self.features(x), 1))


class Block(nn.Module):
    """Pre-norm transformer block with explicit multi-head attention."""

    def __init__(self, dim=32, heads=2, hidden=64):
        super().__init__()
        self.heads, self.dim = heads, dim
        self.norm1 = nn.LayerNorm(dim)
        self.qkv = nn.Linear(dim, 3 * dim)
        self.proj = nn.Linear(dim, dim)
        self.norm2 = nn.LayerNorm(dim)
        self.mlp = nn.Sequential(nn.Linear(dim, hidden), nn.GELU(),
                                 nn.Linear(hidden, dim))

    def forward(self, x):
        n, t, d = x.shape
        h = self.heads
        qkv = self.qkv(self.norm1(x)).reshape(n, t, 3, h, d // h)
        q, k, v = qkv.permute(2, 0, 3, 1, 4)  # each [n, h, t, d/h]
        att = torch.softmax(q @ k.transpose(-2, -1) / (d // h) ** 0.5, dim=-1)
        y = (att @ v).transpose(1, 2).reshape(n, t, d)
        x = x + self.proj(y)
        return x + self.mlp(self.norm2(x))


class ViT(nn.Module):
    """By default 2x2 patches of the 8x8 image: 16 tokens of width 32."""

    def __init__(self, dim=32, depth=2, patch=2, tokens=16, heads=2,
                 hidden=64):
        super().__init__()
        self.embed = nn.Conv2d(1, dim, patch, stride=patch)
        self.pos = nn.Parameter(torch.zeros(1, tokens, dim))
        self.blocks = nn.Sequential(
            *[Block(dim, heads, hidden) for _ in range(depth)])
        self.norm = nn.LayerNorm(dim)
        self.head = nn.Linear(dim, 10)

    def forward(self, x):
        x = self.embed(x).flatten(2).transpose(1, 2) + self.pos
        x = self.norm(self.blocks(x))
        return self.head(x.mean(dim=1))


def train(model, x, y, epochs, lr, masks=None):
    """Adam on cross-entropy; `masks` (parameter -> 0/1 tensor) are
    re-applied after every step, so pruned weights stay zero."""
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = nn.CrossEntropyLoss()
    gen = torch.Generator().manual_seed(SEED)
    for _ in range(epochs):
        model.train()
        for idx in torch.randperm(len(x), generator=gen).split(64):
            opt.zero_grad()
            loss_fn(model(x[idx]), y[idx]).backward()
            opt.step()
            if masks:
                with torch.no_grad():
                    for param, mask in masks.items():
                        param.mul_(mask)
    model.eval()
    return model


def prune(model, sparsity, keep=()):
    """Zeroes the `sparsity` fraction of smallest-magnitude weights of every
    Linear and Conv2d layer but the modules in `keep` (unstructured, per
    layer); returns the masks."""
    masks = {}
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, (nn.Linear, nn.Conv2d)) and \
                    not any(module is k for k in keep):
                w = module.weight
                k = int(round(sparsity * w.numel()))
                if k == 0:
                    continue
                threshold = w.abs().flatten().kthvalue(k).values
                mask = (w.abs() > threshold).to(w.dtype)
                w.mul_(mask)
                masks[w] = mask
    return masks


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    here = os.path.dirname(os.path.abspath(__file__))
    parser.add_argument("--out", default=os.path.join(
        here, "..", "..", "examples", "models", "digits"))
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    torch.manual_seed(SEED)
    torch.set_num_threads(1)

    digits = load_digits()
    x = (digits.images / 16.0).astype(np.float32)[:, None, :, :]
    y = digits.target.astype(np.int64)
    x_train, x_test, y_train, y_test = train_test_split(
        x, y, test_size=0.25, stratify=y, random_state=SEED)
    calib = x_train[:100]
    out = lambda name: os.path.join(args.out, name)
    np.save(out("test_x.npy"), x_test)
    np.save(out("test_x_flat.npy"), x_test.reshape(len(x_test), 64))
    np.save(out("test_y.npy"), y_test)
    np.save(out("calib_x.npy"), calib)
    np.save(out("calib_x_flat.npy"), calib.reshape(len(calib), 64))
    np.save(out("calib_y.npy"), y_train[:100])

    xt, yt = torch.from_numpy(x_train), torch.from_numpy(y_train)
    xe = torch.from_numpy(x_test)
    accuracy = {}
    specs = [("mlp", MLP(), True, 60, 3e-3), ("cnn", CNN(), False, 40, 3e-3),
             ("vit", ViT(), False, 80, 2e-3)]
    for name, model, flat, epochs, lr in specs:
        xin = xt.reshape(len(xt), 64) if flat else xt
        xev = xe.reshape(len(xe), 64) if flat else xe
        train(model, xin, yt, epochs, lr)
        with torch.no_grad():
            logits = model(xev)
        acc = float((logits.argmax(1).numpy() == y_test).mean())
        accuracy[name] = acc
        np.save(out(f"{name}_logits.npy"), logits.numpy().astype(np.float32))
        dummy = xev[:1]
        axes = {"input": {0: "batch"}, "logits": {0: "batch"}}
        torch.onnx.export(model, dummy, out(f"{name}.onnx"), opset_version=17,
                          input_names=["input"], output_names=["logits"],
                          dynamic_axes=axes)
        if name == "vit":
            torch.onnx.export(model, dummy, out("vit-opset13.onnx"),
                              opset_version=13, input_names=["input"],
                              output_names=["logits"], dynamic_axes=axes)
        print(f"{name}: test accuracy {acc:.4f} ({len(y_test)} images)")
        # Pruned variants, as a user would bring them: magnitude pruning and
        # a short fine-tune at a lower learning rate.
        for percent in (50, 75, 90):
            pruned = copy.deepcopy(model)
            masks = prune(pruned, percent / 100)
            train(pruned, xin, yt, max(epochs // 4, 10), lr / 3, masks)
            with torch.no_grad():
                p_acc = float((pruned(xev).argmax(1).numpy() == y_test).mean())
            accuracy[f"{name}_p{percent}"] = p_acc
            torch.onnx.export(pruned, dummy, out(f"{name}_p{percent}.onnx"),
                              opset_version=17, input_names=["input"],
                              output_names=["logits"], dynamic_axes=axes)
            print(f"{name}_p{percent}: test accuracy {p_acc:.4f}")
    with open(out("accuracy.json"), "w") as f:
        json.dump({"test_images": int(len(y_test)), "seed": SEED,
                   "pytorch_top1": accuracy}, f, indent=2, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
