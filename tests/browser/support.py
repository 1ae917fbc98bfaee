"""Helpers for the browser tests: a patient's page that measures weight, runs axe and takes
screenshots at every page and state it is shown."""

from __future__ import annotations

import gzip
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders

AXE = Path(__file__).with_name("vendor") / "axe.min.js"
VIEWPORTS = {
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "is_mobile": True,
        "has_touch": True,
        "device_scale_factor": 2,
    },
    "desktop": {"viewport": {"width": 1280, "height": 900}},
}
MAX_PAGE_BYTES = 150 * 1024
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
BLOCKING = {"serious", "critical"}

# Filled by the tests, printed and written to test-artifacts/ by conftest.pytest_terminal_summary.
REPORT: dict[str, list] = {"pages": [], "axe": []}


def _production_size(path: str, body_size: int) -> int:
    """What whitenoise would send for a static file with DEBUG off: its gzip -9 size (HTML from
    Django is sent as is, there is no GZipMiddleware)."""
    static = "/" + settings.STATIC_URL.lstrip("/")
    if not path.startswith(static):
        return body_size
    found = finders.find(path[len(static) :])
    if not found:
        return body_size
    raw = Path(found).read_bytes()
    return min(body_size, len(gzip.compress(raw, compresslevel=9, mtime=0)))


@dataclass
class Browser:
    chromium: object
    base_url: str
    artifacts: Path

    def open(self, viewport: str, locale: str = "en-US") -> PatientPage:
        context = self.chromium.new_context(locale=locale, **VIEWPORTS[viewport])
        # Record any Content-Security-Policy violation the page causes (checked at every state).
        context.add_init_script(
            "document.addEventListener('securitypolicyviolation', e => "
            "(window.__csp = window.__csp || []).push(e.violatedDirective + ' ' + e.blockedURI));"
        )
        page = context.new_page()
        return PatientPage(page, self.base_url, self.artifacts, viewport, locale)


class PatientPage:
    def __init__(self, page, base_url: str, artifacts: Path, viewport: str, locale: str):
        self.page = page
        self.base_url = base_url.rstrip("/")
        self.artifacts = artifacts
        self.viewport = viewport
        self.tag = viewport if locale.startswith("en") else f"{viewport}-{locale.split('-')[0]}"
        self.requests: list = []
        self.outside: list[str] = []
        self.keys = 0  # keypresses so far (the interview's effort, measured)
        self.taps = 0  # taps and clicks so far
        # Every page is weighed cold, as a first-time visitor on a phone would get it.
        cdp = page.context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        # Kept in the order the browser starts them: a document may finish after its stylesheets.
        page.on("request", self._started)

    def _started(self, request) -> None:
        self.requests.append(request)
        url = request.url
        if not (url.startswith(self.base_url + "/") or url.startswith(("data:", "blob:", "about:"))):
            self.outside.append(url)

    # --- navigation ---------------------------------------------------------------------
    def goto(self, path: str) -> None:
        self.page.goto(self.base_url + path)

    def path(self) -> str:
        return urlsplit(self.page.url).path

    def submit(self) -> None:
        """Press the form's main button (the last submit button of the main form) and wait for
        the page that comes back."""
        with self.page.expect_navigation():
            self.tap("main form[method=post] button[type=submit]", last=True)

    def tap(self, selector: str, *, last: bool = False) -> None:
        """One tap (a click, a tick) on the element, counted."""
        locator = self.page.locator(selector)
        (locator.last if last else locator.first).click()
        self.taps += 1

    def press(self, key: str) -> None:
        """One keypress, counted."""
        self.page.keyboard.press(key)
        self.keys += 1

    # --- keyboard -------------------------------------------------------------------------
    def tab_to(self, selector: str, limit: int = 120) -> None:
        """Press Tab until the element matching `selector` has focus, and check it shows."""
        for _ in range(limit):
            self.press("Tab")
            if self.page.evaluate("s => !!document.activeElement && document.activeElement.matches(s)", selector):
                outline = self.page.evaluate(
                    "() => { const s = getComputedStyle(document.activeElement);"
                    " return [s.outlineStyle, s.outlineWidth, s.boxShadow]; }"
                )
                assert outline[0] != "none" and outline[1] != "0px", f"no visible focus on {selector}: {outline}"
                return
        raise AssertionError(f"Tab never reached {selector}")

    def focused(self) -> str:
        return self.page.evaluate(
            "() => document.activeElement ? (document.activeElement.id || document.activeElement.tagName) : ''"
        )

    # --- checks at every page and state ----------------------------------------------------
    def shown(self, state: str, *, weigh: bool = True, strict: bool = False) -> dict:
        """The patient now sees `state`: weigh it, run axe, check the basics, take a screenshot.
        `strict`: no axe violation of any impact (result pages); else none serious or critical."""
        self.page.wait_for_load_state("networkidle")
        label = f"{self.tag}: {state}"
        if weigh:
            self._weigh(label)
        assert self.outside == [], f"requests outside the app: {self.outside}"
        violations = self.page.evaluate("() => window.__csp || []")
        assert violations == [], f"{label}: Content-Security-Policy violations: {violations}"
        assert self.page.locator("h1").count() == 1, f"{label}: not exactly one h1"
        for landmark in ("header", "main", "footer"):
            assert self.page.locator(landmark).count() == 1, f"{label}: no single <{landmark}>"
        result = self._axe(label, strict)
        shots = self.artifacts / "screenshots"
        shots.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")
        self.page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
        return result

    def _weigh(self, label: str) -> None:
        """Sum what the browser fetched for the page now shown: its document (with the form
        post and redirect that led to it) and everything after."""
        documents = [i for i, r in enumerate(self.requests) if r.resource_type == "document"]
        first = documents[-1] if documents else 0
        chain = self.requests[first].redirected_from if documents else None
        page_requests = ([chain] if chain is not None else []) + self.requests[first:]
        total = production = 0
        for request in page_requests:
            response = request.response()
            sizes = request.sizes()
            body = sizes["responseBodySize"]
            headers = sizes["responseHeadersSize"]
            total += body + headers
            status = response.status if response else 0
            production += headers + (_production_size(urlsplit(request.url).path, body) if status == 200 else body)
        row = {"page": label, "requests": len(page_requests), "bytes": total, "production_bytes": production}
        REPORT["pages"].append(row)
        self.requests.clear()
        assert production < MAX_PAGE_BYTES, f"{label} transfers {production} bytes in production"

    def _axe(self, label: str, strict: bool = False) -> dict:
        if not self.page.evaluate("() => typeof window.axe !== 'undefined'"):
            # Evaluated through the DevTools protocol: a <script> tag would be refused by our CSP.
            self.page.evaluate(AXE.read_text(encoding="utf-8"))
        result = self.page.evaluate(
            """async (tags) => {
                const r = await axe.run(document, {runOnly: {type: "tag", values: tags}});
                return {
                    passes: r.passes.length,
                    violations: r.violations.map(v => ({
                        id: v.id, impact: v.impact, help: v.help,
                        nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ")),
                    })),
                };
            }""",
            AXE_TAGS,
        )
        impacts: dict[str, int] = {}
        for violation in result["violations"]:
            impacts[violation["impact"]] = impacts.get(violation["impact"], 0) + 1
        REPORT["axe"].append(
            {"state": label, "passes": result["passes"], "impacts": impacts, "violations": result["violations"]}
        )
        blocking = [v for v in result["violations"] if strict or v["impact"] in BLOCKING]
        assert blocking == [], f"{label}: serious or critical accessibility problems: {blocking}"
        return result
