"""The sandbox's dashboard (/_sandbox/ui) in a real browser, after a real `terraform apply`.

examples/quickstart is applied with the pinned Terraform against vonage-sandbox; then headless Chromium (Debian's
chromium, driven through Debian's chromedriver by selenium; scripts/setup.sh installs all three) loads the page
and the test reads the rendered DOM: the account tree, the new secret's id, the call log, a subaccount whose name
is markup (shown as text, never run), and no secret value anywhere. It then changes the sandbox and waits for the
page to follow without a reload, and saves a screenshot.

The page replaces its live part every second, so an element found before a refresh is stale after it. The test
never races that: it reads the page only while the page's own Pause button holds it still (the stamp says "paused"
from the click on, and no refresh lands after it), and it waits for live changes by reading the text in one
script call, never through an element found earlier. With UPDATE_SCREENSHOTS=1 the screenshot also replaces
docs/sandbox-dashboard.png (the one the README shows).

Chromium or selenium missing: skipped locally, failed under CI=true (tfharness.require).
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

import tfharness as h

try:
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait
except ImportError as error:  # pragma: no cover - depends on the machine
    SELENIUM_MISSING: ImportError | None = error
else:
    SELENIUM_MISSING = None

CHROMIUM = Path(shutil.which("chromium") or "/usr/bin/chromium")
CHROMEDRIVER = Path(shutil.which("chromedriver") or "/usr/bin/chromedriver")
SCREENSHOT = h.REPO / "docs" / "sandbox-dashboard.png"
QUICKSTART = h.REPO / "examples" / "quickstart"

# The flags this machine's Chromium needs (root, no GPU, no network beyond loopback).
CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage", "--hide-scrollbars", "--window-size=1280,1600",
)

# Markup as a subaccount name: the page must show these characters, not run them.
EVIL_NAME = "<img src=x onerror=\"window.__pwned=1\"><script>window.__pwned=2</script>"


def chromium(tmp_path: Path, javascript: bool = True):
    h.require(SELENIUM_MISSING is None, f"selenium is not installed ({SELENIUM_MISSING}); run scripts/setup.sh")
    h.require(CHROMIUM.is_file() and CHROMEDRIVER.is_file(),
              f"{CHROMIUM} or {CHROMEDRIVER} missing; run scripts/setup.sh as root "
              "(apt-get install chromium chromium-driver)")
    options = Options()
    options.binary_location = str(CHROMIUM)
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    profile = tmp_path / f"chromium-profile-{'js' if javascript else 'nojs'}"
    options.add_argument(f"--user-data-dir={profile}")
    if not javascript:
        options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    service = Service(executable_path=str(CHROMEDRIVER), log_output=str(tmp_path / "chromedriver.log"))
    return webdriver.Chrome(options=options, service=service)


@pytest.fixture
def browser(tmp_path):
    driver = chromium(tmp_path)
    try:
        yield driver
    finally:
        driver.quit()


def pinned_terraform(tmp_path: Path, provider_dir: Path) -> h.Terraform:
    pinned = h.terraform_binaries()[0]
    h.require(pinned.version, f"{pinned.path} is missing or does not run: run scripts/setup.sh")
    return h.new_terraform(pinned, tmp_path, provider_dir)


def rows(driver, table_id: str) -> list[dict[str, str]]:
    """The rows of a dashboard table as {header: cell text}, plus the row's class under '_class'."""
    headers = [th.text for th in driver.find_elements(By.CSS_SELECTOR, f"#{table_id} thead th")]
    found = []
    for row in driver.find_elements(By.CSS_SELECTOR, f"#{table_id} tbody tr"):
        cells = [td.text for td in row.find_elements(By.TAG_NAME, "td")]
        found.append({**dict(zip(headers, cells)), "_class": row.get_attribute("class") or ""})
    return found


