#!/usr/bin/env python3
"""make-trust-set.py - write the sources of the trust evaluation set (issue #15).

    tools/make-trust-set.py [--out build/trust-set] [--count 320] [--seed 1515]
    tools/make-eval-set.sh build/trust-set      # renders docs/ and truth.jsonl from them

Writes OUT/texts/NNN-town.txt in the format tools/make-eval-set.sh reads (a header of
truth fields and render options, "---", then the page). Everything is drawn from one
seeded random generator, so the same seed gives the same set, byte for byte.

Each release gets a layout class, a form and a split. The split (tuning | heldout) is a
hash of the release's id alone, assigned once: rules and thresholds are tuned on the
tuning half; the held-out half is only measured (build/bench/metadata_eval prints both).

Layout classes: letterhead-top (authority, office lines, address, rule, the dateline
opens the body, contact footer), letterhead-side (the letterhead flush right),
kicker (the word "Pressemitteilung" alone on a line, a date line, an issuer label at the
end), archive-page (date header, title, body, author line, dateline trailer),
typed-old (a 1970s-1990s typed release in a typewriter face), plain (title, a dated
header and the body only: no issuer is printed). Forms: born-digital PDFs, clean scans
(grey PNG or bilevel TIFF) and degraded scans at 200-400 DPI with skew, blur, specks,
dark borders and some pages upside down. Python 3 standard library only.
"""
import argparse
import hashlib
import os
import random
import shutil
import unicodedata

MONTHS_DE = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August",
             "September", "Oktober", "November", "Dezember"]
MONTHS_EN = ["January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December"]

TOWNS_DE = ["Göttingen", "Lüneburg", "Würzburg", "Fürth", "Gießen", "Düsseldorf", "Tübingen",
            "Saarbrücken", "Osnabrück", "Lübeck", "Nürnberg", "Böblingen", "Weißenfels",
            "Meißen", "Straubing", "Jülich", "Köln", "Zwickau", "Paderborn", "Hameln",
            "Bad Dürkheim", "Mülheim an der Ruhr", "Rüsselsheim", "Görlitz", "Schwäbisch Hall",
            "Überlingen", "Bamberg", "Gütersloh", "Delmenhorst", "Fürstenfeldbruck",
            "Lörrach", "Pößneck", "Wolfsburg", "Kassel", "Erlangen", "Hildesheim", "Neuss",
            "Rosenheim", "Dürren", "Weißenburg in Bayern", "Münden", "Bückeburg", "Wesel"]
TOWNS_EN = ["Leeds", "York", "Norwich", "Exeter", "Bath", "Derby", "Lincoln", "Durham",
            "Canterbury", "Chester", "Newcastle upon Tyne", "Stoke-on-Trent", "Milton Keynes",
            "Reading", "Carlisle", "Worcester", "Salisbury", "Gloucester", "Lancaster",
            "Wakefield", "Preston", "Ipswich"]

AUTHORITIES_DE = ["Stadt {t}", "Stadtverwaltung {t}", "Landratsamt {t}", "Universität {t}",
                  "Hochschule {t}", "Stadtwerke {t}", "Landkreis {t}"]
OFFICES_DE = ["Presse- und Öffentlichkeitsarbeit", "Pressestelle", "Amt für Kommunikation",
              "Referat Kommunikation und Marketing", "Pressereferat",
              "Stabsstelle Presse und Medien", "Büro des Oberbürgermeisters"]
AUTHORITIES_EN = ["{t} City Council", "{t} County Council", "University of {t}",
                  "{t} District Council", "{t} Museums Trust"]
OFFICES_EN = ["Communications Team", "Press Office", "Media Relations",
              "Corporate Communications", "External Affairs"]

SUBJECTS_DE = ["Neue Kita", "Stadtbibliothek", "Radweg am Mühlbach", "Hallenbad",
               "Wochenmarkt", "Klimaschutzkonzept", "Straßenbahnlinie 4", "Stadtarchiv",
               "Jugendzentrum", "Feuerwache Nord", "Bürgerbüro", "Musikschule", "Sportpark",
               "Winterdienst", "Gewerbegebiet Süd", "Seniorenbeirat", "Stadtfest",
               "Museumsnacht", "Wärmeplanung", "Hochwasserschutz", "Parkhaus am Bahnhof",
               "Brücke über die Aller", "Volkshochschule", "Tierheim", "Freibad Ost",
               "Grundschule am Park", "Stadtteilzentrum", "Wertstoffhof", "Kunsthalle",
               "Rathausplatz", "Botanischer Garten", "Skatepark", "Ortsumgehung"]
