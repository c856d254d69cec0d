// The job queue of a PostgreSQL archive, through its interface, on a throwaway
// database: claims never overlap, leases run out and are taken over, attempts are
// counted and exhausted jobs are handed out for quarantine.
#include "stages/store/postgres/job_queue.h"

#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "../store_backends.h"
#include "stages/store/archive_store.h"

namespace pressarchive {
namespace {

using std::chrono::seconds;

Source source(const std::string& path, const std::string& sha) {
  Source s;
  s.path = path;
  s.sha256 = sha;
  s.size = 100;
  return s;
}

class JobQueueTest : public ::testing::Test {
 protected:
  void SetUp() override {
    PRESSARCHIVE_NEEDS_PG_SERVER();
    db_ = std::make_unique<testing::ScratchArchive>(testing::Backend::kPostgresql);
    // The store's migrations create the jobs table.
    Result<std::unique_ptr<ArchiveStore>> store = open_store(db_->location());
    ASSERT_TRUE(store.ok()) << store.error().message;
    store_ = std::move(*store);
    Result<std::unique_ptr<JobQueue>> queue = open_job_queue(db_->location());
    ASSERT_TRUE(queue.ok()) << queue.error().message;
    queue_ = std::move(*queue);
  }

  std::unique_ptr<testing::ScratchArchive> db_;
  std::unique_ptr<ArchiveStore> store_;
  std::unique_ptr<JobQueue> queue_;
};

TEST_F(JobQueueTest, EnqueueingTheSameSourceTwiceQueuesItOnce) {
  Result<EnqueueResult> first = queue_->enqueue({source("/a.pdf", "aa"), source("/b.pdf", "bb")});
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->added, 2);
  Result<EnqueueResult> again = queue_->enqueue({source("/a.pdf", "aa"), source("/a.pdf", "a2")});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->added, 1);  // same path, new content: a new job
  EXPECT_EQ(again->already_queued, 1);
  EXPECT_EQ(queue_->counts()->queued, 3);
}

TEST_F(JobQueueTest, NonUtf8PathsSurviveTheRoundTrip) {
  const std::string raw =
      std::string("/archiv/Pressemitteilung-") + char(0xE4) + ".pdf";  // latin-1 ä
  ASSERT_TRUE(queue_->enqueue({source(raw, "cc")}).ok());
  Result<std::vector<Job>> jobs = queue_->claim("w1", 10, seconds(30), 3);
  ASSERT_TRUE(jobs.ok());
  ASSERT_EQ(jobs->size(), 1u);
  EXPECT_EQ((*jobs)[0].path, raw);
}

TEST_F(JobQueueTest, ConcurrentClaimsNeverHandOutAJobTwice) {
  std::vector<Source> sources;
  for (int i = 0; i < 200; ++i)
    sources.push_back(source("/doc" + std::to_string(i) + ".pdf", "h" + std::to_string(i)));
  ASSERT_TRUE(queue_->enqueue(sources).ok());
  std::vector<std::vector<std::int64_t>> claimed(4);
  std::vector<std::thread> workers;
  for (int w = 0; w < 4; ++w) {
    workers.emplace_back([&, w] {
      std::unique_ptr<JobQueue> own = std::move(*open_job_queue(db_->location()));
      while (true) {
        Result<std::vector<Job>> jobs = own->claim("w" + std::to_string(w), 7, seconds(30), 3);
        if (!jobs.ok() || jobs->empty()) break;
        for (const Job& j : *jobs) claimed[w].push_back(j.id);
      }
    });
  }
  for (std::thread& t : workers) t.join();
  std::set<std::int64_t> all;
  std::size_t total = 0;
  for (const auto& ids : claimed) {
    total += ids.size();
    all.insert(ids.begin(), ids.end());
  }
  EXPECT_EQ(total, 200u);
  EXPECT_EQ(all.size(), 200u);
  EXPECT_EQ(queue_->counts()->running, 200);
}

