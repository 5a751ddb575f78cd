#!/usr/bin/env python3
"""Prints the failing tests and the closing line `N passed, N failed[, N skipped]`
from lit's JSON results (`lit --output FILE`)."""

import json
import sys

PASSED = {"PASS", "XFAIL"}
SKIPPED = {"UNSUPPORTED", "SKIPPED", "EXCLUDED"}


def main(path):
    with open(path) as f:
        tests = json.load(f)["tests"]
    passed = failed = skipped = 0
    failures = []
    for test in tests:
        code = test["code"]
        if code in PASSED:
            passed += 1
        elif code in SKIPPED:
            skipped += 1
        else:
            failed += 1
            failures.append(f"{code}: {test['name']}")
    for line in failures:
        print(line)
    summary = f"{passed} passed, {failed} failed"
    if skipped:
        summary += f", {skipped} skipped"
    print(summary)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
