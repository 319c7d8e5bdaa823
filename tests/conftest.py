import os
from collections.abc import Callable
from datetime import datetime, timezone

import pytest
from hypothesis import HealthCheck, settings

import funnelkit as fk

# Three profiles, chosen by FUNNELKIT_HYPOTHESIS_PROFILE: `dev` for `make test` on a laptop, `ci`
# (the default where the CI variable is set) with the same budget but no local example database and
# a reproduction blob for each failure, and `thorough` for long runs. The budget keeps `make test`
# under two minutes on two cores; drawing objects walks their lifecycles, so a deadline would
# measure the strategies rather than funnelkit.
settings.register_profile(
    "dev",
    deadline=None,
    max_examples=40,
    stateful_step_count=25,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("ci", parent=settings.get_profile("dev"), database=None, print_blob=True)
settings.register_profile(
    "thorough", parent=settings.get_profile("dev"), max_examples=1000, stateful_step_count=50
)
settings.load_profile(
    os.environ.get("FUNNELKIT_HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev")
)


Day = Callable[[int], datetime]


@pytest.fixture
def day() -> Day:
    return lambda n: datetime(2026, 1, n, tzinfo=timezone.utc)


@pytest.fixture
def acme() -> fk.Account:
    return fk.Account("acme", "Acme Ltd", fk.AccountKind.company, segment="smb", territory="EMEA")


@pytest.fixture
def ada() -> fk.Contact:
    return fk.Contact("Ada Byron", "ada@acme.example", fk.ContactRole.decision_maker)


@pytest.fixture
def lead(day: Day, acme: fk.Account, ada: fk.Contact) -> fk.Lead:
    touch = fk.Touch(fk.Channel.search, "brand", fk.TouchKind.form_submission, day(1))
    return fk.Lead.create("L-1", account=acme, contact=ada, source=touch, at=day(1))


@pytest.fixture
def opportunity(day: Day, acme: fk.Account) -> fk.Opportunity:
    return fk.Opportunity.create("O-1", account=acme, at=day(1), amount=fk.Money("1000.00", "EUR"))
