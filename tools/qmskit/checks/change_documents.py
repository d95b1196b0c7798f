"""Pull-request rules for controlled documents: never deleted, revised forward, approved anew.

A document whose text changes gets a new revision, and an effective one a
new approval date. The revision moves forward in the scheme ``qms.yml``
declares (``revision_scheme``, read from the base: A/1 → A/2, A/9 → B/0,
1.0 → 1.1), and the approval date never moves back. (A document that
supersedes itself is the full check's ``document-supersedes-itself``.)
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from .. import yamlio
from ..git import RawChange
from ..issues import Issue
from ..messages import text
from ..revisions import SCHEMES, moves_forward, revision_key
from .changes import Sides


def document_rules(change: RawChange, sides: Sides) -> list[Issue]:
    path = change.path
    if change.status == "D":
        return [Issue(path, 1, 1, "change-document-deleted",
                      text("change.document_deleted"))]
    new = _markdown(sides.head.read(path, sides.rules.config.max_file_bytes), sides)
    if new is None or new.front is None or not isinstance(new.front.data, dict):
        return []  # the full check reports the unreadable front matter
    front, marks = new.front.data, new.front

    def issue(key: str, rule: str, message: str) -> Issue:
        return Issue(path, marks.position((key,))[0], 1, rule, message)

    issues: list[Issue] = []
    if change.status == "A" or not change.old_blob:
        return issues
    old = _markdown(sides.git.blob(change.old_blob), sides)
    if old is None or old.front is None or not isinstance(old.front.data, dict):
        return issues
    old_front = old.front.data
    scheme = sides.rules.config.revision_scheme
    issues.extend(_revision_order(old_front, front, scheme, issue))
    issues.extend(_approval_order(old_front, front, issue))
    if old.body.strip() == new.body.strip():
        return issues
    if str(front.get("revision")) == str(old_front.get("revision")):
        issues.append(issue("revision", "change-document-revision",
                            text("change.document_revision", revision=repr(front.get("revision")))))
    if front.get("status") == "effective" and front.get("approved") == old_front.get("approved"):
        issues.append(issue("approved", "change-document-approval",
                            text("change.document_approval")))
    return issues


def _markdown(raw: bytes | None, sides: Sides) -> yamlio.MarkdownFile | None:
    if raw is None:
        return None
    config = sides.rules.config
    try:
        return yamlio.load_markdown(raw, max_bytes=config.max_file_bytes, max_depth=config.max_depth)
    except yamlio.YamlError:
        return None


def _revision_order(old: dict[str, Any], new: dict[str, Any], scheme: str, issue: Any) -> list[Issue]:
    before, after = old.get("revision"), new.get("revision")
    if after is None or str(before) == str(after):
        return []
    if revision_key(after, scheme) is None:
        return [issue("revision", "change-document-revision-scheme",
                      text("change.revision_scheme", revision=repr(after), scheme=scheme, example=SCHEMES[scheme]))]
    if moves_forward(before, after, scheme) is False:
        return [issue("revision", "change-document-revision-order",
                      text("change.revision_back", before=repr(before), after=repr(after), example=SCHEMES[scheme]))]
    return []


def _approval_order(old: dict[str, Any], new: dict[str, Any], issue: Any) -> list[Issue]:
    before, after = old.get("approved"), new.get("approved")
    if isinstance(before, dt.date) and isinstance(after, dt.date) and after < before:
        return [issue("approved", "change-document-approval-order",
                      text("change.approval_back", before=before, after=after))]
    return []


__all__ = ["document_rules"]
