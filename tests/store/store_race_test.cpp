// Several workers writing one PostgreSQL archive at the same moment: each thread below
// has its own store and connection, so for the database they are separate processes.
// Skipped (with a message) when PRESSARCHIVE_TEST_PG is not set.
#include <gtest/gtest.h>

#include <barrier>
#include <chrono>
#include <pqxx/pqxx>
#include <thread>

#include "../store_backends.h"
#include "../test_paths.h"
#include "stages/near_dup/clusters.h"
#include "stages/near_dup/near_duplicates.h"
#include "stages/store/archive_store.h"

namespace pressarchive {
namespace {

using testing::Backend;
using testing::ScratchArchive;

class PgRace : public ::testing::Test {
 protected:
  void SetUp() override {
    PRESSARCHIVE_NEEDS_PG_SERVER();
    scratch_ = std::make_unique<ScratchArchive>(Backend::kPostgresql);
  }
  std::unique_ptr<ArchiveStore> open() {
    Result<std::unique_ptr<ArchiveStore>> opened = open_store(scratch_->location());
    EXPECT_TRUE(opened.ok()) << opened.error().message;
    return opened.ok() ? std::move(*opened) : nullptr;
  }
  pqxx::row query1(const std::string& sql) {
    pqxx::connection c(scratch_->location());
    pqxx::nontransaction tx(c);
    return tx.exec1(sql);
  }
  void exec(const std::string& sql) {
    pqxx::connection c(scratch_->location());
    pqxx::nontransaction tx(c);
    tx.exec(sql);
  }

