#include "pipeline/worker.h"

#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <iomanip>
#include <iostream>
#include <list>
#include <mutex>
#include <thread>

#include "pipeline/exit_codes.h"
#include "pipeline/ingest.h"
#include "pipeline/report.h"
#include "pipeline/store_stage.h"
#include "pipeline/version.h"
#include "stages/ingest/discover.h"
#include "stages/near_dup/dedup.h"
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
  std::int64_t batches = 0;  // claimed from the queue
  std::int64_t jobs = 0;
  std::int64_t quarantined = 0;
  std::int64_t runs = 0;
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

// The settings of a queue command; exit_code::kOk, or the exit code after a message.
int queue_settings(const Config& config, Settings& settings, std::ostream& err) {
  Result<Settings> read = config.settings();
  if (!read.ok())
    return report_error(err, exit_code::kUsage, "configuration: ", read.error().message);
  if (!is_postgresql_location(read->store))
    return report_error(err, exit_code::kUsage,
                        "the job queue lives in a PostgreSQL archive: give --store "
                        "postgresql://user@host/db");
  settings = std::move(*read);
  return exit_code::kOk;
}

Result<std::int64_t> begin_worker_run(IngestSession& session, const WorkerRequest& request,
                                      const std::string& name) {
  return session.store->begin_run({agent_of(session.settings) + "; worker " + name,
                                   request.command_line, request.config.effective_toml(),
                                   provenance_json(session.settings)});
}

// The jobs a worker claims, as the stream of documents of its one graph. A batch is
// claimed when the graph asks for more and none is left, and planned as ingest plans
// files: a byte-identical copy of an archived source is linked, a source archived or
// failed before is completed at once, the rest go to the graph, each carrying its job
// (Source::job_id), which the store stage completes when it stores the outcome. While
// the queue is empty the feed waits. Every `[queue] refresh_seconds` it reads again what
// the archive taught and starts the worker's next run, so `status` shows the worker's
// work as runs with their counts.
class JobFeed final : public WorkSource {
 public:
  JobFeed(IngestSession& session, JobQueue& queue, StoreStage& stage, const WorkerRequest& request,
          std::string name, ProgressCounters& counters, WorkerTotals& totals, std::ostream& out,
          std::ostream& err)
      : session_(session),
        settings_(session.settings),
        queue_(queue),
        stage_(stage),
        request_(request),
        name_(std::move(name)),
        counters_(counters),
        totals_(totals),
        out_(out),
        err_(err),
        lease_(settings_.queue_lease_seconds),
        batch_size_(settings_.queue_batch > 0 ? settings_.queue_batch
                                              : std::max(8, 2 * settings_.jobs)),
        run_started_(std::chrono::steady_clock::now()) {}

  int batch_size() const { return batch_size_; }
  bool queue_failed() const { return queue_failed_; }

  const WorkItem* next() override {
    while (ready_.empty()) {
      if (stopped() || !claim_more()) return nullptr;
    }
    std::lock_guard lock(mutex_);
    given_.push_back(std::move(ready_.front()));
    ready_.pop_front();
    return &given_.back();
  }
  bool may_wait() const override { return true; }
  void finished(const WorkItem* item) override {
    {
      std::lock_guard lock(mutex_);
      given_.remove_if([item](const WorkItem& w) { return &w == item; });
    }
    stored_.notify_all();
  }
  std::size_t stop_taking() override {
    // Claimed but not started: back to the queue for the next worker. Should the release
    // fail, the leases run out and the jobs are taken up all the same.
    std::vector<std::int64_t> ids;
    for (const WorkItem& item : ready_) {
      ids.push_back(item.source.job_id);
      for (const Source& copy : item.copies) ids.push_back(copy.job_id);
    }
    if (!ids.empty()) static_cast<void>(queue_.release(name_, ids));
    RunSummary released;
    released.inputs = -static_cast<std::int64_t>(ids.size());
    stage_.add(released);
    return std::exchange(ready_, {}).size();
  }

  // Ends the current run with its counts (at the end, or to start the next one).
  void finish_run() {
    const RunSummary counts = stage_.summary();
    finish(stage_.run_id(), counts);
  }

 private:
  bool stopped() const {
    return stage_.refused() || queue_failed_ || (request_.stop && request_.stop->load());
  }

