"""The `consult` command: what facilitators, drafters and analysts type."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
from pathlib import Path

log = logging.getLogger(__name__)

EXAMPLES = """\
examples:
  consult demo                                  run the bundled sample round (raw/sample-round)
  consult check round-3                         validate the uploads in raw/round-3 (no modelling)
  consult run round-3                           run the round; writes outputs/round-3/consultation-summary-round-3.xlsx
  consult run round-3 --config consult.toml     ... with your settings
  consult run round-3 --raw /data/raw --outputs /data/outputs
  consult run round-3 --force                   run even when nothing changed since the last run
  consult run round-3 --task-runner dask        ingest and embed in parallel on a local Dask cluster
  consult run round-3 --compare-with round-2    ... and add a "Round comparison" sheet against round-2
  consult compare round-2 round-3               compare two rounds that already have outputs
  consult run round-3 --validation-sample 200   ... and draw 200 passages for reviewers to code blind
  consult tag codebook.yaml comments.xlsx --text-column Comment --output tagged.csv
  consult watch round-3                         re-run the round whenever files land in raw/round-3
  consult serve                                 serve the flow as a Prefect deployment (trigger it from the UI)
"""


def _add_round_args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--raw", default="raw", help="folder that holds one sub-folder per round (default: raw)"
    )
    p.add_argument(
        "--config", default=None, help="consult.toml (default: ./consult.toml if present)"
    )


def _add_force_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--force",
        action="store_true",
        help="run the flow even when nothing changed since the last run (by default such a "
        "re-run keeps the outputs as they are and exits at once)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="consult",
        description="Turn a stakeholder consultation round (surveys, workshop notes, transcripts) into "
        "tagged, traceable evidence and an Excel summary workbook. Runs offline.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="more log output")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    run = sub.add_parser(
        "run",
        help="run the Prefect flow for raw/ROUND and write the workbook",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    run.add_argument("round", metavar="ROUND", help="round name: the folder under raw/")
    _add_round_args(run)
    run.add_argument(
        "--outputs", default="outputs", help="where outputs/ROUND is written (default: outputs)"
    )
    run.add_argument(
        "--task-runner",
        choices=["default", "dask"],
        default="default",
        help="'dask' runs ingestion and embedding on a Dask cluster (prefect-dask)",
    )
    run.add_argument(
        "--dask-address",
        default=None,
        help="scheduler address such as tcp://10.0.0.5:8786; default: a local cluster",
    )
    run.add_argument("--embedding-model", default=None, help="override embedding.model")
    run.add_argument("--codebook", default=None, help="override tagging.codebook (a YAML file)")
    run.add_argument(
        "--device",
        choices=["auto", "cpu", "cuda"],
        default=None,
        help="override embedding.device (auto: the GPU when torch sees one)",
    )
    _add_force_arg(run)
    run.add_argument(
        "--compare-with",
        metavar="EARLIER",
        default=None,
        help="override compare.with: compare with round EARLIER's outputs (a 'Round comparison' "
        "sheet and round-comparison.csv; continuing themes keep EARLIER's theme ids)",
    )
    run.add_argument(
        "--validation-sample",
        type=_count,
        default=None,
        metavar="N",
        help="override review.validation_sample: draw (or grow to) N passages for reviewers to "
        "code blind on the 'Validation' sheet; a drawn sample is kept across runs",
    )

    compare = sub.add_parser(
        "compare",
        help="compare ROUND with EARLIER from their outputs (no modelling)",
        epilog="example:\n  consult compare round-2 round-3   writes outputs/round-3/"
        "round-comparison.csv and round-comparison.xlsx",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    compare.add_argument("earlier", metavar="EARLIER", help="the earlier round")
    compare.add_argument("round", metavar="ROUND", help="the later round")
    compare.add_argument("--outputs", default="outputs", help="where both rounds' outputs are")
    compare.add_argument("--config", default=None)

    check = sub.add_parser("check", help="validate the uploads of a round without modelling")
    check.add_argument("round", metavar="ROUND")
    _add_round_args(check)

    demo = sub.add_parser("demo", help="run the bundled sample round (raw/sample-round)")
    demo.add_argument("--outputs", default="outputs")
    demo.add_argument("--config", default=None)
    _add_force_arg(demo)

    tag = sub.add_parser(
        "tag",
        help="tag any table of texts against a codebook",
        epilog="example:\n  consult tag codebook.yaml old-consultation.csv "
        "--text-column answer --id-column id --output tagged.csv",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    tag.add_argument("taxonomy", metavar="TAXONOMY.yaml")
    tag.add_argument("input", metavar="INPUT", help="a .csv or .xlsx file")
    tag.add_argument("--text-column", required=True)
    tag.add_argument("--id-column", default=None)
    tag.add_argument("--output", required=True)
    tag.add_argument("--config", default=None)

    watch = sub.add_parser(
        "watch", help="run the round whenever files land in raw/ROUND (debounced)"
    )
    watch.add_argument("round", metavar="ROUND")
    _add_round_args(watch)
    watch.add_argument("--outputs", default="outputs")
    watch.add_argument("--debounce", type=float, default=10.0, help="seconds of quiet before a run")

    serve = sub.add_parser("serve", help="serve the flow as a Prefect deployment")
    serve.add_argument("--name", default="consultation-round")
    return parser


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a whole number 0 or more, got {text!r}")
    return value


def _config(path: str | None):
    from consult.config import DEFAULT_CONFIG_NAME, load_config

    if path is None and Path(DEFAULT_CONFIG_NAME).is_file():
        path = DEFAULT_CONFIG_NAME
    return load_config(path)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return 0
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        datefmt="%H:%M:%S",
    )
    for noisy in ("httpx", "httpcore", "sentence_transformers", "urllib3"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    from consult import runtime

    handlers = runtime.install_signal_handlers()  # before the server: a SIGTERM stops it too
    try:
        return _main(args)
    except KeyboardInterrupt as exc:  # Ctrl+C, SIGTERM, SIGHUP: every `finally` has run
        signum = getattr(exc, "signum", signal.SIGINT)
        print(
            f"consult: stopped by {signal.Signals(signum).name}. Every output is whole (the "
            "new one or the previous one); run again to finish.",
            file=sys.stderr,
        )
        return 128 + int(signum)
    finally:
        runtime.restore_signal_handlers(handlers)


def entry() -> None:
    """The `consult` command: `main`, then an exit without the interpreter's teardown (see
    `runtime.exit_without_teardown`)."""
    from consult import runtime

    runtime.exit_without_teardown()
    sys.exit(runtime.set_exit_code(main()))


def _main(args) -> int:
    from consult.runtime import configure_environment, hide_tracebacks, start_temporary_server
    from consult.workspace import storage_problem

    try:
        configure_environment()
    except OSError as exc:
        return _explain(storage_problem(exc) or exc)
    if args.command in ("run", "demo") and _unchanged(args):
        return 0  # before Prefect's server, torch or any model: nothing of theirs is needed
    if args.command in ("run", "demo", "watch"):
        start_temporary_server()  # starts while the heavy imports below happen
    from consult.config import ConfigError
    from consult.reviews.rules import ReviewError
    from consult.tagging.codebook import CodebookError
    from consult.workspace import RoundError

    explained = (ConfigError, RoundError, CodebookError, ReviewError, FileNotFoundError, ValueError)
    if not args.verbose:  # what the CLI explains in one line, Prefect need not show in forty
        hide_tracebacks(
            lambda e: (
                isinstance(e, (*explained, KeyboardInterrupt))
                or type(e).__name__ == "TerminationSignal"
                or storage_problem(e) is not None
            )
        )
    try:
        return _dispatch(args)
    except explained as exc:
        return _explain(exc)
    except OSError as exc:  # a full disk or a read-only drive: say which file and what to do
        problem = storage_problem(exc)
        if problem is None:
            raise
        return _explain(problem)


def _explain(problem) -> int:
    """The one line a user reads instead of a traceback; exit code 2: fix something, rerun."""
    print(f"consult: {problem}", file=sys.stderr)
    return 2


def _dispatch(args) -> int:
    if args.command == "check":
        from consult.commands import check_round

        report, ok = check_round(args.round, args.raw, _config(args.config))
        print(report)
        return 0 if ok else 1
    if args.command in ("run", "demo"):
        from consult.commands import run_round

        cfg, raw, rnd, runner, address = _round_setup(args)
        workbook = run_round(rnd, raw, args.outputs, cfg, task_runner=runner, dask_address=address)
        print(f"Workbook written: {Path(workbook).resolve()}")
        return 0
    if args.command == "compare":
        from consult.commands import compare_rounds

        print(compare_rounds(args.earlier, args.round, args.outputs, _config(args.config)))
        return 0
    if args.command == "tag":
        from consult.tagging.table import run_table_tag

        out = run_table_tag(
            Path(args.taxonomy),
            Path(args.input),
            args.text_column,
            args.id_column,
            Path(args.output),
            _config(args.config),
        )
        print(f"Tagged table written: {Path(out).resolve()}")
        return 0
    if args.command == "watch":
        from consult.commands import watch_round

        watch_round(args.round, args.raw, args.outputs, _config(args.config), args.debounce)
        return 0
    if args.command == "serve":
        from consult.commands import serve

        serve(args.name)
        return 0
    raise AssertionError(args.command)


def _round_setup(args):
    """(settings with the command line's overrides, raw, round, task runner, Dask address)."""
    cfg = _config(args.config)
    if args.command == "demo":
        return cfg, _sample_raw(), "sample-round", "default", None
    if args.embedding_model:
        cfg.embedding.model = args.embedding_model
    if args.codebook:
        cfg.tagging.codebook = args.codebook
    if args.device:
        cfg.embedding.device = args.device
    if args.validation_sample is not None:
        cfg.review.validation_sample = args.validation_sample
    if args.compare_with:
        cfg.compare.with_ = args.compare_with
    return cfg, args.raw, args.round, args.task_runner, args.dask_address


def _unchanged(args) -> bool:
    """The pre-flight of `run` and `demo`: True when nothing a run reads changed since the last
    complete run of these outputs, which are then kept byte for byte (consult.pipeline.rerun)."""
    if args.force:
        return False
    try:
        from consult.pipeline.rerun import what_changed
        from consult.workspace import RoundPaths

        cfg, raw, rnd, _, _ = _round_setup(args)
        paths = RoundPaths.for_round(rnd, raw, args.outputs)
        why = what_changed(paths, cfg)
    except Exception as exc:  # a wrong setting or round name: the run explains it in one line
        log.debug("Pre-flight could not decide (%s); running the round", exc)
        return False
    if why:
        log.info("Running round %s: %s", rnd, why)
        return False
    log.info(
        "Nothing changed since the last run of %s (uploads, settings, code, reviewer decisions "
        "and outputs are as it left them): the outputs are kept as they are. Use --force to "
        "run the round anyway.",
        rnd,
    )
    print(f"Workbook unchanged: {paths.workbook.resolve()}")
    return True


def _sample_raw() -> str:
    """raw/ of the checkout when run from it, so `consult demo` works from the project root."""
    here = Path("raw") / "sample-round"
    if here.is_dir():
        return "raw"
    repo = Path(__file__).resolve().parents[2] / "raw"
    return str(repo)


if __name__ == "__main__":  # pragma: no cover
    entry()
