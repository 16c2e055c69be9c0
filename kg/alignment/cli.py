"""``kg align``: propose candidate mappings, check mapping sets, apply the accepted ones.

Exit codes: 0 success; 1 a mapping set is invalid (each problem printed with file, line and
column); 3 no store in the data directory.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kg.cli_options import data_dir_option
from kg.cli_options import open_store as _store
from kg.config import DataDir

EXIT_INVALID = 1

_data_dir = data_dir_option
_mappings = click.option(
    "--mappings",
    "mappings_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Directory of *.sssom.tsv mapping sets (default: ontologies/mappings or $KG_MAPPINGS_DIR).",
)


@click.group()
def align() -> None:
    """Align each lab's terms to shared concepts with SSSOM mapping sets (ontologies/mappings/)."""


@align.command("propose")
@click.option("--source", "sources", multiple=True, required=True, help="Source whose terms to match (repeatable).")
@click.option("--no-embed", is_flag=True, help="Lexical matching only (no model).")
@_data_dir
@_mappings
def propose_cmd(sources: tuple[str, ...], no_embed: bool, data_dir: Path, mappings_dir: Path | None) -> None:
    """Match a source's stored terms against the shipped concept schemes and add the new
    candidates to its mapping set (status: proposed). Decisions already made are kept."""
    from kg.alignment.propose import propose
    from kg.alignment.sssom import MappingSetError

    store = _store(data_dir)
    embedder = None
    if not no_embed:
        from kg.linking.embedder import Embedder

        embedder = Embedder(DataDir(data_dir).index / "embeddings.sqlite")
    try:
        for source in sources:
            try:
                r = propose(store, source, embedder=embedder, directory=mappings_dir)
            except MappingSetError as exc:
                click.echo(f"error: {exc}", err=True)
                sys.exit(EXIT_INVALID)
            click.echo(
                f"{source}: {r.terms} distinct terms, {r.matched} with a candidate; "
                f"{r.added} new candidates, {r.kept} rows kept as they were → {r.path}"
            )
    finally:
        store.close()
        if embedder is not None:
            embedder.close()


@align.command("check")
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_mappings
def check_cmd(files: tuple[Path, ...], mappings_dir: Path | None) -> None:
    """Check mapping sets (default: every set in the mappings directory)."""
    from kg.alignment.align import mappings_dir as default_dir
    from kg.alignment.sssom import MappingSetError, read_sssom

    paths = list(files) or sorted((mappings_dir or default_dir()).glob("*.sssom.tsv"))
    bad = 0
    for path in paths:
        try:
            ms = read_sssom(path)
        except MappingSetError as exc:
            click.echo(f"error: {exc}", err=True)
            bad += 1
            continue
        counts = {s: len(ms.by_status(s)) for s in ("accepted", "proposed", "rejected")}
        click.echo(
            f"ok: {path}: {ms.id} version {ms.version}: "
            + ", ".join(f"{n} {s}" for s, n in counts.items())
        )
    sys.exit(EXIT_INVALID if bad else 0)


@align.command("apply")
@click.option("--source", "sources", multiple=True, help="Only these sources (default: all).")
@_data_dir
@_mappings
def apply_cmd(sources: tuple[str, ...], data_dir: Path, mappings_dir: Path | None) -> None:
    """Re-align stored records to the accepted mappings; only changed alignment graphs are written."""
    from kg.alignment.align import align as run_align
    from kg.alignment.align import load_mapping_sets
    from kg.alignment.sssom import MappingSetError

    try:
        sets = load_mapping_sets(mappings_dir)
    except MappingSetError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_INVALID)
    store = _store(data_dir)
    try:
        r = run_align(store, sets, sources=sources or None)
        store.checkpoint(DataDir(data_dir).checkpoints)
    finally:
        store.close()
    click.echo(
        f"{r.records} records looked at: {r.aligned} aligned to at least one concept; "
        f"{r.written} alignment graphs written, {r.dropped} removed, {r.unchanged} unchanged ({r.seconds:.2f} s)"
    )


@align.command("review")
@click.option("--set", "set_name", required=True, help="Mapping set name (its file is NAME.sssom.tsv).")
@click.option("--reviewer", required=True, help="Who decides (recorded in the row).")
@click.option("--accept", "accept_ids", multiple=True, help="Accept this mapping (record_id CURIE or IRI); repeatable.")
@click.option("--reject", "reject_ids", multiple=True, help="Reject this mapping; repeatable.")
@click.option("--accept-above", type=float, default=None, help="Accept every proposed mapping with confidence ≥ this.")
@click.option("--comment", default="", help="Why (recorded in each decided row).")
@_mappings
def review_cmd(
    set_name: str,
    reviewer: str,
    accept_ids: tuple[str, ...],
    reject_ids: tuple[str, ...],
    accept_above: float | None,
    comment: str,
    mappings_dir: Path | None,
) -> None:
    """Record curator decisions in the set's draft (``kg align impact`` shows what they change,
    ``kg align publish`` makes them the set's next version)."""
    from kg.alignment.decisions import DecisionError, bulk_accept, decide
    from kg.alignment.sssom import MappingSetError, curie_map
    from kg.alignment.workspace import Workspace

    ws = Workspace(mappings_dir)
    try:
        ms = ws.draft(set_name)
    except (MappingSetError, FileNotFoundError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_INVALID)
    prefixes = curie_map()

    def full(ident: str) -> str:
        prefix, _, rest = ident.partition(":")
        return prefixes[prefix] + rest if prefix in prefixes and not ident.startswith("http") else ident

    decided = 0
    try:
        for ident in accept_ids:
            decide(ms, full(ident), "accept", reviewer=reviewer, comment=comment)
            decided += 1
        for ident in reject_ids:
            decide(ms, full(ident), "reject", reviewer=reviewer, comment=comment)
            decided += 1
        if accept_above is not None:
            decided += len(bulk_accept(ms, min_confidence=accept_above, reviewer=reviewer, comment=comment))
    except DecisionError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_INVALID)
    if decided:
        path = ws.save_draft(ms)
        click.echo(f"{decided} decisions recorded in the draft {path}; next: `kg align impact --set {set_name}`")
    else:
        click.echo("nothing decided")


