"""Accounts: Argon2 passwords, and the audit of ordinary model writes (who, when, before/after)."""

from __future__ import annotations

from django.contrib.auth.hashers import check_password, make_password

from kaifang.accounts.models import Membership, Role
from kaifang.audit.context import acting_as
from kaifang.audit.models import AuditEntry
from kaifang.catalog.models import Indicator


def test_passwords_are_hashed_with_argon2():
    from kaifang import settings as project  # the configured value, not the tests' fast override

    assert project.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    encoded = make_password("kaifang-demo", hasher="argon2")
    assert encoded.startswith("argon2$argon2id$")
    assert check_password("kaifang-demo", encoded)


def test_changing_a_membership_leaves_one_entry_with_before_and_after(platform):
    admin = platform.users["admin"]
    m = Membership.objects.get(user=platform.users["leader"])
    AuditEntry.objects.all().delete()
    with acting_as(admin):
        m.role = Role.ANALYST
        m.save()
    (entry,) = AuditEntry.objects.all()
    assert (entry.action, entry.actor, entry.object_type) == ("update", admin, "accounts.Membership")
    assert (entry.before["role"], entry.after["role"]) == ("viewer", "analyst")
    assert entry.workspace == platform.workspace


def test_reloading_an_unchanged_catalog_writes_nothing_and_a_change_is_audited(platform):
    from kaifang.catalog.load import sync_catalog

    AuditEntry.objects.all().delete()
    assert sync_catalog()["updated"] == 0
    assert not AuditEntry.objects.exists()
    gdp = Indicator.objects.get(code="GDP")
    gdp.notes = "口径调整"
    gdp.save()
    entry = AuditEntry.objects.get()
    assert entry.after["notes"] == "口径调整" and entry.before["notes"] != "口径调整"
