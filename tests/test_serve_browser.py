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

pytestmark = pytest.mark.skipif(
    shutil.which("chromedriver") is None, reason="Debian's chromium-driver not installed"
)


@pytest.fixture
def server(tmp_path):
    """`rotations serve` of the tiny program on a free port of 127.0.0.1: (base URL, site)."""
    file = make_program(tmp_path / "program")
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
