"""The contacts pages through real HTTP requests: list and live search, new, view and edit with
inline messages, delete, and the partial the application page includes."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from jobtracker.contacts.schemas import ContactRead
from jobtracker.kit import web
from tests.contacts.conftest import add_application, add_contact, read_contact
from tests.helpers import Account, Accounts, csrf_from
from tests.pages import HTML, HTMX, log_in, submit

BAD_TOKENS = pytest.mark.parametrize("token", [None, "not-the-token"], ids=["missing", "wrong"])

FORM = {
    "name": "José Pérez",
    "position": "Technical recruiter",
    "company": "Acme Robotics",
    "emails": "jose@acme.example\r\n\r\n  jose@home.example  ",
    "phones": "+34 600 000 000\r\n555 0100",
    "social_links": "LinkedIn https://www.linkedin.com/in/jose\r\nhttps://jose.example.org/",
    "notes": "Met at the fair.",
}


@pytest.fixture
def me(client: TestClient, accounts: Accounts) -> Account:
    """The signed-in user of the browser (the `client`)."""
    account = accounts.create("Page Owner")
    assert log_in(client, account.email).status_code == 303
    return account


def contacts(client: TestClient, account: Account) -> list[Any]:
    items: list[Any] = client.get("/api/contacts", headers=account.headers).json()["items"]
    return items


def created_id(response: Any) -> str:
    """The new contact's id from the redirect to its page."""
    assert response.status_code == 303, response.text
    location: str = response.headers["location"]
    assert location.startswith("/contacts/") and location.endswith("?saved=true")
    return location.removeprefix("/contacts/").removesuffix("?saved=true")


class TestAnonymousVisitor:
    @pytest.mark.parametrize("path", ["/contacts", "/contacts/new", f"/contacts/{uuid.uuid4()}"])
    def test_pages_redirect_to_login_and_back(self, client: TestClient, path: str) -> None:
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"] == f"/login?next={path}"


class TestContactsList:
    def test_shows_name_position_company_and_the_profile_link(
        self, client: TestClient, accounts: Accounts, me: Account
    ) -> None:
        grace = accounts.create("Grace Hopper")
        add_contact(
            client, me, "Grace", position="Rear admiral", company="Navy", emails=[grace.email]
        )
        add_contact(client, me, "Unlinked Person")
        page = client.get("/contacts")
        assert page.status_code == 200
        assert "<strong>Grace</strong>" in page.text
        assert "Rear admiral · Navy" in page.text
        assert f'href="/people/{grace.id}"' in page.text
        assert page.text.count("Jobtracker profile") == 1
        assert 'aria-current="page">Contacts' in page.text

    def test_search_works_as_a_plain_get_form(self, client: TestClient, me: Account) -> None:
        add_contact(client, me, "José Pérez")
        add_contact(client, me, "Mark Stone", company="Acme")
        page = client.get("/contacts", params={"q": "jose"})
        assert "José Pérez" in page.text
        assert "Mark Stone" not in page.text
        assert "1 contact matching “jose”" in page.text
        assert 'name="q" value="jose"' in page.text

    def test_company_filter_narrows_the_list(self, client: TestClient, me: Account) -> None:
        add_contact(client, me, "Ana", company="Société Générale")
        add_contact(client, me, "Bea", company="Acme")
        page = client.get("/contacts", params={"company": "societe"})
        assert "Ana" in page.text
        assert "Bea" not in page.text

    def test_htmx_search_returns_only_the_results_fragment(
        self, client: TestClient, me: Account
    ) -> None:
        add_contact(client, me, "José Pérez")
        response = client.get("/contacts", params={"q": "PEREZ"}, headers=HTMX)
        assert response.status_code == 200
        assert "José Pérez" in response.text
        assert "<html" not in response.text
        assert 'role="search"' not in response.text
        assert "HX-Request" in response.headers["vary"]

    def test_no_match_explains_the_search(self, client: TestClient, me: Account) -> None:
        add_contact(client, me, "Ana")
        page = client.get("/contacts", params={"q": "zzz"})
        assert "0 contacts matching “zzz”" in page.text
        assert "No contact matches." in page.text

    def test_an_empty_list_invites_to_add_one(self, client: TestClient, me: Account) -> None:
        page = client.get("/contacts")
        assert "No contacts yet." in page.text
        assert 'href="/contacts/new"' in page.text

    def test_pages_through_long_lists_keeping_the_search(
        self, client: TestClient, me: Account
    ) -> None:
        for number in range(21):
            add_contact(client, me, f"Person {number:02}", company="Acme")
        first = client.get("/contacts", params={"company": "acme"})
        assert "Person 19" in first.text and "Person 20" not in first.text
        assert 'href="/contacts?q=&amp;company=acme&amp;page=2"' in first.text
        second = client.get("/contacts", params={"company": "acme", "page": 2})
        assert "Person 20" in second.text and "Person 19" not in second.text

    def test_another_users_contacts_are_not_listed(
        self, client: TestClient, accounts: Accounts, me: Account
    ) -> None:
        add_contact(client, accounts.create(), "Hidden Person")
        assert "Hidden Person" not in client.get("/contacts").text


