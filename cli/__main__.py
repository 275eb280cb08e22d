"""`python -m cli`: the `duaal` command without its script."""

import sys

from cli.main import main

sys.exit(main())
