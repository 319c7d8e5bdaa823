"""The public API is exactly what ``__all__`` says, and every error has its place in the tree."""

import inspect
from datetime import datetime

import funnelkit as fk
import funnelkit.qualification as q
import funnelkit.scoring as sc
import funnelkit.testing


def public_names(module: object) -> list[str]:
    # submodules appear as attributes once imported; they are not part of __all__
    names = vars(module).items()
    return sorted(name for name, value in names if not name.startswith("_") and not inspect.ismodule(value))


def test_all_is_complete() -> None:
    # ruff's RUF022 keeps the order; this keeps the contents honest
    for module in (fk, funnelkit.testing, q):
        exported = module.__all__
        assert len(set(exported)) == len(exported)
        assert set(public_names(module)) == set(exported)


def test_errors_refine_builtins() -> None:
    for error in (
        fk.DefinitionError,
        fk.InvalidInput,
        fk.TransitionNotAllowed,
        fk.CurrencyMismatch,
    ):
        assert issubclass(error, fk.FunnelError)
        assert issubclass(error, ValueError)
    assert not issubclass(fk.DefinitionError, fk.InvalidInput)
    for lookup in (fk.UnknownCommand, fk.UnknownName, fk.NoTerritory, sc.InsufficientData):
        assert issubclass(lookup, fk.FunnelError)
        assert issubclass(lookup, LookupError)
    assert issubclass(fk.CriterionFailed, RuntimeError)


def test_public_names_report_their_public_module() -> None:
    for module in (fk, funnelkit.testing, q):
        for name in module.__all__:
            value = getattr(module, name)
            if inspect.isclass(value) or inspect.isfunction(value):
                assert value.__module__ == module.__name__, name
    assert repr(fk.TransitionNotAllowed) == "<class 'funnelkit.TransitionNotAllowed'>"


def test_annotations_resolve_where_they_were_written() -> None:
    from funnelkit._public import DEFINED_IN, type_hints

    assert type_hints(fk.Lead)["last_at"] is datetime
    assert DEFINED_IN[fk.Lead] == "funnelkit._lead"
    assert isinstance(q.fact("need", "Is there a need?"), q.Criterion)
    stray = type("Stray", (), {"__module__": "nowhere", "__annotations__": {"x": "int"}})
    assert type_hints(stray) == {"x": int}
