"""Models: the deal database (SQLModel tables, sessions, storing and querying). No fetching or NLP here."""
