// The work queue of a shared PostgreSQL archive: the `jobs` table that the PostgreSQL
// store creates next to the archive's tables. Sources are enqueued once; workers on any
// machine claim them with FOR UPDATE SKIP LOCKED, hold a lease that a heartbeat renews,
// and complete a job in the same transaction that stores its result (the store stage
// does that: every source carries its job, see ArchiveStore::act_as_worker). A worker that dies
// leaves a job whose lease runs out; the next claim takes it over, and a job that outlived
// `max_attempts` leases is quarantined as a failure instead of being tried forever.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "stages/core/model.h"
#include "stages/core/result.h"

namespace pressarchive {

struct Job {
  std::int64_t id = 0;
  std::string path;  // raw path bytes
  std::string sha256;
  std::int64_t size = 0;
  int attempts = 0;  // leases handed out so far, this one included
};

struct QueueCounts {
  std::int64_t queued = 0;
  std::int64_t running = 0;
  std::int64_t done = 0;
  std::int64_t quarantined = 0;
};

struct EnqueueResult {
  std::int64_t added = 0;
  std::int64_t already_queued = 0;  // same path and content enqueued before
};

class JobQueue {
 public:
  virtual ~JobQueue() = default;

  virtual Result<EnqueueResult> enqueue(const std::vector<Source>& sources) = 0;

  // Leases up to `max_jobs` jobs to `worker`: queued ones, and running ones whose lease
  // ran out while they had fewer than `max_attempts` attempts. Oldest first.
  virtual Result<std::vector<Job>> claim(const std::string& worker, int max_jobs,
                                         std::chrono::seconds lease, int max_attempts) = 0;
  // Leases to `worker` the jobs whose lease ran out on their last allowed attempt: the
  // worker records them as failures, which completes them (see act_as_worker). Taking
  // the lease first keeps the job from being lost if this worker dies in between.
  virtual Result<std::vector<Job>> claim_abandoned(const std::string& worker,
                                                   std::chrono::seconds lease,
                                                   int max_attempts) = 0;
  // Extends the lease of every job `worker` holds; returns how many it holds.
  virtual Result<std::int64_t> heartbeat(const std::string& worker, std::chrono::seconds lease) = 0;
  // Gives jobs back unstarted (the worker was asked to stop): queued again, and this
  // lease does not count as an attempt.
  virtual Status release(const std::string& worker, const std::vector<std::int64_t>& job_ids) = 0;
  // Completes jobs of `worker` that need no store write (the source was archived under
  // this path before, or failed before and is not retried).
  virtual Status complete(const std::string& worker, const std::vector<std::int64_t>& job_ids,
                          const std::string& outcome, const std::string& detail) = 0;
  // Marks jobs as quarantined once the failure recorded for them completed them.
  virtual Status quarantine(const std::vector<std::int64_t>& job_ids) = 0;
  // Every job `worker` holds now.
  virtual Result<std::vector<std::int64_t>> held_by(const std::string& worker) = 0;
  virtual Result<QueueCounts> counts() = 0;
};

// Opens the queue of the PostgreSQL archive at `uri` (postgresql://…). The store must
// have been opened once before, which creates the table.
Result<std::unique_ptr<JobQueue>> open_job_queue(const std::string& uri);

}  // namespace pressarchive
