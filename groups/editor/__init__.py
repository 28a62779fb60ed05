"""The group and stateful-node editor: form.py (the form, built from the field table), values.py
(form data <-> the editor's values, problems -> the inputs that show them, the specialized-image
rule), sizes.py (the VM size pickers), views.py (the editor page: open, save a draft, create or
update, conflicts)."""
