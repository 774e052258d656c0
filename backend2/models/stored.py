"""A document as it was just inserted, read from the dict that was stored."""


class Stored:
    """What `insert_new` returns: the new document's values, read as its attributes are
    (`message.text`, `message.id`), made from the inserted dict without building the
    MongoEngine document (`_from_son` converts and sets every field through its descriptor:
    on the send path it cost more than the message's presentation).

    A value, not a document: nothing is tracked and it cannot be saved; load the document to
    change it. `_data` holds the values by field name, as a document's does (what
    `utils/views.Presented` hands the schemas). Lists and dicts that hold something are
    converted by their field, so a message's attachments are `Attachment`s as the document's
    are; the rest (ObjectIds, datetimes, strings, numbers, empty lists) are as stored.
    tests/unit/test_insert_new.py holds every field to the saved document's.
    """

    def __init__(self, document_class, son):
        self._data = {name: _python(field, son.get(field.db_field)) for name, field in document_class._fields.items()}

    def __getattr__(self, name):
        try:
            return self.__dict__["_data"][name]
        except KeyError:
            raise AttributeError(name) from None

    def __repr__(self):
        return f"<Stored {self._data.get('id')}>"


def _python(field, value):
    if isinstance(value, (list, dict)) and value:
        return field.to_python(value)
    return value
