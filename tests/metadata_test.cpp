#include "stages/metadata.h"

#include <gtest/gtest.h>

#include "stages/language.h"
#include "stages/text_util.h"
#include "test_paths.h"

namespace pressarchive {
namespace {

const MetadataRules& rules() {
  static const MetadataRules r = parse_rules(builtin_rules_text(), "built-in").value();
  return r;
}

// A page from plain text: blank lines separate paragraphs; "# " marks a headline line
// (taller), as a layout engine would report it.
PageResult page_from(const std::string& text, float body_height = 40) {
  PageResult page;
  bool paragraph = true;
  for (const std::string& raw : split(text, '\n')) {
    if (raw.empty()) {
      paragraph = true;
      continue;
    }
    TextLine line;
    const bool headline = raw.rfind("# ", 0) == 0;
    line.text = headline ? raw.substr(2) : raw;
    line.height = headline ? body_height * 1.6f : body_height;
    line.starts_paragraph = paragraph;
    paragraph = false;
    page.lines.push_back(line);
  }
  return page;
}

TEST(Metadata, SeedPressReleaseAsPublished) {
  // The seed exactly as the archive published it: no layout information at all.
  const std::string seed = testing::read_file(testing::seed_text_path());
  ASSERT_FALSE(seed.empty());
  const MetadataExtractor extractor(rules());
  Metadata m = extractor.extract({page_from(seed)});
  EXPECT_EQ(m.title, "CDO und CUO beenden Tätigkeit");
  EXPECT_EQ(m.subtitle, "Stadtrat entscheidet am Montag über Vorschlag zur Weiterentwicklung");
  EXPECT_EQ(m.release_date, "2022-03-31");
  EXPECT_EQ(m.place, "Kaiserslautern");
  EXPECT_EQ(m.issuer, "Pressestelle");
  EXPECT_EQ(m.language, "de");
  EXPECT_EQ(m.document_type, "press release");
  EXPECT_EQ(m.body.find("Achtung"), std::string::npos) << "the disclaimer is boilerplate";
  EXPECT_EQ(m.body.find("Pressearchiv"), std::string::npos);
  EXPECT_EQ(m.body.rfind("Mit Wirkung zum 31. März 2022", 0), 0u) << m.body.substr(0, 80);
  EXPECT_EQ(m.body.find("Autor/in"), std::string::npos);
}

TEST(Metadata, OcrLinesWithNoiseAndWrappedDisclaimer) {
  const std::string page =
      "Achtung! Diese archivierte Pressemitteilung könnte inhaltlich veraltet sein\n\n"
      "Bitte beachten Sie, dass Sie sich gerade im Pressearchiv befinden. Die hier\n"
      "verfügbaren Pressemitteilungen könnten veraltete oder nicht mehr relevante\n"
      "Informationen enthalten.\n\n"
      "Wir empfehlen lhnen, dies bei der Nutzung des Archivs zu bedenken und bei Bedarf die\n"
      "Aktualität der lnformationen zu\n"
      "überprüfen.\n\n"
      "Pressemitteilung vom 3l.O3.2022\n\n"
      "# CDO und CUO beenden Tätigkeit\n\n"
      "Stadtrat entscheidet am Montag über Vorschlag zur Weiterentwicklung\n\n"
      "Mit Wirkung zum 31. März 2022 beenden der Chief Digital Officer (CDO) Prof. Dieter\n"
      "Rombach und der Chief Urban Officer (CUO) Prof. Gerhard Steinebach plangemäß ihre\n"
      "ehrenamtliche Tätigkeit im Rahmen der digitalen Transformation der Stadt.\n\n"
      "Autor/in: Pressestelle\n\n"
      ". - Kaiserslautern, 31.03.2022\n";
  const MetadataExtractor extractor(rules());
  Metadata m = extractor.extract({page_from(page)});
  EXPECT_EQ(m.title, "CDO und CUO beenden Tätigkeit");
  EXPECT_EQ(m.subtitle, "Stadtrat entscheidet am Montag über Vorschlag zur Weiterentwicklung");
  EXPECT_EQ(m.release_date, "2022-03-31");
  EXPECT_EQ(m.place, "Kaiserslautern");
  EXPECT_EQ(m.issuer, "Pressestelle");
  EXPECT_EQ(m.body.find("überprüfen"), std::string::npos) << "wrapped disclaimer tail removed";
  EXPECT_NE(m.body.find("Rombach"), std::string::npos);
}

TEST(Metadata, WrappedHeadlineAcrossLinesAndPages) {
  const std::string first =
      "Stadtverwaltung Münster\n\n"
      "# Neue Radwege für die\n"
      "# Innenstadt beschlossen\n\n"
      "Der Rat der Stadt hat am Dienstag beschlossen, dass die Innenstadt neue Radwege erhält.\n";
  const std::string second = "Die Arbeiten beginnen im Mai.\n\nMünster, den 3. Mai 2019\n";
  const MetadataExtractor extractor(rules());
  Metadata m = extractor.extract({page_from(first), page_from(second)});
  EXPECT_EQ(m.title, "Neue Radwege für die Innenstadt beschlossen");
  EXPECT_EQ(m.subtitle, "");
  EXPECT_EQ(m.release_date, "2019-05-03");
  EXPECT_EQ(m.place, "Münster");
  EXPECT_NE(m.body.find("Die Arbeiten beginnen"), std::string::npos);
}

TEST(Metadata, EnglishReleaseWithDateline) {
  const std::string text =
      "Press release\n\n"
      "# City opens new public library\n\n"
      "Freiburg im Breisgau, March 31, 2022\n\n"
      "The city of Freiburg opened its new public library on Thursday. It is the largest in the\n"
      "region and will be open to all residents from next week, the mayor said at the opening.\n\n"
      "Contact: Press Office\n";
  const MetadataExtractor extractor(rules());
  Metadata m = extractor.extract({page_from(text)});
  EXPECT_EQ(m.title, "City opens new public library");
  EXPECT_EQ(m.release_date, "2022-03-31");
  EXPECT_EQ(m.place, "Freiburg im Breisgau");
  EXPECT_EQ(m.issuer, "Press Office");
  EXPECT_EQ(m.language, "en");
  EXPECT_EQ(m.document_type, "press release");
}

TEST(Metadata, NothingFoundMeansEmptyNotInvented) {
  const MetadataExtractor extractor(rules());
  Metadata m = extractor.extract({page_from("Mit Wirkung zum 31. März 2022 endet der Vertrag, so der Rat am Montag.\n")});
  EXPECT_EQ(m.release_date, "") << "a date in the body is not a release date by itself";
  EXPECT_EQ(m.place, "");
  EXPECT_EQ(m.issuer, "");
  EXPECT_EQ(m.title, "");
  Metadata empty = extractor.extract({});
  EXPECT_EQ(empty.title, "");
  EXPECT_EQ(empty.language, "");
}

TEST(Language, GermanEnglishAndUndecided) {
  EXPECT_EQ(detect_language("Der Rat der Stadt hat am Dienstag beschlossen, dass die Innenstadt neue Radwege für die Bürger erhält und die Arbeiten im Mai beginnen.", rules()), "de");
  EXPECT_EQ(detect_language("The city council decided on Tuesday that the centre of the town will get new cycle lanes and that the work will start in May.", rules()), "en");
  EXPECT_EQ(detect_language("CDO CUO 2022", rules()), "");
}

TEST(Boilerplate, MatchesTolerantlyAndLeavesOtherLinesAlone) {
  const BoilerplateMatcher matcher(rules().boilerplate);
  const std::vector<std::string> lines = {
      "Bitte beachten Sie, dass Sie sich gerade im Pressearch1v befinden.",
      "Zwecke speichern, weswegen die Inhalte archivierter",
      "verändert werden.",
      "Der Stadtrat entscheidet am Montag über den Vorschlag.",
      "werden.",
  };
  const std::vector<bool> marked = matcher.mark(lines);
  EXPECT_EQ(marked, (std::vector<bool>{true, true, true, false, false}));
}

TEST(Rules, BadRulesFileNamesTheProblem) {
  Result<MetadataRules> bad = parse_rules("[months]\nde = [\"januar\"]\n", "my-rules.toml");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("my-rules.toml"), std::string::npos);
  EXPECT_NE(bad.error().message.find("12"), std::string::npos);
  EXPECT_FALSE(parse_rules("[broken", "x.toml").ok());
}

}  // namespace
}  // namespace pressarchive
