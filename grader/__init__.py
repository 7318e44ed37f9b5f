"""The grader (``grade``): reads students' answer files, compares them with the solver's answers and
explains mistakes. Built in a later issue; the package exists so the layout is settled."""
