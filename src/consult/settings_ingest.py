"""The sections of `consult.toml` that govern reading a round: surveys, limits per file,
transcripts and privacy (what the ingest stage reads).

Split from `consult.config`, which re-exports every class here: import them from there.
"""

from __future__ import annotations

from pydantic import Field

from consult.settings_base import Section


class SurveysConfig(Section):
    """How survey exports are read."""

    text_columns: list[str] = Field(
        default_factory=list,
        description="Column names (exact or case-insensitive) to treat as free-text questions. "
        "Empty: detect automatically.",
    )
    ignore_columns: list[str] = Field(default_factory=list, description="Columns never read.")
    attribute_aliases: dict[str, list[str]] = Field(
        default_factory=lambda: {
            # Thai, Lao, Khmer and Burmese headers match only whole (no spaces inside them);
            # Latin-script words such as "negara" are left out, as they would also match a
            # short question ("Apa prioritas negara Anda?") and take its answers for countries
            "country": [
                "country",
                "member state",
                "ams",
                "country of residence",
                "nationality",
                "ประเทศ",
                "ປະເທດ",
                "ប្រទេស",
                "နိုင်ငံ",
            ],
            "stakeholder_group": [
                "sector",
                "stakeholder group",
                "organisation type",
                "organization type",
                "stakeholder type",
                "type of organisation",
                "type of organization",
                "กลุ่มผู้มีส่วนได้ส่วนเสีย",
                "ภาคส่วน",
            ],
        },
        description="Canonical attribute name -> column names (case-insensitive) that mean it.",
    )
    min_text_words: int = Field(
        4, ge=1, description="A column whose typical answer has fewer words is a closed question."
    )
    metadata_columns: list[str] = Field(
        default_factory=list,
        description="Further column names (case-insensitive) that are system metadata: never "
        "questions, never attributes.",
    )
    stakeholder_groups: dict[str, list[str]] = Field(
        default_factory=lambda: {
            "Government": [
                "government",
                "government agency",
                "national government / ministry",
                "ministry",
                "public sector",
                "government official",
                "local government",
            ],
            "Private sector": [
                "private sector",
                "private company",
                "business / private sector",
                "business",
                "industry",
                "company",
                "corporate",
            ],
            "MSMEs": [
                "msme",
                "msmes",
                "micro, small or medium enterprise",
                "small business (msme)",
                "sme",
                "smes",
                "small business",
                "micro enterprise",
            ],
            "Civil society": [
                "civil society",
                "ngo",
                "civil society organisation / ngo",
                "cso",
                "civil society organization",
                "non-governmental organisation",
            ],
            "Academia": [
                "academia",
                "university / research institute",
                "academia and think tanks",
                "think tank",
                "research institute",
                "university",
                "academic",
            ],
            "Youth": [
                "youth",
                "youth organisation",
                "student / youth",
                "student",
                "students",
                "youth organization",
            ],
            "Development partners": [
                "development partner",
                "dialogue or development partner",
                "international organisation / development partner",
                "international organisation",
                "international organization",
                "donor",
                "dialogue partner",
            ],
        },
        description="Canonical stakeholder group -> answer values (case- and punctuation-"
        "insensitive) that mean it; other values are kept as given.",
    )


