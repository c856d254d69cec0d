// The night operator's job end to end: ingest samples/ into a fresh archive, check
// every record and outcome, run again, search, export. Plus the CLI's exit codes.
// Runs under ThreadSanitizer in CI (tools/run-sanitizers.sh).
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "../test_paths.h"
#include "pipeline/cli/commands.h"
#include "pipeline/exit_codes.h"
#include "pipeline/ingest.h"

namespace pressarchive {
namespace {

int run_binary(const std::string& args, std::string* output = nullptr) {
  const std::string command = std::string(PRESSARCHIVE_BINARY) + " " + args + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  std::string text;
  char buffer[4096];
  std::size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) text.append(buffer, n);
  const int status = pclose(pipe);
  if (output) *output = text;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

class IngestSamples : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    store_ = (dir_->path() / "archive.db").string();
    IngestRequest request;
    request.paths = {testing::samples_dir()};
    request.config = Config::load("").value();
    ASSERT_TRUE(request.config.set("ingest.store", store_).ok());
    // Several workers on any machine: this test also runs under ThreadSanitizer.
    ASSERT_TRUE(request.config.set("ingest.jobs", "3").ok());
    request.show_progress = false;
    request.command_line = "test";
    std::ostringstream out, err;
    first_exit_ = run_ingest(request, out, err);
    first_summary_ = out.str();
    first_errors_ = err.str();
    std::ostringstream out2, err2;
    second_exit_ = run_ingest(request, out2, err2);
    second_summary_ = out2.str();
    std::ostringstream jsonl, ignore;
    ASSERT_EQ(run_export(store_, "jsonl", "", true, jsonl, ignore), exit_code::kOk);
    std::istringstream lines(jsonl.str());
    std::string line;
    while (std::getline(lines, line)) exported_.push_back(nlohmann::json::parse(line));
  }
  static void TearDownTestSuite() { delete dir_; }

  static const nlohmann::json* record_with_path(const std::string& file) {
    for (const nlohmann::json& r : exported_)
      for (const auto& p : r["source_paths"])
        if (p.get<std::string>().ends_with("/" + file)) return &r;
    return nullptr;
  }

  static testing::TempDir* dir_;
  static std::string store_, first_summary_, first_errors_, second_summary_;
  static int first_exit_, second_exit_;
  static std::vector<nlohmann::json> exported_;
};
testing::TempDir* IngestSamples::dir_ = nullptr;
std::string IngestSamples::store_, IngestSamples::first_summary_, IngestSamples::first_errors_,
    IngestSamples::second_summary_;
int IngestSamples::first_exit_ = -1, IngestSamples::second_exit_ = -1;
std::vector<nlohmann::json> IngestSamples::exported_;

TEST_F(IngestSamples, FirstRunCompletesWithTheBrokenFileFailed) {
  EXPECT_EQ(first_exit_, exit_code::kCompletedWithFailures) << first_summary_ << first_errors_;
  EXPECT_NE(first_summary_.find("inputs            7"), std::string::npos) << first_summary_;
  EXPECT_NE(first_summary_.find("archived          5"), std::string::npos) << first_summary_;
  EXPECT_NE(first_summary_.find("duplicates        1"), std::string::npos) << first_summary_;
  EXPECT_NE(first_summary_.find("failed            1"), std::string::npos) << first_summary_;
  EXPECT_NE(first_summary_.find("pages OCR'd       5"), std::string::npos) << first_summary_;
  EXPECT_NE(first_summary_.find("pages text layer  1"), std::string::npos) << first_summary_;
  EXPECT_NE(first_errors_.find("broken-truncated.pdf"), std::string::npos) << first_errors_;
}

