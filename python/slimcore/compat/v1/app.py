"""tf.app: TF1's program entry point, ``tf.app.run``, and ``tf.app.flags``.

As in TF 1.15 both are absl's: ``run`` is ``absl.app.run`` with TF1's flag
parser (flags it does not know are left for ``main``) and ``flags`` is
``tf.flags`` (``slimcore.compat.v1.flags``).
"""

from __future__ import annotations

import sys
from typing import Any, Callable

from absl import app as _absl_app

from . import flags

__all__ = ["flags", "run"]


def _parse_flags_tolerate_undef(argv: list) -> list:
    """Parses the known flags of `argv`; the unknown ones stay in the list returned, as TF1."""
    return flags.FLAGS(sys.argv if argv is None else argv, known_only=True)


def run(main: Callable[[list], Any] | None = None, argv: list | None = None) -> None:
    """tf.app.run(main=None, argv=None): parses the flags, then ``sys.exit(main(argv))``.

    `argv` (default ``sys.argv``) is parsed into ``FLAGS``; ``main`` gets
    the program name and the arguments no flag took; its return value is the
    exit status (None: 0), as TF1 (absl.app.run: absl's own flags such as
    ``--helpfull`` work too).

    Args:
      main: the function to run; default: ``main`` of the ``__main__`` module.
      argv: the command line, its program name first.

    Raises:
      SystemExit: always once main returns, with its return value.
      absl.flags.Error (IllegalFlagValueError...): a flag value that does
        not parse, raised as TF1's parser does (not turned into a usage exit).
      AttributeError: no `main` given and ``__main__`` has none.
    """
    if main is None:
        main = sys.modules["__main__"].main
    _absl_app.run(main=main, argv=argv, flags_parser=_parse_flags_tolerate_undef)
