#include "pipeline/worker.h"

#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <iomanip>
#include <iostream>
#include <mutex>
#include <sstream>
#include <thread>

#include "pipeline/exit_codes.h"
#include "pipeline/ingest.h"
#include "pipeline/version.h"
#include "stages/ingest/discover.h"
#include "stages/store/archive_store.h"
#include "stages/store/postgres/job_queue.h"
#include "stages/store/postgres/pg_store.h"

namespace pressarchive {
namespace {

std::string default_worker_name() {
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  return std::string(host[0] ? host : "worker") + ":" + std::to_string(getpid());
}

// Renews the leases of this worker's jobs on its own connection, so that a long OCR
// batch never looks like a dead worker. Stops with the worker.
class LeaseKeeper {
 public:
  LeaseKeeper(std::unique_ptr<JobQueue> queue, std::string worker, std::chrono::seconds lease)
      : queue_(std::move(queue)),
        worker_(std::move(worker)),
        lease_(lease),
        thread_([this] { loop(); }) {}
  ~LeaseKeeper() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      done_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }

 private:
  void loop() {
    // A third of the lease: two heartbeats may be missed (a slow database, a paused VM)
    // before another worker takes the jobs over.
    const auto period = std::max(std::chrono::seconds(1), lease_ / 3);
    std::unique_lock<std::mutex> lock(mutex_);
    while (!wake_.wait_for(lock, period, [this] { return done_; })) {
      if (Result<std::int64_t> held = queue_->heartbeat(worker_, lease_); !held.ok())
        std::cerr << "pressarchive worker " << worker_ << ": heartbeat: " << held.error().message
                  << "\n";
    }
  }

  std::unique_ptr<JobQueue> queue_;
  std::string worker_;
  std::chrono::seconds lease_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool done_ = false;
  std::thread thread_;
};

struct WorkerTotals {
  std::int64_t batches = 0;
  std::int64_t jobs = 0;
  std::int64_t archived = 0;
  std::int64_t duplicates = 0;
  std::int64_t failed = 0;
  std::int64_t quarantined = 0;
  std::int64_t pages = 0;
  double database_seconds = 0;  // in queue calls, opening the store and the store stage
  double idle_seconds = 0;      // waiting for jobs to be queued or for other workers to finish
};

// Adds the wall time of its scope to `seconds`.
class Stopwatch {
 public:
  explicit Stopwatch(double& seconds)
      : seconds_(seconds), start_(std::chrono::steady_clock::now()) {}
  ~Stopwatch() {
    seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }

