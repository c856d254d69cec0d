// Learned boilerplate end to end: born-digital releases of one issuer that share a footer
// no rule names; from the next run on the footer is out of the body, `boilerplate` lists
// it, and after the archivist rejects it a reprocessed record keeps it again.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "../ingest_in_process.h"
#include "../store_backends.h"
#include "../test_paths.h"
#include "../text_pdf.h"
#include "pipeline/cli/commands.h"
#include "pipeline/exit_codes.h"
#include "pipeline/ingest.h"
#include "stages/metadata/learned_boilerplate.h"

namespace pressarchive {
namespace {

namespace fs = std::filesystem;

const char* kFooter = "Folgen Sie der Stadt Lindenau auf Mastodon und im Newsletter";

void write_pdf(const fs::path& path, const testing::PdfLines& lines) {
  testing::write_text_pdf(path, {lines});
}

// Release `n` of the Pressestelle Lindenau: its own title and body, the shared footer.
void write_release(const fs::path& path, int n) {
  const std::vector<std::string> topics = {"Radweg am Fluss",     "Spielplatz im Stadtpark",
                                           "Bibliothek am Markt", "Bruecke an der Muehle",
                                           "Freibad im Norden",   "Schule am Berg",
                                           "Museum im Schloss"};
  const std::string topic = topics[static_cast<std::size_t>(n) % topics.size()];
  write_pdf(
      path,
      {{"Pressemitteilung", 10},
       {topic + " wird im Jahr 20" + std::to_string(30 + n) + " erneuert", 18},
       {"Lindenau, " + std::to_string(n + 1) + ". Mai 2023 - Der Stadtrat hat die Erneuerung", 10},
       {"des Vorhabens " + topic + " mit " + std::to_string(12 + n) +
            " Stimmen beschlossen. Die Arbeiten",
        10},
       {"beginnen nach den Sommerferien und dauern nach der Planung " + std::to_string(n + 3) +
            " Monate.",
        10},
       {"Fuer die Zeit der Arbeiten richtet die Verwaltung eine Umleitung ueber " +
            topics[(n + 3) % topics.size()] + " ein.",
        10},
       {kFooter, 10},
       {"Autor/in: Pressestelle Lindenau", 10}});
}

int ingest(const std::string& store, std::vector<fs::path> paths,
           std::optional<ReprocessSelection> reprocess = {}) {
  std::string output;
  const int code =
      testing::ingest_in_process(store, std::move(paths), std::move(reprocess), &output);
  EXPECT_EQ(code, exit_code::kOk) << output;
  return code;
}

nlohmann::json record(const std::string& store, std::int64_t id) {
  std::ostringstream jsonl, ignore;
  EXPECT_EQ(run_export(store, "jsonl", "", false, jsonl, ignore), exit_code::kOk);
  std::istringstream lines(jsonl.str());
  for (std::string line; std::getline(lines, line);) {
    nlohmann::json r = nlohmann::json::parse(line);
    if (r["id"] == id) return r;
  }
  ADD_FAILURE() << "no record " << id;
  return {};
}

// Counting, listing and deciding go through the ArchiveStore interface: both backends.
using LearnedBoilerplateE2e = testing::OnEachBackend;
INSTANTIATE_TEST_SUITE_P(Backends, LearnedBoilerplateE2e, testing::kEachBackend,
                         testing::backend_param_name);

TEST_P(LearnedBoilerplateE2e, RecurringFooterIsLearnedListedAndCanBeRejected) {
  const std::string store = scratch_->location();
  const std::filesystem::path& dir_path = scratch_->dir();
  const LearnedBoilerplateOptions options;  // the defaults: 5 records and 30 %
  std::vector<fs::path> first_run;
  for (int n = 0; n < 6; ++n) {
    first_run.push_back(dir_path / ("release-" + std::to_string(n) + ".pdf"));
    write_release(first_run.back(), n);
  }
  ASSERT_EQ(ingest(store, {first_run}), exit_code::kOk);
  // Learned while archiving, used from the next run on.
  nlohmann::json early = record(store, 6);
  EXPECT_EQ(early["issuer"], "Pressestelle Lindenau");
  EXPECT_NE(early["body"].get<std::string>().find(kFooter), std::string::npos) << early["body"];

  const fs::path later = dir_path / "release-later.pdf";
  write_release(later, 6);
  ASSERT_EQ(ingest(store, {later}), exit_code::kOk);
  nlohmann::json seventh = record(store, 7);
  EXPECT_EQ(seventh["title"], "Museum im Schloss wird im Jahr 2036 erneuert");
  EXPECT_EQ(seventh["body"].get<std::string>().find(kFooter), std::string::npos) << seventh["body"];
  EXPECT_NE(seventh["body"].get<std::string>().find("Umleitung"), std::string::npos)
      << seventh["body"];

  // The list names the footer, its issuer and how often it was seen.
  std::ostringstream listed, err;
  ASSERT_EQ(run_boilerplate_list(store, options, "Pressestelle Lindenau", true, listed, err),
            exit_code::kOk);
  std::int64_t footer_id = 0;
  std::istringstream rows(listed.str());
  for (std::string row; std::getline(rows, row);) {
    const nlohmann::json j = nlohmann::json::parse(row);
    if (j["line"] != kFooter) continue;
    footer_id = j["id"].get<std::int64_t>();
    EXPECT_EQ(j["issuer"], "Pressestelle Lindenau");
    EXPECT_EQ(j["records"], 7);
    EXPECT_EQ(j["issuer_records"], 7);
    EXPECT_EQ(j["state"], "learned");
  }
  ASSERT_NE(footer_id, 0) << listed.str();
  std::ostringstream text_list;
  ASSERT_EQ(run_boilerplate_list(store, options, "", false, text_list, err), exit_code::kOk);
  EXPECT_NE(text_list.str().find(std::to_string(footer_id) +
                                 "\tlearned\t7/7\tPressestelle Lindenau\t" + kFooter),
            std::string::npos)
      << text_list.str();

  // The archivist says it is no boilerplate: reprocessing keeps it in the body again.
  std::ostringstream out;
  EXPECT_EQ(run_boilerplate_decide(store, 9999, false, out, err), exit_code::kNotFound);
  ASSERT_EQ(run_boilerplate_decide(store, footer_id, false, out, err), exit_code::kOk);
  ReprocessSelection again;
  again.record_ids = {7};
  ASSERT_EQ(ingest(store, {}, again), exit_code::kOk);
  nlohmann::json kept = record(store, 7);
  EXPECT_NE(kept["body"].get<std::string>().find(kFooter), std::string::npos) << kept["body"];

  // And a line an archivist adds is left out from then on.
  const std::string closing =
      "Fuer die Zeit der Arbeiten richtet die Verwaltung eine Umleitung ueber Bibliothek am Markt "
      "ein.";
  ASSERT_EQ(run_boilerplate_add(store, "Pressestelle Lindenau", closing, out, err), exit_code::kOk);
  EXPECT_EQ(run_boilerplate_add(store, "", closing, out, err), exit_code::kUsage);
  ASSERT_EQ(ingest(store, {}, again), exit_code::kOk);
  nlohmann::json trimmed = record(store, 7);
  EXPECT_EQ(trimmed["body"].get<std::string>().find("Umleitung"), std::string::npos)
      << trimmed["body"];
  EXPECT_NE(trimmed["body"].get<std::string>().find(kFooter), std::string::npos) << trimmed["body"];
}

}  // namespace
}  // namespace pressarchive
