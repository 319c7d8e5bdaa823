"""The public API is exactly what ``__all__`` says, and every error has its place in the tree."""

import inspect

import funnelkit as fk
import funnelkit.qualification as q
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
