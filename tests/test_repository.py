"""The project's own files are whole: no merge left its conflict markers in one (a stylesheet
that kept them once dropped every rule after them, and nothing else noticed)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = ["sci_tracker", "templates", "static", "tests", "bench", "docs", "deploy", ".ci"]
FILES = ["README.md", "Makefile", "pyproject.toml", "requirements.txt", "requirements-dev.txt"]
TEXT = {".py", ".html", ".css", ".js", ".md", ".txt", ".json", ".toml", ".yml", ".svg", ".conf"}
TEXT |= {".service", ""}
MARKER = re.compile(r"^(<{7}|>{7}) ", re.M)


def project_files():
    for name in FILES:
        if (ROOT / name).is_file():
            yield ROOT / name
    for folder in FOLDERS:
        for path in sorted((ROOT / folder).rglob("*")):
            if path.is_file() and path.suffix in TEXT and "vendor" not in path.parts:
                yield path


def test_it_has_no_merge_conflict_markers_in_its_files():
    marked = [
        str(path.relative_to(ROOT))
        for path in project_files()
        if MARKER.search(path.read_text(encoding="utf-8", errors="replace"))
    ]
    assert marked == []
    assert ROOT / "static" / "css" / "app.css" in set(project_files())
