"""tf.contrib (TF 1.x) on slimcore: ``layers``, ``slim``, ``framework``, ``opt``, ``rnn``, ``util``,
``metrics``, ``losses``.

``tf.contrib.slim`` is slimcore.slim itself, ``tf.contrib.metrics`` is
slim.metrics (contrib's streaming_* metrics) and ``tf.contrib.losses`` is
slim.losses (contrib's losses: (logits, labels) order, distinct from core
tf.losses); the others are small modules
re-exporting slimcore's objects under contrib's names.
"""

from __future__ import annotations

import sys as _sys

from .... import slim
from . import framework, layers, opt, rnn, util

metrics = slim.metrics
losses = slim.losses
_sys.modules.setdefault(f"{__name__}.slim", slim)
_sys.modules.setdefault(f"{__name__}.metrics", metrics)
_sys.modules.setdefault(f"{__name__}.losses", losses)

__all__ = ["framework", "layers", "losses", "metrics", "opt", "rnn", "slim", "util"]
