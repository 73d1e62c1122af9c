"""Opening .docx and .pdf uploads safely and within the file's limits.

The zip and XML checks in `safety` come before any parsing; cells, characters, pages and time
count against the file's Budget; failures become UnreadableFile (or LimitExceeded) with a
reason a facilitator can act on.
"""

from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass, field

from consult.config import IngestConfig
from consult.ingest.base import UnreadableFile
from consult.ingest.limits import Budget, LimitExceeded
from consult.ingest.safety import check_office_zip

__all__ = ["DocBlock", "PdfText", "docx_blocks", "pdf_pages", "read_pdf"]

log = logging.getLogger(__name__)


# ---- .docx ---------------------------------------------------------------------------------


@dataclass
class DocBlock:
    """One paragraph (or table cell paragraph) of a .docx, in body order."""

    text: str
    where: str  # "paragraph 12" / "table 1, row 2, cell 3"
    heading_level: int | None = None  # 1.. for headings, 0 for Title
    is_list: bool = False
    all_bold: bool = False
    style: str = ""


def _style_names(document) -> dict[str, str]:
    """Style id -> name, read once (python-docx looks each paragraph's style up by scanning)."""
    try:
        return {st.style_id: st.name or "" for st in document.styles}
    except Exception:  # a damaged styles part: no styles, paragraphs still read
        return {}


_W = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}
_XPATHS: dict[str, object] = {}


def _xpath(expr: str):
    """A compiled XPath: lxml's per-call `element.xpath` costs grow with the document, which
    made python-docx's text properties quadratic on a table of thousands of cells."""
    if expr not in _XPATHS:
        from lxml import etree

        _XPATHS[expr] = etree.XPath(expr, namespaces=_W)
    return _XPATHS[expr]


def _run_text(r) -> str:
    """python-docx's Run.text (tabs, breaks and hyphens as characters)."""
    return "".join(
        str(e) for e in _xpath("w:br | w:cr | w:noBreakHyphen | w:ptab | w:t | w:tab")(r)
    )


def _para_text(p) -> str:
    """python-docx's Paragraph.text: its runs and the runs of its hyperlinks."""
    return "".join(
        _run_text(e) if e.tag.endswith("}r") else "".join(_run_text(r) for r in _xpath("w:r")(e))
        for e in _xpath("w:r | w:hyperlink")(p)
    )


def _para_info(p, styles: dict[str, str]) -> tuple[int | None, bool, bool, str]:
    """Heading level, list item, all bold and style name of a `w:p` element."""
    from docx.text.run import Run

    try:
        style_id = p.style
    except Exception:  # an unreadable pPr
        style_id = None
    style = styles.get(style_id, "") if style_id else ""
    level: int | None = None
    m = re.match(r"(?i)heading\s*(\d)", style)
    if m:
        level = int(m.group(1))
    elif style.lower() == "title":
        level = 0
    ppr = p.pPr
    is_list = bool((ppr is not None and ppr.numPr is not None) or re.match(r"(?i)list", style))
    runs = [r for r in p.r_lst if _run_text(r).strip()]
    # python-docx types the parent as a story part; .bold reads only the run's XML
    all_bold = bool(runs) and all(Run(r, None).bold for r in runs)  # type: ignore[arg-type]
    return level, is_list, all_bold, style


