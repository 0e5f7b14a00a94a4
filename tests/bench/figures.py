"""`make bench` keeps its figures in `.hotline/bench.json` (name -> number), so they can be compared between runs."""

import json
from pathlib import Path

FIGURES = Path(".hotline/bench.json")


def record(figures: dict[str, float]) -> None:
    """Add or replace these figures, keeping the others."""
    known = json.loads(FIGURES.read_text()) if FIGURES.exists() else {}
    FIGURES.parent.mkdir(parents=True, exist_ok=True)
    FIGURES.write_text(json.dumps({**known, **figures}, indent=2, sort_keys=True) + "\n")


def start_afresh() -> None:
    """A whole `make bench` writes a new file: a figure it no longer measures does not linger from an older run."""
    FIGURES.unlink(missing_ok=True)
