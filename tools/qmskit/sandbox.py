"""Runs a change's own form modules in a separate process whose only output is data.

In a pull-request check the base's forms judge the change (see
``checks.pull_request``). The change's form modules, when it changes them,
are code from the pull request: they are imported only here, in a child
``python -I -m qmskit.sandbox`` with an empty environment, a temporary
folder as its working directory, no file writes (``RLIMIT_FSIZE`` 0), a CPU
and a wall-clock limit, and its own process group, so that it can be killed
whole. It answers with one JSON document on stdout: a description of each
form (:class:`~qmskit.formdata.FormData`) and issues as data. Whatever else
happens — a print, an exit code, ``SystemExit``, ``KeyboardInterrupt``,
``os._exit(0)``, a timeout, a crash — becomes a ``schema-untrusted`` issue
in the judging process, which alone decides the verdict. What the child
says can add problems to the verdict, never remove one.
"""
from __future__ import annotations

import os
import selectors
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .formdata import FormData
from . import messages
from .issues import Issue

REQUEST_FILE = ".qms-sandbox-request.json"
DEFAULT_TIMEOUT = 60.0
MAX_OUTPUT = 64 * 1024 * 1024
MEMORY_LIMIT = 4 * 1024 * 1024 * 1024
RULE = "schema-untrusted"
LANG_VARIABLE = "QMS_MESSAGE_LANG"  # not in the request, whose shape an older engine's child checks strictly


class Request(BaseModel):
    """What the child checks: the change's ``schemas/`` in ``root``, records laid out beside it."""

    model_config = ConfigDict(extra="forbid")

    root: str
    blame: str = "schemas"  # where a failure of the form modules is reported
    max_file_bytes: int
    max_depth: int
    drift: bool = True
    records: list[tuple[str, str, str]] = Field(default_factory=list)  # path, kind, id
    documents: dict[str, str] = Field(default_factory=dict)
    roles: list[str] = Field(default_factory=list)
    departments: list[str] = Field(default_factory=list)
    record_kinds: dict[str, str] = Field(default_factory=dict)


class AnswerIssue(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    path: str = Field(max_length=1000)
    line: int = Field(ge=1)
    col: int = Field(ge=1)
    rule: str = Field(max_length=64, pattern=r"^[a-z0-9-]+$")
    message: str = Field(max_length=4000)


class Answer(BaseModel):
    """The child's whole output; anything that does not parse as this is not believed."""

    model_config = ConfigDict(extra="forbid")

    forms: list[FormData] | None  # None: the forms could not be loaded whole
    issues: list[AnswerIssue]


@dataclass
class SandboxResult:
    forms: list[FormData] | None  # None: the change's forms could not be read
    issues: list[Issue]


# -- the judging process's side -----------------------------------------------------------------

def run_sandbox(request: Request, blame: str, timeout: float | None = None) -> SandboxResult:
    """Run the child on ``request`` and turn everything it did into data; never raises for its behaviour.

    ``blame`` is the path the issues are reported at (a changed form module).
    """
    limit = timeout if timeout is not None else float(os.environ.get("QMS_SANDBOX_TIMEOUT", DEFAULT_TIMEOUT))
    _protect_self()
    root = Path(request.root)
    (root / REQUEST_FILE).write_text(request.model_dump_json(), encoding="utf-8")
    command = [sys.executable, "-I", "-B", "-X", "utf8", "-m", "qmskit.sandbox", str(root / REQUEST_FILE)]
    env = {"PATH": os.defpath, "HOME": str(root), "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
           LANG_VARIABLE: messages.language()}  # the child writes its issues in the judging repository's language
    try:
        proc = subprocess.Popen(command, cwd=root, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, start_new_session=True, close_fds=True,
                                preexec_fn=_limits(limit) if os.name == "posix" else None)
    except OSError as exc:
        return _failed(blame, messages.text("sandbox.cannot_run", error=exc))
    out, problem = _collect(proc, limit)
    if problem:
        return _failed(blame, problem)
    if proc.returncode != 0:
        how = (messages.text("sandbox.killed", signal=-proc.returncode) if proc.returncode < 0
               else messages.text("sandbox.exit_code", code=proc.returncode))
        return _failed(blame, messages.text("sandbox.failed", how=how))
    try:
        answer = Answer.model_validate_json(out)
    except ValidationError:
        return _failed(blame, messages.text("sandbox.printed"))
    issues = [Issue(i.path, i.line, i.col, i.rule, i.message) for i in answer.issues]  # always errors
    return SandboxResult(answer.forms, issues)


def _protect_self() -> None:
    """Make this process non-dumpable (Linux): no process of the same user may read or write its memory.

    The child runs as the same user; without this it could open
    ``/proc/<judge>/mem`` and rewrite the verdict, or read the environment.
    """
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE = 4
    except (OSError, AttributeError):  # pragma: no cover - no libc symbol: the other limits still hold
        pass


def _failed(blame: str, message: str) -> SandboxResult:
    return SandboxResult(None, [Issue(blame, 1, 1, RULE, message)])


def _limits(timeout: float) -> Callable[[], None]:
    """Limits set in the child before it starts: CPU time, memory, and no file writes."""
    def apply() -> None:
        import resource

        cpu = int(timeout) + 5
        for name, value in (("RLIMIT_CPU", cpu), ("RLIMIT_FSIZE", 0), ("RLIMIT_AS", MEMORY_LIMIT),
                            ("RLIMIT_CORE", 0)):
            limit = getattr(resource, name, None)
            if limit is not None:
                try:
                    resource.setrlimit(limit, (value, value))
                except (ValueError, OSError):
                    pass  # a hard limit already lower: keep it
    return apply


def _collect(proc: subprocess.Popen[bytes], timeout: float) -> tuple[bytes, str | None]:
    """The child's stdout, read within ``timeout`` and ``MAX_OUTPUT``; its whole group is killed after."""
    assert proc.stdout is not None and proc.stderr is not None
    deadline = time.monotonic() + timeout
    chunks: list[bytes] = []
    try:  # also on Ctrl-C in the judging process: no child outlives it
        problem = _read(proc, deadline, timeout, chunks)
        if problem is None and not _exited(proc, deadline):
            problem = _timeout(timeout)
    finally:
        _kill_group(proc)
        proc.stdout.close()
        proc.stderr.close()
    return b"".join(chunks), problem


def _read(proc: subprocess.Popen[bytes], deadline: float, timeout: float, chunks: list[bytes]) -> str | None:
    """Read stdout into ``chunks`` (stderr is drained and dropped) until both close; a problem, or None."""
    size = 0
    with selectors.DefaultSelector() as selector:
        selector.register(proc.stdout, selectors.EVENT_READ, "out")  # type: ignore[arg-type]
        selector.register(proc.stderr, selectors.EVENT_READ, "err")  # type: ignore[arg-type]
        while selector.get_map():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return _timeout(timeout)
            for key, _ in selector.select(remaining):
                data = os.read(key.fd, 65536)
                if not data:
                    selector.unregister(key.fileobj)
                elif key.data == "out":
                    chunks.append(data)
                    size += len(data)
                    if size > MAX_OUTPUT:
                        return messages.text("sandbox.too_much_output")
    return None


def _exited(proc: subprocess.Popen[bytes], deadline: float) -> bool:
    """Wait for the child to exit before ``deadline`` without reaping it.

    Unreaped, its process id stays taken, so killing its group afterwards
    cannot reach an unrelated process that got the id again.
    """
    waitid = getattr(os, "waitid", None)
    if waitid is None or not hasattr(os, "WNOWAIT"):  # pragma: no cover - not Linux
        try:
            proc.wait(max(deadline - time.monotonic(), 0.01))
            return True
        except subprocess.TimeoutExpired:
            return False
    while time.monotonic() < deadline:
        if waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOWAIT | os.WNOHANG) is not None:
            return True
        time.sleep(0.01)
    return False