 private:
  double& seconds_;
  std::chrono::steady_clock::time_point start_;
};

Settings settings_or_exit(const Config& config, std::ostream& err, int& code) {
  Result<Settings> settings = config.settings();
  if (!settings.ok()) {
    err << "pressarchive: configuration: " << settings.error().message << "\n";
    code = exit_code::kUsage;
    return {};
  }
  if (!is_postgresql_location(settings->store)) {
    err << "pressarchive: the job queue lives in a PostgreSQL archive: give --store "
           "postgresql://user@host/db\n";
    code = exit_code::kUsage;
    return {};
  }
  code = exit_code::kOk;
  return *settings;
}

// Jobs whose lease ran out on their last attempt: each worker that took them stopped
// before finishing, so the file probably kills the process (a crash, the OOM killer)
// or a machine died each time. Recorded as a failure the archivist can retry.
void quarantine_abandoned(JobQueue& queue, ArchiveStore& store, std::int64_t& run_id,
                          const WorkerRequest& request, const Settings& settings,
                          const std::string& name, WorkerTotals& totals, std::ostream& err) {
  const std::chrono::seconds lease(settings.queue_lease_seconds);
  Result<std::vector<Job>> abandoned =
      queue.claim_abandoned(name, lease, settings.queue_max_attempts);
  if (!abandoned.ok() || abandoned->empty()) return;
  if (run_id == 0) {
    Result<std::int64_t> run =
        store.begin_run({"pressarchive " + std::string(kVersion) + " worker " + name,
                         request.command_line, request.config.effective_toml(), "{}"});
    if (!run.ok()) return;
    run_id = *run;
  }
  std::vector<std::int64_t> ids;
  for (const Job& job : *abandoned) {
    Failure failure;
    failure.source_path = job.path;
    failure.sha256 = job.sha256;
    failure.stage = "worker";
    failure.reason = Reason::kInternal;
    failure.message =
        job.path + ": quarantined after " + std::to_string(job.attempts) +
        " attempts: every worker that took it stopped before finishing (killed, crashed or its "
        "machine lost). Check the file, then `pressarchive reprocess --failed`.";
    failure.attempt = job.attempts;
    if (store.record_failure(failure, run_id).ok()) {
      ids.push_back(job.id);
      err << "failed: " << failure.message << "\n";
    }
  }
  if (queue.quarantine(ids).ok()) totals.quarantined += static_cast<std::int64_t>(ids.size());
}

// Completes the jobs that no store transaction completed: the source was already
// archived under the same path (nothing to store), or it could not be read or had other
// content than when it was enqueued (the failure or the new record is stored under what
// the worker found).
void complete_leftovers(JobQueue& queue, ArchiveStore& store, const std::string& name,
                        const std::vector<Job>& jobs) {
  std::vector<std::int64_t> ids;
  for (const Job& job : jobs) ids.push_back(job.id);
  Result<std::vector<std::int64_t>> held = queue.still_held(name, ids);
  if (!held.ok()) return;
  for (std::int64_t id : *held) {
    const auto job =
        std::find_if(jobs.begin(), jobs.end(), [id](const Job& j) { return j.id == id; });
    const KnownContent known = store.lookup(job->sha256, job->path);
    // A completion that does not go through leaves the job held: its lease runs out and
    // another worker takes it up, so nothing is lost by going on.
    Status done = Status::Ok();
    if (known.record_id && known.path_known)
      done = queue.complete(name, {id}, "known", "");
    else if (known.failed_before)
      done =
          queue.complete(name, {id}, "failed",
                         job->path + ": failed before and not retried; see `pressarchive failed`");
    else
      done = queue.complete(
          name, {id}, "failed",
          job->path + ": unreadable or changed since it was enqueued; see `pressarchive failed`");
    static_cast<void>(done);
  }
}

void sleep_unless_stopped(const std::atomic<bool>* stop, int seconds) {
  for (int i = 0; i < seconds * 10 && !(stop && stop->load()); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
}

}  // namespace

int run_enqueue(const Config& config, const std::vector<std::filesystem::path>& paths,
                const std::string& command_line, std::ostream& out, std::ostream& err) {
  int code = 0;
  const Settings settings = settings_or_exit(config, err, code);
  if (code != exit_code::kOk) return code;
  // Opening the store applies its migrations, which create the jobs table.
  Result<std::unique_ptr<ArchiveStore>> store = open_store(settings.store);
  if (!store.ok()) {
    err << "pressarchive: " << store.error().message << "\n";
    return exit_code::kStoreError;
  }
  Result<std::unique_ptr<JobQueue>> queue = open_job_queue(settings.store);
  if (!queue.ok()) {
    err << "pressarchive: " << queue.error().message << "\n";
    return exit_code::kStoreError;
  }
  const Discovery discovery = discover_sources(paths);
  Result<EnqueueResult> added = (*queue)->enqueue(discovery.sources);
  if (!added.ok()) {
    err << "pressarchive: " << added.error().message << "\n";
    return exit_code::kStoreError;
  }
  if (!discovery.unreadable.empty()) {
    Result<std::int64_t> run =
        (*store)->begin_run({"pressarchive " + std::string(kVersion) + " enqueue", command_line,
                             config.effective_toml(), "{}"});
    if (!run.ok()) {
      err << "pressarchive: " << run.error().message << "\n";
      return exit_code::kStoreError;
    }
    for (const Failure& f : discovery.unreadable) {
      err << "failed: " << f.message << "\n";
      if (Status s = (*store)->record_failure(f, *run); !s.ok()) {
        err << "pressarchive: " << s.error().message << "\n";
        return exit_code::kStoreError;
      }
    }
    RunSummary summary;
    summary.inputs = static_cast<std::int64_t>(discovery.unreadable.size());
    summary.failed = summary.inputs;
    summary.exit_code = exit_code::kCompletedWithFailures;
    static_cast<void>((*store)->finish_run(*run, summary));  // the failures are stored; see above
  }
  out << "enqueued " << added->added << " sources into " << settings.store;
  if (added->already_queued > 0) out << " (" << added->already_queued << " were queued before)";
  if (!discovery.unreadable.empty())
    out << "; " << discovery.unreadable.size() << " unreadable, recorded as failures";
  out << "\n";
  return discovery.unreadable.empty() ? exit_code::kOk : exit_code::kCompletedWithFailures;
}

int run_worker(const WorkerRequest& request, std::ostream& out, std::ostream& err) {
  int code = 0;
  const Settings settings = settings_or_exit(request.config, err, code);
  if (code != exit_code::kOk) return code;
  const std::string name = request.name.empty() ? default_worker_name() : request.name;
  // Opened once for the worker's life: the archive, the rules and what the archive taught
  // (read again every queue.refresh_seconds), and the OCR engines, one per thread.
  IngestSession session;
  if (const int opened = open_ingest_session(request.config, name, session, err);
      opened != exit_code::kOk)
    return opened;
  ArchiveStore& store = *session.store;
  Result<std::unique_ptr<JobQueue>> queue_or = open_job_queue(settings.store);
  Result<std::unique_ptr<JobQueue>> heartbeat_queue = open_job_queue(settings.store);
  if (!queue_or.ok() || !heartbeat_queue.ok()) {
    err << "pressarchive: " << (queue_or.ok() ? heartbeat_queue.error() : queue_or.error()).message
        << "\n";
    return exit_code::kStoreError;
  }
  JobQueue& queue = **queue_or;
  const std::chrono::seconds lease(settings.queue_lease_seconds);
  LeaseKeeper keeper(std::move(*heartbeat_queue), name, lease);
  // Each batch is one ingest run (its run row, its plan, its summary) on the session: at
  // least 8 jobs, so that a run's fixed cost is spread.
  const int batch_size =
      settings.queue_batch > 0 ? settings.queue_batch : std::max(8, 2 * settings.jobs);

  out << "pressarchive worker " << name << " on " << settings.store << " (" << settings.jobs
      << " jobs, batches of " << batch_size << ", lease " << settings.queue_lease_seconds
      << " s)\n";
  const auto start = std::chrono::steady_clock::now();
  WorkerTotals totals;
  totals.database_seconds = std::exchange(session.archive_seconds, 0);
  std::int64_t quarantine_run = 0;
  bool store_failed = false;
  while (!(request.stop && request.stop->load())) {
    Result<std::vector<Job>> jobs = std::vector<Job>{};
    {
      Stopwatch waiting(totals.database_seconds);
      quarantine_abandoned(queue, store, quarantine_run, request, settings, name, totals, err);
      jobs = queue.claim(name, batch_size, lease, settings.queue_max_attempts);
    }
    if (!jobs.ok()) {
      err << "pressarchive: " << jobs.error().message << "\n";
      store_failed = true;
      break;
    }
    if (jobs->empty()) {
      Result<QueueCounts> counts = queue.counts();
      if (request.until_empty && counts.ok() && counts->queued == 0 && counts->running == 0) break;
      Stopwatch idle(totals.idle_seconds);
      sleep_unless_stopped(request.stop, settings.queue_poll_seconds);
      continue;
    }

    if (std::chrono::steady_clock::now() - session.knowledge_read_at >=
        std::chrono::seconds(settings.queue_refresh_seconds)) {
      Stopwatch reading(totals.database_seconds);
      if (Status read = refresh_knowledge(session); !read.ok()) {
        // The knowledge read before stays in use; the next batch tries again.
        err << "pressarchive: " << read.error().message << "\n";
      }
    }
    IngestRequest batch;
    batch.config = request.config;
    batch.command_line = request.command_line;
    batch.show_progress = false;
    batch.stop = request.stop;
    batch.worker = name;
    RunSummary summary;
    batch.summary = &summary;
    for (const Job& job : *jobs) batch.paths.emplace_back(job.path);
    std::ostringstream batch_out;
    const int batch_code = run_ingest_in(session, batch, batch_out, err);

    totals.database_seconds += summary.store_seconds;
    Stopwatch waiting(totals.database_seconds);
    std::vector<std::int64_t> ids;
    for (const Job& job : *jobs) ids.push_back(job.id);
    if (batch_code == exit_code::kInterrupted) {
      // Jobs this batch did not finish go back to the queue for the next worker.
      // Should the release fail, the leases run out and the jobs are taken up all the same.
      if (Result<std::vector<std::int64_t>> held = queue.still_held(name, ids); held.ok())
        static_cast<void>(queue.release(name, *held));
    } else {
      complete_leftovers(queue, store, name, *jobs);
    }
    if (batch_code == exit_code::kStoreError) store_failed = true;
    ++totals.batches;
    totals.jobs += static_cast<std::int64_t>(jobs->size());
    totals.archived += summary.archived;
    totals.duplicates += summary.duplicates;
    totals.failed += summary.failed;
    totals.pages += summary.pages_ocr + summary.pages_text_layer;
    out << "batch " << totals.batches << ": " << jobs->size() << " jobs, " << summary.archived
        << " archived, " << summary.duplicates << " duplicates, " << summary.failed << " failed ("
        << std::fixed << std::setprecision(1) << summary.seconds << " s)\n";
    if (store_failed || batch_code == exit_code::kInterrupted ||
        batch_code == exit_code::kMissingDependency || batch_code == exit_code::kUsage)
      return batch_code;
  }
  if (quarantine_run != 0) {
    RunSummary q;
    q.inputs = q.failed = totals.quarantined;
    q.exit_code = exit_code::kCompletedWithFailures;
    // The quarantined jobs' failures are stored already; a run left unfinished only
    // shows as such in `status`.
    static_cast<void>(store.finish_run(quarantine_run, q));
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  out << "\npressarchive worker " << name << "\n"
      << "  batches           " << totals.batches << "\n"
      << "  jobs              " << totals.jobs << "\n"
      << "  archived          " << totals.archived << "\n"
      << "  duplicates        " << totals.duplicates << "\n"
      << "  failed            " << totals.failed << "\n"
      << "  quarantined       " << totals.quarantined << "\n"
      << "  OCR engines       " << session.engines->made()
      << "  (built once, used by every batch)\n"
      << "  wall time         " << std::fixed << std::setprecision(1) << seconds << " s";
  if (seconds > 0) out << "  (" << std::setprecision(2) << totals.jobs / seconds << " jobs/s)";
  out << "\n  idle              " << std::setprecision(1) << totals.idle_seconds
      << " s  (no job to claim)";
  const double busy = seconds - totals.idle_seconds;
  out << "\n  database          " << std::setprecision(1) << totals.database_seconds << " s";
  if (busy > 0)
    out << "  (" << std::setprecision(0) << 100 * totals.database_seconds / busy
        << " % of the busy time)";
  out << "\n";
  if (store_failed) return exit_code::kStoreError;
  if (request.stop && request.stop->load()) return exit_code::kInterrupted;
  return totals.failed + totals.quarantined > 0 ? exit_code::kCompletedWithFailures
                                                : exit_code::kOk;
}

}  // namespace pressarchive
