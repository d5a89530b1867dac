"""``public_voice_changed(actor_id)``: what an organisation's published profile says in public changed
(sent after the change commits). The matching layer listens (``visd.matchmaking.signals``) and re-reads
the actor, so the profile app does not depend on it."""

from django.dispatch import Signal

public_voice_changed = Signal()
