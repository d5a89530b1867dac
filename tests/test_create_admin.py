"""``visd create-admin``: the administrator with a printed one-time password, and demo users."""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse
from stakeholder_world import world  # noqa: F401 (fixture)

from visd.core import permissions


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """These tests are about the command, not about hashing: a fast hasher keeps them quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def run(**options) -> dict[str, str]:
    """Run the command; returns {username: printed password}."""
    out = io.StringIO()
    call_command("create_admin", stdout=out, stderr=io.StringIO(), **options)
    return dict(re.findall(r"^\s+(\S+)\s+(\S+)\s+\(", out.getvalue(), flags=re.M))


@pytest.mark.django_db
def test_creates_the_administrator_with_a_strong_one_time_password():
    passwords = run(username="admin")
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    assert admin.profile.role == "administrator" and admin.profile.must_change_password
    assert len(passwords["admin"]) >= 20
    assert admin.check_password(passwords["admin"])


@pytest.mark.django_db
def test_running_it_again_resets_the_password_to_a_new_one():
    first = run(username="admin")["admin"]
    second = run(username="admin")["admin"]
    admin = get_user_model().objects.get(username="admin")
    assert first != second
    assert admin.check_password(second) and not admin.check_password(first)
    assert get_user_model().objects.filter(username="admin").count() == 1


@pytest.mark.django_db
def test_the_one_time_password_must_be_changed_at_first_login(client):
    password = run(username="admin")["admin"]
    assert client.login(username="admin", password=password)
    response = client.get(reverse("actors:list"))
    assert response.status_code == 302 and response["Location"] == reverse("password_change")


@pytest.mark.django_db
def test_an_empty_username_is_refused():
    with pytest.raises(CommandError, match="empty"):
        run(username="  ")
    assert not get_user_model().objects.exists()


@pytest.mark.django_db
def test_demo_users_need_the_portfolios_and_change_nothing_without_them():
    with pytest.raises(CommandError, match="load-reference"):
        run(username="admin", demo_users=True)
    assert not get_user_model().objects.exists()


def test_demo_users_get_one_user_per_role_each_with_its_own_password(world):  # noqa: F811 (the fixture imported above)
    passwords = run(username="admin", demo_users=True)
    assert set(passwords) == {"admin", "director", "coordinator", "pm-maritiem", "pm-cyber", "actor-user"}
    assert len(set(passwords.values())) == len(passwords)
    users = {user.username: user for user in get_user_model().objects.all()}
    assert permissions.is_management(users["director"]) and permissions.is_management(users["coordinator"])
    assert permissions.can_edit_stakeholder_records(users["pm-maritiem"], world.actor_a)
    assert not permissions.can_edit_stakeholder_records(users["pm-cyber"], world.actor_a)
    # The actor user belongs to the first Flemish actor by name.
    assert permissions.own_actor_id(users["actor-user"]) == world.actor_b.pk
    assert all(user.profile.must_change_password for user in users.values())
    assert all(user.check_password(passwords[name]) for name, user in users.items())
