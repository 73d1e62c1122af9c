"""The base class of every section of `consult.toml`: a key it does not know is an error.

In a module of its own so that the section modules (`settings_ingest`, `settings_analysis`) and
`consult.config` share one base without importing one another.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid")
