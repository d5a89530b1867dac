"""The navigator API's question (query parameters) and answer. The question uses the page's own
choices (``guidance.forms``) and becomes a ``navigator.Profile`` through the same function as the
page (``services.profile_from_answers``); the answer serializers only describe and render what
``services.navigate`` returns."""

from django.core.validators import ProhibitNullCharactersValidator
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from visd.actors.models import Actor

from .. import services
from ..forms import DESTINATION_CHOICES, GOAL_CHOICES, KIND_CHOICES, REGION_CHOICES, SIZE_CHOICES

PROJECT_COST_MAX = 10**12


class CodeChoiceField(serializers.ChoiceField):
    """A choice of codes whose error names the codes that are allowed."""

    default_error_messages = {"invalid_choice": _('"{input}" is not a valid choice; give one of: {choices}.')}

    def __init__(self, choices, **kwargs):
        super().__init__([(code, label) for code, label in choices if code], **kwargs)

    def to_internal_value(self, data):
        if data == "" and self.allow_blank:
            return ""
        try:
            return self.choice_strings_to_values[str(data)]
        except KeyError:
            self.fail("invalid_choice", input=data, choices=", ".join(self.choice_strings_to_values))


class CodeRelatedField(serializers.SlugRelatedField):
    """A record by its code; a code with a NUL character is refused before it reaches the database
    (PostgreSQL cannot compare it)."""

    def to_internal_value(self, data):
        if isinstance(data, str) and "\x00" in data:
            raise serializers.ValidationError(ProhibitNullCharactersValidator.message)
        return super().to_internal_value(data)


class NavigatorQuerySerializer(serializers.Serializer):
    """The navigator's questions, with the parameter names and codes of the page's links
    (``/guidance/navigator/?goal=develop&kind=company...``). An empty value means "not given"."""

    goal = CodeChoiceField(GOAL_CHOICES, help_text=_("What do you want to do next?"))
    kind = CodeChoiceField(KIND_CHOICES, required=False, allow_blank=True, help_text=_("Kind of organisation"))
    size = CodeChoiceField(SIZE_CHOICES, required=False, allow_blank=True, help_text=_("Size (EU SME definition)"))
    startup = serializers.BooleanField(required=False, default=False, help_text=_("A start-up or young company"))
    region = CodeChoiceField(REGION_CHOICES, required=False, allow_blank=True, help_text=_("Region"))
    domain = CodeRelatedField(
        slug_field="code", queryset=services.focus_domains(), required=False, allow_null=True,
        error_messages={"does_not_exist": _('Unknown focus domain "{value}".')},
        help_text=_("Focus-domain code, e.g. luchtvaart-uav."))
    trl = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=9,
                                   help_text=_("Technology readiness level (TRL)"))
    destination = CodeChoiceField(DESTINATION_CHOICES, required=False, allow_blank=True,
                                  help_text=_("Export destination"))
    project_cost = serializers.DecimalField(
        required=False, allow_null=True, max_digits=13, decimal_places=0, min_value=0, max_value=PROJECT_COST_MAX,
        coerce_to_string=False, help_text=_("Eligible project cost (EUR)"))
    collaboration = serializers.BooleanField(required=False, default=False,
                                             help_text=_("In collaboration with other companies"))
    actor = serializers.IntegerField(
        required=False, min_value=1,
        help_text=_("An actor in the registry: kind, size, region and focus domain that are not given are "
                    "taken from its registry record."))

    def validate_actor(self, value):
        actor = Actor.objects.filter(pk=value).first()
        if actor is None:
            raise serializers.ValidationError(_("There is no actor with id %(id)s.") % {"id": value})
        return actor

    def validate(self, attrs):
        actor = attrs.get("actor")
        if actor is not None:
            given = self.initial_data
            for name, value in services.actor_answers(actor).items():
                if name in given:
                    continue
                if name == "domain":
                    value = services.focus_domains().filter(code=value).first() if value else None
                attrs[name] = value
        return attrs

    def profile(self):
        return services.profile_from_answers(self.validated_data)


# --- the answer ----------------------------------------------------------------------------------------

class ReasonSerializer(serializers.Serializer):
    code = serializers.CharField()
    text = serializers.CharField()
    source = serializers.CharField(allow_blank=True, help_text=_("Source"))
    values = serializers.DictField()


