"""Class rosters: :mod:`solver.roster` (``solve pdf --class`` reads them too, and the solver never imports the
grader). The names are re-exported here for the grader's modules and for existing imports."""
from solver.roster import (ID_HEADERS, MAX_ROSTER_BYTES, NAME_HEADERS, SECTION_HEADERS,  # noqa: F401
                           RosterEntry, read_roster, roster_from_rows)

__all__ = ["ID_HEADERS", "MAX_ROSTER_BYTES", "NAME_HEADERS", "SECTION_HEADERS", "RosterEntry", "read_roster",
           "roster_from_rows"]
