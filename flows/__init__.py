"""Prefect flows: they only compose sources → extractors → models; no parsing, NLP or SQL of their own."""
