"""tf.io as TF 1.13-1.15 has it; here only ``tf.io.gfile`` (local files)."""

from . import gfile

__all__ = ["gfile"]
