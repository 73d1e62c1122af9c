"""The reviewer's Excel workbook and the analyst tables beside it."""
