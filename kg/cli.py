"""The ``kg`` command. Each command parses options and calls library verbs (sssom-py cli.py).

Exit codes: 0 success; 1 finished, but some inputs or records could not be lifted (each error
is printed, the rest was stored); 2 usage error; 3 no data in the data directory; 4 `kg
validate --strict` found violations.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click
from rdflib.namespace import DCTERMS

from kg import __version__
from kg.alignment.cli import align
from kg.audit_cli import audit, record_cli
from kg.cli_options import EXIT_NO_DATA, data_dir_option
from kg.cli_options import open_store as _open_store
from kg.config import DataDir
from kg.governance.cli import policy, token  # also adds `kg user grant`
from kg.harvest.cli import harvest
from kg.users_cli import user

EXIT_LIFT_ERRORS = 1
EXIT_VIOLATIONS = 4
REPO_ROOT = Path(__file__).resolve().parents[1]



@click.group()
@click.version_option(__version__, prog_name="kg")
def main() -> None:
    """Crosswalk: lift lab dataset metadata into one validated, linked RDF graph."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")


def _format_choices() -> list[str]:
    from kg.lifting import lifters

    return [lf.format.name for lf in lifters()]


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--format", "fmt", type=click.Choice(_format_choices()), help="Force a format (default: detect from content)."
)
@click.option("--source", help="Source (catalog) name for every input (default: from the path).")
@data_dir_option
@click.option("--quiet", is_flag=True, help="No progress bar.")
def ingest(paths: tuple[Path, ...], fmt: str | None, source: str | None, data_dir: Path, quiet: bool) -> None:
    """Lift, validate and store files or directories (formats may be mixed)."""
    sys.exit(_ingest(list(paths), fmt=fmt, source=source, data_dir=data_dir, quiet=quiet))


def _ingest(paths: list[Path], *, fmt: str | None, source: str | None, data_dir: Path, quiet: bool) -> int:
    from tqdm import tqdm

    from kg.pipeline import Ingestor, discover

    total = sum(1 for _ in discover(paths, source=source))
    ingestor = Ingestor(data_dir)
    with tqdm(total=total, unit="file", desc="ingest", disable=quiet, file=sys.stderr) as bar:
        try:
            result = ingestor.ingest(paths, format=fmt, source=source, progress=bar.update)
        finally:
            ingestor.close()
    per_source = result.per_source.values()
    record_cli(data_dir, "ingest.run", ", ".join(str(p) for p in paths), {
        "run": result.run, "format": fmt, "source": source, "files": result.files, "records": result.records,
        "added": sum(c.get("new", 0) for c in per_source), "changed": sum(c.get("changed", 0) for c in per_source),
        "unchanged": result.unchanged, "failed": len(result.errors), "violations": result.violations,
        "per_source": {name: dict(counts) for name, counts in result.per_source.items()}})  # fmt: skip
    for err in result.errors:
        click.echo(f"error: {err}", err=True)
    click.echo(
        f"{result.files} files, {result.records} records: {result.stored} stored, "
        f"{result.unchanged} unchanged, {len(result.errors)} errors, "
        f"{result.violations} of those stored with violations (stored and marked)"
    )
    for name, counts in sorted(result.per_source.items()):
        click.echo(
            f"  {name}: {counts.get('records', 0)} records, {counts.get('stored', 0)} stored, "
            f"{counts.get('unchanged', 0)} unchanged, {counts.get('violations', 0)} with violations"
        )
    t = result.timings
    click.echo(
        f"time: lift {t.get('lift', 0):.2f}s, validate {t.get('validate', 0):.2f}s, store {t.get('store', 0):.2f}s"
        f" · run {result.run}"
    )
    if result.stored:
        click.echo("next: `kg link` to update related datasets and the search index")
    return EXIT_LIFT_ERRORS if result.errors else 0


