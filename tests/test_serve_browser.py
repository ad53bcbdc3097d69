"""The leave loop in a real browser: headless Chromium (Debian's `chromium` and
`chromium-driver`, which .ci/run installs) driven by selenium against `rotations serve` on
127.0.0.1 — a fellow asks for leave, the coordinator previews and approves it, the fellow's page
shows it approved. Screenshots of both pages go to tests/screenshots/ when ROTATIONS_SCREENSHOTS
is set (to look at by eye)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest
import uvicorn

from rotations.publish.state import load_state
from rotations.serve.app import Site, create_app
from rotations.serve.store import Store
from rotations.serve.worker import Program
from tests.test_serve import make_program, settle
from tests.test_serve_cases import make_program as make_case_program

pytestmark = pytest.mark.skipif(
    shutil.which("chromedriver") is None, reason="Debian's chromium-driver not installed"
)


@pytest.fixture
def server(tmp_path):
    """`rotations serve` of the tiny program on a free port of 127.0.0.1: (base URL, site)."""
    yield from serve(tmp_path, make_program)


@pytest.fixture
def case_server(tmp_path):
    """The same, of a tiny program that takes cases (tests/test_serve_cases.py)."""
    yield from serve(tmp_path, make_case_program)


def serve(tmp_path, make):
    file = make(tmp_path / "program")
    state = load_state(tmp_path / "state", "tiny")
    state.save()
    site = Site(
        Program(file, 10.0, today=lambda: dt.date(2027, 7, 12)),
        state,
        Store(tmp_path / "state" / "serve.sqlite3"),
    )
    site.store.queue("solve")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(create_app(site), host="127.0.0.1", port=port, log_level="warning")
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    while not running.started:
        time.sleep(0.05)
    settle(site)
    yield f"http://127.0.0.1:{port}", site
    running.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1200,1400"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    driver.implicitly_wait(10)  # a clicked form's next page may still be loading
    yield driver
    driver.quit()


def done(site: Site, kind: str, seconds: float = 60) -> None:
    """Wait until the browser's click has queued a job of `kind` and the worker has run it (the
    form is sent after click() returns)."""
    end = time.monotonic() + seconds
    query = "SELECT status FROM jobs WHERE kind = ? ORDER BY id DESC LIMIT 1"
    while (job := site.store.row(query, kind)) is None or job["status"] in ("queued", "running"):
        assert time.monotonic() < end, f"no {kind} ran"
        time.sleep(0.05)


def shoot(driver, name: str) -> None:
    if os.environ.get("ROTATIONS_SCREENSHOTS"):
        folder = Path(__file__).parent / "screenshots"
        folder.mkdir(exist_ok=True)
        driver.save_screenshot(str(folder / f"{name}.png"))


def test_a_fellow_asks_and_the_coordinator_approves(server, browser) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    base, site = server
    page = f"{base}/p/{site.state.token('ana')}"
    browser.get(page)
    form = browser.find_element(By.ID, "leave-form")
    # A date input takes the keys of the browser's locale format: set the values directly.
    for name, value in (("start", "2027-07-26"), ("end", "2027-07-30")):
        field = form.find_element(By.NAME, name)
        browser.execute_script("arguments[0].value = arguments[1]", field, value)
    Select(form.find_element(By.NAME, "kind")).select_by_value("approved")
    form.find_element(By.NAME, "note").send_keys("Family wedding")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    assert "sent: the coordinator will answer it here" in browser.find_element(By.ID, "sent").text
    assert browser.find_element(By.CSS_SELECTOR, "#requests .status").text == "pending"

    browser.get(f"{base}/signin/{site.signin_link()}")
    assert "Family wedding" in browser.find_element(By.ID, "pending").text
    browser.find_element(By.XPATH, "//button[text()='Preview']").click()
    done(site, "preview")
    browser.get(f"{base}/coordinator/requests/1")
    assert "It can be granted." in browser.page_source
    shoot(browser, "coordinator-preview")
    browser.get(f"{base}/coordinator")
    browser.find_element(By.XPATH, "//button[text()='Approve']").click()
    done(site, "approve")
    browser.get(f"{base}/coordinator")
    assert "approved request 1" in browser.page_source
    shoot(browser, "coordinator")

    browser.get(page)
    assert browser.find_element(By.CSS_SELECTOR, "#requests .status").text == "approved"
    shoot(browser, "fellow")


def test_a_fellow_submits_a_case_and_the_coordinator_records_its_outcome(
    case_server, browser
) -> None:
    """Submit -> agenda -> outcome: ana submits a case from her page; the coordinator finds it
    on the coming agenda with its summary, and records the outcome of the case discussed last
    week with a follow-up in two weeks, which joins the agenda."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    base, site = case_server
    page = f"{base}/p/{site.state.token('ana')}"
    browser.get(page)
    form = browser.find_element(By.ID, "case-form")
    form.find_element(By.NAME, "case").send_keys("C-2")
    Select(form.find_element(By.NAME, "type")).select_by_value("implant")
    field = form.find_element(By.NAME, "due")
    browser.execute_script("arguments[0].value = arguments[1]", field, "2027-08-13")
    form.find_element(By.CSS_SELECTOR, "input[name=needs][value=psychiatry]").click()
    form.find_element(By.NAME, "summary").send_keys("Intrathecal pump candidate")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    assert "Case submission 1 sent" in browser.find_element(By.ID, "case-sent").text
    done(site, "case")
    browser.get(page)
    assert "Intrathecal pump candidate" in browser.find_element(By.ID, "my-cases").text
    shoot(browser, "fellow-case")

    browser.get(f"{base}/signin/{site.signin_link()}")
    browser.get(f"{base}/coordinator/agenda")
    coming = browser.find_element(By.ID, "coming").text
    assert "C-2" in coming and "Intrathecal pump candidate" in coming
    outcome = browser.find_element(By.CSS_SELECTOR, "#past .outcome-form")
    outcome.find_element(By.NAME, "outcome").send_keys("Trial approved")
    outcome.find_element(By.NAME, "follow_up").send_keys("2")
    outcome.find_element(By.TAG_NAME, "button").click()
    # the next page has the outcome where the form was (found once it has loaded)
    assert browser.find_element(By.CSS_SELECTOR, "#past span.outcome").text == "Trial approved"
    done(site, "case")
    browser.get(f"{base}/coordinator/agenda")
    assert "C-1-F1" in browser.find_element(By.ID, "coming").text
    shoot(browser, "coordinator-agenda")
