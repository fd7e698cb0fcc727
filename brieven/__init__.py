"""brieven: semantic search and question answering over Dutch government letters."""

__version__ = "0.1.0"
