"""tf.contrib (TF 1.x) on slimcore: ``layers``, ``slim``, ``framework``, ``opt``, ``rnn``, ``util``,
``metrics``.

``tf.contrib.slim`` is slimcore.slim itself and ``tf.contrib.metrics`` is
slim.metrics (contrib's streaming_* metrics); the others are small modules
re-exporting slimcore's objects under contrib's names.
"""

from __future__ import annotations

import sys as _sys

from .... import slim
from . import framework, layers, opt, rnn, util

metrics = slim.metrics
_sys.modules.setdefault(f"{__name__}.slim", slim)
_sys.modules.setdefault(f"{__name__}.metrics", metrics)

__all__ = ["framework", "layers", "metrics", "opt", "rnn", "slim", "util"]
