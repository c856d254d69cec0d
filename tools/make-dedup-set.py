#!/usr/bin/env python3
"""Generates tests/dedup-set/: the near-duplicate test set (pairs.jsonl + one text per file).

The inputs are the invented press releases in tests/dedup-set/sources/ (one body per file,
with office, release date and title in a small header). Every output file is a BODY as the
pipeline sees it after known boilerplate (letterhead, disclaimer, dateline, author line) has
been removed. The office's closing/contact lines stay in every body: the configured rules do
not know them, so verification has to cope with boilerplate that two different releases of
one office share.

Three kinds of pairs:
  same       the same release in two forms: a text layer (no character errors) or an OCR
             read of a scan (1-3 % character errors: rn/m, l/1, O/0, lost umlauts, look-alike
             letters, dropped or doubled letters, merged or split words), each wrapped at its
             own width with its own hyphenation, page breaks (form feeds) and page numbers.
  different  two different releases of the same office (same boilerplate, place, people).
  revision   a release re-issued with a corrected release date, or with one sentence changed
             or added.

A second part, records/, holds whole record texts (letterhead, kicker, dateline, author
line, title, body, closing lines) as OCR or a text layer gives them, for signatures that must
not depend on where metadata extraction ends the header: the same release as a text layer and
a scan, as two scans with other noise, as a scan with a dark border read as a debris line,
as a scan whose header is misread; re-issues; and different releases of one office that
share its letterhead, kicker, place, author and sometimes the date line. Its pairs are split
once, by release, into a tuning and a held-out half (records/pairs.jsonl, key "split").

Deterministic: a fixed seed, no input but the sources; re-running rewrites identical files.
Python 3 standard library only.  Usage: tools/make-dedup-set.py [--check]
"""

import difflib
import json
import pathlib
import random
import re
import sys
import unicodedata

ROOT = pathlib.Path(__file__).resolve().parent.parent
SET_DIR = ROOT / "tests" / "dedup-set"
SOURCES = SET_DIR / "sources"
SEED = 20240611
# Per-character error probability of an OCR read; with the doubled letters, merged words and
# lost hyphens it adds, the character error rate against the source lands at 1-3 %.
NOISE_MIN, NOISE_MAX = 0.011, 0.026

# Closing lines each office prints under every release. They are not in the configured
# boilerplate rules, so they reach the body of every record of that office.
OFFICE_CLOSING = {
    "lindenau": [
        "Für Rückfragen steht Ihnen die Pressestelle der Stadt Lindenau gerne zur Verfügung: "
        "Rathausplatz 1, 67812 Lindenau, Telefon 06341 12-2040, E-Mail presse@lindenau.de.",
        "Bitte beachten Sie auch unsere Hinweise zum Datenschutz unter www.lindenau.de/datenschutz.",
    ],
    "hohenbrueck": [
        "Rückfragen richten Sie bitte ausschließlich an die Pressestelle des Landkreises "
        "Hohenbrück, Kreishaus, Bahnhofstraße 12, 74599 Hohenbrück, Telefon 07951 492-110, "
        "E-Mail pressestelle@landkreis-hohenbrueck.de. Alle Pressemitteilungen des Landkreises "
        "finden Sie auch im Internet unter www.landkreis-hohenbrueck.de/presse.",
    ],
    "marlowbay": [
        "Notes to editors: Marlow Bay Borough Council serves around 84,000 residents in Marlow "
        "Bay, Eastcombe and Holt Green. For media enquiries please contact the Communications "
        "Team on 01632 960418 or email press@marlowbay.gov.uk. Follow the council on social "
        "media for the latest news and service updates.",
    ],
    "fernhill": [
        "ENDS",
        "For further information please contact the Press Office, Fernhill City Council, Civic "
        "Centre, Fernhill FH1 2AB, telephone 01632 960771 or email press.office@fernhill.gov.uk. "
        "Out of hours enquiries from journalists only: 07700 900321.",
    ],
}

