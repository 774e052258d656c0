"""`flask --app backend2 legacy import|verify`: the Express servers' data into Backend2.

The import writes into the database of MONGODB_URI (or the embedded one, which lasts only as
long as the command); the sources are only read. See docs/cutover.md for the runbook and the
report's format.
"""
import json
import sys
import time
from pathlib import Path

import click
from flask.cli import AppGroup
from pymongo.errors import ConnectionFailure

from backend2.services.legacy import ImportOptions, SourceError, run_import
from backend2.utils.progress import progress

legacy_cli = AppGroup("legacy", help="Bring the Express servers' databases and upload folders into Backend2.")

sources_option = click.option(
    "--source", "sources", multiple=True, required=True, metavar="URI",
    help="A MongoDB URI naming an Express server's database (repeat for each; order does not matter).")
uploads_option = click.option(
    "--uploads", multiple=True, type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="An Express server's upload folder (repeat for each).")
report_option = click.option("--report", "report_path", type=click.Path(dir_okay=False, path_type=Path),
                             help="Write the full report, every rejected document included, as JSON here.")
batch_option = click.option("--batch-size", default=1000, show_default=True, type=click.IntRange(10, 10_000),
                            help="Documents per read and per write.")


@legacy_cli.command("import")
@sources_option
@uploads_option
@click.option("--dry-run", is_flag=True, help="Read and check everything, write nothing, print the same report.")
@report_option
@batch_option
def import_command(sources, uploads, dry_run, report_path, batch_size):
    """Import both servers' data; run it again any time to bring in what is new."""
    _run(ImportOptions(list(sources), list(uploads), "dry-run" if dry_run else "import", batch_size), report_path)


@legacy_cli.command("verify")
@sources_option
@uploads_option
@report_option
@batch_option
def verify_command(sources, uploads, report_path, batch_size):
    """Recount the sources against Backend2; exit 1 if anything is missing or different."""
    report = _run(ImportOptions(list(sources), list(uploads), "verify", batch_size), report_path)
    for name, section in report.sections.items():
        for kind, found in (("missing", section.missing), ("different", section.different)):
            for item in found[:20]:
                click.echo(f"{kind} in {name}: {json.dumps(item)}")
            if len(found) > 20:
                click.echo(f"... and {len(found) - 20} more {kind} in {name} (see --report)")
    click.echo("verify: nothing missing or different" if not report.problems
               else f"verify: {report.problems} missing or different")
    sys.exit(1 if report.problems else 0)


def _run(options, report_path):
    started = time.monotonic()
    try:
        report = run_import(options, progress)
    except SourceError as exc:
        raise click.UsageError(str(exc))
    except ConnectionFailure as exc:
        raise click.ClickException(f"a database did not answer: {exc}")
    what = {"import": "Legacy import", "dry-run": "Legacy import (dry run: nothing written)",
            "verify": "Legacy verify"}[options.mode]
    click.echo(f"{what} of {len(report.sources)} source(s) into {report.target}, "
               f"{time.monotonic() - started:.1f} s")
    for line in report.summary_lines():
        click.echo(line)
    if report_path:
        report_path.write_text(json.dumps(report.to_dict(), indent=2))
        click.echo(f"Full report: {report_path}")
    return report
