"""The ``kg`` command line: ingest articles, query the graph, run reports, serve it over HTTP.

Each command parses its options, calls one library function and prints the result; the library's
named errors become one-line messages and exit status 1.
"""
from __future__ import annotations

import sys
from pathlib import Path

import click

from kg.config import Settings
from kg.resources import SEEDS_DIR
from kg.errors import NewsgraphError

SETTINGS = Settings.from_env()
CLI_FORMATS = ("table", "json", "xml", "csv", "tsv", "turtle", "ntriples", "jsonld", "rdfxml")

store_option = click.option(
    "--store", "store_path", envvar="KG_STORE", default=SETTINGS.store, show_default=True,
    type=click.Path(file_okay=False),
    help="Store directory (RocksDB), or the URL of a SPARQL endpoint (http(s)://.../sparql: see "
         "docs/scale.md, Remote stores). Env: KG_STORE.")
base_option = click.option(
    "--base-iri", envvar="KG_BASE_IRI", default=SETTINGS.base_iri, show_default=True,
    help="Base of every minted IRI. Env: KG_BASE_IRI.")


class _Group(click.Group):
    """Turns Newsgraph's named errors into one clean line and exit status 1."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except NewsgraphError as e:
            raise click.ClickException(str(e)) from None


@click.group(cls=_Group)
@click.version_option(package_name="newsgraph")
def main() -> None:
    """Newsgraph: news articles in, a knowledge graph out, served as SPARQL and Linked Data."""


@main.command()
@store_option
@base_option
@click.option("--jobs", "-j", type=click.IntRange(min=0), default=None,
              help="Extraction worker processes (default: one per core; 0: extract in this process).")
@click.option("--out", "-o", type=click.Path(dir_okay=False), default=None,
              help="Write N-Quads to this file instead of a store (for `kg load` or another store's bulk loader).")
@click.option("--force", is_flag=True, help="Re-extract articles even when unchanged.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@click.option("--strict", is_flag=True,
              help="Refuse (report as failed) articles whose graph violates the SHACL shapes (ontology/shapes.ttl).")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
def ingest(store_path: str, base_iri: str, jobs: int | None, out: str | None, force: bool, quiet: bool,
           strict: bool, paths: tuple[str, ...]) -> None:
    """Ingest article files (seed-format .txt, .jsonl) or folders of them.

    Extraction runs in --jobs worker processes; this process is the one writer, and writes each
    article's graph in one transaction, so an interrupted run leaves whole articles only and a
    re-run finishes it. Bad files are reported one per line and skipped; the exit status is 1 if
    any failed.
    """
    from tqdm import tqdm

    from kg.ingest.run import default_jobs, ingest_paths
    from kg.iris import Minter
    from kg.store import open_store

    check = None
    if strict:
        from kg.ontology.validate import strict_check
        check = strict_check()
    store = None if out else open_store(store_path)
    report = ingest_paths(paths, store, Minter(base_iri), jobs=default_jobs() if jobs is None else jobs,
                          out=out, force=force, progress=not quiet, check=check,
                          on_error=lambda err: tqdm.write(f"error: {err}", file=sys.stderr))
    click.echo(f"{report.summary()} -> {out or store.path or 'memory'}", err=True)
    if not report.ok:
        sys.exit(1)


@main.command()
@store_option
@base_option
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
def load(store_path: str, base_iri: str, files: tuple[str, ...]) -> None:
    """Bulk-load N-Quads files (from `kg ingest --out`) into the store.

    The graphs a file holds replace those of the same name in the store; then entity resolution
    and labels are redone over the whole store (each file was resolved only against itself). A
    file that is not N-Quads is reported and skipped; a killed load is finished by running it
    again.
    """
    from kg.ingest.bulk import load_nquads
    from kg.errors import BadRequest
    from kg.ingest.run import settle_store
    from kg.iris import Minter
    from kg.store import open_store

    store = open_store(store_path)
    failed = []

    def load_all() -> None:
        for f in files:
            try:
                graphs, replaced = load_nquads(store, f)
            except BadRequest as e:
                failed.append(f)
                click.echo(f"error: {e}", err=True)
                continue
            click.echo(f"{f}: {graphs} graphs loaded ({replaced} replaced) -> {store.path}", err=True)

    settle_store(store, Minter(base_iri), load_all)
    if failed:
        sys.exit(1)


@main.command()
@store_option
@base_option
@click.argument("articles", nargs=-1, required=True)
def remove(store_path: str, base_iri: str, articles: tuple[str, ...]) -> None:
    """Remove articles (by identifier or IRI) and every fact taken from them, and nothing else."""
    from kg.errors import BadRequest, NotFound
    from kg.iris import Minter
    from kg.store import open_store

    from kg.ingest.run import remove_article

    store = open_store(store_path)
    minter = Minter(base_iri)
    missing = []
    for ident in articles:
        try:
            removed = remove_article(store, minter, ident)
        except ValueError:  # pyoxigraph refused the IRI
            raise BadRequest(f"{ident!r} is neither an article identifier nor an IRI") from None
        if removed:
            click.echo(f"removed {ident}", err=True)
        else:
            missing.append(ident)
    store.flush()
    if missing:
        raise NotFound(f"no such article in {store.path}: {', '.join(missing)}")


@main.command()
@store_option
@click.option("--format", "-f", "fmt", type=click.Choice(CLI_FORMATS), default="table", show_default=True,
              help="Output format (table, json, xml, csv, tsv for SELECT/ASK; turtle, ntriples, jsonld, "
                   "rdfxml for CONSTRUCT/DESCRIBE).")
@click.option("--file", "query_file", type=click.File("r"), help="Read the query from a file ('-' for stdin).")
@click.argument("query", required=False)
def query(store_path: str, fmt: str, query_file, query: str | None) -> None:
    """Run a SPARQL query over the union of all graphs.

    The contract's prefixes (ng:, foaf:, org:, sem:, prov:, dcterms:, skos:, schema:, rdfs:...)
    may be used without PREFIX lines.
    """
    from kg.query import formats
    from kg.store import open_store
    from kg.query.tables import render_table

    if query_file is not None:
        query = query_file.read()
    if not query:
        raise click.UsageError("give a QUERY argument or --file")
    store = open_store(store_path, read_only=True)
    result = store.query(query)
    kind = formats.kind_of(result)
    out = sys.stdout.buffer
    if fmt == "table":
        if kind == formats.GRAPH:
            fmt = "turtle"
        else:
            click.echo(render_table(result))
            return
    f = formats.check(formats.get(fmt), kind)
    f.render(result, out)
    out.flush()


@main.command()
@store_option
@click.option("--format", "-f", "fmt", type=click.Choice(["nquads", "trig"]), default="nquads", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="File to write (default: stdout).")
def export(store_path: str, fmt: str, output: str | None) -> None:
    """Write the whole store (every named graph) as N-Quads or TriG."""
    from pyoxigraph import RdfFormat

    from kg.errors import BadRequest
    from kg.store import is_remote
    from kg.store.local import GraphStore

    if is_remote(store_path):
        raise BadRequest("kg export reads a local store; dump a remote one with its server's own tools "
                         "(e.g. GET its Graph Store URL with Accept: application/n-quads)")
    store = GraphStore.open_read_only(store_path)
    rdf_format = RdfFormat.N_QUADS if fmt == "nquads" else RdfFormat.TRIG
    if output:
        store.dump(output, format=rdf_format)
    else:
        store.dump(sys.stdout.buffer, format=rdf_format)


@main.command()
@store_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", "-p", default=5000, show_default=True, type=int, help="Port (0 picks a free one).")
@click.option("--threads", default=8, show_default=True, type=int, help="Worker threads.")
def serve(store_path: str, host: str, port: int, threads: int) -> None:
    """Serve the store: SPARQL endpoint, Linked Data, canned queries and a browser UI."""
    from kg.store import is_remote, open_store
    from server import serve_app

    store = open_store(store_path)
    try:
        store.load_ontology()
    except NewsgraphError as e:
        if not is_remote(store_path):
            raise
        # a read-only endpoint (e.g. QLever built from `kg ingest --out`) is served as it is
        click.echo(f"warning: the ontology graph was not refreshed: {e}", err=True)
    serve_app(store, host=host, port=port, threads=threads)


@main.command()
@store_option
@base_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", "-p", default=5000, show_default=True, type=int)
@click.option("--no-serve", is_flag=True, help="Only ingest the seeds.")
def demo(store_path: str, base_iri: str, host: str, port: int, no_serve: bool) -> None:
    """Ingest the seed articles into the store and serve them at http://HOST:PORT/."""
    from kg.ingest.run import ingest_paths
    from kg.iris import Minter
    from kg.store import open_store
    from server import serve_app

    store = open_store(store_path)
    report = ingest_paths([SEEDS_DIR], store, Minter(base_iri))
    for err in report.failed:
        click.echo(f"error: {err}", err=True)
    click.echo(f"{report.summary()} -> {store_path}", err=True)
    if not no_serve:
        serve_app(store, host=host, port=port)