# Re-issues. "replace": one sentence rewritten; "add": one sentence inserted after `after`;
# "date": only the release date was corrected. Each change is a real change of content,
# not something OCR could produce.
REVISIONS = [
    ("lindenau-02", "replace", "Die Arbeiten sollen bis Ende November abgeschlossen sein.",
     "Wegen einer verspäteten Stahllieferung sollen die Arbeiten nun erst Mitte Dezember "
     "abgeschlossen sein.", None),
    ("lindenau-05", "add", "Der Eintritt ist an allen Tagen frei.",
     "Wegen der erwarteten Besucherzahlen richtet das Deutsche Rote Kreuz zusätzlich eine "
     "Sanitätsstation am Marktplatz ein.", None),
    ("lindenau-04", "date", None, None, "2022-02-11"),
    ("lindenau-07", "replace",
     "Das Defizit von rund fünf Millionen Euro soll durch Rücklagen ausgeglichen werden.",
     "Das Defizit von rund sieben Millionen Euro soll zum größten Teil aus Rücklagen und zu "
     "einem kleineren Teil über Kredite gedeckt werden.", "2023-01-13"),
    ("hohenbrueck-03", "replace",
     "Die Kreisstraße K 12 zwischen Steinbach und Oberried wird ab Montag, 21. März 2022, für "
     "voraussichtlich acht Wochen voll gesperrt.",
     "Die Kreisstraße K 12 zwischen Steinbach und Oberried wird erst ab Montag, 28. März 2022, "
     "und damit eine Woche später als angekündigt für voraussichtlich neun Wochen gesperrt.",
     None),
    ("hohenbrueck-04", "add", "Eine Selbstbewerbung ist ebenfalls möglich.",
     "Nicht vorgeschlagen werden können Mitglieder des Kreistags und hauptamtlich Beschäftigte "
     "der Kreisverwaltung.", "2022-07-15"),
    ("hohenbrueck-06", "date", None, None, "2023-03-24"),
    ("marlowbay-01", "replace",
     "Patrols at North Sands and Harbour Beach will run every day from 10am to 6pm until "
     "Sunday 5 September, and at weekends only until the end of September.",
     "Because of a shortage of trained staff, patrols at Harbour Beach will only run at "
     "weekends until mid-June, while North Sands will be covered every day from 10am to 6pm.",
     None),
    ("marlowbay-04", "add", "General rubbish will continue to be collected every two weeks, "
     "and recycling collection days are not changing.",
     "Residents of flats with shared bins will receive larger communal food waste containers "
     "instead of individual outdoor bins.", None),
    ("marlowbay-06", "date", None, None, "2022-11-17"),
    ("fernhill-02", "replace",
     "The market opens on Friday 19 November and runs until Thursday 23 December, open daily "
     "from 10am to 8pm and until 9pm on Fridays and Saturdays.",
     "The opening has been moved to Saturday 20 November because of the Remembrance events, "
     "and the market will now close at 7pm on weekdays.", "2021-11-05"),
    ("fernhill-04", "add", "More than 3,500 potholes have also been repaired since the start "
     "of the year.",
     "A further £1.2 million has been set aside to repair footways in the city centre "
     "before the end of the financial year.", None),
    ("fernhill-05", "date", None, None, "2023-04-14"),
]

FOLDED_CONFUSIONS = {  # OCR confusions the signature folds away
    "m": ["rn"], "l": ["1", "I"], "I": ["l", "1"], "1": ["l", "I"], "O": ["0"], "0": ["O"],
    "o": ["0"], "ä": ["a"], "ö": ["o"], "ü": ["u"], "Ä": ["A"], "Ö": ["O"], "Ü": ["U"],
}
LOOKALIKES = {  # OCR confusions nothing folds away
    "e": ["c"], "c": ["e"], "n": ["u"], "u": ["n"], "h": ["b", "li"], "ß": ["B"], "d": ["cl"],
    "a": ["o", "n"], "t": ["f"], "f": ["t"], "S": ["5"], "B": ["8"], "g": ["q"], "i": ["j"],
    "r": ["n"], "w": ["vv"], ",": ["."],
}
LETTERS = "abcdefghiklmnoprstuvwäöü"


