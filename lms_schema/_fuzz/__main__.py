"""``python3 -m lms_schema._fuzz``: see :mod:`lms_schema._fuzz`."""

import sys

from .campaign import main

sys.exit(main())
