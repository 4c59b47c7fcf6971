"""tf.contrib (TF 1.x) on slimcore: ``layers``, ``slim``, ``framework``, ``opt``, ``rnn``, ``util``.

``tf.contrib.slim`` is slimcore.slim itself; the others are small modules
re-exporting slimcore's objects under contrib's names.
"""

from __future__ import annotations

import sys as _sys

from .... import slim
from . import framework, layers, opt, rnn, util

_sys.modules.setdefault(f"{__name__}.slim", slim)

__all__ = ["framework", "layers", "opt", "rnn", "slim", "util"]