def read_source(path):
    header, _, body = path.read_text(encoding="utf-8").partition("\n\n")
    meta = dict(line.split(": ", 1) for line in header.splitlines())
    paragraphs = [p.replace("\n", " ").strip() for p in body.strip().split("\n\n")]
    meta["paragraphs"] = paragraphs + OFFICE_CLOSING[meta["office"]]
    meta["id"] = path.stem
    return meta


def ocr_noise(rng, text, rate):
    """Character errors at about `rate` per character, mostly the confusions OCR makes."""
    if rate <= 0:
        return text
    out = []
    i = 0
    while i < len(text):
        ch = text[i]
        if rng.random() >= rate:
            out.append(ch)
            i += 1
            continue
        roll = rng.random()
        if text.startswith("rn", i) and roll < 0.5:
            out.append("m")
            i += 2
            continue
        if roll < 0.45 and ch in FOLDED_CONFUSIONS:
            out.append(rng.choice(FOLDED_CONFUSIONS[ch]))
        elif roll < 0.75 and ch in LOOKALIKES:
            out.append(rng.choice(LOOKALIKES[ch]))
        elif ch == " ":
            out.append("" if rng.random() < 0.6 else "  ")  # merged words, or a wide gap
        else:
            kind = rng.random()
            if kind < 0.35:
                pass  # dropped
            elif kind < 0.6:
                out.append(ch + ch)  # doubled
            elif kind < 0.8:
                out.append(ch + rng.choice(LETTERS))  # speck read as a letter
            elif ch.isalpha():
                out.append(ch + " ")  # word split
            else:
                out.append(ch)
        i += 1
    return "".join(out)


def wrap(rng, words, width, hyphenate, drop_hyphen):
    """Greedy line filling; long words that do not fit are hyphenated as a typesetter would."""
    lines, line = [], ""
    for word in words:
        if not line:
            line = word
        elif len(line) + 1 + len(word) <= width:
            line += " " + word
        else:
            room = width - len(line) - 2
            alpha = word.rstrip(".,;:!?“”\"")
            if (hyphenate and len(alpha) >= 8 and room >= 3 and word[:1].isalpha()
                    and alpha[1:].islower() and rng.random() < 0.8):
                cut = rng.randint(3, min(room, len(alpha) - 3))
                if "-" in alpha[1:-1] and rng.random() < 0.5:
                    cut = alpha.index("-", 1) + 1  # break at the compound's own hyphen
                    lines.append(line + " " + word[:cut])
                else:
                    mark = "" if rng.random() < drop_hyphen else rng.choice(["-", "-", "-", "¬"])
                    lines.append(line + " " + word[:cut] + mark)
                line = word[cut:]
            else:
                lines.append(line)
                line = word
    if line:
        lines.append(line)
    return lines


def render(rng, paragraphs, noise):
    """One form of a body: wrapped, hyphenated, paginated, with `noise` character errors."""
    width = rng.randint(48, 86)
    hyphenate = rng.random() < 0.7
    drop_hyphen = 0.15 if noise else 0.0
    paragraph_break = "\n\n" if rng.random() < 0.7 else "\n"
    text_lines, starts = [], []
    for paragraph in paragraphs:
        starts.append(len(text_lines))
        text_lines += wrap(rng, ocr_noise(rng, paragraph, noise).split(), width, hyphenate,
                           drop_hyphen)
    out = []
    breaks = set(rng.sample(range(4, len(text_lines)), k=min(rng.randint(0, 2), len(text_lines) - 4)))
    page = 1
    for i, line in enumerate(text_lines):
        if i in breaks:
            page += 1
            out.append("\f")
            if rng.random() < 0.5:
                out.append(f"- {page} -")
        elif i in starts and i > 0 and paragraph_break == "\n\n":
            out.append("")
        if noise and rng.random() < 0.05:
            line += " "  # trailing blank
        out.append(line)
    text = "\n".join(out)
    if rng.random() < 0.2:
        text = unicodedata.normalize("NFD", text)  # some PDF producers write decomposed umlauts
    return text + "\n"