class TestNewContact:
    def test_saving_stores_every_field_and_shows_the_contact(
        self, client: TestClient, me: Account
    ) -> None:
        contact_id = created_id(submit(client, "/contacts/new", "/contacts/new", FORM))
        contact = read_contact(client, me, contact_id)
        assert contact["emails"] == ["jose@acme.example", "jose@home.example"]
        assert contact["phones"] == ["+34 600 000 000", "555 0100"]
        assert contact["social_links"] == [
            {"label": "LinkedIn", "url": "https://www.linkedin.com/in/jose"},
            {"label": "jose.example.org", "url": "https://jose.example.org/"},
        ]
        assert (contact["position"], contact["notes"]) == (
            "Technical recruiter",
            "Met at the fair.",
        )
        page = client.get(f"/contacts/{contact_id}?saved=true")
        assert "Contact saved." in page.text
        assert '<h1 id="contact-title">José Pérez</h1>' in page.text
        assert "jose@acme.example\njose@home.example</textarea>" in page.text

    def test_only_a_name_makes_a_contact(self, client: TestClient, me: Account) -> None:
        contact_id = created_id(submit(client, "/contacts/new", "/contacts/new", {"name": "Ana"}))
        contact = read_contact(client, me, contact_id)
        assert (contact["company"], contact["emails"], contact["social_links"]) == (None, [], [])

    def test_a_bad_email_is_shown_inline_and_nothing_saved(
        self, client: TestClient, me: Account
    ) -> None:
        form = FORM | {"emails": "jose@acme.example\r\njose-at-home"}
        response = submit(client, "/contacts/new", "/contacts/new", form)
        assert response.status_code == 422
        assert "Email 2: value is not a valid email address" in response.text
        # The typing is kept for correcting, and the field is marked.
        assert 'aria-invalid="true">jose@acme.example\r\njose-at-home</textarea>' in response.text
        assert 'value="José Pérez"' in response.text
        assert contacts(client, me) == []

    def test_a_missing_name_is_shown_inline(self, client: TestClient, me: Account) -> None:
        response = submit(client, "/contacts/new", "/contacts/new", FORM | {"name": ""})
        assert response.status_code == 422
        assert "Name: String should have at least 1 character" in response.text
        assert 'name="name" value="" required maxlength="200" aria-invalid="true"' in response.text

    def test_ticked_applications_are_related(
        self, client: TestClient, session: Session, me: Account
    ) -> None:
        ticked = add_application(session, me, "Globex", "Data engineer")
        add_application(session, me, "Acme", "Engineer")
        page = client.get("/contacts/new")
        assert "Engineer · Acme" in page.text
        assert page.text.index("Engineer · Acme") < page.text.index("Data engineer · Globex")
        form = {"name": "Ana", "application_ids": str(ticked)}
        contact_id = created_id(submit(client, "/contacts/new", "/contacts/new", form))
        assert read_contact(client, me, contact_id)["application_ids"] == [str(ticked)]

    def test_application_id_in_the_address_ticks_that_application(
        self, client: TestClient, session: Session, me: Account
    ) -> None:
        application_id = add_application(session, me)
        page = client.get("/contacts/new", params={"application_id": str(application_id)})
        assert f'value="{application_id}" checked' in page.text

    def test_another_users_application_is_refused_inline(
        self, client: TestClient, session: Session, accounts: Accounts, me: Account
    ) -> None:
        theirs = add_application(session, accounts.create())
        form = {"name": "Ana", "application_ids": str(theirs)}
        response = submit(client, "/contacts/new", "/contacts/new", form)
        assert response.status_code == 422
        assert "Applications: Not one of your applications" in response.text
        assert contacts(client, me) == []

    def test_a_users_email_shows_their_profile_link(
        self, client: TestClient, accounts: Accounts, me: Account
    ) -> None:
        grace = accounts.create("Grace Hopper")
        form = {"name": "Grace", "emails": grace.email}
        contact_id = created_id(submit(client, "/contacts/new", "/contacts/new", form))
        page = client.get(f"/contacts/{contact_id}")
        assert "Grace Hopper is on Jobtracker" in page.text
        assert f'<a href="/people/{grace.id}">Jobtracker profile</a>' in page.text

    @BAD_TOKENS
    def test_without_the_right_csrf_token_is_refused(
        self, client: TestClient, me: Account, token: str | None
    ) -> None:
        data = FORM if token is None else FORM | {"csrf_token": token}
        response = client.post("/contacts/new", data=data, headers=HTML, follow_redirects=False)
        assert response.status_code == 403
        assert contacts(client, me) == []


