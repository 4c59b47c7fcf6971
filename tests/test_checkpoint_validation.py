"""The checkpoint reader validates exactly as the safetensors package does.

A table of crafted files, each run through the `safetensors` package and
through slimcore (read_checkpoint and Saver.restore): what safetensors
refuses, slimcore refuses with DataLossError naming the file (and the entry);
what it accepts, slimcore accepts. The table's own verdicts are checked
against the package, so the table cannot drift from it. The one place
slimcore is stricter (a name given twice, which safetensors resolves by
keeping the last) is marked as such.
"""

import json
import re
import struct

import numpy as np
import pytest

import slimcore as tf
from slimcore import errors

safetensors = pytest.importorskip("safetensors")


def _file(header, data=b"", length=None):
    """8-byte little-endian header length, the header, the data."""
    header = header if isinstance(header, bytes) else json.dumps(header).encode()
    return struct.pack("<Q", len(header) if length is None else length) + header + data


def _entry(dtype="F32", shape=(1,), offsets=(0, 4)):
    return {"dtype": dtype, "shape": list(shape), "data_offsets": list(offsets)}


A = b'{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}'
F4 = b"\0\0\x80\x3f"  # 1.0f
VALID = "valid"
STRICTER = "stricter"  # safetensors keeps the last of two equal names; slimcore refuses