@main.command()
@data_dir_option
@click.option("--source", help="Only this source.")
@click.option("--records", "show_records", is_flag=True, help="List every record with problems, worst first.")
@click.option("--strict", is_flag=True, help=f"Exit {EXIT_VIOLATIONS} when any record has violations.")
def validate(data_dir: Path, source: str | None, show_records: bool, strict: bool) -> None:
    """Quality roll-up per source: counts by rule and severity, worst records first."""
    from kg.validation.summary import summarise

    with _open_store(data_dir) as store:
        summary = summarise(store, source=source)
    if source and not summary.sources:
        click.echo(f"no records from source {source!r}", err=True)
        sys.exit(EXIT_NO_DATA)
    for s in summary.sources:
        click.echo(
            f"{s.name}: {s.records} records, {s.violation} with violations, {s.warning} with warnings, "
            f"{s.conforms} conform"
        )
        click.echo("  by rule:")
        for rule in s.rules[:12]:
            click.echo(f"    {rule.count:5d} × {rule.severity}: {rule.rule}: {rule.message}  (e.g. {rule.example_field or '-'})")
        shown = s.worst if show_records else s.worst[:5]
        if shown:
            click.echo("  worst records:" if show_records else "  worst records (all with --records):")
        for rec in shown:
            click.echo(
                f"    {rec.violations} violations, {rec.warnings} warnings: {rec.id} ({rec.file}): "
                f"{rec.first_field or '-'}: {rec.first_message}" + (f"  fix: {rec.first_fix}" if rec.first_fix else "")
            )
    if strict and any(s.violation for s in summary.sources):
        sys.exit(EXIT_VIOLATIONS)


@main.command("link")
@data_dir_option
@click.option("--threshold", type=float, default=None, help="Minimum cosine similarity (default 0.5).")
@click.option("--top-k", type=int, default=None, help="Links kept per dataset (default 5).")
@click.option("--quiet", is_flag=True)
def link_cmd(data_dir: Path, threshold: float | None, top_k: int | None, quiet: bool) -> None:
    """Embed changed datasets, rebuild the vector index and the cross-source links."""
    from kg.linking.linker import DEFAULT_THRESHOLD, DEFAULT_TOP_K, link

    _open_store(data_dir, check_only=True)
    threshold = DEFAULT_THRESHOLD if threshold is None else threshold
    top_k = DEFAULT_TOP_K if top_k is None else top_k
    result = link(data_dir, threshold=threshold, top_k=top_k, progress=not quiet)
    record_cli(data_dir, "link.run", str(data_dir), {
        "run": result.run, "threshold": threshold, "top_k": top_k, "datasets": result.datasets,
        "embedded": result.embedded, "cached": result.cached, "links": result.links,
        "same_source_links": result.same_source_links, "duplicates": result.duplicates})  # fmt: skip
    click.echo(
        f"{result.datasets} datasets: {result.embedded} embedded, {result.cached} from cache; "
        f"{result.links} links, {result.duplicates} likely duplicates proposed for review · run {result.run}"
    )


@main.command()
@data_dir_option
def duplicates(data_dir: Path) -> None:
    """Likely duplicate datasets (same title and publisher, near-identical description), proposed
    by `kg link` for review; they are never merged."""
    from kg.namespaces import CW, DUPLICATES_GRAPH

    with _open_store(data_dir) as store:
        rows = store.select(
            f"""SELECT ?c ?score ?status ?a ?b ?ta WHERE {{ GRAPH <{DUPLICATES_GRAPH}> {{
                  ?c <{CW.candidate}> ?a, ?b ; <{CW.score}> ?score ; <{CW.reviewStatus}> ?status
                  FILTER(STR(?a) < STR(?b)) }}
                OPTIONAL {{ GRAPH ?g {{ ?a <http://purl.org/dc/terms/title> ?ta }} }} }}
               ORDER BY DESC(?score) ?a"""
        )
    seen = set()
    for r in rows:
        if r["c"] in seen:
            continue
        seen.add(r["c"])
        click.echo(f"{float(r['score']):.3f}  [{r['status']}]  {r.get('ta', '')}\n    {r['a']}\n    {r['b']}")
    click.echo(f"{len(seen)} likely duplicate pairs proposed for review (none merged)")