def docx_blocks(data: bytes, config: IngestConfig, budget: Budget | None = None) -> list[DocBlock]:
    """Paragraphs and table cells of a .docx in body order, after the safety checks.

    Linear in the document: table cells are read from the XML rows in one pass (python-docx's
    `row.cells` looks each vertically merged cell up from the top), text with compiled XPath;
    cells and characters count against the file's budget.
    """
    budget = budget or Budget(config)
    check_office_zip(data, config, "docx", "word/document.xml")
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
        items = list(document.iter_inner_content())
        styles = _style_names(document)
    except Exception as exc:
        raise UnreadableFile(
            f"could not be opened as a Word document ({type(exc).__name__}); "
            "re-save it from Word as .docx and upload again"
        ) from exc
    blocks: list[DocBlock] = []
    n_para = n_table = 0
    for item in items:
        budget.tick()
        if isinstance(item, Paragraph):
            n_para += 1
            level, is_list, bold, style = _para_info(item._p, styles)
            text = _para_text(item._p)
            budget.add_chars(len(text))
            blocks.append(DocBlock(text, f"paragraph {n_para}", level, is_list, bold, style))
        elif isinstance(item, Table):
            n_table += 1
            for r, tr in enumerate(item._tbl.tr_lst, 1):
                c = 1
                for tc in tr.tc_lst:
                    budget.add_cells(1, "table cells")
                    col, c = c, c + max(1, _grid_span(tc))
                    if _continues_above(tc):  # vertically merged: read in the row above
                        continue
                    paras = tc.p_lst
                    for k, p in enumerate(paras, 1):
                        level, is_list, bold, style = _para_info(p, styles)
                        where = f"table {n_table}, row {r}, cell {col}"
                        if len(paras) > 1:
                            where += f", paragraph {k}"
                        text = _para_text(p)
                        budget.add_chars(len(text))
                        blocks.append(DocBlock(text, where, None, is_list, bold, style))
    return blocks


def _grid_span(tc) -> int:
    try:
        return int(tc.grid_span)
    except Exception:  # a damaged tcPr: one grid column
        return 1


def _continues_above(tc) -> bool:
    try:
        return tc.vMerge == "continue"
    except Exception:
        return False


# ---- .pdf ----------------------------------------------------------------------------------


def _page_content_bytes(page) -> int:
    """Unpacked size of what a page draws: its content streams and the forms it paints (pypdf
    caps each stream's decompression, so this measure is itself bounded)."""
    total = 0
    contents = page.get_contents()
    if contents is not None:
        total += len(contents.get_data())
    try:
        xobjects = page["/Resources"].get_object().get("/XObject")
        if xobjects:
            for ref in xobjects.get_object().values():
                obj = ref.get_object()
                if obj.get("/Subtype") == "/Form":
                    total += len(obj.get_data())
    except (KeyError, AttributeError, TypeError):
        pass
    return total


def _baseline(tm: list[float], cm: list[float]) -> tuple[float, float]:
    """(y of the text origin on the page, scale of the text's height) for tm x cm."""
    y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
    scale = ((tm[2] * cm[0] + tm[3] * cm[2]) ** 2 + (tm[2] * cm[1] + tm[3] * cm[3]) ** 2) ** 0.5
    return y, scale


def _page_text(page) -> tuple[str, set[int]]:
    """A page's text as pypdf extracts it, and the (1-based) lines that start after a vertical
    gap clearly larger than the page's line pitch: paragraphs set apart only by spacing.

    The gaps come from where pypdf reports each piece of text; when its lines do not line up
    with the extracted text, no gaps are reported.
    """
    pieces: list[tuple[str, float, float]] = []

    def visit(text, cm, tm, _font, size) -> None:
        if text:
            try:
                y, scale = _baseline(tm, cm)
                pieces.append((text, y, float(size or 0) * (scale or 1.0)))
            except (TypeError, ValueError, IndexError):
                pieces.append((text, float("nan"), 0.0))

    text = page.extract_text(visitor_text=visit) or ""
    lines: list[tuple[str, float, float]] = []  # (line, y of its first text, text height)
    cur, y0, h0 = "", None, 0.0
    for piece, y, h in pieces:
        for k, seg in enumerate(piece.split("\n")):
            if k:
                lines.append((cur, y0 if y0 is not None else float("nan"), h0))
                cur, y0, h0 = "", None, 0.0
            if seg.strip() and y0 is None:
                y0, h0 = y, h
            cur += seg
    lines.append((cur, y0 if y0 is not None else float("nan"), h0))
    out = text.split("\n")
    if [ln.strip() for ln, _, _ in lines] != [ln.strip() for ln in out]:
        return text, set()
    return text, _gaps(out, [(y, h) for _, y, h in lines])


