"""Shared by the site tests: site builds made once per session, a local web server, headless Chromium.

Building the reference QMS takes most of a minute, so it is built once per
session and shared (``reference_site``). When the selected tests also need
the canary copy (``planted_site``), its build starts at the same time, in a
second process: two cores build both in little more than the time of one.
Both are ``qms site build`` run as a user runs it. ``unsafe_site`` is a tiny
``qms init`` repository whose record text tries to be markup.

The fixtures are imported by the test modules that use them; the builds are
kept here, in the module, so that every module gets the same ones. Under
pytest-xdist (scripts/test.sh runs ``-n auto``) the test modules may run in
different workers, which share the builds too: each build goes to the folder
all the workers' temporary folders are in, and the worker that asks first
takes an exclusive lock (``flock``) on it and builds; a worker that asks
while it is held waits for the lock, then reads what was built and printed
(``<name>.json``). A worker that stopped before finishing its build leaves no
result: the next one to take the lock builds again.

Browser tests drive Debian's Chromium through Playwright
(``executable_path``; nothing is downloaded). Every request of every page
goes through a route: one to anything but 127.0.0.1 is refused and noted,
and the test fails (``Tab.assert_clean``); the browser's resolver is also
told to resolve no other name.
"""
from __future__ import annotations

import fcntl
import functools
import gzip
import http.server
import json
import os
import re
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from conftest import QMS, TODAY, GitRepo

ROOT = Path(__file__).resolve().parents[1]
AS_OF = "2026-11-27"
SCREENSHOTS = ROOT / "build" / "screenshots"
BUILD_TIMEOUT = 900  # seconds; the reference builds in about 45 on two cores


# --------------------------------------------------------------------------- site builds


@dataclass
class Built:
    """A finished ``qms site build``: the site, its staged Markdown, what the command printed."""

    root: Path
    site: Path
    staging: Path
    output: str
    seconds: float

    def html(self, page: str) -> str:
        """The HTML of a page given as its URL path (``labor-dispatch/LD-QP-07-satisfaction/``)."""
        return (self.site / page / "index.html").read_text(encoding="utf-8")

    def to_json(self) -> dict[str, Any]:
        return {"root": str(self.root), "site": str(self.site), "staging": str(self.staging),
                "output": self.output, "seconds": self.seconds}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Built:
        return cls(Path(data["root"]), Path(data["site"]), Path(data["staging"]), data["output"], data["seconds"])


