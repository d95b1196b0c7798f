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
            raise QmsError(f"{root} is not in a git repository; a seal is a git tag (run 'git init' and commit)")
        head = git.try_rev("HEAD")
        if head is None:
            raise QmsError("nothing is committed yet, so there is nothing to seal; commit first")
        name = seal_name(day, {tag.name for tag in git.tags(PREFIX)})
        text = message or f"qms seal {day.isoformat()}: the QMS as audited or reviewed"
        try:
            git.create_tag(name, text, head)
        except GitError as exc:
            raise QmsError(f"{exc}; a seal is an annotated tag, so git needs your name and e-mail "
                           "(git config user.name …, git config user.email …)") from None
    return name, head


def check_seals(root: Path, revision: str = "HEAD") -> list[Issue]:
    """A seal whose commit is not in the history of ``revision``: that history was rewritten.

    Outside git, or before the first commit, there is nothing to check.
    """
    git = Git(root)
    try:
        if not git.is_repository() or git.try_rev(revision) is None:
            return []
        tags = {tag.name: tag for tag in git.tags(PREFIX)}
        if not tags:
            return []
        missing = git.tags_not_in(PREFIX, revision)
    except GitError as exc:
        return [Issue(PREFIX.rstrip("/"), 1, 1, RULE,
                      f"the seals cannot be verified ({exc}); fetch the whole history and its tags "
                      "(git fetch --unshallow --tags; in CI, actions/checkout with fetch-depth: 0)")]
    finally:
        git.close()
    issues = []
    for name in sorted(missing):
        tag = tags.get(name)
        what = f"commit {tag.commit[:8]}, sealed {tag.date[:10]}: {tag.subject!r}" if tag else "its commit"
        issues.append(Issue(name, 1, 1, RULE,
                            f"the seal {name} ({what}) is not in the history of {revision}: the history sealed then "
                            "was rewritten (rebase, amend or force-push). Restore it (push the sealed history back) "
                            "and make corrections as new commits, with an amendment record for a closed record; "
                            "if this branch only started before the seal, merge the sealed branch into it"))
    return issues


__all__ = ["PREFIX", "RULE", "check_seals", "seal", "seal_name"]
