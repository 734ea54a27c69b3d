"""Where the files Newsgraph ships live: inside the installed package, found with
``importlib.resources``, so `kg` works from any directory whether it was installed from a wheel or
from a clone (where ``kg/data/`` links to the repository's ``ontology/``, ``queries/`` and
``seeds/``, which stay the source of truth)."""
from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def _data(name: str) -> Path:
    return Path(str(files("kg") / "data" / name))


#: The OWL ontology (Turtle) and the SHACL shapes.
ONTOLOGY_FILE = _data("ontology") / "newsgraph.ttl"
SHAPES_FILE = _data("ontology") / "shapes.ttl"
#: The canned reports shipped with the package (.rq files with a metadata header).
QUERIES_DIR = _data("queries")
#: The seed article(s) `kg demo` ingests.
SEEDS_DIR = _data("seeds")


class ResourceMissing(FileNotFoundError):
    """A file the package should carry is not there (a broken install or a bad path)."""


def require(path: Path, what: str) -> Path:
    """``path``, or an error that names it and says what it is."""
    if not Path(path).is_file():
        raise ResourceMissing(f"{what} not found: {path} (reinstall newsgraph, or check the path)")
    return Path(path)
