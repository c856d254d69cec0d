#include "stages/store/postgres/job_queue.h"

#include <algorithm>
#include <pqxx/pqxx>
#include <sstream>

#include "stages/store/postgres/pg_store.h"

namespace pressarchive {
namespace {

// A PostgreSQL array literal of ids, for `= ANY($1::bigint[])`.
std::string id_array(const std::vector<std::int64_t>& ids) {
  std::ostringstream out;
  out << '{';
  for (std::size_t i = 0; i < ids.size(); ++i) out << (i ? "," : "") << ids[i];
  out << '}';
  return out.str();
}

std::vector<Job> jobs_of(const pqxx::result& rows) {
  std::vector<Job> jobs;
  for (const pqxx::row& row : rows) {
    Job job;
    job.id = row["id"].as<std::int64_t>();
    job.path = pqxx::binarystring(row["path"]).str();
    job.sha256 = row["sha256"].as<std::string>();
    job.size = row["size"].as<std::int64_t>();
    job.attempts = row["attempts"].as<int>();
    jobs.push_back(std::move(job));
  }
  return jobs;
}

Error queue_error(const std::exception& e) {
  return make_error(Reason::kIo, std::string("job queue: ") + e.what());
}

class PgJobQueue : public JobQueue {
 public:
  explicit PgJobQueue(const std::string& uri) : connection_(uri) {}

  Result<EnqueueResult> enqueue(const std::vector<Source>& sources) override {
    try {
      pqxx::work tx(connection_);
      EnqueueResult result;
      for (const Source& source : sources) {
        const pqxx::result r = tx.exec_params(
            "INSERT INTO jobs (path, sha256, size) VALUES ($1, $2, $3) ON CONFLICT (path, sha256) "
            "DO NOTHING",
            pqxx::binarystring(source.path.string()), source.sha256,
            static_cast<std::int64_t>(source.size));
        (r.affected_rows() > 0 ? result.added : result.already_queued) += 1;
      }
      tx.commit();
      return result;
    } catch (const std::exception& e) {
      return queue_error(e);
    }
  }

  Result<std::vector<Job>> claim(const std::string& worker, int max_jobs,
                                 std::chrono::seconds lease, int max_attempts) override {
    try {
      pqxx::work tx(connection_);
      // SKIP LOCKED: workers claiming at the same moment take different rows instead of
      // queueing behind each other's row locks.
      const pqxx::result rows = tx.exec_params(
          "UPDATE jobs SET state = 'running', attempts = attempts + 1, lease_owner = $1, "
          "  lease_expires = now() + make_interval(secs => $2), started_at = now() "
          "WHERE id IN (SELECT id FROM jobs "
          "  WHERE (state = 'queued' OR (state = 'running' AND lease_expires < now())) AND "
          "attempts < $3 "
          "  ORDER BY id LIMIT $4 FOR UPDATE SKIP LOCKED) "
          "RETURNING id, path, sha256, size, attempts",
          worker, static_cast<double>(lease.count()), max_attempts, max_jobs);
      tx.commit();
      std::vector<Job> jobs = jobs_of(rows);
      std::sort(jobs.begin(), jobs.end(), [](const Job& a, const Job& b) { return a.id < b.id; });
      return jobs;
    } catch (const std::exception& e) {
      return queue_error(e);
    }
  }

  Result<std::vector<Job>> claim_abandoned(const std::string& worker, std::chrono::seconds lease,
                                           int max_attempts) override {
    try {
      pqxx::work tx(connection_);
      const pqxx::result rows = tx.exec_params(
          "UPDATE jobs SET lease_owner = $1, lease_expires = now() + make_interval(secs => $2) "
          "WHERE id IN (SELECT id FROM jobs "
          "  WHERE state = 'running' AND lease_expires < now() AND attempts >= $3 "
          "  ORDER BY id FOR UPDATE SKIP LOCKED) "
          "RETURNING id, path, sha256, size, attempts",
          worker, static_cast<double>(lease.count()), max_attempts);
      tx.commit();
      return jobs_of(rows);
    } catch (const std::exception& e) {
      return queue_error(e);
    }
  }

