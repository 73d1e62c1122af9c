"""The reviewer's Excel workbook and the analyst tables beside it."""

from consult.report.export import passage_table, write_tables
from consult.report.workbook import (
    SHEETS, ReportData, build_workbook, workbook_name, write_workbook,
)

__all__ = ["SHEETS", "ReportData", "build_workbook", "passage_table", "workbook_name",
           "write_tables", "write_workbook"]
