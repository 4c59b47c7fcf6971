"""tf.train.Saver and latest_checkpoint, writing safetensors files.

``saver.save(sess, "ckpt/model", global_step=100)`` writes
``ckpt/model-100.safetensors`` -- one tensor per variable, named as TF names
it ("dense/kernel") -- and the directory's "checkpoint" state file in TF's
text format, and returns the prefix ``ckpt/model-100`` (as TF does). The
``safetensors`` package and slimcore's C++ library read them.

What a failure leaves:

- A killed save: the previous complete checkpoint, and a state file naming
  it. Every file is written to a temporary name ("<file>.tmp-<pid>-<n>"),
  flushed to disk and renamed; the state file is rewritten before an old
  checkpoint is deleted (``max_to_keep``), so ``latest_checkpoint`` always
  names a complete file. The next save removes the temporary files that
  killed saves of the same prefix left (those whose process is gone).
- A failed restore: nothing changed. The file and its metadata (the decay
  settings included) are read and validated whole before any variable is
  assigned; a malformed file raises ``slimcore.errors.DataLossError``.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import math
import os
import re
import threading
import warnings
from typing import TYPE_CHECKING, Any

from .. import _core
from ..framework import replicas
from ..framework.errors import DataLossError
from ..framework.ops import GraphKeys, Tensor, get_default_graph
from ..variables import Variable

if TYPE_CHECKING:  # annotations only
    from collections.abc import Sequence

    from ..framework.session import Session

__all__ = [
    "Saver",
    "CheckpointState",
    "get_checkpoint_state",
    "checkpoint_exists",
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

    The file is validated whole by the safetensors format's rules first.

    Raises:
      ValueError: no checkpoint file at `prefix`.
      slimcore.errors.DataLossError (a ValueError): a malformed or truncated
        file, naming the file and the entry.
      slimcore.errors.InvalidArgumentError: a valid safetensors file holding
        a dtype slimcore does not have (F16, BF16, U8...).
    """
    path = checkpoint_path(prefix)
    if not os.path.isfile(path):
        raise ValueError(f"The passed save_path is not a valid checkpoint: {prefix} (no file {path})")
    return _core.read_safetensors(path)


def _state_path(directory: str, latest_filename: str | None) -> str:
    return os.path.join(directory, latest_filename or STATE_FILE)


# Temporary files: "<file>.tmp-<pid>-<n>" (the C++ writer names checkpoint
# files so; this module names state files so).
_TEMP = re.compile(r"(?P<file>.+)\.tmp-(?P<pid>\d+)(?:-\d+)?")
_temp_counter = itertools.count()
_saves_lock = threading.Lock()
_saves_in_flight = 0  # saves of this process writing now


