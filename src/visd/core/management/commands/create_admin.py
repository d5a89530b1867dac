"""``visd create-admin --username admin [--demo-users]``

Creates the administrator, or resets its password if it exists. The password is random, printed
once, and must be changed at the first login (``ForcePasswordChangeMiddleware``): no password is
ever written in the repository or a config file.

``--demo-users`` also creates one user per role for a demonstration: a director, a coordinator, a
programme manager per portfolio (``pm-<portfolio code>``) and, if there is a Flemish actor, an actor
user for it. They need the portfolios of ``visd load-reference``.
"""

import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from visd.core.models import Role

#: 18 random bytes: a 24-character URL-safe password, about 144 bits.
PASSWORD_BYTES = 18


def one_time_password() -> str:
    return secrets.token_urlsafe(PASSWORD_BYTES)


class Command(BaseCommand):
    help = "Create the administrator (or reset its password) with a one-time password; optionally demo users."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin", help="Administrator's user name (default: admin).")
        parser.add_argument("--email", default="", help="Administrator's e-mail address.")
        parser.add_argument("--demo-users", action="store_true",
                            help="Also create one demo user per role (needs the portfolios of load-reference).")

    def handle(self, *args, username, email, demo_users, **options):
        username = username.strip()
        if not username:
            raise CommandError("--username cannot be empty.")
        credentials = []
        with transaction.atomic():
            credentials.append(self._ensure_user(username, Role.ADMINISTRATOR, email=email, superuser=True))
            if demo_users:
                credentials.extend(self._demo_users())
        self._print(credentials)

    def _ensure_user(self, username, role, *, email="", superuser=False, portfolios=(), actor=None):
        """Create the user or reset its password; returns (username, role label, password, created)."""
        user_model = get_user_model()
        user, created = user_model.objects.get_or_create(username=username, defaults={"email": email})
        password = one_time_password()
        user.set_password(password)
        user.is_active = True
        user.is_superuser = user.is_staff = superuser
        if email:
            user.email = email
        user.save()
        profile = user.profile
        profile.role = role
        profile.actor = actor
        profile.must_change_password = True
        profile.save()
        profile.portfolios.set(portfolios)
        scope = [str(actor)] if actor is not None else [str(portfolio) for portfolio in portfolios]
        role_label = " – ".join([str(Role(role).label), *scope])
        return username, role_label, password, created

    def _demo_users(self):
        from visd.actors.models import Actor, Region
        from visd.taxonomy.models import Portfolio

        portfolios = list(Portfolio.objects.all())
        if not portfolios:
            raise CommandError("No portfolios found: run 'visd load-reference' before '--demo-users'.")
        users = [
            self._ensure_user("director", Role.DIRECTOR),
            self._ensure_user("coordinator", Role.COORDINATOR),
        ]
        users += [
            self._ensure_user(f"pm-{portfolio.code}", Role.PROGRAMME_MANAGER, portfolios=[portfolio])
            for portfolio in portfolios
        ]
        actor = Actor.objects.filter(region=Region.FLANDERS).order_by("name").first()
        if actor is None:
            self.stderr.write("No Flemish actor yet: no demo actor user created (load actors first).")
        else:
            users.append(self._ensure_user("actor-user", Role.ACTOR_USER, actor=actor))
        return users

    def _print(self, credentials):
        self.stdout.write(self.style.WARNING(
            "One-time passwords, shown only now. Each user must choose a new password at first login."
        ))
        width = max(len(username) for username, *_ in credentials)
        for username, role_label, password, created in credentials:
            state = "created" if created else "password reset"
            self.stdout.write(f"  {username.ljust(width)}  {password}  ({role_label}, {state})")
