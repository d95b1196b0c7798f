"""Fixtures: QMS repositories made by ``qms init`` in temporary folders."""
from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from qmskit import messages
from qmskit.scaffold import init_repository

TODAY = dt.date.today()
# the seed manuals and design notes: ../shared beside the clone, or where QMS_SHARED says (.ci/run finds it)
SHARED = Path(os.environ.get("QMS_SHARED") or Path(__file__).resolve().parents[2] / "shared")


def require_shared(path: Path) -> Path:
    """``path`` under ../shared/, which a few tests compare the reference QMS with.

    In CI (``CI`` set, as GitHub Actions and most CI services do) its absence
    is a failure: those tests must run there. Elsewhere the test is skipped
    with what to do, so a newcomer's first run is not a wall of errors.
    """
    if path.exists():
        return path
    where = path.relative_to(SHARED.parent) if path.is_relative_to(SHARED.parent) else path
    message = (f"needs {where} (the seed manuals and design notes in ../shared/ beside this repository); "
               f"clone or copy them to {SHARED} to run this test")
    if os.environ.get("CI", "").lower() not in ("", "0", "false", "no"):
        pytest.fail(f"{message}. CI must provide ../shared/ (see .ci/run)", pytrace=False)
    pytest.skip(message)
QMS = shutil.which("qms", path=str(Path(sys.executable).parent)) or "qms"


# --------------------------------------------------------------------------- running in parallel (pytest-xdist)

# the fixtures of tests/sitekit.py, whose builds take most of a minute
SITE_FIXTURES = frozenset({"site_builds", "reference_site", "planted_site", "unsafe_site", "served_reference",
                           "browser"})


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under pytest-xdist, the order in which the test modules are handed to the workers.

    scripts/test.sh runs ``-n auto --dist loadscope --no-loadscope-reorder``:
    each module goes whole to one worker (so a fixture built once per module,
    such as a copied reference QMS or the converted PDFs, is built once), in
    the order of this list. The modules that need a site build come first,
    so the builds (tests/sitekit.py, shared by the workers) start at once and
    the browser tests are not left for the end; then the others, those with
    more tests first (xdist's own order), so the last to start are short.
    Every worker sorts the same collection the same way (xdist checks that
    they agree). Without xdist the order stays as written.
    """
    if not hasattr(config, "workerinput"):  # not a pytest-xdist worker
        return
    modules: dict[Path, list[pytest.Item]] = {}
    for item in items:
        modules.setdefault(item.path, []).append(item)
    site = {path for path, its in modules.items()
            if any(SITE_FIXTURES & set(getattr(i, "fixturenames", ())) for i in its)}
    order = sorted(modules, key=lambda path: (path not in site, -len(modules[path])))  # stable: file order on ties
    items[:] = [item for path in order for item in modules[path]]


@pytest.fixture(scope="session")
def _template_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("template") / "qms"
    init_repository(target, TODAY)
    return target


@pytest.fixture
def repo(_template_repo: Path, tmp_path: Path) -> Path:
    """A fresh copy of the repository ``qms init`` writes; each test may break it."""
    target = tmp_path / "qms"
    shutil.copytree(_template_repo, target)
    return target


@pytest.fixture(autouse=True)
def _messages_in_default_language() -> Iterator[None]:
    """Each test starts with messages in the default language: a repository another test opened does not leak."""
    with messages.using(messages.DEFAULT):
        yield


def in_english(root: Path) -> Path:
    """``lang: en`` in the repository's qms.yml, for a test that reads the English messages of its checks."""
    config = root / "qms.yml"
    text = config.read_text(encoding="utf-8")
    assert "lang: zh" in text, "the fixture repository is expected to say lang: zh"
    config.write_text(text.replace("lang: zh", "lang: en", 1), encoding="utf-8")
    messages.set_language("en")
    return root


def warnings_summary_tail(lang: str, counts: dict[str, int]) -> str:
    """The end of ``qms check``'s summary line for a run with warnings only, in ``lang``, from the catalogue."""
    with messages.using(lang):
        n = sum(counts.values())
        said = [messages.text("summary.no_problems"),
                messages.text("summary.warning") if n == 1 else messages.text("summary.warnings", n=n)]
        rules = messages.join(f"{rule} {k}" for rule, k in sorted(counts.items()))
        return messages.text("summary.found", summary="", said=messages.join(said), rules=rules,
                             hint=messages.text("summary.strict_hint"))


def run_qms(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the installed ``qms`` command as a user would.

    The timeout only stops a hung command: ``qms reports`` of the reference QMS takes about 20 s of CPU,
    and with the suite's workers and anything else on the machine sharing the cores it can take minutes.
    """
    return subprocess.run([QMS, *args], cwd=cwd, capture_output=True, text=True, timeout=600)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def spy_on_records(monkeypatch: pytest.MonkeyPatch, owner: object, name: str) -> list[str]:
    """The paths of the records ``owner.name`` (a function taking the record file first) is called with, in order."""
    seen: list[str] = []
    real = getattr(owner, name)

    def spy(rf, *args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(rf.path)
        return real(rf, *args, **kwargs)

    monkeypatch.setattr(owner, name, spy)
    return seen


class GitRepo:
    """A real git repository in a temporary folder, with authors and backdated commits."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.git("init", "-q", "-b", "main")
        self.git("config", "user.name", "Test")
        self.git("config", "user.email", "test@example.com")
        self.git("config", "commit.gpgsign", "false")

    def git(self, *args: str, env: dict[str, str] | None = None) -> str:
        import os

        result = subprocess.run(["git", *args], cwd=self.root, capture_output=True, text=True,
                                env={**os.environ, **(env or {})})
        assert result.returncode == 0, result.stderr
        return result.stdout

    def commit(self, message: str, author: str = "张三", when: str = "2026-01-05T10:00:00+08:00") -> str:
        """Commit everything, as ``author`` on ``when`` (author and committer dates alike)."""
        self.git("add", "-A")
        env = {
            "GIT_AUTHOR_NAME": author, "GIT_AUTHOR_EMAIL": f"{abs(hash(author)) % 10**6}@example.com",
            "GIT_COMMITTER_NAME": author, "GIT_COMMITTER_EMAIL": f"{abs(hash(author)) % 10**6}@example.com",
            "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when,
        }
        self.git("commit", "-q", "--allow-empty", "-m", message, env=env)
        return self.git("rev-parse", "HEAD").strip()

    def edit(self, rel: str, old: str, new: str) -> None:
        path = self.root / rel
        text = path.read_text(encoding="utf-8")
        assert old in text, (old, rel)
        path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def git_repo(repo: Path) -> GitRepo:
    """The ``qms init`` repository, committed once on main."""
    g = GitRepo(repo)
    g.commit("建立质量管理体系", "王芳", "2026-01-05T09:00:00+08:00")
    return g