  // Claims and plans the next batch; false when there will be none (stopped, or the
  // queue is empty and the worker works until empty).
  bool claim_more() {
    while (!stopped()) {
      if (refresh_due()) refresh();
      Result<std::vector<Job>> jobs = std::vector<Job>{};
      {
        Stopwatch waiting(totals_.database_seconds);
        quarantine_abandoned();
        jobs = queue_.claim(name_, batch_size_, lease_, settings_.queue_max_attempts);
      }
      if (!jobs.ok()) {
        report(err_, jobs.error().message);
        queue_failed_ = true;
        return false;
      }
      if (!jobs->empty()) {
        plan(*jobs);
        return true;
      }
      Result<QueueCounts> counts = queue_.counts();
      if (request_.until_empty && counts.ok() && counts->queued == 0 && counts->running == 0)
        return false;
      Stopwatch idle(totals_.idle_seconds);
      wait_for_work();
    }
    return false;
  }

  // Until the poll interval is over, or sooner when one of this worker's documents is
  // stored (its jobs were among the running ones another claim may wait for).
  void wait_for_work() {
    const auto until =
        std::chrono::steady_clock::now() + std::chrono::seconds(settings_.queue_poll_seconds);
    std::unique_lock lock(mutex_);
    const std::size_t in_graph = given_.size();
    while (std::chrono::steady_clock::now() < until && !stopped() && given_.size() == in_graph)
      stored_.wait_for(lock, std::chrono::milliseconds(100));
  }

  // Jobs whose lease ran out on their last attempt: each worker that took them stopped
  // before finishing, so the file probably kills the process (a crash, the OOM killer)
  // or a machine died each time. Recorded as a failure the archivist can retry.
  void quarantine_abandoned() {
    Result<std::vector<Job>> abandoned =
        queue_.claim_abandoned(name_, lease_, settings_.queue_max_attempts);
    if (!abandoned.ok() || abandoned->empty()) return;
    std::vector<std::int64_t> ids;
    for (const Job& job : *abandoned) {
      Failure failure;
      failure.source_path = job.path;
      failure.sha256 = job.sha256;
      failure.job_id = job.id;
      failure.stage = "worker";
      failure.reason = Reason::kInternal;
      failure.message =
          job.path + ": quarantined after " + std::to_string(job.attempts) +
          " attempts: every worker that took it stopped before finishing (killed, crashed or "
          "its machine lost). Check the file, then `pressarchive reprocess --failed`.";
      failure.attempt = job.attempts;
      if (stage_.record_failure(failure)) ids.push_back(job.id);
    }
    RunSummary counted;
    counted.inputs = static_cast<std::int64_t>(abandoned->size());
    stage_.add(counted);
    if (queue_.quarantine(ids).ok()) totals_.quarantined += static_cast<std::int64_t>(ids.size());
  }

  void plan(const std::vector<Job>& jobs) {
    ++totals_.batches;
    totals_.jobs += static_cast<std::int64_t>(jobs.size());
    RunSummary counted;
    std::vector<Source> sources;
    for (const Job& job : jobs) {
      Discovery found = discover_sources({job.path});
      for (Failure& f : found.unreadable) {
        f.job_id = job.id;
        stage_.record_failure(f);
      }
      for (Source& source : found.sources) {
        source.job_id = job.id;
        sources.push_back(std::move(source));
      }
      counted.inputs += static_cast<std::int64_t>(found.unreadable.size() + found.sources.size());
      if (found.unreadable.empty() && found.sources.empty())
        complete({job.id}, "failed", job.path + ": no longer a file to ingest");
    }
    IngestPlan planned;
    {
      Stopwatch waiting(totals_.database_seconds);
      ArchiveStore& store = *session_.store;
      planned = plan_ingest(
          sources,
          [&store](const std::string& sha, const std::string& path) {
            return store.lookup(sha, path);
          },
          settings_.retry_failed);
    }
    for (const auto& [source, record_id] : planned.links) stage_.link(source, record_id);
    for (const Source& source : planned.already_archived) complete({source.job_id}, "known", "");
    for (const Source& source : planned.failed_before)
      complete({source.job_id}, "failed",
               source.path.string() + ": failed before and not retried; see `pressarchive failed`");
    counted.skipped_known = static_cast<std::int64_t>(planned.already_archived.size());
    counted.skipped_failed = static_cast<std::int64_t>(planned.failed_before.size());
    stage_.add(counted);
    counters_.documents_total += static_cast<std::int64_t>(planned.work.size());
    for (WorkItem& item : planned.work) ready_.push_back(std::move(item));
    out_ << "batch " << totals_.batches << ": claimed " << jobs.size() << " jobs ("
         << planned.work.size() << " to read)\n"
         << std::flush;
  }

