#include "stages/metadata/dates/dates.h"

#include <gtest/gtest.h>

#include "stages/metadata/dates/dateline.h"

namespace pressarchive {
namespace {

const MetadataRules& rules() {
  static const MetadataRules r = parse_rules(builtin_rules_text(), "built-in").value();
  return r;
}

struct Case {
  std::string text;
  std::string iso;  // "" = no date
};

TEST(DateFinder, FindsTheDateInEveryStyle) {
  const DateFinder finder(rules());
  const std::vector<Case> cases = {
      {"Pressemitteilung vom 31.03.2022", "2022-03-31"},
      {"Kaiserslautern, 31.03.2022", "2022-03-31"},
      {"Konstanz, den 3. Mai 2019", "2019-05-03"},
      {"Mit Wirkung zum 31. März 2022 beenden", "2022-03-31"},
      {"31. MÄRZ 2022", "2022-03-31"},
      {"31.3.22", "2022-03-31"},
      {"1.1.99", "1999-01-01"},
      {"2022-03-31", "2022-03-31"},
      {"March 31, 2022", "2022-03-31"},
      {"31 March 2022", "2022-03-31"},
      {"Sept. 4, 2021", "2021-09-04"},
      {"am 04. April 2022 zur Beratung", "2022-04-04"},
      {"Freiburg, 12. Dezember 2018", "2018-12-12"},
      {"12. Dez. 2018", "2018-12-12"},
      {"7 Jan 2020", "2020-01-07"},
      {"Jänner 5 2020", "2020-01-05"},  // Austrian month name, English order
      // OCR confusions inside numbers
      {"3l.O3.2022", "2022-03-31"},
      {"31.03.2O22", "2022-03-31"},
      {"3I.03.2022", "2022-03-31"},
      {"31.O3.2022", "2022-03-31"},
      {"15.0S.2020", "2020-05-15"},
      {"31..03.2022", "2022-03-31"},  // doubled dot
      {"31.03 2022", "2022-03-31"},   // dropped dot
      {"31. 03. 2022", "2022-03-31"},
      // day-first with slashes, ISO and short numeric forms from headers and datelines
      {"14/06/2021", "2021-06-14"},
      {"Leeds, 14/06/2021 \u2013 Residents", "2021-06-14"},
      {"23.6.22", "2022-06-23"},
      {"Stellenausschreibung Nr. 12/2019 \u00b7 6.5.19", "2019-05-06"},
      {"Ulm, 7.9.21 \u2014 Der Wettbewerb", "2021-09-07"},
      {"Veröffentlicht: 2019-10-01", "2019-10-01"},
      {"Published 9 June 2020", "2020-06-09"},
      {"News release \u00b7 November 16, 2018", "2018-11-16"},
      {"Pressemitteilung vom 4. Juli 2019", "2019-07-04"},
      {"Kaiserslautern, 22.05.2023. Auf rund 40 Hektar", "2023-05-22"},
      // more OCR noise: letters for digits, commas for dots, doubled and dropped dots
      {"l4/O6/2O21", "2021-06-14"},
      {"2O21-O6-14", "2021-06-14"},
      {"2021-06-l4", "2021-06-14"},
      {"14.09.202l", "2021-09-14"},
      {"O5.1O.2023", "2023-10-05"},
      {"I7.01.2019", "2019-01-17"},
      {"S.5.2020", "2020-05-05"},
      {"05,02.2020", "2020-02-05"},
      {"31.O3..2022", "2022-03-31"},
      {"4 .07.2019", "2019-07-04"},
      {"\u201a M\u00fcnster; 04.07.2019", "2019-07-04"},
      // a full stop read as a single quotation mark (a dot with a speck)
      {"G\u00f6ttingen, 11.01 \u201a2018", "2018-01-11"},
      {"11\u201901.2018", "2018-01-11"},
      // a month's name with a letter misread; ISO hyphens read as dashes or with a blank
      {"24 Januarv 2017", "2017-01-24"},
      {"8. Dezernber 2025", "2025-12-08"},
      {"2016 -03-04", "2016-03-04"},
      {"2016\u201403\u201304", "2016-03-04"},
      // not dates
      {"31/02/2021", ""},
      {"Nr. 12/2019", ""},
      {"1,3 Kilometern", ""},
      {"860.000 Euro", ""},
      {"Tel. +44 1223 330000", ""},
      {"32.01.2022", ""},
      {"29.02.2023", ""},
      {"29.02.2024", "2024-02-29"},
      {"Version 1.2.3", ""},
      {"Telefon 0631 365-0", ""},
      {"Seite 3 von 12", ""},
      {"im Jahre 2017", ""},
      {"Sol 3", ""},
      {"Nr. 3\u2019 12 Seiten", ""},
      {"zum 8. Mal 2025", ""},
      {"Saison 2019 - 2020", ""},
  };
  for (const Case& c : cases) {
    std::optional<FoundDate> found = finder.find_first(c.text);
    if (c.iso.empty()) {
      EXPECT_FALSE(found) << c.text << " -> " << (found ? found->iso : "");
    } else {
      ASSERT_TRUE(found) << c.text;
      EXPECT_EQ(found->iso, c.iso) << c.text;
    }
  }
}

TEST(DateFinder, ReportsEveryDateInOrderWithOffsets) {
  const DateFinder finder(rules());
  const std::string text = "Pressemitteilung vom 31.03.2022: Sitzung am 04. April 2022.";
  std::vector<FoundDate> all = finder.find_all(text);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].iso, "2022-03-31");
  EXPECT_EQ(text.substr(all[0].begin, all[0].end - all[0].begin), "31.03.2022");
  EXPECT_EQ(all[1].iso, "2022-04-04");
}

