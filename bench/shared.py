"""The shared benchmark tools (synthetic corpus generator, load generator, query mix), found
beside the clone (``../shared/tools``) or where ``KG_SHARED_TOOLS`` says. They are optional: the
benchmarks that need them say so and how to run without them; the test suite never does."""
from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def shared_tools(needed_for: str) -> Path:
    """The tools folder, or exit with what to do instead."""
    for c in (os.environ.get("KG_SHARED_TOOLS"), ROOT.parent / "shared" / "tools"):
        if c and Path(c).is_dir():
            return Path(c)
    sys.exit(f"{needed_for} needs the shared benchmark tools: set KG_SHARED_TOOLS to their folder (they sit in "
             "../shared/tools beside a workplace clone), or pass your own data as the script's --help says")