class AidSerializer(serializers.Serializer):
    project_kind = serializers.CharField()
    size = serializers.CharField(allow_blank=True)
    regime = serializers.CharField(allow_blank=True)
    base_percent = serializers.DecimalField(max_digits=5, decimal_places=2, coerce_to_string=False, allow_null=True)
    bonus_percent = serializers.DecimalField(max_digits=5, decimal_places=2, coerce_to_string=False, allow_null=True,
                                             help_text=_("collaboration bonus"))
    total_percent = serializers.DecimalField(max_digits=6, decimal_places=2, coerce_to_string=False, allow_null=True)
    project_cost = serializers.DecimalField(max_digits=13, decimal_places=0, coerce_to_string=False, allow_null=True)
    base_amount = serializers.DecimalField(max_digits=16, decimal_places=0, coerce_to_string=False, allow_null=True)
    total_amount = serializers.DecimalField(max_digits=16, decimal_places=0, coerce_to_string=False, allow_null=True)
    problem = serializers.CharField(allow_blank=True, help_text="size-unknown, no-rate-for-case, rate-unknown")
    problem_text = serializers.CharField(allow_blank=True)
    sources = serializers.ListField(child=serializers.CharField())


class OpenCallSerializer(serializers.Serializer):
    topic_id = serializers.CharField()
    title = serializers.CharField()
    deadline = serializers.DateField(allow_null=True)
    status = serializers.CharField(allow_blank=True)
    url = serializers.CharField()
    source = serializers.CharField(allow_blank=True)


class InstrumentMatchSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.CharField()
    kind = serializers.CharField()
    owner = serializers.CharField(allow_blank=True)
    url = serializers.CharField()
    score = serializers.IntegerField()
    reasons = ReasonSerializer(many=True, help_text=_("Why it fits"))
    caveats = ReasonSerializer(many=True, help_text=_("To check"))
    applicants_note = serializers.CharField(allow_blank=True)
    applicants_source = serializers.CharField(allow_blank=True)
    offers = serializers.CharField(allow_blank=True, help_text=_("What it pays or offers"))
    offers_source = serializers.CharField(allow_blank=True)
    aid = AidSerializer(allow_null=True, help_text=_("Aid intensity"))
    open_calls = OpenCallSerializer(many=True, help_text=_("Open calls"))


class ExclusionSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    url = serializers.CharField()
    reasons = ReasonSerializer(many=True)


class ContactPointSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    organisation = serializers.CharField()
    level = serializers.CharField()
    role = serializers.CharField(allow_blank=True)
    url = serializers.CharField(allow_blank=True)
    source = serializers.CharField(allow_blank=True)
    reasons = ReasonSerializer(many=True)


class ObligationSerializer(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()
    text = serializers.CharField(allow_blank=True)
    lead_time = serializers.CharField(allow_blank=True)
    link = serializers.CharField(allow_blank=True)
    source = serializers.CharField(allow_blank=True)


class FacilitySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    operator = serializers.IntegerField()
    operator_name = serializers.CharField()
    city = serializers.CharField(allow_blank=True)
    phases = serializers.ListField(child=serializers.CharField())
    url = serializers.CharField()


class ProfileSerializer(serializers.Serializer):
    goal = serializers.CharField()
    kind = serializers.CharField(allow_blank=True)
    size = serializers.CharField(allow_blank=True)
    region = serializers.CharField(allow_blank=True)
    startup = serializers.BooleanField()
    domains = serializers.ListField(child=serializers.CharField())
    trl = serializers.IntegerField(allow_null=True)
    destination = serializers.CharField(allow_blank=True)
    project_cost = serializers.DecimalField(max_digits=13, decimal_places=0, coerce_to_string=False, allow_null=True)
    collaboration = serializers.BooleanField()


class RuleSerializer(serializers.Serializer):
    code = serializers.CharField()
    source = serializers.CharField()


class NavigatorAnswerSerializer(serializers.Serializer):
    rules_version = serializers.CharField()
    profile = ProfileSerializer()
    phases = serializers.ListField(child=serializers.CharField())
    trl_phase = serializers.CharField(allow_blank=True)
    instruments = InstrumentMatchSerializer(many=True, help_text=_("Fitting instruments"))
    excluded = ExclusionSerializer(many=True)
    contact_points = ContactPointSerializer(many=True)
    obligations = ObligationSerializer(many=True)
    facilities = FacilitySerializer(many=True, help_text=_("Test facilities"))
    rules = RuleSerializer(many=True)
    page_url = serializers.CharField(help_text=_("Link to this answer (to share or print)"))
