"""Seals: an annotated tag at HEAD after an audit or a management review, and the check that keeps them.

The audit trail is git history, and history can be rewritten (a rebase, an
amend, a force-push) so that a closed record seems never to have been
different. ``qms seal`` tags what was looked at; ``qms check`` then reports
any seal whose commit is no longer in the history, so such a rewrite cannot
pass unnoticed. Tags are ordinary git objects: push them (``git push
--tags``) and protect ``qms-seal/*`` on the server so they cannot be moved
or deleted.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from .git import Git, GitError
from . import messages
from .issues import Issue, QmsError

PREFIX = "qms-seal/"
RULE = "history-rewritten"


def seal_name(day: dt.date, existing: set[str]) -> str:
    """``qms-seal/<day>-<n>``: the first number not yet taken that day."""
    n = 1
    while f"{PREFIX}{day.isoformat()}-{n}" in existing:
        n += 1
    return f"{PREFIX}{day.isoformat()}-{n}"


def seal(root: Path, day: dt.date, message: str | None = None) -> tuple[str, str]:
    """Tag HEAD as sealed on ``day``; returns (tag name, commit)."""
    with Git(root) as git:
        if not git.is_repository():
            raise QmsError(messages.text("seal.not_git", root=root))
        head = git.try_rev("HEAD")
        if head is None:
            raise QmsError(messages.text("seal.nothing_committed"))
        name = seal_name(day, {tag.name for tag in git.tags(PREFIX)})
        text = message or f"qms seal {day.isoformat()}: the QMS as audited or reviewed"
        try:
            git.create_tag(name, text, head)
        except GitError as exc:
            raise QmsError(messages.text("seal.identity", error=exc)) from None
    return name, head


def check_seals(root: Path, revision: str = "HEAD") -> list[Issue]:
    """A seal whose commit is not in the history of ``revision``: that history was rewritten.

    Outside git, or before the first commit, there is nothing to check.
    """
    git = Git(root)
    try:
        if git.commit_ids(revision) is None and (not git.is_repository() or git.try_rev(revision) is None):
            return []  # (one rev-parse answers both questions when all is well)
        tags = {tag.name: tag for tag in git.tags(PREFIX)}
        if not tags:
            return []
        missing = git.tags_not_in(PREFIX, revision)
    except GitError as exc:
        return [Issue(PREFIX.rstrip("/"), 1, 1, RULE,
                      messages.text("seal.unverifiable", error=exc))]
    finally:
        git.close()
    issues = []
    for name in sorted(missing):
        tag = tags.get(name)
        what = messages.text("seal.commit", commit=tag.commit[:8], date=tag.date[:10], subject=tag.subject) if tag else messages.text("seal.its_commit")
        issues.append(Issue(name, 1, 1, RULE,
                            messages.text("seal.rewritten", name=name, what=what, revision=revision)))
    return issues


__all__ = ["PREFIX", "RULE", "check_seals", "seal", "seal_name"]
