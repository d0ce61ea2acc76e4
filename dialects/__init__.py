"""Dialects of ptoc: the `pto` dialect (ops in `pto` and `pto_tiles`)."""

from xdsl.ir import Dialect

from ptoc.dialects.pto import CORE_ATTRS, CORE_OPS
from ptoc.dialects.pto_tiles import TILE_ATTRS, TILE_OPS
from ptoc.dialects.upstream import upstream_use_violation  # registers the checks of reused upstream ops

PTO = Dialect("pto", [*CORE_OPS, *TILE_OPS], [*CORE_ATTRS, *TILE_ATTRS])

__all__ = ["PTO", "upstream_use_violation"]