def error_rate(source, text):
    """Character errors of an OCR form against its source, layout (line breaks, hyphens at
    line ends, page numbers) aside: edit operations of difflib's alignment per character."""
    def flat(t):
        t = unicodedata.normalize("NFC", t)
        t = re.sub(r"\n\f\n(- \d+ -\n)?", "\n", t)
        t = re.sub(r"(\w)[-¬]\n(?=[a-zäöüß])", r"\1", t)
        return re.sub(r"\s+", " ", t).strip()
    a, b = flat(source), flat(text)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    edits = sum(max(i2 - i1, j2 - j1) for op, i1, i2, j1, j2 in matcher.get_opcodes() if op != "equal")
    return edits / len(a)


def revise(meta, kind, anchor, sentence):
    paragraphs = list(meta["paragraphs"])
    for i, paragraph in enumerate(paragraphs):
        if anchor and anchor in paragraph:
            if kind == "replace":
                paragraphs[i] = paragraph.replace(anchor, sentence)
            else:
                paragraphs[i] = paragraph.replace(anchor, anchor + " " + sentence)
            return paragraphs
    if kind != "date":
        raise SystemExit(f"{meta['id']}: sentence not found: {anchor}")
    return paragraphs


# records/: the header and footer each office prints around a release.
LETTERHEAD = {
    "lindenau": ["Stadt Lindenau", "Der Oberbürgermeister · Pressestelle",
                 "Rathausplatz 1 · 67812 Lindenau · Telefon 06341 12-2040"],
    "hohenbrueck": ["Landkreis Hohenbrück", "Pressestelle",
                    "Kreishaus · Bahnhofstraße 12 · 74599 Hohenbrück · Telefon 07951 492-110"],
    "marlowbay": ["Marlow Bay Borough Council", "Communications Team",
                  "Town Hall, Quay Street, Marlow Bay MB1 4QT"],
    "fernhill": ["Fernhill City Council", "Press Office", "Civic Centre, Fernhill FH1 2AB"],
}
PLACE = {"lindenau": "Lindenau", "hohenbrueck": "Hohenbrück", "marlowbay": "Marlow Bay",
         "fernhill": "Fernhill"}
GERMAN = {"lindenau", "hohenbrueck"}
AUTHOR = {"lindenau": "Autorin: Sabine Krämer, Pressestelle",
          "hohenbrueck": "Autor: Michael Brandt, Pressestelle",
          "marlowbay": "Issued by: Communications Team, Marlow Bay Borough Council",
          "fernhill": "Issued by: Press Office, Fernhill City Council"}
MONTHS_DE = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
             "Oktober", "November", "Dezember"]
MONTHS_EN = ["January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December"]
# What a dark scanner border or a punched hole is read as.
DEBRIS = ["EEE", "|||", "mn", "Il", "EEE"]
RECORDS_SEED = SEED + 19


def dateline(office, iso):
    year, month, day = (int(x) for x in iso.split("-"))
    if office in GERMAN:
        return f"{PLACE[office]}, {day}. {MONTHS_DE[month - 1]} {year}"
    return f"{PLACE[office]}, {day} {MONTHS_EN[month - 1]} {year}"


def header_lines(office, iso, title, misread):
    """The head of a release. `misread`: the kicker sits right under the office lines, where
    the address line is looked for, and the title follows the dateline without a gap, as a
    two-page scan's letterhead came out of OCR."""
    kicker = "Pressemitteilung" if office in GERMAN else "Press release"
    office_lines, address = LETTERHEAD[office][:-1], LETTERHEAD[office][-1]
    if misread:
        return office_lines + [kicker, address, dateline(office, iso), AUTHOR[office], title, ""]
    return office_lines + [address, "", kicker, dateline(office, iso), AUTHOR[office], "", title, ""]


