// The head's words checked against a dictionary: a word list for the policy's table, and
// Tesseract's own dictionaries for the misreadings of degraded scans.
#include "stages/metadata/head_words.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "pipeline/config.h"
#include "stages/core/text_util.h"
#include "stages/engines/ocr_lexicon.h"
#include "stages/ingest/assemble.h"
#include "stages/metadata/base/rules.h"
#include "stages/metadata/metadata.h"

namespace pressarchive {
namespace {

// A dictionary of a few words, case as listed (as Tesseract's: nouns capitalised).
class WordList final : public Lexicon {
 public:
  explicit WordList(std::set<std::string> words) : words_(std::move(words)) {}
  bool covers(std::string_view language) const override { return language == "de"; }
  bool knows(std::string_view language, const std::string& word) const override {
    return covers(language) && words_.count(word) > 0;
  }

 private:
  std::set<std::string> words_;
};

struct HeadCase {
  const char* why;
  std::string body;  // the record's own words
  std::string read;
  std::string expected;
  std::vector<std::string> unknown;
};

TEST(HeadWords, RespellsOnlyWhatOneConfusionMakesKnown) {
  const WordList list({"Brücke", "wieder", "geöffnet", "Sommer", "Ferien", "Umleitung", "fließen",
                       "Team", "Foam", "Jahr", "Bilanz", "über", "Aller", "Plan"});
  const std::unordered_set<std::string> archive = {"dürren"};
  const std::vector<HeadCase> cases = {
      {"known words stay", "", "Brücke wieder geöffnet", "Brücke wieder geöffnet", {}},
      {"lost dots, capitals kept", "", "BRUCKE ÜBER DIE ALLER", "BRÜCKE ÜBER DIE ALLER", {}},
      {"two letters for one", "", "Wasser fliefien", "Wasser fließen", {"Wasser"}},
      {"a compound of known words", "", "Sommerferien", "Sommerferien", {}},
      {"a compound linked by -es-", "", "Jahresbilanz", "Jahresbilanz", {}},
      {"a known stem with an ending", "", "Umleitungen", "Umleitungen", {}},
      {"a word of the body",
       "Die Geschäftsstelle öffnet",
       "Geschäftsstelle",
       "Geschäftsstelle",
       {}},
      {"a name the archive knows", "", "DÜRREN", "DÜRREN", {}},
      {"two readings as near: kept, named", "", "Feam", "Feam", {"Feam"}},
      {"two readings, the body spells one", "Das Team lädt ein", "Feam", "Team", {}},
      {"nothing near: kept, named", "", "Aneeidungen", "Aneeidungen", {"Aneeidungen"}},
      {"parts of a hyphenated word", "", "Brucke-Bilanz", "Brücke-Bilanz", {}},
      {"punctuation around a word kept", "", "\"Brucke:\"", "\"Brücke:\"", {}},
      {"abbreviations and numbers left alone", "", "ÖPNV B12 2024 KiTa", "ÖPNV B12 2024 KiTa", {}},
  };
  for (const HeadCase& c : cases) {
    const BodySpellings record(c.body);
    const HeadWords checker(list, "de", record, archive);
    const CheckedHead checked = checker.check(c.read);
    EXPECT_EQ(checked.text, c.expected) << c.why;
    EXPECT_EQ(checked.unknown, c.unknown) << c.why;
    EXPECT_EQ(checked.respelled.empty(), c.read == c.expected) << c.why;
  }
}

TEST(HeadWords, MarksOfSpecksGoMarksOfTheHeadlineStay) {
  const WordList list({"Parkhaus", "Bahnhof", "mit", "neuem", "Angebot", "die", "für", "und",
                       "Bund", "übernehmen", "Kosten", "können", "Bürger", "Nutzer"});
  const std::unordered_set<std::string> archive;
  const BodySpellings record("");
  const HeadWords checker(list, "de", record, archive);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"Parkhaus : am Bahnhof", "Parkhaus am Bahnhof"},  // a mark alone
      {"Parkhaus _ Bahnhof = Angebot", "Parkhaus Bahnhof Angebot"},
      {"Bund übernehmen® Kosten", "Bund übernehmen Kosten"},    // stuck to a word
      {"START MIT. NEUEM ANGEBOT", "START MIT NEUEM ANGEBOT"},  // full stop inside
      {"LAND UND' BUND", "LAND UND BUND"},                      // apostrophe
      {"LAND UND\u2019 BUND", "LAND UND BUND"},
      {"Bürger -können mit", "Bürger können mit"},         // hyphen before
      {"Kosten für.die Bürger", "Kosten für die Bürger"},  // between two words
      {"Bahnhof - / Kosten", "Bahnhof / Kosten"},          // two separators in a row
      // What a headline prints stays.
      {"Parkhaus – Bahnhof & Angebot / Bund", "Parkhaus – Bahnhof & Angebot / Bund"},
      {"Bürger- und Nutzer", "Bürger- und Nutzer"},
      {"Nutzers' Angebot", "Nutzers' Angebot"},
      {"Parkhaus Nr. 4 und St. Bahnhof", "Parkhaus Nr. 4 und St. Bahnhof"},  // abbreviations
      {"Bahnhof: Parkhaus", "Bahnhof: Parkhaus"},
      {"Bahnhof: Parkhaus mit: neuem Angebot",
       "Bahnhof: Parkhaus mit neuem Angebot"},  // a second colon
      {"BAHNHOF: PARKHAUS UND BUND: ANGEBOT", "BAHNHOF: PARKHAUS UND BUND ANGEBOT"},
      {"Bahnhof: Parkhaus mit: Angebot",
       "Bahnhof: Parkhaus mit: Angebot"},  // before a capital, kept
      {"Angebot mit.", "Angebot mit."},    // at the end: clean_headline's
  };
  for (const auto& [read, expected] : cases) {
    const CheckedHead checked = checker.check(read);
    EXPECT_EQ(checked.text, expected) << read;
    EXPECT_EQ(checked.specks.empty(), read == expected) << read;
  }
}

