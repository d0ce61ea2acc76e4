"""Import a `.py` kernel with ptoc.frontend against parsing the equivalent `.mlir` text.

```
python bench/frontend_vs_parse.py [--repeat 5]
```

Both run in this process: `ptoc.frontend.load_kernel("kernel.py")` (run the module's top
level, translate the kernel from its AST, verify) and `ptoc.parse(kernel.mlir)` (lex,
parse, verify) of the seed kernel (examples/dsv4_compressor_ratio4). The `.mlir` peer is
the IR the import produces, printed (the same ops, one for one), and the hand-written
kernel.mlir as a second peer. Prints the best time of each over `--repeat` runs and the
ratios (import / parse: below 1 means importing is cheaper).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path

import ptoc
from ptoc.frontend import load_kernel

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "examples" / "dsv4_compressor_ratio4"


def best(fn: Callable[[], object], repeat: int) -> float:
    times: list[float] = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args(argv)
    if args.repeat < 1:
        ap.error("--repeat must be >= 1")
    py = str(SEED / "kernel.py")
    imported = str(load_kernel(py))  # warm up (imports of ptoc itself), and the peer text
    hand = (SEED / "kernel.mlir").read_text()
    ptoc.parse(hand, "kernel.mlir")
    t_import = best(lambda: load_kernel(py), args.repeat)
    t_parse = best(lambda: ptoc.parse(imported, "imported.mlir"), args.repeat)
    t_hand = best(lambda: ptoc.parse(hand, "kernel.mlir"), args.repeat)
    ops = sum(1 for _ in ptoc.parse(imported, "imported.mlir").walk())
    print(f"seed kernel: {ops} ops; best of {args.repeat}")
    print(f"  import kernel.py (frontend)          {t_import * 1e3:8.2f} ms")
    print(f"  parse its printed IR (.mlir)         {t_parse * 1e3:8.2f} ms")
    print(f"  parse the hand-written kernel.mlir   {t_hand * 1e3:8.2f} ms")
    print(f"ratio import / parse (same IR):        {t_import / t_parse:8.3f}")
    print(f"ratio import / parse (kernel.mlir):    {t_import / t_hand:8.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
