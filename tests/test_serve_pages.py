"""Every page of `rotations serve` in the real browser (Debian's chromium, driven by selenium)
at a phone's 390×844 and a laptop's 1280×800: nothing scrolls sideways (the wide tables scroll
in their own box), every control is at least 44 px high and wide, and axe-core (the npm package
`npm ci` installs) finds no serious or critical violation. One server and one browser for the
module."""

from __future__ import annotations

import shutil
import urllib.request
from pathlib import Path

import pytest

from tests.test_serve_browser import done, serve
from tests.test_serve_cases import make_program

AXE = Path(__file__).parent.parent / "node_modules" / "axe-core" / "axe.min.js"
SIZES = [(390, 844), (1280, 800)]
# What a finger presses; a checkbox is pressed by its label.
TARGETS = """
return [...document.querySelectorAll(
    'a[href], button, select, textarea, summary, input:not([type=hidden]):not([type=checkbox])'
)].concat([...document.querySelectorAll('input[type=checkbox]')].map(c => c.closest('label')))
  .filter(e => e.offsetParent !== null && !e.closest('.scroll table.grid'))
  .map(e => { const r = e.getBoundingClientRect();
              return [e.outerHTML.slice(0, 80), Math.round(r.width), Math.round(r.height)]; })
  .filter(([_, w, h]) => w < 44 || h < 44);
"""

pytestmark = pytest.mark.skipif(
    shutil.which("chromedriver") is None, reason="Debian's chromium-driver not installed"
)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The program that takes cases, published, with a pending leave request previewed and a
    pending faculty request for days away: (base URL, site)."""
    running = serve(tmp_path_factory.mktemp("pages"), make_program)
    base, site = next(running)
    site.store.add_request("ana", "2027-07-26", "2027-07-30", "requested", "Family wedding")
    site.store.add_request("lee", "2027-08-16", "2027-08-20", "approved", "", "faculty")
    site.store.queue("preview", 1)
    site.worker.wake.set()
    done(site, "preview")
    yield base, site
    next(running, None)


@pytest.fixture(scope="module")
def browser(site):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    assert AXE.is_file(), "axe-core is missing: run `npm ci` in the project's folder"
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    base, site_ = site
    driver.get(f"{base}/signin/{site_.signin_link()}")  # the coordinator's session cookie
    yield driver
    driver.quit()


def pages(site) -> dict[str, str]:
    base, s = site
    return {
        "fellow": f"{base}/p/{s.state.token('ana')}",
        "fellow, whole program": f"{base}/p/{s.state.token('ana')}?grid=all",
        "fellow, next month": f"{base}/p/{s.state.token('ana')}?month=2027-08",
        "faculty": f"{base}/p/{s.state.token('lee')}",
        "coordinator": f"{base}/coordinator",
        "coordinator, one fellow": f"{base}/coordinator?fellow=ana",
        "request": f"{base}/coordinator/requests/1",
        "publication": f"{base}/coordinator/publications/1",
        "agenda": f"{base}/coordinator/agenda",
        "report": f"{base}/report",
    }


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize(
    "name",
    [
        "fellow",
        "fellow, whole program",
        "fellow, next month",
        "faculty",
        "coordinator",
        "coordinator, one fellow",
        "request",
        "publication",
        "agenda",
        "report",
    ],
)
def test_every_page_fits_the_screen_and_passes_axe(site, browser, name, size) -> None:
    width, height = size
    browser.set_window_size(width, height)
    # the window's outer size includes the browser's frame: make the page's own width right
    inner = browser.execute_script("return window.innerWidth")
    browser.set_window_size(width + (width - inner), height)
    browser.get(pages(site)[name])
    assert browser.execute_script("return window.innerWidth") == width
    assert "Not allowed" not in browser.page_source and "No such" not in browser.page_source
    scroll = browser.execute_script("return document.documentElement.scrollWidth")
    assert scroll <= width, f"{name} scrolls sideways at {width} px: {scroll} px wide"
    small = browser.execute_script(TARGETS)
    assert not small, f"{name}: controls under 44 px at {width} px: {small}"
    browser.execute_script(AXE.read_text(encoding="utf-8"))
    found = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document).then(r => done(r.violations.map(v => [v.id, v.impact, v.help,"
        " v.nodes.slice(0, 3).map(n => n.html)])));"
    )
    bad = [v for v in found if v[1] in ("serious", "critical")]
    assert not bad, f"{name} at {width} px: {bad}"


def test_the_month_shows_the_fellows_days_and_the_copy_button_works(site, browser) -> None:
    """This month lists ana's rotation on each day, and the copy button (shown by the script)
    copies the feed address (its label changes once the browser's clipboard has answered: the
    click's handler waits for it, so the test waits too, up to 10 s)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser.set_window_size(390, 844)
    browser.get(pages(site)["fellow"])
    cells = browser.find_elements(By.CSS_SELECTOR, "#month td:not(.other) .rot")
    assert len(cells) == 27  # July 5 to 31, 2027: every day of the program in July
    button = browser.find_element(By.CSS_SELECTOR, "button[data-copy]")
    assert button.is_displayed()
    button.click()
    WebDriverWait(browser, 10).until(lambda _: button.text != "Copy the address")
    assert button.text == "Copied"


def test_without_javascript_the_copy_button_stays_hidden_and_the_address_is_there(site) -> None:
    """Progressive enhancement: the page as sent has the address in a field and the button
    hidden (only the script shows it)."""
    with urllib.request.urlopen(pages(site)["fellow"]) as response:
        page = response.read().decode()
    assert '<button type="button" data-copy="feed-address" hidden>' in page
    assert f"/feeds/{site[1].state.token('ana')}.ics" in page
