from django.conf import settings
from django.contrib.auth.hashers import get_hasher, identify_hasher
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from .models import UserProfile


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def ensure_profile(sender, instance, created, raw=False, **kwargs):
    """Every user has a profile (role 'none' until someone grants one)."""
    if created and not raw:
        UserProfile.objects.get_or_create(user=instance)


@receiver(pre_save, sender=settings.AUTH_USER_MODEL)
def note_password_change(sender, instance, raw=False, update_fields=None, **kwargs):
    """Whoever sets a new password (``visd create-admin``, the password change and reset pages, the
    admin, ``changepassword``, any ``set_password`` or hash assignment followed by ``save``), or makes
    it unusable, changes the stored hash: the user's API tokens are revoked after the save.

    One exception: Django re-hashing the *same* password when its hasher settings change (on a
    successful login, ``check_password`` saves with ``update_fields=["password"]`` after clearing the
    raw password) is not a password change, so the tokens stay."""
    instance._visd_password_changed = False
    if raw or instance.pk is None:
        return
    if update_fields is not None and "password" not in update_fields:
        return
    stored = sender._default_manager.filter(pk=instance.pk).values_list("password", flat=True).first()
    if stored is None or stored == instance.password:
        return
    rehash_only = (getattr(instance, "_password", None) is None and update_fields is not None
                   and set(update_fields) == {"password"} and _due_for_rehash(stored))
    instance._visd_password_changed = not rehash_only


def _due_for_rehash(encoded: str) -> bool:
    """Whether Django would re-hash this stored hash on the next successful login."""
    try:
        hasher = identify_hasher(encoded)
    except ValueError:
        return False
    return hasher.algorithm != get_hasher().algorithm or hasher.must_update(encoded)


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def revoke_tokens_on_password_change(sender, instance, created, raw=False, **kwargs):
    if not getattr(instance, "_visd_password_changed", False):
        return
    instance._visd_password_changed = False
    from rest_framework.authtoken.models import Token

    Token.objects.filter(user=instance).delete()
