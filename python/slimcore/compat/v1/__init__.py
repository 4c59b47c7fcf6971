"""slimcore.compat.v1: a namespace shaped like TensorFlow 1.x's ``tf``.

A TF1, tf.contrib.slim or graph-mode tf.keras program runs on slimcore by
changing its import::

    import slimcore.compat.v1 as tf          # was: import tensorflow as tf
    slim = tf.contrib.slim                   # was: import tensorflow.contrib.slim as slim

What is where (each name is slimcore's own object, re-exported):

=========================  ====================================================
``tf.*``                   everything ``slimcore`` exports: Graph, Session,
                           placeholder, constant, Variable, get_variable,
                           variable_scope, name_scope, GraphKeys, collections,
                           math ops (add_n, stack and TF 0.x's ``pack``,
                           reduce_sum, reduce_mean, cast...), dtypes, initializers
``tf.losses``              slimcore.losses (every tf.losses function, Reduction,
                           get_regularization_loss(es), get_total_loss)
``tf.nn``                  slimcore.nn
``tf.metrics``             slimcore.metrics (streaming metrics: value and
                           update op over LOCAL_VARIABLES)
``tf.train``               slimcore.train (TF1 optimizers, schedules, Saver...)
``tf.layers``              slimcore.layers (dense, conv2d, flatten, dropout, pools)
``tf.initializers``        TF1's short names (zeros, glorot_uniform, he_normal...)
``tf.keras``               slimcore.keras (Sequential, layers, regularizers...)
``tf.contrib.layers``      slim's layers, contrib regularizers and initializers
``tf.contrib.slim``        slimcore.slim
``tf.contrib.framework``   arg_scope, add_arg_scope, get_or_create_global_step...
``tf.contrib.opt``         AdamWOptimizer, MomentumWOptimizer,
                           extend_with_decoupled_weight_decay
``tf.compat.v1``           this namespace itself (TF 1.13+ spellings), and
                           tf.compat.as_bytes / as_text / as_str_any
``tf.math``, ``tf.random`` TF 1.13+'s names of the math and random ops
                           (``tf.math.log is tf.log``, ``tf.random.normal is
                           tf.random_normal``), those slimcore has
``tf.ConfigProto``,        session configuration; ``Session(config=)`` honours
``tf.GPUOptions``          ``intra_op_parallelism_threads``, the rest is kept
                           without effect on this CPU engine
``tf.device``              a no-op context (every op runs on the CPU)
``tf.gfile``, ``tf.io``    TF1's file API over local paths (``tf.io.gfile``
                           and the CamelCase ``tf.gfile``): TF1's error
                           classes; gs:// and other URLs: UnimplementedError
``tf.data``                slimcore.data (Dataset, iterators; no TFRecord)
``tf.app``, ``tf.flags``  ``tf.app.run`` and the absl flags (DEFINE_*, FLAGS),
                           as TF1: absl's own
``tf.logging``             TF1's logging functions over Python's logging
                           (logger "tensorflow"); ``tf.get_logger``
``tf.estimator``           not supported: each of its names raises
                           EstimatorNotSupportedError (an ImportError) pointing
                           to slim.learning and keras
``tf.__version__``         ``"1.15.0+slimcore"`` (also ``tf.VERSION`` and
                           ``tf.version.VERSION``)
=========================  ====================================================

One behaviour is added at this boundary: TF1 auto-packs a Python list of
tensors passed where one tensor is expected (``tf.reduce_sum([t1, t2])``),
so the top-level functions here do too (see ``_autopack``).

Nothing numerical lives here: the numbers are slimcore's, and where slimcore
is louder than TF1 (a train op that leaves out regularization losses warns),
it is as loud under these names.
"""

from __future__ import annotations

import inspect as _inspect
import sys as _sys

# (`from . import initializers` would return slimcore.initializers, star-imported above)
from importlib import import_module as _import_module

import slimcore as _slimcore
from slimcore import *  # noqa: F403
from slimcore import (
    errors,
    keras,
    layers,
    losses,
    metrics,
    nn,
    regularizers,
    summary,
    train,
)
from slimcore.ops import nest

from . import contrib
from ._autopack import autopack as _autopack

initializers = _import_module(f"{__name__}.initializers")

# Functions whose tensor argument TF1 would auto-pack from a list of tensors.
# (constant raises on tensors in TF1 too; collection values are stored as given.)
_NOT_PACKED = frozenset(
    {
        "constant",
        "add_to_collection",
        "add_to_collections",
        "get_collection",
        "get_collection_ref",
        "placeholder",
        "get_variable",
        "variable_scope",
        "name_scope",
        "gradients",
        "case",
        "cond",
        "group",
        "tuple",
        "control_dependencies",
    }
)
for _name in _slimcore.__all__:
    _obj = getattr(_slimcore, _name)
    if _inspect.isfunction(_obj) and _name not in _NOT_PACKED:
        globals()[_name] = _autopack(_obj)

# TF 1.13+'s namespaces; after the loop above so that they alias the same
# (auto-packing) functions as tf.* (`tf.math.add_n is tf.add_n`).
from . import app, compat, data, estimator, flags, gfile, io, logging, math, random, version  # noqa: E402
from .logging import get_logger  # noqa: E402  (tf.get_logger, TF 1.14+)

# The version TF1 programs branch on (`if tf.__version__ < "1.13"`,
# `packaging.version.parse(tf.__version__)`): TF 1.15's API, marked as slimcore
# in PEP 440's local-version part (a "-slimcore" suffix would make
# packaging.version.parse raise).
__version__ = version.VERSION
VERSION = version.VERSION

# `import slimcore.compat.v1.losses` (and the other submodules) as TF1 allows.
for _sub in ("losses", "metrics", "nn", "summary", "train", "layers", "errors", "keras"):
    _sys.modules.setdefault(f"{__name__}.{_sub}", globals()[_sub])
for _sub in (
    "models",
    "layers",
    "regularizers",
    "optimizers",
    "losses",
    "metrics",
    "activations",
    "initializers",
    "backend",
):
    _sys.modules.setdefault(f"{__name__}.keras.{_sub}", getattr(keras, _sub))

__all__ = sorted(
    set(_slimcore.__all__)
    | {
        "contrib",
        "initializers",
        "keras",
        "layers",
        "losses",
        "metrics",
        "nn",
        "nest",
        "summary",
        "train",
        "errors",
        "compat",
        "estimator",
        "math",
        "random",
        "gfile",
        "io",
        "data",
        "app",
        "flags",
        "logging",
        "get_logger",
        "version",
        "VERSION",
    }
)

del _name, _obj, _sub


def __getattr__(name: str) -> object:
    """tf.Summary, tf.Event, tf.SessionLog, tf.HistogramProto, tf.SummaryMetadata:
    the protocol buffers of slimcore.summary, loaded on first use."""
    if name in summary.PROTO_NAMES:
        return getattr(summary, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