PREDICATES_DE = ["eröffnet im Frühjahr", "startet mit neuem Angebot", "wird erweitert",
                 "erhält Fördermittel des Landes", "öffnet nach den Sommerferien",
                 "bekommt mehr Personal", "ist wieder geöffnet", "wird barrierefrei umgebaut",
                 "legt Jahresbilanz vor", "zieht in neue Räume", "sucht Ehrenamtliche",
                 "verlängert die Öffnungszeiten", "wird saniert"]
EXTRAS_DE = ["Stadtrat stimmt dem Konzept der Verwaltung mit großer Mehrheit zu",
             "Arbeiten beginnen nach jahrelanger Planung noch in diesem Monat",
             "Bürgerinnen und Bürger können sich an der Gestaltung beteiligen",
             "Land und Bund übernehmen einen Großteil der Kosten"]
SUBTITLES_DE = ["Anmeldungen sind ab sofort im Bürgerbüro möglich",
                "Die Arbeiten dauern voraussichtlich bis zum Jahresende",
                "Verwaltung stellt die Pläne im Ausschuss vor",
                "Ein Informationsabend beantwortet Fragen der Anwohner",
                "Rund zwei Millionen Euro fließen in das Vorhaben",
                "Der Eintritt bleibt für Kinder und Jugendliche frei",
                "Ortsbeirat begrüßt die Entscheidung",
                "Umleitungen sind während der Bauzeit ausgeschildert"]
SUBJECTS_EN = ["New library hub", "Park and ride service", "Riverside cycle path", "Leisure centre",
               "Market hall", "Climate action plan", "Bus route 12", "City archive", "Youth club",
               "Fire station", "Recycling centre", "Music service", "Sports ground",
               "Winter gritting", "Business park", "Heritage open days", "Art gallery",
               "Community garden", "Town hall square", "Flood defence scheme", "Primary school"]
PREDICATES_EN = ["opens in spring", "launches a new service", "is to be extended",
                 "wins government funding", "reopens after refurbishment", "gets more staff",
                 "publishes annual report", "moves to new premises", "seeks volunteers",
                 "extends its opening hours"]
EXTRAS_EN = ["councillors back the plans by a large majority",
             "work starts this month after years of planning",
             "residents invited to help shape the design"]
SUBTITLES_EN = ["Bookings open today at the customer service centre",
                "Work is expected to last until the end of the year",
                "Plans go before the scrutiny committee next week",
                "A drop-in session will answer residents' questions",
                "Around two million pounds will be invested",
                "Entry remains free for children and young people"]

FIRST_F = ["Anna", "Sabine", "Julia", "Katrin", "Claudia", "Birgit", "Petra", "Heike", "Miriam"]
FIRST_M = ["Thomas", "Michael", "Stefan", "Jürgen", "Markus", "Andreas", "Wolfgang", "Frank"]
LAST_DE = ["Müller", "Schneider", "Weber", "Becker", "Hoffmann", "Schäfer", "Koch", "Bauer",
           "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Zimmermann", "Krüger", "Lange"]
ROLES_F = ["Oberbürgermeisterin", "Bürgermeisterin", "Baudezernentin", "Amtsleiterin"]
ROLES_M = ["Oberbürgermeister", "Bürgermeister", "Baudezernent", "Amtsleiter"]
FIRST_EN = ["Sarah", "James", "Helen", "David", "Rachel", "Peter", "Emma", "Mark"]
LAST_EN = ["Thompson", "Walker", "Hughes", "Clarke", "Wright", "Green", "Hall", "Wood"]
ROLES_EN = ["Council Leader", "Cabinet Member for Environment", "Director of Place",
            "Head of Libraries"]

QUOTES_DE = ["Wir freuen uns, dass wir dieses Projekt nun umsetzen können",
             "Das ist ein wichtiger Schritt für unsere Stadt",
             "Damit verbessern wir das Angebot für alle Generationen",
             "Ohne die Unterstützung vieler Engagierter wäre das nicht möglich gewesen"]
QUOTES_EN = ["We are delighted that this project can now go ahead",
             "This is an important step for our city",
             "It will make a real difference to residents of all ages"]
