"""Guards for hostile or broken uploads: zip bombs, XML entities, binary content, encodings.

The one place where every reader decodes text (`decode_text`), opens Office zip containers
(`check_office_zip`) and unpacks gzip (`gunzip`, for `consult tag`'s .csv.gz input). Every check raises UnreadableFile with a reason the facilitator can act on,
so one bad upload is rejected whole and the round goes on.
"""

from __future__ import annotations

import codecs
import io
import re
import zipfile
import zlib
from typing import NoReturn
from xml.parsers import expat

from consult.config import IngestConfig
from consult.ingest.base import UnreadableFile

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .xls/.doc, and password-protected xlsx/docx
_ENCRYPTION_INFO = "EncryptionInfo".encode("utf-16-le")
_BINARY_MAGIC = {
    b"%PDF": "a PDF",
    b"PK\x03\x04": "a zip archive (e.g. .docx/.xlsx)",
    OLE_MAGIC: "a legacy Office file",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"\x1f\x8b": "a gzip archive",
}
# BOM -> (codec to decode with, encoding name reported)
_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32"),
    (codecs.BOM_UTF8, "utf-8", "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16"),
]
# fmt: off
_WESTERN_SINGLE_BYTE = {
    "latin_1", "iso8859_1", "iso8859_15", "cp1252", "cp1250", "cp1254", "cp1257", "mac_roman",
    "iso8859_2", "iso8859_9", "cp850", "cp437", "mac_latin2", "iso8859_10", "iso8859_14",
    "iso8859_13", "iso8859_16", "iso8859_3", "iso8859_4", "hp_roman8", "cp1258",
}
# fmt: on
# Control characters that never occur in real text (tab, LF, VT, FF, CR are fine).
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f\ufffd]")
_DETECT_SAMPLE = 1 << 20  # bytes given to the charset detector; decoding covers the whole file


