"""Where `audit --html FILE` writes, when FILE is not a plain new file: a link, someone else's file, a private one,
a folder, and what a malformed report gives."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import Any

import pytest

from tests.support.page_reader import read_page
from vpc_remediator.cli.html.write import write_html_report
from vpc_remediator.cli.main import main
from vpc_remediator.domain.errors import ConfigurationError

SUMMARY = {
    "resource": "arn:aws:lambda:us-east-1:123456789012:function:sweep",
    "kind": "sweep",
    "outcome": "compliant",
    "reason": "swept 0 workloads",
    "account": "123456789012",
    "region": "us-east-1",
}


def test_a_link_planted_at_the_path_is_refused_and_what_it_points_to_is_untouched(ec2: Any, tmp_path: Path) -> None:
    # In a shared folder someone links audit.html to a file of the user's: following it would replace that file.
    victim = tmp_path / "home" / ".bashrc"
    victim.parent.mkdir()
    victim.write_text("export PATH=...\n")
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "audit.html").symlink_to(victim)

    with pytest.raises(ConfigurationError, match="symbolic link"):
        write_html_report([SUMMARY], shared / "audit.html", dry_run=True)

    assert victim.read_text() == "export PATH=...\n"
    assert (shared / "audit.html").is_symlink()
    assert sorted(path.name for path in victim.parent.iterdir()) == [".bashrc"]


def test_a_report_the_user_made_private_stays_private_when_written_again(ec2: Any, tmp_path: Path) -> None:
    page = tmp_path / "audit.html"
    page.write_text("last week's report")
    page.chmod(0o600)

    write_html_report([SUMMARY], page, dry_run=True)

    assert stat.S_IMODE(page.stat().st_mode) == 0o600
    assert read_page(page).policy  # the new report


def test_a_file_of_another_user_is_not_replaced(ec2: Any, tmp_path: Path) -> None:
    page = tmp_path / "audit.html"
    page.write_text("a colleague's report")
    other = os.getuid() + 1
    try:
        os.chown(page, other, -1)
    except PermissionError:
        pytest.skip("only root can give a file to another user")

    with pytest.raises(ConfigurationError, match="belongs to another user"):
        write_html_report([SUMMARY], page, dry_run=True)

    assert page.read_text() == "a colleague's report" and page.stat().st_uid == other


def test_a_folder_at_the_path_is_refused_as_such(ec2: Any, tmp_path: Path) -> None:
    (tmp_path / "audit.html").mkdir()
    with pytest.raises(ConfigurationError, match="not a regular file"):
        write_html_report([SUMMARY], tmp_path / "audit.html", dry_run=True)
    assert [path.name for path in tmp_path.iterdir()] == ["audit.html"]


def test_a_malformed_report_is_a_note_and_the_others_are_still_written(ec2: Any, tmp_path: Path) -> None:
    broken = [{"resource": "arn:aws:ecs:us-east-1:123456789012:service/shop/x", "reason": "r", "outcome": "exploded"}]
    page = tmp_path / "audit.html"

    write_html_report([SUMMARY, *broken, ["not", "a", "report"]], page, dry_run=True)

    text = page.read_text(encoding="utf-8")
    assert "swept 0 workloads" in text
    notes = text.split('<ul class="notes">', 1)[1].split("</ul>", 1)[0]
    assert "2 reports could not be read and are not shown" in notes
    assert "arn:aws:ecs:us-east-1:123456789012:service/shop/x" in notes


def test_a_full_disk_leaves_the_last_report_whole_and_no_temporary(
    ec2: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = tmp_path / "audit.html"
    page.write_text("last week's report")

    def disk_full(_: int) -> None:
        # Where a full disk shows up at the latest: the data reaching the disk, before the rename.
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(ConfigurationError, match="cannot write the report: No space left on device"):
        write_html_report([SUMMARY], page, dry_run=True)
    assert page.read_text() == "last week's report"
    assert [path.name for path in tmp_path.iterdir()] == ["audit.html"]


def test_audit_refuses_a_bad_html_path_before_it_sweeps(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # No region: had the sweep started, it would have stopped on that instead.
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    link = tmp_path / "audit.html"
    link.symlink_to(tmp_path / "elsewhere.html")

    assert main(["audit", "--html", str(link)]) == 1

    assert capsys.readouterr().err == (
        f"vpc-remediator: error: --html {link}: a symbolic link: give the file itself, a link is never followed\n"
    )
