#include "stages/metadata/learned_boilerplate.h"

#include <gtest/gtest.h>

#include "../test_paths.h"
#include "stages/metadata/base/rules.h"
#include "stages/metadata/metadata.h"
#include "stages/store/sqlite/sqlite_store.h"

namespace pressarchive {
namespace {

TEST(LearnedBoilerplate, LineKeyFoldsWhatOcrAndLayoutChange) {
  struct Case {
    const char* a;
    const char* b;
    bool same;
  };
  const std::vector<Case> cases = {
      {"Stadt Lindenau · Rathausplatz 1 · presse@lindenau.de",
       "STADT LINDENAU - Rathausplatz 1 - presse@lindenau.de", true},
      {"Folgen Sie uns auf Instagram", "Folgen  Sie uns auf lnstagram", true},       // I read as l
      {"Öffentlichkeitsarbeit der Stadt", "Offentlichkeitsarbeit der Stadt", true},  // umlaut lost
      {"Pressestelle der Stadt Lindenau", "Pressestelle derStadt Lindenau", true},   // blank lost
      {"Tel. 0631 365-1234", "Tel. O631 365-1234", true},                            // 0 read as O
      {"Pressestelle der Stadt Lindenau", "Pressestelle der Stadt Lindenberg", false},
      {"Der Stadtrat tagt am Montag", "Der Stadtrat tagt am Dienstag", false},
  };
  for (const Case& c : cases)
    EXPECT_EQ(boilerplate_line_key(c.a) == boilerplate_line_key(c.b), c.same)
        << c.a << " | " << c.b;
  EXPECT_EQ(boilerplate_line_key("· – ·"), "");
}

TEST(LearnedBoilerplate, WhenACountedLineIsBoilerplate) {
  struct Case {
    const char* why;
    std::int64_t records, issuer_records;
    BoilerplateState state;
    bool enabled;
    bool expected;
  };
  const std::vector<Case> cases = {
      {"on every release", 6, 6, BoilerplateState::kCounted, true, true},
      {"exactly at both thresholds", 5, 16, BoilerplateState::kCounted, true, true},
      {"too few records", 4, 4, BoilerplateState::kCounted, true, false},
      {"too small a share", 5, 17, BoilerplateState::kCounted, true, false},
      {"confirmed: always", 1, 100, BoilerplateState::kConfirmed, true, true},
      {"added by an archivist, never counted", 0, 0, BoilerplateState::kConfirmed, true, true},
      {"rejected: never", 50, 50, BoilerplateState::kRejected, true, false},
      {"learning switched off", 6, 6, BoilerplateState::kCounted, false, false},
      {"confirmed even when learning is off", 0, 0, BoilerplateState::kConfirmed, false, true},
  };
  for (const Case& c : cases) {
    LearnedBoilerplateOptions options;
    options.enabled = c.enabled;
    BoilerplateLine line;
    line.records = c.records;
    line.issuer_records = c.issuer_records;
    line.state = c.state;
    EXPECT_EQ(is_boilerplate(line, options), c.expected) << c.why;
  }
}

TEST(LearnedBoilerplate, CountableLinesAreDistinctAndLongEnough) {
  PageResult p1, p2;
  for (const char* t :
       {"Pressemitteilung", "Radweg fertig", "Die Stadt hat den Radweg freigegeben.",
        "Stadt Lindenau · Rathausplatz 1 · 12345 Lindenau"})
    p1.lines.push_back({t, 10, false});
  for (const char* t : {"STADT LINDENAU · Rathausplatz 1 · 12345 Lindenau", "Seite 2"})
    p2.lines.push_back({t, 10, false});
  const auto lines = countable_lines({p1, p2}, LearnedBoilerplateOptions{});
  ASSERT_EQ(lines.size(), 2u);  // one word, two words and the repeated footer are not counted again
  EXPECT_EQ(lines[0].second, "Die Stadt hat den Radweg freigegeben.");
  EXPECT_EQ(lines[1].second, "Stadt Lindenau · Rathausplatz 1 · 12345 Lindenau");
  EXPECT_EQ(lines[1].first, boilerplate_line_key(lines[1].second));
}

BoilerplateLine line_of(const std::string& issuer, const std::string& text,
                        BoilerplateState state = BoilerplateState::kConfirmed) {
  BoilerplateLine l;
  l.issuer = issuer;
  l.line = text;
  l.line_key = boilerplate_line_key(text);
  l.state = state;
  return l;
}

TEST(LearnedBoilerplate, MatchesPerIssuerAndToleratesOcrNoise) {
  const LearnedBoilerplate learned(
      {line_of("Stadt Lindenau / Pressestelle",
               "Folgen Sie der Stadt Lindenau auf Mastodon und Instagram"),
       line_of("Stadt Lindenau / Pressestelle", "Bürgerbüro geöffnet",
               BoilerplateState::kConfirmed),
       line_of("Stadt Lindenau / Pressestelle", "Newsletter unter lindenau.de/presse",
               BoilerplateState::kRejected)},
      LearnedBoilerplateOptions{});
  EXPECT_EQ(learned.size(), 2u);
  struct Case {
    const char* issuer;
    const char* line;
    bool expected;
  };
  const std::vector<Case> cases = {
      {"Stadt Lindenau / Pressestelle", "Folgen Sie der Stadt Lindenau auf Mastodon und Instagram",
       true},
      {"STADT LINDENAU / PRESSESTELLE", "Folgen Sie der Stadt Lindenau auf Mastodon und Instagram",
       true},
      {"Stadt Lindenau / Pressestelle", "Folgen Sie der Stadt Lindcnau auf Mastodon und lnstagrarn",
       true},  // OCR noise
      {"Stadt Lindenau / Pressestelle", "Folgen Sie der Stadt Lindenau auf Mastodon",
       false},                                                         // part of it only
      {"Stadt Lindenau / Pressestelle", "Burgerburo geoffnet", true},  // short: exact key
      {"Stadt Lindenau / Pressestelle", "Bürgerbüro geschlossen", false},
      {"Stadt Lindenau / Pressestelle", "Newsletter unter lindenau.de/presse", false},  // rejected
      {"Stadt Nachbarhausen / Pressestelle",
       "Folgen Sie der Stadt Lindenau auf Mastodon und Instagram", false},
      {"", "Folgen Sie der Stadt Lindenau auf Mastodon und Instagram", false},
  };
  for (const Case& c : cases)
    EXPECT_EQ(learned.matches(c.issuer, c.line), c.expected) << c.issuer << " | " << c.line;
}

PageResult page_of(const std::vector<std::string>& lines) {
  PageResult page;
  page.method = PageMethod::kTextLayer;
  bool first = true;
  for (const std::string& t : lines)
    page.lines.push_back({t, first ? 18.0f : 10.0f, true}), first = false;
  return page;
}

TEST(LearnedBoilerplate, ExtractionLeavesLearnedLinesOutOfTitleAndBodyOfThatIssuerOnly) {
  const MetadataRules rules = parse_rules(builtin_rules_text(), "built-in").value();
  const std::string footer = "Folgen Sie der Stadt Lindenau auf Mastodon und Instagram";
  ArchiveKnowledge knowledge;
  knowledge.boilerplate =
      LearnedBoilerplate({line_of("Pressestelle Lindenau", footer)}, LearnedBoilerplateOptions{});
  const MetadataExtractor learned(rules, knowledge);
  const MetadataExtractor plain(rules);
  auto release = [&](const std::string& issuer) {
    return page_of({"Radweg am Fluss freigegeben",
                    "Lindenau, 3. Mai 2023 – Die Stadt hat den neuen Radweg am Fluss "
                    "heute freigegeben, nach zwei Jahren Bauzeit und vielen Umleitungen.",
                    footer, "Autor/in: " + issuer});
  };
  const Metadata with = learned.extract({release("Pressestelle Lindenau")});
  EXPECT_EQ(with.title, "Radweg am Fluss freigegeben");
  EXPECT_EQ(with.body.find(footer), std::string::npos) << with.body;
  EXPECT_NE(with.body.find("Bauzeit"), std::string::npos);
  const Metadata without = plain.extract({release("Pressestelle Lindenau")});
  EXPECT_NE(without.body.find(footer), std::string::npos);
  const Metadata other_issuer = learned.extract({release("Pressestelle Nachbarhausen")});
  EXPECT_NE(other_issuer.body.find(footer), std::string::npos);
}

TEST(LearnedBoilerplate, SqliteStoreCountsListsAndKeepsTheArchivistsWord) {
  testing::TempDir dir;
  Result<std::unique_ptr<ArchiveStore>> opened =
      open_sqlite_store((dir.path() / "archive.db").string());
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  ArchiveStore& store = **opened;
  const std::string footer = "Folgen Sie der Stadt Lindenau auf Mastodon";
  for (int i = 0; i < 6; ++i) {
    std::vector<std::pair<std::string, std::string>> lines = {
        {boilerplate_line_key(footer), footer}};
    lines.emplace_back(boilerplate_line_key("Eigene Zeile " + std::to_string(i)),
                       "Eigene Zeile " + std::to_string(i));
    ASSERT_TRUE(store.count_boilerplate_lines("Pressestelle Lindenau", lines).ok());
  }
  ASSERT_TRUE(store
                  .count_boilerplate_lines("Presseamt Nachbarhausen",
                                           {{boilerplate_line_key(footer), footer}})
                  .ok());
  Result<std::vector<BoilerplateLine>> lines = store.boilerplate_lines(5);
  ASSERT_TRUE(lines.ok()) << lines.error().message;
  ASSERT_EQ(lines->size(), 1u);  // lines seen fewer than 5 times stay out
  const BoilerplateLine learned = lines->front();
  EXPECT_EQ(learned.issuer, "Pressestelle Lindenau");
  EXPECT_EQ(learned.line, footer);
  EXPECT_EQ(learned.records, 6);
  EXPECT_EQ(learned.issuer_records, 6);
  EXPECT_EQ(learned.state, BoilerplateState::kCounted);

  Result<bool> rejected =
      store.set_boilerplate_state(learned.id, BoilerplateState::kRejected, "test");
  ASSERT_TRUE(rejected.ok() && *rejected);
  Result<bool> missing = store.set_boilerplate_state(9999, BoilerplateState::kRejected, "test");
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(*missing);
  Result<std::int64_t> added = store.add_boilerplate_line(
      "Presseamt Nachbarhausen", boilerplate_line_key("Ende der Mitteilung"), "Ende der Mitteilung",
      "test");
  ASSERT_TRUE(added.ok()) << added.error().message;

  lines = store.boilerplate_lines(5);
  ASSERT_TRUE(lines.ok());
  ASSERT_EQ(lines->size(), 2u);  // the rejected line and the added one, whatever their counts
  for (const BoilerplateLine& l : *lines) {
    if (l.id == learned.id) {
      EXPECT_EQ(l.state, BoilerplateState::kRejected);
    } else {
      EXPECT_EQ(l.state, BoilerplateState::kConfirmed);
      EXPECT_EQ(l.line, "Ende der Mitteilung");
      EXPECT_EQ(l.id, *added);
    }
  }
  // Counting goes on after the archivist's word, without changing it.
  ASSERT_TRUE(store
                  .count_boilerplate_lines("Pressestelle Lindenau",
                                           {{boilerplate_line_key(footer), footer}})
                  .ok());
  lines = store.boilerplate_lines(5);
  ASSERT_TRUE(lines.ok());
  for (const BoilerplateLine& l : *lines)
    if (l.id == learned.id) {
      EXPECT_EQ(l.records, 7);
      EXPECT_EQ(l.state, BoilerplateState::kRejected);
    }
}

}  // namespace
}  // namespace pressarchive
