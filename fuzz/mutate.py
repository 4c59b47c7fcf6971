"""A seeded random-mutation fuzzer: no dependency, reproducible, bounded.

``run(target, corpus, runs, seed)`` feeds `runs` inputs to ``target(data)``:
each is a corpus file (or a random one) changed by one to four mutations --
bit flips, interesting bytes, dictionary tokens (JSON and safetensors words),
inserted / deleted / duplicated ranges, a rewritten 8-byte length prefix,
splices of two inputs -- and, for zip archives, the same mutations applied to
one member which is then re-zipped with a valid CRC (so that the .npy
parser, not only the zip checks, sees the mutation). The target raises
only its documented exceptions; anything else, and an input that runs
longer than `timeout` seconds, is written to `crash_dir` and re-raised.

Used by tests/test_fuzz_smoke.py (CI) and by the fuzz targets' command line
when atheris is not installed; see fuzz/README.md.
"""

from __future__ import annotations

import argparse
import io
import os
import pathlib
import random
import signal
import struct
import sys
import warnings
import zipfile
from typing import Callable

TOKENS = [
    b"{",
    b"}",
    b"[",
    b"]",
    b",",
    b":",
    b'"',
    b"\\",
    b"\\u",
    b"\\ud800",
    b"null",
    b"true",
    b"-0",
    b"0",
    b"01",
    b"1.0",
    b"1e9",
    b"-1",
    b"4294967296",
    b"18446744073709551615",
    b"18446744073709551616",
    b'"dtype"',
    b'"shape"',
    b'"data_offsets"',
    b'"__metadata__"',
    b'"F32"',
    b'"F16"',
    b'"I64"',
    b'"BOOL"',
    b'"F4"',
    b"[0,0]",
    b"[]",
    b"{}",
    b"\x00",
    b"\xff",
    b"\xc0\xaf",
    b"\xed\xa0\x80",
    b"\x0b",
    # .npy headers
    b"'descr': '<f4'",
    b"'descr': '|O'",
    b"'descr': '<U3'",
    b"'descr': [('a', '<f4')]",
    b"'fortran_order': True",
    b"'shape': (1000000000000,)",
    b"'shape': (-1, 4)",
    b"'shape': ()",
    b"\x93NUMPY\x01\x00",
    b"\x93NUMPY\x02\x00",
    b"\x93NUMPY\x03\x00",
]
INTERESTING = [0, 1, 0x7F, 0x80, 0xFF, ord("["), ord("{"), ord('"'), ord("0"), ord("9"), ord("-"), ord(" ")]


def mutate_bytes(data: bytes, rng: random.Random, others: list) -> bytes:
    """One to four random mutations of `data`."""
    buf = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        kind = rng.randrange(9)
        pos = rng.randint(0, len(buf))
        if kind == 0 and buf:  # flip a bit
            i = rng.randrange(len(buf))
            buf[i] ^= 1 << rng.randrange(8)
        elif kind == 1 and buf:  # an interesting byte
            buf[rng.randrange(len(buf))] = rng.choice(INTERESTING)
        elif kind == 2:  # insert a token
            buf[pos:pos] = rng.choice(TOKENS)
        elif kind == 3:  # overwrite with a token
            token = rng.choice(TOKENS)
            buf[pos : pos + len(token)] = token
        elif kind == 4 and buf:  # delete a range
            end = min(len(buf), pos + rng.choice([1, 2, 4, 16, 256]))
            del buf[pos:end]
        elif kind == 5 and buf:  # duplicate a range
            start = rng.randrange(len(buf))
            chunk = buf[start : start + rng.choice([1, 8, 64, 1024])]
            buf[pos:pos] = chunk * rng.choice([1, 2, 16])
        elif kind == 6:  # rewrite the 8-byte length prefix (safetensors)
            n = len(buf) - 8 + rng.choice([-9, -1, 0, 1, 7, 8]) if rng.random() < 0.7 else rng.getrandbits(64)
            buf[0:8] = struct.pack("<Q", max(0, n) % 2**64)
        elif kind == 7 and others:  # splice with another input
            other = rng.choice(others)
            cut = rng.randint(0, len(other))
            buf = buf[:pos] + bytearray(other[cut:])
        elif kind == 8:  # random bytes
            buf[pos:pos] = bytes(rng.getrandbits(8) for _ in range(rng.choice([1, 2, 8])))
    return bytes(buf)


