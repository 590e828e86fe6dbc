"""Shared pieces of the browser journeys: pytest-django's live server, headless Chromium, a
login through the real login form, users with the demo password, and full-page screenshots
saved under tests/e2e/artifacts/ for a person to look at.

The live server runs in a thread of the test process, so the journeys use committed data
(``committed_db``) and may open board scopes and call services between clicks."""


