"""`flask --app backend2 users grant-moderator PHONE` / `revoke-moderator PHONE` (and
`set-role PHONE moderator|user`): who may moderate. Each change is in the audit log; taking the
role back ends the person's console sessions at once."""
import click
from flask.cli import AppGroup

from backend2.errors import AppError
from backend2.services.accounts.roles import set_role

users_cli = AppGroup("users", help="Accounts: roles.")


def _set(phone, role):
    try:
        number, listed = set_role(phone, role)
    except AppError as error:
        raise click.ClickException(error.message)
    click.echo(f"{number} is now a {role}")
    if listed and role != "moderator":
        click.echo(f"{number} is still in MODERATOR_PHONES, which makes it a moderator: take it out there too", err=True)


@users_cli.command("grant-moderator")
@click.argument("phone")
def grant_moderator(phone):
    """Make the account with this phone number a moderator (the console and /admin)."""
    _set(phone, "moderator")


@users_cli.command("revoke-moderator")
@click.argument("phone")
def revoke_moderator(phone):
    """Take the moderator role back; the person's console sessions end at once."""
    _set(phone, "user")


@users_cli.command("set-role")
@click.argument("phone")
@click.argument("role", type=click.Choice(["moderator", "user"]))
def set_role_command(phone, role):
    """Make the account with this phone number a moderator, or a user again."""
    _set(phone, role)
