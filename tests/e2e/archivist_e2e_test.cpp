// The archivist's job end to end: the review queue, manual corrections that survive
// reprocessing, and retrying failures after the cause was fixed.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "../ingest_in_process.h"
#include "../store_backends.h"
#include "../test_paths.h"
#include "pipeline/cli/commands.h"
#include "pipeline/exit_codes.h"
#include "pipeline/ingest.h"

namespace pressarchive {
namespace {

namespace fs = std::filesystem;

int ingest(const std::string& store, std::vector<fs::path> paths,
           std::optional<ReprocessSelection> reprocess = {}) {
  return testing::ingest_in_process(store, std::move(paths), std::move(reprocess));
}

std::vector<nlohmann::json> exported(const std::string& store, bool failures) {
  std::ostringstream jsonl, ignore;
  EXPECT_EQ(run_export(store, "jsonl", "", failures, jsonl, ignore), exit_code::kOk);
  std::vector<nlohmann::json> out;
  std::istringstream lines(jsonl.str());
  for (std::string line; std::getline(lines, line);) out.push_back(nlohmann::json::parse(line));
  return out;
}

// Every command goes through the ArchiveStore interface: the same job on both backends.
using Archivist = testing::OnEachBackend;
INSTANTIATE_TEST_SUITE_P(Backends, Archivist, testing::kEachBackend, testing::backend_param_name);

TEST_P(Archivist, CorrectionsSurviveReprocessingAndClearTheReview) {
  const std::string store = scratch_->location();
  // A typewriter test page: no release date anywhere, so it is flagged for review.
  ASSERT_EQ(ingest(store, {testing::corpora_dir() / "scans-gt" / "tesseract" / "phototest.tif"}),
            exit_code::kOk);
  std::ostringstream queue, err;
  ASSERT_EQ(run_review(store, queue, err), exit_code::kOk);
  EXPECT_NE(queue.str().find("no release date found"), std::string::npos) << queue.str();

  std::ostringstream out;
  ASSERT_EQ(run_edit(store, 1, {{"release_date", "2001-01-01"}, {"title", "Typewriter test page"}},
                     true, out, err),
            exit_code::kOk);
  EXPECT_EQ(run_edit(store, 1, {{"release_date", "1. Januar"}}, false, out, err),
            exit_code::kUsage);
  EXPECT_EQ(run_edit(store, 99, {{"title", "x"}}, false, out, err), exit_code::kNotFound);

  ReprocessSelection again;
  again.record_ids = {1};
  ASSERT_EQ(ingest(store, {}, again), exit_code::kOk);
  const std::vector<nlohmann::json> records = exported(store, false);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0]["id"], 1) << "reprocessing keeps the id";
  EXPECT_EQ(records[0]["release_date"], "2001-01-01");
  EXPECT_EQ(records[0]["title"], "Typewriter test page");
  EXPECT_FALSE(records[0]["needs_review"].get<bool>()) << records[0]["review_reasons"];

  std::ostringstream history;
  ASSERT_EQ(run_show(store, 1, false, true, history, err), exit_code::kOk);
  for (const char* event : {"ingest", "edit", "reviewed", "reprocess"})
    EXPECT_NE(history.str().find(std::string("  ") + event), std::string::npos) << event << "\n"
                                                                                << history.str();
  EXPECT_NE(history.str().find("corrected     release_date title"), std::string::npos)
      << history.str();
}

TEST_P(Archivist, FailedInputsAreListedAndRetriedAfterTheFix) {
  const std::string store = scratch_->location();
  const fs::path inbox = scratch_->dir() / "inbox";
  fs::create_directory(inbox);
  fs::copy_file(testing::sample("broken-truncated.pdf"), inbox / "release.pdf");
  ASSERT_EQ(ingest(store, {inbox}), exit_code::kCompletedWithFailures);

  std::ostringstream failed, err;
  ASSERT_EQ(run_failed(store, true, "unreadable", 0, failed, err), exit_code::kOk);
  const nlohmann::json failure = nlohmann::json::parse(failed.str());
  EXPECT_EQ(failure["attempt"], 1);
  EXPECT_EQ(failure["stage"], "load");
  EXPECT_EQ(run_failed(store, false, "bogus", 0, failed, err), exit_code::kUsage);

  // Retrying without a fix: a second attempt, still failed, history kept.
  ReprocessSelection retry;
  retry.failed = true;
  EXPECT_EQ(ingest(store, {}, retry), exit_code::kCompletedWithFailures);
  std::ostringstream second;
  ASSERT_EQ(run_failed(store, true, "", 0, second, err), exit_code::kOk);
  EXPECT_EQ(nlohmann::json::parse(second.str())["attempt"], 2);

  // The archivist puts the good file in place and retries: archived, failure closed.
  fs::copy_file(testing::sample("seed-born-digital.pdf"), inbox / "release.pdf",
                fs::copy_options::overwrite_existing);
  EXPECT_EQ(ingest(store, {}, retry), exit_code::kOk);
  std::ostringstream none;
  ASSERT_EQ(run_failed(store, true, "", 0, none, err), exit_code::kOk);
  EXPECT_EQ(none.str(), "");
  const std::vector<nlohmann::json> records = exported(store, true);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0]["title"], "CDO und CUO beenden Tätigkeit");
  std::ostringstream hits, search_err;
  ASSERT_EQ(run_search(store, "Rombach", 10, hits, search_err), exit_code::kOk);
  EXPECT_NE(hits.str().find("[Rombach]"), std::string::npos) << hits.str();
}

}  // namespace
}  // namespace pressarchive