TEST_F(IngestSamples, EveryReadableSampleGetsTheSeedFields) {
  for (const std::string file :
       {"seed-born-digital.pdf", "seed-scan-clean.png", "seed-scan-degraded.tif",
        "seed-scan-rotated-180.png", "seed-scan-two-pages.pdf"}) {
    SCOPED_TRACE(file);
    const nlohmann::json* r = record_with_path(file);
    ASSERT_NE(r, nullptr);
    EXPECT_EQ((*r)["status"], "archived");
    EXPECT_EQ((*r)["title"], "CDO und CUO beenden Tätigkeit");
    EXPECT_EQ((*r)["subtitle"],
              "Stadtrat entscheidet am Montag über Vorschlag zur Weiterentwicklung");
    EXPECT_EQ((*r)["release_date"], "2022-03-31");
    EXPECT_EQ((*r)["place"], "Kaiserslautern");
    EXPECT_EQ((*r)["issuer"], "Pressestelle");
    EXPECT_EQ((*r)["language"], "de");
    EXPECT_NE((*r)["text"].get<std::string>().find("Rombach"), std::string::npos);
    EXPECT_EQ((*r)["body"].get<std::string>().find("Achtung"), std::string::npos)
        << "disclaimer is boilerplate";
  }
  EXPECT_EQ((*record_with_path("seed-scan-two-pages.pdf"))["pages"], 2);
  // All five are one release: the born-digital text is the canonical copy.
  const nlohmann::json& canonical = *record_with_path("seed-born-digital.pdf");
  EXPECT_TRUE(canonical["duplicate_of"].is_null());
  for (const std::string file : {"seed-scan-clean.png", "seed-scan-degraded.tif",
                                 "seed-scan-rotated-180.png", "seed-scan-two-pages.pdf"}) {
    EXPECT_EQ((*record_with_path(file))["duplicate_of"], canonical["id"]) << file;
    EXPECT_GT((*record_with_path(file))["duplicate_score"].get<double>(), 0.6) << file;
  }
  EXPECT_TRUE((*record_with_path("seed-born-digital.pdf"))["ocr_confidence"].is_null())
      << "text layer, no OCR";
  EXPECT_GT((*record_with_path("seed-scan-degraded.tif"))["ocr_confidence"].get<double>(), 70);
}

TEST_F(IngestSamples, TheCopyIsLinkedToTheSameRecord) {
  const nlohmann::json* original = record_with_path("seed-scan-clean.png");
  const nlohmann::json* copy = record_with_path("copy of seed-scan-clean.png");
  ASSERT_NE(original, nullptr);
  EXPECT_EQ(original, copy);
  EXPECT_EQ((*original)["source_paths"].size(), 2u);
  int records = 0, failures = 0;
  for (const nlohmann::json& r : exported_) (r["status"] == "failed" ? failures : records)++;
  EXPECT_EQ(records, 5);
  EXPECT_EQ(failures, 1);
}

TEST_F(IngestSamples, TheBrokenFileIsAFailureWithAReason) {
  for (const nlohmann::json& r : exported_) {
    if (r["status"] != "failed") continue;
    EXPECT_TRUE(r["source_paths"][0].get<std::string>().ends_with("broken-truncated.pdf"));
    EXPECT_EQ(r["reason"], "unreadable");
    EXPECT_NE(r["error"].get<std::string>().find("broken-truncated.pdf"), std::string::npos);
  }
}

TEST_F(IngestSamples, SecondRunArchivesNothingNewAndSaysSo) {
  EXPECT_EQ(second_exit_, exit_code::kOk) << second_summary_;
  EXPECT_NE(second_summary_.find("archived          0"), std::string::npos) << second_summary_;
  EXPECT_NE(second_summary_.find("already archived  6"), std::string::npos) << second_summary_;
  EXPECT_NE(second_summary_.find("Nothing new to archive."), std::string::npos) << second_summary_;
}

TEST_F(IngestSamples, SearchFindsTheSeed) {
  std::ostringstream out, err;
  EXPECT_EQ(run_search(store_, "Rombach", 10, out, err), exit_code::kOk);
  EXPECT_NE(out.str().find("CDO und CUO beenden Tätigkeit"), std::string::npos) << out.str();
  std::ostringstream none, err2;
  EXPECT_EQ(run_search(store_, "Zeppelin", 10, none, err2), exit_code::kNotFound);
}

TEST_F(IngestSamples, CommandLineStatusShowAndExitCodes) {
  std::string output;
  EXPECT_EQ(run_binary("status --store '" + store_ + "'", &output), exit_code::kOk) << output;
  EXPECT_NE(output.find("records            5"), std::string::npos) << output;
  EXPECT_NE(output.find("unreadable"), std::string::npos) << output;
  EXPECT_EQ(run_binary("show 1 --store '" + store_ + "'", &output), exit_code::kOk) << output;
  EXPECT_NE(output.find("release date  2022-03-31"), std::string::npos) << output;
  EXPECT_EQ(run_binary("show 999 --store '" + store_ + "'", &output), exit_code::kNotFound);
  EXPECT_EQ(run_binary("export --format xml --store '" + store_ + "'", &output), exit_code::kUsage);
}

