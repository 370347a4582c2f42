"""A saved plan as the body of a pull-request comment (markdown) or as plain text.

Pure functions: `build` turns `terraform show -json` output (and optionally plancheck.json) into a
`PlanComment`; `render_markdown` and `render_text` turn that into text. Actions are named by
glue.plan_summary, so the comment says what `make plan` says.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from glue.errors import UserError
from glue.plan_summary import SYMBOLS, PlanSummary, summarize

GITHUB_COMMENT_LIMIT = 65_536
MARKER_PREFIX = "<!-- sagemaker-templates-plan:"
COUNTED_ACTIONS = ("create", "update", "replace", "delete")
NOT_CHANGES = frozenset({"no-op", "read"})
ROOT_MODULE = "(root)"
TRUNCATION_NOTE = "{count} more {what} not shown; the full plan is in the workflow artifact."


@dataclass(frozen=True)
class Change:
    address: str
    action: str
    module: str
    resource_type: str


@dataclass(frozen=True)
class FindingRow:
    rule: str
    address: str
    message: str


@dataclass(frozen=True)
class Compliance:
    """What plancheck.json says, with suppressed failures kept apart from the failing ones."""

    failing: tuple[FindingRow, ...]
    unknown: int
    suppressed: int
    passed: int


@dataclass(frozen=True)
class PlanComment:
    title: str
    summary: PlanSummary
    changes: tuple[Change, ...]  # changing resources only, sorted by address
    compliance: Compliance | None = None

    @property
    def destructive(self) -> tuple[Change, ...]:
        """Destroys first, then replaces; each sorted by address."""
        order = {"delete": 0, "replace": 1}
        picked = [change for change in self.changes if change.action in order]
        return tuple(sorted(picked, key=lambda change: (order[change.action], change.address)))

    @property
    def actions(self) -> tuple[str, ...]:
        """The table columns: the four Terraform counts, then any other action in the plan (sorted)."""
        others = sorted({change.action for change in self.changes} - set(COUNTED_ACTIONS))
        return (*COUNTED_ACTIONS, *others)

    def counts_by(self, key: Callable[[Change], str]) -> list[tuple[str, Counter[str]]]:
        grouped: dict[str, Counter[str]] = {}
        for change in self.changes:
            grouped.setdefault(key(change), Counter())[change.action] += 1
        return sorted(grouped.items())


# --- input -------------------------------------------------------------------------------------


def read_json(path: Path, what: str) -> Any:
    try:
        return orjson.loads(path.read_bytes())
    except OSError as error:
        raise UserError(f"cannot read {what} {path}: {error.strerror or error}") from error
    except orjson.JSONDecodeError as error:
        raise UserError(f"{path} is not JSON ({error}); expected {what}") from error


def check_plan(plan: Any, source: str) -> dict[str, Any]:
    """A `terraform show -json` of a saved plan, or a UserError naming what is wrong."""
    hint = f"{source} is not a plan: expected the output of `terraform show -json PLANFILE`"
    if not isinstance(plan, dict) or "format_version" not in plan or "planned_values" not in plan:
        raise UserError(hint)
    changes = plan.get("resource_changes") or []
    if not isinstance(changes, list):
        raise UserError(f"{hint} (resource_changes is not a list)")
    for item in changes:
        if (
            not isinstance(item, dict)
            or not isinstance(item.get("address"), str)
            or not isinstance(item.get("change"), dict)
            or not isinstance(item["change"].get("actions"), list)
        ):
            raise UserError(f"{hint} (a resource change without address or actions)")
    return plan


def parse_findings(document: Any, source: str) -> Compliance:
    """plancheck.json: {"findings": [{rule, address, status, message}], "summary": {...}}."""
    if not isinstance(document, dict) or not isinstance(document.get("findings"), list):
        raise UserError(f"{source} is not plancheck output: expected a JSON object with a findings list")
    found = document.get("summary")
    summary: dict[str, Any] = found if isinstance(found, dict) else {}
    suppressed_list = summary.get("suppressed_findings") or []
    suppressed = {
        (str(item.get("rule", "")), str(item.get("address", ""))) for item in suppressed_list if isinstance(item, dict)
    }
    failing, unknown, passed = [], 0, 0
    for item in document["findings"]:
        if not isinstance(item, dict) or not {"rule", "address", "status"} <= item.keys():
            raise UserError(f"{source}: a finding without rule, address or status")
        rule, address, status = str(item["rule"]), str(item["address"]), item["status"]
        if (rule, address) in suppressed:
            continue
        if status == "fail":
            failing.append(FindingRow(rule=rule, address=address, message=str(item.get("message", ""))))
        elif status == "unknown":
            unknown += 1
        elif status == "pass":
            passed += 1
    count = summary.get("suppressed")
    return Compliance(
        failing=tuple(sorted(failing, key=lambda row: (row.rule, row.address, row.message))),
        unknown=unknown,
        suppressed=count if isinstance(count, int) else len(suppressed),
        passed=passed,
    )


def build(plan: dict[str, Any], title: str, compliance: Compliance | None = None) -> PlanComment:
    summary = summarize(plan)
    where: dict[str, tuple[str, str]] = {}
    for item in plan.get("resource_changes") or []:
        address = item["address"]
        module = item.get("module_address") or ROOT_MODULE
        resource_type = item.get("type") or _type_of(address)
        where[address] = (str(module), str(resource_type))
    changes = tuple(
        Change(change.address, change.action, *where.get(change.address, (ROOT_MODULE, _type_of(change.address))))
        for change in summary.changes
        if change.action not in NOT_CHANGES
    )
    return PlanComment(title=title, summary=summary, changes=changes, compliance=compliance)


def _type_of(address: str) -> str:
    """The resource type of an address without the plan's `type` field (module path and data. dropped)."""
    parts = re.sub(r"\[[^\]]*\]", "", address).split(".")
    while len(parts) > 2 and parts[0] == "module":
        parts = parts[2:]
    if parts and parts[0] == "data" and len(parts) > 1:
        return f"data.{parts[1]}"
    return parts[0] if parts else address


