"""tf.train.Saver and latest_checkpoint, writing safetensors files.

``saver.save(sess, "ckpt/model", global_step=100)`` writes
``ckpt/model-100.safetensors`` -- one tensor per variable, named as TF names
it ("dense/kernel") -- and the directory's "checkpoint" state file in TF's
text format, and returns the prefix ``ckpt/model-100`` (as TF does). Files
are written to a temporary name, flushed to disk and renamed: a crash
mid-save never destroys the previous checkpoint. The ``safetensors``
package and slimcore's C++ library read them.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import warnings
from typing import TYPE_CHECKING, Any

from .. import _core
from ..framework.ops import GraphKeys, Tensor, get_default_graph
from ..variables import Variable

if TYPE_CHECKING:  # annotations only
    from collections.abc import Sequence

    from ..framework.session import Session

__all__ = [
    "Saver",
    "latest_checkpoint",
    "checkpoint_path",
    "read_checkpoint",
    "CheckpointSettingsWarning",
    "decay_settings",
]

DECAY_KEY = "slimcore.decay_settings"


class CheckpointSettingsWarning(UserWarning):
    """A restored variable's regularization or decay settings differ from the checkpoint's."""


def decay_settings(variables: list, names: list) -> dict:
    """What a checkpoint records per variable, read from its settings record:
    its penalty (kind, scale, convention "half"/"full"), decoupled decay,
    learning-rate multiplier, momentum and role; and the algorithm, weight
    decay and decay convention of the graph's last optimizer update (its
    update plan)."""
    from .plan import graph_update_plans, penalty_summary

    out: dict = {"variables": {}}
    for name, v in zip(names, variables):
        penalty = penalty_summary(v)
        out["variables"][name] = {
            "regularizer": penalty["kind"],
            "scale": penalty["scale"],
            "convention": penalty["convention"],
            "weight_decay": v.weight_decay,
            "lr_mult": v.lr_mult,
            "momentum": v.momentum,
            "role": v.role,
        }
    plans = graph_update_plans(variables[0].graph) if variables else []
    if plans:
        plan = plans[-1]
        weight_decay = plan.value("weight_decay")
        out["optimizer"] = {
            "algorithm": plan.algorithm,
            "weight_decay": weight_decay if weight_decay is not None else plan.scalar("weight_decay").name,
            "decay_convention": plan.variables[0].decay_convention,
        }
    return out


SUFFIX = ".safetensors"
STATE_FILE = "checkpoint"


def checkpoint_path(prefix: str) -> str:
    """The file of a checkpoint prefix: "<prefix>.safetensors"."""
    return prefix if prefix.endswith(SUFFIX) else prefix + SUFFIX


def read_checkpoint(prefix: str) -> tuple:
    """({name: numpy array}, {metadata}) of a checkpoint.

    Raises:
      ValueError: not a checkpoint (missing or malformed file).
    """
    path = checkpoint_path(prefix)
    if not os.path.isfile(path):
        raise ValueError(f"The passed save_path is not a valid checkpoint: {prefix} (no file {path})")
    return _core.read_safetensors(path)


def _state_path(directory: str, latest_filename: str | None) -> str:
    return os.path.join(directory, latest_filename or STATE_FILE)


def _write_state(directory: str, latest: str, all_paths: list, latest_filename: str | None) -> None:
    def rel(p: str) -> str:
        return os.path.relpath(p, directory) if os.path.dirname(os.path.abspath(p)) == os.path.abspath(directory) else p

    lines = [f'model_checkpoint_path: "{rel(latest)}"'] + [f'all_model_checkpoint_paths: "{rel(p)}"' for p in all_paths]
    path = _state_path(directory, latest_filename)
    tmp = f"{path}.tmp-{os.getpid()}"
    with open(tmp, "w") as f:
        f.write("\n".join(lines) + "\n")
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def latest_checkpoint(checkpoint_dir: str, latest_filename: str | None = None) -> str | None:
    """tf.train.latest_checkpoint: the prefix of the newest checkpoint recorded
    in the directory's state file, or None."""
    state = _state_path(checkpoint_dir, latest_filename)
    if not os.path.isfile(state):
        return None
    with open(state) as f:
        match = re.search(r'^model_checkpoint_path:\s*"(.*)"\s*$', f.read(), re.MULTILINE)
    if not match:
        return None
    prefix = match.group(1)
    if not os.path.isabs(prefix):
        prefix = os.path.join(checkpoint_dir, prefix)
    return prefix if os.path.isfile(checkpoint_path(prefix)) else None


