"""The console's first page: how much is waiting and how the service is."""
from flask import g

from backend2.controllers.console.blueprint import console_bp, page
from backend2.services.operations.overview import overview as overview_of


@console_bp.get("/")
def overview():
    return page("console/overview.html", overview=overview_of(g.moderator))
