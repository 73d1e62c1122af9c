"""A round's stored outputs, read back for a comparison: the passage table with the reviewer
decisions of its reviews.csv applied (so counts are those of its Priorities sheet), its
codebook and its themes. Never its raw files.

Outputs of an older consult are read when they can be: without `comparison-basis.json` the
codebook is found through Run info (or the Priorities sheet) and theme centroids are computed
again from the stored passage texts through the shared embedding cache.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from consult import schema as S
from consult.compare.basis import (
    BASIS_NAME,
    BasisError,
    StoredCodebook,
    StoredPriority,
    codebook_from_basis,
    themes_from_basis,
)
from consult.compare.themes import ThemeSet, theme_set
from consult.config import ConsultConfig
from consult.ids import sha256_file
from consult.report.counts import counted_mask
from consult.reviews import rules as reviews
from consult.workspace import RoundError, RoundPaths, workbook_name

log = logging.getLogger(__name__)

# what a passage table needs to be counted; other columns are filled when an older one lacks them
NEEDED = [S.PASSAGE_ID, S.TEXT]
FILLED = {
    S.SOURCE_KIND: "",
    S.SOURCE_FILE: "",
    S.LOCATION: "",
    S.RESPONDENT_ID: None,
    S.SPEAKER: None,
    S.COUNTRY: None,
    S.STAKEHOLDER_GROUP: None,
    S.IS_STAKEHOLDER_INPUT: True,
}


@dataclass
class StoredRound:
    """One round as its outputs hold it."""

    round: str
    out_dir: Path
    passages: pd.DataFrame  # reviewer decisions applied (FINAL_PRIORITIES), validated
    codebook: StoredCodebook
    basis: dict | None  # comparison-basis.json, when this consult wrote it
    run_info: dict
    workbook_sha256: str  # of the workbook as it is now ("" when there is none)
    notices: list[str] = field(default_factory=list)

    @property
    def written_sha256(self) -> str:
        """The workbook's hash as its run wrote it (it differs once a reviewer saved edits)."""
        return str(self.run_info.get("workbook_sha256") or "")


def no_outputs(round_name: str, outputs: Path, what: str = "") -> RoundError:
    where = Path(outputs) / round_name
    return RoundError(
        f"Round `{round_name}` has no outputs to compare with{what}: `{where}` holds no "
        f"passages.parquet. Run `consult run {round_name}` first (with the same --outputs), "
        "then compare."
    )


def refuse_same(earlier: str, later: str) -> None:
    if earlier == later:
        raise RoundError(
            f"Cannot compare round `{later}` with itself; name an earlier round, e.g. "
            f"`consult compare round-1 {later}`."
        )


def _read_passages(out_dir: Path, name: str, outputs: Path) -> pd.DataFrame:
    parquet, csv = out_dir / "passages.parquet", out_dir / "passages.csv"
    try:
        if parquet.is_file():
            return pd.read_parquet(parquet)
        if csv.is_file():
            table = pd.read_csv(csv, dtype=str, keep_default_na=False, encoding="utf-8-sig")
            if S.THEME_ID in table:
                table[S.THEME_ID] = pd.to_numeric(table[S.THEME_ID], errors="coerce")
                table[S.THEME_ID] = table[S.THEME_ID].fillna(-1).astype(int)
            return table
    except (OSError, ValueError) as exc:
        raise RoundError(
            f"The passage table of round `{name}` in `{out_dir}` cannot be read ({exc}); "
            f"run `consult run {name}` again to rewrite it."
        ) from exc
    raise no_outputs(name, outputs)


