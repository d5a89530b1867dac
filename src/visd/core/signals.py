from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import UserProfile


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def ensure_profile(sender, instance, created, raw=False, **kwargs):
    """Every user has a profile (role 'none' until someone grants one)."""
    if created and not raw:
        UserProfile.objects.get_or_create(user=instance)
