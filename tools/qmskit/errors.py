"""The error a user can act on, apart from :mod:`qmskit.issues`' findings.

Here on its own so that a command that only asks (``qms show``, ``qms
history``) can raise and catch it without importing ``dataclasses`` (and
with it ``inspect``, ``ast``, ``dis``), which the :class:`~qmskit.issues.Issue`
class needs; ``qmskit.issues`` exports the same class, so either import works.
"""
from __future__ import annotations


class QmsError(Exception):
    """An error the user can act on: printed as a message, never a traceback.

    ``exit_code`` 2 means the command could not run as asked (usage, missing
    repository); the message says what to do instead.
    """

    exit_code = 2

    def __init__(self, message: str, exit_code: int | None = None) -> None:
        super().__init__(message)
        if exit_code is not None:
            self.exit_code = exit_code


__all__ = ["QmsError"]
