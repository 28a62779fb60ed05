"""The Network tab's suggestions: virtual networks and subnets from the cached inventory."""