@main.command()
@store_option
@base_option
@click.option("--article", "-a", "articles", multiple=True, metavar="ID",
              help="Check only this article (its dcterms:identifier; repeatable).")
@click.option("--reason", "run_reasoner", is_flag=True,
              help="Also run an OWL reasoner over the ontology and the article graphs.")
@click.option("--reasoner", type=click.Choice(["auto", "hermit", "owlrl"]), default="auto", show_default=True,
              help="auto: HermiT when Java runs, else OWL 2 RL in Python (owlrl).")
@click.option("--sample", type=click.IntRange(min=1), metavar="N",
              help="Reason over N articles drawn at random (reproducibly) instead of all.")
@click.option("--write-inferred", is_flag=True,
              help="Write the inferred types and memberships into the store's inferred named graph.")
@click.option("--no-shacl", is_flag=True, help="Skip the SHACL shapes (only with --reason).")
def validate(store_path: str, base_iri: str, articles: tuple[str, ...], run_reasoner: bool, reasoner: str,
             sample: int | None, write_inferred: bool, no_shacl: bool) -> None:
    """Check the stored article graphs: SHACL shapes, and with --reason OWL consistency.

    Prints a report grouped by article; the exit status is 1 on any SHACL violation, OWL
    inconsistency or closed-world constraint violation (warnings do not count).
    """
    from kg.store.local import GraphStore

    if (write_inferred or sample) and not run_reasoner:
        raise click.UsageError("--write-inferred and --sample go with --reason")
    if no_shacl and not run_reasoner:
        raise click.UsageError("--no-shacl leaves nothing to do without --reason")
    store = GraphStore.open(store_path) if write_inferred else GraphStore.open_read_only(store_path)
    ok = True
    if not no_shacl:
        from kg.ontology.validate import validate_store
        shacl = validate_store(store, articles or None)
        click.echo(shacl.text())
        ok = shacl.conforms
    if run_reasoner:
        from kg.ontology.reason import reason_store, write_inferred as write_graph
        owl = reason_store(store, reasoner=reasoner, identifiers=articles or None, sample=sample)
        click.echo(owl.text())
        ok = ok and owl.ok
        if write_inferred:
            if owl.consistent:
                iri = write_graph(store, owl.inferred, base_iri)
                click.echo(f"wrote {len(owl.inferred)} inferred triple(s) to graph <{iri}>")
            else:
                click.echo("inconsistent: nothing written to the inferred graph", err=True)
    if not ok:
        sys.exit(1)


