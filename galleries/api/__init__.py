"""The inventory's read API (`/api/inventory/…`), a router of the console's Spot-compatible API."""
