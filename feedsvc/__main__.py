"""Entry point for ``python -m feedsvc``."""

from feedsvc.cli import main

main()