TEST_F(JobQueueTest, AnExpiredLeaseIsTakenOverAndCountsAsAnAttempt) {
  ASSERT_TRUE(queue_->enqueue({source("/slow.pdf", "ss")}).ok());
  Result<std::vector<Job>> first = queue_->claim("dead", 10, seconds(1), 3);
  ASSERT_EQ(first->size(), 1u);
  EXPECT_EQ((*first)[0].attempts, 1);
  // While the lease lives, nobody else gets the job.
  EXPECT_TRUE(queue_->claim("alive", 10, seconds(30), 3)->empty());
  std::this_thread::sleep_for(std::chrono::milliseconds(1300));
  Result<std::vector<Job>> taken = queue_->claim("alive", 10, seconds(30), 3);
  ASSERT_EQ(taken->size(), 1u);
  EXPECT_EQ((*taken)[0].attempts, 2);
  // The dead worker's heartbeat (if it came back) no longer holds anything.
  EXPECT_EQ(*queue_->heartbeat("dead", seconds(30)), 0);
  EXPECT_EQ(*queue_->heartbeat("alive", seconds(30)), 1);
}

TEST_F(JobQueueTest, AHeartbeatKeepsTheLeaseAlive) {
  ASSERT_TRUE(queue_->enqueue({source("/long.pdf", "ll")}).ok());
  ASSERT_EQ(queue_->claim("w1", 10, seconds(1), 3)->size(), 1u);
  for (int i = 0; i < 3; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    ASSERT_EQ(*queue_->heartbeat("w1", seconds(1)), 1);
  }
  EXPECT_TRUE(queue_->claim("w2", 10, seconds(30), 3)->empty());
}

TEST_F(JobQueueTest, AJobOutOfAttemptsIsHandedOutForQuarantineNotForWork) {
  ASSERT_TRUE(queue_->enqueue({source("/bomb.pdf", "bb")}).ok());
  ASSERT_EQ(queue_->claim("w1", 10, seconds(1), 2)->size(), 1u);
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));
  ASSERT_EQ(queue_->claim("w2", 10, seconds(1), 2)->size(), 1u);
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));
  EXPECT_TRUE(queue_->claim("w3", 10, seconds(30), 2)->empty());
  Result<std::vector<Job>> abandoned = queue_->claim_abandoned("w3", seconds(30), 2);
  ASSERT_TRUE(abandoned.ok());
  ASSERT_EQ(abandoned->size(), 1u);
  EXPECT_EQ((*abandoned)[0].attempts, 2);
  // Another worker looking at the same moment does not get it too.
  EXPECT_TRUE(queue_->claim_abandoned("w4", seconds(30), 2)->empty());
}

TEST_F(JobQueueTest, ReleasedJobsGoBackWithoutUsingAnAttempt) {
  ASSERT_TRUE(queue_->enqueue({source("/x.pdf", "xx"), source("/y.pdf", "yy")}).ok());
  Result<std::vector<Job>> jobs = queue_->claim("w1", 10, seconds(30), 3);
  ASSERT_EQ(jobs->size(), 2u);
  ASSERT_TRUE(queue_->release("w1", {(*jobs)[1].id}).ok());
  EXPECT_EQ(*queue_->held_by("w1"), std::vector<std::int64_t>{(*jobs)[0].id});
  Result<std::vector<Job>> again = queue_->claim("w2", 10, seconds(30), 3);
  ASSERT_EQ(again->size(), 1u);
  EXPECT_EQ((*again)[0].id, (*jobs)[1].id);
  EXPECT_EQ((*again)[0].attempts, 1);
}

TEST_F(JobQueueTest, OnlyTheLeaseHolderCompletesAJob) {
  ASSERT_TRUE(queue_->enqueue({source("/z.pdf", "zz")}).ok());
  Result<std::vector<Job>> jobs = queue_->claim("w1", 10, seconds(30), 3);
  ASSERT_EQ(jobs->size(), 1u);
  ASSERT_TRUE(queue_->complete("intruder", {(*jobs)[0].id}, "known", "").ok());
  EXPECT_EQ(queue_->counts()->running, 1);
  ASSERT_TRUE(queue_->complete("w1", {(*jobs)[0].id}, "known", "").ok());
  EXPECT_EQ(queue_->counts()->done, 1);
  EXPECT_TRUE(queue_->held_by("w1")->empty());
}

}  // namespace
}  // namespace pressarchive
