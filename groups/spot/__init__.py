"""Spot's JSON for groups and stateful nodes: the field table (fields.py; its rows found by input
name or problem path in field_lookups.py) and the JSON it drives (json.py: request bodies to
specs, specs to answers, specs to the editor's values and back)."""
