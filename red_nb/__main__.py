# Hand-written, not exported from a notebook: `python -m red_nb` runs the `red_nb` command (see nbs/07_cli.ipynb)
import sys
from .cli import main

sys.exit(main())
