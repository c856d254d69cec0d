#!/usr/bin/python3
"""The archivist's web page in a real browser (issue #17): headless Chromium driven by
Selenium against `pressarchive serve` on an archive of the samples.

  web_browser_test.py --binary build/pressarchive --source . --screenshots build/web-screenshots

Checks: a search for "Rombach" finds the seed release; the record page shows the page
image and the text, the hits boxed on the image; an edited title shows after a reload and
in `pressarchive show`, and is kept when the record is reprocessed; the archival exports
download; retrying the broken sample shows it failing again with its reason, and so does
retrying the selected failures; the boilerplate screen lists a line the command added,
rejects it and adds another (hostile) one, as `pressarchive boilerplate` then lists them; a title reading <script>alert(1)</script> shows literally
and runs nothing; a change without the token is refused; a token from the configuration
is the one printed; a --read-only server refuses a change with the token. Saves a
screenshot of each screen. Exits 1 on the first failed check; it
never skips (CI must run it): a missing browser is a failure.
"""
import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

TOKEN = "browser-test-token"
SCRIPT_TITLE = "<script>alert(1)</script>"


def check(condition, what):
    if not condition:
        raise AssertionError(what)
    print("ok:", what, flush=True)


def wait_until(driver, condition, timeout=30):
    """True once condition(driver) holds: a click that submits a form returns before the
    next page has loaded, and on a loaded machine that can take seconds."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            if condition(driver):
                return True
        except Exception:  # the old page went away while it was being read
            pass
        time.sleep(0.2)
    return False


def run(binary, *args):
    return subprocess.run([binary, *args], check=False, capture_output=True, text=True)


def start_server(binary, store, *args):
    """The server, its address and the line it printed after the address (the token, or
    that it is read-only)."""
    server = subprocess.Popen([binary, "serve", "--store", store, *(args or ("--listen", "127.0.0.1:0", "--token", TOKEN))],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.time() + 60
    while time.time() < deadline:
        line = server.stdout.readline()
        match = re.search(r"at (http://127\.0\.0\.1:\d+)/", line)
        if match:
            return server, match.group(1), server.stdout.readline().strip()
        if not line and server.poll() is not None:
            break
    raise AssertionError("the server did not start: " + (server.stdout.read() if server.poll() is not None else ""))


def browser(profile):
    options = webdriver.ChromeOptions()
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", "--window-size=1280,1000", "--user-data-dir=" + profile):
        options.add_argument(flag)
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def stop_server(server):
    server.send_signal(signal.SIGTERM)
    try:
        return server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        return -9


def http(url, data=None):
    """(status, body) of a GET, or of a POST of the form `data`."""
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=body), timeout=60) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def no_alert(driver):
    try:
        driver.switch_to.alert
        return False
    except NoAlertPresentException:
        return True


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--source", required=True)
    parser.add_argument("--screenshots", required=True)
    args = parser.parse_args()
    os.makedirs(args.screenshots, exist_ok=True)
    work = tempfile.mkdtemp(prefix="pressarchive-web-test-")
    store = os.path.join(work, "a.db")
    samples = os.path.join(work, "samples")
    shutil.copytree(os.path.join(args.source, "samples"), samples)
    # A second input that fails, so that "retry selected" retries more than one.
    with open(os.path.join(samples, "broken-second.pdf"), "wb") as f:
        f.write(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n")
    # Every OCR'd page below 99.5 % confidence: the scans come into the review queue.
    review_config = os.path.join(work, "review.toml")
    with open(review_config, "w") as f:
        f.write("[review]\nmin_ocr_confidence = 99.5\n")
    ingest = run(args.binary, "ingest", samples, "--store", store, "-q", "--config", review_config)
    check(ingest.returncode == 3, "the samples are archived, the broken one fails (exit 3; got %d: %s)" %
          (ingest.returncode, ingest.stderr[-2000:]))
    found = run(args.binary, "search", "Rombach", "--store", store)
    seed_ids = [int(line.split("\t")[0]) for line in found.stdout.splitlines() if line and line[0].isdigit()]
    check(seed_ids, "the command line finds the seed release")
    others = [i for i in range(1, 20) if i not in seed_ids and run(args.binary, "show", str(i), "--store", store).returncode == 0]
    xss_id = others[0] if others else seed_ids[-1]
    check(run(args.binary, "edit", str(xss_id), "--title", SCRIPT_TITLE, "--store", store).returncode == 0,
          "a record is titled " + SCRIPT_TITLE)

    server, base, _ = start_server(args.binary, store)
    driver = None
    try:
        driver = browser(os.path.join(work, "profile"))
        shot = lambda name: driver.save_screenshot(os.path.join(args.screenshots, name + ".png"))

        # Search.
        driver.get(base + "/")
        box = driver.find_element(By.ID, "q")
        box.send_keys("Rombach")
        box.submit()
        check("q=Rombach" in driver.current_url, "the URL holds the query")
        hits = driver.find_elements(By.CSS_SELECTOR, ".hit")
        check(hits and any(m.text == "Rombach" for m in driver.find_elements(By.CSS_SELECTOR, ".snippet mark")),
              "a search for Rombach finds the seed release, the hit marked")
        check(driver.find_elements(By.CSS_SELECTOR, "ul[data-facet=issuer] li"), "the issuer facet has counts")
        shot("search")

        # Record.
        titles = [h.find_element(By.CSS_SELECTOR, "a.title") for h in hits]
        next(t for t in titles if t.text != SCRIPT_TITLE).click()
        record_url = driver.current_url.split("?")[0]
        seed_id = int(record_url.rsplit("/", 1)[1])
        check("Rombach" in driver.find_element(By.ID, "pagetext").text, "the record page shows the page text")
        image = driver.find_element(By.ID, "pageimage")
        deadline = time.time() + 30
        while time.time() < deadline and not driver.execute_script("return arguments[0].complete", image):
            time.sleep(0.2)
        check(driver.execute_script("return arguments[0].naturalWidth", image) > 0, "the record page shows the page image")
        check(driver.find_elements(By.CSS_SELECTOR, ".pageimg .box"), "the hits of the search are boxed on the page image")
        shot("record")
        for name, marker in (("mets.xml", b"<mets:mets"), ("alto/1.xml", b"<alto"), ("pdf", b"%PDF-")):
            status, data = http(record_url + "/" + name)
            check(status == 200 and marker in data[:4000], "the record's archival export %s downloads" % name)

        # A change without the token is refused: the form sent as the browser would,
        # with the page's CSRF field and no token.
        csrf = driver.find_element(By.CSS_SELECTOR, "#editform input[name=csrf]").get_attribute("value")
        body = urllib.parse.urlencode({"title": "no token", "csrf": csrf}).encode()
        try:
            urllib.request.urlopen(urllib.request.Request(record_url + "/edit", data=body), timeout=30)
            check(False, "an edit without the token is refused")
        except urllib.error.HTTPError as e:
            check(e.code == 403, "an edit without the token is refused (403)")
        driver.find_element(By.ID, "f-title").clear()
        driver.find_element(By.ID, "f-title").send_keys("refused title")
        driver.find_element(By.ID, "save").click()
        check(wait_until(driver, lambda d: "needs the access token" in d.page_source),
              "the page says the change needs the token")
        shot("refused")
        driver.get(record_url)
        check("refused title" not in driver.find_element(By.ID, "title").text, "the refused edit changed nothing")

        # Sign in, edit the title, reload, and see it in `show`.
        driver.get(base + "/login")
        driver.find_element(By.ID, "token").send_keys(TOKEN)
        driver.find_element(By.ID, "signin").click()
        check(wait_until(driver, lambda d: not d.find_elements(By.ID, "signin")), "signing in with the token works")
        driver.get(record_url)
        title = driver.find_element(By.ID, "f-title")
        title.clear()
        title.send_keys("Edited in the browser")
        driver.find_element(By.ID, "save").click()
        check(wait_until(driver, lambda d: d.find_elements(By.ID, "saved")), "the edit is saved")
        driver.execute_script("document.getElementById('fields').scrollIntoView()")
        shot("record-fields")
        driver.refresh()
        check(driver.find_element(By.ID, "title").text == "Edited in the browser", "the new title shows after a reload")
        show = run(args.binary, "show", str(seed_id), "--store", store)
        check("Edited in the browser" in show.stdout, "the new title shows in `pressarchive show`")
        again = run(args.binary, "reprocess", "--id", str(seed_id), "--store", store, "-q")
        check(again.returncode == 0, "the edited record is reprocessed (got %d: %s)" % (again.returncode, again.stderr[-2000:]))
        driver.refresh()
        check(driver.find_element(By.ID, "title").text == "Edited in the browser", "the edit is kept through reprocessing")
        history = driver.find_element(By.ID, "history").text
        check("edit" in history and "reprocess" in history, "the history shows the edit and the reprocessing")

        # Review: the flagged records by reason; confirm one, and the next one opens.
        queued = lambda: [l for l in run(args.binary, "review", "--store", store).stdout.splitlines() if l[:1].isdigit()]
        before = queued()
        check(len(before) >= 2, "the scans wait for review (%d)" % len(before))
        driver.get(base + "/review")
        check("OCR confidence" in driver.page_source, "the review screen shows the reason")
        shot("review")
        first = driver.find_element(By.CSS_SELECTOR, "table.review a")
        first_id = int(first.get_attribute("href").split("/record/")[1].split("?")[0])
        first.click()
        check(wait_until(driver, lambda d: d.find_elements(By.ID, "confirm")), "a flagged record offers 'confirm, next'")
        check("OCR confidence" in driver.find_element(By.CSS_SELECTOR, "ul.reasons").text, "the record shows its review reasons")
        driver.find_element(By.ID, "confirm").click()
        check(wait_until(driver, lambda d: "/record/%d" % first_id not in d.current_url and "from=review" in d.current_url),
              "confirming opens the next flagged record")
        after = queued()
        check(len(after) == len(before) - 1 and not any(l.startswith("%d\t" % first_id) for l in after),
              "the confirmed record left the queue (`pressarchive review`)")

        # Failures: retry the broken sample; it fails again with its reason.
        driver.get(base + "/failures")
        check("broken-truncated.pdf" in driver.page_source, "the failures screen lists the broken sample")
        shot("failures")
        truncated_row = "//table[@class='failures']//tr[td[contains(., 'broken-truncated.pdf')]]"
        driver.find_element(By.XPATH, truncated_row + "//button[@class='retry-one']").click()
        # The click posts and is redirected to the retry's page: wait for that page first.
        check(wait_until(driver, lambda d: d.find_elements(By.ID, "retrystate")), "the retry starts")
        deadline = time.time() + 120
        while time.time() < deadline and "Finished" not in driver.find_element(By.ID, "retrystate").text:
            time.sleep(1)
            driver.refresh()
        state = driver.find_element(By.ID, "retrystate").text
        output = driver.find_element(By.ID, "retryoutput").text
        check("failed again" in state, "the retry finishes with the input failing again")
        check("not a readable PDF" in output, "the retry shows the reason")
        shot("retry")
        driver.get(base + "/failures")
        row = driver.find_element(By.XPATH, truncated_row)
        check("unreadable" in driver.page_source and row.find_elements(By.XPATH, "td[5][text()='2']"),
              "the failure is open again as attempt 2, reason unreadable")

        # Retry the selected ones: both broken inputs fail again.
        boxes = driver.find_elements(By.CSS_SELECTOR, "table.failures input[type=checkbox]")
        check(len(boxes) == 2, "the failures screen lists both broken inputs")
        for box in boxes:
            box.click()
        driver.find_element(By.ID, "retry-selected").click()
        check(wait_until(driver, lambda d: d.find_elements(By.ID, "retrystate")), "the selected retry starts")
        deadline = time.time() + 120
        while time.time() < deadline and "Finished" not in driver.find_element(By.ID, "retrystate").text:
            time.sleep(1)
            driver.refresh()
        output = driver.find_element(By.ID, "retryoutput").text
        check("failed again" in driver.find_element(By.ID, "retrystate").text
              and "broken-truncated.pdf" in output and "broken-second.pdf" in output,
              "retrying the selected failures retries both, each failing again with its reason")
        shot("retry-selected")
        driver.get(base + "/failures")
        attempts = sorted(r.find_element(By.XPATH, "td[5]").text
                          for r in driver.find_elements(By.CSS_SELECTOR, "table.failures tr[data-failure]"))
        check(attempts == ["2", "3"], "the attempts count on (2 and 3; got %s)" % attempts)

        # Hostile title: shown literally, nothing runs.
        driver.get(base + "/record/%d" % xss_id)
        check(driver.find_element(By.ID, "title").text == SCRIPT_TITLE, "the script title shows literally")
        check(no_alert(driver), "the script title runs no script")
        shot("hostile-title")
        driver.get(base + "/?sort=date")
        check(SCRIPT_TITLE in [a.text for a in driver.find_elements(By.CSS_SELECTOR, ".hit a.title")] and no_alert(driver),
              "the script title shows literally in the results")

        driver.get(base + "/runs")
        check(driver.find_elements(By.CSS_SELECTOR, "#runs tr td"), "the runs screen lists the runs")
        shot("runs")

        # Boilerplate: a line the command added is listed as confirmed; rejected on the
        # page, and a hostile line added there; `pressarchive boilerplate` lists both so.
        footer = "Pressestelle der Stadt, Rathaus, Willy-Brandt-Platz 1"
        hostile = "<b onmouseover=alert(1)>Fax 0631 365-0</b> " + SCRIPT_TITLE
        added = run(args.binary, "boilerplate", "--add", footer, "--issuer", "Stadt Kaiserslautern", "--store", store)
        check(added.returncode == 0, "`boilerplate --add` adds a line (%s)" % added.stderr[-500:])
        driver.get(base + "/")
        driver.find_element(By.LINK_TEXT, "Boilerplate").click()
        row = "//table[@class='boilerplate']//tr[td[@class='line'][contains(., 'Willy-Brandt-Platz')]]"
        check(wait_until(driver, lambda d: d.find_elements(By.XPATH, row)), "the navigation opens the boilerplate screen, listing the line")
        check(driver.find_element(By.XPATH, row + "/td[@class='state']").text == "confirmed", "the added line is confirmed")
        driver.find_element(By.XPATH, row + "//button[@class='reject']").click()
        check(wait_until(driver, lambda d: d.find_elements(By.ID, "saved")), "rejecting the line is saved")
        check(driver.find_element(By.XPATH, row + "/td[@class='state']").text == "rejected", "the line shows as rejected")
        issuer = driver.find_element(By.ID, "add-issuer")
        issuer.clear()
        issuer.send_keys("Stadt Kaiserslautern")
        driver.find_element(By.ID, "add-line").send_keys(hostile)
        driver.find_element(By.ID, "add").click()
        check(wait_until(driver, lambda d: hostile in [td.text for td in d.find_elements(By.CSS_SELECTOR, "td.line")]),
              "the line added on the page is listed, literally")
        check(no_alert(driver), "the hostile line runs no script")
        listed = {l["line"]: l["state"] for l in map(json.loads, run(
            args.binary, "boilerplate", "--json", "--store", store).stdout.splitlines())}
        check(listed.get(footer) == "rejected" and listed.get(hostile) == "confirmed",
              "`pressarchive boilerplate` lists the page's decisions (%s)" % listed)
        shot("boilerplate")
        code = stop_server(server)
        server = None
        check(code == 0, "the server stops cleanly on SIGTERM")

        # The token from the configuration is the one printed, and the one that works.
        config = os.path.join(work, "web.toml")
        with open(config, "w") as f:
            f.write('[web]\nlisten = "127.0.0.1:0"\ntoken = "token-from-the-config"\n')
        server, base, said = start_server(args.binary, store, "--config", config)
        check(said == "access token for changes: token-from-the-config", "the token set in the config is printed (%s)" % said)
        driver.get(base + "/record/%d" % seed_id)
        csrf = driver.find_element(By.CSS_SELECTOR, "#editform input[name=csrf]").get_attribute("value")
        status, _ = http(base + "/record/%d/edit" % seed_id, {"title": "x", "csrf": csrf, "token": TOKEN})
        check(status == 403, "the command line's earlier token is refused by this server")
        status, _ = http(base + "/record/%d/edit" % seed_id,
                         {"subtitle": "via config token", "csrf": csrf, "token": "token-from-the-config"})
        check(status in (200, 303), "the config's token makes the change (%d)" % status)
        check("via config token" in run(args.binary, "show", str(seed_id), "--store", store).stdout,
              "the change made with the config's token is in `show`")
        check(stop_server(server) == 0, "that server stops cleanly")

        # --read-only: no form, and a change with the right token is refused.
        server, base, said = start_server(args.binary, store, "--listen", "127.0.0.1:0", "--token", TOKEN, "--read-only")
        check(said.startswith("read-only"), "a read-only server says so at start (%s)" % said)
        driver.get(base + "/record/%d" % seed_id)
        check(not driver.find_elements(By.ID, "editform") and "read-only" in driver.page_source,
              "a read-only server shows no edit form and says it is read-only")
        shot("read-only")
        status, _ = http(base + "/record/%d/edit" % seed_id, {"title": "x", "csrf": "x", "token": TOKEN})
        check(status == 403, "a read-only server refuses a change with the token (403)")
        status, _ = http(base + "/failures/retry", {"only": "1", "token": TOKEN})
        check(status == 403, "a read-only server refuses a retry (403)")
        status, _ = http(base + "/record/%d?page=99999999999999" % seed_id)
        check(status == 400, "an absurd page number over HTTP is a 400")
        status, _ = http(base + "/?q=" + "x" * 1000000)
        check(400 <= status < 500, "a megabyte query over HTTP is a 4xx (%d)" % status)
        status, _ = http(base + "/record/1/../../../etc/passwd")
        check(status in (400, 404), "a path out of the archive is refused (%d)" % status)
        check(http(base + "/")[0] == 200, "the server still serves after the bad requests")
        check(stop_server(server) == 0, "the read-only server stops cleanly")
        server = None
    finally:
        if driver:
            driver.quit()
        if server:
            stop_server(server)
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except AssertionError as e:
        print("FAILED:", e, flush=True)
        sys.exit(1)