class TestContactPage:
    def test_shows_the_contact_and_its_edit_form(
        self, client: TestClient, session: Session, me: Account
    ) -> None:
        application_id = add_application(session, me, "Acme", "Engineer")
        contact = add_contact(
            client, me, "Ana", emails=["ana@example.com"], phones=["555 0100"],
            application_ids=[str(application_id)],
        )  # fmt: skip
        page = client.get(f"/contacts/{contact['id']}")
        assert page.status_code == 200
        assert 'href="mailto:ana@example.com"' in page.text
        assert 'href="tel:5550100"' in page.text
        assert f'<a href="/applications/{application_id}">Engineer · Acme</a>' in page.text
        assert f'value="{application_id}" checked' in page.text
        assert 'name="name" value="Ana"' in page.text

    def test_saving_replaces_the_contact(self, client: TestClient, me: Account) -> None:
        contact = add_contact(client, me, "Ana", company="Acme", emails=["ana@example.com"])
        path = f"/contacts/{contact['id']}"
        response = submit(client, path, path, {"name": "Ana Lima", "phones": "555 0100"})
        assert response.status_code == 303
        assert response.headers["location"] == f"{path}?saved=true"
        saved = read_contact(client, me, contact["id"])
        assert (saved["name"], saved["company"], saved["emails"]) == ("Ana Lima", None, [])
        assert saved["phones"] == ["555 0100"]

    def test_unticking_an_application_unrelates_it(
        self, client: TestClient, session: Session, me: Account
    ) -> None:
        application_id = add_application(session, me)
        contact = add_contact(client, me, "Ana", application_ids=[str(application_id)])
        path = f"/contacts/{contact['id']}"
        submit(client, path, path, {"name": "Ana"})
        assert read_contact(client, me, contact["id"])["application_ids"] == []

    def test_a_bad_link_is_shown_inline_and_nothing_saved(
        self, client: TestClient, me: Account
    ) -> None:
        contact = add_contact(client, me, "Ana")
        path = f"/contacts/{contact['id']}"
        response = submit(
            client, path, path, {"name": "Ana B", "social_links": "Click javascript:x"}
        )
        assert response.status_code == 422
        assert "Link 1: URL scheme should be" in response.text
        assert '<h1 id="contact-title">Ana</h1>' in response.text
        assert read_contact(client, me, contact["id"])["name"] == "Ana"

    def test_a_bad_phone_is_shown_inline(self, client: TestClient, me: Account) -> None:
        contact = add_contact(client, me, "Ana")
        path = f"/contacts/{contact['id']}"
        response = submit(client, path, path, {"name": "Ana", "phones": "555 0100\ncall me"})
        assert response.status_code == 422
        assert "Phone 2: String should match pattern" in response.text

    def test_another_users_contact_is_a_404_page(
        self, client: TestClient, accounts: Accounts, me: Account
    ) -> None:
        other = accounts.create()
        contact = add_contact(client, other, "Not Yours")
        path = f"/contacts/{contact['id']}"
        response = client.get(path, headers=HTML)
        assert response.status_code == 404
        assert "Not Yours" not in response.text
        token = csrf_from(client.get("/contacts/new").text)
        saved = client.post(path, data={"csrf_token": token, "name": "Mine now"}, headers=HTML)
        assert saved.status_code == 404
        bad = client.post(path, data={"csrf_token": token, "name": ""}, headers=HTML)
        assert bad.status_code == 404
        assert read_contact(client, other, contact["id"])["name"] == "Not Yours"


