"""feedsvc: publish a folder of plain-text articles as Atom, RSS 2.0 and JSON Feed."""

__version__ = "0.1.0"
