// The pressarchive binary as a child process, for tests that kill it, race several of
// it, or need its exit code and output as a user sees them.
#pragma once

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace pressarchive::testing {

// Starts `pressarchive ARGS...`; its output goes to the end of `log` (discarded when
// empty). `in_child` runs in the child before the exec (environment, limits).
inline pid_t start_pressarchive(const std::vector<std::string>& args,
                                const std::filesystem::path& log = {},
                                const std::function<void()>& in_child = {}) {
  const pid_t pid = fork();
  if (pid == 0) {
    if (in_child) in_child();
    const int out = log.empty() ? open("/dev/null", O_WRONLY)
                                : open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    dup2(out, STDOUT_FILENO);
    dup2(out, STDERR_FILENO);
    std::vector<char*> argv{const_cast<char*>(PRESSARCHIVE_BINARY)};
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(PRESSARCHIVE_BINARY, argv.data());
    _exit(127);
  }
  return pid;
}

// The child's exit code, or 128 + the signal that ended it (as a shell reports it).
inline int wait_for(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return WEXITSTATUS(status);
}

}  // namespace pressarchive::testing
