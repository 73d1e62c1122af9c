"""Guards for hostile or broken uploads: zip bombs, XML entities, binary content, encodings.

Every check raises UnreadableFile with a reason the facilitator can act on, so one bad upload is
rejected whole and the round goes on. Readers of zip-based formats (xlsx, docx) call
`check_zip` before opening the file with a library.
"""

from __future__ import annotations

import codecs
import io
import zipfile

from consult.config import IngestConfig
from consult.ingest.base import UnreadableFile

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .xls/.doc, and password-protected xlsx/docx
_XML_SCAN_BYTES = 8192


def check_zip(data: bytes, config: IngestConfig, kind: str = "xlsx") -> None:
    """Refuse a zip container that is encrypted, damaged, a zip bomb or declares XML entities."""
    if data.startswith(OLE_MAGIC):
        raise UnreadableFile(
            f"the file is password-protected (encrypted) or an old binary Office file, not a "
            f".{kind}; remove the password and save it again as .{kind}"
        )
    if not data.startswith(b"PK"):
        raise UnreadableFile(
            f"the file is not a valid .{kind} (it is not a zip container); open it in its "
            f"application and save it again as .{kind}"
        )
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise UnreadableFile(
            f"the .{kind} file is damaged or truncated ({exc}); upload the complete file again"
        ) from exc
    limit = config.max_unpacked_mb * 1024 * 1024
    total = sum(i.file_size for i in infos)
    if total > limit:
        raise UnreadableFile(
            f"the .{kind} file unpacks to {total / 1e6:.0f} MB, over the limit "
            f"ingest.max_unpacked_mb={config.max_unpacked_mb:g} (possible zip bomb); split it or "
            "raise the limit"
        )
    for info in infos:
        if info.flag_bits & 0x1:
            raise UnreadableFile(
                f"the .{kind} file is encrypted; remove the password and save it again"
            )
        if info.file_size > 1_000_000 and info.file_size > config.max_zip_ratio * max(
            info.compress_size, 1
        ):
            raise UnreadableFile(
                f"the .{kind} file is compressed {info.file_size / max(info.compress_size, 1):.0f}"
                f" times (over ingest.max_zip_ratio={config.max_zip_ratio:g}; possible zip bomb);"
                " save it again from its application"
            )
    try:
        for info in infos:
            if info.filename.lower().endswith((".xml", ".rels")):
                with zf.open(info) as fh:
                    head = fh.read(_XML_SCAN_BYTES)
                if b"<!DOCTYPE" in head.upper() or b"<!ENTITY" in head.upper():
                    raise UnreadableFile(
                        f"the .{kind} file contains XML entity declarations in `{info.filename}`"
                        " (unsafe, possibly an XXE attack); save it again from its application"
                    )
    except (zipfile.BadZipFile, OSError, EOFError, zipfile.LargeZipFile) as exc:
        raise UnreadableFile(
            f"the .{kind} file is damaged or truncated ({exc}); upload the complete file again"
        ) from exc
    except RuntimeError as exc:  # encrypted member
        raise UnreadableFile(
            f"the .{kind} file is encrypted ({exc}); remove the password and save it again"
        ) from exc


_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]
_LATIN_SINGLE_BYTE = {
    "latin_1", "iso8859_1", "iso8859_15", "cp1252", "cp1250", "cp1254", "cp1257", "mac_roman",
    "iso8859_2", "iso8859_9", "cp850", "cp437", "mac_latin2", "iso8859_10", "iso8859_14",
    "iso8859_13", "iso8859_16", "iso8859_3", "iso8859_4", "hp_roman8", "cp1258",
}


def _looks_utf16_without_bom(data: bytes) -> str | None:
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even_nuls = sample[0::2].count(0)
    odd_nuls = sample[1::2].count(0)
    half = len(sample) / 2
    if odd_nuls > 0.4 * half and even_nuls < 0.05 * half:
        return "utf-16-le"
    if even_nuls > 0.4 * half and odd_nuls < 0.05 * half:
        return "utf-16-be"
    return None


def _is_binary(text: str) -> bool:
    sample = text[:20000]
    if not sample:
        return False
    bad = sum(1 for ch in sample if (ord(ch) < 32 and ch not in "\t\n\r\f\v") or ch == "\ufffd")
    return "\x00" in sample or bad > max(2, 0.01 * len(sample))


def decode_text(data: bytes, what: str = "text file") -> tuple[str, str]:
    """Decode an uploaded text file; returns (text, encoding name).

    BOMs decide first, then strict UTF-8, then charset-normalizer. Western single-byte guesses are
    read as cp1252 (what Excel on Windows writes), so curly quotes survive verbatim.
    """
    if not data.strip():
        raise UnreadableFile(f"the {what} is empty; upload the file with its content")
    encoding = None
    for bom, name in _BOMS:
        if data.startswith(bom):
            encoding = name
            break
    if encoding is None:
        encoding = _looks_utf16_without_bom(data)
    if encoding is None:
        if b"\x00" in data[:20000]:
            raise UnreadableFile(
                f"the {what} contains binary data, not text (wrong extension?); export it "
                "again as CSV (UTF-8) or XLSX"
            )
        try:
            data.decode("utf-8")
            encoding = "utf-8"
        except UnicodeDecodeError:
            encoding = _detect(data)
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        raise UnreadableFile(
            f"the {what} could not be decoded as {encoding} ({exc}); save it again as UTF-8"
        ) from exc
    if _is_binary(text):
        raise UnreadableFile(
            f"the {what} contains binary data, not text (wrong extension?); export it again "
            "as CSV (UTF-8) or XLSX"
        )
    return text, encoding


def _detect(data: bytes) -> str:
    from charset_normalizer import from_bytes  # light, but only needed for non-UTF-8 files

    best = from_bytes(data[:200_000]).best()
    if best is None:
        raise UnreadableFile(
            "the encoding of the file could not be recognised (binary content?); save it "
            "again as UTF-8 text"
        )
    enc = codecs.lookup(best.encoding).name.replace("-", "_")
    if enc in _LATIN_SINGLE_BYTE or enc.startswith(("iso8859", "latin")):
        try:
            data.decode("cp1252")
            return "cp1252"
        except UnicodeDecodeError:
            pass
    return best.encoding
