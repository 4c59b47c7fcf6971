"""tf.version (TF 1.13+): the version strings TF1 programs read, slimcore's here.

``VERSION`` is ``tf.__version__`` ("1.15.0+slimcore": TF 1.15's API run by
slimcore); ``GIT_VERSION`` and ``COMPILER_VERSION`` say slimcore's instead of
TensorFlow's build.
"""

from __future__ import annotations

import platform

import slimcore as _slimcore

__all__ = ["VERSION", "GIT_VERSION", "COMPILER_VERSION"]

VERSION = "1.15.0+slimcore"
GIT_VERSION = f"slimcore-{_slimcore.__version__}"
COMPILER_VERSION = platform.python_compiler()
