"""Extractors: bytes → article → companies, money and deals. No fetching and no database here."""