# ---- text ------------------------------------------------------------------------------------


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 without BOM (some tools' tab-separated exports): many NULs on one byte parity."""
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even = sample[0::2].count(0) / max(1, len(sample[0::2]))
    odd = sample[1::2].count(0) / max(1, len(sample[1::2]))
    if odd > 0.3 and even < 0.05:
        return "utf-16-le"
    if even > 0.3 and odd < 0.05:
        return "utf-16-be"
    return None


def _looks_binary(text: str) -> bool:
    sample = text[:100_000]
    return bool(sample) and len(_CONTROL.findall(sample)) > max(2, len(sample) // 200)


def _binary(what: str, detail: str = "binary data") -> UnreadableFile:
    return UnreadableFile(
        f"the {what} contains {detail}, not text (binary content under a text extension?); "
        "upload it with its real extension or export it again as UTF-8 text, CSV or XLSX"
    )


def _detect(data: bytes, what: str) -> str:
    from charset_normalizer import from_bytes  # light, but only needed for non-UTF-8 files

    best = from_bytes(data[:_DETECT_SAMPLE]).best()
    if best is None:
        raise UnreadableFile(
            f"the encoding of the {what} could not be recognised (binary content?); save it "
            "again as UTF-8 text"
        )
    enc = codecs.lookup(best.encoding).name.replace("-", "_")
    # Western exports are cp1252 (Excel on Windows) far more often than the close single-byte
    # cousins a detector may rank first on short files; prefer it when it decodes the bytes too.
    if enc in _WESTERN_SINGLE_BYTE or enc.startswith(("iso8859", "latin")):
        try:
            data.decode("cp1252")
            return "cp1252"
        except UnicodeDecodeError:
            pass
    return best.encoding


def decode_text(data: bytes, what: str = "text file") -> tuple[str, str]:
    """Decode an uploaded text file; returns (text, encoding name).

    A BOM decides first, then UTF-16 by its NUL pattern, then strict UTF-8, then charset-normalizer.
    Binary content under a text extension (images, PDFs, NUL bytes) is refused, so one bad upload
    is rejected instead of producing garbage passages.
    """
    if not data.strip():
        raise UnreadableFile(f"the {what} is empty; upload the file with its content")
    codec: str | None = None
    name = ""  # set together with codec below
    for bom, c, n in _BOMS:
        if data.startswith(bom):
            codec, name, data = c, n, data[len(bom) :]
            break
    if codec is None:
        for magic, kind in _BINARY_MAGIC.items():
            if data.startswith(magic):
                raise _binary(what, f"{kind} (binary data)")
        # UTF-16 first: ASCII text in UTF-16 is also valid UTF-8, with a NUL after each letter
        codec = _utf16_without_bom(data)
        if codec is None:
            try:
                return _checked(data.decode("utf-8"), what), "utf-8"
            except UnicodeDecodeError:
                pass
            if b"\x00" in data[:65536]:
                raise _binary(what, "binary data (NUL bytes)")
            codec = _detect(data, what)
        name = codec
    try:
        text = data.decode(codec)
    except (UnicodeDecodeError, LookupError) as exc:
        raise UnreadableFile(
            f"the {what} could not be decoded as {name} ({exc}); save it again as UTF-8"
        ) from exc
    return _checked(text, what), name


def _checked(text: str, what: str) -> str:
    if _looks_binary(text):
        raise _binary(what)
    return text


def split_lines(text: str) -> list[str]:
    """Lines without their terminators (\\n, \\r\\n, \\r); numbering matches what an editor shows."""
    return re.split(r"\r\n|\r|\n", text)


# ---- Office zip containers (.xlsx, .docx) ------------------------------------------------------


def _refuse_dtd(*_args: object) -> NoReturn:
    raise ValueError("DOCTYPE")


def check_xml_part(name: str, blob: bytes, kind: str) -> None:
    """Refuse a part that declares a DOCTYPE or entities (XXE, billion laughs) or is not XML.

    Parsed in full by expat with every DTD construct refused (what defusedxml's forbid_dtd does),
    without building a tree, so the check costs little even on large sheets.
    """
    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_dtd
    parser.UnparsedEntityDeclHandler = _refuse_dtd
    parser.ExternalEntityRefHandler = _refuse_dtd
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    try:
        parser.Parse(blob, True)
    except ValueError as exc:
        raise UnreadableFile(
            f"the .{kind} file contains unsafe XML in `{name}` (DOCTYPE/entity declarations, "
            f"possibly an XXE attack) and was not opened; save it again from its application"
        ) from exc
    except expat.ExpatError as exc:
        raise UnreadableFile(
            f"the .{kind} file is truncated or corrupt (part `{name}` is not valid XML: {exc}); "
            f"save it again from its application and upload it again"
        ) from exc


def check_office_zip(
    data: bytes, config: IngestConfig, kind: str, required: str | None = None
) -> None:
    """Refuse what must not reach an Office parser: non-zips, encrypted, truncated, zip bombs,
    unsafe XML. `kind` is the extension without dot ("docx"); `required` a part it must hold."""
    if data.startswith(OLE_MAGIC):
        if _ENCRYPTION_INFO in data:
            raise UnreadableFile(
                f"the .{kind} file is password-protected (encrypted); remove the password and "
                f"save it again as .{kind}"
            )
        raise UnreadableFile(
            f"the file is an old binary Office file (or password-protected), not a .{kind}; open "
            f"it in its application and save it as .{kind}"
        )
    if not data.startswith(b"PK"):
        raise UnreadableFile(
            f"the file is not a .{kind} (not a zip container); open it in its application and "
            f"save it again as .{kind}"
        )
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise UnreadableFile(
            f"the .{kind} file is truncated or corrupt ({exc}); upload the complete file again"
        ) from exc
    limit = config.max_unpacked_mb * 1024 * 1024
    total = sum(i.file_size for i in infos)
    if total > limit:
        raise UnreadableFile(
            f"the .{kind} file unpacks to {total / 1e6:.0f} MB, over the limit "
            f"ingest.max_unpacked_mb={config.max_unpacked_mb:g} (possible zip bomb); split it, "
            "remove embedded media or raise the limit in consult.toml"
        )
    for info in infos:
        if info.flag_bits & 0x1:
            raise UnreadableFile(
                f"the .{kind} file is password-protected (encrypted); remove the password and "
                "save it again"
            )
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > 1_000_000 and ratio > config.max_zip_ratio:
            raise UnreadableFile(
                f"the .{kind} file looks like a zip bomb (part `{info.filename}` is compressed "
                f"{ratio:.0f} times, over ingest.max_zip_ratio={config.max_zip_ratio:g}); it was "
                "not opened; save it again from its application"
            )
    if required and required not in {i.filename for i in infos}:
        raise UnreadableFile(
            f"the file is not a .{kind} (no `{required}` inside); save it as .{kind} and upload "
            "it again"
        )
    for info in infos:
        if info.filename.lower().endswith((".xml", ".rels")):
            try:
                blob = zf.read(info)
            except Exception as exc:  # CRC errors, truncated members, bad compression
                raise UnreadableFile(
                    f"the .{kind} file is truncated or corrupt (part `{info.filename}` cannot be "
                    "read); upload the complete file again"
                ) from exc
            check_xml_part(info.filename, blob, kind)


# ---- gzip ---------------------------------------------------------------------------------------
GZIP_MAGIC = b"\x1f\x8b"


def gunzip(data: bytes, config: IngestConfig) -> bytes:
    """Unpack gzip (every member), refused like a zip bomb past ingest.max_unpacked_mb: never
    more than the limit is unpacked into memory."""
    limit = int(config.max_unpacked_mb * 1024 * 1024)
    out = bytearray()
    rest = data
    while rest.startswith(GZIP_MAGIC):
        unpack = zlib.decompressobj(wbits=31)
        try:
            out += unpack.decompress(rest, limit + 1 - len(out))
        except zlib.error as exc:
            raise UnreadableFile(
                f"the gzip file is corrupt ({exc}); compress it again or upload it unpacked"
            ) from exc
        if len(out) > limit:
            raise UnreadableFile(
                f"the gzip file unpacks to more than {config.max_unpacked_mb:g} MB, over the limit "
                "ingest.max_unpacked_mb (possible zip bomb); it was not unpacked; upload it "
                "unpacked, split it or raise the limit in consult.toml"
            )
        if not unpack.eof:
            raise UnreadableFile(
                "the gzip file is truncated; upload the complete file again or upload it unpacked"
            )
        rest = unpack.unused_data
    return bytes(out)
