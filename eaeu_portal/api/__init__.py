"""Pieces every view set of /api/v1/ shares: errors, pagination, filters, keys, throttling, conditional GET."""
