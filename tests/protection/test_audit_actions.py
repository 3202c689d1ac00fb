"""Every audit action has its own number: two features that pick the same one would make their
entries indistinguishable (Python's enum turns the second name into an alias of the first)."""

from aigaq.audit.models import Action


def test_every_audit_action_has_a_number_of_its_own() -> None:
    names = list(Action.__members__)
    assert len(set(Action.values)) == len(names), sorted(
        name for name in names if Action[name].name != name)
