"""The Excel reports (XlsxWriter): premies, per office, conformiteit and federatie workbooks."""

from duaal.workbooks.writer import write_reports

__all__ = ["write_reports"]