  Result<std::int64_t> heartbeat(const std::string& worker, std::chrono::seconds lease) override {
    try {
      pqxx::work tx(connection_);
      const pqxx::result r = tx.exec_params(
          "UPDATE jobs SET lease_expires = now() + make_interval(secs => $2) "
          "WHERE lease_owner = $1 AND state = 'running'",
          worker, static_cast<double>(lease.count()));
      tx.commit();
      return static_cast<std::int64_t>(r.affected_rows());
    } catch (const std::exception& e) {
      return queue_error(e);
    }
  }

  Status release(const std::string& worker, const std::vector<std::int64_t>& job_ids) override {
    return run(
        "UPDATE jobs SET state = 'queued', attempts = greatest(attempts - 1, 0), lease_owner = "
        "NULL, "
        "  lease_expires = NULL, started_at = NULL "
        "WHERE lease_owner = $1 AND state = 'running' AND id = ANY($2::bigint[])",
        worker, id_array(job_ids));
  }

  Status complete(const std::string& worker, const std::vector<std::int64_t>& job_ids,
                  const std::string& outcome, const std::string& detail) override {
    try {
      pqxx::work tx(connection_);
      tx.exec_params(
          "UPDATE jobs SET state = 'done', outcome = $3, last_error = NULLIF($4, ''), finished_at "
          "= now(), "
          "  lease_owner = NULL, lease_expires = NULL "
          "WHERE lease_owner = $1 AND state = 'running' AND id = ANY($2::bigint[])",
          worker, id_array(job_ids), outcome, detail);
      tx.commit();
      return Status::Ok();
    } catch (const std::exception& e) {
      return queue_error(e);
    }
  }

  Status quarantine(const std::vector<std::int64_t>& job_ids) override {
    try {
      pqxx::work tx(connection_);
      tx.exec_params(
          "UPDATE jobs SET state = 'quarantined' WHERE state = 'done' AND id = ANY($1::bigint[])",
          id_array(job_ids));
      tx.commit();
      return Status::Ok();
    } catch (const std::exception& e) {
      return queue_error(e);
    }
  }

  Result<std::vector<std::int64_t>> held_by(const std::string& worker) override {
    try {
      pqxx::work tx(connection_);
      const pqxx::result rows = tx.exec_params(
          "SELECT id FROM jobs WHERE lease_owner = $1 AND state = 'running' ORDER BY id", worker);
      tx.commit();
      std::vector<std::int64_t> held;
      for (const pqxx::row& row : rows) held.push_back(row[0].as<std::int64_t>());
      return held;
    } catch (const std::exception& e) {
      return queue_error(e);
    }
  }

  Result<QueueCounts> counts() override {
    try {
      pqxx::work tx(connection_);
      const pqxx::result rows = tx.exec("SELECT state, count(*) FROM jobs GROUP BY state");
      tx.commit();
      QueueCounts counts;
      for (const pqxx::row& row : rows) {
        const std::string state = row[0].as<std::string>();
        const std::int64_t n = row[1].as<std::int64_t>();
        if (state == "queued")
          counts.queued = n;
        else if (state == "running")
          counts.running = n;
        else if (state == "done")
          counts.done = n;
        else if (state == "quarantined")
          counts.quarantined = n;
      }
      return counts;
    } catch (const std::exception& e) {
      return queue_error(e);
    }
  }

 private:
  Status run(const std::string& sql, const std::string& worker, const std::string& ids) {
    try {
      pqxx::work tx(connection_);
      tx.exec_params(sql, worker, ids);
      tx.commit();
      return Status::Ok();
    } catch (const std::exception& e) {
      return queue_error(e);
    }
  }

  pqxx::connection connection_;
};

}  // namespace

Result<std::unique_ptr<JobQueue>> open_job_queue(const std::string& uri) {
  try {
    return std::unique_ptr<JobQueue>(std::make_unique<PgJobQueue>(uri));
  } catch (const std::exception& e) {
    return make_error(Reason::kIo,
                      "cannot connect to the archive at " + redact_uri(uri) + ": " + e.what());
  }
}

}  // namespace pressarchive
