#!/usr/bin/python3
"""Writes an ONNX model from ONNX's textual syntax (onnx.parser).

    onnx_text.py model.txt -o model.onnx

Lit tests keep small models as text (split-file sections) and build the
.onnx here, so no binary model is committed for them. The model is not
checked: tests of the importer's errors need invalid ones too.
"""
import argparse
import sys

import onnx
import onnx.parser


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("text")
    p.add_argument("-o", "--output", required=True)
    args = p.parse_args()
    with open(args.text) as f:
        model = onnx.parser.parse_model(f.read())
    onnx.save(model, args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
