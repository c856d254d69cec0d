// Serves an App over HTTP with cpp-httplib, the one file that includes its header.
#pragma once

#include <atomic>
#include <functional>
#include <string>

#include "stages/core/result.h"
#include "stages/web/app.h"

namespace pressarchive::web {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;  // 0: any free port (tests), reported to on_listening
  int threads = 4;  // request threads
};

// "127.0.0.1:8080", "localhost:0", ":8080" (host 127.0.0.1) into `options`; false for
// anything else.
bool parse_listen(const std::string& listen, ServerOptions& options);

// Serves `app` until `stop` is raised (checked every 100 ms). `on_listening` is called
// with the bound port once requests are accepted. A kIo error when the address cannot
// be bound.
Status serve(App& app, const ServerOptions& options, const std::atomic<bool>& stop,
             const std::function<void(int port)>& on_listening);

}  // namespace pressarchive::web
