"""The entry point of a measured child process: a plan file in, a result file out.

Anchors and profiles each run in a child process of their own, so that their peak memory
is theirs alone; both speak the same two-file protocol.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

Plan = TypeVar("Plan")


def child_main(
    argv: list[str] | None, read_plan: Callable[[str], Plan], run: Callable[[Plan], Any]
) -> None:
    """``python -m bench.X PLAN.json RESULT.json``: the plan parsed, run, its result written."""
    plan_path, result_path = argv if argv is not None else sys.argv[1:]
    result = run(read_plan(Path(plan_path).read_text(encoding="utf-8")))
    Path(result_path).write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
