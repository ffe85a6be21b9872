"""The five real seed reports (extracted text, messy as published) and their gold values.

Copied once from the project's shared material so that a clone has everything its demo and tests
need; this module is the one place that knows where they are. The gold values are keyed
``table.row.col`` as in :mod:`nianbao.format`.
"""

from __future__ import annotations

import json
from pathlib import Path

SEEDS_DIR = Path(__file__).resolve().parent
GOLD_DIR = SEEDS_DIR / "gold"


def seed_texts() -> list[Path]:
    """The seed reports' text files, in name order; never empty (a missing file is an error)."""
    paths = sorted(SEEDS_DIR.glob("*.txt"))
    if not paths:
        raise FileNotFoundError(f"no seed reports in {SEEDS_DIR}")
    return paths


def gold_files() -> list[Path]:
    """The gold JSON files, one per seed report, in the same order as :func:`seed_texts`."""
    paths = sorted(GOLD_DIR.glob("*.json"))
    if not paths:
        raise FileNotFoundError(f"no gold values in {GOLD_DIR}")
    return paths


def gold(seed: str | Path) -> dict:
    """The gold values of one seed, named by its stem (``000_6d7fa66d4ffd9e30``) or its path."""
    stem = Path(seed).stem
    return json.loads((GOLD_DIR / f"{stem}.json").read_text(encoding="utf-8"))