  // A completion that does not go through leaves the job held: its lease runs out and
  // another worker takes it up, so nothing is lost by going on.
  void complete(const std::vector<std::int64_t>& ids, const std::string& outcome,
                const std::string& detail) {
    Stopwatch waiting(totals_.database_seconds);
    static_cast<void>(queue_.complete(name_, ids, outcome, detail));
  }

  bool refresh_due() const {
    return std::chrono::steady_clock::now() - session_.knowledge_read_at >=
           std::chrono::seconds(settings_.queue_refresh_seconds);
  }

  // Reads again what the archive taught (documents already started keep the extractor
  // they got) and starts the worker's next run.
  void refresh() {
    Stopwatch reading(totals_.database_seconds);
    if (Status read = refresh_knowledge(session_); !read.ok()) {
      // The knowledge read before stays in use; the next claim tries again.
      report(err_, read.error().message);
      session_.knowledge_read_at = std::chrono::steady_clock::now();
    }
    Result<std::int64_t> next_run = begin_worker_run(session_, request_, name_);
    if (!next_run.ok()) {
      stage_.check(next_run.error());
      return;
    }
    const std::int64_t ended_run = stage_.run_id();
    finish(ended_run, stage_.start_next_run(*next_run));
  }

  void finish(std::int64_t run_id, RunSummary counts) {
    counts.pages_ocr = counters_.pages_ocr - pages_before_.pages_ocr;
    counts.pages_text_layer = counters_.pages_text_layer - pages_before_.pages_text_layer;
    counts.pages_failed = counters_.pages_failed - pages_before_.pages_failed;
    pages_before_.pages_ocr = counters_.pages_ocr;
    pages_before_.pages_text_layer = counters_.pages_text_layer;
    pages_before_.pages_failed = counters_.pages_failed;
    const auto now = std::chrono::steady_clock::now();
    counts.seconds = std::chrono::duration<double>(now - run_started_).count();
    run_started_ = now;
    const bool stopped_early = request_.stop && request_.stop->load();
    counts.exit_code = exit_code_of(counts, stage_.refused(), stopped_early ? 1 : 0);
    ++totals_.runs;
    Stopwatch waiting(totals_.database_seconds);
    stage_.check(session_.store->finish_run(run_id, counts));
  }

  IngestSession& session_;
  const Settings& settings_;
  JobQueue& queue_;
  StoreStage& stage_;
  const WorkerRequest& request_;
  std::string name_;
  ProgressCounters& counters_;
  WorkerTotals& totals_;
  std::ostream& out_;
  std::ostream& err_;
  std::chrono::seconds lease_;
  int batch_size_;
  std::chrono::steady_clock::time_point run_started_;
  RunSummary pages_before_;
  bool queue_failed_ = false;
  std::deque<WorkItem> ready_;  // claimed and planned, not given to the graph yet
  std::mutex mutex_;            // guards given_: next() and finished() run on other threads
  std::condition_variable stored_;
  std::list<WorkItem> given_;  // in the graph until the store stage is done with them
};

}  // namespace

