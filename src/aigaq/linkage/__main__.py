"""``python -m aigaq.linkage link …`` and ``python -m aigaq.linkage link-eval …``."""

import sys

from .cli import main

sys.exit(main(sys.argv[1:]))