class Saver:
    """tf.train.Saver(var_list=None, max_to_keep=5).

    Args:
      var_list: None (every global variable), a list of Variables, or a dict
        {checkpoint name: Variable}.
      max_to_keep: checkpoints kept by this saver (older ones are deleted);
        None or 0 keeps all.

    Raises:
      TypeError / ValueError: var_list entries that are not Variables, or
        duplicate names.
    """

    def __init__(
        self,
        var_list: Sequence[Variable] | dict[str, Variable] | None = None,
        reshape: bool = False,
        sharded: bool = False,
        max_to_keep: int | None = 5,
        keep_checkpoint_every_n_hours: float = 10000.0,
        name: str | None = None,
        allow_empty: bool = False,
        **_: Any,
    ) -> None:
        graph = get_default_graph()
        if var_list is None:
            var_list = graph.get_collection(GraphKeys.GLOBAL_VARIABLES)
        if isinstance(var_list, dict):
            items = list(var_list.items())
        else:
            items = [(v.op.name if isinstance(v, Variable) else None, v) for v in var_list]
        for _key, v in items:
            if not isinstance(v, Variable):
                raise TypeError(f"Saver: var_list entries must be Variables, got {v!r}")
        names = [k for k, _ in items]
        if len(set(names)) != len(names):
            raise ValueError(f"Saver: duplicate checkpoint names in var_list: {names}")
        if not items and not allow_empty:
            raise ValueError("No variables to save")
        if max_to_keep is not None and max_to_keep < 0:
            raise ValueError(f"max_to_keep must be >= 0 or None, got {max_to_keep}")
        self._items = items
        self._graph = graph
        self._max_to_keep = max_to_keep
        self._last: list = []

    @property
    def last_checkpoints(self) -> list:
        return list(self._last)

    def _nodes(self, sess: Session) -> tuple:
        if sess.graph is not self._graph:
            raise ValueError("Saver: the session runs another graph than the saver's")
        return [v._variable._node for _, v in self._items], [k for k, _ in self._items]

    def save(
        self,
        sess: Session,
        save_path: str,
        global_step: Tensor | Variable | None = None,
        latest_filename: str | None = None,
        write_meta_graph: bool = True,
        write_state: bool = True,
        metadata: dict | None = None,
        **_: Any,
    ) -> str:
        """Writes the variables' values; returns the checkpoint prefix.

        Raises:
          ValueError: an unwritable directory.
          slimcore.errors.FailedPreconditionError: an uninitialized variable.
        """
        if global_step is not None:
            step = sess.run(global_step) if isinstance(global_step, (Tensor, Variable)) else global_step
            prefix = f"{save_path}-{int(step)}"
        else:
            prefix = save_path
        directory = os.path.dirname(os.path.abspath(prefix))
        if not os.path.isdir(directory):
            raise ValueError(f"Parent directory of {save_path} doesn't exist, can't save.")
        nodes, names = self._nodes(sess)
        meta = {
            "format": "slimcore/1",
            DECAY_KEY: json.dumps(decay_settings([v for _, v in self._items], names), sort_keys=True),
        }
        meta.update({str(k): str(v) for k, v in (metadata or {}).items()})
        _core.save_variables(sess._c, checkpoint_path(prefix), nodes, names, meta)
        if prefix in self._last:
            self._last.remove(prefix)
        self._last.append(prefix)
        if self._max_to_keep:
            while len(self._last) > self._max_to_keep:
                old = self._last.pop(0)
                with contextlib.suppress(FileNotFoundError):
                    os.remove(checkpoint_path(old))
        if write_state:
            _write_state(os.path.dirname(prefix) or ".", prefix, self._last, latest_filename)
        return prefix

    def restore(self, sess: Session, save_path: str) -> None:
        """Assigns every variable its value from the checkpoint (all checked first:
        a failed restore changes nothing).

        Raises:
          ValueError: no checkpoint at save_path.
          slimcore.errors.NotFoundError: a variable missing from the checkpoint.
          slimcore.errors.InvalidArgumentError: a shape or dtype mismatch, a malformed file.
        """
        if save_path is None:
            raise ValueError("Can't load save_path when it is None.")
        path = checkpoint_path(save_path)
        if not os.path.isfile(path):
            raise ValueError(f"The passed save_path is not a valid checkpoint: {save_path}")
        nodes, names = self._nodes(sess)
        _core.restore_variables(sess._c, path, nodes, names)
        self._compare_settings(path, names)

    def _compare_settings(self, path: str, names: list) -> None:
        """Warns when the graph's decay settings differ from the checkpoint's."""
        meta = _read_metadata(path)
        if DECAY_KEY not in meta:
            return
        saved = json.loads(meta[DECAY_KEY]).get("variables", {})
        current = decay_settings([v for _, v in self._items], names)["variables"]
        differences = []
        for name in names:
            if name not in saved:
                continue
            changed = {
                k: (saved[name].get(k), current[name].get(k))
                for k in current[name]
                if saved[name].get(k) != current[name].get(k)
            }
            if changed:
                differences.append(
                    f"{name}: " + ", ".join(f"{k} {a!r} in the checkpoint, {b!r} now" for k, (a, b) in changed.items())
                )
        if differences:
            warnings.warn(
                f"restoring {path}: the regularization settings differ from the checkpoint's: "
                + "; ".join(differences[:8])
                + (" ..." if len(differences) > 8 else ""),
                CheckpointSettingsWarning,
                stacklevel=3,
            )


def _read_metadata(path: str) -> dict:
    """The metadata of a safetensors file, reading only its header."""
    with open(path, "rb") as f:
        size = int.from_bytes(f.read(8), "little")
        header = json.loads(f.read(size))
    return header.get("__metadata__", {})