SENTENCES_DE = [
    "Das Vorhaben wurde am {d} im zuständigen Ausschuss beraten und beschlossen.",
    "Die Kosten belaufen sich auf rund {n}.000 Euro, von denen das Land einen Teil übernimmt.",
    "Bis zum {d} können Bürgerinnen und Bürger Anregungen schriftlich oder online einreichen.",
    "Während der Arbeiten kann es zu Einschränkungen im Verkehr kommen.",
    "Weitere Informationen gibt es im Internet und im Bürgerbüro im Rathaus.",
    "Eine Informationsveranstaltung findet am {d} um 18 Uhr im Ratssaal statt.",
    "Die Verwaltung rechnet damit, dass die Arbeiten im Herbst abgeschlossen werden.",
    "Im vergangenen Jahr hatten bereits mehr als {n} Menschen das Angebot genutzt.",
    "Die Planungen waren in enger Abstimmung mit den Ortsbeiräten entstanden.",
    "Das Angebot ist kostenlos, eine Anmeldung ist nicht erforderlich.",
    "Für die Umsetzung sind zwei Bauabschnitte vorgesehen, der erste endet im Sommer.",
    "Die Öffnungszeiten werden rechtzeitig in der Presse und im Internet bekannt gegeben."]
SENTENCES_EN = [
    "The scheme was approved by the cabinet on {d} after a public consultation.",
    "The project will cost around {n},000 pounds, part of which is funded by the government.",
    "Residents can send their comments in writing or online until {d}.",
    "There may be some disruption to traffic while the work is carried out.",
    "Further information is available on the council's website and at the town hall.",
    "A public meeting will be held on {d} at 6pm in the council chamber.",
    "The council expects the work to be completed in the autumn.",
    "Last year more than {n} people made use of the service.",
    "The plans were drawn up together with local ward members and residents.",
    "The service is free of charge and there is no need to book."]


def slug(s):
    s = s.replace("ß", "ss").replace("ä", "ae").replace("ö", "oe").replace("ü", "ue")
    s = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode()
    return "-".join("".join(c if c.isalnum() else " " for c in s.lower()).split())


def split_of(release_id):
    """tuning or heldout, from the release id alone (assigned once, never re-drawn)."""
    return "tuning" if hashlib.sha256(release_id.encode()).digest()[0] % 2 == 0 else "heldout"


class Release:
    def __init__(self, rng, index):
        self.r = rng
        self.index = index
        self.en = rng.random() < 0.28
        self.layout = rng.choices(
            ["letterhead-top", "letterhead-side", "kicker", "archive-page", "typed-old", "plain"],
            [28, 16, 18, 20, 0 if self.en else 12, 6])[0]
        if self.layout == "typed-old":
            self.form = rng.choices(["clean-scan", "degraded-scan"], [1, 3])[0]
        else:
            self.form = rng.choices(["born-digital", "clean-scan", "degraded-scan"], [32, 26, 42])[0]
        self.town = rng.choice(TOWNS_EN if self.en else TOWNS_DE)
        year = rng.randint(1972, 1996) if self.layout == "typed-old" else rng.randint(2012, 2025)
        self.date = (year, rng.randint(1, 12), rng.randint(1, 28))
        self.pages = 2 if rng.random() < 0.09 else 1

    def pick(self, seq):
        return self.r.choice(seq)

    def long_date(self, d=None):
        y, m, day = d or self.date
        return f"{day} {MONTHS_EN[m - 1]} {y}" if self.en else f"{day}. {MONTHS_DE[m - 1]} {y}"

    def numeric_date(self):
        y, m, d = self.date
        return f"{d:02d}.{m:02d}.{y}"

    def iso(self):
        y, m, d = self.date
        return f"{y:04d}-{m:02d}-{d:02d}"

    def other_date(self):
        y, m, d = self.date
        m2 = (m + self.r.randint(1, 3) - 1) % 12 + 1
        return self.long_date((y + (1 if m2 < m else 0), m2, self.r.randint(1, 28)))

    def person(self):
        if self.en:
            return f"{self.pick(FIRST_EN)} {self.pick(LAST_EN)}", self.pick(ROLES_EN)
        female = self.r.random() < 0.5
        title = "Dr. " if self.r.random() < 0.25 else ""
        first = self.pick(FIRST_F if female else FIRST_M)
        return f"{title}{first} {self.pick(LAST_DE)}", self.pick(ROLES_F if female else ROLES_M)

    def headline(self):
        subj = self.pick(SUBJECTS_EN if self.en else SUBJECTS_DE)
        pred = self.pick(PREDICATES_EN if self.en else PREDICATES_DE)
        title = f"{subj} {pred}"
        if self.r.random() < 0.3:  # long enough to wrap onto a second line
            title += ": " + self.pick(EXTRAS_EN if self.en else EXTRAS_DE)
        elif self.r.random() < 0.4:
            title = f"{subj} in {self.town} {pred}" if not self.en else f"{self.town}: {title}"
        sub = None
        if self.r.random() < 0.68:
            sub = self.pick(SUBTITLES_EN if self.en else SUBTITLES_DE)
        if self.layout == "typed-old":
            title = title.upper()
        return title, sub

    def paragraphs(self, count, person):
        pool = SENTENCES_EN if self.en else SENTENCES_DE
        out = []
        for k in range(count):
            chosen = self.r.sample(pool, self.r.randint(2, 3))
            s = [c.format(d=self.other_date(), n=self.r.randint(3, 90)) for c in chosen]
            if k == 1:
                q = self.pick(QUOTES_EN if self.en else QUOTES_DE)
                name, role = person
                s.insert(1, f"“{q}”, said {name}, {role}." if self.en else f"„{q}“, sagte {role} {name}.")
            out.append(" ".join(s))
        return out


