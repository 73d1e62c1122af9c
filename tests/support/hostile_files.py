"""Builders of hostile uploads, small on disk, sized by their arguments.

The tests use scaled-down sizes with lowered limits; the issue's original sizes (a 20 MB PDF
page, a million empty columns, 180k cells sharing one 30k-character string, a 30k-cell table,
50k cues) come from the same builders with the defaults below.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib


def long_answer_csv(n_chars: int = 1_000_000) -> bytes:
    """A survey export with one answer of `n_chars` characters among ordinary ones."""
    word = "connectivity "
    huge = (word * (n_chars // len(word) + 1))[:n_chars].strip()
    return (
        "Timestamp,Country,What should ASEAN prioritise next?\n"
        "2024-01-01,PH,Ferries between the islands please\n"
        f'2024-01-02,VN,"{huge}"\n'
        "2024-01-03,TH,Better digital payments for small shops\n"
    ).encode()


def csv_with_empty_columns(n_cols: int = 1_000_000, interior: bool = False) -> bytes:
    """A survey export whose rows carry `n_cols` empty cells: trailing ones (an export padded
    with delimiters), or with `interior` a last column holding a value after all of them."""
    pad = "," * n_cols
    tail = "x" if interior else ""
    rows = [
        "Country,What should ASEAN prioritise next?" + pad + tail,
        "PH,Ferries between the islands please and more ports" + pad + tail,
        "VN,Better digital payments for small shops in towns" + pad + tail,
    ]
    return ("\n".join(rows) + "\n").encode()


def _zip(parts: dict[str, str | bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return buf.getvalue()


def xlsx_shared_string(n_rows: int = 180_000, n_chars: int = 30_000) -> bytes:
    """An xlsx whose answer cells all point at one shared string of `n_chars` characters:
    kilobytes on disk, n_rows * n_chars characters once read."""
    words = "ports rail digital trade customs energy tourism skills "
    long = (words * (n_chars // len(words) + 1))[:n_chars]
    rows = ['<row r="1"><c r="A1" t="s"><v>1</v></c><c r="B1" t="s"><v>2</v></c></row>']
    rows += [
        f'<row r="{r}"><c r="A{r}" t="s"><v>3</v></c><c r="B{r}" t="s"><v>0</v></c></row>'
        for r in range(2, n_rows + 2)
    ]
    sheet = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData>{''.join(rows)}</sheetData></worksheet>"
    )
    strings = [long, "Country", "Any comments on the plan?", "PH"]
    sst = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        f'count="{2 * n_rows + 2}" uniqueCount="{len(strings)}">'
        + "".join(f"<si><t>{s}</t></si>" for s in strings)
        + "</sst>"
    )
    ns = "http://schemas.openxmlformats.org"
    return _zip(
        {
            "[Content_Types].xml": (
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                f'<Types xmlns="{ns}/package/2006/content-types">'
                '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
                'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
                '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
                'officedocument.spreadsheetml.sheet.main+xml"/>'
                '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
                'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.'
                'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
            ),
            "_rels/.rels": (
                f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{ns}'
                f'/package/2006/relationships"><Relationship Id="rId1" Type="{ns}/officeDocument/'
                '2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
            ),
            "xl/workbook.xml": (
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                f'<workbook xmlns="{ns}/spreadsheetml/2006/main" xmlns:r="{ns}/officeDocument/2006/'
                'relationships"><sheets><sheet name="Responses" sheetId="1" r:id="rId1"/></sheets>'
                "</workbook>"
            ),
            "xl/_rels/workbook.xml.rels": (
                f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{ns}'
                f'/package/2006/relationships"><Relationship Id="rId1" Type="{ns}/officeDocument/'
                '2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
                f'<Relationship Id="rId2" Type="{ns}/officeDocument/2006/relationships/'
                'sharedStrings" Target="sharedStrings.xml"/></Relationships>'
            ),
            "xl/worksheets/sheet1.xml": sheet,
            "xl/sharedStrings.xml": sst,
        }
    )


def docx_big_table(n_rows: int = 3_000, n_cols: int = 10, merged_col: bool = True) -> bytes:
    """A .docx holding one table of n_rows x n_cols cells; with `merged_col` its first column
    is one cell merged down the whole table (python-docx walks such a chain from the top)."""
    import docx  # python-docx writes the package parts; the table XML is written here

    buf = io.BytesIO()
    docx.Document().save(buf)
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    rows = []
    for r in range(n_rows):
        cells = []
        for c in range(n_cols):
            if merged_col and c == 0:
                merge = '<w:vMerge w:val="restart"/>' if r == 0 else "<w:vMerge/>"
                text = "Issues raised in the breakout group" if r == 0 else ""
                cells.append(
                    f"<w:tc><w:tcPr>{merge}</w:tcPr><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>"
                )
            else:
                cells.append(
                    f"<w:tc><w:p><w:r><w:t>Row {r + 1} cell {c + 1}: ports and "
                    "customs</w:t></w:r></w:p></w:tc>"
                )
        rows.append("<w:tr>" + "".join(cells) + "</w:tr>")
    grid = "".join('<w:gridCol w:w="900"/>' for _ in range(n_cols))
    table = f"<w:tbl><w:tblGrid>{grid}</w:tblGrid>{''.join(rows)}</w:tbl>"
    out = io.BytesIO()
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "word/document.xml":
                xml = data.decode()
                head, rest = xml.split("<w:body>", 1)
                sect = re.search(r"<w:sectPr.*</w:sectPr>", rest, re.S)
                body = (
                    "<w:p><w:r><w:t>Workshop notes</w:t></w:r></w:p>"
                    + table
                    + (sect.group(0) if sect else "")
                )
                data = (head + "<w:body>" + body + "</w:body></w:document>").encode()
                assert w in head
            dst.writestr(info, data)
    return out.getvalue()


def _pdf(streams: list[bytes]) -> bytes:
    """A PDF with one page per content stream (Flate-compressed), Helvetica as /F1."""
    n = len(streams)
    font_id = 3 + 2 * n
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        (
            "<< /Type /Pages /Kids [{}] /Count {} >>".format(
                " ".join(f"{3 + 2 * i} 0 R" for i in range(n)), n
            )
        ).encode(),
    ]
    for i, stream in enumerate(streams):
        packed = zlib.compress(stream, 9)
        objs.append(
            (
                f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {4 + 2 * i}"
                f" 0 R /Resources << /Font << /F1 {font_id} 0 R >> >> >>"
            ).encode()
        )
        objs.append(
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed)
            + packed
            + b"\nendstream"
        )
    objs.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for k, body in enumerate(objs, 1):
        offsets.append(out.tell())
        out.write(f"{k} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode())
    for off in offsets:
        out.write(f"{off:010d} 00000 n \n".encode())
    out.write(
        f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out.getvalue()


def text_page(
    paragraphs: list[list[str]], gap: float = 10.0, size: float = 11.0, leading: float = 14.0
) -> bytes:
    """Content stream of lines at `leading` pitch; paragraphs apart by `gap` more points and
    no blank line (as Word exports 'space after'), first line at the top of the page."""
    ops = [f"BT /F1 {size:g} Tf 72 740 Td"]
    first = True
    for para in paragraphs:
        for line in para:
            if not first:
                ops.append(f"0 {-leading:g} Td")
            first = False
            esc = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
            ops.append(f"({esc}) Tj")
        ops.append(f"0 {-gap:g} Td")
    ops.append("ET")
    return "\n".join(ops).encode("latin-1")


def heavy_page(n_mb: float = 20.0) -> bytes:
    """A content stream of `n_mb` megabytes of tiny text operations (compresses ~1000x)."""
    op = b"BT /F1 1 Tf 1 0 0 1 10 10 Tm (.) Tj ET\n"
    return op * int(n_mb * 1024 * 1024 / len(op))


def pdf_with_heavy_page(n_mb: float = 20.0) -> bytes:
    """A one-page-of-notes PDF followed by one page of `n_mb` MB of content."""
    notes = text_page(
        [
            ["Country: Thailand"],
            ["Participants asked for more frequent ferry links between the islands."],
        ]
    )
    return _pdf([notes, heavy_page(n_mb)])


def pdf_pages_of(*pages: bytes) -> bytes:
    return _pdf(list(pages))


def vtt_with_malformed_cues(n_cues: int = 50_000) -> tuple[bytes, dict[str, int]]:
    """A WebVTT file whose cues are good, or broken in the ways exports break them; returns the
    file and how many cues of each kind it holds (every block after the header is a cue)."""
    kinds = ["good", "no_timing", "bad_arrow", "bad_time", "glued", "empty", "split_text"]
    counts = {k: 0 for k in kinds} | {"cues": 0}
    out = ["WEBVTT", "", "NOTE Country: Cambodia", ""]
    t = 0
    for i in range(n_cues):
        kind = kinds[i % len(kinds)]
        counts[kind] += 1
        ts = (
            f"00:{t // 60 % 60:02d}:{t % 60:02d}.000 --> 00:{(t + 1) // 60 % 60:02d}:"
            f"{(t + 1) % 60:02d}.000"
        )
        t += 2
        who = "Speaker A" if i % 2 else "Speaker B"
        text = f"{who}: point {i} about ports and customs."
        if kind == "good":
            out += [str(i + 1), ts, text, ""]
            counts["cues"] += 1
        elif kind == "no_timing":
            out += [str(i + 1), text, ""]
            counts["cues"] += 1
        elif kind == "bad_arrow":
            out += [str(i + 1), ts.replace("-->", "->"), text, ""]
            counts["cues"] += 1
        elif kind == "bad_time":
            out += [
                str(i + 1),
                ts.replace(".000 -->", ".0x0 -->", 1).replace(":", ";", 1),
                text,
                "",
            ]
            counts["cues"] += 1
        elif kind == "glued":  # no blank line before the next cue
            out += [str(i + 1), ts, text]
            counts["cues"] += 1
        elif kind == "empty":
            out += [str(i + 1), ts, ""]
            counts["cues"] += 1
        else:  # a blank line inside the text: the second half stands alone
            out += [str(i + 1), ts, text, "", "and a second line of the same cue.", ""]
            counts["cues"] += 2
    return ("\n".join(out) + "\n").encode(), counts


def every_hostile_upload() -> dict[str, bytes]:
    """One of each hostile upload that a check must survive, and one good survey."""
    vtt, _ = vtt_with_malformed_cues(700)
    return {
        "surveys/long.csv": long_answer_csv(100_000),
        "surveys/wide.csv": csv_with_empty_columns(100_000, interior=True),
        "surveys/shared.xlsx": xlsx_shared_string(400, 30_000),
        "workshops/heavy.pdf": pdf_with_heavy_page(3),
        "workshops/table.docx": docx_big_table(200, 5),
        "transcripts/broken.vtt": vtt,
        "surveys/good.csv": b"Country,Any comments?\nPH,Keep the ferries running on time\n",
    }
