"""``python -m grader`` runs the ``grade`` command (where the console script is not on PATH, e.g. a notebook)."""
from .cli import run

if __name__ == "__main__":  # pragma: no cover
    run(prog_name="grade")
