"""``python -m lms_schema validate ...`` runs the console script."""

import sys

from ._cli import main

sys.exit(main())
