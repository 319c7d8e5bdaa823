"""Analytics: the funnel measured from its event history, in one pass, as of any moment.

Give :func:`report` the events your application stored (any mix of kinds and objects, each
object's own events in order) and read the rows. For a history too large for one pass, build an
:class:`Accumulator` per slice of the events (split by object) and merge them: the result is the
report of one pass.

Example:
    >>> from datetime import datetime, timezone
    >>> import funnelkit as fk
    >>> import funnelkit.analytics as an
    >>> at = datetime(2026, 3, 2, tzinfo=timezone.utc)
    >>> touch = fk.Touch(fk.Channel.search, "brand", fk.TouchKind.form_submission, at)
    >>> acme = fk.Account("acme", "Acme", fk.AccountKind.company)
    >>> lead = fk.Lead.create("L-1", account=acme, source=touch, at=at).mark_marketing_qualified(at=at)
    >>> report = an.report(lead.history)
    >>> report.value("reached", step="mql"), report.value("conversion_rate", **{"from": "lead", "to": "mql"})
    (1, 1.0)
"""

from collections.abc import Collection, Iterable, Mapping
from datetime import date, datetime

from funnelkit._events import Event
from funnelkit._money import Money
from funnelkit._public import publish as _publish
from funnelkit.analytics._accumulator import Accumulator
from funnelkit.analytics._change import ENTERING, LEAVING, OPEN, ChangeAccumulator, PipelineChange
from funnelkit.analytics._change import STEPS as CHANGE_STEPS
from funnelkit.analytics._charts import cohort_chart, funnel_chart, waterfall_chart
from funnelkit.analytics._options import DIMENSIONS, PERIODS, RECYCLED
from funnelkit.analytics._records import STEPS
from funnelkit.analytics._report import METRICS, Report


def report(
    events: Iterable[Event],
    *,
    as_of: datetime | None = None,
    by: Iterable[str] = (),
    where: Mapping[str, object] | None = None,
    period: str = "month",
    recycled: str = "once",
    costs: Mapping[str, Money] | None = None,
) -> Report:
    """The funnel report of ``events`` in one pass.

    ``as_of`` shows the funnel as it stood then (later events are ignored); ``by`` groups every
    metric by dimensions (``kind``, ``channel``, ``campaign``, ``segment``, ``territory``,
    ``owner``, ``cohort`` or ``fields.<name>``); ``where`` keeps only what has the given values
    of dimensions; ``period`` is a cohort's span (``day``, ``week``, ``month``, ``quarter``);
    ``recycled="new"`` counts each pass of a recycled lead as a net-new lead, ``"once"`` (the
    default) counts the lead once. ``costs`` (campaign name to Money) adds each campaign's cost
    per lead and per opportunity and its value, won revenue less cost.

    Raises:
        InvalidInput: an option is wrong, or an event is not a funnelkit event, has an unknown
            kind or command, or is not its object's next event; nothing is returned.
    """
    accumulator = Accumulator(as_of=as_of, by=by, where=where, period=period, recycled=recycled, costs=costs)
    return accumulator.add_all(events).report()


def pipeline_change(
    events: Iterable[Event],
    *,
    start: datetime,
    end: datetime,
    window: tuple[date, date] | None = None,
    owners: Collection[str | None] | None = None,
    categories: Collection[str] = OPEN,
    basis: str = "amount",
    horizon: int | None = None,
    entering: tuple[str, ...] = ENTERING,
    leaving: tuple[str, ...] = LEAVING,
) -> PipelineChange:
    """The pipeline change (the bridge, or waterfall) from ``start`` to ``end``, per currency.

    A deal is in the pipeline at a time when it is open, its expected close date lies in
    ``window`` (first day, day after the last; ``None`` for any date, an unknown one counting as
    later), its owner is among ``owners`` (``None`` for anyone) and its forecast category among
    ``categories`` (every open one but omitted). ``basis`` values deals by ``"amount"`` or by
    ``"weighted"`` amount (amount x probability; a deal of unknown amount is worth 0). A deal
    that entered or left is explained by the first reason of ``entering`` or ``leaving`` that
    holds; with a ``horizon`` (days), one whose close date moved further than that past the
    window left as ``pushed_beyond_horizon`` rather than ``pushed_out``. A deal opened and
    closed between the dates shows as new and as won or lost. Per currency,
    ``end = start + entered + increased - decreased - left``.

    Raises:
        InvalidInput: an option is wrong, or an event is refused as :func:`report` refuses it.
    """
    accumulator = ChangeAccumulator(
        start=start,
        end=end,
        window=window,
        owners=owners,
        categories=categories,
        basis=basis,
        horizon=horizon,
        entering=entering,
        leaving=leaving,
    )
    return accumulator.add_all(events).report()


__all__ = [
    "CHANGE_STEPS",
    "DIMENSIONS",
    "ENTERING",
    "LEAVING",
    "METRICS",
    "PERIODS",
    "RECYCLED",
    "STEPS",
    "Accumulator",
    "ChangeAccumulator",
    "PipelineChange",
    "Report",
    "cohort_chart",
    "funnel_chart",
    "pipeline_change",
    "report",
    "waterfall_chart",
]

_publish(__all__, globals(), __name__)
