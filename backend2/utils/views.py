"""What presenters hand to the output schemas: new values for one viewer, never the stored documents.

A person leaves the server only as a `PersonView`, which `services/people/presenter.py` makes from a user
and the viewer looking at them; the people schemas refuse anything else, so a route or event that
forgot the viewer fails instead of showing what someone's privacy settings hide.
"""


class PersonView(dict):
    """A person as one viewer may see them: `id, name, about, avatar, last_seen, online`, with
    what the person hides from that viewer already None or False (plus any fields the presenter's
    caller adds, such as a contact's saved name)."""


class OwnProfileView(PersonView):
    """The signed-in person as they see themselves: nothing hidden, their own settings and contact details."""


class Presented:
    """A stored document as one viewer sees it: the viewer's values (`shown`) over the document's
    own attributes, which stay as they were, so the document can still be saved unchanged."""

    __slots__ = ("document", "shown")

    def __init__(self, document, **shown):
        self.document = document
        self.shown = shown

    def __getattr__(self, name):
        shown = object.__getattribute__(self, "shown")
        if name in shown:
            return shown[name]
        return getattr(object.__getattribute__(self, "document"), name)

    def __getitem__(self, name):
        """What marshmallow reads first (it asks a mapping by key before attributes): the viewer's
        value, else the document's stored value of that field (`_data`, what its descriptor would
        return, without the descriptor's work per read: half of a message's dump). Anything else
        is a KeyError, and marshmallow then asks `getattr`."""
        shown = object.__getattribute__(self, "shown")
        if name in shown:
            return shown[name]
        return object.__getattribute__(self, "document")._data[name]

    def value_of(self, name, default):
        """What marshmallow's lookup ends in, in one call (schemas/common.py's PresentedReading):
        the viewer's value, else the document's stored one, else its attribute, else `default`."""
        shown = self.shown
        if name in shown:
            return shown[name]
        data = self.document._data
        return data[name] if name in data else getattr(self.document, name, default)
