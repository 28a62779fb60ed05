"""Connected Azure subscriptions: connect, edit, test, disconnect.

forms.py is the connect/edit form; services.py the writes (connect, update, set_credentials
for the Spot-compatible setup API, disconnect) and the connection test through the gateway;
views.py the settings pages.
"""
