"""``qms check``: every rule over the whole repository, as a list of issues.

Per-record work (parse, validate, resolve references) needs only the
file and a small index built from file names and the manual, so it can be
spread over processes; the index is built once, before any worker starts.
Each worker also hands back, for every valid record, the few fields the
rules across records read (:mod:`.cross_records`); those rules run once the
per-record pass is over, on all of them together.
"""
from __future__ import annotations

import datetime as dt
import gc
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..documents import Organization
from ..forms import built
from ..issues import Issue, Severity
from ..recordindex import Fact, RecordIndex
from ..registry import Registry
from ..repository import Config, DocumentFile, RecordFile, RecordListing, Repository
from .cross_records import CrossPlan, check_cross_records, lazy_index, plan_for
from .documents import check_documents, check_form_procedures, check_organization, check_standards
from .jsonschema_drift import check_file_schemas, check_json_schemas
from .plans import check_plans
from .records import check_record_file, check_record_folders
from .references import Index, check_references, check_unique_ids

if TYPE_CHECKING:
    from ..cache import ResultCache

PARALLEL_THRESHOLD = 2000
CHUNK = 400

Progress = Callable[[int, int], None]


@dataclass
class CheckResult:
    issues: list[Issue]
    records: int = 0
    documents: int = 0
    kinds: int = 0

    @property
    def ok(self) -> bool:
        """No error: warnings (``rules-changed``) are shown but leave the check passing."""
        return not self.errors

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity is Severity.WARNING]

    @property
    def counts(self) -> dict[str, int]:
        """Problems per rule, for the summary line."""
        counts: dict[str, int] = {}
        for issue in self.issues:
            counts[issue.rule] = counts.get(issue.rule, 0) + 1
        return counts


@dataclass
class ManualSide:
    """The manual side of the repository, loaded once per check."""

    index: Index
    issues: list[Issue]
    documents: list[DocumentFile]
    organization: Organization | None


def build_index(repo: Repository, listing: RecordListing) -> ManualSide:
    """What references may point at, and the issues found on the way there."""
    issues: list[Issue] = []
    org, org_loaded, org_issues = repo.load_organization()
    issues.extend(org_issues)
    docs = repo.load_documents()
    for df in docs:
        issues.extend(df.issues)
    documents: dict[str, str] = {df.doc.id: df.doc.status for df in docs if df.doc}
    if org is not None and org_loaded is not None:
        issues.extend(check_organization(org, org_loaded, set(documents)))
    index = Index(
        documents=documents,
        roles={r.name for r in org.roles} if org else set(),
        departments={d.name for d in org.departments} if org else set(),
        records=dict(listing.ids()),
    )
    return ManualSide(index, issues, docs, org)


def check_one(rf: RecordFile, root: Path, registry: Registry, config: Config, index: Index) -> list[Issue]:
    """Every rule that needs only this record and the index."""
    check_record_file(rf, os.path.join(root, rf.path), registry, config)  # a string: no Path object per record
    kind = registry.get(rf.kind)
    issues = list(rf.issues)
    if kind is not None and rf.data is not None:
        issues.extend(check_references(rf, kind, index, registry))
    return issues


def _fact(rf: RecordFile, registry: Registry, facts: RecordIndex) -> Fact | None:
    """The fields the rules across records keep of a valid record (None for an invalid one)."""
    kind = registry.get(rf.kind)
    if kind is None or rf.record is None or rf.issues or rf.kind not in facts.needs:
        return None
    return facts.fact_of(rf.id, kind, rf.path, rf.record)


# State handed to forked workers: set before the pool starts, read-only after.
_WORKER: tuple[Path, Registry, Config, Index, RecordIndex] | None = None


