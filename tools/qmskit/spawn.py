"""Starting git and collecting what it writes, without the ``subprocess`` module where the system allows.

A warm ``qms show`` of one record is mostly Python starting up, and
``import subprocess`` (with ``selectors``, ``signal`` and ``threading``) was
~15 M of its ~215 M instructions. Reading a whole-history log through
``subprocess``'s poll loop also cost a Python round trip for every write
git made to the pipe (about 2,800 for the 1.3 MB log of 3,460 commits).

On Linux the program is started with ``os.posix_spawnp`` and writes its
output and its errors into anonymous in-memory files (``os.memfd_create``),
read once it has exited: no loop, no thread, and no deadlock whatever the
size of either stream. Elsewhere (no ``memfd_create``), ``subprocess`` does
the same work, and answers the same. The child gets what ``subprocess``
gives it: the parent's standard input unless input is given, SIGPIPE and
SIGXFSZ back at their defaults (Python ignores them), and no other open
file (Python opens every file not inheritable).
"""
from __future__ import annotations

import os

from .notyping import TYPE_CHECKING

if TYPE_CHECKING:
    import subprocess
    from typing import IO

_FAST = hasattr(os, "memfd_create") and hasattr(os, "posix_spawnp")


def _default_signals() -> tuple[int, ...]:
    """The signals a child gets back at their default action, as ``subprocess`` restores them."""
    import _signal  # type: ignore[import-not-found]  # signal's C half: the numbers without signal.py's enums (4.5 M instructions)

    return tuple(getattr(_signal, name) for name in ("SIGPIPE", "SIGXFZ", "SIGXFSZ") if hasattr(_signal, name))


def _read_all(fd: int) -> bytes:
    """Everything written to the in-memory file ``fd``, from its start."""
    chunks: list[bytes] = []
    offset = 0
    while True:
        chunk = os.pread(fd, 1 << 24, offset)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        offset += len(chunk)


def _wait(pid: int) -> int:
    """The exit code of child ``pid`` once it ends (negative: the signal that ended it); killed if we are interrupted."""
    try:
        _, status = os.waitpid(pid, 0)
    except BaseException:  # an interrupt while waiting: leave no git running behind, as subprocess.run does
        try:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
        except OSError:
            pass
        raise
    return os.waitstatus_to_exitcode(status)


def run(argv: list[str], env: dict[str, str], input: bytes | None = None) -> tuple[int, bytes, bytes]:
    """(exit code, standard output, standard error) of ``argv``, found on PATH; ``input`` its standard input.

    Raises FileNotFoundError when the program is not installed, as
    ``subprocess.run`` does. There is no working-folder argument: git is
    told its folder with ``-C``.
    """
    if not _FAST:
        import subprocess

        done = subprocess.run(argv, capture_output=True, env=env, input=input)
        return done.returncode, done.stdout, done.stderr
    fds: list[int] = []
    try:
        out, err = os.memfd_create("qms-out"), os.memfd_create("qms-err")
        fds += [out, err]
        actions: list[tuple[int, int, int]] = [(os.POSIX_SPAWN_DUP2, out, 1), (os.POSIX_SPAWN_DUP2, err, 2)]
        if input is not None:
            given = os.memfd_create("qms-in")
            fds.append(given)
            _write_all(given, input)
            os.lseek(given, 0, os.SEEK_SET)
            actions.append((os.POSIX_SPAWN_DUP2, given, 0))
        pid = os.posix_spawnp(argv[0], argv, env, file_actions=actions, setsigdef=_default_signals())
        code = _wait(pid)
        return code, _read_all(out), _read_all(err)
    finally:
        for fd in fds:
            os.close(fd)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


class Conversation:
    """A long-lived child spoken to through pipes (``git cat-file --batch``): its ``stdin`` and ``stdout``."""

    def __init__(self, argv: list[str]) -> None:
        self._popen: subprocess.Popen[bytes] | None = None
        if not _FAST:
            import subprocess

            self._popen = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
            assert self._popen.stdin is not None and self._popen.stdout is not None
            self.stdin: IO[bytes] = self._popen.stdin
            self.stdout: IO[bytes] = self._popen.stdout
            return
        child_in, self_in = os.pipe()  # both ends not inheritable: the child gets only what is duplicated onto 0 and 1
        try:
            self_out, child_out = os.pipe()
        except OSError:
            os.close(child_in)
            os.close(self_in)
            raise
        try:
            self._pid = os.posix_spawnp(argv[0], argv, dict(os.environ), setsigdef=_default_signals(),
                                        file_actions=[(os.POSIX_SPAWN_DUP2, child_in, 0),
                                                      (os.POSIX_SPAWN_DUP2, child_out, 1)])
        except BaseException:
            for fd in (self_in, self_out):
                os.close(fd)
            raise
        finally:
            os.close(child_in)
            os.close(child_out)
        self.stdin = open(self_in, "wb")
        self.stdout = open(self_out, "rb")

    def close(self) -> None:
        """Say no more (close its standard input), wait for it to end; once only."""
        if self.stdin.closed and self.stdout.closed:
            return
        if self._popen is not None:
            self.stdin.close()
            self._popen.wait()
            self.stdout.close()
            return
        try:
            self.stdin.close()
        except OSError:  # it ended already and the last request could not be flushed
            pass
        _wait(self._pid)
        self.stdout.close()

    def __del__(self) -> None:
        # a Git never closed (HistoryIndex.build) leaves its cat-file here: it ends at the end of its input, and is
        # waited for, so no finished child is left unreaped (Popen keeps such children on a list to reap later)
        try:
            self.close()
        except Exception:  # noqa: BLE001 - at interpreter exit, or the child already reaped
            pass


__all__ = ["Conversation", "run"]
