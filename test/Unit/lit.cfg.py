# -*- Python -*-
# Runs every GoogleTest binary under build/unittests; each test case counts
# as one lit test, so unit tests share the lit summary.

import os

import lit.formats

config.name = "Kite-Unit"
config.suffixes = []
config.test_source_root = os.path.join(config.kite_obj_root, "unittests")
config.test_exec_root = config.test_source_root
config.test_format = lit.formats.GoogleTest(".", "Tests")