// fuzz/dates_fuzzer: a digit followed by a long run of blanks (a hostile PDF text layer)
// made std::regex recurse once per blank until the stack overflowed.
TEST(DateFinder, LongRunsOfBlanksDoNotOverflowTheStack) {
  const DateFinder finder(rules());
  EXPECT_TRUE(finder.find_all("1 " + std::string(1'000'000, ' ') + "x").empty());
  EXPECT_TRUE(finder.find_all("Mai\t" + std::string(1'000'000, '\n') + "1").empty());
}

TEST(DateFinder, LongRunsOfBlanksKeepDatesAndOffsets) {
  const DateFinder finder(rules());
  const std::string blanks(100'000, ' ');
  // A run of blanks inside a date, where `\s*` allows it, and before one.
  const std::string text = "Kaiserslautern, 31." + blanks + "März 2022" + blanks + "31.03.2022 " +
                           "31.03" + blanks + "2022";
  std::vector<FoundDate> all = finder.find_all(text);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].iso, "2022-03-31");
  EXPECT_EQ(text.substr(all[0].begin, all[0].end - all[0].begin), "31." + blanks + "März 2022");
  EXPECT_EQ(all[1].iso, "2022-03-31");
  EXPECT_EQ(text.substr(all[1].begin, all[1].end - all[1].begin), "31.03.2022");
  // Only one blank may stand where the numeric form allows " ?": the last one is no date.
}

struct DatelineCase {
  std::string line;
  std::string place;  // "" = no dateline
  std::string iso;
};

