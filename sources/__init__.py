"""Sources: where article bytes come from (local files, URLs, feeds). No parsing or NLP here."""