@main.command()
@data_dir_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--debug", is_flag=True, help="Flask's development server with reloading off.")
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Server processes. 1: waitress (8 threads); more: gunicorn with that many processes of 4 threads "
    "(one per core: a search is mostly the model, which one process runs on one core at a time).",
)
@click.option(
    "--production",
    is_flag=True,
    help="The production server: gunicorn with one process per core (same as --workers <cores>; "
    "waitress when the machine has one core).",
)
def serve(data_dir: Path, host: str, port: int, debug: bool, workers: int, production: bool) -> None:
    """Serve the web UI, /sparql and /api on http://HOST:PORT."""
    if production:
        if debug:
            raise click.UsageError("--production and --debug exclude each other")
        workers = max(workers, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)
    _serve(data_dir, host, port, debug, workers=workers)


class _Gunicorn:
    """gunicorn run from code (its documented custom-application pattern), gthread workers."""

    @staticmethod
    def run(app_factory, options: dict[str, object]) -> None:  # type: ignore[no-untyped-def]
        from gunicorn.app.base import BaseApplication

        class Application(BaseApplication):  # type: ignore[misc]
            def load_config(self) -> None:
                for key, value in options.items():
                    self.cfg.set(key, value)

            def load(self):  # type: ignore[no-untyped-def]
                return app_factory()

        Application().run()


def _warm(app):  # type: ignore[no-untyped-def]
    """Build the app's searcher before the worker takes requests (measured by bench/mixed_load.py:
    a cold worker made requests wait up to 27 s in the warm-up; warm, at most 5 s)."""
    app.extensions["crosswalk"].warm()
    return app


def _serve(data_dir: Path, host: str, port: int, debug: bool = False, *, workers: int = 1) -> None:
    # One thread per request already: BLAS and OpenMP pools of their own (numpy, torch, faiss)
    # would oversubscribe the cores. Measured with bench/search_load.py, 8 clients on 2 cores:
    # 20 → 45 searches/s. Set before numpy loads.
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")
    from app import create_app

    click.echo(f"Crosswalk on http://{host}:{port}/  (data: {data_dir})")
    if debug:
        create_app({"DATA_DIR": str(data_dir)}).run(host=host, port=port, debug=False, threaded=True)
    elif workers > 1:
        # each process loads its own app (model, store checkpoint, index) after the fork
        _Gunicorn.run(
            lambda: _warm(create_app({"DATA_DIR": str(data_dir)})),
            {"bind": f"{host}:{port}", "workers": workers, "worker_class": "gthread", "threads": 4,
             "timeout": 120, "accesslog": None, "errorlog": "-", "loglevel": "warning"},
        )  # fmt: skip
    else:
        from waitress import serve as waitress_serve

        waitress_serve(create_app({"DATA_DIR": str(data_dir)}), host=host, port=port, threads=8, ident="crosswalk")


@main.command()
@data_dir_option
def stats(data_dir: Path) -> None:
    """Counts per source, links, and the canonical hash of the graph."""
    from kg.export import canonical_hash
    from kg.stats import graph_stats

    with _open_store(data_dir) as store:
        s = graph_stats(store)
        digest = canonical_hash(store)
    click.echo(f"{s.datasets} datasets, {len(s.sources)} sources, {s.links} links, {s.quads} quads")
    for src in s.sources:
        click.echo(
            f"  {src.name}: {src.datasets} datasets, {src.violations} with violations, {src.warnings} with warnings"
        )
    click.echo(f"canonical hash (N-Quads, run log excluded): {digest}")


@main.command()
@data_dir_option
@click.argument("out", type=click.Path(file_okay=False, path_type=Path))
def backup(data_dir: Path, out: Path) -> None:
    """Back up the data directory into the new directory OUT, also while it is in use: a
    consistent copy of the store (of its newest checkpoint when another process writes it), the
    raw records, the embedding cache, curators' decisions, users and harvest state."""
    from kg.backup import BackupError
    from kg.backup import backup as run_backup

    try:
        r = run_backup(data_dir, out)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    record_cli(data_dir, "backup.create", str(r.path), {"records": r.records, "quads": r.quads,
               "store_from": r.store_from, "canonical_hash": r.canonical_hash})  # fmt: skip
    click.echo(f"backup {r.path}: {r.records} records, {r.quads} quads, {r.raw_files} raw files, "
               f"store from the {r.store_from}; canonical hash {r.canonical_hash} ({r.seconds:.1f} s)")  # fmt: skip


