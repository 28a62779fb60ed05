"""Publishing to Spot: an account's Spot connection, the outbound client (the only code that
calls Spot's API), publishing applied groups and nodes, importing what Spot already runs, and
drift between Spot's configuration and the live revision here.

models (connections, publications), client (HTTP to Spot), services (writes and the calls to
Spot), selectors (reads), tasks (by id, calling a service), views and templates (the settings
page, sync state and its actions), api (sync state in our own API).
"""