def _fsync_directory(directory: str) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_state(directory: str, latest: str, all_paths: list, latest_filename: str | None) -> None:
    """Rewrites the state file atomically: temporary file, fsync, rename."""

    def rel(p: str) -> str:
        return os.path.relpath(p, directory) if os.path.dirname(os.path.abspath(p)) == os.path.abspath(directory) else p

    lines = [f'model_checkpoint_path: "{rel(latest)}"'] + [f'all_model_checkpoint_paths: "{rel(p)}"' for p in all_paths]
    path = _state_path(directory, latest_filename)
    tmp = f"{path}.tmp-{os.getpid()}-{next(_temp_counter)}"
    try:
        with open(tmp, "x") as f:
            f.write("\n".join(lines) + "\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(tmp)
        raise
    _fsync_directory(directory)


def _process_is_gone(pid: int) -> bool:
    """True when no process `pid` runs (for this process: when none of its
    saves is writing now)."""
    if pid == os.getpid():
        return _saves_in_flight == 0
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except (OSError, OverflowError):  # another user's process, or not a pid: keep
        return False
    return False


def _remove_stale_temporaries(directory: str, save_path: str, state_name: str) -> list:
    """Removes what killed saves left in `directory`: temporary files of the
    checkpoints of `save_path` (with or without a step) and of the state file
    `state_name`, named as this module and the C++ writer name them, whose
    writing process is gone. Never touches another file. Returns the removed
    paths."""
    base = re.escape(os.path.basename(save_path))
    checkpoint_file = re.compile(base + r"(?:-\d+)?(?:" + re.escape(SUFFIX) + ")?")
    removed = []
    try:
        names = os.listdir(directory)
    except OSError:
        return removed
    for name in names:
        match = _TEMP.fullmatch(name)
        if not match:
            continue
        target = match["file"]
        ours = target == state_name or (target.endswith(SUFFIX) and checkpoint_file.fullmatch(target))
        if ours and _process_is_gone(int(match["pid"])):
            path = os.path.join(directory, name)
            with contextlib.suppress(FileNotFoundError):
                os.remove(path)
                removed.append(path)
    return removed


@contextlib.contextmanager
def _saving():
    global _saves_in_flight
    with _saves_lock:
        _saves_in_flight += 1
    try:
        yield
    finally:
        with _saves_lock:
            _saves_in_flight -= 1


def _decay_settings_of(metadata: dict, path: str) -> dict | None:
    """The decay settings a checkpoint records (its metadata's DECAY_KEY),
    validated: {"variables": {name: {field: scalar}}, "optimizer": {...}?}.
    None when the checkpoint records none (a file slimcore did not write).

    Raises:
      slimcore.errors.DataLossError: the record is not valid JSON of that form.
    """
    if DECAY_KEY not in metadata:
        return None

    def bad(what: str) -> DataLossError:
        return DataLossError(f"{path}: metadata {DECAY_KEY!r} is corrupt: {what}")

    def no_constant(name: str) -> None:
        raise bad(f"{name} is not JSON")

    try:
        settings = json.loads(metadata[DECAY_KEY], parse_constant=no_constant)
    except json.JSONDecodeError as e:
        raise bad(f"not JSON ({e})") from None
    if not isinstance(settings, dict) or not isinstance(settings.get("variables"), dict):
        raise bad('expected {"variables": {name: settings}, ...}')

    def scalar(v: Any) -> bool:
        return v is None or isinstance(v, (str, bool, int)) or (isinstance(v, float) and math.isfinite(v))

    for name, entry in settings["variables"].items():
        if not isinstance(entry, dict) or not all(scalar(v) for v in entry.values()):
            raise bad(f"the settings of {name!r} are not an object of numbers and strings: {entry!r:.200}")
    optimizer = settings.get("optimizer")
    if optimizer is not None and (not isinstance(optimizer, dict) or not all(scalar(v) for v in optimizer.values())):
        raise bad(f"the optimizer settings are not an object of numbers and strings: {optimizer!r:.200}")
    return settings


class CheckpointState:
    """What a directory's "checkpoint" state file records (TF1's
    CheckpointState proto): ``model_checkpoint_path``, the newest
    checkpoint's prefix, and ``all_model_checkpoint_paths``, the prefixes
    kept, oldest first. Relative paths in the file are joined to the
    directory, as TF1 does."""

    def __init__(self, model_checkpoint_path: str, all_model_checkpoint_paths: list) -> None:
        self.model_checkpoint_path = model_checkpoint_path
        self.all_model_checkpoint_paths = list(all_model_checkpoint_paths)

    def __repr__(self) -> str:
        lines = [f'model_checkpoint_path: "{self.model_checkpoint_path}"']
        lines += [f'all_model_checkpoint_paths: "{p}"' for p in self.all_model_checkpoint_paths]
        return "\n".join(lines)

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, CheckpointState)
            and self.model_checkpoint_path == other.model_checkpoint_path
            and self.all_model_checkpoint_paths == other.all_model_checkpoint_paths
        )

    __hash__ = None  # type: ignore[assignment]  # mutable, as a proto


def _state_entries(text: str, key: str) -> list:
    return [m.group(1) for m in re.finditer(rf'^{key}:\s*"(.*)"\s*$', text, re.MULTILINE)]


def get_checkpoint_state(checkpoint_dir: str, latest_filename: str | None = None) -> CheckpointState | None:
    """tf.train.get_checkpoint_state: the directory's state file, parsed.

    Args:
      checkpoint_dir: the directory Saver.save wrote to.
      latest_filename: the state file's name (default "checkpoint").

    Returns:
      A CheckpointState, or None when there is no state file (or it names
      no checkpoint).

    Raises:
      ValueError: a state file that is not TF's text format (TF1 raises a
        parse error there too).
    """
    state = _state_path(checkpoint_dir, latest_filename)
    if not os.path.isfile(state):
        return None
    with open(state) as f:
        text = f.read()
    for line in text.splitlines():
        # TF's text format: "key: value" (TF 1.14+ adds timestamp fields: kept, unused).
        if line.strip() and not re.match(r"^\s*\w+\s*:\s*\S", line):
            raise ValueError(f"{state}: not a checkpoint state file (line {line!r})")
    latest = _state_entries(text, "model_checkpoint_path")
    if not latest:
        return None

    def absolute(p: str) -> str:
        return p if os.path.isabs(p) else os.path.join(checkpoint_dir, p)

    return CheckpointState(
        absolute(latest[-1]), [absolute(p) for p in _state_entries(text, "all_model_checkpoint_paths")]
    )


