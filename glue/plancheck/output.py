"""Reports as text (a table for people), JSON (the stable contract), SARIF 2.1.0 and JUnit XML."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ElementTree
from functools import cache
from pathlib import Path
from typing import Any

import orjson
from rich.console import Console
from rich.table import Table

from glue.plancheck.model import Finding, Report
from glue.plancheck.plan_index import parse_address
from glue.plancheck.rules import all_rules

FORMATS = ("text", "json", "sarif", "junit")
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_LEVEL = {"fail": "error", "unknown": "warning", "pass": "none"}
TOOL = "glue.plancheck"


def render(report: Report, fmt: str, plan: dict[str, Any] | None = None, base: Path | None = None) -> str:
    if fmt == "json":
        return as_json(report)
    if fmt == "sarif":
        return as_sarif(report, plan or {}, base or Path.cwd())
    if fmt == "junit":
        return as_junit(report)
    return as_text(report)


def as_json(report: Report) -> str:
    document = {"findings": [finding.as_json() for finding in report.sorted()], "summary": report.summary()}
    return orjson.dumps(document, option=orjson.OPT_INDENT_2).decode() + "\n"


def as_text(report: Report, width: int = 140) -> str:
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, force_terminal=False, color_system=None)
    shown = [finding for finding in report.sorted() if finding.status != "pass" or finding.suppressed_by]
    if shown:
        table = Table(show_lines=False, pad_edge=False)
        for column in ("status", "rule", "address", "message"):
            table.add_column(column, overflow="fold")
        for finding in shown:
            status = "suppressed" if finding.suppressed_by else finding.status
            table.add_row(status, finding.rule, finding.address, finding.message)
        console.print(table)
    summary = report.summary()
    console.print(
        f"{summary['fail']} failing, {summary['unknown']} unknown until apply, {summary['pass']} passing, "
        f"{summary['suppressed']} suppressed; {len(summary['rules'])} rules over {summary['resources']} resources"
    )
    return buffer.getvalue()


# ------------------------------------------------------------------ SARIF


def as_sarif(report: Report, plan: dict[str, Any], base: Path) -> str:
    rules = all_rules()
    ids = sorted({finding.rule for finding in report.findings} | set(rules))
    descriptors = []
    for rule_id in ids:
        known = rules.get(rule_id)
        title = known.title if known else _META_RULES.get(rule_id, rule_id)
        descriptors.append(
            {
                "id": rule_id,
                "name": re.sub(r"[^A-Za-z0-9]", "", title.title()) or rule_id,
                "shortDescription": {"text": title},
                "fullDescription": {"text": known.description if known else title},
            }
        )
    locator = SourceLocator(plan, base)
    results = []
    for finding in report.sorted():
        if finding.status == "pass":
            continue
        result: dict[str, Any] = {
            "ruleId": finding.rule,
            "ruleIndex": ids.index(finding.rule),
            "level": SARIF_LEVEL[finding.status],
            "message": {"text": f"{finding.address}: {finding.message}"},
            "locations": [locator.location(finding)],
            "partialFingerprints": {"address/rule": f"{finding.address}/{finding.rule}"},
        }
        if finding.suppressed_by:
            result["suppressions"] = [{"kind": "external", "justification": finding.suppressed_by}]
        results.append(result)
    document = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": TOOL, "rules": descriptors}},
                "results": results,
            }
        ],
    }
    return orjson.dumps(document, option=orjson.OPT_INDENT_2).decode() + "\n"


_META_RULES = {"SUP001": "Expired suppression", "SUP002": "Unused suppression"}


class SourceLocator:
    """The .tf file and line of a finding's resource, where the plan's module sources lead to local files."""

    def __init__(self, plan: dict[str, Any], base: Path) -> None:
        self.root = (plan.get("configuration") or {}).get("root_module") or {}
        self.base = base

    def location(self, finding: Finding) -> dict[str, Any]:
        logical = {"fullyQualifiedName": finding.address, "kind": "resource"}
        found = self._find(finding.address)
        if not found:
            return {"logicalLocations": [logical]}
        path, line = found
        try:
            uri = path.resolve().relative_to(Path.cwd().resolve()).as_posix()
        except ValueError:
            uri = path.resolve().as_uri()
        return {
            "physicalLocation": {"artifactLocation": {"uri": uri}, "region": {"startLine": line}},
            "logicalLocations": [logical],
        }

    def _find(self, address: str) -> tuple[Path, int] | None:
        try:
            segments, mode, type_, name, _ = parse_address(address)
        except ValueError:
            return None
        directory, module = self.base, self.root
        for call, _ in segments:
            source = str(((module.get("module_calls") or {}).get(call) or {}).get("source", ""))
            if not source.startswith(("./", "../", "/")):
                return None
            directory = (directory / source) if not source.startswith("/") else Path(source)
            module = ((module.get("module_calls") or {}).get(call) or {}).get("module") or {}
        return _declaration(directory.resolve(), "data" if mode == "data" else "resource", type_, name)


@cache
def _declaration(directory: Path, kind: str, type_: str, name: str) -> tuple[Path, int] | None:
    pattern = re.compile(rf'^\s*{kind}\s+"{re.escape(type_)}"\s+"{re.escape(name)}"')
    for path in sorted(directory.glob("*.tf")):
        for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), start=1):
            if pattern.match(line):
                return path, number
    return None


# ------------------------------------------------------------------ JUnit


def as_junit(report: Report) -> str:
    suites = ElementTree.Element("testsuites", name=TOOL)
    by_rule: dict[str, list[Finding]] = {}
    for finding in report.sorted():
        by_rule.setdefault(finding.rule, []).append(finding)
    for rule_id, findings in sorted(by_rule.items()):
        failures = sum(1 for finding in findings if finding.failing)
        skipped = sum(1 for finding in findings if finding.status == "unknown" and not finding.suppressed_by)
        suite = ElementTree.SubElement(
            suites, "testsuite", name=rule_id, tests=str(len(findings)), failures=str(failures), skipped=str(skipped)
        )
        for finding in findings:
            case = ElementTree.SubElement(suite, "testcase", classname=rule_id, name=finding.address)
            if finding.suppressed_by:
                ElementTree.SubElement(
                    case, "system-out"
                ).text = f"suppressed: {finding.suppressed_by}: {finding.message}"
            elif finding.status == "fail":
                ElementTree.SubElement(case, "failure", message=finding.message, type=rule_id).text = finding.message
            elif finding.status == "unknown":
                ElementTree.SubElement(case, "skipped", message=f"unknown until apply: {finding.message}")
    suites.set("tests", str(len(report.findings)))
    suites.set("failures", str(sum(1 for finding in report.findings if finding.failing)))
    ElementTree.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(suites, encoding="unicode") + "\n"
