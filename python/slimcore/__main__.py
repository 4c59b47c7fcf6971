"""python -m slimcore: the `slimcore` command."""

import sys

from .app.cli import main

sys.exit(main())