def mutate_zip_member(data: bytes, rng: random.Random, others: list) -> bytes | None:
    """Mutates one member of a zip archive and re-zips it (valid CRCs), or
    None when `data` is not a readable zip archive."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = [(info.filename, archive.read(info)) for info in archive.infolist()]
    except Exception:
        return None
    if not members:
        return None
    k = rng.randrange(len(members))
    name, content = members[k]
    members[k] = (
        name if rng.random() < 0.9 else rng.choice(["x.npy", "y.npy", "x", "y.npy"]),
        mutate_bytes(content, rng, []),
    )
    if rng.random() < 0.1:
        members.append(members[rng.randrange(len(members))])  # a duplicate member
    out = io.BytesIO()
    compression = rng.choice([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED])
    with zipfile.ZipFile(out, "w", compression) as archive, warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "Duplicate name": wanted here
        for member_name, member in members:
            archive.writestr(member_name, member)
    return out.getvalue()


def load_corpus(directory: str | os.PathLike) -> list:
    return [p.read_bytes() for p in sorted(pathlib.Path(directory).iterdir()) if p.is_file()]


def inputs(corpus: list, runs: int, seed: int):
    """`runs` mutated inputs, the same ones for the same corpus and seed."""
    rng = random.Random(seed)
    for _ in range(runs):
        base = rng.choice(corpus) if corpus and rng.random() < 0.97 else bytes(rng.getrandbits(8) for _ in range(16))
        if base[:2] == b"PK" and rng.random() < 0.6:
            mutated = mutate_zip_member(base, rng, corpus)
            if mutated is not None:
                yield mutated
                continue
        yield mutate_bytes(base, rng, corpus)


class HangError(Exception):
    """An input ran longer than the time limit."""


def run(
    target: Callable[[bytes], None],
    corpus_dir: str | os.PathLike,
    runs: int,
    seed: int = 0,
    timeout: int = 10,
    crash_dir: str | os.PathLike | None = None,
) -> int:
    """Feeds `runs` mutated inputs to `target`; returns the count. An input
    that makes `target` raise, or run past `timeout` seconds, is saved in
    `crash_dir` (when given) and the exception re-raised."""

    def on_alarm(signum, frame):
        raise HangError(f"an input ran longer than {timeout} s")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    count = 0
    try:
        for data in inputs(load_corpus(corpus_dir), runs, seed):
            signal.alarm(timeout)
            try:
                target(data)
            except BaseException:
                if crash_dir is not None:
                    os.makedirs(crash_dir, exist_ok=True)
                    path = os.path.join(crash_dir, f"crash-seed{seed}-{count}")
                    with open(path, "wb") as f:
                        f.write(data)
                raise
            finally:
                signal.alarm(0)
            count += 1
    finally:
        signal.signal(signal.SIGALRM, previous)
    return count


def fuzz_main(
    name: str,
    description: str,
    test_one_input: Callable[[bytes], None],
    corpus: pathlib.Path,
    crash_dir: pathlib.Path,
    argv: list | None = None,
) -> None:
    """The command line both fuzz targets share: the mutation loop (--runs, --seed), or atheris
    (--atheris; the other arguments go to libFuzzer)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--runs", type=int, default=20000, help="inputs for the mutation loop")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--atheris", action="store_true", help="run under atheris; other arguments go to libFuzzer")
    args, rest = parser.parse_known_args(argv)
    if args.atheris:
        import atheris  # optional: the `fuzz` extra

        atheris.instrument_all()  # coverage of the Python code already imported
        atheris.Setup([sys.argv[0], *rest], test_one_input)
        atheris.Fuzz()
    else:
        count = run(test_one_input, corpus, args.runs, seed=args.seed, crash_dir=crash_dir)
        print(f"{name}: {count} inputs, no failure")  # noqa: T201
