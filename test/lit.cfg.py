# -*- Python -*-
# lit configuration for the Kite FileCheck tests.

import os
import shutil

import lit.formats
from lit.llvm import llvm_config

config.name = "Kite"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.kite_obj_root, "test")
config.excludes = ["CMakeLists.txt", "Inputs", "Unit", "lib", "lit.cfg.py",
                   "lit.site.cfg.py"]

# FileCheck, not, count and split-file live beside lit; our tools in build/bin.
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
llvm_config.with_environment("PATH", config.kite_tools_dir, append_path=True)
llvm_config.use_default_substitutions()

config.substitutions.append(("%kite_src_root", config.kite_src_root))
config.substitutions.append(("%kite_obj_root", config.kite_obj_root))
# ONNX models written as text in the tests (python3-onnx's parser).
config.substitutions.append(
    ("%onnx-text", "/usr/bin/python3 " +
     os.path.join(config.kite_src_root, "test", "lib", "onnx_text.py")))
# scripts/test's sanitizer stage reruns chosen tests with the tools of a
# sanitized build in front (--param sanitized_bin=DIR); it supplies those it
# has built (kite-sim), the release build the rest.
tool_dirs = [config.kite_tools_dir]
sanitized = lit_config.params.get("sanitized_bin")
if sanitized:
    tool_dirs.insert(0, sanitized)
    llvm_config.with_environment("PATH", sanitized, append_path=True)
llvm_config.add_tool_substitutions(
    ["kite-opt", "kite-numerics", "kite-translate", "kite-run", "kite-sim", "kitec",
     "kite-fuzz-kbin", "kite-fuzz-npy", "kite-fuzz-json", "kite-fuzz-mlir",
     "kite-fuzz-onnx"],
    tool_dirs)

# The real-model zoo (scripts/models/fetch-zoo): its tests need the cache.
zoo = os.environ.get("KITE_ZOO") or os.path.join(config.kite_obj_root, "zoo")
if os.path.isfile(os.path.join(zoo, ".complete")):
    config.available_features.add("zoo")
config.substitutions.append(("%zoo-py", "/usr/bin/python3 " + os.path.join(
    config.kite_src_root, "scripts", "models", "zoo.py") + " --zoo " + zoo +
    " --bin " + config.kite_tools_dir))
config.substitutions.append(("%zoo", zoo))
# A real browser for the HTML report (Debian's chromium; scripts/test
# installs it).
if shutil.which("chromium"):
    config.available_features.add("chromium")
llvm_config.with_system_environment(
    ["KITE_ZOO", "HOME", "ASAN_OPTIONS", "UBSAN_OPTIONS"])