def _check_chunk(chunk: list[tuple[str, str, str]]) -> list[tuple[str, list[Issue], Fact | None]]:
    """A worker's share: each record's path, issues and fact (nothing else of the parsed record comes back)."""
    assert _WORKER is not None
    root, registry, config, index, facts = _WORKER
    results = []
    for path, kind, record_id in chunk:
        rf = RecordFile(path, kind, record_id)
        results.append((path, check_one(rf, root, registry, config, index), _fact(rf, registry, facts)))
    return results


def _record_cache(repo: Repository, index: Index) -> tuple[ResultCache | None, dict[str, str]]:
    """The cache of per-record results for this repository's rules and ids, and the blob id of each clean record.

    What a record's result depends on besides its own bytes goes into the
    digest: the engine, every file directly in ``schemas/`` (the form modules
    and any list a form reads beside itself), ``qms.yml`` and every name a
    reference may point at (adding a record or a role therefore starts a new cache).
    """
    from ..cache import ResultCache, clean_blob_ids, digest_of, engine_digest, folder_digest

    rules = digest_of(
        engine_digest(), folder_digest(repo.root / "schemas", "*"), repo.config.model_dump_json(),
        sorted(index.documents.items()), sorted(index.roles), sorted(index.departments), sorted(index.records.items()),
    )
    cache = ResultCache(repo.root, "records", rules)
    if not cache.enabled:
        return None, {}
    from ..treelisting import remember_index_trees

    # the folders' listings under the tree ids the index gives them: a first `--head` check finds the branch's
    # unchanged folders there instead of asking git to list them (see qmskit.treelisting)
    return cache, clean_blob_ids(repo.root, "records", on_index=lambda staged: remember_index_trees(repo.root, staged))


def _can_fork() -> bool:
    """Whether workers can be forked; multiprocessing is imported only when enough records make it worth asking."""
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


def _check_records(
    repo: Repository, record_files: list[RecordFile], index: Index, facts: RecordIndex, jobs: int,
    progress: Progress | None, use_cache: bool = False,
) -> list[Issue]:
    """The per-record rules; the valid records' facts go into ``facts`` for the rules across records.

    With ``use_cache`` (the full check of a working tree), a record whose
    bytes are git's blob, under the same rules, takes its issues and fact
    from the last run instead of being parsed again.
    """
    cache, blobs = _record_cache(repo, index) if use_cache else (None, {})
    issues: list[Issue] = []
    todo = record_files
    if cache is not None:
        todo = []
        for rf in record_files:
            hit = cache.get(f"{rf.path}\0{blobs[rf.path]}") if rf.path in blobs else None
            if hit is None:
                todo.append(rf)
                continue
            found, fact = hit
            issues.extend(found)
            if fact is not None:
                facts.add(fact)
    issues.extend(_run_records(repo, todo, index, facts, jobs, progress, cache, blobs))
    if cache is not None:
        cache.keep_only(f"{path}\0{blob}" for path, blob in blobs.items())
        cache.save()
        if todo:  # a later pull-request check reads these facts instead of parsing the records; a run that
            facts.remember(blobs)  # parsed none has nothing new to leave, and need not load every kind's file to see so
        if all(rf.path in blobs for rf in record_files):  # every fact is of a committed record, under these rules
            from ..cache import digest_of

            facts.origin = digest_of(cache.digest, sorted(blobs.items()))
    return issues


