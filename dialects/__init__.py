"""Dialects of ptoc: the `pto` dialect."""

from ptoc.dialects.pto import PTO

__all__ = ["PTO"]
