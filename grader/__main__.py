"""``python -m grader`` runs the ``grade`` command (where the console script is not on PATH, e.g. a notebook)."""
from .cli import main

if __name__ == "__main__":  # pragma: no cover
    main(prog_name="grade")
