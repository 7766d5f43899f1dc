"""``python -m burdenshare`` runs the command line."""

import sys

from burdenshare.cli import main

sys.exit(main())
