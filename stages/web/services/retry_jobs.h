// Retries of failed inputs started from the web page. Each retry is `pressarchive
// reprocess --failure ID...` in a child process, as an archivist would run it: the same
// code path as the command, and an OCR engine that crashes on a hostile file takes the
// child down, not the server. The child's output is kept as the retry's progress.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "stages/core/result.h"

namespace pressarchive::web {

struct RetryJob {
  int id = 0;
  std::vector<std::int64_t> failure_ids;
  bool running = true;
  int exit_code = -1;  // set when finished; pipeline/exit_codes.h (3: inputs failed again)
  std::string output;  // what the child printed, stdout and stderr interleaved
  double seconds = 0;  // so far, or in all
};

class RetryJobs {
 public:
  // `program`: the pressarchive binary; `store`, `config_file` ("" = none): passed on.
  RetryJobs(std::string program, std::string store, std::string config_file)
      : program_(std::move(program)),
        store_(std::move(store)),
        config_file_(std::move(config_file)) {}
  // Waits for running children.
  ~RetryJobs();
  RetryJobs(const RetryJobs&) = delete;
  RetryJobs& operator=(const RetryJobs&) = delete;

  // Starts a retry of `failure_ids`; its job id. One retry runs at a time (they share
  // the machine with the night's ingest): kUnsupported while another runs.
  Result<int> start(const std::vector<std::int64_t>& failure_ids);
  std::optional<RetryJob> job(int id) const;

 private:
  void follow(int id, int pipe_fd, pid_t pid);

  std::string program_, store_, config_file_;
  mutable std::mutex mutex_;
  std::map<int, RetryJob> jobs_;
  std::map<int, double> started_at_;  // steady-clock seconds
  std::vector<std::thread> followers_;
  int next_id_ = 1;
};

}  // namespace pressarchive::web