@main.command()
@data_dir_option
@click.argument("backup_dir", metavar="BACKUP", type=click.Path(exists=True, file_okay=False, path_type=Path))
def restore(data_dir: Path, backup_dir: Path) -> None:
    """Restore a `kg backup` into the data directory: checks the copy against its manifest, keeps
    the store it replaces beside it (store.replaced-…), makes a checkpoint so a running server
    reads the restored graph. Run `kg link` afterwards to rebuild the vector index."""
    from kg.backup import BackupError
    from kg.backup import restore as run_restore

    try:
        r = run_restore(backup_dir, data_dir)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    record_cli(data_dir, "backup.restore", str(backup_dir.resolve()), {"records": r.records, "quads": r.quads,
               "canonical_hash": r.canonical_hash})  # fmt: skip
    click.echo(f"restored {r.records} records, {r.quads} quads into {r.path} (hash {r.canonical_hash}); "
               "next: `kg link` to rebuild the search index")  # fmt: skip


@main.command()
@data_dir_option
@click.option("--format", "fmt", type=click.Choice(["nquads"]), default="nquads", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="File (default: stdout).")
def export(data_dir: Path, fmt: str, output: Path | None) -> None:
    """Dump every graph as N-Quads."""
    with _open_store(data_dir) as store:
        if output is None:
            store.dump_nquads(sys.stdout.buffer)
        else:
            with open(output, "wb") as fh:
                store.dump_nquads(fh)
            click.echo(f"wrote {output}", err=True)


@main.command()
@data_dir_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--no-serve", is_flag=True, help="Ingest and link only.")
def demo(data_dir: Path, host: str, port: int, no_serve: bool) -> None:
    """Ingest the sample corpus in examples/, link it, and serve the web UI."""
    examples = REPO_ROOT / "examples"
    if not examples.is_dir():
        raise click.ClickException(f"sample corpus not found at {examples}")
    _ingest([examples], fmt=None, source=None, data_dir=data_dir, quiet=False)
    from kg.linking.linker import link

    result = link(data_dir, progress=True)
    click.echo(f"{result.datasets} datasets, {result.links} cross-source links")
    if not no_serve:
        _serve(data_dir, host, port)


@main.group()
def crosswalk() -> None:
    """Declarative crosswalks for CSV/TSV inventories (ontologies/crosswalks/)."""


@crosswalk.command("list")
def crosswalk_list() -> None:
    """The crosswalks ingest chooses from, and the header columns each needs."""
    from kg.lifting.crosswalk import discover_crosswalks

    for cw in discover_crosswalks():
        click.echo(
            f"{cw.name} {cw.version}: {cw.title}\n    file: {cw.path}\n    needs columns: {', '.join(cw.match_columns)}"
        )


@crosswalk.command("check")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
def crosswalk_check(files: tuple[Path, ...]) -> None:
    """Check crosswalk files: every key, target, transform and unit known."""
    from kg.lifting.crosswalk import CrosswalkSpecError, load_crosswalk

    bad = 0
    for path in files:
        try:
            cw = load_crosswalk(path)
        except CrosswalkSpecError as exc:
            click.echo(f"error: {exc}", err=True)
            bad += 1
            continue
        click.echo(f"ok: {path}: {cw.name} {cw.version}, {len(cw.columns)} column rules")
    sys.exit(EXIT_LIFT_ERRORS if bad else 0)


