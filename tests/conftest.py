import os
from collections.abc import Callable
from datetime import datetime, timezone

import pytest
from hypothesis import HealthCheck, settings

import funnelkit as fk

# Lifecycle walks replay and reload objects at every step: deadlines would only measure the machine.
settings.register_profile(
    "default",
    deadline=None,
    max_examples=60,
    stateful_step_count=25,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("thorough", parent=settings.get_profile("default"), max_examples=500)
settings.load_profile(os.environ.get("FUNNELKIT_HYPOTHESIS_PROFILE", "default"))


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
