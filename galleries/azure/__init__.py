"""Azure behind one gateway: the only code that imports `azure.*`.

clients.py builds credentials and SDK clients (clouds, CA bundles, retries, the call meter);
gateway.py is what the app calls (lists, gets, the connection probe, share checks);
errors.py is the one error type the gateway raises and Azure failures in words.
"""
