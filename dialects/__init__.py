"""Dialects of ptoc: the `pto` dialect (ops in `pto` and `pto_tiles`)."""

from xdsl.ir import Dialect

from ptoc.dialects.pto import CORE_ATTRS, CORE_OPS
from ptoc.dialects.pto_tiles import TILE_ATTRS, TILE_OPS

PTO = Dialect("pto", [*CORE_OPS, *TILE_OPS], [*CORE_ATTRS, *TILE_ATTRS])

__all__ = ["PTO"]
