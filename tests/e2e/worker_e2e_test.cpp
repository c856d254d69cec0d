// Several `pressarchive worker` processes on one PostgreSQL archive, as on several
// machines: every queued source ends exactly once, a killed worker's job is finished by
// another, a job that kills every worker is quarantined, and workers racing on copies
// of one release make one cluster.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "../child_process.h"
#include "../store_backends.h"
#include "../test_paths.h"

namespace pressarchive {
namespace {

namespace fs = std::filesystem;

using testing::wait_for;

pid_t start(const std::vector<std::string>& args, const fs::path& log) {
  return testing::start_pressarchive(args, log);
}

int run(const std::vector<std::string>& args, const fs::path& log) {
  return wait_for(start(args, log));
}

struct JobRow {
  std::string state;
  std::string outcome;
  int attempts = 0;
};

class WorkerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    PRESSARCHIVE_NEEDS_PG_SERVER();
    db_ = std::make_unique<testing::ScratchArchive>(testing::Backend::kPostgresql);
    inputs_ = dir_.path() / "inputs";
    fs::create_directories(inputs_);
    log_ = dir_.path() / "log.txt";
  }
  void TearDown() override {
    if (HasFailure() && fs::exists(log_))
      std::cerr << "--- worker log ---\n" << testing::read_file(log_);
  }

  // A config with a short lease, so that tests wait seconds, not minutes, for a dead
  // worker's job.
  std::string config(int lease_seconds, int max_attempts, int batch) {
    const fs::path file =
        dir_.path() / ("queue-" + std::to_string(lease_seconds) + "-" +
                       std::to_string(max_attempts) + "-" + std::to_string(batch) + ".toml");
    std::ofstream(file) << "[queue]\nlease_seconds = " << lease_seconds
                        << "\nmax_attempts = " << max_attempts << "\nbatch = " << batch
                        << "\npoll_seconds = 1\n";
    return file.string();
  }

  std::vector<std::string> worker(const std::string& cfg, const std::string& name) {
    return {"worker", "--store", db_->location(), "--config", cfg, "--until-empty", "-q",
            "-j",     "1",       "--name",        name};
  }

  std::map<std::string, JobRow> jobs() {
    pqxx::connection c(db_->location());
    pqxx::work tx(c);
    std::map<std::string, JobRow> out;
    for (const pqxx::row& row :
         tx.exec("SELECT path, state, coalesce(outcome, ''), attempts FROM jobs")) {
      const std::string path = pqxx::binarystring(row[0]).str();
      out[fs::path(path).filename().string()] = {row[1].as<std::string>(), row[2].as<std::string>(),
                                                 row[3].as<int>()};
    }
    return out;
  }

  bool wait_until_running(std::chrono::seconds limit) {
    const auto until = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < until) {
      for (const auto& [path, job] : jobs())
        if (job.state == "running") return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }

  std::vector<nlohmann::json> exported() {
    const fs::path file = dir_.path() / "export.jsonl";
    EXPECT_EQ(run({"export", "--store", db_->location(), "--include-failures", "-o", file.string()},
                  log_),
              0);
    std::vector<nlohmann::json> lines;
    std::ifstream in(file);
    std::string line;
    while (std::getline(in, line)) lines.push_back(nlohmann::json::parse(line));
    return lines;
  }

  void copy_in(const fs::path& from, const std::string& name) {
    fs::copy_file(from, inputs_ / name);
  }

  testing::TempDir dir_;
  std::unique_ptr<testing::ScratchArchive> db_;
  fs::path inputs_;
  fs::path log_;
};

TEST_F(WorkerTest, ThreeWorkersProcessEverySourceExactlyOnce) {
  int n = 0;
  for (const auto& entry :
       fs::directory_iterator(testing::source_dir() / "tests" / "eval" / "docs"))
    if (entry.path().extension() == ".pdf") copy_in(entry.path(), entry.path().filename().string());
  for (const auto& entry : fs::directory_iterator(inputs_)) n += entry.is_regular_file();
  copy_in(testing::sample("seed-born-digital.pdf"), "zz-seed.pdf");
  copy_in(testing::sample("seed-born-digital.pdf"), "zz-seed-copy.pdf");  // same bytes: linked
  copy_in(testing::sample("broken-truncated.pdf"), "zz-broken.pdf");      // a failure
  n += 3;
  ASSERT_GE(n, 15);

  ASSERT_EQ(run({"enqueue", "--store", db_->location(), inputs_.string()}, log_), 0);
  const std::string cfg = config(30, 3, 2);
  std::vector<pid_t> workers;
  for (const char* name : {"w1", "w2", "w3"}) workers.push_back(start(worker(cfg, name), log_));
  // Each worker's exit code speaks for its own jobs: the one that took the broken PDF
  // says "completed with failures".
  std::multiset<int> codes;
  for (pid_t pid : workers) codes.insert(wait_for(pid));
  EXPECT_EQ(codes, (std::multiset<int>{0, 0, 3}));

  const std::map<std::string, JobRow> queue = jobs();
  ASSERT_EQ(static_cast<int>(queue.size()), n);
  for (const auto& [path, job] : queue) {
    EXPECT_EQ(job.state, "done") << path;
    EXPECT_EQ(job.attempts, 1) << path;
  }
  EXPECT_EQ(queue.at("zz-broken.pdf").outcome, "failed");

  // Every input is in exactly one record's paths or one failure.
  std::map<std::string, int> seen;
  int records = 0;
  for (const nlohmann::json& line : exported()) {
    if (line["status"] != "failed") ++records;
    for (const auto& p : line["source_paths"])
      ++seen[fs::path(p.get<std::string>()).filename().string()];
  }
  EXPECT_EQ(static_cast<int>(seen.size()), n);
  for (const auto& [path, count] : seen) EXPECT_EQ(count, 1) << path;
  EXPECT_EQ(records, n - 2);  // one copy linked, one failure
}