def _run_records(
    repo: Repository, record_files: list[RecordFile], index: Index, facts: RecordIndex, jobs: int,
    progress: Progress | None, cache: ResultCache | None, blobs: dict[str, str],
) -> list[Issue]:
    """Check ``record_files`` in this process or, for many, in forked workers; each result into ``cache`` too."""
    global _WORKER
    registry, config = repo.registry, repo.config
    total = len(record_files)

    def keep(path: str, found: list[Issue], fact: Fact | None) -> None:
        if fact is not None:
            facts.add(fact)
        if cache is not None and path in blobs:
            cache.put(f"{path}\0{blobs[path]}", (found, fact))

    if jobs <= 1 or total < PARALLEL_THRESHOLD or not _can_fork():
        issues: list[Issue] = []
        for n, rf in enumerate(record_files, 1):
            found = check_one(rf, repo.root, registry, config, index)
            issues.extend(found)
            keep(rf.path, found, _fact(rf, registry, facts))
            rf.data = rf.record = rf.loaded = None  # the fact is all that is kept
            if progress and (n % 1000 == 0 or n == total):
                progress(n, total)
        return issues
    for name in {rf.kind for rf in record_files}:  # built once here, not again in every forked worker
        kind = registry.get(name)
        if kind is not None:
            built(kind.model)
    _WORKER = (repo.root, registry, config, index, facts)
    chunks = [
        [(rf.path, rf.kind, rf.id) for rf in record_files[i:i + CHUNK]] for i in range(0, total, CHUNK)
    ]
    issues = []
    # What the workers inherit is only read: frozen, it is left out of their collections, which would
    # otherwise write to every inherited object and so copy the parent's memory page by page.
    gc.freeze()
    try:
        import multiprocessing

        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            done = 0
            for results in pool.imap(_check_chunk, chunks):
                for path, found, fact in results:
                    issues.extend(found)
                    keep(path, found, fact)
                done += CHUNK
                if progress:
                    progress(min(done, total), total)
    finally:
        _WORKER = None
        gc.unfreeze()
    return issues


def check_repository(
    repo: Repository,
    as_of: dt.date,
    *,
    jobs: int | None = None,
    progress: Progress | None = None,
    only: set[str] | None = None,
    schemas_changed: bool | None = None,
) -> CheckResult:
    """Run every rule; the result's issues are sorted by file and line.

    With ``only`` (record paths), per-record rules run on those records alone;
    the index of ids still covers every record, from file names.
    ``schemas_changed`` is None for a full check. In a pull request (judged
    with the base's forms) it says whether the change touches ``schemas/``.
    If it does, the forms' own problems and their JSON Schemas are left to
    the sandbox, which loads the change's forms. If it does not, the exported
    JSON Schemas and the forms are the base's: their agreement is the base's
    own full check's to judge, and a change that cannot alter it does not
    build 41 JSON Schemas to learn it again.
    """
    untrusted_forms = schemas_changed is True
    issues: list[Issue] = list(repo.config_issues)
    if type(repo) is Repository and "registry" not in repo.__dict__:
        _remembered_forms(repo)
    registry = repo.registry
    if type(repo) is Repository:  # a later pull-request check against these very forms imports only those it reads
        from ..registry import remember_forms
        from .sides import forms_extra

        remember_forms(registry, repo.root / "schemas", repo.root, repo.root, lambda: forms_extra(registry))
    if not untrusted_forms:
        issues.extend(registry.issues)
    listing = repo.record_listing()
    loaded = build_index(repo, listing)
    index, docs = loaded.index, loaded.documents
    issues.extend(loaded.issues)
    issues.extend(check_documents(docs, registry, loaded.organization, as_of))
    issues.extend(check_standards(repo, docs))
    issues.extend(check_form_procedures(registry, set(index.documents)))
    if schemas_changed is None:
        issues.extend(_json_schemas(repo, registry))
    if schemas_changed is not False:  # the settings files' schemas: the engine's own, trusted with a change's files
        issues.extend(check_file_schemas(repo.root, repo.cache_root))
    issues.extend(check_plans(repo.root, registry, index))
    issues.extend(check_unique_ids(listing, {df.doc.id: df.path for df in docs if df.doc}))
    issues.extend(check_record_folders(listing, registry))
    to_check = listing.files(only)
    plan = plan_for(repo)
    facts = lazy_index(repo, plan, index.records, complete=only is None)
    use_cache = only is None and not untrusted_forms and type(repo) is Repository
    issues.extend(_check_records(repo, to_check, index, facts, jobs or os.cpu_count() or 1, progress, use_cache))
    issues.extend(_cross(facts, plan, to_check, as_of, loaded.organization, repo.root))
    issues = sorted(set(issues))
    return CheckResult(issues, len(to_check), sum(1 for d in docs if d.doc), len(registry.kinds))


