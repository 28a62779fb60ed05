"""Whether a spec can be saved: problems.py (codes, Problem, the Checker), rules.py (Spot's schema
rules and the field table's limits: validate_spec), inventory.py (the gallery image against the
cached inventory)."""
