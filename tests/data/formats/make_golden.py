#!/usr/bin/env python3
"""Regenerates the PBS-format golden files in this folder.

Independent of Ferry's C++ code: every file is built here from the byte layouts and values of
/work/shared/spec/datastore-format.md (PBS 3.2.4), and the script asserts each value the spec
states (CRCs, SHA-256 sums, index checksums, the encrypted example bytes) before writing.

Tools: Python 3 (hashlib, zlib, struct), the `cryptography` package (AES-256-GCM with a
16-byte IV) and the zstd command-line tool (`zstd -1`), which is an encoder other than the
library our code links. Run from any directory:  python3 tests/data/formats/make_golden.py
"""
import hashlib
import json
import os
import struct
import subprocess
import zlib

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

HERE = os.path.dirname(os.path.abspath(__file__))


def magic(s):
    return hashlib.sha256(s.encode()).digest()[:8]


UNCOMPRESSED = magic("Proxmox Backup uncompressed blob v1.0")
COMPRESSED = magic("Proxmox Backup zstd compressed blob v1.0")
ENCRYPTED = magic("Proxmox Backup encrypted blob v1.0")
FIDX = magic("Proxmox Backup fixed sized chunk index v1.0")
DIDX = magic("Proxmox Backup dynamic sized chunk index v1.0")
assert UNCOMPRESSED.hex() == "42ab3807be8370a1"
assert ENCRYPTED.hex() == "7b6785be222d4cf0"
assert FIDX.hex() == "2f7f41ed91fd0fcd"
assert DIDX.hex() == "1c914ea519bab3cd"

UUID = bytes.fromhex("00112233445566778899aabbccddeeff")
CTIME = 1717597476


def write(name, data):
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data)
    print(f"{name}: {len(data)} bytes, sha256 {hashlib.sha256(data).hexdigest()}")


def plain_blob(payload, m=UNCOMPRESSED):
    return m + struct.pack("<I", zlib.crc32(payload)) + payload


def zstd1(data):
    return subprocess.run(["zstd", "-1", "-q", "-c"], input=data, check=True,
                          stdout=subprocess.PIPE).stdout


# --- blobs (spec 3.7) ---
abc = plain_blob(b"abc")
assert abc.hex() == "42ab3807be8370a1c241243561626" + "3"
assert hashlib.sha256(abc).hexdigest() == \
    "e97b4819003f6f6bd21bf0c0836893338857ab0b8550e178f6ebbbbaa78b5dc1"
write("blob_abc.blob", abc)
empty = plain_blob(b"")
assert empty.hex() == "42ab3807be8370a100000000"
write("blob_empty.blob", empty)

key = bytes(range(32))
iv = bytes(range(16))
ct_and_tag = AESGCM(key).encrypt(iv, b"abc", None)
ct, tag = ct_and_tag[:-16], ct_and_tag[-16:]
enc = ENCRYPTED + struct.pack("<I", zlib.crc32(ct)) + iv + tag + ct
assert enc.hex() == ("7b6785be222d4cf0" "241b2267" "000102030405060708090a0b0c0d0e0f"
                     "11ff6d75324a6611f7b6c67cc7de332a" "060ec3")
write("blob_abc_encrypted.blob", enc)

# A compressible 1 MiB text payload compressed by the zstd CLI, as one frame and as two frames.
pattern = b"".join(b"ferry golden line %08d\n" % i for i in range(40000))[:1 << 20]
assert len(pattern) == 1 << 20
write("blob_pattern_zstd.blob", plain_blob(zstd1(pattern), COMPRESSED))
half = len(pattern) // 2
write("blob_pattern_zstd_2frames.blob",
      plain_blob(zstd1(pattern[:half]) + zstd1(pattern[half:]), COMPRESSED))

# --- key vectors (spec 2.2), checked here, asserted again by the C++ tests ---
id_key = PBKDF2HMAC(algorithm=hashes.SHA256(), length=32, salt=b"_id_key",
                    iterations=10).derive(key)
