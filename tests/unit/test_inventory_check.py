"""The inventory comparison used by module plan tests."""

from tests.modules.inventory import subset_differences


def test_subset_of_mapping_matches() -> None:
    assert subset_differences({"a": 1}, {"a": 1, "b": 2}) == []


def test_missing_key_and_wrong_value_are_reported() -> None:
    assert subset_differences({"a": 1, "c": 3}, {"a": 2}) == ["a: expected 1, got 2", "value.c: missing"]


def test_lists_compare_in_order_unless_unordered() -> None:
    assert subset_differences(["x", "y"], ["y", "x"]) != []
    assert subset_differences(["x", "y"], ["y", "x"], unordered=True) == []
    assert subset_differences(["x", "y"], ["x", "z"], unordered=True) != []
    assert subset_differences([{"a": 1}], [{"a": 1}, {"a": 2}]) != []
