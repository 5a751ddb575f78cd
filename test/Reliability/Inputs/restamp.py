"""Copies .kbin reproducers into a directory with the version of a current
binary (and the checksum recomputed), so that they reach the instruction
they were crafted for instead of stopping at the version check."""
import os
import struct
import sys
import zlib

HEADER = 40
version = struct.unpack_from("<I", open(sys.argv[1], "rb").read(), 8)[0]
out = sys.argv[2]
for path in sys.argv[3:]:
    data = bytearray(open(path, "rb").read())
    struct.pack_into("<I", data, 8, version)
    struct.pack_into("<I", data, 32, zlib.crc32(bytes(data[HEADER:])) & 0xFFFFFFFF)
    open(os.path.join(out, os.path.basename(path)), "wb").write(bytes(data))