def checkpoint_exists(checkpoint_prefix: str) -> bool:
    """tf.train.checkpoint_exists: whether a checkpoint file exists for the
    prefix (or the file name itself)."""
    return os.path.isfile(checkpoint_path(checkpoint_prefix))


def latest_checkpoint(checkpoint_dir: str, latest_filename: str | None = None) -> str | None:
    """tf.train.latest_checkpoint: the prefix of the newest checkpoint recorded
    in the directory's state file, or None (also when its file is gone).

    Raises:
      ValueError: a state file that is not TF's text format.
    """
    state = get_checkpoint_state(checkpoint_dir, latest_filename)
    if state is None:
        return None
    prefix = state.model_checkpoint_path
    return prefix if checkpoint_exists(prefix) else None


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

        The checkpoint is written atomically; then the state file names it;
        then checkpoints beyond ``max_to_keep`` are deleted. In data-parallel
        training (slimcore.distributed) only rank 0 writes; every rank
        returns the prefix. Temporary files
        that killed saves of this `save_path` left are removed first.

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
        if not replicas.is_root():
            return prefix  # data-parallel: rank 0 writes, the others hold the same values
        meta = {
            "format": "slimcore/1",
            DECAY_KEY: json.dumps(decay_settings([v for _, v in self._items], names), sort_keys=True),
        }
        meta.update({str(k): str(v) for k, v in (metadata or {}).items()})
        _remove_stale_temporaries(directory, save_path, latest_filename or STATE_FILE)
        with _saving():
            _core.save_variables(sess._c, checkpoint_path(prefix), nodes, names, meta)
        kept = [p for p in self._last if p != prefix] + [prefix]
        dropped = kept[: -self._max_to_keep] if self._max_to_keep else []
        self._last = kept[len(dropped) :]
        # The state file names the new checkpoint before an old one goes: a
        # kill between the two leaves an extra file, never a dangling state.
        if write_state:
            _write_state(os.path.dirname(prefix) or ".", prefix, self._last, latest_filename)
        for old in dropped:
            with contextlib.suppress(FileNotFoundError):
                os.remove(checkpoint_path(old))
        return prefix

    def restore(self, sess: Session, save_path: str) -> None:
        """Assigns every variable its value from the checkpoint, all or nothing:
        the file is validated whole, every name, shape and dtype checked and the
        metadata (decay settings) parsed before any variable is assigned, so a
        failed restore changes nothing. In data-parallel training
        (slimcore.distributed) rank 0 reads the file and broadcasts the
        values to every rank (call it on every rank).

        Raises:
          ValueError: no checkpoint at save_path.
          slimcore.errors.NotFoundError: a variable missing from the checkpoint.
          slimcore.errors.InvalidArgumentError: a shape or dtype mismatch.
          slimcore.errors.DataLossError (a ValueError): a malformed or truncated
            file, or corrupt decay-settings metadata.
        """
        if save_path is None:
            raise ValueError("Can't load save_path when it is None.")
        if replicas.count() > 1:
            # Data-parallel: rank 0 reads, every rank gets its values.
            if replicas.is_root():
                self._restore_here(sess, save_path)
            replicas.current().broadcast_variables(sess, [v for _, v in self._items], 0)
            return
        self._restore_here(sess, save_path)

    def _restore_here(self, sess: Session, save_path: str) -> None:
        """restore() in this process alone."""
        path = checkpoint_path(save_path)
        if not os.path.isfile(path):
            raise ValueError(f"The passed save_path is not a valid checkpoint: {save_path}")
        nodes, names = self._nodes(sess)
        recorded: list = []
        _core.restore_variables(
            sess._c, path, nodes, names, lambda metadata: recorded.append(_decay_settings_of(metadata, path))
        )
        if recorded[0] is not None:
            self._compare_settings(path, names, recorded[0])

    def _compare_settings(self, path: str, names: list, recorded: dict) -> None:
        """Warns when the graph's decay settings differ from the checkpoint's."""
        saved = recorded["variables"]
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