std::vector<nlohmann::json> ingest_into(const std::string& store,
                                        const std::vector<std::filesystem::path>& paths) {
  IngestRequest request;
  request.paths = paths;
  request.config = Config::load("").value();
  EXPECT_TRUE(request.config.set("ingest.store", store).ok());
  request.show_progress = false;
  std::ostringstream out, err, jsonl, ignore;
  EXPECT_EQ(run_ingest(request, out, err), exit_code::kOk) << out.str() << err.str();
  EXPECT_EQ(run_export(store, "jsonl", "", false, jsonl, ignore), exit_code::kOk);
  std::vector<nlohmann::json> records;
  std::istringstream lines(jsonl.str());
  for (std::string line; std::getline(lines, line);) records.push_back(nlohmann::json::parse(line));
  return records;
}

TEST(NearDuplicates, ABetterCopyInALaterRunBecomesCanonical) {
  testing::TempDir dir;
  const std::string store = (dir.path() / "archive.db").string();
  std::vector<nlohmann::json> first =
      ingest_into(store, {testing::sample("seed-scan-degraded.tif")});
  ASSERT_EQ(first.size(), 1u);
  std::vector<nlohmann::json> both = ingest_into(store, {testing::sample("seed-born-digital.pdf")});
  ASSERT_EQ(both.size(), 2u);
  const nlohmann::json& scan = both[0];
  const nlohmann::json& pdf = both[1];
  EXPECT_EQ(scan["duplicate_of"], pdf["id"]) << "the scan now links to the born-digital original";
  EXPECT_TRUE(pdf["duplicate_of"].is_null());
  std::ostringstream history, err;
  EXPECT_EQ(run_show(store, pdf["id"], false, true, history, err), exit_code::kOk);
  EXPECT_NE(history.str().find("canonical"), std::string::npos) << history.str();
  EXPECT_NE(history.str().find("cluster (same release)"), std::string::npos) << history.str();
}

TEST(NearDuplicates, DifferentReleasesSharingTheDisclaimerStayApart) {
  testing::TempDir dir;
  const std::string store = (dir.path() / "archive.db").string();
  // Two born-digital archive pages of the same press office, both with the archive
  // disclaimer, about different things.
  std::vector<nlohmann::json> records = ingest_into(
      store, {testing::sample("seed-born-digital.pdf"),
              testing::source_dir() / "tests" / "eval" / "docs" / "05-frankfurt-museumsufer.pdf"});
  ASSERT_EQ(records.size(), 2u);
  for (const nlohmann::json& r : records) {
    EXPECT_TRUE(r["duplicate_of"].is_null()) << r["title"];
    EXPECT_TRUE(r["revision_of"].is_null()) << r["title"];
  }
}

TEST(Cli, HelpUsageAndDependencyErrorsHaveTheirExitCodes) {
  std::string output;
  for (const char* cmd : {"--help", "ingest --help", "status --help", "show --help",
                          "search --help", "export --help", "config --help"}) {
    EXPECT_EQ(run_binary(cmd, &output), exit_code::kOk) << cmd;
    EXPECT_NE(output.find("Usage"), std::string::npos) << cmd;
  }
  EXPECT_EQ(run_binary("", &output), exit_code::kUsage);
  EXPECT_EQ(run_binary("frobnicate", &output), exit_code::kUsage);
  EXPECT_EQ(run_binary("ingest", &output), exit_code::kUsage) << "PATH is required";
  testing::TempDir dir;
  const std::string store = (dir.path() / "a.db").string();
  EXPECT_EQ(run_binary("ingest --lang xyz --store '" + store + "' '" +
                           testing::sample("seed-born-digital.pdf").string() + "'",
                       &output),
            exit_code::kMissingDependency)
      << output;
  EXPECT_NE(output.find("xyz"), std::string::npos) << output;
  EXPECT_EQ(run_binary("ingest --store /nonexistent-dir/a.db '" +
                           testing::sample("seed-born-digital.pdf").string() + "'",
                       &output),
            exit_code::kStoreError)
      << output;
  EXPECT_EQ(run_binary("status --store '" + store + "-missing'", &output), exit_code::kStoreError);
  EXPECT_EQ(run_binary("config", &output), exit_code::kOk);
  EXPECT_NE(output.find("languages = 'deu+eng'"), std::string::npos);
}

}  // namespace
}  // namespace pressarchive
