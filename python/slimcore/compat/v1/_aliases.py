"""Builds TF1's alias namespaces (tf.math, tf.random) from the names slimcore has.

TF1 exports most functions twice: ``tf.math.log`` is ``tf.log``,
``tf.random.normal`` is ``tf.random_normal``, ``tf.math.softplus`` is
``tf.nn.softplus``. A namespace module lists TF1's names with the path of
the object in ``slimcore.compat.v1`` and calls :func:`export`: every name
whose target exists becomes a module attribute (the same object, so
``tf.math.add is tf.add``); a TF1 name whose op slimcore lacks raises an
AttributeError that says so, instead of Python's bare "has no attribute".
"""

from __future__ import annotations

import importlib
from typing import Any, Callable


def _lookup(root: Any, path: str) -> Any:
    obj = root
    for part in path.split("."):
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    return obj


def export(namespace: str, module_globals: dict, table: dict) -> Callable[[str], Any]:
    """Puts each name of `table` (TF1 name -> path in compat.v1) that exists into `module_globals`.

    Sets ``__all__`` to the names found and returns the module's
    ``__getattr__``, which names a missing TF1 op as such.
    """
    root = importlib.import_module("slimcore.compat.v1")
    found = []
    for name, path in table.items():
        obj = _lookup(root, path)
        if obj is not None:
            module_globals[name] = obj
            found.append(name)
    module_globals["__all__"] = sorted(found)

    def __getattr__(name: str) -> Any:  # noqa: N807 (the module hook's name)
        if name in table:
            raise AttributeError(f"{namespace}.{name} is a TensorFlow 1 name that slimcore does not implement yet")
        raise AttributeError(f"module {namespace!r} has no attribute {name!r}")

    return __getattr__
