"""One configuration model for a run, loaded from an optional `consult.toml`.

Every field has a default that works with no file at all. Each stage reads only its own section.
The sections are defined in `consult.settings_ingest` and `consult.settings_analysis` and
re-exported here, so `from consult.config import IngestConfig` keeps working.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from pathlib import Path

from pydantic import Field, ValidationError

from consult.settings_analysis import EmbeddingConfig as EmbeddingConfig
from consult.settings_analysis import ReportConfig as ReportConfig
from consult.settings_analysis import TaggingConfig as TaggingConfig
from consult.settings_analysis import TopicsConfig as TopicsConfig
from consult.settings_base import Section
from consult.settings_compare import CompareConfig as CompareConfig
from consult.settings_ingest import IngestConfig as IngestConfig
from consult.settings_ingest import PrivacyConfig as PrivacyConfig
from consult.settings_ingest import SurveysConfig as SurveysConfig
from consult.settings_ingest import TranscriptsConfig as TranscriptsConfig
from consult.settings_review import ReviewConfig as ReviewConfig

__all__ = [
    "DEFAULT_CONFIG_NAME",
    "ConfigError",
    "CompareConfig",
    "ConsultConfig",
    "EmbeddingConfig",
    "IngestConfig",
    "PrivacyConfig",
    "ReportConfig",
    "ReviewConfig",
    "SurveysConfig",
    "TaggingConfig",
    "TopicsConfig",
    "TranscriptsConfig",
    "load_config",
]

DEFAULT_CONFIG_NAME = "consult.toml"


class ConsultConfig(Section):
    """The whole configuration of a run; the Prefect flow takes it as its parameter."""

    surveys: SurveysConfig = Field(default_factory=SurveysConfig)
    ingest: IngestConfig = Field(default_factory=IngestConfig)
    transcripts: TranscriptsConfig = Field(default_factory=TranscriptsConfig)
    privacy: PrivacyConfig = Field(default_factory=PrivacyConfig)
    embedding: EmbeddingConfig = Field(default_factory=EmbeddingConfig)
    tagging: TaggingConfig = Field(default_factory=TaggingConfig)
    topics: TopicsConfig = Field(default_factory=TopicsConfig)
    report: ReportConfig = Field(default_factory=ReportConfig)
    compare: CompareConfig = Field(default_factory=CompareConfig)
    review: ReviewConfig = Field(default_factory=ReviewConfig)

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