// The kinds of noise OCR puts into a dateline on a degraded scan, each with lines that
// stay no dateline however the noise is read.
TEST(DatelineReader, ToleratesOcrNoise) {
  const DateFinder finder(rules());
  const DatelineReader reader(rules(), finder);
  const std::vector<DatelineCase> cases = {
      // a blank inside the month's name, a letter of it misread too
      {"Weißenburg in Bayern, 18. N ovembet 2012 \u2014 Während der Bauzeit",
       "Weißenburg in Bayern", "2012-11-18"},
      {"Weißenburg in Bayern, 18. Nov ember 2012 \u2014 Während der Bauzeit",
       "Weißenburg in Bayern", "2012-11-18"},
      {"Leeds, 3 Sept ember 2019 - The council has", "Leeds", "2019-09-03"},
      {"Wesel, den 8. Dezembcr 2025 \u2014 Für die Umsetzung", "Wesel", "2025-12-08"},
      {"Oxford, Octobe r 2, 2019 \u2014 Oxford City Council has", "Oxford", "2019-10-02"},
      // the dash after the date read as another mark
      {"Lancaster, 26 May 2014 \u00a9 The service will run", "Lancaster", "2014-05-26"},
      {"Lancaster, 26 May 2014 * The service will run", "Lancaster", "2014-05-26"},
      {"Kiel, 4. Juni 2019 \u00ae Die Stadt hat", "Kiel", "2019-06-04"},
      // a speck read as a mark between the date's parts
      {"Durham, 5 April ; 2014 - Residents are asked", "Durham", "2014-04-05"},
      {"Durham, 5 ; April 2014 - Residents are asked", "Durham", "2014-04-05"},
      {"Trier, den 7. März , 2016 \u2013 Die Arbeiten", "Trier", "2016-03-07"},
      // a speck read as a lone letter before the place
      {"j Saarbrücken, den 9. November 2025 \u2014 Das Angebot ist kostenlos", "Saarbrücken",
       "2025-11-09"},
      {"i Lancaster, 26 May 2014 - The service", "Lancaster", "2014-05-26"},
      // a blank moved into the month's name, next to the day
      {"Ipswich, 6J anuary 2013 - Last year more than 89 people", "Ipswich", "2013-01-06"},
      {"Kiel, 14.J uni 2019 \u2013 Die Stadt hat", "Kiel", "2019-06-14"},
      // the place's first letter read in lowercase, a place of the rules
      {"würzburg, den 6. August 1984 - Das Vorhaben wurde", "Würzburg", "1984-08-06"},
      // as before
      {"Konstanz, den 3. Mai 2019 \u2013 Die Stadt", "Konstanz", "2019-05-03"},
      {"Konstanz, den 3. Mai 2019", "Konstanz", "2019-05-03"},
      // not datelines: a sentence with a date inside, a mark and then a sentence going on,
      // words between the numbers that name no month, a short word one letter from a month
      {"Am Samstag, 5. Oktober 2019, beginnt die Kirchweih.", "", ""},
      {"Berlin, 3. Mai 2021 beginnt die neue Saison.", "", ""},
      {"Lancaster, 26 May 2014 \u00a9 the service will run", "", ""},
      {"Lancaster, 26 May 2014, the council said on Monday", "", ""},
      {"Durham, 5 Apples ; 2014 - Residents are asked", "", ""},
      {"Der Rat, 5 Mitglieder ; 2014 \u2013 Die Sitzung", "", ""},
      {"Wesel, 5. Mal 2014 \u2014 Das Vorhaben", "", ""},
      {"Die Stadt, die 2019 gegründet wurde, plant am 3. Mai 2019 eine Feier.", "", ""},
      {"j saarbrücken, den 9. November 2025 \u2014 Das Angebot", "", ""},
      {"und bürger, den 6. August 1984 - Das Vorhaben wurde", "", ""},
      {"Kiel, 14J 2019 \u2013 Die Stadt hat", "", ""},
      {"Seit Montag, 3. Mai 2021 – gilt die neue Regel.", "", ""},
  };
  for (const DatelineCase& c : cases) {
    const auto d = reader.dateline(c.line);
    EXPECT_EQ(d ? d->place : "", c.place) << c.line;
    EXPECT_EQ(d ? d->iso : "", c.iso) << c.line;
  }
}

TEST(RepairDigits, OnlyInsideNumbers) {
  EXPECT_EQ(repair_digits("3l.O3.2O22"), "31.03.2022");
  EXPECT_EQ(repair_digits("Sol Olaf Ist"), "Sol Olaf Ist");
  EXPECT_EQ(repair_digits("Oberbürgermeister 2017"), "Oberbürgermeister 2017");
}

}  // namespace
}  // namespace pressarchive