def _usable(table: pd.DataFrame, name: str, out_dir: Path) -> pd.DataFrame:
    """The stored table with what an older consult did not write filled in, or a clear error."""
    missing = [c for c in NEEDED if c not in table.columns]
    if S.PRIORITIES not in table.columns and S.FINAL_PRIORITIES not in table.columns:
        missing.append(S.PRIORITIES)
    if missing:
        raise RoundError(
            f"The passage table of round `{name}` in `{out_dir}` was written by an older consult "
            f"and lacks {', '.join(missing)}; run `consult run {name}` with this version to "
            "rewrite its outputs (its reviewer decisions are kept), then compare."
        )
    out = table.copy()
    if not all(c in out.columns for c in S.CAMPAIGN_COLUMNS):  # stored before campaigns
        from consult.config import IngestConfig
        from consult.ingest.campaigns import mark_campaigns

        ingest = IngestConfig()  # found as this version finds them, so both rounds count alike
        out = mark_campaigns(out, ingest.campaign_similarity, ingest.campaign_min_words)
    if S.PRIORITIES not in out.columns:  # tags as last shown; decisions are applied again
        out[S.PRIORITIES] = out[S.FINAL_PRIORITIES]
    for col, value in FILLED.items():
        if col not in out.columns:
            out[col] = value
    for col in S.PASSAGE_COLUMNS:  # columns added since (as a stage writes them when empty)
        if col not in out.columns:
            ctype = S.PASSAGE_TYPES.get(col)
            out[col] = ctype.fill if ctype is not None else None
    if S.THEME_ID not in out.columns:
        out[S.THEME_ID] = -1
    return out


def _reviews(out_dir: Path):
    from consult.reviews.store import load_store

    path = out_dir / "reviews.csv"
    return load_store(path) if path.is_file() else None


def _json(path: Path) -> dict | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        log.warning("`%s` cannot be read (%s); working without it", path, exc)
        return None
    return data if isinstance(data, dict) else None


def _codebook_from_run_info(info: dict) -> StoredCodebook | None:
    """The codebook the run used, when the file its settings name still has its hash."""
    from consult.tagging.codebook import CodebookError, load_codebook

    try:
        settings = json.loads(info.get("configuration") or "{}")
        path = (settings.get("tagging") or {}).get("codebook")
        cb = load_codebook(path)
    except (ValueError, CodebookError, OSError, AttributeError):
        return None
    if cb.sha256 != info.get("codebook sha256"):
        return None
    priorities = [StoredPriority(p.id, p.label, p.description) for p in cb.priorities]
    return StoredCodebook(cb.name, cb.sha256, priorities)


def _codebook_from_workbook(workbook: Path, info: dict) -> StoredCodebook | None:
    """Ids and labels from the Priorities sheet (descriptions are not shown there)."""
    if not workbook.is_file():
        return None
    from openpyxl import load_workbook

    try:
        wb = load_workbook(workbook, read_only=True, data_only=True)
    except Exception:  # not a workbook we can open: the caller says what to do
        return None
    try:
        if "Priorities" not in wb.sheetnames:
            return None
        found, started = [], False
        for row in wb["Priorities"].iter_rows(values_only=True):
            if not started:
                started = bool(row) and row[0] == "Priority ID"
                continue
            if not row or row[0] is None:
                break
            found.append(StoredPriority(str(row[0]), str(row[1] or row[0]), None))
    finally:
        wb.close()
    if not found:
        return None
    return StoredCodebook(str(info.get("codebook") or "codebook"), "", found)


