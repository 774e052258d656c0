"""Every user setting is named once (backend2/utils/user_settings.py) and means the same wherever
it is read or changed: the settings route, the profile, the stored document and the export."""
import io
import json
import zipfile

import pytest

from backend2.models import User
from backend2.utils.user_settings import SETTINGS


def other_value(setting):
    return next(value for value in setting.values if value != setting.default)


def test_a_new_user_has_every_default_under_each_name(client, person):
    me = person("Defaults")
    privacy = client.get("/users/me/settings", headers=me.headers).get_json()
    profile = client.get("/users/me", headers=me.headers).get_json()
    assert set(privacy) == {s.privacy_name for s in SETTINGS if s.privacy_name}
    for setting in SETTINGS:
        if setting.privacy_name:
            assert privacy[setting.privacy_name] == setting.default, setting.field
        if setting.profile_name:
            assert profile[setting.profile_name] == setting.default, setting.field


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.field)
def test_a_change_under_one_name_is_stored_once_and_read_under_every_name(client, person, setting):
    me = person("Changer")
    value = other_value(setting)
    route, name = ("/users/me/settings", setting.privacy_name) if setting.privacy_name else ("/users/me",
                                                                                            setting.profile_name)
    changed = client.patch(route, headers=me.headers, json={name: value})
    assert changed.status_code == 200 and changed.get_json()[name] == value
    with client.application.app_context():
        assert getattr(User.objects(id=me.id).get(), setting.field) == value
    if setting.privacy_name:
        assert client.get("/users/me/settings", headers=me.headers).get_json()[setting.privacy_name] == value
    if setting.profile_name:
        assert client.get("/users/me", headers=me.headers).get_json()[setting.profile_name] == value
    exported = client.get("/users/me/export", headers=me.headers)
    with zipfile.ZipFile(io.BytesIO(exported.data)) as archive:
        saved = json.loads(archive.read("backend2-export.json"))["profile"]["settings"]
    assert {saved[name] for name in setting.names} == {value}


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.field)
def test_a_value_outside_the_table_is_refused_under_every_name(client, person, setting):
    me = person("Refused")
    for route, name in (("/users/me/settings", setting.privacy_name), ("/users/me", setting.profile_name)):
        if name:
            refused = client.patch(route, headers=me.headers, json={name: "sometimes"})
            assert refused.status_code == 400 and name in refused.get_json()["details"]