# (id, file bytes, expectation: VALID, STRICTER, or a regex the DataLossError matches)
CASES = [
    ("valid", _file(A, F4), VALID),
    ("empty header object", _file(b"{}"), VALID),
    ("whitespace around", _file(b" \r\n\t" + A + b"  ", F4), VALID),
    ("metadata", _file({"__metadata__": {"k": "v\n"}, "a": _entry()}, F4), VALID),
    ("metadata null", _file({"__metadata__": None, "a": _entry()}, F4), VALID),
    ("metadata only", _file({"__metadata__": {"dtype": "F32"}}), VALID),
    ("scalar", _file({"a": _entry(shape=())}, F4), VALID),
    ("zero-size tensors", _file({"a": _entry(shape=(0, 3), offsets=(0, 0)), "b": _entry(shape=(1,))}, F4), VALID),
    ("out of order offsets", _file({"b": _entry(offsets=(4, 8)), "a": _entry()}, F4 * 2), VALID),
    (
        "unknown field skipped",
        _file(b'{"a":{"dtype":"F32","x":[[{"y":null}]],"shape":[1],"data_offsets":[0,4]}}', F4),
        VALID,
    ),
    ("array-form entry", _file(b'{"a":["F32",[1],[0,4]]}', F4), VALID),
    (
        "escapes in a name",
        _file(b'{"a\\/\\u00e9\\ud83d\\ude00":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', F4),
        VALID,
    ),
    (
        "nested 127 deep",
        _file(b'{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"x":' + b"[" * 125 + b"]" * 125 + b"}}", F4),
        VALID,
    ),
    (
        "duplicate tensor",
        _file(
            b'{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}',
            F4,
        ),
        STRICTER,
    ),
    ("duplicate metadata key", _file(b'{"__metadata__":{"k":"v","k":"w"}}'), STRICTER),
    # the length field
    ("empty file", b"", "fewer than its 8-byte header length"),
    ("short length field", b"\x02\0\0", "fewer than its 8-byte header length"),
    ("length past the file", _file(A, F4, length=1000), "header length 1000 exceeds"),
    ("length above 100 MB", _file(A, F4, length=100_000_001), "exceeds safetensors' limit"),
    ("length 2^64-1", _file(A, F4, length=2**64 - 1), "exceeds safetensors' limit"),
    ("zero length", _file(b""), "not a JSON object"),
    # the JSON
    ("not an object", _file(b"[]"), "not a JSON object"),
    ("nesting 100000 deep", _file(b'{"a":{"x":' + b"[" * 100_000 + b"]" * 100_000 + b"}}"), "deeper than 127"),
    ("array entry 100000 deep", _file(b'{"a":' + b"[" * 100_000 + b"]" * 100_000 + b"}"), "dtype is not a string"),
    (
        "nested 128 deep",
        _file(b'{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"x":' + b"[" * 126 + b"]" * 126 + b"}}", F4),
        "deeper than 127",
    ),
    ("trailing comma", _file(A[:-1] + b",}", F4), "trailing comma"),
    (
        "trailing comma in shape",
        _file(b'{"a":{"dtype":"F32","shape":[1,],"data_offsets":[0,4]}}', F4),
        "trailing comma",
    ),
    ("leading zero", _file(b'{"a":{"dtype":"F32","shape":[01],"data_offsets":[0,4]}}', F4), "leading zero"),
    (
        "control character",
        _file(b'{"a\x01":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', F4),
        "control character",
    ),
    ("invalid UTF-8 name", _file(b'{"a\xff":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', F4), "not valid UTF-8"),
    ("overlong UTF-8", _file(b'{"a\xc0\xaf":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', F4), "not valid UTF-8"),
    (
        "encoded surrogate",
        _file(b'{"a\xed\xa0\x80":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', F4),
        "not valid UTF-8",
    ),
    ("lone surrogate escape", _file(b'{"a\\ud800":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', F4), "surrogate"),
    ("bad escape", _file(b'{"a\\x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', F4), "invalid escape"),
    ("byte order mark", _file(b"\xef\xbb\xbf" + A, F4), "not a JSON object"),
    ("vertical tab after", _file(A + b"\x0b", F4), "trailing characters"),
    ("garbage after", _file(A + b"x", F4), "trailing characters"),
    (
        "NaN in a skipped field",
        _file(b'{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"x":NaN}}', F4),
        "expected a JSON value",
    ),
    ("unterminated", _file(A[:-2]), "unexpected end"),
    # the schema
    ("entry not an object", _file(b'{"a":true}'), "tensor 'a' is not an object"),
    ("missing shape", _file(b'{"a":{"dtype":"F32","data_offsets":[0,4]}}', F4), "tensor 'a' lacks 'shape'"),
    (
        "duplicate field",
        _file(b'{"a":{"dtype":"F32","dtype":"F32","shape":[1],"data_offsets":[0,4]}}', F4),
        "field 'dtype' appears twice",
    ),
    ("duplicate __metadata__", _file(b'{"__metadata__":{},"__metadata__":{}}'), "'__metadata__' appears twice"),
    ("metadata value not a string", _file(b'{"__metadata__":{"k":1}}'), "value of 'k' is not a string"),
    ("metadata an array", _file(b'{"__metadata__":[]}'), "must be an object of strings"),
    ("unknown dtype", _file({"a": _entry(dtype="Q9")}, F4), "tensor 'a': unknown dtype 'Q9'"),
    ("lower-case dtype", _file({"a": _entry(dtype="f32")}, F4), "unknown dtype 'f32'"),
    ("dtype not a string", _file(b'{"a":{"dtype":1,"shape":[1],"data_offsets":[0,4]}}', F4), "dtype is not a string"),
    (
        "string shape",
        _file(b'{"a":{"dtype":"F32","shape":"1","data_offsets":[0,4]}}', F4),
        "tensor 'a': shape is not an array",
    ),
    (
        "string dimension",
        _file(b'{"a":{"dtype":"F32","shape":["1"],"data_offsets":[0,4]}}', F4),
        "not a non-negative integer",
    ),
    (
        "float dimension",
        _file(b'{"a":{"dtype":"F32","shape":[1.0],"data_offsets":[0,4]}}', F4),
        "not a non-negative integer",
    ),
    (
        "exponent dimension",
        _file(b'{"a":{"dtype":"F32","shape":[1e0],"data_offsets":[0,4]}}', F4),
        "not a non-negative integer",
    ),
    (
        "negative dimension",
        _file(b'{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}', F4),
        "not a non-negative integer",
    ),
    (
        "minus zero offset",
        _file(b'{"a":{"dtype":"F32","shape":[1],"data_offsets":[-0,4]}}', F4),
        "not a non-negative integer",
    ),
    (
        "offset above 2^64",
        _file(b'{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,18446744073709551616]}}', F4),
        "above 2\\^64",
    ),
    ("three offsets", _file({"a": _entry(offsets=(0, 4, 4))}, F4), "data_offsets must hold 2"),
    # the layout
    ("gap before", _file({"a": _entry(offsets=(4, 8))}, F4 * 2), "tensor 'a'.*a gap before it"),
    ("overlap", _file({"a": _entry(offsets=(0, 4)), "b": _entry(offsets=(2, 6))}, F4 * 2), "tensor 'b'.*overlaps"),
    ("end before begin", _file({"a": _entry(shape=(0,), offsets=(4, 0))}, F4), "tensor 'a'.*ends before it begins"),
    ("trailing bytes", _file(A, F4 + b"x"), "1 bytes after the last tensor"),
    ("truncated data", _file({"a": _entry(shape=(2,), offsets=(0, 8))}, F4), "truncated"),
    (
        "shape and bytes differ",
        _file({"a": _entry(shape=(2,))}, F4),
        "tensor 'a'.*needs 8 bytes, its data_offsets hold 4",
    ),
    ("size overflows", _file({"a": _entry(shape=(2**32, 2**32))}, F4), "overflows"),
    ("F4 half a byte", _file({"a": _entry(dtype="F4", shape=(1,), offsets=(0, 1))}, b"\0"), "whole number of bytes"),
]