@dataclass
class Build:
    """``qms site build`` running in the background."""

    root: Path
    site: Path
    staging: Path
    log: Path
    process: subprocess.Popen[bytes]
    claim: Claim
    started: float = field(default_factory=time.monotonic)
    done: Built | None = None

    @classmethod
    def start(cls, root: Path, base: Path, claim: Claim) -> Build:
        """Start the build; ``claim`` (taken) is given back when it has finished and its result is written."""
        base.mkdir(parents=True, exist_ok=True)
        site, staging, log = base / "site", base / "site-src", base / "build.log"
        for old in (site, staging):  # left by a worker that stopped before finishing (see Claim)
            shutil.rmtree(old, ignore_errors=True)
        with log.open("wb") as out:
            process = subprocess.Popen([QMS, "site", "build", "--as-of", AS_OF, "--out", str(site),
                                        "--staging", str(staging)], cwd=root, stdout=out, stderr=subprocess.STDOUT)
        return cls(root, site, staging, log, process, claim)

    def wait(self) -> Built:
        if self.done is None:
            try:
                code = self.process.wait(BUILD_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.stop()
                pytest.fail(f"qms site build of {self.root} took more than {BUILD_TIMEOUT} s")
            output = self.log.read_text(encoding="utf-8", errors="replace")
            self.done = Built(self.root, self.site, self.staging, output, time.monotonic() - self.started)
            self.claim.publish({"code": code, "built": self.done.to_json()})
        return finished(self.claim.read())

    def stop(self) -> None:
        """End a build that is still running; its claim is given back without a result."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.claim.release()


def finished(result: dict[str, Any]) -> Built:
    """The build a claim's result describes; a failed build fails every test that needs it, in every worker."""
    built = Built.from_json(result["built"])
    assert result["code"] == 0, f"qms site build of {built.root} failed ({result['code']}):\n{built.output[-5000:]}"
    return built


class Claim:
    """One build shared by the pytest-xdist workers: an exclusive ``flock`` on ``<name>.lock``, and its result.

    The lock is held from the start of the build until its result,
    ``<name>.json``, is written (atomically), so a worker that finds the
    lock free finds either the result or nothing: nothing means no build
    finished (its worker stopped, which gives the lock back), and it builds.
    """

    def __init__(self, folder: Path, name: str) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / f"{name}.json"
        self._lock_path = folder / f"{name}.lock"
        self._handle: Any = None

    def take(self, wait: bool = True) -> bool:
        """Take the lock; wait (up to BUILD_TIMEOUT) while another worker holds it, unless ``wait`` is False."""
        if self._handle is None:
            handle = self._lock_path.open("a")
            deadline = time.monotonic() + BUILD_TIMEOUT
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if not wait:
                        handle.close()
                        return False
                    if time.monotonic() > deadline:
                        handle.close()
                        pytest.fail(f"another worker held {self._lock_path} for more than {BUILD_TIMEOUT} s")
                    time.sleep(0.5)
            self._handle = handle
        return True

    def read(self) -> dict[str, Any]:
        return json.loads(self.path.read_text(encoding="utf-8"))

    def publish(self, result: dict[str, Any]) -> None:
        """Write the result (a rename: never half a file), then give the lock back."""
        partial = self.path.with_suffix(f".{os.getpid()}.tmp")
        partial.write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
        os.replace(partial, self.path)
        self.release()

    def release(self) -> None:
        if self._handle is not None:
            fcntl.flock(self._handle, fcntl.LOCK_UN)
            self._handle.close()
            self._handle = None


def shared_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the session's builds go: under pytest-xdist, the run's folder that holds every worker's own."""
    base = tmp_path_factory.getbasetemp()
    return (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "sites"


@dataclass
class Planted:
    """The reference QMS with a canary in every confidential field, and one visible control value."""

    root: Path
    counts: dict[str, int]  # kind → values planted
    records: set[tuple[str, str]]  # (kind, id) of every record that got a canary
    canaries: set[str]  # every canary planted
    control: str  # planted in a field that is not confidential: the site must show it
    control_record: tuple[str, str]

    def to_json(self) -> dict[str, Any]:
        return {"root": str(self.root), "counts": self.counts, "records": sorted(self.records),
                "canaries": sorted(self.canaries), "control": self.control, "control_record": self.control_record}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Planted:
        return cls(Path(data["root"]), data["counts"], {tuple(r) for r in data["records"]},
                   set(data["canaries"]), data["control"], tuple(data["control_record"]))


_STATE: dict[str, Any] = {}  # the session's builds, shared by every module that imports the fixtures


class Builds:
    """The reference and canary builds: started in the background by the worker that asks first."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self.running: dict[str, Build] = {}  # started by this worker
        self.waiting: dict[str, Claim] = {}  # started by another worker (its lock was held)

    def start(self, name: str) -> None:
        """Start the build ``name`` (reference, planted) unless a worker has started or finished it."""
        if name in self.running or name in self.waiting:
            return
        claim = Claim(self.base, name)
        if not claim.take(wait=False):
            self.waiting[name] = claim
        elif claim.path.exists():
            claim.release()
            self.waiting[name] = claim  # built already: wait() reads it
        else:
            self.running[name] = self._launch(name, claim)

    def _launch(self, name: str, claim: Claim) -> Build:
        if name == "reference":
            return Build.start(ROOT, self.base / "reference", claim)
        root = self.base / "planted" / "qms"
        shutil.rmtree(root, ignore_errors=True)  # left by a worker that stopped before finishing
        planted = make_planted_copy(root)
        (self.base / "planted.planted.json").write_text(json.dumps(planted.to_json(), ensure_ascii=False),
                                                         encoding="utf-8")
        return Build.start(root, self.base / "planted", claim)

    def wait(self, name: str) -> Built:
        self.start(name)
        if name not in self.running:
            claim = self.waiting[name]
            claim.take()  # the worker building it gives the lock back when its result is written
            if not claim.path.exists():  # that worker stopped first: build here
                self.running[name] = self._launch(name, claim)
            else:
                claim.release()
                return finished(claim.read())
        return self.running[name].wait()

    def planted(self) -> Planted:
        return Planted.from_json(json.loads((self.base / "planted.planted.json").read_text(encoding="utf-8")))

    def close(self) -> None:
        """At the end of the worker's session: finish what another worker may still wait for, or stop it."""
        for build in self.running.values():
            if build.done is None and os.environ.get("PYTEST_XDIST_WORKER"):
                try:
                    build.wait()
                except (AssertionError, pytest.fail.Exception):
                    pass  # the failure is written for the other workers to report
            build.stop()


@pytest.fixture(scope="session")
def site_builds(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Builds:
    """The session's site builds; the canary copy's starts with the reference when a selected test needs it."""
    if "builds" not in _STATE:
        builds = Builds(shared_folder(tmp_path_factory))
        request.addfinalizer(builds.close)
        _STATE["builds"] = builds
        builds.start("reference")
        if any("planted_site" in getattr(item, "fixturenames", ()) for item in request.session.items):
            builds.start("planted")
    return _STATE["builds"]


@pytest.fixture(scope="session")
def reference_site(site_builds: Builds) -> Built:
    """The reference QMS of this repository, built once per session with ``qms site build``."""
    return site_builds.wait("reference")


@pytest.fixture(scope="session")
def planted_site(site_builds: Builds) -> tuple[Built, Planted]:
    """The canary copy of the reference QMS, built."""
    built = site_builds.wait("planted")
    return built, site_builds.planted()


# --------------------------------------------------------------------------- the canary copy


def make_planted_copy(root: Path) -> Planted:
    """Copy the reference QMS, commit it, plant a canary in every confidential field, commit again.

    The two commits make the history pages (record change history, recent
    changes) see the planted values as a change, as they would in real use.
    The helpers are those of the report leak test (tests/test_report_confidential.py).
    """
    from test_report_confidential import canary, copy_reference, plant, takes_text

    from qmskit import Repository
    from qmskit.yamlio import dumps, loads

    git = copy_reference(root)

    repo = Repository(root)
    counts: dict[str, int] = {}
    records: set[tuple[str, str]] = set()
    canaries: set[str] = set()
    control = "VISIBLE-CONTROL-7431"
    control_record: tuple[str, str] | None = None
    serial = 0
    for rf in repo.record_files():
        kind = repo.registry.get(rf.kind)
        if kind is None or not rf.path.endswith(".yaml"):
            continue
        path = root / rf.path
        text = path.read_text(encoding="utf-8")
        data = loads(text).data
        if not isinstance(data, dict):
            continue
        changed = False
        for name in kind.spec.confidential:
            if not takes_text(kind.model, name.split(".")):  # a date or a number: a canary would be invalid
                continue
            serial += 1
            value = canary(kind.name, name, serial)
            planted = plant(data, name.split("."), value)
            if planted:
                canaries.add(value)
                counts[kind.name] = counts.get(kind.name, 0) + planted
                records.add((kind.name, str(data["id"])))
                changed = True
        if control_record is None and kind.spec.confidential and "description" in data \
                and "description" not in kind.spec.confidential:
            data["description"] = f"{data['description']} {control}"
            control_record = (kind.name, str(data["id"]))
            changed = True
        if changed:
            header = "".join(line + "\n" for line in text.splitlines() if line.startswith("#"))[:1000]
            path.write_text(header + dumps(data), encoding="utf-8")
    git.commit("填写联系人", "李四", "2026-06-01T09:00:00+08:00")
    assert control_record is not None, "no record with a description next to a confidential field"
    return Planted(root, counts, records, canaries, control, control_record)


CANARY = re.compile(rb"CANARY-[a-z_]+-[a-z_.]+-\d+")


def canary_hits(blob: bytes) -> set[str]:
    """The canaries in ``blob``; a canary cut short or reformatted is a leak too."""
    hits = {m.decode() for m in CANARY.findall(blob)}
    return hits or ({"CANARY (partial)"} if b"CANARY" in blob else set())


def find_canaries(*folders: Path) -> dict[str, set[str]]:
    """Canaries in every file (and file name) under the folders; ``.gz`` files are read uncompressed too."""
    found: dict[str, set[str]] = {}

    def note(where: str, blob: bytes) -> None:
        if hits := canary_hits(blob):
            found.setdefault(where, set()).update(hits)

    for folder in folders:
        for path in sorted(folder.rglob("*")):
            rel = f"{folder.name}/{path.relative_to(folder).as_posix()}"
            note(f"{rel} (file name)", rel.encode())
            if not path.is_file():
                continue
            blob = path.read_bytes()
            note(rel, blob)
            if path.suffix == ".gz":
                note(f"{rel} (uncompressed)", gzip.decompress(blob))
    return found


# --------------------------------------------------------------------------- a record whose text tries to be markup

PROBE = "XSSPROBE"
UNSAFE_TEXT = "\n".join([
    f"# 注入的标题 {PROBE}",
    '<script>window.__xss = "script"; alert("script")</script>',
    '<img src="x" onerror="window.__xss = \'img\'; alert(\'img\')">',
    "[点这里](javascript:window.__xss='link';alert('link'))",
    "<b>不应加粗</b> 1. 不是列表",
])


@dataclass
class Unsafe:
    built: Built
    kind: str
    record: str  # id of the record whose description is UNSAFE_TEXT


@pytest.fixture(scope="session")
def unsafe_site(tmp_path_factory: pytest.TempPathFactory) -> Unsafe:
    """A ``qms init`` repository whose open nonconformity's description is UNSAFE_TEXT, committed and built."""
    if "unsafe" not in _STATE:
        folder = shared_folder(tmp_path_factory)
        claim = Claim(folder, "unsafe")
        claim.take()
        try:
            if not claim.path.exists():  # no worker has built it
                built = build_unsafe(folder / "unsafe")
                claim.publish({"code": 0, "built": built.to_json()})
            _STATE["unsafe"] = Unsafe(finished(claim.read()), "nonconformity", f"NCR-{TODAY.year}-0002")
        finally:
            claim.release()
    return _STATE["unsafe"]


def build_unsafe(base: Path) -> Built:
    from qmskit.scaffold import init_repository
    from qmskit.yamlio import dumps, loads

    shutil.rmtree(base, ignore_errors=True)  # left by a worker that stopped before finishing
    root = base / "qms"
    init_repository(root, TODAY)
    git = GitRepo(root)
    git.commit("建立质量管理体系", "王芳", f"{TODAY.isoformat()}T09:00:00+08:00")
    record = f"NCR-{TODAY.year}-0002"
    path = root / "records" / "nonconformity" / f"{record}.yaml"
    text = path.read_text(encoding="utf-8")
    data = loads(text).data
    assert data["status"] == "open", data
    data["description"] = UNSAFE_TEXT
    header = "".join(line + "\n" for line in text.splitlines() if line.startswith("#"))
    path.write_text(header + dumps(data), encoding="utf-8")
    git.commit(f"补充 {record} 的描述", "李四", f"{TODAY.isoformat()}T10:00:00+08:00")
    started = time.monotonic()
    result = subprocess.run([QMS, "site", "build", "--out", str(base / "site"), "--staging", str(base / "site-src")],
                            cwd=root, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return Built(root, base / "site", base / "site-src", result.stdout + result.stderr, time.monotonic() - started)


# --------------------------------------------------------------------------- a local web server


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        pass


class Served:
    """A folder served over HTTP on 127.0.0.1, on a free port, from a thread."""

    def __init__(self, folder: Path) -> None:
        handler = functools.partial(QuietHandler, directory=str(folder))
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        self.thread = threading.Thread(target=self.server.serve_forever, name=f"serve {folder}", daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


@pytest.fixture(scope="session")
def served_reference(reference_site: Built) -> Iterator[Served]:
    served = Served(reference_site.site)
    yield served
    served.close()


# --------------------------------------------------------------------------- headless Chromium

CHROMIUM_ADVICE = ("Chromium is not installed and could not be installed here (scripts/install-clients.sh needs "
                   "root and apt-get); install the Debian package chromium to run the browser tests")


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if os.access("/usr/bin/chromium", os.X_OK) else None


def chromium_or_skip() -> str:
    """Debian's Chromium; installed by scripts/install-clients.sh when missing; a skip when that cannot be done."""
    found = find_chromium()
    if found is None:
        subprocess.run(["bash", str(ROOT / "scripts" / "install-clients.sh")], capture_output=True, text=True,
                       timeout=1800)
        found = find_chromium()
    if found is None:
        pytest.skip(CHROMIUM_ADVICE)
    return found


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed: "
                                   "pip install -e '.[test]' (the Python package only; the browser is Debian's)")
    executable = chromium_or_skip()
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, headless=True, args=[
            "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",  # no name resolves: nothing can leave
            "--no-proxy-server", "--disable-background-networking", "--disable-component-update",
        ])
        yield chromium
        chromium.close()


class Tab:
    """A page in a fresh browser context; every request is routed, every dialog and script error noted."""

    def __init__(self, browser: Any, base_url: str) -> None:
        self.base_url = base_url
        self.outside: list[str] = []
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN",
                                           service_workers="block")
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("dialog", self._dialog)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    def _route(self, route: Any) -> None:
        url = route.request.url
        if urlsplit(url).hostname == "127.0.0.1":
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def goto(self, path: str) -> Any:
        response = self.page.goto(self.base_url + path, wait_until="load")
        assert response is not None and response.ok, f"{path}: {response.status if response else 'no response'}"
        return self.page

    def search(self, query: str, wait: float = 15.0) -> list[dict[str, Any]]:
        """Type ``query`` into the search box as a person with an input method does; the first page of results.

        Chinese text arrives without key events, and the theme searches on key-up,
        so End is pressed after the text, as an input method's commit would.
        Each result: the page's link and title, and every link and text inside the item.
        """
        page = self.page
        box = page.locator("input.md-search__input")
        meta = page.locator(".md-search-result__meta")
        box.click()
        box.fill("")
        page.keyboard.press("End")  # an empty query: the count of a previous search goes away
        for _ in range(20):
            if not re.search(r"\d", meta.inner_text()):
                break
            page.wait_for_timeout(100)
        page.keyboard.insert_text(query)
        deadline = time.monotonic() + wait
        while True:
            page.keyboard.press("End")
            page.wait_for_timeout(300)
            text = meta.inner_text()
            if re.search(r"\d|没有", text) or time.monotonic() > deadline:
                break
        assert re.search(r"\d|没有", text), f"no search result for {query!r} after {wait} s: {text!r}"
        return page.evaluate("""() => [...document.querySelectorAll('.md-search-result__list > li')].map(li => ({
            href: li.querySelector('a').href,
            title: (li.querySelector('h1, h2') || {innerText: ''}).innerText.replace(/\\u200b/g, ''),
            links: [...li.querySelectorAll('a')].map(a => a.href),
            text: li.innerText.replace(/\\u200b/g, ''),
        }))""")

    def shadow_svgs(self, selector_class: str = "mermaid") -> list[dict[str, Any]]:
        """The SVG drawn in each ``div.<class>``, read through the DevTools protocol (the theme's shadow roots are closed)."""
        cdp = self.context.new_cdp_session(self.page)
        try:
            document = cdp.send("DOM.getDocument", {"depth": -1, "pierce": True})
        finally:
            cdp.detach()
        charts = []
        for node in _walk(document["root"]):
            attributes = node.get("attributes", [])
            classes = dict(zip(attributes[::2], attributes[1::2])).get("class", "").split()
            if node.get("nodeName") != "DIV" or selector_class not in classes:
                continue
            inside = [n for root in node.get("shadowRoots", []) for n in _walk(root)]
            svgs = [n for n in inside if n.get("nodeName", "").lower() == "svg"]
            texts = [n["nodeValue"].strip() for n in inside  # the labels; the chart's <style> left out
                     if n.get("nodeType") == 3 and n["nodeValue"].strip() and not n["nodeValue"].lstrip().startswith("#")]
            charts.append({"svgs": len(svgs), "shadow": [r.get("shadowRootType") for r in node.get("shadowRoots", [])],
                           "texts": texts})
        return charts

    def screenshot(self, name: str, full_page: bool = False) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.evaluate("() => window.scrollTo(0, 0)")
        self.page.wait_for_timeout(800)  # the header's tabs fade back in after a scroll
        self.page.screenshot(path=str(path), full_page=full_page)
        return path

    def assert_clean(self) -> None:
        """No request left 127.0.0.1, no dialog opened, no script failed."""
        assert not self.outside, f"requests to other addresses: {self.outside[:10]}"
        assert not self.dialogs, f"dialogs opened: {self.dialogs}"
        assert not self.errors, f"script errors: {[e[:300] for e in self.errors]}"

    def close(self) -> None:
        self.context.close()


def _walk(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield node
    for key in ("children", "shadowRoots"):
        for child in node.get(key, []):
            yield from _walk(child)
    if "contentDocument" in node:
        yield from _walk(node["contentDocument"])
