"""Command-line pieces shared by `pto-run` and `pto-tune`."""

from __future__ import annotations

import argparse
from typing import Any, NoReturn

from ptoc.tools.pto_opt import ToolError


class ToolArgumentParser(argparse.ArgumentParser):
    """argparse, but a usage error is a one-line `<tool>: error: ...` with exit 1."""

    def error(self, message: str) -> NoReturn:
        raise ToolError(message)


def seed_arg(text: str) -> int:
    """A --seed value: numpy's generators take only non-negative seeds."""
    try:
        seed = int(text, 10)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid int value: '{text}'") from None
    if seed < 0:
        raise argparse.ArgumentTypeError(f"a seed must be >= 0, got {seed}")
    return seed


def positive_arg(text: str) -> int:
    """An integer option that must be >= 1 (a count or a limit)."""
    try:
        n = int(text, 10)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid int value: '{text}'") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1, got {n}")
    return n


def import_pyplot() -> Any:
    """matplotlib's pyplot on the Agg backend, or a ToolError naming the plot extra.

    Typed `Any`: matplotlib's stubs leave many keyword arguments untyped.
    """
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as pyplot
    except ImportError:
        raise ToolError(
            "--plot needs matplotlib: install the plot extra (pip install 'ptoc[plot]')"
        ) from None
    return pyplot
