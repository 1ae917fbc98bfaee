"""Check the knowledge base for holes: missing slugs, sources, guidance, translations."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from procedures.integrity import check_knowledge_base, shared_vocabulary
from procedures.selectors import knowledge_base_data


class Command(BaseCommand):
    help = "Check the content tables against the shared vocabulary and the integrity rules."

    def add_arguments(self, parser):
        parser.add_argument("--vocabulary", type=Path, default=settings.SHARED_DIR / "vocabulary")

    def handle(self, *args, vocabulary: Path, **options):
        data = knowledge_base_data()
        vocab = shared_vocabulary(vocabulary)
        if vocab is None:
            self.stderr.write(f"No vocabulary at {vocabulary}: checking without it.")
        problems = check_knowledge_base(data, vocab)
        counts = (
            f"{len(data['procedures'])} procedures, {len(data['complications'])} complications, "
            f"{sum(len(p['complications']) for p in data['procedures'])} links, "
            f"{sum(len(c['warning_signs']) for c in data['complications'])} warning signs, "
            f"{sum(len(c['rules']) for c in data['complications'])} rules, "
            f"{sum(len(p['expected_effects']) for p in data['procedures'])} expected effects, "
            f"{len(data['sources'])} sources, {len(data['symptoms'])} symptoms"
        )
        self.stdout.write(counts)
        if problems:
            for problem in problems:
                self.stdout.write(f"  {problem}")
            raise CommandError(f"{len(problems)} integrity problem(s)")
        self.stdout.write(self.style.SUCCESS("Knowledge base is whole."))
