"""tf.contrib.util (TF 1.x): ``constant_value``, the value of a tensor when
the graph alone determines it (slimcore.framework.tensor_util)."""

from __future__ import annotations

from ....framework.tensor_util import constant_value

__all__ = ["constant_value"]