def _safetensors_accepts(path):
    try:
        with safetensors.safe_open(str(path), framework="np") as f:
            list(f.keys())
            f.metadata()
    except Exception:  # the package's SafetensorError, or a numpy error on a valid file
        return False
    return True


@pytest.mark.parametrize("name,content,expected", CASES, ids=[c[0] for c in CASES])
def test_slimcore_refuses_what_safetensors_refuses(tmp_path, name, content, expected):
    path = tmp_path / "case.safetensors"
    path.write_bytes(content)
    assert _safetensors_accepts(path) == (expected in (VALID, STRICTER)), "the table disagrees with safetensors"
    if expected == VALID:
        tensors, _ = tf.train.read_checkpoint(str(path))
        assert all(isinstance(t, np.ndarray) for t in tensors.values())
        return
    match = "appears twice" if expected == STRICTER else expected
    with pytest.raises(
        errors.DataLossError, match=re.escape(str(path)) + r": not a valid safetensors file: .*" + match
    ):
        tf.train.read_checkpoint(str(path))


REFUSED = [c for c in CASES if c[2] not in (VALID, STRICTER)]


@pytest.mark.parametrize("name,content,expected", REFUSED, ids=[c[0] for c in REFUSED])
def test_restore_refuses_them_too_and_changes_nothing(tmp_path, name, content, expected):
    path = tmp_path / "case.safetensors"
    path.write_bytes(content)
    a = tf.Variable(np.array([7.0], np.float32), name="a")
    with tf.Session() as sess:
        sess.run(a.initializer)
        with pytest.raises(errors.DataLossError, match=expected):
            tf.train.Saver([a]).restore(sess, str(path))
        assert sess.run(a)[0] == 7.0


def test_a_valid_file_with_a_dtype_slimcore_lacks_is_refused_as_such(tmp_path):
    safetensors_numpy = pytest.importorskip("safetensors.numpy")
    path = tmp_path / "half.safetensors"
    safetensors_numpy.save_file({"h": np.ones(3, np.float16)}, str(path))
    with pytest.raises(errors.InvalidArgumentError, match="tensor 'h' has dtype F16, which slimcore does not read"):
        tf.train.read_checkpoint(str(path))


def test_data_loss_error_is_a_value_error_and_exported():
    assert issubclass(errors.DataLossError, ValueError)
    assert "DataLossError" in errors.__all__