@main.command()
@click.option("--output", "-o", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("docs"), show_default=True, help="Folder to write ontology.html and ontology.svg to.")
@click.option("--no-diagram", is_flag=True, help="Skip the class diagram (it needs Graphviz's `dot`).")
def docs(out_dir: Path, no_diagram: bool) -> None:
    """Write the ontology's documentation, generated from ontology/newsgraph.ttl.

    docs/ontology.html (every class and property with its label, comment, axioms and alignments)
    and docs/ontology.svg, the class diagram docs/ontology.md shows (rendered with Graphviz).
    """
    from kg.ontology.docs import write_docs

    for path in write_docs(out_dir, diagram=not no_diagram):
        click.echo(f"wrote {path}")


@main.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@store_option
@base_option
@click.option("--format", "-f", "fmt", type=click.Choice(CLI_FORMATS), default="table", show_default=True)
@click.option("--queries-dir", type=click.Path(file_okay=False, path_type=Path), default=SETTINGS.queries_dir,
              show_default=True, help="Folder of shipped .rq reports. Env: KG_QUERIES_DIR.")
@click.option("--param", "-P", "params", multiple=True, metavar="NAME=VALUE", help="A parameter value (repeatable).")
@click.option("--version", "-V", "number", type=click.IntRange(min=1), help="Run this version (default: the latest).")
@click.option("--show", is_flag=True, help="Print the report's .rq text instead of running it.")
@click.argument("name", required=False)
@click.argument("extra", nargs=-1, type=click.UNPROCESSED)
def report(store_path: str, base_iri: str, fmt: str, queries_dir: Path, params: tuple[str, ...],
           number: int | None, show: bool, name: str | None, extra: tuple[str, ...]) -> None:
    """Run a canned report by NAME (shipped in queries/ or saved over HTTP); without NAME, list them.

    Parameters: `kg report people_of_organization --org http://...` or `-P org=http://...`;
    `--limit N --offset N` page SELECT reports.
    """
    from kg.query import formats
    from kg.reports import run as query_run
    from kg.reports.saved import QueryStore
    from kg.store import StoreError, open_store
    from kg.query.tables import render_table

    try:
        store = open_store(store_path, read_only=True)
    except StoreError:
        if name and not show:
            raise
        store = None  # listing and --show work from the shipped files alone
    if not Path(queries_dir).is_dir():
        raise click.ClickException(f"no folder of canned reports at {queries_dir} (--queries-dir, KG_QUERIES_DIR)")
    reports = QueryStore(store, queries_dir, base_iri)
    if not name:
        found = reports.current()
        if not found:
            click.echo(f"no canned reports in {queries_dir} or the store", err=True)
        for q in found.values():
            ps = " ".join(f"--{p.name} {p.type.upper()}" + ("" if p.required else "?") for p in q.params)
            click.echo(f"{q.name:28s} v{q.version:<3d} {q.title}  {ps}".rstrip())
        return
    cq = reports.version(name, number) if number else reports.get(name)
    if show:
        click.echo(cq.sparql, nl=False)
        return
    values = dict(p.split("=", 1) for p in params if "=" in p)
    it = iter(extra)
    for tok in it:
        if not tok.startswith("--"):
            raise click.UsageError(f"unexpected argument {tok!r}; parameters look like --name value")
        key, eq, val = tok[2:].partition("=")
        values[key] = val if eq else next(it, "")
    assert store is not None
    result = query_run.run(store, cq, values)
    kind = formats.kind_of(result)
    if fmt == "table" and kind != formats.GRAPH:
        click.echo(render_table(result))
        return
    f = formats.check(formats.get("turtle" if fmt == "table" else fmt), kind)
    f.render(result, sys.stdout.buffer)
    sys.stdout.buffer.flush()


if __name__ == "__main__":  # pragma: no cover
    main()
