"""Writes malformed variants of a valid .kbin (docs/binary-format.md), one
per check of the loader; malformed.test runs kite-sim on each."""
import struct
import sys
import zlib

HEADER = 40


def with_crc(data):
    data = bytearray(data)
    struct.pack_into("<I", data, 32, zlib.crc32(bytes(data[HEADER:])) & 0xFFFFFFFF)
    return data


def section(data, kind):
    count = struct.unpack_from("<I", data, 12)[0]
    for s in range(count):
        entry = HEADER + 24 * s
        k, _, offset, size = struct.unpack_from("<IIQQ", data, entry)
        if k == kind:
            return entry, offset, size
    raise SystemExit("no section %d" % kind)


def instructions(data):
    """(offset, opcode) of every instruction."""
    _, offset, _ = section(data, 4)
    count = struct.unpack_from("<Q", data, offset)[0]
    at = offset + 8
    for _ in range(count):
        opcode, words = struct.unpack_from("<II", data, at)
        yield at, opcode
        at += 8 + 8 * words


good = bytearray(open(sys.argv[1], "rb").read())
out = sys.argv[2]
variants = {}
variants["short"] = good[:20]
variants["truncated"] = good[:-8]
bad = bytearray(good); bad[0:1] = b"X"; variants["magic"] = bad
bad = bytearray(good); struct.pack_into("<I", bad, 8, 1); variants["version"] = bad
bad = bytearray(good); bad[len(bad) // 2] ^= 0x40; variants["corrupt"] = bad
bad = bytearray(good); struct.pack_into("<Q", bad, 16, 12345); variants["fingerprint"] = bad
entry, _, _ = section(good, 4)
bad = bytearray(good); struct.pack_into("<Q", bad, entry + 8, len(good) + 64)
variants["section"] = with_crc(bad)
_, code, _ = section(good, 4)
bad = bytearray(good); struct.pack_into("<Q", bad, code, 1 << 40)
variants["count"] = with_crc(bad)
first, _ = next(instructions(good))
bad = bytearray(good); struct.pack_into("<I", bad, first, 99)
variants["opcode"] = with_crc(bad)
bad = bytearray(good); struct.pack_into("<I", bad, first + 4, 1)
variants["length"] = with_crc(bad)
load = next(at for at, op in instructions(good) if op == 1)
bad = bytearray(good); struct.pack_into("<q", bad, load + 8, 1 << 29)
variants["out-of-bounds"] = with_crc(bad)
# Past the end of the scratchpad (which starts at 1 GiB).
bad = bytearray(good); struct.pack_into("<q", bad, load + 8, (1 << 30) + (1 << 20))
variants["scratch-out-of-bounds"] = with_crc(bad)
for name, data in variants.items():
    open("%s/%s.kbin" % (out, name), "wb").write(bytes(data))
