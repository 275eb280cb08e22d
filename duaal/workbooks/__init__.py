"""The Excel reports (openpyxl): premies, per office, conformiteit and federatie workbooks."""

from duaal.workbooks.writer import write_reports

__all__ = ["write_reports"]
