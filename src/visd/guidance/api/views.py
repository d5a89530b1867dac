"""``GET /api/guidance/navigator/``: the navigator page's answer as data. Public and read-only, like
the page. The parameters are the page's (a page link's query string works here unchanged), checked by
``NavigatorQuerySerializer``; the answer comes from the same ``services.navigate`` as the page, with
the reason sentences of the page's template filters."""

from django.urls import reverse
from django.utils.http import urlencode
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from visd.core.api.schema import RoleAwareAutoSchema

from .. import navigator, services
from ..templatetags.guidance import aid_problem, reason_text
from .serializers import NavigatorAnswerSerializer, NavigatorQuerySerializer


def _plain(value):
    return [_plain(v) for v in value] if isinstance(value, (tuple, list)) else value


def _reasons(reasons) -> list[dict]:
    return [{"code": r.code, "text": reason_text(r), "source": r.source,
             "values": {name: _plain(value) for name, value in r.values}} for r in reasons]


def _aid(aid: navigator.AidCalculation | None) -> dict | None:
    if aid is None:
        return None
    return {"project_kind": aid.project_kind, "size": aid.size, "regime": aid.regime,
            "base_percent": aid.base_percent, "bonus_percent": aid.bonus_percent, "total_percent": aid.total_percent,
            "project_cost": aid.project_cost, "base_amount": aid.base_amount, "total_amount": aid.total_amount,
            "problem": aid.problem, "problem_text": aid_problem(aid.problem) if aid.problem else "",
            "sources": list(aid.sources)}


def _instrument_url(code: str) -> str:
    return reverse("guidance:instrument", args=[code])


def answer_data(answer: services.Answer, page_url: str) -> dict:
    """The answer of ``services.navigate`` as plain data, in the page's order and with its texts."""
    profile = answer.result.profile
    instruments = []
    for item in answer.matches:
        instrument, guidance, match = item.instrument, item.guidance, item.match
        offers, offers_source = (guidance.offers, guidance.offers_source) if guidance and guidance.offers \
            else (instrument.description, instrument.source)
        instruments.append({
            "code": instrument.code, "name": instrument.name, "level": instrument.level, "kind": instrument.kind,
            "owner": instrument.owner, "url": _instrument_url(instrument.code), "score": match.score,
            "reasons": _reasons(match.reasons), "caveats": _reasons(match.caveats),
            "applicants_note": guidance.applicants_note if guidance else "",
            "applicants_source": guidance.applicants_source if guidance else "",
            "offers": offers, "offers_source": offers_source, "aid": _aid(match.aid),
            "open_calls": [{"topic_id": call.topic_id, "title": call.title, "deadline": call.deadline,
                            "status": call.status, "url": call.get_absolute_url(), "source": call.data_source}
                           for call in item.calls],
        })
    return {
        "rules_version": navigator.RULES_VERSION,
        "profile": {"goal": profile.goal, "kind": profile.kind, "size": profile.size, "region": profile.region,
                    "startup": profile.startup, "domains": list(profile.domains), "trl": profile.trl,
                    "destination": profile.destination, "project_cost": profile.project_cost,
                    "collaboration": profile.collaboration},
        "phases": list(answer.result.phases),
        "trl_phase": answer.result.trl_phase,
        "instruments": instruments,
        "excluded": [{"code": instrument.code, "name": instrument.name, "url": _instrument_url(instrument.code),
                      "reasons": _reasons(exclusion.reasons)} for exclusion, instrument in answer.excluded],
        "contact_points": [{"code": contact.code, "name": contact.name, "organisation": contact.organisation,
                            "level": contact.level, "role": contact.role, "url": contact.url,
                            "source": contact.source, "reasons": _reasons(match.reasons)}
                           for match, contact in answer.contacts],
        "obligations": [{"code": o.code, "title": o.title, "text": o.text, "lead_time": o.lead_time, "link": o.link,
                         "source": o.source} for o in answer.obligations],
        "facilities": [{"id": f.pk, "name": f.name, "operator": f.operator_id, "operator_name": f.operator.name,
                        "city": f.city, "phases": list(f.phases), "url": f.get_absolute_url()}
                       for f in answer.facilities],
        "rules": [{"code": rule.code, "source": rule.source} for rule in answer.result.rules],
        "page_url": page_url,
    }


class NavigatorView(APIView):
    """The instrument navigator (docs/guidance.md)."""

    schema = RoleAwareAutoSchema()

    @extend_schema(
        summary="Instrument navigator",
        description=(
            "Which Flemish, federal, EU and NATO instruments fit a situation, why (each reason with its "
            "source), what they pay (aid intensity from the sourced rates), open calls, contact points, "
            "obligations and test facilities: the answer of the navigator page /guidance/navigator/, "
            "with the same parameters. Unknown or invalid values give 400 with a message per parameter."),
        parameters=[NavigatorQuerySerializer],
        responses={200: NavigatorAnswerSerializer,
                   400: OpenApiResponse(description="Invalid parameters: a list of messages per parameter.")},
        tags=["guidance"],
    )
    def get(self, request):
        query = NavigatorQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        answer = services.navigate(query.profile())
        page_url = request.build_absolute_uri(f"{reverse('guidance:navigator')}?{urlencode(request.query_params, doseq=True)}")
        return Response(NavigatorAnswerSerializer(answer_data(answer, page_url)).data)
