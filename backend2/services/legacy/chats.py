"""Conversations and chat requests.

A direct chat is one conversation per pair of people (Backend2's participantKey rule): the
same two people's chats on both servers become one, holding both histories, under the id
Backend2 already has for the pair or else the smallest source id; every source id is kept on
it so the apps may still ask by theirs. A chat whose `isGroup`/`type` is missing but has more
than two members is a group. Groups keep their ids, members, name and admins (the creator,
or the first member, when none is recorded); a group without a name is called "Group".
Members who were not imported are left out, and a direct chat left with fewer than two
people is rejected.

Chat requests keep their ids and state. There is at most one pending request per pair: of
several, the newest stays pending and the others are rejected in the report.
"""
from backend2.models import ChatRequest, Conversation
from backend2.services.conversations.direct import participant_key
from backend2.services.legacy.chat_shapes import read_conversation, read_request
from backend2.services.legacy.engine import Plan

UNNAMED_GROUP = "Group"


def import_conversations(run):
    with run.phase("conversations") as section:
        direct, groups = {}, []
        for record in run.records("conversations", section, read_conversation):
            doc = record.doc
            members = _members(run, record, section)
            if record.is_group or len(members) > 2:
                if not record.is_group:
                    section.repair(doc, "treated_as_group", f"{len(members)} members and no isGroup")
                if members:
                    groups.append((record, members))
                else:
                    section.reject(doc, "no_members", "no member of this group was imported")
            elif len(members) == 2:
                direct.setdefault(participant_key(*members), []).append((record, members))
            else:
                section.reject(doc, "direct_chat_needs_two_people", f"{len(members)} imported member(s)")
        stored = run.stored_ids(Conversation, "participantKey", list(direct))
        planned = [(_direct_plan(key, items, stored.get(key), run), items) for key, items in direct.items()]
        planned += [(_group_plan(record, members, run, section), [(record, members)]) for record, members in groups]
        _resolve_group_avatars(run, [plan for plan, _ in planned])
        writer = run.writer(Conversation, section)
        for plan, _ in planned:
            writer.add(plan)
        writer.flush()
        for plan, items in planned:
            if plan.target_id not in writer.failed_targets:
                _remember(run, plan, items)


def _members(run, record, section):
    """The imported members of a conversation as Backend2 ids, in order, once each."""
    members = list(dict.fromkeys(run.users[oid] for oid in record.members if oid in run.users))
    missing = [str(oid) for oid in record.members if oid not in run.users]
    if missing:
        section.repair(record.doc, "unknown_members_left_out", ", ".join(missing)[:300])
    return members


def _direct_plan(key, items, stored_id, run):
    """Every source copy of one pair's chat, as one conversation (the oldest gives its order)."""
    items.sort(key=lambda item: (item[0].created_at, item[0].doc.legacy_id))
    first, members = items[0]
    legacy_ids = sorted(record.doc.legacy_id for record, _ in items)
    target = stored_id or legacy_ids[0]
    docs = sorted((record.doc for record, _ in items), key=lambda doc: (doc.legacy_id != target, doc.legacy_id))
    return Plan(target_id=target, docs=docs, legacy_ids=legacy_ids,
                fields={"type": "direct", "participants": members, "participantKey": key,
                        "createdBy": _creator(run, first, members)},
                on_insert={"createdAt": first.created_at, "updatedAt": first.created_at, "admins": []},
                updated_at=max(record.updated_at for record, _ in items))


def _group_plan(record, members, run, section):
    creator = _creator(run, record, members)
    admins = list(dict.fromkeys(run.users[oid] for oid in record.admins if run.users.get(oid) in members))
    if not record.name:
        section.repair(record.doc, "group_named", UNNAMED_GROUP)
    return Plan(target_id=record.doc.legacy_id, docs=[record.doc],
                fields={"type": "group", "participants": members, "name": record.name or UNNAMED_GROUP,
                        "avatar": record.avatar, "admins": admins or [creator], "createdBy": creator},
                on_insert={"createdAt": record.created_at, "updatedAt": record.created_at},
                updated_at=record.updated_at)


def _creator(run, record, members):
    """Who created it, if recorded and still a member; otherwise the first member."""
    creator = run.users.get(record.created_by)
    return creator if creator in members else members[0]


def _resolve_group_avatars(run, plans):
    with_avatar = [plan for plan in plans if plan.fields.get("avatar")]
    for start in range(0, len(with_avatar), run.batch_size):
        chunk = with_avatar[start:start + run.batch_size]
        found = run.files.resolve([("avatar", p.fields["avatar"], p.fields["createdBy"], p.docs[0]) for p in chunk])
        for plan in chunk:
            stored = found.get(("avatar", plan.fields["avatar"]))
            plan.fields["avatar"] = stored["url"] if stored else None


def _remember(run, plan, items):
    """What the message phase needs: which Backend2 conversation each source id became, who is
    in it, and the mobile server's receipt cursors."""
    run.chats[plan.target_id] = plan.fields["participants"]
    if plan.fields["type"] == "direct":
        run.direct[plan.fields["participantKey"]] = plan.target_id
    for record, members in items:
        run.conversations[record.doc.legacy_id] = plan.target_id
        for source_user, moment in record.delivered_up_to.items():
            if run.users.get(source_user) in members:
                run.cursors.saw(plan.target_id, run.users[source_user], delivered=moment)
        for source_user, moment in record.read_up_to.items():
            if run.users.get(source_user) in members:
                run.cursors.saw(plan.target_id, run.users[source_user], read=moment)


def import_chat_requests(run):
    with run.phase("chatrequests") as section:
        pending, settled = {}, []
        for record in run.records("chatrequests", section, read_request):
            doc = record.doc
            sender, to = run.users.get(record.sender), run.users.get(record.to)
            if sender is None or to is None:
                section.reject(doc, "unknown_user", "the sender or the recipient was not imported")
            elif sender == to:
                section.reject(doc, "request_to_self", "both ends are the same person")
            elif record.status == "pending":
                pending.setdefault(participant_key(sender, to), []).append((record, sender, to))
            else:
                settled.append((record, sender, to))
        stored = run.stored_ids(ChatRequest, "pendingKey", list(pending))
        for key, items in pending.items():
            settled += _one_pending(key, items, stored.get(key), section)
        writer = run.writer(ChatRequest, section)
        for record, sender, to in settled:
            key = participant_key(sender, to)
            writer.add(Plan(
                target_id=record.doc.legacy_id, docs=[record.doc], updated_at=record.updated_at,
                fields={"from": sender, "to": to, "message": record.message[:500], "status": record.status,
                        "pendingKey": key if record.status == "pending" else None,
                        "conversation": run.direct.get(key) if record.status == "accepted" else None,
                        "respondedAt": record.responded_at, "updatedAt": record.updated_at},
                on_insert={"createdAt": record.created_at}))
        writer.flush()


def _one_pending(key, items, stored_id, section):
    """The pending request a pair keeps: Backend2's own if it has one, else the newest."""
    items.sort(key=lambda item: (item[0].created_at, item[0].doc.legacy_id), reverse=True)
    kept = [] if stored_id not in (None, items[0][0].doc.legacy_id) else items[:1]
    for record, _, _ in items[len(kept):]:
        reason = "duplicate_pending_request" if kept else "pending_request_exists"
        section.reject(record.doc, reason, "another request between these two is pending")
    return kept
