"""``python -m grader`` is the same as ``ailab``."""

import sys

from .cli import main

sys.exit(main())
