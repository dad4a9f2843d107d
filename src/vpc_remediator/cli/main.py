"""`vpc-remediator`: handle event files, audit a region, run the demo."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from vpc_remediator.cli.console import stdout_console
from vpc_remediator.cli.local import LocalRuntime, default_stack_name, find_project_file, handle_event
from vpc_remediator.cli.render import json_lines, source_line, summary
from vpc_remediator.cli.router import Router
from vpc_remediator.domain.errors import InvalidEventError, RemediatorError
from vpc_remediator.domain.webhook import checked_webhook_url
from vpc_remediator.settings import CLI_WEBHOOK_VARIABLE, cli_slack_webhook


def _add_slack_webhook(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--slack-webhook",
        default=None,
        metavar="URL",
        help=f"also post the reports to this Slack incoming webhook (better: set {CLI_WEBHOOK_VARIABLE}, which shell"
        " history and ps do not show)",
    )


def _slack_webhook(args: argparse.Namespace) -> str | None:
    """The flag's URL, else the environment's; checked before any work, so a wrong URL costs nothing."""
    url: str | None = args.slack_webhook or cli_slack_webhook()
    return None if url is None else checked_webhook_url(url, loopback_allowed=True)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="vpc-remediator", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    handle = commands.add_parser("handle", help="route EventBridge event files through template.yaml's rules")
    handle.add_argument("events", nargs="+", type=Path, metavar="EVENT_FILE")
    handle.add_argument("--dry-run", action="store_true", help="report what would be done, change nothing")
    handle.add_argument("--json", action="store_true", help="one JSON object per report on stdout")
    handle.add_argument("--stack-name", default=None, help="the deployed stack's name (samconfig.toml's)")
    handle.add_argument("--template", type=Path, default=None, help="template.yaml to take the rules from")
    handle.add_argument("--verbose", action="store_true", help="the functions' logs on stderr")
    _add_slack_webhook(handle)

    audit = commands.add_parser("audit", help="sweep the region of your credentials (dry run unless --apply)")
    audit.add_argument("--apply", action="store_true", help="make the changes (default: report them only)")
    audit.add_argument("--json", action="store_true", help="one JSON object per report on stdout")
    _add_slack_webhook(audit)
    audit.add_argument(
        "--stack-name", default=None, help="the deployed stack's name, whose own roles are never touched"
    )
    audit.add_argument(
        "--html", type=Path, default=None, metavar="FILE", help="also write a self-contained HTML report"
    )
    audit.add_argument(
        "--organization",
        action="store_true",
        help="every active account of your organization, through the exec role (management or delegated admin)",
    )
    audit.add_argument(
        "--role", default=None, metavar="NAME", help="the role to assume in each account (--organization)"
    )
    audit.add_argument(
        "--regions", default="", metavar="REGION,...", help="the regions to sweep in each account (--organization)"
    )

    demo = commands.add_parser("demo", help="run the remediator against a simulated AWS account (moto, in-process)")
    demo.add_argument("--html", type=Path, default=None, metavar="FILE", help="also write the demo's HTML report")
    return parser


def _load_event(path: Path) -> dict[str, object]:
    """The event in a file, or InvalidEventError naming the file and its problem in one line."""
    try:
        text = path.read_bytes().decode("utf-8")
    except OSError as exc:
        raise InvalidEventError(f"{path}: cannot read it: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise InvalidEventError(
            f"{path}: not UTF-8 text (at byte {exc.start}): an event file is JSON in UTF-8"
        ) from exc
    try:
        event = json.loads(text)
    except RecursionError as exc:
        raise InvalidEventError(f"{path}: nested too deeply to be an EventBridge event") from exc
    except ValueError as exc:  # json.JSONDecodeError, and numbers too long to convert
        raise InvalidEventError(f"{path}: not JSON: {exc}") from exc
    if not isinstance(event, dict):
        raise InvalidEventError(f"{path}: not an EventBridge event: a JSON object is expected")
    return event


def run_handle(args: argparse.Namespace) -> int:
    """Handle each file in turn; a file that is not a valid event stops the run with its name."""
    webhook = _slack_webhook(args)
    stack_name = args.stack_name or default_stack_name()
    LocalRuntime(stack_name=stack_name, dry_run=args.dry_run, verbose=args.verbose).configure()
    router = Router.from_template(args.template or find_project_file("template.yaml"), stack_name)
    handled: list[dict[str, object]] = []
    console = stdout_console()
    for path in args.events:
        event = _load_event(path)
        try:
            reports = handle_event(router, event)
        except InvalidEventError as exc:
            raise InvalidEventError(f"{path}: {exc}") from exc
        except RemediatorError as exc:
            # In Lambda this failure is retried and then kept in the failed-events queue; here, say so and stop.
            raise RemediatorError(f"{path}: not handled: {exc}") from exc
        handled.extend(reports)
        if args.json:
            # Not through rich: --json stays the same bytes whatever the stream is.
            print(json_lines(reports), flush=True)
        else:
            console.print(source_line(f"{path}:"))
            for report in reports:
                console.print(summary(report))
    return _post_to_slack(handled, webhook) if webhook else 0


def _post_to_slack(reports: list[dict[str, object]], url: str) -> int:
    from vpc_remediator.cli.slack import post_reports  # noqa: PLC0415  (slack_sdk only when asked for)

    messages, result = post_reports(reports, url)
    print(f"Slack: posted {len(result.sent)} of {len(messages)} messages for {len(reports)} reports", file=sys.stderr)
    for _, why in result.failed:
        print(f"vpc-remediator: error: Slack: {why}", file=sys.stderr)
    return 1 if result.failed else 0


def _audit(args: argparse.Namespace) -> list[dict[str, object]]:
    """The region of your credentials, or with --organization every account of the organization."""
    if args.organization:
        from vpc_remediator.cli.organization_audit import run_organization_audit  # noqa: PLC0415

        regions = [item.strip() for item in args.regions.split(",") if item.strip()]
        return run_organization_audit(args.apply, args.json, args.stack_name, args.role, regions)
    if args.role or args.regions:
        raise InvalidEventError("--role and --regions go with --organization")
    from vpc_remediator.cli.audit import run_audit  # noqa: PLC0415

    return run_audit(apply=args.apply, as_json=args.json, stack_name=args.stack_name)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `vpc-remediator` command."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "handle":
            return run_handle(args)
        if getattr(args, "html", None):
            from vpc_remediator.cli.html.write import check_html_path  # noqa: PLC0415

            # Before the sweep: a path the report cannot go to is said now, not after the work (or the changes).
            check_html_path(args.html)
        if args.command == "audit":
            webhook = _slack_webhook(args)
            reports = _audit(args)
            if args.html:
                from vpc_remediator.cli.html.write import save_report  # noqa: PLC0415

                save_report(reports, args.html, dry_run=not args.apply)
            return _post_to_slack(reports, webhook) if webhook else 0
        from vpc_remediator.cli.demo import run_demo  # noqa: PLC0415  (moto is slow to import)

        return run_demo(html=args.html)
    except InvalidEventError as exc:
        print(f"vpc-remediator: error: {exc}", file=sys.stderr)
        return 2
    except RemediatorError as exc:
        print(f"vpc-remediator: error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
