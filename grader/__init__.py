"""The grader (``grade``): reads students' answer files, compares them with the solver's answers and
explains mistakes. Built in a later issue; the package exists so the layout is settled."""

from solver.i18n import add_catalogues as _add_catalogues

# the grader's wording (grader/messages*.py: nothing but register calls), loaded on the first lookup that needs it
_add_catalogues("grader.messages", "grader.messages_feedback")
