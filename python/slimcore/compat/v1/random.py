"""tf.random: TF 1.13-1.15's names of the random ops, each the same object as its older name.

``tf.random.normal is tf.random_normal`` (and uniform, truncated_normal,
set_random_seed...): same signatures, seeds and numbers. Only the ops
slimcore has are here; a TF1 name whose op is missing raises an
AttributeError that says so (see ``_aliases``).
"""

from __future__ import annotations

from ._aliases import export as _export

# TF1 name -> where slimcore.compat.v1 keeps it (TF 1.15's tf.random, compat.v1).
_TF1_NAMES = {
    "normal": "random_normal",
    "uniform": "random_uniform",
    "truncated_normal": "truncated_normal",
    "set_random_seed": "set_random_seed",
    "shuffle": "random_shuffle",
    "gamma": "random_gamma",
    "poisson": "random_poisson",
    "multinomial": "multinomial",
}

__getattr__ = _export("tf.random", globals(), _TF1_NAMES)
