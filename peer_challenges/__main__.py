"""``python -m peer_challenges <command>``: see peer_challenges.cli."""

import sys

from peer_challenges.cli import main

if __name__ == "__main__":
    sys.exit(main())