def record_form(rng, meta, paragraphs, iso, noise, debris=False, misread=False):
    """One whole record text: header lines (OCR noise on a scan) and the rendered body."""
    head = [ocr_noise(rng, line, noise) if line else "" for line in
            header_lines(meta["office"], iso, meta["title"], misread)]
    if debris:
        head = [rng.choice(DEBRIS)] + head
    text = "\n".join(head) + "\n" + render(rng, paragraphs, noise)
    if debris and rng.random() < 0.5:
        text += rng.choice(DEBRIS) + "\n"
    return text


def make_records(sources):
    """records/: whole record texts and their pairs, split by release."""
    rng = random.Random(RECORDS_SEED)
    ids = [m["id"] for m in sources]
    shuffled = ids[:]
    rng.shuffle(shuffled)
    held_out = set(shuffled[len(shuffled) // 2:])
    split_of = {i: ("held-out" if i in held_out else "tuning") for i in ids}
    files, pairs = {}, []

    def noise():
        return rng.uniform(NOISE_MIN, NOISE_MAX)

    def emit(name, text):
        files[name] = text
        return name

    def pair(a, b, expect, form, release):
        pairs.append({"a": a, "b": b, "expect": expect, "form": form, "split": split_of[release]})

    metas = {m["id"]: m for m in sources}
    for meta in sources:
        base, date, paras = meta["id"], meta["release_date"], meta["paragraphs"]
        born = emit(f"{base}.born.txt", record_form(rng, meta, paras, date, 0.0))
        scan = emit(f"{base}.scan.txt", record_form(rng, meta, paras, date, noise()))
        rescan = emit(f"{base}.rescan.txt", record_form(rng, meta, paras, date, noise()))
        border = emit(f"{base}.border.txt", record_form(rng, meta, paras, date, noise(), debris=True))
        misread = emit(f"{base}.misread.txt",
                       record_form(rng, meta, paras, date, noise(), misread=True))
        pair(born, scan, "same", "text layer / scan", base)
        pair(scan, rescan, "same", "two scans", base)
        pair(born, border, "same", "dark border on one", base)
        pair(rng.choice([born, rescan]), misread, "same", "header misread on one", base)
        pair(border, misread, "same", "border / misread header", base)

    for base, kind, anchor, sentence, new_date in REVISIONS:
        meta = metas[base]
        paragraphs = revise(meta, kind, anchor, sentence)
        name = emit(f"{base}.reissue.txt",
                    record_form(rng, meta, paragraphs, new_date or meta["release_date"], noise()))
        change = {"replace": "sentence rewritten", "add": "sentence added", "date": "date only"}[kind]
        pair(f"{base}.{rng.choice(['born', 'scan'])}.txt", name, "revision", "re-issue: " + change,
             base)

    by_office = {}
    for meta in sources:
        by_office.setdefault((meta["office"], split_of[meta["id"]]), []).append(meta)
    for (office, split), group in sorted(by_office.items()):
        for i, first in enumerate(group):
            for second in group[i + 1:]:
                a = f"{first['id']}.{rng.choice(['born', 'scan', 'border'])}.txt"
                if rng.random() < 0.4:  # printed on the same day: the same date line
                    b = emit(f"{second['id']}.dated-{first['id']}.txt",
                             record_form(rng, second, second["paragraphs"],
                                         first["release_date"], noise()))
                    form = "shared boilerplate and date line"
                else:
                    b = f"{second['id']}.{rng.choice(['scan', 'rescan', 'misread'])}.txt"
                    form = "shared boilerplate"
                pair(a, b, "different", form, first["id"])
    return files, pairs


def write_or_check(directory, files, pairs, check, stale):
    directory.mkdir(exist_ok=True)
    for name, text in sorted(files.items()):
        path = directory / name
        if check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(str(path.relative_to(SET_DIR)))
        else:
            path.write_text(text, encoding="utf-8")
    lines = "".join(json.dumps(p, ensure_ascii=False) + "\n" for p in pairs)
    path = directory / "pairs.jsonl"
    if check:
        if not path.exists() or path.read_text(encoding="utf-8") != lines:
            stale.append(str(path.relative_to(SET_DIR)))
    else:
        path.write_text(lines, encoding="utf-8")


def main():
    rng = random.Random(SEED)
    sources = [read_source(p) for p in sorted(SOURCES.glob("*.txt"))]
    files = {}  # name -> text
    pairs = []

    def emit(name, paragraphs, noise):
        files[name] = render(rng, paragraphs, noise)
        return name

    for meta in sources:
        words = sum(len(p.split()) for p in meta["paragraphs"])
        assert 100 <= words <= 300, (meta["id"], words)
        base, date = meta["id"], meta["release_date"]
        v1 = emit(f"{base}.v1.txt", meta["paragraphs"], 0.0)  # text layer
        v2 = emit(f"{base}.v2.txt", meta["paragraphs"], rng.uniform(NOISE_MIN, NOISE_MAX))
        v3 = emit(f"{base}.v3.txt", meta["paragraphs"], rng.uniform(NOISE_MIN, NOISE_MAX))
        v4 = emit(f"{base}.v4.txt", meta["paragraphs"], rng.uniform(NOISE_MIN, NOISE_MAX))
        for a, b in ((v1, v2), (v3, v4)):
            date_a, date_b = date, date
            if rng.random() < 0.25:  # metadata did not find the date in one form
                if rng.random() < 0.5:
                    date_a = ""
                else:
                    date_b = ""
            pairs.append({"a": a, "b": b, "expect": "same", "release_date_a": date_a,
                          "release_date_b": date_b})

    by_office = {}
    for meta in sources:
        by_office.setdefault(meta["office"], []).append(meta)
    for office, metas in sorted(by_office.items()):
        for i, first in enumerate(metas):
            for second in metas[i + 1:]:
                a = f"{first['id']}.v{rng.choice([1, 2, 3])}.txt"
                b = f"{second['id']}.v{rng.choice([2, 3, 4])}.txt"
                date_a, date_b = first["release_date"], second["release_date"]
                roll = rng.random()
                if roll < 0.15:
                    date_b = date_a  # two releases of one office on the same day
                elif roll < 0.3:
                    date_a = ""
                pairs.append({"a": a, "b": b, "expect": "different", "release_date_a": date_a,
                              "release_date_b": date_b})

    metas = {m["id"]: m for m in sources}
    for base, kind, anchor, sentence, new_date in REVISIONS:
        meta = metas[base]
        paragraphs = revise(meta, kind, anchor, sentence)
        name = emit(f"{base}.rev-{kind}.txt", paragraphs, rng.uniform(NOISE_MIN, NOISE_MAX))
        a = f"{base}.v{rng.choice([1, 2])}.txt"
        change = {"replace": "sentence rewritten", "add": "sentence added", "date": "date only"}[kind]
        pairs.append({"a": a, "b": name, "expect": "revision",
                      "release_date_a": meta["release_date"],
                      "release_date_b": new_date or meta["release_date"], "change": change})

    check = "--check" in sys.argv
    stale = []
    write_or_check(SET_DIR, files, pairs, check, stale)
    record_files, record_pairs = make_records(sources)
    write_or_check(SET_DIR / "records", record_files, record_pairs, check, stale)
    if stale:
        raise SystemExit("stale: " + ", ".join(stale))
    rates = sorted(error_rate(" ".join(metas[name.split(".")[0]]["paragraphs"]), text)
                   for name, text in files.items() if ".v1." not in name and ".rev-" not in name)
    print(f"character error rate of the OCR forms: min {rates[0]:.3f}, "
          f"median {rates[len(rates) // 2]:.3f}, max {rates[-1]:.3f}")
    counts = {}
    for p in pairs:
        counts[p["expect"]] = counts.get(p["expect"], 0) + 1
    print(f"{len(files)} texts, {len(pairs)} pairs: {counts}")
    counts = {}
    for p in record_pairs:
        key = (p["split"], p["expect"])
        counts[key] = counts.get(key, 0) + 1
    print(f"records/: {len(record_files)} texts, {len(record_pairs)} pairs: {counts}")


if __name__ == "__main__":
    main()