TEST(HeadWords, OcrGarbageIsNamedAsRead) {
  const WordList list({"Brücke"});
  const std::unordered_set<std::string> archive;
  const BodySpellings record("");
  const HeadWords checker(list, "de", record, archive);
  const std::string long_word(5000, 'x');
  const std::string head = "Brucke " + long_word +
                           " \xff\xfe\x80"
                           "abc \xff Brücke";
  const CheckedHead checked = checker.check(head);
  // Bytes that are no UTF-8 stay as read beside letters; alone they are a speck's.
  EXPECT_TRUE(checked.text == "Brücke " + long_word +
                                  " \xff\xfe\x80"
                                  "abc Brücke");
  EXPECT_EQ(checked.unknown.size(), 1u);
  EXPECT_TRUE(checked.unknown == std::vector<std::string>{long_word});
}

TEST(HeadWords, ConfusionsAreOneStepEach) {
  const std::vector<std::string> c = HeadWords::confusions_of("somnier");
  EXPECT_NE(std::find(c.begin(), c.end(), "sommer"), c.end());   // "ni" for "m"
  EXPECT_NE(std::find(c.begin(), c.end(), "sömnier"), c.end());  // lost dots
  EXPECT_EQ(std::find(c.begin(), c.end(), "sommcr"), c.end());   // two steps
  EXPECT_EQ(std::find(c.begin(), c.end(), "somnier"), c.end());  // never itself
}

// Tesseract's German and English dictionaries (tesseract-ocr-deu, -eng), through the OCR
// module, on misreadings of worn pages and on right words they do not list.
TEST(HeadWords, TesseractsDictionariesRespellMisreadings) {
  const OcrLexicon lexicon("deu+eng", "");
  ASSERT_TRUE(lexicon.covers("de"));
  ASSERT_TRUE(lexicon.covers("en"));
  EXPECT_FALSE(lexicon.covers("fr"));
  EXPECT_TRUE(lexicon.knows("de", "Brücke"));
  EXPECT_FALSE(lexicon.knows("de", "Brucke"));
  // What OCR may put in a word: bytes that are no UTF-8, letters of no model, controls.
  for (const std::string hostile :
       {std::string("\xff\xfe\x80"), std::string("\xe2\x82"), std::string("中文字"),
        std::string("a\x01b"), std::string(5000, 'x'), std::string()})
    EXPECT_FALSE(lexicon.knows("de", hostile));
  const std::unordered_set<std::string> archive;
  const BodySpellings no_body("");
  const HeadWords german(lexicon, "de", no_body, archive);
  EXPECT_EQ(german.check("Ortsumgehung öffnet nach den Somnierferien").text,
            "Ortsumgehung öffnet nach den Sommerferien");
  EXPECT_EQ(german.check("PARKHAUS AM BAHNHOF EROFFNET IM FRUHJAHR").text,
            "PARKHAUS AM BAHNHOF ERÖFFNET IM FRÜHJAHR");
  EXPECT_EQ(german.check("Rund zwei Millionen Euro fliefien in das Vorhaben").text,
            "Rund zwei Millionen Euro fließen in das Vorhaben");
  EXPECT_EQ(german.check("Ein Informationsabend beäntwortet Fragen").text,
            "Ein Informationsabend beantwortet Fragen");
  const CheckedHead right = german.check("Umleitungen und Jahresbilanz der Ortsumgehung");
  EXPECT_EQ(right.text, "Umleitungen und Jahresbilanz der Ortsumgehung");
  EXPECT_TRUE(right.unknown.empty());
  EXPECT_TRUE(right.respelled.empty());
  EXPECT_EQ(german.check("Anmeldungen ab sofort").unknown, std::vector<std::string>{});
  // Dots lost on every umlaut of a word in capitals; a compound of three parts; a blank
  // after the first letter.
  EXPECT_EQ(german.check("BURGERBURO IN MEISSEN").text, "BÜRGERBÜRO IN MEISSEN");
  EXPECT_TRUE(german.check("Wertstoffhof öffnet").unknown.empty());
  EXPECT_EQ(german.check("150 Jahre Kurgeschichte").text, "150 Jahre Kurgeschichte");
  EXPECT_EQ(german.check("Büro des Oberbiirgermeisters").text, "Büro des Oberbürgermeisters");
  EXPECT_EQ(german.check("J ugendzentrum startet").text, "Jugendzentrum startet");
  EXPECT_EQ(german.check("Aneeidungen ab sofort").unknown, std::vector<std::string>{"Aneeidungen"});

  const HeadWords english(lexicon, "en", no_body, archive);
  EXPECT_EQ(english.check("Bookings open at the customer service eoentre").text,
            "Bookings open at the customer service centre");
  const CheckedHead gritting = english.check("Winter gritting moves to new premises");
  EXPECT_EQ(gritting.text, "Winter gritting moves to new premises");
  EXPECT_TRUE(gritting.unknown.empty());
  EXPECT_EQ(english.check("back the plans by alarge majority").unknown,
            std::vector<std::string>{"alarge"});
}

