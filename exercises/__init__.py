"""The built-in exercise bank: one YAML file per exercise, named after its id.

Run ``solve list`` to see them and ``solve schema`` for the file format.
"""
