"""dealwire: news ingestion and deal extraction."""

__version__ = "0.1.0"
