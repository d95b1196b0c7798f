"""Report generators: each builds a :class:`~qmskit.report.Report` from a :class:`Context`.

One module per report (``objectives``, ``due``, ``checklist``, ``ncr``,
``review``, ``coverage``, ``registers``); renderers in ``qmskit.render``
write them. ``all_reports`` is the set the main job writes.
"""
from __future__ import annotations

from ..report import Report
from .context import Context


def all_reports(ctx: Context) -> list[tuple[str, Report]]:
    """Every report for the repository, as (file stem, report), in a stable order."""
    from . import checklist, coverage, due, ncr, objectives, registers, review

    outputs: list[tuple[str, Report]] = []
    obj = objectives.build(ctx)
    outputs.append((f"objectives-{obj.period}", obj))
    outputs.append((f"due-{ctx.as_of}", due.build(ctx)))
    outputs.append(("coverage", coverage.build(ctx)))
    outputs.append(("register-documents", registers.build(ctx, "documents")))
    for kind in sorted(ctx.repo.registry.kinds):
        outputs.append((f"register-{kind}", registers.build(ctx, kind)))
    outputs.append(("ncr-open", ncr.build_list(ctx, "open")))
    rev = review.build(ctx)
    outputs.append((f"review-{rev.period}", rev))
    for plan_id in checklist.plan_ids(ctx):
        outputs.append((f"checklist-{plan_id}", checklist.build(ctx, plan=plan_id)))
    return outputs


__all__ = ["Context", "all_reports"]
