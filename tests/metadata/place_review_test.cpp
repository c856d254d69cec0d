// Places snapped like issuers, and the review queue: which records a person must check,
// and why (stages/metadata/place.h, stages/ingest/assemble.h).
#include <gtest/gtest.h>

#include "pipeline/config.h"
#include "stages/ingest/assemble.h"
#include "stages/metadata/base/rules.h"
#include "stages/metadata/metadata.h"
#include "stages/metadata/place.h"

namespace pressarchive {
namespace {

struct PlaceCase {
  const char* why;
  std::vector<std::string> known;
  std::string read;
  std::string expected;
  ResolvedPlace::How how;
};

TEST(Place, SnapsOcrConfusionsToOneKnownSpellingOnly) {
  using How = ResolvedPlace::How;
  const std::vector<PlaceCase> cases = {
      {"known spelling stays", {"Lüneburg"}, "Lüneburg", "Lüneburg", How::kKnown},
      {"ii read for ü", {"Lüneburg", "Lübeck"}, "Liineburg", "Lüneburg", How::kSnapped},
      {"fs read for ß", {"Gießen"}, "Giefsen", "Gießen", How::kSnapped},
      {"umlaut dropped", {"Göttingen"}, "Gottingen", "Göttingen", How::kSnapped},
      {"rn read for m", {"Bamberg"}, "Barnberg", "Bamberg", How::kSnapped},
      {"two known spellings fit: kept as read",
       {"Müden", "Muden"},
       "Miiden",
       "Miiden",
       How::kAmbiguous},
      {"an unknown town is not touched", {"Lüneburg"}, "Lüdenscheid", "Lüdenscheid", How::kUnknown},
      {"a different town is not snapped", {"Würzburg"}, "Wurzen", "Wurzen", How::kUnknown},
  };
  MetadataRules rules = parse_rules(builtin_rules_text(), "built-in").value();
  for (const PlaceCase& c : cases) {
    rules.known_places = c.known;
    const ResolvedPlace got = PlaceResolver(rules, {}).resolve(c.read);
    EXPECT_EQ(got.place, c.expected) << c.why;
    EXPECT_EQ(got.how, c.how) << c.why;
  }
}

TEST(Place, ArchivePlacesCountAsKnown) {
  MetadataRules rules = parse_rules(builtin_rules_text(), "built-in").value();
  rules.known_places.clear();
  EXPECT_EQ(PlaceResolver(rules, {"Düsseldorf"}).resolve("Diisseldorf").place, "Düsseldorf");
}

TEST(Place, TheLetterheadsOwnTownForAPlaceNoListKnows) {
  EXPECT_EQ(PlaceResolver::town_of_address("Rathaus, Marktplatz 10, 97157 Dürren"), "Dürren");
  EXPECT_EQ(PlaceResolver::town_of_address(
                "Rathaus, Marktplatz 20, 97171 Lübeck - Telefon 0541 736-5601"),
            "Lübeck");
  EXPECT_EQ(PlaceResolver::town_of_address("Town Hall, Market Street, Gloucester"), "");
  EXPECT_EQ(PlaceResolver::town_of_address("Telefon 0541 73656"), "");
  using How = ResolvedPlace::How;
  MetadataRules rules = parse_rules(builtin_rules_text(), "built-in").value();
  const PlaceResolver places(rules, {});
  EXPECT_EQ(places.resolve("Dürren", {"Dürren"}).how, How::kLetterhead);
  const ResolvedPlace snapped = places.resolve("Diirren", {"Dürren"});
  EXPECT_EQ(snapped.place, "Dürren");
  EXPECT_EQ(snapped.how, How::kLetterheadSnapped);
  EXPECT_EQ(places.resolve("Wurzen", {"Dürren"}).how, How::kUnknown);
  // A known place is read as the list has it, whatever the letterhead says.
  EXPECT_EQ(places.resolve("Liineburg", {"Lünebach"}).place, "Lüneburg");

  const MetadataExtractor extractor(rules);
  PageResult page;
  page.method = PageMethod::kTextLayer;
  for (const char* text :
       {"STADTWERKE DÜRREN", "Büro des Oberbürgermeisters", "Rathaus, Marktplatz 10, 97157 Dürren",
        "PRESSEMITTEILUNG Nr. 152/1983", "BRÜCKE ÜBER DIE ALLER IST WIEDER GEÖFFNET",
        "Diirren, den 18. Dezember 1983 - Die Öffnungszeiten werden rechtzeitig in der Presse",
        "und im Internet bekannt gegeben. Weitere Informationen gibt es im Bürgerbüro."})
    page.lines.push_back({text, 12, false});
  const Metadata m = extractor.extract({page});
  EXPECT_EQ(m.place, "Dürren");
  EXPECT_EQ(m.evidence.at("place"), "dateline-letterhead-snapped/text");
  EXPECT_EQ(m.evidence.at("place_read"), "Diirren");
}

// A town no list knows and no letterhead address names is doubted, unless the record names
// it again apart from the dateline (the issuer's "Landkreis Münden"): two readings agree.
TEST(Place, AnUnknownTownTheRecordNamesAgainIsLessDoubtful) {
  MetadataRules rules = parse_rules(builtin_rules_text(), "built-in").value();
  rules.known_places.clear();
  const MetadataExtractor extractor(rules);
  const auto place_evidence = [&](const char* issuer) {
    PageResult page;
    page.method = PageMethod::kTextLayer;
    for (const char* text :
         {"Pressemitteilung vom 22.04.2021", "Stadtteilzentrum legt Jahresbilanz vor",
          "Die Kosten belaufen sich auf rund 15.000 Euro, von denen das Land einen Teil",
          "übernimmt. Im vergangenen Jahr hatten bereits mehr als 82 Menschen das Angebot",
          "genutzt. Die Öffnungszeiten werden rechtzeitig bekannt gegeben.", issuer,
          "Münden, 22.04.2021"})
      page.lines.push_back({text, 12, true});
    const Metadata m = extractor.extract({page});
    EXPECT_EQ(m.place, "Münden") << issuer;
    return m.evidence.at("place");
  };
  EXPECT_EQ(place_evidence("Autor/in: Landkreis Münden, Pressereferat"), "dateline-named/text");
  EXPECT_EQ(place_evidence("Autor/in: Referat Kommunikation und Marketing"),
            "dateline-unknown/text");
}

Record record_with(const std::string& title, const std::string& date, const std::string& issuer,
                   const std::string& place, double confidence = 0.9) {
  Record r;
  PageResult page;
  page.number = 1;
  page.method = PageMethod::kTextLayer;
  r.pages.push_back(page);
  r.metadata.title = title, r.metadata.release_date = date, r.metadata.issuer = issuer,
  r.metadata.place = place;
  for (const char* f : {"title", "release_date", "issuer", "place"})
    r.metadata.confidence[f] = metadata_field(r.metadata, f).empty() ? 0.0 : confidence;
  return r;
}

bool has_reason(const Record& r, const std::string& part) {
  for (const std::string& reason : r.review_reasons)
    if (reason.find(part) != std::string::npos) return true;
  return false;
}

struct ReviewCase {
  const char* why;
  Record record;
  ReviewHistory history;
  bool flagged;
  std::string reason;  // a part of one reason; "" for none
};

TEST(Review, DefaultThresholdsDoubtATitleRightTwiceInThree) {
  // A wrong title nobody flagged is worse than a missing one: a title found by evidence
  // right on two of three records of the tuning half (a plain head block on a poor scan)
  // goes to review; one right on nine of ten does not.
  const Settings settings = Config::load("").value().settings().value();
  const ReviewPolicy policy{settings.review_min_ocr_confidence,
                            settings.review_min_field_confidence, settings.review_min_confidence};
  Record doubtful = record_with("Parkhaus am Bahnhof eröffnet im Frühjahr", "2019-05-03",
                                "Stadt Lüneburg", "Lüneburg", 0.95);
  doubtful.metadata.confidence["title"] = 0.667;
  doubtful.metadata.evidence["title"] = "plain-block/ocr-poor";
  flag_for_review(doubtful, policy);
  EXPECT_TRUE(doubtful.needs_review);
  EXPECT_TRUE(has_reason(doubtful, "title 'Parkhaus am Bahnhof"));
  Record trusted = record_with("Parkhaus am Bahnhof eröffnet im Frühjahr", "2019-05-03",
                               "Stadt Lüneburg", "Lüneburg", 0.95);
  trusted.metadata.confidence["title"] = 0.909;
  flag_for_review(trusted, policy);
  EXPECT_FALSE(trusted.needs_review);
}

TEST(Review, FlagsMissingDoubtfulAndDisagreeingKeyFieldsButNotConfirmedOnes) {
  ReviewPolicy policy;
  policy.min_confidence = {{"title", 0.6}, {"release_date", 0.6}, {"issuer", 0.6}, {"place", 0.6}};
  Record low = record_with("Titel", "2021-03-01", "Stadt Ulm", "Ulm");
  low.metadata.confidence["issuer"] = 0.4;
  low.metadata.evidence["issuer"] = "letterhead-snapped/ocr-poor";
  Record disagree = record_with("Titel", "2021-03-01", "Stadt Ulm", "Ulm");
  disagree.metadata.conflicts.push_back(
      "release_date: the header says 2021-03-01, the dateline 2021-03-02");
  Record failed = record_with("Titel", "2021-03-01", "Stadt Ulm", "Ulm");
  failed.pages[0].method = PageMethod::kFailed;
  const std::map<std::string, std::string> confirmed_empty = {
      {"title", "Titel"}, {"release_date", "2021-03-01"}, {"issuer", ""}, {"place", ""}};
  const std::vector<ReviewCase> cases = {
      {"all key fields, confident",
       record_with("Titel", "2021-03-01", "Stadt Ulm", "Ulm"),
       {},
       false,
       ""},
      {"no issuer", record_with("Titel", "2021-03-01", "", "Ulm"), {}, true, "no issuer found"},
      {"no place", record_with("Titel", "2021-03-01", "Stadt Ulm", ""), {}, true, "no place found"},
      {"no title", record_with("", "2021-03-01", "Stadt Ulm", "Ulm"), {}, true, "no title found"},
      {"issuer below its threshold, with the evidence in words",
       low,
       {},
       true,
       "issuer 'Stadt Ulm' is doubtful: confidence 0.40 below 0.60 (found as letterhead snapped, "
       "read by OCR from a poor scan)"},
      {"two readings of the date disagree", disagree, {}, true, "fields disagree: release_date"},
      {"a manual field is the archivist's",
       record_with("Titel", "2021-03-01", "", "Ulm"),
       {{"issuer"}, {}},
       false,
       ""},
      {"confirmed as it is: stays out of the queue, reasons kept",
       record_with("Titel", "2021-03-01", "", ""),
       {{}, confirmed_empty},
       false,
       "no issuer found"},
      {"confirmed, but a key field changed since",
       record_with("Neuer Titel", "2021-03-01", "", ""),
       {{}, confirmed_empty},
       true,
       "no issuer found"},
      {"confirmed, but a page failed",
       failed,
       {{},
        std::map<std::string, std::string>{{"title", "Titel"},
                                           {"release_date", "2021-03-01"},
                                           {"issuer", "Stadt Ulm"},
                                           {"place", "Ulm"}}},
       true,
       "page 1 failed"},
  };
  for (ReviewCase c : cases) {
    flag_for_review(c.record, policy, c.history);
    EXPECT_EQ(c.record.needs_review, c.flagged) << c.why;
    if (!c.reason.empty()) {
      EXPECT_TRUE(has_reason(c.record, c.reason))
          << c.why << ": " << (c.record.review_reasons.empty() ? "" : c.record.review_reasons[0]);
    } else {
      EXPECT_TRUE(c.record.review_reasons.empty()) << c.why << ": " << c.record.review_reasons[0];
    }
  }
}

}  // namespace
}  // namespace pressarchive