def _remembered_forms(repo: Repository) -> None:
    """Import a form only when one of its records must be checked, if a whole load of these very forms is remembered.

    A re-check after a small edit (or none) takes nearly every record's
    result from the cache, so importing 41 form modules would be most of its
    cost; the verdicts about every form (the load's issues, procedures,
    fields) are the remembered load's, kept under the forms' bytes and the
    engine (see ``registry.FormFacts``). Without that memory, or with the
    cache off, the repository loads every form as before.
    """
    from ..registry import lazy_registry

    lazy = lazy_registry(repo.root / "schemas", repo.root, repo.root)
    if lazy is not None:
        repo.__dict__["registry"] = lazy  # Repository.registry is a cached_property: this is its value now


def _json_schemas(repo: Repository, registry: Registry) -> list[Issue]:
    """The exported JSON Schemas against the forms; the answer kept while neither they nor the engine change.

    Only the full check asks (a pull request leaves them to the base's full
    check, or to the sandbox when it changes them). A re-check with the same
    forms does not build 41 JSON Schemas, importing every form, to learn
    what the last check learnt.
    """
    from ..cache import ResultCache, digest_of, engine_digest, folder_digest

    json_dir = repo.root / "schemas" / "json"
    key = digest_of(engine_digest(), folder_digest(repo.root / "schemas"), folder_digest(json_dir, "*"), os.path.islink(json_dir))
    cache = ResultCache(repo.cache_root, "json-schemas", key)
    found = cache.get("issues")
    if found is None:
        found = check_json_schemas(repo.root, registry)
        cache.put("issues", found)
        cache.save()
    return list(found)


def _cross(
    facts: RecordIndex, plan: CrossPlan, checked: list[RecordFile], as_of: dt.date, organization: Organization | None,
    root: Path,
) -> list[Issue]:
    """The rules across records, on the records this check validated.

    Closure contradictions are warnings in a full check (they are history);
    a pull-request check (``facts`` not complete) leaves them to
    :func:`check_changed_records`, which reports those the change creates as errors.

    When every fact came from a committed record (``facts.origin``), the
    answer is kept under that digest, the day and the organization: a
    re-check with nothing changed does not run the rules over every record again.
    """
    if not plan.any_rule:
        return []
    subjects = [rf.id for rf in checked if rf.path.endswith(".yaml")]
    if facts.origin is None:
        return check_cross_records(facts, plan, subjects, as_of, organization, closure=facts.complete)
    from ..cache import ResultCache, digest_of

    key = digest_of(facts.origin, as_of.isoformat(), organization.model_dump_json() if organization else None,
                    facts.complete, subjects, _plan_digest(plan))
    cache = ResultCache(root, "cross-records", key)
    found = cache.get("issues")
    if found is None:
        found = check_cross_records(facts, plan, subjects, as_of, organization, closure=facts.complete)
        cache.put("issues", found)
        cache.save()
    return list(found)


def _plan_digest(plan: CrossPlan) -> list[object]:
    """What the rules across records read besides the records: the objectives (``manual/objectives.yml``) they
    re-count and the fields they keep of each kind."""
    return [sorted((oid, objective.model_dump_json()) for oid, objective in plan.objectives.items()),
            sorted((kind, sorted(fields) if fields is not None else None) for kind, fields in plan.needs.items())]


def check_pull_request(
    repo: Repository, base: str, as_of: dt.date, *, head: str | None = None, jobs: int | None = None,
    progress: Progress | None = None,
) -> CheckResult:
    """``qms check --base``: everything ``check`` does on what changed, plus the change rules.

    Judged with the base revision's ``qms.yml`` and forms; the change's own
    form modules run only in a separate process (see ``checks.pull_request``).
    """
    from .pull_request import check_pull_request as judge

    return judge(repo, base, as_of, head=head, jobs=jobs, progress=progress)
