"""python -m glue.plancheck PLAN_JSON [--required-tag KEY]... [--require-vpce] [--policy FILE]
[--format text|json|sarif|junit] [--output FILE] [--changed-only]

Exit 0: no failing finding. Exit 1: at least one failing finding. Exit 2: unreadable input or bad
usage, with a one-line error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import orjson

from glue.plancheck.check import run_checks
from glue.plancheck.output import FORMATS, render
from glue.plancheck.policy import CheckPolicy, PolicyError, load_policy


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        print(f"plancheck: {message} (see --help)", file=sys.stderr)
        raise SystemExit(2)


def parser() -> argparse.ArgumentParser:
    parsed = _Parser(prog="python -m glue.plancheck", description="Compliance checks of a Terraform plan (JSON).")
    parsed.add_argument("plan_json", type=Path, help="`terraform show -json PLANFILE` output")
    parsed.add_argument(
        "--required-tag", action="append", default=[], metavar="KEY", help="a tag every taggable resource needs"
    )
    parsed.add_argument(
        "--require-vpce", action="store_true", help="buckets must deny requests not through a VPC endpoint"
    )
    parsed.add_argument("--policy", type=Path, help="YAML policy: required tags and values, endpoints, suppressions")
    parsed.add_argument("--format", choices=FORMATS, default="text")
    parsed.add_argument("--output", type=Path, help="write the report here instead of standard output")
    parsed.add_argument("--changed-only", action="store_true", help="check only resources the plan creates or updates")
    return parsed


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        plan = orjson.loads(args.plan_json.read_bytes())
    except OSError as error:
        return _usage(f"cannot read {args.plan_json}: {error.strerror}")
    except orjson.JSONDecodeError as error:
        return _usage(f"{args.plan_json} is not JSON: {error}")
    if not isinstance(plan, dict) or "format_version" not in plan:
        return _usage(f"{args.plan_json} is not a Terraform plan in JSON (make it with: terraform show -json PLANFILE)")
    try:
        policy = load_policy(args.policy) if args.policy else CheckPolicy()
    except PolicyError as error:
        return _usage(str(error))
    for key in args.required_tag:
        policy.required_tags.setdefault(key, [])
    try:
        report = run_checks(
            plan, policy, changed_only=args.changed_only, require_vpce=args.require_vpce, source=str(args.plan_json)
        )
    except ValueError as error:  # the plan's structure is not that of `terraform show -json`
        return _usage(f"{args.plan_json}: {error}")
    text = render(report, args.format, plan, args.plan_json.resolve().parent)
    if args.output:
        try:
            args.output.write_text(text, encoding="utf-8")
        except OSError as error:
            return _usage(f"cannot write {args.output}: {error.strerror}")
        print(render(report, "text").splitlines()[-1], file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 1 if report.failed else 0


def _usage(message: str) -> int:
    print(f"plancheck: {message}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
