// `pressarchive serve`: the archivist's web page (stages/web/) on one archive, until
// SIGINT or SIGTERM.
#pragma once

#include <atomic>
#include <iosfwd>
#include <string>

#include "pipeline/config.h"

namespace pressarchive {

struct ServeRequest {
  Settings settings;        // store, web.listen, web.token, web.cache_dir
  std::string config_file;  // passed on to retries ("" = none)
  bool read_only = false;
  std::string program;                      // this binary, for retries
  const std::atomic<bool>* stop = nullptr;  // raised by SIGINT/SIGTERM
};

// Returns the exit code: 0 after a clean stop, 2 for a bad --listen, 4 when the archive
// cannot be opened or the address cannot be bound.
int run_serve(const ServeRequest& request, std::ostream& out, std::ostream& err);

}  // namespace pressarchive