// A worker keeps its archive, its knowledge and its OCR engines for its life: four
// scanned pages in four batches of one are read by one engine, not one per batch.
TEST_F(WorkerTest, AWorkerBuildsItsOcrEnginesOnceForAllItsBatches) {
  copy_in(testing::sample("seed-scan-clean.png"), "a.png");
  copy_in(testing::sample("seed-scan-degraded.tif"), "b.tif");
  copy_in(testing::sample("seed-scan-rotated-180.png"), "c.png");
  copy_in(testing::sample("seed-scan-two-pages.pdf"), "d.pdf");
  ASSERT_EQ(run({"enqueue", "--store", db_->location(), inputs_.string()}, log_), 0);
  const fs::path out = dir_.path() / "worker.txt";
  ASSERT_EQ(run(worker(config(30, 3, 1), "solo"), out), 0) << testing::read_file(out);
  const std::string summary = testing::read_file(out);
  EXPECT_NE(summary.find("batches           4  ("), std::string::npos) << summary;
  EXPECT_NE(summary.find("archived          4\n"), std::string::npos) << summary;
  EXPECT_NE(summary.find("OCR engines       1  ("), std::string::npos) << summary;
  for (const auto& [path, job] : jobs()) EXPECT_EQ(job.outcome, "archived") << path;
}

// Jobs stream into the worker's one graph: a job enqueued while the worker runs is read
// by the same engines into the same run as the jobs before it, and a stop ends it.
TEST_F(WorkerTest, JobsEnqueuedWhileAWorkerRunsStreamIntoItsOneRun) {
  copy_in(testing::sample("seed-scan-clean.png"), "a.png");
  copy_in(testing::sample("seed-born-digital.pdf"), "b.pdf");
  ASSERT_EQ(run({"enqueue", "--store", db_->location(), inputs_.string()}, log_), 0);
  const fs::path out = dir_.path() / "worker.txt";
  const pid_t pid = start({"worker", "--store", db_->location(), "--config", config(30, 3, 1), "-q",
                           "-j", "1", "--name", "streaming"},
                          out);
  const auto all_done = [this](std::size_t n) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (std::chrono::steady_clock::now() < until) {
      const std::map<std::string, JobRow> queue = jobs();
      std::size_t done = 0;
      for (const auto& [path, job] : queue) done += job.state == "done";
      if (queue.size() == n && done == n) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    return false;
  };
  ASSERT_TRUE(all_done(2)) << testing::read_file(out);
  const fs::path later = dir_.path() / "later";
  fs::create_directories(later);
  fs::copy_file(testing::sample("seed-scan-degraded.tif"), later / "c.tif");
  fs::copy_file(testing::sample("seed-scan-rotated-180.png"), later / "d.png");
  ASSERT_EQ(run({"enqueue", "--store", db_->location(), later.string()}, log_), 0);
  ASSERT_TRUE(all_done(4)) << testing::read_file(out);
  kill(pid, SIGTERM);
  EXPECT_EQ(wait_for(pid), 128 + SIGTERM) << testing::read_file(out);  // stopped cleanly

  const std::string summary = testing::read_file(out);
  EXPECT_NE(summary.find("batches           4  ("), std::string::npos) << summary;
  EXPECT_NE(summary.find("archived          4\n"), std::string::npos) << summary;
  EXPECT_NE(summary.find("runs              1  ("), std::string::npos) << summary;
  EXPECT_NE(summary.find("OCR engines       1  ("), std::string::npos) << summary;
  for (const auto& [path, job] : jobs()) EXPECT_EQ(job.outcome, "archived") << path;
  pqxx::connection c(db_->location());
  pqxx::work tx(c);
  const pqxx::row worker_runs = tx.exec1(
      "SELECT count(*), sum((summary::json->>'archived')::int), "
      "sum((summary::json->>'pages_ocr')::int + (summary::json->>'pages_text_layer')::int) "
      "FROM runs WHERE command LIKE '%--name streaming%'");
  EXPECT_EQ(worker_runs[0].as<int>(), 1);
  EXPECT_EQ(worker_runs[1].as<int>(), 4);
  EXPECT_EQ(worker_runs[2].as<int>(), 4);
}

