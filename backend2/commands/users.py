"""`flask --app backend2 users set-role PHONE moderator|user`: who may moderate."""
import click
from flask.cli import AppGroup

from backend2.errors import AppError
from backend2.services.accounts.moderation import set_role

users_cli = AppGroup("users", help="Accounts: roles.")


@users_cli.command("set-role")
@click.argument("phone")
@click.argument("role", type=click.Choice(["moderator", "user"]))
def set_role_command(phone, role):
    """Make the account with this phone number a moderator, or a user again."""
    try:
        number = set_role(phone, role)
    except AppError as error:
        raise click.ClickException(error.message)
    click.echo(f"{number} is now a {role}")
