// `pressarchive enqueue` and `pressarchive worker`: many processes, on one machine or
// many, sharing one PostgreSQL archive and its job queue (stages/store/postgres/job_queue.h). A
// worker keeps one ingest graph for its life: the jobs it claims stream into it as files do
// for `pressarchive ingest`, and its store stage completes each job in the transaction that
// stores the job's result.
#pragma once

#include <atomic>
#include <filesystem>
#include <iosfwd>
#include <string>
#include <vector>

#include "pipeline/config.h"

namespace pressarchive {

// Records PATHs (files or folders) as jobs; returns the exit code.
int run_enqueue(const Config& config, const std::vector<std::filesystem::path>& paths,
                const std::string& command_line, std::ostream& out, std::ostream& err);

struct WorkerRequest {
  Config config;
  std::string command_line;
  std::string name;                         // lease owner; default host:pid
  bool until_empty = false;                 // exit once no job is queued or running
  const std::atomic<bool>* stop = nullptr;  // raised by SIGINT/SIGTERM
};

// Claims and processes jobs until stopped (or until the queue is empty with
// `until_empty`); returns the exit code.
int run_worker(const WorkerRequest& request, std::ostream& out, std::ostream& err);

}  // namespace pressarchive
