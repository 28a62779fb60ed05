"""The cached gallery inventory as the rest of the console reads it (latest.py: what "latest"
deploys in a region)."""
