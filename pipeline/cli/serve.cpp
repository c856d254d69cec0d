#include "pipeline/cli/serve.h"

#include <cstdlib>
#include <filesystem>
#include <ostream>

#include "pipeline/exit_codes.h"
#include "pipeline/report.h"
#include "stages/store/postgres/pg_store.h"
#include "stages/web/server.h"

namespace pressarchive {
namespace {

// Rendered page images: as configured, else beside an SQLite archive, else in the
// user's cache.
std::filesystem::path cache_dir_of(const Settings& settings) {
  if (!settings.web_cache_dir.empty()) return settings.web_cache_dir;
  if (!is_postgresql_location(settings.store)) return settings.store + ".pages";
  const char* home = std::getenv("HOME");
  return std::filesystem::path(home ? home : "/tmp") / ".cache" / "pressarchive" / "pages";
}

}  // namespace

int run_serve(const ServeRequest& request, std::ostream& out, std::ostream& err) {
  web::ServerOptions server;
  if (!web::parse_listen(request.settings.web_listen, server)) {
    return report_error(err, exit_code::kUsage, "--listen needs HOST:PORT, not '",
                        request.settings.web_listen, "'");
  }
  web::AppOptions options;
  options.store = request.settings.store;
  options.token = request.settings.web_token;
  options.read_only = request.read_only;
  options.cache_dir = cache_dir_of(request.settings);
  options.load = request.settings.load;
  options.exports.organisation = request.settings.export_organisation;
  options.exports.image_width = request.settings.export_image_width;
  options.exports.jpeg_quality = request.settings.export_jpeg_quality;
  options.exports.cache_bytes = static_cast<std::uintmax_t>(request.settings.web_export_cache_mb)
                                << 20;
  options.program = request.program;
  options.config_file = request.config_file;
  options.connections = server.threads;
  options.boilerplate = request.settings.learned_boilerplate;
  Result<std::unique_ptr<web::App>> app = web::App::open(options);
  if (!app.ok()) {
    return report_store_error(err, app.error());
  }
  const std::atomic<bool> never{false};
  Status s = web::serve(**app, server, request.stop ? *request.stop : never, [&](int port) {
    out << "pressarchive: serving " << redact_uri(options.store) << " at http://" << server.host
        << ":" << port << "/\n";
    if (request.read_only)
      out << "read-only: no change can be made through the page\n";
    else
      out << "access token for changes: " << (*app)->access().token() << "\n";
    out.flush();
  });
  if (!s.ok()) {
    return report_store_error(err, s.error());
  }
  return exit_code::kOk;
}

}  // namespace pressarchive
