"""The numpy backend: interpreter and execution record."""
