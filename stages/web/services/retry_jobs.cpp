#include "stages/web/services/retry_jobs.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>

extern char** environ;

namespace pressarchive::web {
namespace {

double now_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// The most output kept per retry: a retry of thousands of failures prints a line each.
constexpr std::size_t kMaxOutput = 256 * 1024;

}  // namespace

RetryJobs::~RetryJobs() {
  for (std::thread& t : followers_) t.join();
}

Result<int> RetryJobs::start(const std::vector<std::int64_t>& failure_ids) {
  std::lock_guard lock(mutex_);
  for (const auto& [id, job] : jobs_)
    if (job.running)
      return make_error(Reason::kUnsupported, "retry " + std::to_string(id) + " is still running");
  std::vector<std::string> args = {program_, "reprocess", "--store", store_, "-q"};
  if (!config_file_.empty()) args.insert(args.end(), {"--config", config_file_});
  for (const std::int64_t id : failure_ids)
    args.insert(args.end(), {"--failure", std::to_string(id)});
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return make_error(Reason::kIo, "cannot start the retry: no pipe");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDERR_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, program_.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);
  if (rc != 0) {
    close(fds[0]);
    return make_error(Reason::kIo, "cannot start " + program_ + ": " + std::to_string(rc));
  }
  const int id = next_id_++;
  RetryJob& job = jobs_[id];
  job.id = id;
  job.failure_ids = failure_ids;
  started_at_[id] = now_seconds();
  followers_.emplace_back(&RetryJobs::follow, this, id, fds[0], pid);
  return id;
}

void RetryJobs::follow(int id, int pipe_fd, pid_t pid) {
  char buffer[4096];
  ssize_t n;
  while ((n = read(pipe_fd, buffer, sizeof buffer)) > 0 || (n < 0 && errno == EINTR)) {
    if (n <= 0) continue;
    std::lock_guard lock(mutex_);
    std::string& out = jobs_[id].output;
    if (out.size() < kMaxOutput) out.append(buffer, static_cast<std::size_t>(n));
  }
  close(pipe_fd);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  std::lock_guard lock(mutex_);
  RetryJob& job = jobs_[id];
  job.running = false;
  job.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  job.seconds = now_seconds() - started_at_[id];
}

std::optional<RetryJob> RetryJobs::job(int id) const {
  std::lock_guard lock(mutex_);
  const auto it = jobs_.find(id);
  if (it == jobs_.end()) return std::nullopt;
  RetryJob copy = it->second;
  if (copy.running) copy.seconds = now_seconds() - started_at_.at(id);
  return copy;
}

}  // namespace pressarchive::web
