"""Whom to meet: the other participants ranked by the registry's matching engine, each with its
reasons (complementary offers and needs, shared concepts, past projects together).

Reads the persisted matching index through ``visd.matchmaking``'s public read-only API
(``lifecycle.read_index`` and ``matches.partners_for_draft``): the participant's own text (what it
seeks, then what it offers) is the query and its organisation the consortium member, so the engine
scores what the others add and where they worked together before. Only organisations taking part in
the same matchmaking are kept. Without an index, or for a participant without text, there are none
(the page says why)."""

from __future__ import annotations

from dataclasses import dataclass, field

from visd.matchmaking import matches
from visd.matchmaking.service import read_index

from .models import Participant

#: How many ranked actors to read from the engine before keeping the participants: the engine ranks
#: the whole registry, and a participant may be far down the list.
SEARCH_DEPTH = 500


@dataclass
class Recommendations:
    rows: list[dict] = field(default_factory=list)
    problem: str = ""


def recommend(participant: Participant, top: int = 10) -> Recommendations:
    text = "\n".join(part for part in (participant.seek, participant.offer) if part.strip())
    if not text.strip():
        return Recommendations(problem="no_text")
    others = {p.registration.organisation_id: p for p in participant.matchmaking.participants
              .select_related("registration").exclude(pk=participant.pk)
              if p.registration.organisation_id is not None}
    others.pop(participant.registration.organisation_id, None)
    if not others:
        return Recommendations(problem="no_others")
    status = read_index()
    if not status.available:
        return Recommendations(problem="no_index")
    members = [participant.registration.organisation_id] if participant.registration.organisation_id else []
    try:
        ranked = matches.partners_for_draft(text[:matches.MAX_QUERY_CHARACTERS], members, None, SEARCH_DEPTH,
                                            index=status.index)
    except matches.MatchError as error:
        return Recommendations(problem=str(error))
    rows = []
    for row in ranked:
        other = others.get(row["id"])
        if other is not None:
            rows.append({"participant": other, "score": row["score"], "explanation": row["explanation"]})
        if len(rows) >= top:
            break
    return Recommendations(rows)
