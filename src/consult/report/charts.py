"""Native Excel bar charts that a reviewer can read without help: titled axes, visible labels."""

from __future__ import annotations

from openpyxl.chart import BarChart, Reference
from openpyxl.chart.label import DataLabelList


def bar_chart(
    ws,
    *,
    anchor: str,
    cat_col: int,
    data_cols: list[int],
    header_row: int,
    first_row: int,
    last_row: int,
    title: str,
    x_title: str,
    y_title: str,
    stacked: bool = False,
) -> BarChart | None:
    """A horizontal bar chart of `data_cols` against the categories in `cat_col`.

    Rows `first_row..last_row` hold the data, `header_row` the series names. Returns None when
    there is nothing to plot (an empty round must still give a valid workbook).
    """
    if last_row < first_row or not data_cols:
        return None
    chart = BarChart()
    chart.type = "bar"  # horizontal: long priority names stay readable
    chart.style = 10
    chart.title = title
    chart.x_axis.title = x_title  # the category axis
    chart.y_axis.title = y_title  # the value axis
    # openpyxl 3.1 marks axes as deleted unless told otherwise; Excel then hides them
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.x_axis.scaling.orientation = "maxMin"  # first row at the top, as in the table
    chart.y_axis.majorGridlines = None
    chart.y_axis.numFmt = "0"
    for col in data_cols:
        data = Reference(ws, min_col=col, min_row=header_row, max_row=last_row)
        chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=cat_col, min_row=first_row, max_row=last_row))
    if stacked:
        chart.grouping = "stacked"
        chart.overlap = 100
    else:
        chart.dataLabels = DataLabelList()
        chart.dataLabels.showVal = True
        chart.dataLabels.showSerName = False
        chart.dataLabels.showCatName = False
        chart.dataLabels.showLegendKey = False
        chart.dataLabels.showPercent = False
    if len(data_cols) == 1:
        chart.legend = None
    else:
        chart.legend.position = "b"
    n = last_row - first_row + 1
    chart.height = max(7.0, 1.0 + 0.9 * n)  # cm
    chart.width = 20.0
    ws.add_chart(chart, anchor)
    return chart