@crosswalk.command("preview")
@click.argument("inventory", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("crosswalk_file", metavar="CROSSWALK", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--limit", type=int, default=20, show_default=True, help="Records shown (all are lifted and counted).")
@click.option("--turtle", "as_turtle", is_flag=True, help="Print each shown record's graph as Turtle.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable: every record, its title and findings.")
def crosswalk_preview(inventory: Path, crosswalk_file: Path, limit: int, as_turtle: bool, as_json: bool) -> None:
    """Show what INVENTORY becomes through CROSSWALK, with validation, storing nothing."""
    import json

    from kg.errors import CrosswalkError
    from kg.preview import preview_inventory

    try:
        preview = preview_inventory(inventory, crosswalk_file)
    except CrosswalkError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_LIFT_ERRORS)
    cw = preview.crosswalk
    if as_json:
        out = {
            "crosswalk": {"name": cw.name, "version": cw.version, "file": cw.path, "sha256": cw.digest},
            "inventory": str(inventory),
            "unmapped_columns": preview.unmapped_columns,
            "missing_columns": preview.missing_columns,
            "errors": [{"record": e.record, "field": e.field, "error": e.message} for e in preview.errors],
            "records": [
                {
                    "row": rec.raw.pointer,
                    "identifier": rec.raw.local_id,
                    "dataset": str(rec.dataset),
                    "title": str(rec.graph.value(rec.dataset, DCTERMS.title) or ""),
                    "triples": len(rec.graph),
                    "status": report.status,
                    "findings": [f.to_dict() for f in report.findings],
                }
                for rec, report in preview.records
            ],
        }
        click.echo(json.dumps(out, indent=2, ensure_ascii=False))
        sys.exit(EXIT_LIFT_ERRORS if preview.errors else 0)
    click.echo(f"crosswalk {cw.name} {cw.version} ({cw.path}) on {inventory}: {len(preview.records)} records")
    if preview.unmapped_columns:
        click.echo(
            f"columns the crosswalk does not name (kept as source fields): {', '.join(preview.unmapped_columns)}"
        )
    if preview.missing_columns:
        click.echo(f"columns the crosswalk names that the header lacks: {', '.join(preview.missing_columns)}")
    for rec, report in preview.records[:limit]:
        title = str(rec.graph.value(rec.dataset, DCTERMS.title) or "(no title)")
        click.echo(f"\n{rec.raw.pointer:>8}  {rec.raw.local_id}  [{report.status}]  {title[:90]}")
        click.echo(f"          {rec.dataset}  ({len(rec.graph)} triples)")
        for f in report.findings:
            fix = f"  fix: {f.fix}" if f.fix else ""
            click.echo(f"          {f.severity.value}: {f.field or '-'}: {f.message}{fix}")
        if as_turtle:
            graph = rec.graph.to_graph()
            for prefix, ns in (("vcard", "http://www.w3.org/2006/vcard/ns#"), ("schema", "https://schema.org/"),
                               ("cw", "https://w3id.org/crosswalk/ns#")):  # fmt: skip
                graph.bind(prefix, ns)
            click.echo(graph.serialize(format="turtle"))
    if len(preview.records) > limit:
        click.echo(f"\n… {len(preview.records) - limit} more records (--limit)")
    for err in preview.errors:
        click.echo(f"error: {err}", err=True)
    violations = sum(1 for _, r in preview.records if not r.conforms)
    click.echo(
        f"\n{len(preview.records)} records: {preview.conforming} conform, {violations} with violations; "
        f"{len(preview.errors)} rows could not be lifted. Nothing was stored."
    )
    sys.exit(EXIT_LIFT_ERRORS if preview.errors else 0)


_json_out_option = click.option(
    "--json", "json_out", type=click.Path(dir_okay=False, path_type=Path), help="Also write the figures here."
)


@main.group("eval")
def eval_group() -> None:
    """Measure the system on public benchmarks (../shared/eval)."""


@eval_group.command("search")
@click.option(
    "--benchmark",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=lambda: REPO_ROOT.parent / "shared" / "eval" / "datafinder",
    show_default="../shared/eval/datafinder",
    help="DataFinder directory (corpus.jsonl, queries.jsonl).",
)
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=lambda: Path("data-eval") / "datafinder",
    show_default="./data-eval/datafinder",
    help="Where the benchmark corpus is ingested (kept, so a re-run re-embeds nothing).",
)
@click.option("--mode", "modes", multiple=True, type=click.Choice(["lexical", "dense", "hybrid"]),
              help="Runs to score (default: all three).")  # fmt: skip
