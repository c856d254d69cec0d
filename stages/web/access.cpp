#include "stages/web/access.h"

#include <fstream>
#include <stdexcept>

#include "pipeline/version.h"
#include "stages/web/html.h"

namespace pressarchive::web {

std::string web_agent() { return std::string("archivist via pressarchive ") + kVersion + " (web)"; }

std::string random_token() {
  std::ifstream urandom("/dev/urandom", std::ios::binary);
  unsigned char bytes[32] = {};
  urandom.read(reinterpret_cast<char*>(bytes), sizeof bytes);
  if (!urandom) throw std::runtime_error("cannot read /dev/urandom for the access token");
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (const unsigned char b : bytes) {
    out += hex[b >> 4];
    out += hex[b & 15];
  }
  return out;
}

bool same_secret(const std::string& a, const std::string& b) {
  if (a.size() != b.size() || a.empty()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

AccessControl::AccessControl(std::string token, bool read_only)
    : token_(token.empty() ? random_token() : std::move(token)),
      csrf_(random_token()),
      read_only_(read_only) {}

bool AccessControl::signed_in(const WebRequest& request) const {
  const auto it = request.cookies.find(kTokenCookie);
  return it != request.cookies.end() && same_secret(it->second, token_);
}

std::optional<Refusal> AccessControl::check_change(const WebRequest& request) const {
  if (read_only_)
    return Refusal{403, "This archive is served read-only (--read-only): no change is possible."};
  if (request.method != "POST")
    return Refusal{405, "Changes are made by POST from the page's forms only."};
  if (!signed_in(request) && !same_secret(request.param("token"), token_))
    return Refusal{
        403,
        "This change needs the access token: sign in with the token the server printed at start."};
  if (!same_secret(request.param(kCsrfField), csrf_))
    return Refusal{403,
                   "The form is stale or did not come from this server (CSRF check): reload the "
                   "page and try again."};
  return std::nullopt;
}

std::string AccessControl::csrf_input() const {
  return std::string("<input type=\"hidden\" name=\"") + kCsrfField + "\" value=\"" +
         escape(csrf_) + "\">";
}

}  // namespace pressarchive::web