  std::unique_ptr<ScratchArchive> scratch_;
};

Record text_record(const std::string& sha, const std::string& path, const std::string& body,
                   RecordKind kind) {
  Record r;
  r.sha256 = sha;
  r.source_paths = {path};
  r.format = SourceFormat::kPdf;
  r.kind = kind;
  PageResult p;
  p.number = 1;
  p.method = kind == RecordKind::kBornDigital ? PageMethod::kTextLayer : PageMethod::kOcr;
  if (kind != RecordKind::kBornDigital) {
    p.confidence = 85;
    r.ocr_confidence = 85;
  }
  p.text = body;
  r.pages = {p};
  r.text = body;
  r.metadata.body = body;
  return r;
}

TEST_F(PgRace, ManyWorkersStartingOnAnEmptyDatabaseMigrateItOnce) {
  constexpr int kWorkers = 8;
  std::barrier start(kWorkers);
  std::vector<std::string> errors(kWorkers);
  std::vector<std::thread> workers;
  for (int i = 0; i < kWorkers; ++i)
    workers.emplace_back([&, i] {
      start.arrive_and_wait();
      Result<std::unique_ptr<ArchiveStore>> opened = open_store(scratch_->location());
      if (!opened.ok())
        errors[i] = opened.error().message;
      else if (!(*opened)->status().ok())
        errors[i] = "status failed";
    });
  for (std::thread& t : workers) t.join();
  for (const std::string& e : errors) EXPECT_EQ(e, "");
  const pqxx::row migrations =
      query1("SELECT count(*), count(DISTINCT version), max(version) FROM schema_migrations");
  EXPECT_EQ(migrations[0].as<int>(), migrations[2].as<int>()) << "each version applied once";
  EXPECT_EQ(migrations[1].as<int>(), migrations[2].as<int>());
  EXPECT_GE(migrations[2].as<int>(), 2);
  EXPECT_EQ(query1("SELECT count(*) FROM information_schema.tables WHERE table_name = 'jobs'")[0]
                .as<int>(),
            1);
}

TEST_F(PgRace, WorkersArchivingTheSameBytesAtOnceMakeOneRecord) {
  constexpr int kWorkers = 4, kContents = 12;
  std::barrier start(kWorkers);
  std::vector<std::string> errors;
  std::mutex errors_mutex;
  std::vector<std::thread> workers;
  for (int w = 0; w < kWorkers; ++w)
    workers.emplace_back([&, w] {
      std::unique_ptr<ArchiveStore> store = open();
      start.arrive_and_wait();  // even when opening failed: the others must not wait forever
      if (!store) return;
      const std::int64_t run = store->begin_run({"worker " + std::to_string(w), "", "{}"}).value();
      for (int c = 0; c < kContents; ++c) {
        const std::string sha = "content-" + std::to_string(c);
        Result<std::int64_t> id = store->archive_record(
            text_record(sha, "worker" + std::to_string(w) + "/copy-" + std::to_string(c) + ".pdf",
                        "Pressemitteilung Nummer " + std::to_string(c), RecordKind::kBornDigital),
            run);
        if (!id.ok()) {
          std::lock_guard lock(errors_mutex);
          errors.push_back(id.error().message);
        }
      }
    });
  for (std::thread& t : workers) t.join();
  EXPECT_TRUE(errors.empty()) << errors.front();
  std::unique_ptr<ArchiveStore> store = open();
  const StoreStatus st = store->status().value();
  EXPECT_EQ(st.records, kContents);
  EXPECT_EQ(st.sources, kWorkers * kContents) << "every path linked";
  EXPECT_EQ(st.duplicate_sources, (kWorkers - 1) * kContents);
  EXPECT_EQ(query1("SELECT count(*) FROM events WHERE type = 'link'")[0].as<int>(),
            (kWorkers - 1) * kContents);
}

// What ingest's store stage does for a new record (pipeline/ingest.cpp deliver and
// place_near_duplicate), with a pause between reading the candidates and archiving: a
// slow worker, so that two workers are surely inside that window together.
void place_and_archive(ArchiveStore& store, Record record, bool lock,
                       std::chrono::milliseconds pause) {
  const NearDuplicateOptions options;
  const MinHash minhash(options.num_perm);
  const BodyProfile profile = profile_body(record.metadata.body, "", options);
  const Signature signature = minhash.sign(profile.shingles);
  record.signature = signature_to_bytes(signature);
  record.band_keys = band_keys(signature, options.bands, options.rows);
  std::unique_ptr<PlacementLock> placement;
  if (lock) placement = store.lock_placement(record.band_keys);
  const std::vector<NearDuplicateCandidate> candidates =
      store.near_duplicate_candidates(record.band_keys, 200).value();
  std::this_thread::sleep_for(pause);
  const auto canonical_of = [&store](std::int64_t id) -> std::optional<NearDuplicateCandidate> {
    std::optional<Record> r = store.load_record(id).value();
    if (!r) return std::nullopt;
    return NearDuplicateCandidate{id,      r->metadata.body,  "",
                                  r->kind, r->ocr_confidence, r->duplicate_of};
  };
  const ClusterDecision d = place_in_cluster(profile, record.kind, record.ocr_confidence,
                                             candidates, canonical_of, options);
  record.duplicate_of = d.duplicate_of;
  record.duplicate_score = d.duplicate_score;
  record.takes_over_from = d.takes_over_from;
  record.revision_of = d.revision_of;
  record.revision_score = d.revision_score;
  ASSERT_TRUE(store.archive_record(record, 0).ok());
}

// Two workers archive two copies of one release (its text layer and an OCR read, from
// tests/dedup-set) at the same moment. Placement locks on the shared band keys make the
// second wait until the first has committed; it then sees the first and joins its cluster
// (taking over as canonical when it is the better copy), exactly as if they had come
// one after the other. Without the locks each sees no candidate: two unrelated records.
std::vector<ClusterRow> race_two_copies(const std::string& location, bool lock) {
  const std::filesystem::path dir = testing::source_dir() / "tests" / "dedup-set";
  const Record born_digital =
      text_record("v1", "fernhill-01.pdf", testing::read_file(dir / "fernhill-01.v1.txt"),
                  RecordKind::kBornDigital);
  const Record scan =
      text_record("v2", "fernhill-01-scan.png", testing::read_file(dir / "fernhill-01.v2.txt"),
                  RecordKind::kScanned);
  std::barrier start(2);
  std::vector<std::thread> workers;
  for (const Record* r : {&born_digital, &scan})
    workers.emplace_back([&, r] {
      Result<std::unique_ptr<ArchiveStore>> store = open_store(location);
      start.arrive_and_wait();  // even when opening failed: the other must not wait forever
      ASSERT_TRUE(store.ok()) << store.error().message;
      place_and_archive(**store, *r, lock, std::chrono::milliseconds(300));
    });
  for (std::thread& t : workers) t.join();
  return open_store(location).value()->clusters().value();
}

TEST_F(PgRace, TwoCopiesOfOneReleaseArchivedAtOnceFormOneCluster) {
  const std::vector<ClusterRow> clusters = race_two_copies(scratch_->location(), /*lock=*/true);
  ASSERT_EQ(clusters.size(), 1u);
  ASSERT_EQ(clusters[0].members.size(), 1u);
  std::unique_ptr<ArchiveStore> store = open();
  EXPECT_EQ(store->load_record(clusters[0].canonical).value()->kind, RecordKind::kBornDigital)
      << "whichever came first, the text layer ends canonical";
  // Only this test's database: other tests on the same server hold their own locks.
  EXPECT_EQ(query1("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND database = "
                   "(SELECT oid FROM pg_database WHERE datname = current_database())")[0]
                .as<int>(),
            0)
      << "every placement lock released";
}

TEST_F(PgRace, WithoutPlacementLocksTheSameRaceMissesTheCluster) {
  // The control for the test above: it shows that the race is real in this harness.
  EXPECT_TRUE(race_two_copies(scratch_->location(), /*lock=*/false).empty());
}

TEST_F(PgRace, AWorkerCompletesItsJobsInTheTransactionOfTheResult) {
  std::unique_ptr<ArchiveStore> store = open();
  const std::int64_t run = store->begin_run({"worker", "", "{}"}).value();
  exec(
      "INSERT INTO jobs(path, sha256, state, attempts, lease_owner, lease_expires, started_at) "
      "VALUES "
      "('a.pdf', 'h1', 'running', 1, 'w1', now() + interval '1 minute', now()), "
      "('a-copy.pdf', 'h1', 'running', 1, 'w1', now() + interval '1 minute', now()), "
      "('broken.pdf', 'h2', 'running', 1, 'w1', now() + interval '1 minute', now()), "
      "('later-copy.pdf', 'h1', 'running', 1, 'w1', now() + interval '1 minute', now()), "
      "('theirs.pdf', 'h3', 'running', 1, 'w2', now() + interval '1 minute', now()), "
      "('queued.pdf', 'h4', 'queued', 0, NULL, NULL, NULL)");
  const auto job = [&](const char* path) {
    return query1(std::string("SELECT id FROM jobs WHERE path = '") + path + "'")[0]
        .as<std::int64_t>();
  };
  // Not yet a worker: results are stored, jobs untouched.
  Record queued = text_record("h4", "queued.pdf", "x", RecordKind::kBornDigital);
  queued.source_jobs = {job("queued.pdf")};
  ASSERT_TRUE(store->archive_record(queued, run).ok());
  store->act_as_worker("w1");
  Record r = text_record("h1", "a.pdf", "Pressemitteilung", RecordKind::kBornDigital);
  r.source_paths.push_back("a-copy.pdf");
  r.source_jobs = {job("a.pdf"), job("a-copy.pdf")};
  const std::int64_t id = store->archive_record(r, run).value();
  Failure broken{0,  "broken.pdf", "h2", "load", Reason::kUnreadable, "broken.pdf: truncated",
                 "", run};
  broken.job_id = job("broken.pdf");
  ASSERT_TRUE(store->record_failure(broken, run).ok());
  Source later;
  later.path = "later-copy.pdf";
  later.sha256 = "h1";
  later.job_id = job("later-copy.pdf");
  ASSERT_TRUE(store->link_source(id, later, run).ok());
  // A job w2 holds is not w1's to complete.
  Record theirs = text_record("h3", "theirs.pdf", "y", RecordKind::kBornDigital);
  theirs.source_jobs = {job("theirs.pdf")};
  ASSERT_TRUE(store->archive_record(theirs, run).ok());
  // A failed write completes nothing: the job stays running for another attempt.
  exec(
      "INSERT INTO jobs(path, sha256, state, attempts, lease_owner) VALUES ('gone.pdf', 'h5', "
      "'running', 1, 'w1')");
  Record orphan = text_record("h5", "gone.pdf", "z", RecordKind::kBornDigital);
  orphan.source_jobs = {job("gone.pdf")};
  EXPECT_FALSE(store->replace_record(999, orphan, run).ok());
  // Completion follows the job a write names, not its path: a second record written
  // for a.pdf's path without a job completes nothing more.
  exec(
      "INSERT INTO jobs(path, sha256, state, attempts, lease_owner) VALUES ('again.pdf', 'h6', "
      "'running', 1, 'w1')");
  ASSERT_TRUE(
      store->archive_record(text_record("h6", "again.pdf", "w", RecordKind::kBornDigital), run)
          .ok());

  pqxx::connection c(scratch_->location());
  pqxx::nontransaction tx(c);
  std::map<std::string, std::string> jobs;
  for (const pqxx::row& row :
       tx.exec("SELECT encode(path, 'escape'), state || ' ' || coalesce(outcome, '-') || ' ' || "
               "coalesce(lease_owner, '-') || ' ' || (finished_at IS NOT NULL)::text FROM jobs"))
    jobs[row[0].c_str()] = row[1].c_str();
  EXPECT_EQ(jobs["a.pdf"], "done archived - true");
  EXPECT_EQ(jobs["a-copy.pdf"], "done duplicate - true");
  EXPECT_EQ(jobs["broken.pdf"], "done failed - true");
  EXPECT_EQ(jobs["later-copy.pdf"], "done duplicate - true");
  EXPECT_EQ(jobs["theirs.pdf"], "running - w2 false");
  EXPECT_EQ(jobs["queued.pdf"], "queued - - false");
  EXPECT_EQ(jobs["gone.pdf"], "running - w1 false");
  EXPECT_EQ(jobs["again.pdf"], "running - w1 false");
  EXPECT_EQ(
      std::string(tx.exec1("SELECT last_error FROM jobs WHERE path = 'broken.pdf'")[0].c_str()),
      "broken.pdf: truncated");
}

}  // namespace
}  // namespace pressarchive