def _timeout(seconds: float) -> str:
    return messages.text("sandbox.timeout", seconds=seconds)


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    """Kill the child and anything it started in its process group, then reap it."""
    if proc.returncode is None:  # not reaped yet: its id, and so its group's, is still its own
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError, AttributeError):
            pass
    try:
        proc.wait(5)
    except subprocess.TimeoutExpired:  # pragma: no cover - SIGKILL is not refused
        pass


# -- the child's side ---------------------------------------------------------------------------

def _child(request_file: str) -> bytes:
    """Load the change's forms, validate the records given, and describe every form."""
    from .checks import check_one
    from .checks.jsonschema_drift import check_json_schemas
    from .checks.references import Index
    from .formdata import describe
    from .registry import load_registry
    from .repository import Config, RecordFile

    request = Request.model_validate_json(Path(request_file).read_bytes())
    messages.set_language(os.environ.get(LANG_VARIABLE, messages.DEFAULT))
    root = Path(request.root)
    config = Config(name="sandbox", max_file_bytes=request.max_file_bytes, max_depth=request.max_depth)
    index = Index(request.documents, set(request.roles), set(request.departments), request.record_kinds)
    issues: list[Issue] = []
    forms: list[FormData] | None = None
    try:
        registry = load_registry(root / "schemas", root)
        issues.extend(registry.issues)
        if request.drift:
            issues.extend(check_json_schemas(root, registry))
        for path, kind, rid in request.records:
            if registry.get(kind) is not None:
                issues.extend(check_one(RecordFile(path, kind, rid), root, registry, config, index))
        forms = [describe(kind) for kind in registry.kinds.values()]
    except BaseException as exc:  # noqa: BLE001 - SystemExit and KeyboardInterrupt from a form module too
        issues.append(Issue(request.blame, 1, 1, RULE, messages.text("sandbox.raised", name=type(exc).__name__)))
        forms = None
    answer = Answer(forms=forms, issues=[AnswerIssue(path=i.path, line=max(i.line, 1), col=max(i.col, 1), rule=i.rule,
                                                     message=i.message[:4000]) for i in issues])
    return answer.model_dump_json().encode("utf-8")


def main(argv: list[str]) -> None:
    """Entry point of the child: write the answer and leave at once (no atexit hook of a form runs)."""
    out = os.dup(1)
    data = _child(argv[0])
    view = memoryview(data)
    while view:
        view = view[os.write(out, view):]
    os._exit(0)


if __name__ == "__main__":
    main(sys.argv[1:])