def _gaps(lines: list[str], pos: list[tuple[float, float]]) -> set[int]:
    """1-based numbers of the lines that start after a paragraph-sized gap."""
    steps: list[tuple[int, float, float]] = []  # (line number, drop from the line above, height)
    prev = None
    for n, (line, (y, h)) in enumerate(zip(lines, pos), 1):
        if not line.strip() or y != y:  # blank, or no position (NaN)
            prev = None
            continue
        if prev is not None:
            steps.append((n, prev - y, h))
        prev = y
    drops = sorted(d for _, d, h in steps if 0 < d < 2.5 * max(h, 1.0))
    if not drops:
        return set()
    heights = sorted(h for _, h in pos if h > 0) or [1.0]
    # the usual line step: the lower median step, at most two text heights (single-line
    # paragraphs would otherwise make the paragraph gap look like the line step)
    pitch = min(drops[(len(drops) - 1) // 2], 2.0 * heights[len(heights) // 2])
    return {n for n, d, h in steps if d > 1.3 * pitch and d - pitch > 0.25 * max(h, 1.0)}


@dataclass
class PdfText:
    pages: list[str]  # text of every page as extracted, "" for a page not read
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (page number, reason)
    gaps: list[set[int]] = field(default_factory=list)  # per page: lines after a layout gap


def read_pdf(
    data: bytes, config: IngestConfig | None = None, budget: Budget | None = None
) -> PdfText:
    """Text of each page of a text-based PDF; scanned, encrypted or broken PDFs are refused.

    A page whose content unpacks to more than ingest.max_pdf_page_mb is not parsed (one such
    page took minutes) and is listed in `skipped`; the clock is checked between pages.
    """
    config = config or IngestConfig()
    budget = budget or Budget(config)
    if not data.startswith(b"%PDF"):
        raise UnreadableFile("the file is not a PDF (no %PDF header); upload the original file")
    from pypdf import PdfReader
    from pypdf.errors import LimitReachedError, PdfReadError

    page_limit = config.max_pdf_page_mb * 1024 * 1024
    pages: list[str] = []
    gaps: list[set[int]] = []
    skipped: list[tuple[int, str]] = []
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            ok: int
            try:
                ok = reader.decrypt("")
            except Exception:
                ok = 0
            if not ok:
                raise UnreadableFile(
                    "the PDF is password-protected; remove the password and upload the PDF again"
                )
        n = len(reader.pages)
        if n > config.max_pdf_pages:
            raise LimitExceeded(
                f"the PDF has {n:,} pages, over ingest.max_pdf_pages="
                f"{config.max_pdf_pages:,}; split it, or raise the limit in "
                "consult.toml"
            )
        for k, page in enumerate(reader.pages, 1):
            budget.tick()
            size = _page_content_bytes(page)
            if size > page_limit:
                skipped.append(
                    (
                        k,
                        f"the page's content unpacks to {size / 1024 / 1024:,.1f} MB, "
                        f"over ingest.max_pdf_page_mb={config.max_pdf_page_mb:g}; its "
                        "text is not read (export the page again, or raise the limit "
                        "in consult.toml)",
                    )
                )
                pages.append("")
                gaps.append(set())
                continue
            try:
                text, gap = _page_text(page)
            except LimitReachedError as exc:  # pypdf's own guard against hostile pages
                skipped.append(
                    (
                        k,
                        f"the page is too complex for the PDF reader ({exc}); its "
                        "text is not read (export the page again from the original "
                        "document)",
                    )
                )
                pages.append("")
                gaps.append(set())
                continue
            budget.add_chars(len(text), "PDF text")
            pages.append(text)
            gaps.append(gap)
    except UnreadableFile:  # LimitExceeded included
        raise
    except (PdfReadError, Exception) as exc:
        raise UnreadableFile(
            f"the PDF is truncated or corrupt ({type(exc).__name__}); upload the PDF again or "
            "the original .docx"
        ) from exc
    if not any(p.strip() for p in pages) and not skipped:
        raise UnreadableFile(
            "the PDF looks scanned (no text layer); upload the original .docx or an OCR'd PDF"
        )
    return PdfText(pages, skipped, gaps)


def pdf_pages(data: bytes, config: IngestConfig | None = None) -> list[str]:
    """Text of each page of a text-based PDF (see read_pdf)."""
    return read_pdf(data, config).pages