class IngestConfig(Section):
    """Limits per file that keep one hostile or broken upload from sinking or stalling a round.

    A file over a limit is rejected (or, for passage length, split) with a reason naming the
    setting; the round always completes. README "Limits per file" lists them.
    """

    max_file_mb: float = Field(50.0, gt=0, description="Larger files are not read.")
    max_unpacked_mb: float = Field(
        200.0, gt=0, description="Reject an xlsx/docx whose parts unpack to more than this."
    )
    max_zip_ratio: float = Field(
        200.0,
        gt=1,
        description="Reject a zip-based file (xlsx, docx) compressed more than this ratio.",
    )
    max_seconds_per_file: float = Field(
        120.0, gt=0, description="Stop reading a file after this many seconds and reject it."
    )
    max_cells: int = Field(
        5_000_000,
        gt=0,
        description="Cells of a survey file (all sheets, empty trailing cells "
        "not counted) or of a .docx's tables; more: the file is rejected.",
    )
    max_columns: int = Field(
        5_000, gt=0, description="Columns with content in one survey table; more: rejected."
    )
    max_file_chars: int = Field(
        50_000_000,
        gt=0,
        description="Characters of text one file may unpack to (an xlsx can "
        "repeat one long shared string in every cell); more: rejected.",
    )
    max_pdf_pages: int = Field(2_000, gt=0, description="PDFs with more pages are rejected.")
    max_pdf_page_mb: float = Field(
        2.0,
        gt=0,
        description="A PDF page whose content unpacks to more is skipped and listed "
        "as rejected (its text is not read); the other pages are read.",
    )
    max_document_passages: int = Field(
        50_000,
        gt=0,
        description="Passages one transcript or notes file may give (turns, "
        "paragraphs, bullets; a ten-hour hearing has a few thousand turns); more: the file is "
        "rejected, so that one small file of tiny cues cannot hold up the round for hours. "
        "Surveys are bounded by max_cells.",
    )
    max_passage_chars: int = Field(
        20_000,
        gt=0,
        le=32_000,
        description="Longer passages are split, verbatim, into parts of "
        "at most this many characters (at most 32,000: what one Excel cell shows).",
    )
    duplicate_min_words: int = Field(
        3,
        ge=1,
        description="Identical answers with at least this many words are flagged as duplicates.",
    )
    campaign_similarity: float = Field(
        0.5,
        gt=0.0,
        le=1.0,
        description="Answers to the same question from different people whose runs of three "
        "words overlap at least this much (Jaccard) with a campaign's template are one campaign "
        "(benchmarks/eval_campaigns.py measured the default); 1 groups exact copies only.",
    )
    campaign_min_words: int = Field(
        10, ge=1, description="Shorter answers are never grouped into a campaign."
    )
    non_answers: list[str] = Field(
        default_factory=lambda: [
            "n/a",
            "na",
            "n.a.",
            "-",
            "--",
            "none",
            "nil",
            "no",
            "no comment",
            "no comments",
            "nothing",
            "not applicable",
            "nothing to add",
            ".",
            "...",
            "?",
            "x",
            "ok",
            "idk",
            # the same answers in the Member States' languages: "none", "no comment", "nothing"
            "tidak ada",
            "tiada",
            "tidak",
            "tak ada",
            "tiada komen",
            "tidak ada komentar",
            "tidak ada tanggapan",
            "tiada ulasan",
            "không",
            "không có",
            "không có ý kiến",
            "không có gì",
            "không ý kiến",
            "ไม่มี",
            "ไม่มีค่ะ",
            "ไม่มีครับ",
            "ไม่มีความคิดเห็น",
            "ไม่มีข้อเสนอแนะ",
            "ບໍ່ມີ",
            "ບໍ່ມີຄຳເຫັນ",
            "គ្មាន",
            "គ្មានទេ",
            "គ្មានមតិ",
            "မရှိ",
            "မရှိပါ",
            "wala",
            "wala po",
            "walang komento",
            "wala akong komento",
        ]
    )


class TranscriptsConfig(Section):
    """How speaker turns in transcripts are attributed (names become pseudonyms either way)."""

    facilitator_roles: list[str] = Field(
        default_factory=lambda: [
            "facilitator",
            "moderator",
            "chair",
            "chairperson",
            "host",
            "interviewer",
            "note-taker",
            "rapporteur",
            "secretariat",
        ],
        description="Speaker names or titles containing one of these are facilitator turns.",
    )
    count_facilitators: bool = Field(
        False, description="Count facilitator turns as stakeholder input."
    )


class PrivacyConfig(Section):
    redact_emails: bool = True
    redact_phones: bool = True
    redact_ids: bool = True
    extra_names: list[str] = Field(
        default_factory=list, description="Further names to replace wherever they appear."
    )
    personal_columns: list[str] = Field(
        default_factory=list,
        description="Further survey column names (case-insensitive) holding names or contact "
        "details: used only to redact, never output.",
    )
    not_personal_columns: list[str] = Field(
        default_factory=list,
        description="Survey column names (case-insensitive) that consult took for names (Data "
        "quality, 'Survey columns') but are not: read as attributes or free text again.",
    )
    redact_titled_names: bool = Field(
        True,
        description="Replace the capitalised, uncommon words after a title ('Pak Budi', "
        "'Ms. Reyes') by [name], even when nobody declared the name.",
    )
    file_names: bool = Field(
        True,
        description="Show file names whose words look like a person's name with those "
        "words replaced ('interview-with-[name 1].md') in every output.",
    )
