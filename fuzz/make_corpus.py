"""Writes the seed corpus of fuzz/corpus/ (kilobytes): valid files and a few
malformed ones for each target. Rerun after changing what it writes:

    python fuzz/make_corpus.py
"""

from __future__ import annotations

import io
import json
import pathlib
import struct
import zipfile

import numpy as np

import slimcore as tf

HERE = pathlib.Path(__file__).resolve().parent


def _safetensors(header, data: bytes = b"") -> bytes:
    text = header if isinstance(header, bytes) else json.dumps(header).encode()
    return struct.pack("<Q", len(text)) + text + data


def checkpoints(out: pathlib.Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    graph = tf.Graph()
    with graph.as_default():  # the variables fuzz_checkpoint.py restores into
        a = tf.Variable(np.array([1.5, -2.0], np.float32), name="a")
        step = tf.Variable(np.int64(7), name="global_step")
        with tf.Session(graph=graph) as sess:
            sess.run([a.initializer, step.initializer])
            tf.train.Saver([a, step]).save(sess, str(out / "slimcore"), write_state=False)
    (out / "slimcore").with_suffix(".safetensors").rename(out / "slimcore-saved.safetensors")
    f4 = struct.pack("<ff", 1.0, 2.0)
    seeds = {
        "minimal": _safetensors({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}, f4),
        "metadata": _safetensors(
            {"__metadata__": {"format": "pt"}, "a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}, f4
        ),
        "two-tensors": _safetensors(
            {
                "global_step": {"dtype": "I64", "shape": [], "data_offsets": [8, 16]},
                "a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
            },
            f4 + struct.pack("<q", 3),
        ),
        "f16-and-empty": _safetensors(
            {
                "h": {"dtype": "F16", "shape": [2], "data_offsets": [0, 4]},
                "e": {"dtype": "BOOL", "shape": [0, 5], "data_offsets": [4, 4]},
            },
            b"\0" * 4,
        ),
        "array-form": _safetensors(b'{"a":["F32",[2],[0,8]]}', f4),
        "empty": _safetensors(b"{}"),
        "bad-gap": _safetensors({"a": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}}, f4),
        "bad-nesting": _safetensors(b'{"a":' + b"[" * 200 + b"]" * 200 + b"}"),
        "bad-decay-settings": _safetensors(
            {
                "__metadata__": {"slimcore.decay_settings": '{"variables": {"a": [1]}}'},
                "a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
            },
            f4,
        ),
    }
    for name, data in seeds.items():
        (out / f"{name}.safetensors").write_bytes(data)


def _npz(**arrays) -> bytes:
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


def npz_files(out: pathlib.Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    x, y = rng.random((6, 3)).astype(np.float32), np.array([0, 1, 2, 0, 1, 2])
    compressed = io.BytesIO()
    np.savez_compressed(compressed, x=x, y=y)
    seeds = {
        "xy": _npz(x=x, y=y),
        "xy-compressed": compressed.getvalue(),
        "split-onehot": _npz(x_train=x[:4], y_train=np.eye(3)[y[:4]], x_test=x[4:], y_test=y[4:]),
        "column-labels": _npz(x=x.astype(np.float64), y=y[:, None].astype(np.uint8)),
        "images-fortran": _npz(x=np.asfortranarray(rng.random((4, 2, 2))), y=np.array([1.0, 0.0, 1.0, 0.0])),
        "not-onehot": _npz(x=x, y=rng.random((6, 3))),
        "object-array": _npz(x=np.array([{"a": 1}] * 6, dtype=object), y=y),
        "strings": _npz(x=np.array(["a"] * 6), y=y),
    }
    member = io.BytesIO()
    with zipfile.ZipFile(member, "w") as archive:
        archive.writestr(
            "x.npy",
            b"\x93NUMPY\x01\x00v\x00{'descr': '<f4', 'fortran_order': False, 'shape': (1000000000000, 3), }"
            + b" " * 40
            + b"\n",
        )
    seeds["huge-shape"] = member.getvalue()
    seeds["not-a-zip"] = b"not an npz file at all"
    for name, data in seeds.items():
        (out / f"{name}.npz").write_bytes(data)


if __name__ == "__main__":
    checkpoints(HERE / "corpus" / "checkpoint")
    npz_files(HERE / "corpus" / "npz")
