// The web page's requests and responses without the HTTP server's types, so that the
// handlers can be tested by calling them, and the checks every request goes through:
// record ids, page numbers and search parameters are parsed here, and anything out of
// range is a 4xx with a sentence saying why, never an exception.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "stages/core/result.h"
#include "stages/store/archive_store.h"

namespace pressarchive::web {

struct WebRequest {
  std::string method = "GET";  // GET or POST; anything else is refused by the server
  std::string path;            // without the query string
  std::multimap<std::string, std::string> params;  // query string and form fields, decoded
  std::map<std::string, std::string> cookies;
  std::string origin;  // the Origin header, "" when absent

  // The first value of `name`, "" when absent.
  std::string param(const std::string& name) const;
  std::vector<std::string> all(const std::string& name) const;
};

struct WebResponse {
  int status = 200;
  std::string content_type = "text/html; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // Location, Set-Cookie, ...
};

// A response for a refused request: `status` with `message` as a small escaped page.
WebResponse error_response(int status, const std::string& message);
WebResponse redirect(const std::string& location);

// Limits on what a request may ask: beyond them the answer is 400.
inline constexpr std::size_t kMaxQueryBytes = 500;   // the search words
inline constexpr std::size_t kMaxFieldBytes = 2000;  // an edited field's value
inline constexpr int kMaxPageNumber = 100000;        // no record has more pages
inline constexpr int kMaxResultOffset = 10000;       // deeper paging is no use to anyone
inline constexpr int kMaxWidth = 2000;               // page image width in pixels

// A request error: the HTTP status and the sentence shown.
struct Refusal {
  int status = 400;
  std::string message;
};

template <typename T>
using Checked = std::variant<T, Refusal>;

// A record id: 1 to 2^63-1 in decimal digits, nothing else.
std::optional<std::int64_t> parse_id(const std::string& text);
// A positive decimal integer not above `max`.
std::optional<int> parse_bounded(const std::string& text, int max);
// YYYY-MM-DD with plausible month and day.
bool is_iso_date(const std::string& text);

// The search screen's parameters (q, issuer, place, year, kind, review, from, to, sort,
// page) as a store query of `page_size` hits; a refusal names the bad parameter.
Checked<BrowseQuery> parse_browse(const WebRequest& request, int page_size);

}  // namespace pressarchive::web