// A one-page release as OCR (or a text layer) gives it: the title line set taller.
PageResult release_page(const std::string& title, PageMethod method) {
  PageResult page;
  page.number = 1;
  page.method = method;
  if (method == PageMethod::kOcr) page.confidence = 95;
  const std::vector<std::pair<std::string, float>> lines = {
      {"Stadt Lüneburg", 30},
      {"Pressemitteilung vom 3. Mai 2019", 30},
      {title, 60},
      {"Lüneburg, 3. Mai 2019 – Das neue Parkhaus am Bahnhof hat 400 Plätze. Die Stadt "
       "rechnet mit der Eröffnung im Frühjahr.",
       30},
      {"Die Kosten tragen Stadt und Land gemeinsam, sagte die Sprecherin der Stadt.", 30}};
  for (const auto& [text, height] : lines) {
    TextLine line;
    line.text = text;
    line.height = height;
    line.starts_paragraph = true;
    page.lines.push_back(line);
    page.text += (page.text.empty() ? "" : "\n\n") + text;
  }
  return page;
}

TEST(HeadWords, AnOcrdTitleIsRespelledAndOneWithAWordNothingKnowsGoesToReview) {
  const auto list = std::make_shared<const WordList>(
      std::set<std::string>{"Parkhaus", "Bahnhof", "eröffnet", "Frühjahr", "neue", "Stadt"});
  const MetadataRules rules = parse_rules(builtin_rules_text(), "built-in").value();
  const MetadataExtractor checked(rules, {}, list);
  const MetadataExtractor plain(rules);

  const Metadata respelled =
      checked.extract({release_page("Parkhaus am Bahnhof EROFFNET im Frühjahr", PageMethod::kOcr)});
  EXPECT_EQ(respelled.title, "Parkhaus am Bahnhof ERÖFFNET im Frühjahr");
  EXPECT_EQ(respelled.evidence.at("title_respelled"), "EROFFNET -> ERÖFFNET");
  EXPECT_EQ(respelled.evidence.count("title_unknown"), 0u);
  // Without a dictionary, and from a text layer (printed as it reads), nothing changes.
  EXPECT_EQ(
      plain.extract({release_page("Parkhaus am Bahnhof EROFFNET im Frühjahr", PageMethod::kOcr)})
          .title,
      "Parkhaus am Bahnhof EROFFNET im Frühjahr");
  EXPECT_EQ(checked
                .extract({release_page("Parkhaus am Bahnhof EROFFNET im Frühjahr",
                                       PageMethod::kTextLayer)})
                .title,
            "Parkhaus am Bahnhof EROFFNET im Frühjahr");

  Record record;
  record.pages = {release_page("Parkhaus am Bahnhof Zzyxerei im Frühjahr", PageMethod::kOcr)};
  record.metadata = checked.extract(record.pages);
  EXPECT_EQ(record.metadata.title, "Parkhaus am Bahnhof Zzyxerei im Frühjahr");
  EXPECT_EQ(record.metadata.evidence.at("title_unknown"), "Zzyxerei");
  EXPECT_EQ(record.metadata.evidence.at("title").substr(0, 13), "unknown-word/");
  const Settings settings = Config::load("").value().settings().value();
  flag_for_review(
      record, ReviewPolicy{settings.review_min_ocr_confidence, settings.review_min_field_confidence,
                           settings.review_min_confidence});
  EXPECT_TRUE(record.needs_review);
  bool named = false;
  for (const std::string& reason : record.review_reasons)
    named = named || reason.find("no dictionary knows 'Zzyxerei'") != std::string::npos;
  EXPECT_TRUE(named) << (record.review_reasons.empty() ? "" : record.review_reasons.front());
}

}  // namespace
}  // namespace pressarchive