@_json_out_option
def eval_search(benchmark: Path, data_dir: Path, modes: tuple[str, ...], json_out: Path | None) -> None:
    """Ingest the DataFinder corpus as a data.json catalog through the normal pipeline and score
    every query through the normal search path: nDCG@10, Recall@100, MRR per run."""
    import json

    from kg.evaluation import datafinder_catalog, evaluate, load_queries
    from kg.linking.linker import link
    from kg.linking.search import Searcher
    from kg.pipeline import Ingestor
    from kg.store import GraphStore

    catalog = data_dir / "input" / "datafinder" / "datafinder.data.json"
    n = datafinder_catalog(benchmark / "corpus.jsonl", catalog)
    ingestor = Ingestor(data_dir / "kg")
    try:
        result = ingestor.ingest([catalog.parent])
    finally:
        ingestor.close()
    click.echo(f"corpus: {n} datasets → {result.stored} stored, {result.unchanged} unchanged, {len(result.errors)} errors")
    linked = link(data_dir / "kg", progress=True)
    click.echo(f"index: {linked.datasets} datasets ({linked.embedded} embedded, {linked.cached} from the cache)")
    queries = load_queries(benchmark / "queries.jsonl")
    store = GraphStore(DataDir(data_dir / "kg").store)
    try:
        searcher = Searcher(DataDir(data_dir / "kg"), store)
        scores = evaluate(searcher, queries, modes=modes or ("lexical", "dense", "hybrid"))
    finally:
        store.close()
    click.echo(f"{len(queries)} queries, each through Searcher.search (limit 100)")
    click.echo(f"{'run':<10} {'queries':<10} {'nDCG@10':>8} {'R@100':>7} {'MRR':>7} {'ms/query':>9}")
    for s in scores:
        click.echo(f"{s.mode:<10} {s.kind:<10} {s.ndcg10:8.3f} {s.recall100:7.3f} {s.mrr:7.3f} {s.ms_per_query:9.1f}")
    if json_out:
        json_out.write_text(json.dumps([{k: v for k, v in s.__dict__.items() if k != "per_query"} for s in scores],
                                       indent=1))  # fmt: skip


@eval_group.command("links")
@click.option(
    "--corpus",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=lambda: REPO_ROOT.parent / "shared" / "corpus" / "datajson-agencies",
    show_default="../shared/corpus/datajson-agencies",
    help="Directory with the data.json catalog and derived_isPartOf_links.tsv.",
)
@click.option("--catalog", default="energy.data.json", show_default=True, help="Catalog file in --corpus.")
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=lambda: Path("data-eval") / "links",
    show_default="./data-eval/links",
    help="Where the catalog (without isPartOf) is ingested (kept, so a re-run re-embeds nothing).",
)
@click.option("--k", type=int, default=10, show_default=True, help="Related datasets read per child.")
@_json_out_option
def eval_links(corpus: Path, catalog: str, data_dir: Path, k: int, json_out: Path | None) -> None:
    """Ingest a data.json catalog with isPartOf hidden, link it, and score each child's top-k
    related datasets against its parent and siblings: hit rate, set recall, parent recall."""
    import json

    from kg.evaluation_links import GOLD_FILE, run_links_evaluation

    result = run_links_evaluation(corpus / catalog, corpus / GOLD_FILE, data_dir, k=k)
    click.echo(f"corpus: {result.datasets} datasets ({result.removed_is_part_of} isPartOf hidden), {result.stored} stored")
    timings = ", ".join(f"{name} {sec:.1f}s" for name, sec in result.link_timings.items())
    click.echo(f"link(): {result.link_seconds:.1f}s ({timings}); {result.links} cross-source + "
               f"{result.same_source_links} same-source links")  # fmt: skip
    children = result.scores[0].children
    click.echo(f"{children} children; relevant = parent ∪ siblings; top {k} of the related list")
    click.echo(f"{'run':<16} {'hit rate':>8} {'set recall':>10} {'parent':>7} {'missing':>7}")
    for s in result.scores:
        click.echo(f"{s.run:<16} {s.hit_rate:8.3f} {s.set_recall:10.3f} {s.parent_recall:7.3f} {s.missing:7d}")
    if json_out:
        json_out.write_text(json.dumps({"link_seconds": result.link_seconds, "link_timings": result.link_timings,
                                        "scores": [s.as_dict() for s in result.scores]}, indent=1))  # fmt: skip


main.add_command(harvest)
main.add_command(align)
main.add_command(user)
main.add_command(audit)
main.add_command(policy)
main.add_command(token)

if __name__ == "__main__":  # pragma: no cover
    main()
