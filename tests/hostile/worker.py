"""A second process for the kill test: `python -m tests.hostile.worker RAW DB`.

It ingests RAW into DB but stops for good in the middle of the second file (its batch row
and accepted rows inserted, not committed) after printing `HANGING <file name>`; the test
then kills it with SIGKILL. A real process is needed: a kill cannot hit a thread.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from duaal.common.db import connect
from transforms import loading

HANG_S = 600  # far longer than the test waits: only the kill ends it


def hang_in_second_file(raw: Path, db: Path) -> None:
    """Ingest until the second file's rows are inserted, then sleep until killed."""
    insert_rows = loading._insert_rows
    loaded: list[str] = []

    def insert_then_hang(con, source, batch_id, path, result) -> None:  # noqa: ANN001
        insert_rows(con, source, batch_id, path, result)
        loaded.append(path.name)
        if len(loaded) == 2:
            print(f"HANGING {path.name}", flush=True)
            time.sleep(HANG_S)

    loading._insert_rows = insert_then_hang
    con = connect(db, timeout_s=5)
    loading.ingest(con, raw)
    print("NOT KILLED", flush=True)


if __name__ == "__main__":
    hang_in_second_file(Path(sys.argv[1]), Path(sys.argv[2]))