def _print_impact(impact, store) -> None:  # type: ignore[no-untyped-def]
    from kg.vocab import schemes as vocab

    graph = vocab.load_schemes()

    def label(concept: str) -> str:
        return vocab.labels(graph, concept).pref[0] if vocab.labels(graph, concept).pref else concept

    click.echo(f"{len(impact.changed_mappings)} mappings changed; {len(impact.records)} datasets affected")
    for c in impact.gained:
        click.echo(f"  + {c.source} {c.key}: {label(c.concept)}  (from the lab's term {c.term!r})")
    for c in impact.lost:
        click.echo(f"  - {c.source} {c.key}: {label(c.concept)}  (the lab's term {c.term!r})")
    added = sum(1 for link in impact.links if link.change == "added")
    click.echo(f"cross-lab concept links: {added} added, {len(impact.links) - added} removed")
    for link in impact.links[:50]:
        click.echo(f"  {'+' if link.change == 'added' else '-'} {link.a} ↔ {link.b} via {label(link.concept)}")


@align.command("impact")
@click.option("--set", "set_name", required=True, help="Mapping set name.")
@_data_dir
@_mappings
def impact_cmd(set_name: str, data_dir: Path, mappings_dir: Path | None) -> None:
    """What publishing the set's draft would change: datasets gaining or losing concepts, links."""
    from kg.alignment.workspace import Workspace

    ws = Workspace(mappings_dir)
    if not ws.has_draft(set_name):
        click.echo(f"{set_name} has no draft: nothing to publish")
        return
    store = _store(data_dir)
    try:
        _print_impact(ws.impact(store, set_name), store)
    finally:
        store.close()


@align.command("publish")
@click.option("--set", "set_name", required=True, help="Mapping set name.")
@_data_dir
@_mappings
def publish_cmd(set_name: str, data_dir: Path, mappings_dir: Path | None) -> None:
    """Check the draft with the reasoner, save it as the set's next version and re-align the
    records it affects (only those)."""
    from kg.alignment.workspace import PublishRefused, Workspace

    ws = Workspace(mappings_dir)
    if not ws.has_draft(set_name):
        click.echo(f"{set_name} has no draft: nothing to publish")
        return
    store = _store(data_dir)
    try:
        try:
            result = ws.publish(store, set_name)
        except PublishRefused as exc:
            click.echo(f"refused: {exc}", err=True)
            for line in exc.explanations:
                click.echo(f"  {line}", err=True)
            sys.exit(EXIT_INVALID)
        store.checkpoint(DataDir(data_dir).checkpoints)
    finally:
        store.close()
    click.echo(
        f"{set_name} version {result.version} published ({result.path}); "
        f"{result.records_realigned} records re-aligned in {result.seconds:.2f} s"
    )


@align.command("update-scheme")
@click.argument("new_version", metavar="NEW.ttl", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_data_dir
@_mappings
def update_scheme_cmd(new_version: Path, data_dir: Path, mappings_dir: Path | None) -> None:
    """Install a new version of a concept scheme: flag every mapping and dataset using a concept
    it deprecates or drops, and propose the replacements in the sets' drafts."""
    from kg.alignment.vocab_change import update_scheme

    dirs = DataDir(data_dir)
    store = _store(data_dir) if dirs.store.exists() else None
    try:
        try:
            r = update_scheme(new_version, mappings_dir=mappings_dir, store=store)
        except ValueError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(EXIT_INVALID)
        if store is not None:
            store.checkpoint(dirs.checkpoints)
    finally:
        if store is not None:
            store.close()
    click.echo(f"{r.name}: {r.old_version} → {r.new_version}, installed at {r.installed}")
    for c in r.changes:
        click.echo(f"  {c.kind}: {c.label} <{c.concept}>" + (f" → <{c.replacement}>" if c.replacement else ""))
    click.echo(
        f"{len(r.flagged_mappings)} mappings flagged, {len(r.proposed)} replacements proposed in the drafts, "
        f"{len(r.flagged_datasets)} dataset uses flagged (graph/vocabulary-changes)"
    )