def set_paused(driver, paused: bool) -> None:
    """Click the page's Pause (or Resume) button and wait until the page says so. The script sets the stamp in the
    click handler and drops any refresh that arrives while paused, so from here on the DOM holds still."""
    WebDriverWait(driver, 30).until(lambda d: d.find_elements(By.ID, "pause"))  # the script has run
    pressed = driver.find_element(By.ID, "pause").get_attribute("aria-pressed") == "true"
    if pressed != paused:
        driver.find_element(By.ID, "pause").click()
    want = "paused" if paused else "live"
    WebDriverWait(driver, 30).until(
        lambda d: d.execute_script("return document.getElementById('updated').className") == want)


def accounts_text(driver) -> str:
    """The accounts panel's text, read in one script call (an element found earlier may be replaced by then)."""
    return driver.execute_script("var a = document.getElementById('accounts'); return a ? a.innerText : '';")


def live_generation(driver) -> int:
    """How many times the script has replaced the page's live part."""
    return int(driver.execute_script("return document.getElementById('live').getAttribute('data-generation')")
               or 0)


def test_the_dashboard_shows_what_the_quickstart_did(provider_dir, sandbox, browser, tmp_path):
    # 1. Apply the quickstart under real Terraform, against the sandbox with its default (Vonage's) rules.
    tf = pinned_terraform(tmp_path, provider_dir)
    tf.copy_config(QUICKSTART, callbacks_at=sandbox)
    tf.env.update(sandbox.provider_env)
    demo_secret = h.strong_secret()
    secret_env = {"TF_VAR_demo_secret": demo_secret}
    tf.run("init").ok()
    tf.run("apply", "-auto-approve", env=secret_env).ok()
    outputs = tf.json("output", "-json")
    secret_id = outputs["secret_id"]["value"]

    # 2. More for the page to show: an own-balance subaccount with money, one named with markup, a number,
    #    a failed call and an injected fault.
    sub_secret = h.strong_secret()
    created = sandbox.api("POST", f"/accounts/{sandbox.api_key}/subaccounts",
                          {"name": "Marketing", "use_primary_account_balance": False, "secret": sub_secret})
    assert created.status == 200, created.body
    marketing = created.body["api_key"]
    moved = sandbox.api("POST", f"/accounts/{sandbox.api_key}/balance-transfers",
                        {"from": sandbox.api_key, "to": marketing, "amount": 25, "reference": "campaign budget"})
    assert moved.status == 200, moved.body
    evil = sandbox.api("POST", f"/accounts/{sandbox.api_key}/subaccounts", {"name": EVIL_NAME})
    assert evil.status == 200, evil.body
    evil_key, evil_secret = evil.body["api_key"], evil.body["secret"]
    assert sandbox._request("POST", f"/_sandbox/accounts/{marketing}/numbers",
                            {"number": "447700900123", "country": "GB"}).status == 201
    assert sandbox._request("POST", "/_sandbox/faults", {"route": "GET /account/get-balance", "kind": "status",
                                                         "status": 503, "count": 1}).status == 201
    assert sandbox.api("GET", "/account/get-balance").status == 503
    wrong = sandbox._request("GET", f"/accounts/{sandbox.api_key}/secrets", auth=(sandbox.api_key, "Wrong0Secret"))
    assert wrong.status == 401

    # 3. The page, as Chromium rendered it.
    browser.get(sandbox.url + "/_sandbox/ui")
    assert browser.title == "vonage-sandbox dashboard"
    set_paused(browser, True)

    primary = browser.find_element(By.CSS_SELECTOR, f'#accounts .account[data-api-key="{sandbox.api_key}"]')
    assert primary.find_element(By.TAG_NAME, "h3").text == "Sandbox primary account"
    facts = primary.find_element(By.CSS_SELECTOR, "dl.facts").text
    assert sandbox.reachable("https://example.com/webhooks/inbound-sms") in facts
    assert sandbox.reachable("https://example.com/webhooks/delivery-receipt") in facts
    assert "75.0000 EUR" in facts  # 100 - 25
    secret_ids = [td.text for td in primary.find_elements(By.CSS_SELECTOR, ":scope > table.secrets td.secret-id")]
    assert secret_id in secret_ids and len(secret_ids) == 2, secret_ids

    subaccounts = primary.find_elements(By.CSS_SELECTOR, "ul.subaccounts > li > .account")
    assert {s.get_attribute("data-api-key") for s in subaccounts} == {marketing, evil_key}
    marketing_card = primary.find_element(By.CSS_SELECTOR, f'.account[data-api-key="{marketing}"]')
    assert "25.0000 EUR" in marketing_card.text and "+447700900123 (GB)" in marketing_card.text
    # The markup name is shown as text and nothing in it ran.
    evil_card = primary.find_element(By.CSS_SELECTOR, f'.account[data-api-key="{evil_key}"]')
    assert evil_card.find_element(By.TAG_NAME, "h3").text == EVIL_NAME
    assert browser.execute_script("return window.__pwned === undefined")
    assert not browser.find_elements(By.CSS_SELECTOR, "#accounts img, #live script")

    transfers = rows(browser, "transfers")
    assert [(t["kind"], t["reference"]) for t in transfers] == [("balance", "campaign budget")]

    calls = rows(browser, "call-log")
    seen = [(c["method"], c["path"], c["status"]) for c in calls]
    assert ("POST", "/account/settings", "200") in seen, seen
    assert ("POST", f"/accounts/{sandbox.api_key}/secrets", "201") in seen, seen
    assert seen[0] == ("GET", f"/accounts/{sandbox.api_key}/secrets", "401"), "newest first"
    assert "failed" in calls[0]["_class"]
    faulted = next(c for c in calls if c["fault"])
    assert (faulted["status"], faulted["fault"], "failed" in faulted["_class"]) == ("503", "status 503", True)
    assert all("failed" not in c["_class"] for c in calls if c["status"] in {"200", "201", "204"})
    assert not [c for c in calls if not c["path"].startswith(("/account", "/accounts/"))], "only API calls"

    # 4. No secret value anywhere in the page.
    page = browser.page_source
    for value in (sandbox.api_secret, demo_secret, sub_secret, evil_secret):
        assert value not in page

    # 5. Live: paused, the page holds still through a change; resumed, it follows it without being reloaded.
    browser.execute_script("window.__still_this_page = true")
    generation = live_generation(browser)
    later = sandbox.api("POST", f"/accounts/{sandbox.api_key}/subaccounts", {"name": "Added while watching"})
    assert later.status == 200
    set_paused(browser, False)
    WebDriverWait(browser, 30).until(lambda d: "Added while watching" in accounts_text(d))
    assert live_generation(browser) > generation
    assert browser.execute_script("return window.__still_this_page === true"), "the page was reloaded"

    # 6. A screenshot of the whole page.
    height = browser.execute_script("return document.documentElement.scrollHeight")
    browser.set_window_size(1280, min(max(height, 900), 4000))
    shot = tmp_path / "sandbox-dashboard.png"
    assert browser.save_screenshot(str(shot))
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000
    if os.environ.get("UPDATE_SCREENSHOTS") == "1":
        shutil.copyfile(shot, SCREENSHOT)
    (tmp_path / "state.json").write_text(json.dumps(sandbox.state(), indent=2))


def test_the_dashboard_is_readable_without_javascript(sandbox, tmp_path):
    created = sandbox.api("POST", f"/accounts/{sandbox.api_key}/subaccounts", {"name": "No script needed"})
    assert created.status == 200
    driver = chromium(tmp_path, javascript=False)
    try:
        driver.get(sandbox.url + "/_sandbox/ui")
        accounts = driver.find_element(By.ID, "accounts").text
        assert "Sandbox primary account" in accounts and "No script needed" in accounts
        # The script did not run: the status line is still the server's.
        assert driver.find_element(By.ID, "updated").text.startswith("rendered ")
        assert not driver.find_elements(By.ID, "pause"), "a Pause button that nothing would serve"
        assert "No API calls yet." not in driver.find_element(By.ID, "call-log").text
    finally:
        driver.quit()
