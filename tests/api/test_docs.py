"""The HTTP documentation comes from the code: /docs opens with the package docstring, every
group of endpoints is described by its controller's docstring, and neither the README nor docs/ repeats
them."""
import re
from pathlib import Path

import backend2

ROOT = Path(__file__).resolve().parents[2]


def test_the_introduction_is_the_package_docstring(client):
    spec = client.get("/openapi.json").get_json()
    assert spec["info"]["description"] == backend2.__doc__.strip()
    for convention in ("`_id`", "toISOString()", "`sender`/`from`", "Retry-After", "`LEGACY_JWT_SECRETS`"):
        assert convention in spec["info"]["description"], convention
    assert "see Authentication above" in spec["components"]["securitySchemes"]["token_auth"]["description"]


def test_every_group_of_endpoints_is_described_by_its_controller(client):
    spec = client.get("/openapi.json").get_json()
    assert {tag["name"] for tag in spec["tags"]} == {"Health", "Auth", "Users", "Contacts", "Conversations",
                                                     "Chat_Requests", "Messages", "Uploads", "Calls", "Reports",
                                                     "Admin", "Invites", "Message_Search", "Stars", "Reactions",
                                                     "Forwarding", "Message_Pins"}
    assert all(len(tag.get("description", "")) > 40 for tag in spec["tags"]), spec["tags"]
    used = {tag for operations in spec["paths"].values() for operation in operations.values()
            for tag in operation["tags"]}
    assert used == {tag["name"] for tag in spec["tags"]}


def test_the_readme_points_at_docs_instead_of_listing_endpoints():
    readme = (ROOT / "README.md").read_text()
    assert "/docs" in readme
    for page in [ROOT / "README.md", *(ROOT / "docs").glob("*.md")]:
        assert not re.search(r"^\| `(GET|POST|PUT|PATCH|DELETE) /", page.read_text(), re.M), page.name