class TestDeleteContact:
    def test_the_delete_button_removes_the_contact(self, client: TestClient, me: Account) -> None:
        contact = add_contact(client, me, "Ana")
        path = f"/contacts/{contact['id']}"
        response = submit(client, path, f"{path}/delete", {})
        assert response.headers["location"] == "/contacts?deleted=true"
        assert contacts(client, me) == []
        assert "Contact deleted." in client.get("/contacts?deleted=true").text

    def test_htmx_delete_navigates_to_the_list(self, client: TestClient, me: Account) -> None:
        contact = add_contact(client, me, "Ana")
        path = f"/contacts/{contact['id']}"
        token = csrf_from(client.get(path).text)
        response = client.post(f"{path}/delete", headers=HTMX | {"X-CSRF-Token": token})
        assert response.status_code == 204
        assert response.headers["hx-redirect"] == "/contacts?deleted=true"
        assert contacts(client, me) == []

    def test_another_users_contact_cannot_be_deleted(
        self, client: TestClient, accounts: Accounts, me: Account
    ) -> None:
        other = accounts.create()
        contact = add_contact(client, other, "Not Yours")
        token = csrf_from(client.get("/contacts").text)
        path = f"/contacts/{contact['id']}/delete"
        response = client.post(path, data={"csrf_token": token}, headers=HTML)
        assert response.status_code == 404
        assert read_contact(client, other, contact["id"])["name"] == "Not Yours"

    @BAD_TOKENS
    def test_without_the_right_csrf_token_is_refused(
        self, client: TestClient, me: Account, token: str | None
    ) -> None:
        contact = add_contact(client, me, "Ana")
        data = {} if token is None else {"csrf_token": token}
        path = f"/contacts/{contact['id']}/delete"
        assert client.post(path, data=data, headers=HTML).status_code == 403
        assert len(contacts(client, me)) == 1


class TestForApplicationPartial:
    def test_lists_the_contacts_with_their_profile_links(
        self, client: TestClient, accounts: Accounts, me: Account
    ) -> None:
        grace = accounts.create("Grace Hopper")
        contact = ContactRead.model_validate(
            add_contact(client, me, "Grace", company="Navy", emails=[grace.email])
        )
        application_id = uuid.uuid4()
        html = web.templates.get_template("contacts/_for_application.html").render(
            contacts=[contact], application_id=application_id
        )
        assert f'href="/contacts/{contact.id}"' in html
        assert "<strong>Grace</strong>" in html
        assert f'href="/people/{grace.id}"' in html
        assert f'href="/contacts/new?application_id={application_id}"' in html

    def test_says_when_there_are_none(self) -> None:
        html = web.templates.get_template("contacts/_for_application.html").render(contacts=[])
        assert "No contacts for this application yet" in html
