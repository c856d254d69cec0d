#include "stages/metadata/issuer.h"

#include <gtest/gtest.h>

#include "stages/metadata/base/rules.h"
#include "stages/metadata/metadata.h"

namespace pressarchive {
namespace {

MetadataRules rules_with(std::vector<std::string> known) {
  MetadataRules r = parse_rules(builtin_rules_text(), "built-in").value();
  r.known_issuers = std::move(known);
  return r;
}

struct IssuerCase {
  const char* why;
  std::vector<std::string> configured;  // [issuer] known
  std::vector<std::string> archive;     // issuers already in the archive
  std::string read;                     // as OCR read it
  std::string expected;
  bool snapped;
};

TEST(Issuer, SnapsOnlyWhatOcrConfusedAndNothingElse) {
  const std::vector<IssuerCase> cases = {
      {"exact known issuer stays",
       {"Stadt Ulm / Pressestelle"},
       {},
       "Stadt Ulm / Pressestelle",
       "Stadt Ulm / Pressestelle",
       false},
      {"umlaut lost, office word",
       {},
       {},
       "Stadtverwaltung Münster / Presse- und Offentlichkeitsarbeit",
       "Stadtverwaltung Münster / Presse- und Öffentlichkeitsarbeit",
       true},
      {"umlaut added, office word",
       {},
       {},
       "Stadt Mülheim an der Ruhr / Referat Kommünikation und Marketing",
       "Stadt Mülheim an der Ruhr / Referat Kommunikation und Marketing",
       true},
      {"comma read as full stop after an office word",
       {},
       {},
       "Newcastle City Council. Communications",
       "Newcastle City Council, Communications",
       true},
      {"full stop after a short office word before small letters goes",
       {},
       {},
       "LANDRATSAMT ÜBERLINGEN / Amt. für Kommunikation",
       "LANDRATSAMT ÜBERLINGEN / Amt für Kommunikation",
       true},
      {"full stop after an abbreviation stays",
       {},
       {},
       "Stadt Freiburg i. Br. / Pressereferat",
       "Stadt Freiburg i. Br. / Pressereferat",
       false},
      {"full stop at the end goes", {}, {}, "Referat Kultur.", "Referat Kultur", true},
      {"full stop of an abbreviation at the end stays",
       {},
       {},
       "Kulturverein e.V.",
       "Kulturverein e.V.",
       false},
      {"OCR's specks go",
       {},
       {},
       "\"York County Council \" / External Affairs",
       "York County Council / External Affairs",
       true},
      {"stops before small letters go",
       {},
       {},
       "Stadt Jülich / Referat Kommunikation: und Marketing. für Bürger j",
       "Stadt Jülich / Referat Kommunikation und Marketing für Bürger",
       true},
      {"a comma read with a dash",
       {},
       {},
       "Preston Museums Trust,-Press Office",
       "Preston Museums Trust, Press Office",
       true},
      {"unknown names are not touched",
       {},
       {},
       "Zweckverband Bodensee-Wasserversorgung",
       "Zweckverband Bodensee-Wasserversorgung",
       false},
      {"l read as 1, configured issuer",
       {"Stadt Kaiserslautern / Pressestelle"},
       {},
       "Stadt Kaisers1autern / Pressestelle",
       "Stadt Kaiserslautern / Pressestelle",
       true},
      {"one letter wrong, archive issuer",
       {},
       {"Magistrat der Stadt Bad Homburg vor der Höhe / Presse- und Informationsamt"},
       "Magistrat der Stadt Bad Hornburg vor der Hohe / Presse- und Informationsamt",
       "Magistrat der Stadt Bad Homburg vor der Höhe / Presse- und Informationsamt",
       true},
      {"another office of the same city is not snapped",
       {},
       {"Stadt Ulm / Hauptabteilung Kommunikation"},
       "Stadt Ulm / Hauptabteilung Kultur",
       "Stadt Ulm / Hauptabteilung Kultur",
       false},
      {"short issuers need an exact key", {}, {"Presseamt"}, "Presseant", "Presseant", false},
      {"two equally near known issuers: no snap",
       {},
       {"Stadt Ulm / Referat Sport und Bäder", "Stadt Ulm / Referat Sport und Bauen"},
       "Stadt Ulm / Referat Sport und Baden",
       "Stadt Ulm / Referat Sport und Baden",
       false},
      {"empty stays empty", {"Stadt Ulm"}, {}, "", "", false},
  };
  for (const IssuerCase& c : cases) {
    const MetadataRules r = rules_with(c.configured);
    const IssuerResolver resolver(r, c.archive);
    const ResolvedIssuer got = resolver.resolve(c.read);
    EXPECT_EQ(got.issuer, c.expected) << c.why;
    EXPECT_EQ(got.snapped, c.snapped) << c.why;
    if (got.snapped)
      EXPECT_LT(got.confidence_factor, 1.0) << c.why;
    else
      EXPECT_EQ(got.confidence_factor, 1.0) << c.why;
  }
}

TEST(Issuer, EditDistance) {
  using std::string;
  EXPECT_EQ(edit_distance(string(""), string("")), 0u);
  EXPECT_EQ(edit_distance(string("abc"), string("")), 3u);
  EXPECT_EQ(edit_distance(string("kitten"), string("sitting")), 3u);
  EXPECT_EQ(edit_distance(string("presseamt"), string("presseamt")), 0u);
  // Over code points, an umlaut is one edit; over UTF-8 bytes it is two.
  EXPECT_EQ(edit_distance(std::u32string(U"Presseamt"), std::u32string(U"Presseämt")), 1u);
  EXPECT_EQ(edit_distance(string("Presseamt"), string("Presseämt")), 2u);
}

TEST(Issuer, ExtractionLowersTheConfidenceOfASnappedIssuer) {
  MetadataRules r = rules_with({});
  PageResult page;
  page.method = PageMethod::kTextLayer;
  for (const char* text :
       {"Autor/in: Presse- und Offentlichkeitsarbeit", "Radweg fertig",
        "Die Stadt hat den Radweg an der Havel fertiggestellt und freigegeben, sagte sie heute."})
    page.lines.push_back({text, 10, true});
  const MetadataExtractor plain(r);
  const Metadata snapped = plain.extract({page});
  EXPECT_EQ(snapped.issuer, "Presse- und Öffentlichkeitsarbeit");
  page.lines[0].text = "Autor/in: Presse- und Öffentlichkeitsarbeit";
  const Metadata exact = plain.extract({page});
  EXPECT_EQ(exact.issuer, "Presse- und Öffentlichkeitsarbeit");
  EXPECT_LT(snapped.confidence.at("issuer"), exact.confidence.at("issuer"));
}

}  // namespace
}  // namespace pressarchive
