import pandas as pd
import pytest

from consult import schema
from consult.config import ConsultConfig, EmbeddingConfig
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
    src.write_text("ref;Comment\nr1;more roads and railways\nr2;\nr3;broadband internet data\n",
                   encoding="utf-8")
    out = run_table_tag(cb, src, "comment", "REF", tmp / "out" / "tagged.csv", cfg,
                        cache_dir=tmp / "cache")
    df = pd.read_csv(out, keep_default_na=False)
    assert list(df.columns) == ["ref", schema.PRIORITIES, TABLE_STATUS, schema.CONFIDENCE,
                                schema.LANGUAGE, "score:T", "score:D"]
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
    with pytest.raises(TableError, match=r"no column `comment`; pass --text-column with one of: "
                                         r"`id`, `answer`"):
        run_table_tag(cb, src, "comment", None, tmp / "o.csv", cfg, cache_dir=tmp / "c")
    with pytest.raises(TableError, match="--id-column"):
        run_table_tag(cb, src, "answer", "ref", tmp / "o.csv", cfg, cache_dir=tmp / "c")


def test_unreadable_inputs(setup):
    tmp, cb, cfg = setup
    with pytest.raises(TableError, match="does not exist"):
        run_table_tag(cb, tmp / "none.csv", "x", None, tmp / "o.csv", cfg)
    bad = tmp / "bad.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(TableError, match="save it as .xlsx or .csv"):
        read_table(bad)