def render(rel):
    """(header dict, page lines) of one release."""
    r = rel.r
    t = rel.town
    authority = rel.pick(AUTHORITIES_EN if rel.en else AUTHORITIES_DE).format(t=t)
    office = rel.pick(OFFICES_EN if rel.en else OFFICES_DE)
    kicker = rel.pick(["News release", "Press release", "NEWS RELEASE"] if rel.en else
                      ["Pressemitteilung", "Presseinformation", "PRESSEMITTEILUNG"])
    person = rel.person()
    title, sub = rel.headline()
    npar = r.randint(3, 4) + (3 if rel.pages == 2 else 0)
    body = rel.paragraphs(npar, person)
    addr = (f"Town Hall, Market Street, {t} · Telephone 01632 {r.randint(100000, 999999)}" if rel.en
            else f"Rathaus, Marktplatz {r.randint(1, 20)}, {r.randint(10000, 99999)} {t} · Telefon 0{r.randint(200, 999)} {r.randint(100, 999)}-{r.randint(1000, 9999)}")
    footer = (f"Media contact: {rel.person()[0]}, press@{slug(t)}.gov.uk" if rel.en
              else f"Pressekontakt: {rel.person()[0]}, Telefon 0{r.randint(200, 999)} {r.randint(100, 999)}-0, presse@{slug(t)}.de")
    lines, issuer, place, style = [], None, t, ""
    dl_inline = (f"{t}, {rel.long_date()} –" if rel.en or r.random() < 0.5
                 else f"{t}, den {rel.long_date()} –")
    head = {}

    def head_block():
        lines.append(f"@title {title}")
        if sub:
            lines.append(f"@subtitle {sub}")
        lines.append("")

    def body_block(first_prefix=None):
        for k, p in enumerate(body):
            if k == 0 and first_prefix:
                p = f"{first_prefix} {p}"
            if rel.pages == 2 and k == npar // 2:
                lines.append("@page")
            lines.append(p)
            lines.append("")

    if rel.layout == "letterhead-top":
        lines += [f"@issuer {authority}", f"@issuer {office}", f"@addr {addr}", "@rule"]
        issuer = f"{authority} / {office}"
        if r.random() < 0.5:
            lines.append(f"@kicker {kicker}")
        head_block()
        body_block(dl_inline)
        style = "dateline-long"
        lines.append(f"@footer {footer}")
    elif rel.layout == "letterhead-side":
        lines += [f"@side {authority}", f"@side {office}", f"@side {addr.split(' · ')[0]}"]
        issuer = f"{authority} / {office}"
        lines.append(f"@kicker {kicker}")
        head_block()
        body_block(dl_inline)
        style = "dateline-long"
        if r.random() < 0.6:
            lines.append(f"@footer {footer}")
    elif rel.layout == "kicker":
        lines.append(f"@kicker {kicker}")
        date_line = (f"Date: {rel.long_date()}" if rel.en else f"Datum: {rel.numeric_date()}")
        lines.append(f"@header {date_line}")
        head_block()
        body_block()
        label = "Issued by" if rel.en else "Herausgeber"
        issuer = f"{authority}, {office}"
        lines.append(f"@trailer {label}: {issuer}")
        lines.append(f"@trailer {t}, {rel.long_date() if rel.en else rel.numeric_date()}")
        style = "header-and-dateline"
    elif rel.layout == "archive-page":
        lines.append(f"@datehead {'Press release of' if rel.en else 'Pressemitteilung vom'} "
                     f"{rel.long_date() if rel.en else rel.numeric_date()}")
        head_block()
        body_block()
        issuer = office if r.random() < 0.5 else f"{authority}, {office}"
        lines.append(f"@trailer {'Author' if rel.en else 'Autor/in'}: {issuer}")
        lines.append(f"@trailer {t}, {rel.long_date() if rel.en else rel.numeric_date()}")
        style = "pm-vom-and-trailer"
    elif rel.layout == "typed-old":
        lines += [f"@issuer {authority.upper()}", f"@issuer {office}"]
        issuer = f"{authority.upper()} / {office}"
        lines.append(f"@addr {addr.split(' · ')[0]}")
        lines.append(f"@kicker PRESSEMITTEILUNG Nr. {r.randint(10, 250)}/{rel.date[0]}")
        head_block()
        body_block(f"{t}, den {rel.long_date()} –")
        style = "typed-dateline"
    else:  # plain: no issuer printed
        lines.append(f"@header {'Published' if rel.en else 'Veröffentlicht'}: {rel.iso()}")
        head_block()
        with_dateline = r.random() < 0.8
        body_block(f"{t}, {rel.long_date()} –" if with_dateline else None)
        place = t if with_dateline else None
        style = "iso-header"

    head.update({
        "language": "en" if rel.en else "de", "layout": rel.layout, "form": rel.form,
        "disclaimer": "false", "date_style": style, "release_date": rel.iso(),
        "place": place or "null", "issuer": issuer or "null", "document_type": "press release"})
    # persons: the one quoted (the contact footer names are contacts, not counted)
    head["person"] = f"{person[0]} | {person[1]}"
    typewriter = rel.layout == "typed-old" or (rel.form != "born-digital" and r.random() < 0.08)
    head["font"] = "C" if typewriter else rel.pick(["H", "T", "N", "P", "H", "T"])
    head["body_pt"] = rel.pick(["10", "11", "11", "12"])
    head["title_pt"] = "12" if typewriter else rel.pick(["14", "16", "17", "18", "20"])
    head["subtitle_pt"] = "11" if typewriter else rel.pick(["11", "12", "13", "14"])
    head["subtitle_gap"] = rel.pick(["0", "0", "0.3", "0.6"])
    head["pages"] = str(rel.pages)
    if rel.form == "born-digital":
        head["output"] = "pdf"
    else:
        head["dpi"] = str(rel.pick([200, 240, 300, 300, 300, 400]))
        if rel.form == "clean-scan":
            head["output"] = rel.pick(["png", "tif"]) if rel.pages == 1 else "tif"
        else:
            head["output"] = "tif" if rel.pages == 2 or r.random() < 0.7 else "png"
            head["skew"] = f"{r.uniform(-3, 3):.1f}"
            head["seed"] = str(1000 + rel.index * 7)
            head["blur"] = f"{r.uniform(0.4, 1.3) * int(head['dpi']) / 300:.2f}"
            head["specks"] = f"{r.uniform(0.3, 3.0):.1f}"
            head["border"] = str(r.randint(20, 90) if r.random() < 0.3 else 0)
            head["rotate"] = "180" if r.random() < 0.1 else "0"
    return head, lines


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default="build/trust-set")
    ap.add_argument("--count", type=int, default=320)
    ap.add_argument("--seed", type=int, default=1515)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    texts = os.path.join(args.out, "texts")
    shutil.rmtree(texts, ignore_errors=True)
    os.makedirs(texts)
    for i in range(1, args.count + 1):
        rel = Release(rng, i)
        head, lines = render(rel)
        release_id = f"{i:03d}-{slug(rel.town)}"
        head["split"] = split_of(release_id)
        with open(os.path.join(texts, release_id + ".txt"), "w", encoding="utf-8") as f:
            for k, v in head.items():
                f.write(f"{k}: {v}\n")
            f.write("---\n")
            f.write("\n".join(lines).rstrip("\n") + "\n")
    print(f"make-trust-set.py: {args.count} releases in {texts}")


if __name__ == "__main__":
    main()
