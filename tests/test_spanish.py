"""Spanish: the catalogue is complete and compiled, the knowledge base speaks Spanish, and the
patient pages (emergency screen and every urgency level) come out whole in Spanish."""

from __future__ import annotations

import gettext
import re
from html import unescape
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from procedures.models import KnowledgeBaseRelease
from procedures.triage.scales import ROUTES, TRENDS_SPEC, URGENCY_LEVELS, level
from procedures.wording import fill_locale_facts

from .patient_stories import BREATHING, RESULT_STORIES, walk

LOCALE = Path(settings.BASE_DIR) / "locale" / "es" / "LC_MESSAGES"


def _po_entries(path: Path) -> list[tuple[str, str, bool]]:
    """(msgid, msgstr, fuzzy) for every entry of a .po file, header excluded."""
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        fuzzy = "#, fuzzy" in block or re.search(r"^#,.*\bfuzzy\b", block, re.M) is not None
        msgid = re.search(r'^msgid ((?:".*"\n)+)', block + "\n", re.M)
        msgstr = re.search(r'^msgstr ((?:".*"\n?)+)', block + "\n", re.M)
        if not msgid or not msgstr:
            continue
        join = lambda m: "".join(re.findall(r'"(.*)"', m.group(1)))  # noqa: E731
        mid, mstr = join(msgid), join(msgstr)
        if mid:
            entries.append(
                (
                    mid.encode().decode("unicode_escape").encode("latin-1").decode("utf-8"),
                    mstr.encode().decode("unicode_escape").encode("latin-1").decode("utf-8"),
                    fuzzy,
                )
            )
    return entries


CATALOGUE = _po_entries(LOCALE / "django.po")


def test_every_interface_string_has_a_spanish_translation():
    untranslated = [mid for mid, mstr, fuzzy in CATALOGUE if not mstr or fuzzy]
    assert CATALOGUE, "locale/es/LC_MESSAGES/django.po is empty"
    assert untranslated == [], "translate these in django.po, then run compilemessages"


