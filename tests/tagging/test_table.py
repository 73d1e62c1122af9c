import gzip
import io
import zipfile

import pandas as pd
import pytest

from consult import schema
from consult.config import ConsultConfig, EmbeddingConfig
from consult.ingest.round import ingest_round
from consult.schema import RawFile
from consult.tagging.table import ROW_COLUMN, TABLE_STATUS, TableError, read_table, run_table_tag

CODEBOOK = """name: Test plan
priorities:
  - id: T
    label: Transport
    description: Transport links, including roads, railways, bridges, ports and trucks.
  - id: D
    label: Digital
    description: Digital connectivity, including internet, broadband, data and cybersecurity.
"""


@pytest.fixture
def setup(tmp_path):
    cb = tmp_path / "codebook.yaml"
    cb.write_text(CODEBOOK, encoding="utf-8")
    cfg = ConsultConfig(embedding=EmbeddingConfig(model="hashing-256"))
    return tmp_path, cb, cfg


def test_csv_semicolon_with_id_column(setup):
    tmp, cb, cfg = setup
    src = tmp / "comments.csv"
    src.write_text(
        "ref;Comment\nr1;more roads and railways\nr2;\nr3;broadband internet data\n",
        encoding="utf-8",
    )
    out = run_table_tag(
        cb, src, "comment", "REF", tmp / "out" / "tagged.csv", cfg, cache_dir=tmp / "cache"
    )
    df = pd.read_csv(out, keep_default_na=False)
    assert list(df.columns) == [
        "ref",
        schema.PRIORITIES,
        TABLE_STATUS,
        schema.CONFIDENCE,
        schema.LANGUAGE,
        "score:T",
        "score:D",
    ]
    assert df["ref"].tolist() == ["r1", "r2", "r3"]
    assert df[schema.PRIORITIES].tolist() == ["T", "", "D"]
    assert df[TABLE_STATUS].iloc[1] == "no-fit"
    assert (tmp / "cache").is_dir()  # embeddings are kept for the next run


def test_xlsx_without_id_uses_row_numbers(setup):
    tmp, cb, cfg = setup
    src = tmp / "comments.xlsx"
    pd.DataFrame({"Text": ["ports and trucks", "cybersecurity of data"]}).to_excel(src, index=False)
    out = run_table_tag(cb, src, "Text", None, tmp / "tagged.csv", cfg, cache_dir=tmp / "c")
    df = pd.read_csv(out, keep_default_na=False)
    assert df[ROW_COLUMN].tolist() == [1, 2]
    assert df[schema.PRIORITIES].tolist() == ["T", "D"]


def test_latin1_comma_csv_is_read(tmp_path):
    src = tmp_path / "old.csv"
    src.write_bytes("id,answer\n1,caf\xe9 roads\n".encode("latin-1"))
    df = read_table(src)
    assert df["answer"].iloc[0] == "caf\xe9 roads"


def test_missing_column_names_the_fix(setup):
    tmp, cb, cfg = setup
    src = tmp / "c.csv"
    src.write_text("id,answer\n1,roads\n", encoding="utf-8")
    with pytest.raises(
        TableError,
        match=r"no column `comment`; pass --text-column with one of: "
        r"`id`, `answer`",
    ):
        run_table_tag(cb, src, "comment", None, tmp / "o.csv", cfg, cache_dir=tmp / "c")
    with pytest.raises(TableError, match="--id-column"):
        run_table_tag(cb, src, "answer", "ref", tmp / "o.csv", cfg, cache_dir=tmp / "c")


def test_unreadable_inputs(setup):
    tmp, cb, cfg = setup
    with pytest.raises(TableError, match="does not exist"):
        run_table_tag(cb, tmp / "none.csv", "x", None, tmp / "o.csv", cfg)
    bad = tmp / "bad.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(TableError, match="the .xlsx file is truncated or corrupt"):
        read_table(bad)


def _zip_bomb() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/worksheets/sheet1.xml", "<a>" + " " * 3_000_000 + "</a>")
    return buf.getvalue()


@pytest.mark.parametrize(
    "name, data, settings",
    [
        ("image.csv", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, {}),
        ("nul.csv", b"id,text\n1,\x00\x00\x00abc\x00\x00\n", {}),
        ("bomb.xlsx", _zip_bomb(), {}),
        ("big.csv", b"id,text\n" + b"1,hello there\n" * 200, {"max_file_mb": 0.001}),
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), {}),
    ],
)
def test_hostile_tables_get_the_reason_a_round_gives(tmp_path, name, data, settings):
    cfg = ConsultConfig.model_validate({"ingest": settings})
    (tmp_path / name).write_bytes(data)
    reason = ingest_round([RawFile(f"surveys/{name}", data, "")], "r", cfg).files[schema.REASON]
    with pytest.raises(TableError) as err:
        read_table(tmp_path / name, cfg)
    assert reason.iloc[0] in str(err.value)


def test_gzipped_csv_is_read_and_a_gzip_bomb_refused(tmp_path):
    csv = b"id,comment\n7,Harmonise customs procedures\n"
    (tmp_path / "ok.csv.gz").write_bytes(gzip.compress(csv))
    assert read_table(tmp_path / "ok.csv.gz")["comment"].tolist() == [
        "Harmonise customs procedures"
    ]
    (tmp_path / "bomb.csv.gz").write_bytes(gzip.compress(csv + b"8,x\n" * 300_000))
    with pytest.raises(TableError, match="ingest.max_unpacked_mb"):
        read_table(
            tmp_path / "bomb.csv.gz",
            ConsultConfig.model_validate({"ingest": {"max_unpacked_mb": 1}}),
        )
    (tmp_path / "cut.csv.gz").write_bytes(gzip.compress(csv)[:-6])
    with pytest.raises(TableError, match="gzip file is truncated"):
        read_table(tmp_path / "cut.csv.gz")
