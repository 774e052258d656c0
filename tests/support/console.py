"""The moderator console as a browser without JavaScript uses it, over a Flask test client: it
reads each form's csrf_token from the page it came from, as a browser posts it back."""
import re

CSRF = re.compile(r'name="csrf_token" value="([^"]*)"')


def csrf_of(html):
    found = CSRF.search(html)
    assert found, "the page has no form with a csrf_token"
    return found.group(1)


class ConsoleClient:
    """A browser on the console: its own cookie jar (a test client of its own)."""

    def __init__(self, app):
        self.http = app.test_client()
        self.token = None

    def get(self, path, **options):
        response = self.http.get(path, **options)
        if response.status_code == 200 and response.mimetype == "text/html":
            found = CSRF.search(response.get_data(as_text=True))
            self.token = found.group(1) if found else self.token
        return response

    def post(self, path, with_token=True, **form):
        data = {"csrf_token": self.token, **form} if with_token else form
        return self.http.post(path, data=data)

    def sign_in(self, phone, password=None, code=None):
        self.get("/console/sign-in")
        fields = {"phone": phone, **({"code": code} if code else {"password": password})}
        response = self.post("/console/sign-in", **fields)
        if response.status_code == 303:
            self.get("/console/")
        return response

    def cookie(self, name):
        return self.http.get_cookie(name, path="/console")
