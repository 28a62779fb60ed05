"""The console's page URL names per kind of group, one place for the views and templates."""

from __future__ import annotations

from .models import Kind

LIST_URL = {Kind.STATELESS: "groups:stateless_list", Kind.STATEFUL: "groups:stateful_list"}
EDIT_URL = {Kind.STATELESS: "groups:stateless_edit", Kind.STATEFUL: "groups:stateful_edit"}
DELETE_URL = {Kind.STATELESS: "groups:stateless_delete", Kind.STATEFUL: "groups:stateful_delete"}
EXPORT_URL = {Kind.STATELESS: "groups:stateless_export", Kind.STATEFUL: "groups:stateful_export"}
CLONE_URL = {Kind.STATELESS: "groups:stateless_clone", Kind.STATEFUL: "groups:stateful_clone"}
RESTORE_URL = {Kind.STATELESS: "groups:stateless_restore", Kind.STATEFUL: "groups:stateful_restore"}
IMPORT_URL = {Kind.STATELESS: "groups:stateless_import", Kind.STATEFUL: "groups:stateful_import"}
