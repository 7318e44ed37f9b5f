"""Programming exercises (``kind: code``): reference implementations, worked solutions and their checks.

The student's program is run by :mod:`grader.sandbox`, never by the solver.
"""
