#!/usr/bin/env python3
"""Prints the failing tests and the closing line `N passed, N failed[, N skipped]`
from lit's JSON results (`lit --output FILE`), summed over the files given;
`LABEL=FILE` prefixes that file's failures with the label (the sanitizer
stage reruns tests under their own names)."""

import json
import sys

PASSED = {"PASS", "XFAIL"}
SKIPPED = {"UNSUPPORTED", "SKIPPED", "EXCLUDED"}


def main(paths):
    passed = failed = skipped = 0
    failures = []
    for arg in paths:
        label, _, path = arg.rpartition("=")
        with open(path) as f:
            tests = json.load(f)["tests"]
        for test in tests:
            code = test["code"]
            if code in PASSED:
                passed += 1
            elif code in SKIPPED:
                skipped += 1
            else:
                failed += 1
                failures.append(f"{code}: {label + ': ' if label else ''}"
                                f"{test['name']}")
    for line in failures:
        print(line)
    summary = f"{passed} passed, {failed} failed"
    if skipped:
        summary += f", {skipped} skipped"
    print(summary)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
