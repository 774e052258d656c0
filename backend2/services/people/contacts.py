"""The synced address book: who of my contacts uses the app, and "is X in my contacts"."""
from backend2.models import ContactBook, ContactEntry, User
from backend2.services.people import presenter
from backend2.services.people.blocks import hidden_user_ids
from backend2.utils.phone import region_of, to_e164
from backend2.utils.time import utcnow


def sync_contacts(user, contacts, default_region):
    """Replace the user's address book; returns (registered users as the user sees them, with their
    numbers and saved names, stats).

    Numbers are read in the user's own country first (a local number in their address book
    is local to them), duplicates merged keeping the first non-empty name, invalid ones skipped.
    """
    region = region_of(user.phone) or default_region
    book = {}
    invalid = 0
    for contact in contacts:
        phone = to_e164(contact["phone"], region)
        if phone is None:
            invalid += 1
        elif not book.get(phone):
            book[phone] = (contact.get("name") or "").strip()
    now = utcnow()
    ContactBook.objects(user=user.id).update_one(
        upsert=True,
        set__entries=[ContactEntry(phone=phone, name=name) for phone, name in book.items()],
        set__updated_at=now,
        set_on_insert__created_at=now,
    )
    hidden = hidden_user_ids(user) | {user.id}
    matches = [u for u in User.objects(phone__in=list(book)).order_by("name") if u.id not in hidden]
    shown = presenter.present_people(user, matches, phone={u.id: u.phone for u in matches},
                                  contact_name={u.id: book[u.phone] for u in matches})
    stats = {"received": len(contacts), "saved": len(book), "invalid": invalid, "registered": len(matches)}
    return shown, stats


def has_contact(owner, phone):
    """True when `phone` is in the owner's last synced address book."""
    return ContactBook.objects(user=owner.id, entries__phone=phone).count() > 0