def test_the_compiled_catalogue_matches_the_po_file():
    """The .mo is committed so a fresh machine needs no gettext; it must not go stale."""
    with (LOCALE / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = [mid for mid, mstr, _ in CATALOGUE if compiled.gettext(mid) != mstr]
    assert stale == [], "run `manage.py compilemessages` and commit django.mo"


def test_every_level_route_and_trend_is_said_in_spanish():
    """The closed vocabularies' words are gettext message ids: each must have its translation."""
    translated = {mid: mstr for mid, mstr, fuzzy in CATALOGUE if mstr and not fuzzy}
    words = [t.label for t in (*ROUTES, *TRENDS_SPEC)]
    for spec in URGENCY_LEVELS:
        words += [spec.label, spec.title, spec.lead, spec.guidance]
    missing = [word for word in words if word not in translated]
    assert missing == []


def _missing_spanish(data: dict) -> list[str]:
    """Every patient-facing text of a release that has English but no Spanish."""
    missing = []

    def check(where: str, row: dict, *fields: str) -> None:
        for name in fields:
            if (row.get(name) or "").strip() and not (row.get(f"{name}_es") or "").strip():
                missing.append(f"{where}: {name}_es")

    for s in data["symptoms"]:
        check(f"symptom {s['slug']}", s, "label")
    for a in data["areas"]:
        check(f"area {a['slug']}", a, "name")
    for c in data["complications"]:
        check(
            f"complication {c['slug']}", c, "name", "summary", "what_to_do", "self_care", "escalation", "evidence_note"
        )
        for r in c["rules"]:
            check(f"rule {r['slug']}", r, "explanation")
    for p in data["procedures"]:
        check(f"procedure {p['slug']}", p, "name", "description")
        for e in p["expected_effects"]:
            check(f"expected effect {p['slug']}/{e['slug']}", e, "name", "description")
        for link in p["complications"]:
            check(f"link {p['slug']}/{link['complication']}", link, "note")
    return missing


@pytest.mark.django_db
def test_published_knowledge_base_has_spanish_for_every_patient_facing_text():
    release = KnowledgeBaseRelease.objects.order_by("-version").first()
    assert release is not None, "no published knowledge base"
    assert _missing_spanish(release.data) == []


def test_missing_spanish_is_caught():
    data = {
        "symptoms": [{"slug": "itch", "label": "Itch", "label_es": ""}],
        "areas": [],
        "complications": [],
        "procedures": [
            {
                "slug": "peel",
                "name": "Peel",
                "name_es": "Peeling",
                "description": "",
                "expected_effects": [{"slug": "red", "name": "Redness", "name_es": "Rojez", "description": "Red"}],
                "complications": [],
            }
        ],
    }
    assert _missing_spanish(data) == ["symptom itch: label_es", "expected effect peel/red: description_es"]


# Template text that must never show on a Spanish page: every catalogue entry whose Spanish differs.
ENGLISH_ONLY = sorted(
    {mid for mid, mstr, _ in CATALOGUE if mstr != mid and len(mid) > 12 and "%(" not in mid and "<" not in mid},
    key=len,
    reverse=True,
)


def _visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def _assert_spanish(response) -> str:
    html = response.content.decode()
    assert '<html lang="es">' in html
    # The clinic's name is configuration (CLINIC_NAME), not interface text.
    text = _visible_text(html).replace(settings.CLINIC_NAME, "")
    leftovers = [mid for mid in ENGLISH_ONLY if mid in text]
    assert leftovers == []
    return text


@pytest.fixture
def spanish_client(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "es-MX,es;q=0.9,en;q=0.5"
    return client


@pytest.mark.django_db
def test_english_is_the_default(client):
    assert '<html lang="en">' in client.get("/check/").content.decode()


@pytest.mark.django_db
def test_browser_language_chooses_spanish(spanish_client):
    text = _assert_spanish(spanish_client.get("/check/"))
    assert "Primero, una revisión de emergencia" in text


@pytest.mark.django_db
def test_the_switcher_changes_the_language_and_comes_back(client):
    response = client.post("/i18n/setlang/", {"language": "es", "next": "/check/"})
    assert response.status_code == 302 and response.url == "/check/"
    assert "Primero, una revisión de emergencia" in _assert_spanish(client.get("/check/"))
    client.post("/i18n/setlang/", {"language": "en", "next": "/check/"})
    assert '<html lang="en">' in client.get("/check/").content.decode()


@pytest.mark.django_db
def test_emergency_screen_is_complete_in_spanish(spanish_client):
    assert walk(spanish_client, BREATHING).url == "/check/result/"
    text = _assert_spanish(spanish_client.get("/check/result/"))
    assert "Llame al 911 ahora" in text
    assert "Dificultad para respirar" in text or "respirar" in text  # the red flag's Spanish label


@pytest.mark.django_db
@pytest.mark.parametrize("story", RESULT_STORIES, ids=lambda s: s.name)
def test_every_urgency_level_is_complete_in_spanish(spanish_client, story):
    assert walk(spanish_client, story).url in ("/check/result/", "/check/more/")
    if spanish_client.get("/check/more/").status_code == 200:  # optional follow-up questions, in Spanish too
        _assert_spanish(spanish_client.get("/check/more/"))
    response = spanish_client.get("/check/result/")
    assert response.context["level"].value == story.level
    text = _assert_spanish(response)
    spec = level(story.level)
    with translation.override("es"):
        title, guidance, lead = (
            fill_locale_facts(translation.gettext(m)) for m in (spec.title, spec.guidance, spec.lead)
        )
    assert title in text
    # The full advice, or its one-line lead when the likeliest complication's advice follows.
    assert guidance in text or lead in text
    assert "Qué es normal después de este tratamiento" in text


@pytest.mark.django_db
def test_error_messages_are_in_spanish(spanish_client):
    text = _assert_spanish(spanish_client.post("/check/", {}))
    assert "marque “Ninguno de estos”" in text
