"""tf.compat as TF 1.13-1.15 has it: ``tf.compat.v1`` is the ``tf`` namespace itself.

Code written for TF 1.13+ spells ``tf.compat.v1.placeholder``,
``tf.compat.v1.Session``...; with ``import slimcore.compat.v1 as tf`` those
reach the same objects as ``tf.placeholder``. Also TF1's string helpers
``as_bytes``, ``as_text`` (``as_str``) and ``as_str_any``.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["v1", "as_bytes", "as_text", "as_str", "as_str_any"]

v1 = importlib.import_module("slimcore.compat.v1")


def as_bytes(bytes_or_text: Any, encoding: str = "utf-8") -> bytes:
    """tf.compat.as_bytes: `bytes_or_text` as bytes (text encoded with `encoding`).

    Raises:
      TypeError: neither bytes, bytearray nor str.
    """
    if isinstance(bytes_or_text, bytearray):
        return bytes(bytes_or_text)
    if isinstance(bytes_or_text, str):
        return bytes_or_text.encode(encoding)
    if isinstance(bytes_or_text, bytes):
        return bytes_or_text
    raise TypeError(f"Expected binary or unicode string, got {bytes_or_text!r}")


def as_text(bytes_or_text: Any, encoding: str = "utf-8") -> str:
    """tf.compat.as_text (as_str): `bytes_or_text` as str (bytes decoded with `encoding`).

    Raises:
      TypeError: neither bytes nor str.
    """
    if isinstance(bytes_or_text, str):
        return bytes_or_text
    if isinstance(bytes_or_text, bytes):
        return bytes_or_text.decode(encoding)
    raise TypeError(f"Expected binary or unicode string, got {bytes_or_text!r}")


as_str = as_text


def as_str_any(value: Any) -> str:
    """tf.compat.as_str_any: bytes decoded as UTF-8, anything else through str()."""
    return as_text(value) if isinstance(value, bytes) else str(value)
