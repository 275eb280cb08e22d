"""Realistic synthetic exports for the four sources (`duaal generate`): same seed, same bytes.

`build_sample` makes every row (pure, in memory, each broken row marked with the quarantine
reason it was made to trigger); `generate` writes them as the portals do: one workbook per
source and school year, the recognition register with a title and an export-date row above
its headers, and the premium history as `;`-separated CSV with a byte-order mark.

Workbooks are scaffolded by openpyxl in write-only mode (styles, workbook, properties,
title and header rows); the data rows are streamed into the sheet XML by a small
serialiser, because openpyxl needs about 10 us a cell and a full Dimona export holds
ten million cells. Every zip entry gets a fixed timestamp and the document properties a
date derived from `as_of`, so the bytes depend on the seed and `as_of` only.
"""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path

from sample.cells import gc_paused
from sample.rows import build_sample
from sample.writing import write_sample
from transforms.sources import (
    SOURCES,
)


def generate(
    out_dir: Path,
    agreements: int = 3000,
    seed: int = 1,
    as_of: date | None = None,
    dimona_rows: int | None = None,
) -> dict[str, list[Path]]:
    """Write realistic exports of the four sources under out_dir; return folder -> written paths.

    as_of (default today) sets the current school year and the export dates; dimona_rows,
    when set, makes the Dimona export one sheet with exactly that many data rows.
    """
    as_of = as_of or date.today()
    stamp = datetime.combine(as_of, time(6, 0))
    written: dict[str, list[Path]] = {s.folder: [] for s in SOURCES}
    with gc_paused():
        for sample in build_sample(agreements, seed, as_of, dimona_rows):
            written[sample.folder].append(write_sample(Path(out_dir), sample, stamp))
    return written
