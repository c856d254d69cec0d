#include "stages/web/app.h"

#include <exception>

#include "stages/web/html.h"

namespace pressarchive::web {
namespace {

// "/record/12/page/3.jpg" -> {"record", "12", "page", "3.jpg"}; an empty segment (a
// doubled or trailing slash) makes the path unknown.
std::optional<std::vector<std::string>> segments(const std::string& path) {
  std::vector<std::string> out;
  if (path.empty() || path[0] != '/') return std::nullopt;
  if (path == "/") return out;
  std::size_t from = 1;
  for (;;) {
    const std::size_t slash = path.find('/', from);
    std::string part =
        path.substr(from, slash == std::string::npos ? std::string::npos : slash - from);
    if (part.empty()) return std::nullopt;
    out.push_back(std::move(part));
    if (slash == std::string::npos) return out;
    from = slash + 1;
  }
}

WebResponse not_found() { return error_response(404, "There is nothing at this address."); }

}  // namespace

Result<std::unique_ptr<App>> App::open(const AppOptions& options) {
  Result<std::unique_ptr<StorePool>> pool = StorePool::open(options.store, options.connections);
  if (!pool.ok()) return pool.error();
  return std::unique_ptr<App>(new App(options, std::move(*pool)));
}

App::App(const AppOptions& options, std::unique_ptr<StorePool> pool)
    : options_(options),
      access_(options.token, options.read_only),
      pool_(std::move(pool)),
      images_(options.cache_dir, options.load),
      exports_(options.cache_dir,
               [&options] {
                 ExportOptions exports = options.exports;
                 exports.load = options.load;
                 return exports;
               }()),
      retries_(options.program, options.store, options.config_file) {}

WebResponse App::handle(const WebRequest& request) {
  try {
    WebResponse response = route(request);
    // A second wall behind escaping: the pages run no script at all (progress is a
    // Refresh header), so none may run; only the inline style and this server's images
    // load; no frames, no sniffing.
    response.headers.emplace_back("Content-Security-Policy",
                                  "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; "
                                  "form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
    response.headers.emplace_back("X-Content-Type-Options", "nosniff");
    response.headers.emplace_back("Referrer-Policy", "same-origin");
    return response;
  } catch (const std::exception& e) {
    return error_response(500, std::string("internal error: ") + e.what());
  }
}

WebResponse App::route(const WebRequest& r) {
  const std::optional<std::vector<std::string>> parts = segments(r.path);
  if (!parts) return not_found();
  const std::vector<std::string>& p = *parts;
  const bool get = r.method == "GET" || r.method == "HEAD";
  if (p.empty()) return get ? search(r) : error_response(405, "Search by GET.");
  if (p[0] == "record" && p.size() >= 2) {
    std::string id_text = p[1];
    const bool json = p.size() == 2 && id_text.size() > 5 && id_text.ends_with(".json");
    if (json) id_text.resize(id_text.size() - 5);
    const std::optional<std::int64_t> id = parse_id(id_text);
    if (!id) return error_response(400, "A record id is a positive whole number.");
    if (json) return get ? record_json(*id) : error_response(405, "GET only.");
    if (p.size() == 2) return get ? record(r, *id) : error_response(405, "GET only.");
    if (p.size() == 3 && p[2] == "original")
      return get ? original(*id) : error_response(405, "GET only.");
    if (p.size() == 3 && (p[2] == "mets.xml" || p[2] == "pdf"))
      return get ? export_file(*id, p[2] == "pdf" ? ExportFile::kPdf : ExportFile::kMets, "")
                 : error_response(405, "GET only.");
    if (p.size() == 4 && p[2] == "alto")
      return get ? export_file(*id, ExportFile::kAlto, p[3]) : error_response(405, "GET only.");
    if (p.size() == 3 && p[2] == "edit") return edit(r, *id);
    if (p.size() == 3 && p[2] == "reviewed") return reviewed(r, *id);
    if (p.size() == 4 && p[2] == "page")
      return get ? page_image(r, *id, p[3]) : error_response(405, "GET only.");
    return not_found();
  }
  if (p.size() == 1 && p[0] == "failures")
    return get ? failures(r) : error_response(405, "GET only.");
  if (p.size() == 2 && p[0] == "failures" && p[1] == "retry") return retry(r);
  if (p.size() == 2 && p[0] == "retries")
    return get ? retry_job(r, p[1]) : error_response(405, "GET only.");
  if (p.size() == 1 && p[0] == "review") return get ? review(r) : error_response(405, "GET only.");
  if (p.size() == 1 && p[0] == "runs") return get ? runs(r) : error_response(405, "GET only.");
  if (p.size() == 1 && p[0] == "login") return login(r);
  if (p.size() == 1 && p[0] == "boilerplate")
    return get ? boilerplate(r) : error_response(405, "GET only.");
  if (p.size() == 2 && p[0] == "boilerplate") return boilerplate_decision(r, p[1]);
  return not_found();
}

WebResponse App::html(Screen screen, const std::string& title, const std::string& body) const {
  WebResponse response;
  response.body = page(screen, title, body, access_.read_only());
  return response;
}

}  // namespace pressarchive::web