TEST_F(WorkerTest, AJobOfAKilledWorkerIsFinishedByAnother) {
  copy_in(testing::sample("seed-scan-two-pages.pdf"), "scan.pdf");
  ASSERT_EQ(run({"enqueue", "--store", db_->location(), inputs_.string()}, log_), 0);
  const std::string cfg = config(3, 3, 1);
  const pid_t doomed = start(worker(cfg, "doomed"), log_);
  ASSERT_TRUE(wait_until_running(std::chrono::seconds(30)));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // inside OCR
  kill(doomed, SIGKILL);
  EXPECT_EQ(wait_for(doomed), 128 + SIGKILL);
  ASSERT_EQ(jobs().at("scan.pdf").state, "running");  // the dead worker's lease still holds it

  EXPECT_EQ(run(worker(cfg, "rescuer"), log_), 0);
  const JobRow job = jobs().at("scan.pdf");
  EXPECT_EQ(job.state, "done");
  EXPECT_EQ(job.outcome, "archived");
  EXPECT_EQ(job.attempts, 2);
  const std::vector<nlohmann::json> lines = exported();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0]["status"], "archived");
  EXPECT_EQ(lines[0]["pages"], 2);
}

TEST_F(WorkerTest, AJobThatOutlivesItsAttemptsIsQuarantinedAsAFailure) {
  copy_in(testing::sample("seed-scan-two-pages.pdf"), "killer.pdf");
  ASSERT_EQ(run({"enqueue", "--store", db_->location(), inputs_.string()}, log_), 0);
  const std::string cfg = config(3, 1, 1);
  const pid_t doomed = start(worker(cfg, "doomed"), log_);
  ASSERT_TRUE(wait_until_running(std::chrono::seconds(30)));
  kill(doomed, SIGKILL);
  wait_for(doomed);

  EXPECT_EQ(run(worker(cfg, "janitor"), log_), 3);
  const JobRow job = jobs().at("killer.pdf");
  EXPECT_EQ(job.state, "quarantined");
  EXPECT_EQ(job.attempts, 1);
  const std::vector<nlohmann::json> lines = exported();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0]["status"], "failed");
  EXPECT_EQ(lines[0]["reason"], "internal");
  EXPECT_NE(lines[0]["error"].get<std::string>().find("quarantined after 1 attempts"),
            std::string::npos);
}

TEST_F(WorkerTest, WorkersRacingOnCopiesOfOneReleaseMakeOneCluster) {
  // Each release three times, enqueued next to each other so that two workers taking one
  // job at a time store them at the same moment: the file, the same bytes under another
  // name, and the same document with bytes appended after %%EOF (other content hash,
  // same text: a near-duplicate).
  std::vector<fs::path> releases;
  for (const auto& entry :
       fs::directory_iterator(testing::source_dir() / "tests" / "eval" / "docs"))
    if (entry.path().extension() == ".pdf") releases.push_back(entry.path());
  std::sort(releases.begin(), releases.end());
  releases.resize(6);
  for (std::size_t i = 0; i < releases.size(); ++i) {
    const std::string stem = "r" + std::to_string(i);
    copy_in(releases[i], stem + "-a.pdf");
    copy_in(releases[i], stem + "-b.pdf");
    copy_in(releases[i], stem + "-c.pdf");
    std::ofstream(inputs_ / (stem + "-c.pdf"), std::ios::app) << "\n% re-saved copy\n";
  }
  ASSERT_EQ(run({"enqueue", "--store", db_->location(), inputs_.string()}, log_), 0);
  const std::string cfg = config(30, 3, 1);
  const pid_t w1 = start(worker(cfg, "w1"), log_);
  const pid_t w2 = start(worker(cfg, "w2"), log_);
  EXPECT_EQ(wait_for(w1), 0);
  EXPECT_EQ(wait_for(w2), 0);

  // Per release: two records (the a/b content and the c content), one canonical.
  std::map<std::string, std::vector<nlohmann::json>> by_release;
  for (const nlohmann::json& line : exported()) {
    ASSERT_NE(line["status"], "failed") << line.dump();
    const std::string first =
        fs::path(line["source_paths"][0].get<std::string>()).filename().string();
    by_release[first.substr(0, first.find('-'))].push_back(line);
  }
  ASSERT_EQ(by_release.size(), releases.size());
  for (const auto& [release, records] : by_release) {
    ASSERT_EQ(records.size(), 2u) << release;
    int canonical = 0;
    for (const nlohmann::json& r : records) canonical += r["duplicate_of"].is_null();
    EXPECT_EQ(canonical, 1) << release << ": " << records[0].dump().substr(0, 300);
    std::size_t paths = records[0]["source_paths"].size() + records[1]["source_paths"].size();
    EXPECT_EQ(paths, 3u) << release;
  }
}

}  // namespace
}  // namespace pressarchive