assert id_key.hex() == "7c2c013efd07f3b25717a485263343cd4d292a4b65c200bb3b18ea227abe225c"

# --- fixed index, 5 MiB of zeros (spec 5) ---
d0 = hashlib.sha256(bytes(4 << 20)).digest()
d1 = hashlib.sha256(bytes(1 << 20)).digest()
csum = hashlib.sha256(d0 + d1).digest()
assert csum.hex() == "f8bd3b7fc59d52351f1518fcecab6a686585ff0a707e9da79d717a1ed108ea2a"
hdr = FIDX + UUID + struct.pack("<q", CTIME) + csum + struct.pack("<QQ", 5 << 20, 4 << 20)
fidx = hdr + bytes(4096 - len(hdr)) + d0 + d1
assert len(fidx) == 4160
write("fidx_zeros_5mib.fidx", fidx)

# --- dynamic index, "abc" then "defgh" (spec 6) ---
table = struct.pack("<Q", 3) + hashlib.sha256(b"abc").digest() + \
    struct.pack("<Q", 8) + hashlib.sha256(b"defgh").digest()
csum = hashlib.sha256(table).digest()
assert csum.hex() == "49ac1be65d03d92affec8061fcbdf4195c8378aa8efb2d5f651a515f9efd4b4b"
hdr = DIDX + UUID + struct.pack("<q", CTIME) + csum
didx = hdr + bytes(4096 - len(hdr)) + table
assert len(didx) == 4176
write("didx_abc_defgh.didx", didx)


# --- manifest example (spec 7.6): serde_json pretty style written by hand ---
def pretty(v, level=0):
    pad = "  " * (level + 1)
    if isinstance(v, dict):
        if not v:
            return "{}"
        items = [f'{pad}{json.dumps(k)}: {pretty(v[k], level + 1)}' for k in sorted(v)]
        return "{\n" + ",\n".join(items) + "\n" + "  " * level + "}"
    if isinstance(v, list):
        if not v:
            return "[]"
        return "[\n" + ",\n".join(pad + pretty(x, level + 1) for x in v) + "\n" + "  " * level + "]"
    return json.dumps(v, ensure_ascii=False)


manifest = {
    "backup-id": "elsa", "backup-time": 1593179765, "backup-type": "host",
    "files": [
        {"crypt-mode": "none", "csum": csum.hex(), "filename": "root.pxar.didx", "size": 8},
        {"crypt-mode": "none", "csum": hashlib.sha256(abc).hexdigest(),
         "filename": "test.conf.blob", "size": 15},
    ],
    "signature": None, "unprotected": {},
}
text = pretty(manifest).encode()
assert len(text) == 489
write("manifest_example.json", text)
write("manifest_example_uncompressed.blob", plain_blob(text))
write("manifest_example_zstd.blob", plain_blob(zstd1(text), COMPRESSED))

# --- signed manifest (spec 7.5), pretty form with the signature and fingerprint ---
signed = {
    "backup-id": "elsa", "backup-time": 1593179765, "backup-type": "host",
    "files": [
        {"crypt-mode": "encrypt", "csum": "01" * 32, "filename": "test1.img.fidx", "size": 200},
        {"crypt-mode": "none", "csum": "02" * 32, "filename": "abc.blob", "size": 200},
    ],
}
canonical = json.dumps(signed, sort_keys=True, separators=(",", ":")).encode()
id_key = bytes.fromhex("758495a21c31047f543f46d694700e02d168568bab37bb0ceece947b591f5100")
import hmac  # noqa: E402
sig = hmac.new(id_key, canonical, hashlib.sha256).hexdigest()
assert sig == "d7b446fb7db081662081d4b40fedd858a1d6307a5aff4ecff7d5bf4fd35679e9"
signed["signature"] = sig
signed["unprotected"] = {"key-fingerprint": "12:b9:b7:74:bb:3d:89:95:2b:97:cb:c2:82:f0:0c:14:"
                                            "2b:83:ba:7f:96:62:6a:a1:5a:44:9a:63:e8:91:fe:25"}
write("manifest_signed.json", pretty(signed).encode())
