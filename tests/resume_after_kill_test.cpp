// The nightly batch killed with SIGKILL at several moments (early, mid-OCR, inside a
// commit) and run again: every input ends exactly once, nothing is half-written, and
// SQLite's integrity check passes.
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>

#include <chrono>
#include <set>
#include <thread>

#include "child_process.h"
#include "test_paths.h"

namespace pressarchive {
namespace {

namespace fs = std::filesystem;

using testing::wait_for;

pid_t start_ingest(const fs::path& inputs, const fs::path& store, const char* crash_at) {
  return testing::start_pressarchive({"ingest", inputs.string(), "--store", store.string(), "-q", "--jobs", "2"}, {},
                                     [crash_at] {
                                       if (crash_at) setenv("PRESSARCHIVE_CRASH_BEFORE_COMMIT", crash_at, 1);
                                     });
}

std::vector<std::string> column(sqlite3* db, const std::string& sql) {
  std::vector<std::string> out;
  sqlite3_stmt* stmt = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK) << sql;
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    const auto* p = static_cast<const char*>(sqlite3_column_blob(stmt, 0));
    out.emplace_back(p ? std::string(p, sqlite3_column_bytes(stmt, 0)) : std::string());
  }
  sqlite3_finalize(stmt);
  return out;
}

void expect_every_input_once(const fs::path& inputs, const fs::path& store) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(store.c_str(), &db), SQLITE_OK);
  EXPECT_EQ(column(db, "PRAGMA integrity_check"), std::vector<std::string>{"ok"});
  const std::vector<std::string> archived = column(db, "SELECT path FROM sources");
  const std::vector<std::string> failed = column(db, "SELECT path FROM failures WHERE resolved_at IS NULL");
  std::multiset<std::string> outcomes(archived.begin(), archived.end());
  outcomes.insert(failed.begin(), failed.end());
  std::set<std::string> expected;
  for (const auto& entry : fs::directory_iterator(inputs)) expected.insert(entry.path().string());
  for (const std::string& path : expected) EXPECT_EQ(outcomes.count(path), 1u) << path;
  EXPECT_EQ(outcomes.size(), expected.size());
  EXPECT_EQ(column(db, "SELECT count(*) FROM records"), std::vector<std::string>{"5"});
  EXPECT_EQ(column(db, "SELECT count(*) FROM records r WHERE page_count <> "
                       "(SELECT count(*) FROM pages p WHERE p.record_id = r.id)"),
            std::vector<std::string>{"0"})
      << "no partial records";
  EXPECT_EQ(column(db, "SELECT count(*) FROM records_fts"), std::vector<std::string>{"5"});
  sqlite3_close(db);
}

struct KillPoint {
  const char* name;
  int after_ms;            // send `signal` after this long, or
  const char* crash_at;    // let the store kill itself inside this commit
  int signal = SIGKILL;
};

class ResumeAfterKill : public ::testing::TestWithParam<KillPoint> {};

TEST_P(ResumeAfterKill, RerunEndsWithEveryInputExactlyOnce) {
  testing::TempDir dir;
  const fs::path inputs = dir.path() / "inbox";
  fs::create_directory(inputs);
  for (const auto& entry : fs::directory_iterator(testing::samples_dir()))
    fs::copy_file(entry.path(), inputs / entry.path().filename());
  const fs::path store = dir.path() / "archive.db";

  const KillPoint point = GetParam();
  const pid_t pid = start_ingest(inputs, store, point.crash_at);
  if (point.after_ms > 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(point.after_ms));
    kill(pid, point.signal);
  }
  const int killed = wait_for(pid);
  if (point.crash_at) EXPECT_EQ(killed, 128 + SIGKILL) << "the failure point fired";
  if (point.signal == SIGTERM)
    EXPECT_TRUE(killed == 128 + SIGTERM || killed == 0 || killed == 3)
        << "SIGTERM: stop taking inputs, commit, exit 143 (or finish normally if all was in flight): " << killed;

  const int rerun = wait_for(start_ingest(inputs, store, nullptr));
  EXPECT_TRUE(rerun == 0 || rerun == 3) << rerun;
  expect_every_input_once(inputs, store);

  // And a third run finds nothing to do.
  EXPECT_EQ(wait_for(start_ingest(inputs, store, nullptr)), 0);
  expect_every_input_once(inputs, store);
}

INSTANTIATE_TEST_SUITE_P(KillPoints, ResumeAfterKill,
                         ::testing::Values(KillPoint{"early", 150, nullptr},
                                           KillPoint{"mid_ocr", 1500, nullptr},
                                           KillPoint{"first_commit", 0, "1"},
                                           KillPoint{"third_commit", 0, "3"},
                                           KillPoint{"sigterm", 1200, nullptr, SIGTERM}),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace pressarchive
