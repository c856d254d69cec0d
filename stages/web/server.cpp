// cpp-httplib, as Debian packages it (libcpp-httplib-dev): a small blocking server
// whose request threads come from its own pool, so a slow page render holds one
// thread while the others keep answering, and the web page adds no dependency that
// is not in the distribution.
#include "stages/web/server.h"

#include <httplib.h>

#include <charconv>
#include <chrono>
#include <thread>

#include "stages/core/text_util.h"

namespace pressarchive::web {
namespace {

// The largest request body read: a form of edited fields is a few kilobytes.
constexpr std::size_t kMaxBody = 64 * 1024;

std::map<std::string, std::string> parse_cookies(const std::string& header) {
  std::map<std::string, std::string> out;
  for (const std::string& part : split(header, ';')) {
    const std::string item = trim(part);
    const std::size_t eq = item.find('=');
    if (eq != std::string::npos) out.emplace(item.substr(0, eq), item.substr(eq + 1));
  }
  return out;
}

WebRequest to_web_request(const httplib::Request& req) {
  WebRequest r;
  r.method = req.method;
  r.path = req.path;
  for (const auto& [name, value] : req.params) r.params.emplace(name, value);
  r.cookies = parse_cookies(req.get_header_value("Cookie"));
  r.origin = req.get_header_value("Origin");
  return r;
}

void answer(App& app, const httplib::Request& req, httplib::Response& res) {
  const WebResponse response = app.handle(to_web_request(req));
  res.status = response.status;
  for (const auto& [name, value] : response.headers) res.set_header(name, value);
  res.set_content(response.body, response.content_type);
}

}  // namespace

bool parse_listen(const std::string& listen, ServerOptions& options) {
  const std::size_t colon = listen.rfind(':');
  if (colon == std::string::npos) return false;
  const std::string port = listen.substr(colon + 1);
  int value = -1;
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (ec != std::errc() || end != port.data() + port.size() || value < 0 || value > 65535)
    return false;
  options.host = colon == 0 ? "127.0.0.1" : listen.substr(0, colon);
  options.port = value;
  return true;
}

Status serve(App& app, const ServerOptions& options, const std::atomic<bool>& stop,
             const std::function<void(int port)>& on_listening) {
  httplib::Server server;
  const int threads = options.threads;
  server.new_task_queue = [threads] {
    return new httplib::ThreadPool(static_cast<std::size_t>(threads));
  };
  server.set_payload_max_length(kMaxBody);
  server.set_read_timeout(10, 0);
  const auto handler = [&app](const httplib::Request& req, httplib::Response& res) {
    answer(app, req, res);
  };
  server.Get(".*", handler);
  server.Post(".*", handler);
  const int port = options.port == 0
                       ? server.bind_to_any_port(options.host)
                       : (server.bind_to_port(options.host, options.port) ? options.port : -1);
  if (port <= 0)
    return make_error(Reason::kIo, "cannot listen on " + options.host + ":" +
                                       std::to_string(options.port) +
                                       " (in use, or not an address of this machine)");
  std::thread listener([&server] { server.listen_after_bind(); });
  while (!server.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  if (on_listening) on_listening(port);
  while (!stop.load()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  server.stop();
  listener.join();
  return Status::Ok();
}

}  // namespace pressarchive::web
