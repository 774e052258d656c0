"""People: look one up by phone, name or id; their profile, the reports about them, their
suspension and their signed-in devices; end one session or all, suspend, lift a suspension."""
from flask import g, request

from backend2.controllers.console.blueprint import console_bp, done, filter_page, load, page
from backend2.middlewares.console_guard import form_data
from backend2.schemas.console import PeopleQuery, ReasonForm, SuspendForm
from backend2.schemas.reports import SUSPENSIONS
from backend2.services.accounts import moderation, moderator_people


@filter_page("/people")
def people():
    query = load(PeopleQuery(), request.args)
    return page("console/people.html", people=moderator_people.look_up(g.moderator, query["q"]), q=query["q"])


@console_bp.get("/people/<user_id>")
def person(user_id):
    return page("console/person.html", file=moderator_people.person_file(g.moderator, user_id), suspensions=SUSPENSIONS)


@console_bp.post("/people/<user_id>/suspend")
def suspend(user_id):
    data = load(SuspendForm(), form_data())
    moderation.suspend(g.moderator, user_id, data["reason"], data["hours"])
    return done("console.person", "user_suspended", user_id=user_id)


@console_bp.post("/people/<user_id>/sessions/<session_id>/end")
def end_session(user_id, session_id):
    moderation.end_session(g.moderator, user_id, session_id, load(ReasonForm(), form_data())["reason"])
    return done("console.person", "session_ended", user_id=user_id)


# The actions that need nothing but a reason: (the service function, the notice after it).
REASON_ONLY = {"unsuspend": (moderation.unsuspend, "user_unsuspended"),
               "end-all-sessions": (moderation.end_all_sessions, "sessions_ended"),
               "delete": (moderation.delete_account, "account_deleted")}


@console_bp.post("/people/<user_id>/<any(unsuspend, 'end-all-sessions', delete):action>")
def act(user_id, action):
    act_on, notice = REASON_ONLY[action]
    act_on(g.moderator, user_id, load(ReasonForm(), form_data())["reason"])
    return done("console.person", notice, user_id=user_id)
