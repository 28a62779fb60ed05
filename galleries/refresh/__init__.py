"""The inventory refresh: from a request to the cached rows.

request.py queues a run or merges into the subscription's active one (the one service every
caller uses); runs.py executes a run (collect, then apply) and writes how it ended;
collect.py walks Azure through the gateway into a snapshot.py; apply.py (with bulk_sql.py)
writes a snapshot to the cache; liveness.py holds leases, heartbeats and the sweep of dead
runs; batch.py refreshes many subscriptions inline; tasks.py is what Celery and beat run.
"""
