"""The a2a3 cost model."""