int run_enqueue(const Config& config, const std::vector<std::filesystem::path>& paths,
                const std::string& command_line, std::ostream& out, std::ostream& err) {
  Settings settings;
  if (const int code = queue_settings(config, settings, err); code != exit_code::kOk) return code;
  // Opening the store applies its migrations, which create the jobs table.
  Result<std::unique_ptr<ArchiveStore>> store = open_store(settings.store);
  if (!store.ok()) {
    return report_error(err, exit_code::kStoreError, store.error().message);
  }
  Result<std::unique_ptr<JobQueue>> queue = open_job_queue(settings.store);
  if (!queue.ok()) {
    return report_error(err, exit_code::kStoreError, queue.error().message);
  }
  const Discovery discovery = discover_sources(paths);
  Result<EnqueueResult> added = (*queue)->enqueue(discovery.sources);
  if (!added.ok()) {
    return report_error(err, exit_code::kStoreError, added.error().message);
  }
  if (!discovery.unreadable.empty()) {
    Result<std::int64_t> run =
        (*store)->begin_run({"pressarchive " + std::string(kVersion) + " enqueue", command_line,
                             config.effective_toml(), "{}"});
    if (!run.ok()) {
      return report_error(err, exit_code::kStoreError, run.error().message);
    }
    for (const Failure& f : discovery.unreadable) {
      err << "failed: " << f.message << "\n";
      if (Status s = (*store)->record_failure(f, *run); !s.ok()) {
        return report_error(err, exit_code::kStoreError, s.error().message);
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
  Settings settings;
  if (const int code = queue_settings(request.config, settings, err); code != exit_code::kOk)
    return code;
  const std::string name = request.name.empty() ? default_worker_name() : request.name;
  // Opened once for the worker's life: the archive, the rules and what the archive taught
  // (read again every queue.refresh_seconds), and the OCR engines, one per thread.
  IngestSession session;
  if (const int opened = open_ingest_session(request.config, name, session, err);
      opened != exit_code::kOk)
    return opened;
  Result<std::unique_ptr<JobQueue>> queue = open_job_queue(settings.store);
  Result<std::unique_ptr<JobQueue>> heartbeat_queue = open_job_queue(settings.store);
  if (!queue.ok() || !heartbeat_queue.ok()) {
    return report_error(err, exit_code::kStoreError,
                        (queue.ok() ? heartbeat_queue.error() : queue.error()).message);
  }
  if (Status resigned = resign_older_records(session, err); !resigned.ok()) {
    return report_error(err, exit_code::kStoreError, resigned.error().message);
  }
  Result<std::int64_t> run = begin_worker_run(session, request, name);
  if (!run.ok()) {
    return report_error(err, exit_code::kStoreError, run.error().message);
  }
  LeaseKeeper keeper(std::move(*heartbeat_queue), name,
                     std::chrono::seconds(settings.queue_lease_seconds));

  const auto start = std::chrono::steady_clock::now();
  WorkerTotals totals;
  totals.database_seconds = std::exchange(session.archive_seconds, 0);
  StoreStage stage(*session.store, session.settings, *run, err, /*clear_progress_line=*/false);
  ProgressCounters counters;
  JobFeed feed(session, **queue, stage, request, name, counters, totals, out, err);
  out << "pressarchive worker " << name << " on " << settings.store << " (" << settings.jobs
      << " jobs, batches of " << feed.batch_size() << ", lease " << settings.queue_lease_seconds
      << " s)\n"
      << std::flush;
  // One graph for the worker's life: claimed jobs stream into it as files do for ingest.
  const std::size_t not_started = run_documents(session, feed, stage, request.stop, counters);
  feed.finish_run();
  // Jobs still held once the graph is done were not stored (the archive refused a write,
  // or the worker was stopped): back to the queue.
  if (Result<std::vector<std::int64_t>> held = (*queue)->held_by(name); held.ok() && !held->empty())
    static_cast<void>((*queue)->release(name, *held));
  totals.database_seconds += counters.stage_micros[ProgressCounters::kStore] / 1e6;

  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  RunSummary all = stage.total();
  out << "\npressarchive worker " << name << "\n"
      << "  batches           " << totals.batches << "  (claimed from the queue)\n"
      << "  jobs              " << totals.jobs << "\n"
      << "  archived          " << all.archived << "\n"
      << "  duplicates        " << all.duplicates << "\n"
      << "  failed            " << all.failed << "\n"
      << "  quarantined       " << totals.quarantined << "\n"
      << "  pages             " << counters.pages_ocr + counters.pages_text_layer << "\n"
      << "  runs              " << totals.runs << "  (one per " << settings.queue_refresh_seconds
      << " s of work; `pressarchive status` lists them)\n"
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
  if (stage.refused() || feed.queue_failed()) return exit_code::kStoreError;
  if (not_started > 0 || (request.stop && request.stop->load())) return exit_code::kInterrupted;
  return all.failed > 0 ? exit_code::kCompletedWithFailures : exit_code::kOk;
}

}  // namespace pressarchive
