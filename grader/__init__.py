"""The grader (``grade``): reads students' answer files, compares them with the solver's answers and
explains mistakes. Built in a later issue; the package exists so the layout is settled."""

from solver.i18n import add_catalogues as _add_catalogues

_add_catalogues("grader.messages")          # the grader's wording, loaded on the first lookup that needs it
