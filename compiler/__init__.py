"""ptoc: a compiler, built on xDSL, for PTO-style tile kernels on Ascend a2a3.

This module runs on every `import ptoc.x`, so it stays small: the API is imported
lazily on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ptoc.api import context, parse, run_pipeline

__all__ = ["context", "parse", "run_pipeline"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        # lazy: keeps every `import ptoc.x` light. The facade also imports the tuning
        # layer, so that `ptoc.run_pipeline` knows the passes it registers.
        import ptoc.tuning  # noqa: F401  # pyright: ignore[reportUnusedImport]
        from ptoc import api

        return getattr(api, name)
    raise AttributeError(f"module 'ptoc' has no attribute '{name}'")