# --- markdown ----------------------------------------------------------------------------------


def marker(title: str) -> str:
    """The hidden first line a workflow searches for to update its own comment."""
    return f"{MARKER_PREFIX} {re.sub('-{2,}', '-', _one_line(title))} -->"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _text(text: str) -> str:
    """Free text in markdown: one line, no HTML, no table breaks."""
    escaped = _one_line(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return escaped.replace("|", "\\|")


def _code(text: str, table: bool = True) -> str:
    """An inline code span that survives backticks and (in tables) pipes."""
    text = _one_line(text)
    if table:
        text = text.replace("|", "\\|")
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _table(first: str, rows: list[tuple[str, Counter[str]]], actions: tuple[str, ...]) -> list[str]:
    lines = [f"| {first} | " + " | ".join(actions) + " |", "|---|" + "---:|" * len(actions)]
    for name, counts in rows:
        lines.append(f"| {_code(name)} | " + " | ".join(str(counts[action]) for action in actions) + " |")
    return lines


def _note(count: int, what: str) -> str:
    return TRUNCATION_NOTE.format(count=f"{count:,}", what=what)


@dataclass(frozen=True)
class _Shown:
    """How much of each truncatable part is shown; None means all of it."""

    changes: int | None = None
    tables: int | None = None
    failing: int | None = None
    destructive: int | None = None


def _markdown(comment: PlanComment, shown: _Shown) -> str:
    summary = comment.summary
    lines = [marker(comment.title), f"### Terraform plan: {_text(comment.title)}", "", f"**{summary.headline()}**"]

    destructive = comment.destructive
    if destructive:
        deletes = sum(1 for change in destructive if change.action == "delete")
        replaces = len(destructive) - deletes
        visible = destructive[: shown.destructive] if shown.destructive is not None else destructive
        lines += [
            "",
            f"> [!WARNING]\n> This plan **destroys {deletes}** and **replaces {replaces}** "
            f"resource{'s' if len(destructive) != 1 else ''}; "
            "replaced resources are deleted and created again (their data and identifiers may be lost).",
            "",
        ]
        lines += [f"- **{change.action}** {_code(change.address, table=False)}" for change in visible]
        if len(visible) < len(destructive):
            lines.append(f"- … {_note(len(destructive) - len(visible), 'destroys or replaces')}")

    if comment.changes:
        by_module = comment.counts_by(lambda change: change.module)
        by_type = comment.counts_by(lambda change: change.resource_type)
        for heading, first, rows in (("Per module", "Module", by_module), ("Per resource type", "Type", by_type)):
            visible_rows = rows[: shown.tables] if shown.tables is not None else rows
            lines += ["", f"#### {heading}", "", *_table(first, visible_rows, comment.actions)]
            if len(visible_rows) < len(rows):
                lines += ["", f"_{_note(len(rows) - len(visible_rows), 'rows')}_"]

    if comment.compliance is not None:
        lines += ["", *_compliance_markdown(comment.compliance, shown.failing)]

    if comment.changes:
        entries = summary.lines()
        visible_entries = entries[: shown.changes] if shown.changes is not None else entries
        lines += [
            "",
            f"<details><summary>All {len(entries):,} changes</summary>",
            "",
            "```text",
            *visible_entries,
            "```",
            "",
            "</details>",
        ]
        if len(visible_entries) < len(entries):
            lines += ["", f"**{_note(len(entries) - len(visible_entries), 'changes')}**"]
    return "\n".join(lines) + "\n"


def _compliance_markdown(compliance: Compliance, shown_failing: int | None) -> list[str]:
    failing = compliance.failing
    if failing:
        headline = f"❌ **{len(failing)} failing finding{'s' if len(failing) != 1 else ''}**"
    else:
        headline = "✅ **No failing findings**"
    lines = [
        "#### Compliance (plancheck)",
        "",
        f"{headline}; {compliance.unknown} unknown, {compliance.suppressed} suppressed, {compliance.passed} passed.",
    ]
    if failing:
        visible = failing[:shown_failing] if shown_failing is not None else failing
        lines += ["", "| Rule | Address | Message |", "|---|---|---|"]
        lines += [f"| {_code(row.rule)} | {_code(row.address)} | {_text(row.message)} |" for row in visible]
        if len(visible) < len(failing):
            lines += ["", f"_{_note(len(failing) - len(visible), 'failing findings')}_"]
    return lines


def render_markdown(comment: PlanComment, limit: int = GITHUB_COMMENT_LIMIT) -> str:
    """The comment body, at most `limit` characters.

    What gives way first is the collapsed list of every change, then the per-module and per-type
    tables, then the rows of failing findings (their headline stays), and only then, for a plan
    too large for anything else, the list of destroys and replaces (its warning and counts stay).
    """
    shown = _Shown()
    body = _markdown(comment, shown)
    if len(body) <= limit:
        return body
    sizes = {
        "changes": len(comment.summary.lines()),
        "tables": max(
            len(comment.counts_by(lambda change: change.module)),
            len(comment.counts_by(lambda change: change.resource_type)),
        ),
        "failing": len(comment.compliance.failing) if comment.compliance else 0,
        "destructive": len(comment.destructive),
    }
    for part, size in sizes.items():
        shown = _largest_fitting(comment, shown, part, size, limit)
        body = _markdown(comment, shown)
        if len(body) <= limit:
            return body
    raise ValueError(f"a plan comment cannot fit in {limit} characters even with every list left out")


def _largest_fitting(comment: PlanComment, shown: _Shown, part: str, size: int, limit: int) -> _Shown:
    """Binary search for the most entries of `part` that still fit (the length grows with the count)."""

    def with_count(count: int) -> _Shown:
        return dataclasses.replace(shown, **{part: count})

    low, high = 0, size
    while low < high:
        middle = (low + high + 1) // 2
        if len(_markdown(comment, with_count(middle))) <= limit:
            low = middle
        else:
            high = middle - 1
    return with_count(low)


# --- text --------------------------------------------------------------------------------------


def render_text(comment: PlanComment) -> str:
    """The same content for a terminal or a log: nothing hidden, nothing truncated."""
    lines = [f"Terraform plan: {_one_line(comment.title)}", comment.summary.headline()]
    destructive = comment.destructive
    if destructive:
        lines += ["", f"WARNING: {len(destructive)} resources are destroyed or replaced:"]
        lines += [f"  {SYMBOLS[change.action]:>3} {change.address} ({change.action})" for change in destructive]
    if comment.changes:
        for heading, rows in (
            ("Per module", comment.counts_by(lambda change: change.module)),
            ("Per resource type", comment.counts_by(lambda change: change.resource_type)),
        ):
            lines += ["", heading + ":", *_text_table(rows, comment.actions)]
    if comment.compliance is not None:
        compliance = comment.compliance
        lines += [
            "",
            f"Compliance: {len(compliance.failing)} failing, {compliance.unknown} unknown, "
            f"{compliance.suppressed} suppressed, {compliance.passed} passed",
        ]
        lines += [f"  FAIL {row.rule} {row.address}: {_one_line(row.message)}" for row in compliance.failing]
    if comment.changes:
        lines += ["", "Changes:", *comment.summary.lines()]
    return "\n".join(lines) + "\n"


def _text_table(rows: Iterable[tuple[str, Counter[str]]], actions: tuple[str, ...]) -> list[str]:
    table = [(name, [str(counts[action]) for action in actions]) for name, counts in rows]
    width = max([len(name) for name, _ in table] + [4])
    widths = [max(len(action), *(len(cells[index]) for _, cells in table)) for index, action in enumerate(actions)]
    header = "  " + " " * width + "  " + "  ".join(action.rjust(w) for action, w in zip(actions, widths, strict=True))
    return [header] + [
        f"  {name.ljust(width)}  " + "  ".join(cell.rjust(w) for cell, w in zip(cells, widths, strict=True))
        for name, cells in table
    ]


# --- the command -------------------------------------------------------------------------------


FORMATS = ("markdown", "text")


def default_title(plan_path: Path) -> str:
    """cdktf.out/stacks/<stack>/plan.json is titled <stack>; any other file by its name."""
    resolved = plan_path.resolve()
    return resolved.parent.name if resolved.name == "plan.json" and resolved.parent.name else resolved.stem


def comment_for(
    plan_path: Path,
    fmt: str = "markdown",
    findings_path: Path | None = None,
    title: str | None = None,
    limit: int = GITHUB_COMMENT_LIMIT,
) -> str:
    if fmt not in FORMATS:
        raise UserError(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    plan = check_plan(read_json(plan_path, "a plan (terraform show -json)"), str(plan_path))
    compliance = None
    if findings_path is not None:
        compliance = parse_findings(read_json(findings_path, "plancheck findings"), str(findings_path))
    comment = build(plan, title or default_title(plan_path), compliance)
    return render_markdown(comment, limit) if fmt == "markdown" else render_text(comment)
