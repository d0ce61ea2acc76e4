"""Command-line pieces shared by `pto-run` and `pto-tune`."""

from __future__ import annotations

import argparse
from typing import Any, NoReturn

from ptoc.tools.pto_opt import ToolError


class ToolArgumentParser(argparse.ArgumentParser):
    """argparse, but a usage error is a one-line `<tool>: error: ...` with exit 1."""

    def error(self, message: str) -> NoReturn:
        raise ToolError(message)


def _int_at_least(text: str, low: int, what: str) -> int:
    """An integer option value >= `low`; `what` starts the message when it is lower."""
    try:
        n = int(text, 10)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid int value: '{text}'") from None
    if n < low:
        raise argparse.ArgumentTypeError(f"{what} >= {low}, got {n}")
    return n


def seed_arg(text: str) -> int:
    """A --seed value: numpy's generators take only non-negative seeds."""
    return _int_at_least(text, 0, "a seed must be")


def positive_arg(text: str) -> int:
    """An integer option that must be >= 1 (a count or a limit)."""
    return _int_at_least(text, 1, "must be")


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
