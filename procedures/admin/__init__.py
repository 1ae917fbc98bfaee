"""The staff admin: clinical content with review and history, and the follow-up queue.

One module per area; importing them here registers every model with the admin site.

- content.py: the clinical knowledge base (procedures, complications, warning signs, rules) and
  the shared vocabulary (symptoms, areas, sources), read-only here and loaded from fixtures/.
- releases.py: the review workflow every editable content model shares (drafts, "Submit for
  review", "Publish" through the safety gate, restoring a version from history with the rows
  edited on its page: procedures/restore.py) and the list of published releases.
- clinic.py: the clinic's facts patients see (name, phones, opening hours, answer and
  callback times, urgent care), one settings page.
- followup.py: patients' contact requests, the queue sorted by level then waiting time.
- stories.py: test stories (vignettes) and sign-offs for weakened safety content.
- review.py: the review page (waiting for review, weakenings and their sign-offs, test stories
  changed since the latest release, the impact diff, approve and publish) and each release's
  safety case.
"""

from . import clinic, content, followup, releases, stories  # noqa: F401  (registers the admin classes)
