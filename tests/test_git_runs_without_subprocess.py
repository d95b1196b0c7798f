"""git is started without the subprocess module (qmskit.spawn), and answers exactly as through subprocess.

Each case is asked both ways, the fast path (posix_spawnp writing into
in-memory files) and the portable one (subprocess), which other systems take.
"""
from __future__ import annotations

import gc
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import GitRepo

from qmskit import messages, spawn
from qmskit.git import Git, GitError

pytestmark = pytest.mark.skipif(not spawn._FAST, reason="the fast path needs Linux's memfd_create")


@pytest.fixture(params=["posix_spawn", "subprocess"], autouse=True)
def way(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "subprocess":
        monkeypatch.setattr(spawn, "_FAST", False)
    return str(request.param)


def _shell(script: str) -> list[str]:
    return [sys.executable, "-c", script]


def test_output_errors_and_exit_code_as_subprocess_gives_them() -> None:
    script = "import sys; sys.stdout.write('out'); sys.stderr.write('err'); sys.exit(3)"
    expected = subprocess.run(_shell(script), capture_output=True)
    assert spawn.run(_shell(script), dict(os.environ)) == (3, b"out", b"err")
    assert (expected.returncode, expected.stdout, expected.stderr) == (3, b"out", b"err")


def test_large_output_on_both_streams_does_not_hang() -> None:
    # each stream well past a pipe's 64 KiB: a reader of one stream at a time would wait for ever on the other
    script = ("import sys\nfor i in range(20000):\n"
              "    sys.stderr.write('e%05d\\n' % i); sys.stdout.write('o%05d\\n' % i)\n")
    code, out, err = spawn.run(_shell(script), dict(os.environ))
    assert code == 0
    assert out.splitlines() == [b"o%05d" % i for i in range(20000)]
    assert err.splitlines() == [b"e%05d" % i for i in range(20000)]


def test_input_reaches_the_child_whole() -> None:
    data = bytes(range(256)) * 5000  # 1.28 MB, NUL bytes included
    code, out, _ = spawn.run(_shell("import sys; d = sys.stdin.buffer.read(); sys.stdout.write(str(len(d)) + ' ' + str(sum(d)))"),
                             dict(os.environ), data)
    assert (code, out) == (0, f"{len(data)} {sum(data)}".encode())


def test_a_child_ended_by_a_signal_has_a_negative_code() -> None:
    code, _, _ = spawn.run(_shell("import os, signal; os.kill(os.getpid(), signal.SIGTERM)"), dict(os.environ))
    assert code == -15


def test_the_child_gets_sigpipe_at_its_default() -> None:
    # Python ignores SIGPIPE; subprocess puts it back for the child, and so must spawn (git relies on it). The
    # child here is grep, not Python, which would ignore SIGPIPE again itself.
    code, out, _ = spawn.run(["grep", "SigIgn", "/proc/self/status"], dict(os.environ))
    ignored = int(out.split()[1], 16)
    assert code == 0 and not ignored & (1 << (13 - 1)), out  # SIGPIPE is signal 13 on Linux


def test_the_child_inherits_no_other_open_file(tmp_path: Path) -> None:
    with open(tmp_path / "held", "wb") as held:
        code, out, _ = spawn.run(_shell(f"import os; print(sorted(set(os.listdir('/proc/self/fd')) & {{'{held.fileno()}'}}))"),
                                 dict(os.environ))
    assert (code, out.strip()) == (0, b"[]")


def test_git_questions_and_failures_read_the_same(git_repo: GitRepo) -> None:
    with Git(git_repo.root) as g:
        head = g.rev("HEAD")
        assert head == git_repo.git("rev-parse", "HEAD").strip()
        assert g.blob(f"{head}:qms.yml") == (git_repo.root / "qms.yml").read_bytes()
        assert g.blobs([f"{head}:qms.yml", "0" * 40]) == [(git_repo.root / "qms.yml").read_bytes(), None]
        with pytest.raises(GitError, match="cat-file"):
            g.run("cat-file", "-p", "no-such-object")
        # stdin: the needles of git grep arrive there
        assert g.grep_files(["name:"], "qms.yml") == {"qms.yml"}


def test_git_missing_is_said_plainly(git_repo: GitRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(git_repo.root / "no-such-folder"))
    with pytest.raises(GitError) as raised:
        Git(git_repo.root).run("status")
    assert str(raised.value) == messages.text("git.missing")


def test_no_child_is_left_behind(git_repo: GitRepo) -> None:
    before = _children()
    for _ in range(5):
        with Git(git_repo.root) as g:
            g.rev("HEAD")
            g.blob("HEAD:qms.yml")
    assert _children() == before


def _children() -> set[str]:
    """This process's child processes (zombies included), from /proc."""
    me = str(os.getpid())
    found = set()
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                stat = Path(f"/proc/{pid}/stat").read_text()
            except OSError:
                continue
            if stat.rsplit(")", 1)[1].split()[1] == me:
                found.add(pid)
    return found


def test_a_git_never_closed_leaves_no_child_once_it_is_forgotten(git_repo: GitRepo) -> None:
    # HistoryIndex.build makes a Git it never closes: its cat-file must still end and be waited for
    before = _children()
    g = Git(git_repo.root)
    assert g.blob("HEAD:qms.yml") == (git_repo.root / "qms.yml").read_bytes()
    assert len(_children() - before) == 1  # the cat-file --batch is running
    del g
    gc.collect()
    assert _children() == before
