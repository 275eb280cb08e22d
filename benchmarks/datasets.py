"""Benchmark datasets written by `duaal.generate`, cached under benchmarks/out/ by parameters.

    .venv/bin/python -m benchmarks.datasets large limit     # generate (or reuse) datasets

A dataset folder is reused only when its `dataset.json` exists: the file is written last, so
a generation that was interrupted is started again from scratch.
"""

from __future__ import annotations

import json
import shutil
import sys
import time
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

OUT_DIR = ROOT / "benchmarks" / "out"
AS_OF = date(2025, 11, 28)  # fixed, so a cached dataset is the same on every machine
SEED = 1
EXCEL_LIMIT_ROWS = 1_048_575


@dataclass(frozen=True)
class DatasetSpec:
    """What to generate: agreements, and optionally a single Dimona sheet of exactly n rows."""

    name: str
    agreements: int
    dimona_rows: int | None = None
    seed: int = SEED
    as_of: date = AS_OF

    @property
    def key(self) -> str:
        """The cache folder name: every parameter that changes the bytes."""
        dimona = "natural" if self.dimona_rows is None else str(self.dimona_rows)
        return f"a{self.agreements}_d{dimona}_s{self.seed}_{self.as_of.isoformat()}"


# quarter and `large`, and `large` and x4, make the 4x-scaling pairs.
DATASETS: dict[str, DatasetSpec] = {
    "sample": DatasetSpec("sample", 3_000),
    "quarter": DatasetSpec("quarter", 25_000),
    "large": DatasetSpec("large", 100_000),
    "x4": DatasetSpec("x4", 400_000),
    "limit": DatasetSpec("limit", 3_000, dimona_rows=EXCEL_LIMIT_ROWS),
}


@dataclass
class Dataset:
    """A generated dataset on disk: its raw folder, files, rows and generation cost."""

    spec: DatasetSpec
    raw: Path
    files: list[Path]
    data_rows: int
    bytes: int
    generate_s: float | None  # None when the dataset came from the cache

    def describe(self) -> dict[str, object]:
        """A JSON-ready description."""
        return {
            "name": self.spec.name,
            "key": self.spec.key,
            "agreements": self.spec.agreements,
            "dimona_rows": self.spec.dimona_rows,
            "files": len(self.files),
            "data_rows": self.data_rows,
            "megabytes": round(self.bytes / 1e6, 1),
            "generate_s": self.generate_s,
        }


def export_files(raw: Path) -> list[Path]:
    """Every export file under a raw folder, in a stable order."""
    return sorted(p for p in raw.rglob("*") if p.is_file() and p.suffix in {".xlsx", ".csv"})


def ensure_dataset(spec: DatasetSpec, out_dir: Path = OUT_DIR) -> Dataset:
    """Return the cached dataset for spec, generating it first when it is not complete."""
    folder = out_dir / "datasets" / spec.key
    marker = folder / "dataset.json"
    raw = folder / "raw"
    generate_s = None
    if not marker.is_file():
        from sample.generate import generate

        shutil.rmtree(folder, ignore_errors=True)
        raw.mkdir(parents=True)
        started = time.perf_counter()
        written = generate(raw, spec.agreements, spec.seed, spec.as_of, spec.dimona_rows)
        generate_s = round(time.perf_counter() - started, 2)
        rows = _count_rows(raw)
        marker.write_text(
            json.dumps(
                {
                    "spec": asdict(spec) | {"as_of": spec.as_of.isoformat()},
                    "rows": rows,
                    "generate_s": generate_s,
                    "files": [str(p.relative_to(raw)) for ps in written.values() for p in ps],
                },
                indent=2,
            ),
            encoding="utf-8",
        )
    meta = json.loads(marker.read_text(encoding="utf-8"))
    files = export_files(raw)
    return Dataset(
        spec=spec,
        raw=raw,
        files=files,
        data_rows=sum(meta["rows"].values()),
        bytes=sum(p.stat().st_size for p in files),
        generate_s=generate_s if generate_s is not None else None,
    )


def _count_rows(raw: Path) -> dict[str, int]:
    """Data rows per file (below the header), read with calamine, for rows per second."""
    counts: dict[str, int] = {}
    for path in export_files(raw):
        counts[str(path.relative_to(raw))] = _data_rows(path)
    return counts


def _data_rows(path: Path) -> int:
    """Data rows in one export: rows with any value, minus the title and header rows."""
    if path.suffix == ".csv":
        with path.open(encoding="utf-8-sig") as handle:
            return max(sum(1 for line in handle if line.strip()) - 1, 0)
    from python_calamine import CalamineWorkbook

    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    rows = 0
    seen_header = False
    for row in sheet.iter_rows():
        if not any(v not in ("", None) for v in row):
            continue
        if not seen_header:
            # the header is the first row with more than one filled cell (titles have one)
            seen_header = sum(v not in ("", None) for v in row) > 1
            continue
        rows += 1
    return rows


def main(argv: list[str] | None = None) -> int:
    """Generate (or reuse) the named datasets and print what they hold."""
    names = argv if argv is not None else sys.argv[1:]
    for name in names or list(DATASETS):
        started = time.perf_counter()
        dataset = ensure_dataset(DATASETS[name])
        print(json.dumps(dataset.describe()), f"({time.perf_counter() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
