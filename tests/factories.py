"""factory_boy factories for content rows and staff users (unit-test data is built in code)."""

import factory
from django.contrib.auth import get_user_model

from procedures import models
from procedures.kb_schema import table_of
from procedures.languages import translation_languages


def translations(model):
    """A row's `translations`: each of its texts the factory gives in English, in every translation
    language of settings.LANGUAGES when the row is built, as "<English> (<code>)"."""
    texts = table_of(model).texts

    def build(row) -> dict:
        given = {text.name: getattr(row, text.name, "") for text in texts}
        return {
            code: {name: f"{value} ({code})" for name, value in given.items() if value}
            for code in translation_languages()
        }

    return factory.LazyAttribute(build)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@clinic.example")

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or "correct horse battery staple")
        if create:
            self.save(update_fields=["password"])

    is_staff = True


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Source
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"T{n}")
    title = "Test source"
    grade = "A"
    status = "published"


class SymptomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Symptom
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"test-symptom-{n}")
    label = factory.LazyAttribute(lambda s: s.slug.replace("-", " ").capitalize())
    translations = translations(models.Symptom)
    group = "skin"
    status = "published"


class ProcedureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Procedure
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"test-procedure-{n}")
    name = factory.LazyAttribute(lambda p: p.slug.replace("-", " ").title())
    aliases = "Test Brand"
    description = "A test procedure."
    translations = translations(models.Procedure)
    status = "published"


class ComplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Complication
        django_get_or_create = ("slug",)
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"test-complication-{n}")
    name = factory.LazyAttribute(lambda c: c.slug.replace("-", " ").capitalize())
    summary = "What it is."
    what_to_do = "Call the clinic."
    escalation = "Call {emergency_number} if it spreads."
    translations = translations(models.Complication)
    default_urgency = "urgent"
    status = "published"

    @factory.post_generation
    def sources(self, create, extracted, **kwargs):
        if create:
            self.sources.set(extracted or [SourceFactory()])


class LinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ProcedureComplication

    procedure = factory.SubFactory(ProcedureFactory)
    complication = factory.SubFactory(ComplicationFactory)
    onset_min_days = 0
    onset_max_days = 10
    frequency_band = "rare"
    evidence_grade = "A"
    urgency = "urgent"
    status = "published"


class WarningSignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.WarningSign

    complication = factory.SubFactory(ComplicationFactory)
    symptom = factory.SubFactory(SymptomFactory)
    weight = 0.8
    urgency = "urgent"
    status = "published"


class ExpectedEffectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ExpectedEffect
        skip_postgeneration_save = True

    procedure = factory.SubFactory(ProcedureFactory)
    slug = factory.Sequence(lambda n: f"effect-{n}")
    name = "Swelling"
    description = "Normal swelling."
    translations = translations(models.ExpectedEffect)
    normal_until_day = 7
    worst_by_day = 2
    status = "published"

    @factory.post_generation
    def symptoms(self, create, extracted, **kwargs):
        if create and extracted:
            self.symptoms.set(extracted)


def staff_user(role: str | None = None, **kwargs):
    """A staff member in one of the roles created by the 0003_staff_roles migration."""
    from django.contrib.auth.models import Group

    user = UserFactory(**kwargs)
    if role:
        if not Group.objects.filter(name=role).exists():
            restore_staff_roles()
        user.groups.add(Group.objects.get(name=role))
    return user


def restore_staff_roles() -> None:
    """Put the staff roles back as the migrations made them.

    The roles are data that migrations create, and a transactional test (every browser test)
    ends with a flush that deletes them. This replays, in migration order, each migration step
    that creates or grants a role (0003_staff_roles' `create_roles`, and `role_grants` from
    procedures/migrations/_roles.py), on the models as the latest migrations define them."""
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.operations import RunPython

    loader = MigrationLoader(connection)
    state_apps = loader.project_state().apps
    plan: list[tuple[str, str]] = []
    for leaf in loader.graph.leaf_nodes():
        plan += [node for node in loader.graph.forwards_plan(leaf) if node not in plan]
    for node in plan:
        for operation in loader.graph.nodes[node].operations:
            code = getattr(operation, "code", None)
            if isinstance(operation, RunPython) and (
                code.__module__.endswith("._roles") or code.__name__ == "create_roles"
            ):
                code(state_apps, None)


class ContactRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ContactRequest

    consent = True
    consent_text_version = "test"
    name = "Alice Patient"
    phone = "+1 213 555 0199"
    preferred_time = "any"
    answers = factory.LazyAttribute(
        lambda r: {
            "screen": {"red_flags": [], "none": True},
            "treatment": {"procedure": "rf-microneedling", "days": 5, "area": "face"},
            "symptoms": {"symptoms": ["spreading-redness"], "trend": "worsening"},
        }
    )
    result = factory.LazyAttribute(lambda r: {"urgency": r.urgency, "complications": [], "red_flags": []})
    urgency = "urgent"
    engine_version = "1.0.0"
    knowledge_base_version = "1-test"
