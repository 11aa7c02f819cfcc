"""Every link and file reference in the course's prose leads somewhere.

Checked in the markdown of the notebooks, README.md, CONTRIBUTING.md,
ARCHITECTURE.md and docs/*.md:

- markdown links and images ``[text](target)``, reference definitions
  ``[name]: target``, and HTML ``<a href>`` / ``<img src>``: a relative target
  must exist inside the repository; a ``#fragment`` into a ``.md`` file must be
  one of its headings (GitHub's slugs) or an explicit ``<a id>``; into a
  notebook, one of its headings (JupyterLab's or GitHub's ids);
- inline code that names a repository path (`` `benchmarks/kinder0.json` ``,
  `` `06_mfcc.ipynb` ``) or a module or function of the library
  (`` `musiclearn.mel.mel_filterbank` ``, ``python -m musiclearn.bench``);
- external ``http(s)`` links are only checked to be well-formed: the tests run
  offline.

A design document that lives outside the repository must never be cited: no
tracked text file may mention it (its name, or the ``../shared`` folder).
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[1]
THIS_FILE = Path(__file__).resolve()

# Top-level entries of the repository that inline code may name as a path.
TOP_LEVEL_DIRS = {"notebooks", "musiclearn", "tests", "docs", "benchmarks", "binder", "requirements", "tools", ".ci"}
ROOT_FILES = {"README.md", "CONTRIBUTING.md", "ARCHITECTURE.md", "pyproject.toml", "course.py", "conftest.py"}
# Forbidden mentions, assembled so that this file does not trip its own check.
FORBIDDEN = ("COURSE" + ".md", "../" + "shared")


def _documents() -> list[Path]:
    docs = [ROOT / "README.md", ROOT / "CONTRIBUTING.md", ROOT / "ARCHITECTURE.md"]
    docs += sorted((ROOT / "docs").rglob("*.md"))
    docs += sorted((ROOT / "notebooks").glob("*.ipynb"))
    return [d for d in docs if d.exists()]


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


# ----------------------------------------------------------------------------- reading markdown

_FENCE = re.compile(r"^( {0,3})(`{3,}|~{3,}).*?^\1\2[`~]*[ \t]*$", re.M | re.S)
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_INLINE_CODE = re.compile(r"(`+)(.+?)\1", re.S)
_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)[ \t]*#*[ \t]*$", re.M)
_LINK = re.compile(r"\]\(\s*<?([^()\s<>]*(?:\([^()\s]*\)[^()\s<>]*)*)>?(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)")
_REFERENCE = re.compile(r"^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+.*)?$", re.M)
_HTML_ATTR = re.compile(r"<(?:a|img|source|link)\b[^>]*?\b(?:href|src)\s*=\s*(\"[^\"]*\"|'[^']*')", re.I)
_HTML_ID = re.compile(r"<[a-z][^>]*?\b(?:id|name)\s*=\s*(\"[^\"]*\"|'[^']*')", re.I)


@lru_cache(maxsize=None)
def _markdown_parts(path: Path) -> tuple[str, ...]:
    """The markdown of a file: the whole file, or each markdown cell of a notebook."""
    if path.suffix == ".ipynb":
        notebook = json.loads(path.read_text(encoding="utf-8"))
        return tuple("".join(cell["source"]) for cell in notebook["cells"] if cell["cell_type"] == "markdown")
    return (path.read_text(encoding="utf-8"),)


def _prose(markdown: str) -> str:
    """Markdown without fenced code blocks and comments (links inside those are not links)."""
    return _COMMENT.sub("", _FENCE.sub("", markdown))


def _without_inline_code(text: str) -> str:
    return _INLINE_CODE.sub(" ", text)


def github_slug(heading: str) -> str:
    """The id GitHub gives a heading: rendered text, lower case, punctuation dropped, spaces to '-'."""
    text = re.sub(r"<[^>]+>", "", heading)
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = text.replace("`", "").strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def jupyterlab_id(heading: str) -> str:
    """The id JupyterLab gives a heading: its text with spaces replaced by '-'."""
    text = re.sub(r"<[^>]+>", "", heading)
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"[`*]", "", text).strip()
    return text.replace(" ", "-")


@lru_cache(maxsize=None)
def anchors(path: Path) -> frozenset[str]:
    """Every fragment a link may point at in ``path``."""
    found: set[str] = set()
    counts: dict[str, int] = {}
    for part in _markdown_parts(path):
        prose = _prose(part)
        for match in _HTML_ID.finditer(prose):
            found.add(match.group(1)[1:-1])
        for match in _HEADING.finditer(prose):
            slug = github_slug(match.group(2))
            n = counts.get(slug, 0)
            counts[slug] = n + 1
            found.add(slug if n == 0 else f"{slug}-{n}")
            if path.suffix == ".ipynb":
                found.add(jupyterlab_id(match.group(2)))
    return frozenset(found)


# ----------------------------------------------------------------------------- the library's names

@lru_cache(maxsize=None)
def _defined_names(module_file: Path) -> frozenset[str]:
    """Top-level names a module defines, imports or lists in ``__all__``."""
    tree = ast.parse(module_file.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for sub in ast.walk(target):
                    if isinstance(sub, ast.Name):
                        names.add(sub.id)
            if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
                for element in getattr(node.value, "elts", []):
                    if isinstance(element, ast.Constant) and isinstance(element.value, str):
                        names.add(element.value)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                names.add((alias.asname or alias.name).split(".")[0])
        elif isinstance(node, (ast.If, ast.Try)):
            # names defined under `if TYPE_CHECKING:` / `try: ... except ImportError:` count too
            for sub in ast.walk(node):
                if isinstance(sub, (ast.FunctionDef, ast.ClassDef)):
                    names.add(sub.name)
                elif isinstance(sub, ast.alias):
                    names.add((sub.asname or sub.name).split(".")[0])
    return frozenset(names)


def library_reference_problem(reference: str, *, runnable: bool = False) -> str | None:
    """Why ``musiclearn.a.b`` names nothing in the library (None if it does).

    Modules and packages are found as files; the first name after the module
    must be defined at its top level (attributes of classes are not checked).
    ``runnable``: the reference follows ``python -m`` and must be a module or a
    package with a ``__main__.py``.
    """
    parts = reference.split(".")
    here = ROOT / "musiclearn"
    i = 1
    module_file = here / "__init__.py"
    while i < len(parts):
        package = here / parts[i]
        if (package / "__init__.py").exists():
            here, module_file = package, package / "__init__.py"
            i += 1
            continue
        if (here / f"{parts[i]}.py").exists():
            module_file = here / f"{parts[i]}.py"
            i += 1
        break
    if runnable:
        if i < len(parts):
            return f"`python -m {reference}`: no module {'.'.join(parts[: i + 1])}"
        if module_file.name == "__init__.py" and not (module_file.parent / "__main__.py").exists():
            return f"`python -m {reference}`: the package has no __main__.py"
        return None
    if i < len(parts) and parts[i] not in _defined_names(module_file):
        where = _rel(module_file)
        return f"`{reference}`: {where} defines no {parts[i]!r}"
    return None


# ----------------------------------------------------------------------------- checking one document

def _check_url(target: str) -> str | None:
    parts = urlsplit(target)
    if parts.scheme in {"http", "https"}:
        host = parts.hostname or ""
        if not re.fullmatch(r"[A-Za-z0-9.-]+\.[A-Za-z]{2,}", host) or re.search(r"\s", target):
            return f"malformed URL {target!r}"
        return None
    if parts.scheme == "mailto":
        return None if "@" in target else f"malformed mailto link {target!r}"
    return f"link with an unexpected scheme {target!r}"


def _check_target(document: Path, target: str) -> str | None:
    if not target:
        return "empty link target"
    if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", target):
        return _check_url(target)
    path_part, _, fragment = target.partition("#")
    path_part = unquote(path_part.split("?", 1)[0])
    if path_part.startswith("/"):
        return f"{target!r}: absolute paths do not work on GitHub or in JupyterLab; use a relative link"
    destination = (document.parent / path_part).resolve() if path_part else document
    try:
        destination.relative_to(ROOT)
    except ValueError:
        return f"{target!r} points outside the repository"
    if not destination.exists():
        return f"{target!r}: no such file ({_rel(destination)})"
    if fragment and destination.suffix in {".md", ".ipynb"}:
        if unquote(fragment) not in anchors(destination):
            return f"{target!r}: {_rel(destination)} has no heading or <a id> {fragment!r}"
    return None


_NOTEBOOK_NAME = re.compile(r"^\d\d_[A-Za-z0-9_]+\.ipynb$")
_PLACEHOLDER = re.compile(r"[\s*<>{}…~$]|NN|XX")
_DOTTED = re.compile(r"^(musiclearn(?:\.[A-Za-z_]\w*)+)(?:\(.*\))?$", re.S)
_RUN_MODULE = re.compile(r"-m\s+(musiclearn(?:\.[A-Za-z_]\w*)*)")


def _check_code_reference(document: Path, code: str) -> str | None:
    code = code.strip()
    if code.startswith("python") or "-m musiclearn" in code:
        for match in _RUN_MODULE.finditer(code):
            problem = library_reference_problem(match.group(1), runnable=True)
            if problem:
                return problem
        return None
    dotted = _DOTTED.match(code)
    if dotted:
        return library_reference_problem(dotted.group(1))
    if _PLACEHOLDER.search(code):
        return None
    reference = code.split("#", 1)[0].split("::", 1)[0]
    if _NOTEBOOK_NAME.match(reference):
        candidates = [document.parent / reference, ROOT / "notebooks" / reference]
    elif reference.startswith(("./", "../")):
        candidates = [document.parent / reference]
        if not (document.parent / reference).resolve().is_relative_to(ROOT):
            return f"`{code}` points outside the repository"
    elif reference.split("/", 1)[0] in TOP_LEVEL_DIRS and "/" in reference or reference in ROOT_FILES:
        candidates = [ROOT / reference, document.parent / reference]
    else:
        return None
    if not any(candidate.exists() for candidate in candidates):
        return f"`{code}` names a file that does not exist"
    return None


def link_problems(document: Path) -> list[str]:
    """Every broken link or reference in one document, as readable sentences."""
    problems = []
    for part in _markdown_parts(document):
        prose = _prose(part)
        for match in _INLINE_CODE.finditer(prose):
            problem = _check_code_reference(document, match.group(2))
            if problem:
                problems.append(problem)
        for fence in _FENCE.finditer(part):
            for match in _RUN_MODULE.finditer(fence.group(0)):
                problem = library_reference_problem(match.group(1), runnable=True)
                if problem:
                    problems.append(problem)
        text = _without_inline_code(prose)
        targets = [m.group(1) for m in _LINK.finditer(text)]
        targets += [m.group(1) for m in _REFERENCE.finditer(text)]
        targets += [m.group(1)[1:-1] for m in _HTML_ATTR.finditer(text)]
        for target in targets:
            problem = _check_target(document, target)
            if problem:
                problems.append(problem)
    return problems


# ----------------------------------------------------------------------------- tests

DOCUMENTS = _documents()


def test_the_documents_exist():
    for name in ("README.md", "CONTRIBUTING.md", "ARCHITECTURE.md", "docs/myths.md"):
        assert (ROOT / name).is_file(), f"{name} is missing"
    assert len([d for d in DOCUMENTS if d.suffix == ".ipynb"]) >= 12


@pytest.mark.parametrize("document", DOCUMENTS, ids=_rel)
def test_links_and_references_resolve(document):
    problems = link_problems(document)
    assert not problems, f"{_rel(document)}:\n  " + "\n  ".join(problems)


def test_every_myth_has_its_anchor():
    found = anchors(ROOT / "docs" / "myths.md")
    missing = [n for n in range(1, 13) if f"myth-{n}" not in found]
    assert not missing, f"docs/myths.md lacks <a id=\"myth-N\"></a> for N = {missing}"


def test_readme_and_the_welcome_notebook_link_the_myths():
    readme = _prose((ROOT / "README.md").read_text(encoding="utf-8"))
    assert "docs/myths.md" in [m.group(1).split("#")[0] for m in _LINK.finditer(readme)]
    welcome = "\n".join(_prose(part) for part in _markdown_parts(ROOT / "notebooks" / "00_welcome.ipynb"))
    assert "../docs/myths.md" in [m.group(1).split("#")[0] for m in _LINK.finditer(welcome)]


# The checker itself: each rule catches what it should.

def test_checker_catches_broken_links(tmp_path):
    readme = ROOT / "README.md"
    assert _check_target(readme, "docs/myths.md#myth-3") is None
    assert "no heading" in _check_target(readme, "docs/myths.md#myth-99")
    assert "no such file" in _check_target(readme, "notebooks/99_nothing.ipynb")
    assert "outside the repository" in _check_target(readme, "../elsewhere/notes.md")
    assert "outside the repository" in _check_code_reference(readme, "../elsewhere/notes.md")
    assert _check_target(readme, "https://mybinder.org/badge_logo.svg") is None
    assert "malformed" in _check_target(readme, "https://no_host/x")
    assert _check_code_reference(readme, "benchmarks/kinder0.json") is None
    assert "does not exist" in _check_code_reference(readme, "benchmarks/nothing.json")
    assert "does not exist" in _check_code_reference(ROOT / "notebooks" / "x.ipynb", "99_nothing.ipynb")
    assert _check_code_reference(readme, "musiclearn/exercises/nbNN.py") is None   # a pattern, not a path
    assert _check_code_reference(readme, "musiclearn.mel.mel_filterbank") is None
    assert "defines no" in _check_code_reference(readme, "musiclearn.mel.no_such_function")
    assert "no module" in _check_code_reference(readme, "python -m musiclearn.no_such_module")
    assert _check_code_reference(readme, "python -m musiclearn doctor") is None


def test_slugs_follow_github_and_jupyterlab():
    assert github_slug("1. \"Musical Interface Digital Interface\"") == "1-musical-interface-digital-interface"
    assert github_slug("Myth check: can we hear `1100 Hz`?") == "myth-check-can-we-hear-1100-hz"
    assert jupyterlab_id("2 · Spectral leakage") == "2-·-Spectral-leakage"


def _repository_text_files() -> list[Path]:
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
                            cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return [ROOT / name for name in sorted(set(listed.split("\0"))) if name]


def test_no_file_cites_the_outside_design_document():
    try:
        files = _repository_text_files()
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout: cannot list the repository's files")
    offenders = []
    for path in files:
        if path.resolve() == THIS_FILE or not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue                                  # binary files
        for number, line in enumerate(text.splitlines(), start=1):
            if any(word.lower() in line.lower() for word in FORBIDDEN):
                offenders.append(f"{_rel(path)}:{number}: {line.strip()[:100]}")
    assert not offenders, ("the course must not cite a document outside the repository; "
                           "put what learners need in docs/ instead:\n  " + "\n  ".join(offenders))
