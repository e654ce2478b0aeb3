"""``python -m convviz``: the same command line as the ``convviz`` script."""

import sys

from convviz.cli import main

if __name__ == "__main__":
    sys.exit(main())