def load_stored_round(outputs: Path, name: str) -> StoredRound:
    """Round `name` as its outputs under `outputs` hold it; RoundError with what to do."""
    paths = RoundPaths.for_round(name, outputs=outputs)
    out_dir = paths.out_dir
    if not out_dir.is_dir():
        raise no_outputs(name, outputs)
    table = _usable(_read_passages(out_dir, name, outputs), name, out_dir)
    passages = reviews.apply_reviews(table, _reviews(out_dir))
    passages = S.validate_passages(
        passages, "report", required=NEEDED + [S.FINAL_PRIORITIES, S.IS_STAKEHOLDER_INPUT]
    )
    info = _json(out_dir / "run-info.json") or {}
    basis = _json(out_dir / BASIS_NAME)
    notices: list[str] = []
    codebook = None
    if basis is not None:
        try:
            codebook = codebook_from_basis(basis, str(out_dir / BASIS_NAME))
        except BasisError as exc:
            notices.append(str(exc))
            basis = None
    workbook = out_dir / workbook_name(name)
    if codebook is None:
        codebook = _codebook_from_run_info(info) or _codebook_from_workbook(workbook, info)
        if codebook is not None and any(p.description is None for p in codebook.priorities):
            notices.append(
                f"The codebook of {name} is known by ids and labels only (its outputs predate "
                f"{BASIS_NAME}): a changed description cannot be flagged."
            )
    if codebook is None:
        raise RoundError(
            f"The codebook round `{name}` was tagged with cannot be found: its outputs in "
            f"`{out_dir}` have no {BASIS_NAME}, Run info names no codebook file that still "
            f"matches, and the workbook has no Priorities sheet. Run `consult run {name}` "
            "with this version, then compare."
        )
    sha = sha256_file(workbook) if workbook.is_file() else ""
    return StoredRound(name, out_dir, passages, codebook, basis, info, sha, notices)


def stored_themes(stored: StoredRound, space: str, config: ConsultConfig) -> ThemeSet | None:
    """The round's themes in the embedding space `space`: from its basis file when it was
    written in that space, else computed again from its passages (cached vectors are reused)."""
    if stored.basis is not None:
        try:
            themes = themes_from_basis(stored.basis, str(stored.out_dir / BASIS_NAME))
        except BasisError as exc:
            stored.notices.append(str(exc))
        else:
            if themes.space == space:
                return themes
            log.info(
                "Themes of %s were stored in the space of %s, not %s: computing them again",
                stored.round,
                themes.space,
                space,
            )
    table = stored.passages
    ids = table[S.THEME_ID].astype(int).to_numpy()
    if not (ids >= 0).any():
        stored.notices.append(
            f"Round {stored.round} has no themes in its outputs: themes are not compared."
        )
        return None
    vectors, got = embed_stored(stored, config)
    if got != space:
        stored.notices.append(
            f"Themes of {stored.round} could only be read in the space of {got}, not {space}: "
            "themes are not compared. Run both rounds with the same embedding settings."
        )
        return None
    labels = (
        table[ids >= 0].groupby(S.THEME_ID)[S.THEME_LABEL].first().to_dict()
        if S.THEME_LABEL in table
        else {int(t): f"theme {t}" for t in set(ids[ids >= 0])}
    )
    return theme_set(stored.round, ids, vectors, counted_mask(table), labels, space=space)


def embed_stored(stored: StoredRound, config: ConsultConfig) -> tuple[np.ndarray, str]:
    """Vectors of the stored passages as a run reads them (each language by its model, into one
    space), through the shared embedding cache; and the name of that space."""
    from consult.embedding.embed import EmbeddingCache, LazyEmbedder, embed_texts, embedder_name
    from consult.embedding.routing import embed_routed

    table = stored.passages
    cache = EmbeddingCache(stored.out_dir.parent / ".cache" / "embeddings")
    languages = table[S.LANGUAGE].tolist() if S.LANGUAGE in table else ["en"] * len(table)
    routed = embed_routed(
        table[S.TEXT].astype(str).tolist(),
        languages,
        config.embedding,
        lambda texts, s: embed_texts(texts, LazyEmbedder(s), cache)[0],
    )
    log.info(
        "Theme centroids of %s computed again from its %d stored passages (%s has no %s)",
        stored.round,
        len(table),
        stored.out_dir,
        BASIS_NAME,
    )
    return routed.vectors, embedder_name(routed.space)


def check_comparable(outputs: str | Path, earlier: str, later: str) -> None:
    """Fail fast, before a run starts: not the round itself, and outputs to compare with."""
    refuse_same(earlier, later)
    out_dir = RoundPaths.for_round(earlier, outputs=outputs).out_dir
    if not ((out_dir / "passages.parquet").is_file() or (out_dir / "passages.csv").is_file()):
        raise no_outputs(earlier, Path(outputs))
