"""tf.flags and tf.app.flags: TF1's command-line flags, which are absl's.

As in TF 1.15, the DEFINE_* functions are ``absl.flags``' (TF1's older
argument names ``flag_name``, ``default_value``, ``docstring`` are accepted
for ``name``, ``default``, ``help``), and ``FLAGS`` is absl's global
``absl.flags.FLAGS`` behind TF1's wrapper: reading a flag before the flags
were parsed parses ``sys.argv`` first (``tf.app.run`` parses them too)::

    flags = tf.app.flags
    flags.DEFINE_integer("batch_size", 32, "examples per step")
    flags.DEFINE_boolean("fake_data", False, "use fake data")
    FLAGS = flags.FLAGS

    def main(argv):
        print(FLAGS.batch_size)

    if __name__ == "__main__":
        tf.app.run()             # python train.py --batch_size=64
"""

from __future__ import annotations

import functools
import sys
import warnings
from typing import Any, Callable

from absl import flags as _absl_flags
from absl.flags import (
    DuplicateFlagError,
    Error,
    FlagValues,
    IllegalFlagValueError,
    UnrecognizedFlagError,
    mark_flag_as_required,
    mark_flags_as_required,
)

__all__ = [
    "DEFINE",
    "DEFINE_alias",
    "DEFINE_bool",
    "DEFINE_boolean",
    "DEFINE_enum",
    "DEFINE_float",
    "DEFINE_integer",
    "DEFINE_list",
    "DEFINE_multi_float",
    "DEFINE_multi_integer",
    "DEFINE_multi_string",
    "DEFINE_spaceseplist",
    "DEFINE_string",
    "DuplicateFlagError",
    "Error",
    "FLAGS",
    "FlagValues",
    "IllegalFlagValueError",
    "UnrecognizedFlagError",
    "mark_flag_as_required",
    "mark_flags_as_required",
]

# TF1's argument names (tensorflow/python/platform/flags.py) -> absl's.
_RENAMED_ARGUMENTS = {"flag_name": "name", "default_value": "default", "docstring": "help"}


def _wrap_define_function(original: Callable) -> Callable:
    """absl's DEFINE_* accepting TF1's old keyword names too (with TF1's deprecation warning)."""

    @functools.wraps(original)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        old = [name for name in _RENAMED_ARGUMENTS if name in kwargs]
        for name in old:
            kwargs[_RENAMED_ARGUMENTS[name]] = kwargs.pop(name)
        if old:
            warnings.warn(
                "Use of the keyword argument names (flag_name, default_value, docstring) is deprecated, "
                "please use (name, default, help) instead.",
                DeprecationWarning,
                stacklevel=2,
            )
        return original(*args, **kwargs)

    return wrapper


DEFINE = _wrap_define_function(_absl_flags.DEFINE)
DEFINE_string = _wrap_define_function(_absl_flags.DEFINE_string)
DEFINE_integer = _wrap_define_function(_absl_flags.DEFINE_integer)
DEFINE_float = _wrap_define_function(_absl_flags.DEFINE_float)
DEFINE_boolean = _wrap_define_function(_absl_flags.DEFINE_boolean)
DEFINE_bool = _wrap_define_function(_absl_flags.DEFINE_bool)
DEFINE_list = _wrap_define_function(_absl_flags.DEFINE_list)
DEFINE_enum = _wrap_define_function(_absl_flags.DEFINE_enum)
DEFINE_spaceseplist = _wrap_define_function(_absl_flags.DEFINE_spaceseplist)
DEFINE_multi_string = _wrap_define_function(_absl_flags.DEFINE_multi_string)
DEFINE_multi_integer = _wrap_define_function(_absl_flags.DEFINE_multi_integer)
DEFINE_multi_float = _wrap_define_function(_absl_flags.DEFINE_multi_float)
DEFINE_alias = _absl_flags.DEFINE_alias


class _FlagValuesWrapper:
    """TF1's FLAGS: absl's FlagValues that parses sys.argv on the first read of an unparsed flag."""

    def __init__(self, flag_values: FlagValues) -> None:
        self.__dict__["_wrapped"] = flag_values

    def __getattribute__(self, name: str) -> Any:
        # FlagValues' own attributes and methods (is_parsed, mark_as_parsed...)
        # pass through; a flag is not one of them, so reading it goes to __getattr__.
        if name == "__dict__":
            return super().__getattribute__(name)
        return self.__dict__["_wrapped"].__getattribute__(name)

    def __getattr__(self, name: str) -> Any:
        wrapped = self.__dict__["_wrapped"]
        if not wrapped.is_parsed():  # TF1 reads an unparsed flag after parsing sys.argv
            wrapped(sys.argv)
        return wrapped.__getattr__(name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self.__dict__["_wrapped"], name, value)

    def __delattr__(self, name: str) -> None:
        delattr(self.__dict__["_wrapped"], name)

    def __dir__(self) -> list:
        return dir(self.__dict__["_wrapped"])

    def __getitem__(self, name: str) -> Any:
        return self.__dict__["_wrapped"][name]

    def __setitem__(self, name: str, flag: Any) -> None:
        self.__dict__["_wrapped"][name] = flag

    def __len__(self) -> int:
        return len(self.__dict__["_wrapped"])

    def __iter__(self) -> Any:
        return iter(self.__dict__["_wrapped"])

    def __str__(self) -> str:
        return str(self.__dict__["_wrapped"])

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """Parses an argv list (``FLAGS(argv, known_only=False)``); returns the arguments left."""
        return self.__dict__["_wrapped"](*args, **kwargs)


FLAGS = _FlagValuesWrapper(_absl_flags.FLAGS)
