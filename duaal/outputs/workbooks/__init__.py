"""The Excel reports (XlsxWriter): premies, per office, conformiteit and federatie workbooks."""

from __future__ import annotations

from typing import Any

__all__ = ["write_reports"]


def __getattr__(name: str) -> Any:
    # the writer pulls in XlsxWriter and SciPy (seconds): `duaal explain` reads only the
    # labels of this package, so the writer is imported when it is asked for
    if name == "write_reports":
        from duaal.outputs.workbooks.writer import write_reports

        return write_reports
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
