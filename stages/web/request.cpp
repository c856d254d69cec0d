#include "stages/web/request.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "stages/web/html.h"

namespace pressarchive::web {

std::string WebRequest::param(const std::string& name) const {
  const auto it = params.find(name);
  return it == params.end() ? std::string() : it->second;
}

std::vector<std::string> WebRequest::all(const std::string& name) const {
  std::vector<std::string> out;
  for (auto [it, end] = params.equal_range(name); it != end; ++it) out.push_back(it->second);
  return out;
}

WebResponse error_response(int status, const std::string& message) {
  WebResponse r;
  r.status = status;
  r.body = page(
      Screen::kOther, "Error " + std::to_string(status),
      "<h1>Error " + std::to_string(status) + "</h1><p class=\"error\">" + escape(message) + "</p>",
      false);
  return r;
}

WebResponse redirect(const std::string& location) {
  WebResponse r;
  r.status = 303;  // See Other: the browser follows a POST's answer with a GET
  r.headers.emplace_back("Location", location);
  return r;
}

std::optional<std::int64_t> parse_id(const std::string& text) {
  if (text.empty() || text.size() > 18) return std::nullopt;
  for (const char c : text)
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
  std::int64_t id = 0;
  std::from_chars(text.data(), text.data() + text.size(), id);
  return id > 0 ? std::optional<std::int64_t>(id) : std::nullopt;
}

std::optional<int> parse_bounded(const std::string& text, int max) {
  const std::optional<std::int64_t> n = parse_id(text);
  if (!n || *n > max) return std::nullopt;
  return static_cast<int>(*n);
}

bool is_iso_date(const std::string& text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  for (const int i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) return false;
  const int month = std::stoi(text.substr(5, 2)), day = std::stoi(text.substr(8, 2));
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

namespace {

bool is_year(const std::string& text) {
  return text.size() == 4 && std::all_of(text.begin(), text.end(), [](char c) {
           return std::isdigit(static_cast<unsigned char>(c));
         });
}

Refusal bad(const std::string& what) { return Refusal{400, what}; }

}  // namespace

Checked<BrowseQuery> parse_browse(const WebRequest& request, int page_size) {
  BrowseQuery q;
  q.text = request.param("q");
  if (q.text.size() > kMaxQueryBytes)
    return bad("The search is too long: at most " + std::to_string(kMaxQueryBytes) + " bytes.");
  q.issuer = request.param("issuer");
  q.place = request.param("place");
  if (q.issuer.size() > kMaxFieldBytes || q.place.size() > kMaxFieldBytes)
    return bad("A facet value is too long.");
  q.year = request.param("year");
  if (!q.year.empty() && !is_year(q.year)) return bad("year must be four digits.");
  q.kind = request.param("kind");
  if (!q.kind.empty() && q.kind != "born-digital" && q.kind != "scanned" && q.kind != "image" &&
      q.kind != "mixed")
    return bad("kind must be born-digital, scanned, image or mixed.");
  const std::string review = request.param("review");
  if (review == "yes")
    q.needs_review = true;
  else if (review == "no")
    q.needs_review = false;
  else if (!review.empty())
    return bad("review must be yes or no.");
  q.date_from = request.param("from");
  q.date_to = request.param("to");
  if ((!q.date_from.empty() && !is_iso_date(q.date_from)) ||
      (!q.date_to.empty() && !is_iso_date(q.date_to)))
    return bad("Dates must be YYYY-MM-DD.");
  const std::string sort = request.param("sort");
  if (sort == "date")
    q.by_date = true;
  else if (!sort.empty() && sort != "relevance")
    return bad("sort must be date or relevance.");
  int page_number = 1;
  if (const std::string p = request.param("page"); !p.empty()) {
    const std::optional<int> n = parse_bounded(p, kMaxResultOffset / page_size + 1);
    if (!n)
      return bad("page must be a number from 1 to " +
                 std::to_string(kMaxResultOffset / page_size + 1) + ".");
    page_number = *n;
  }
  q.limit = page_size;
  q.offset = (page_number - 1) * page_size;
  return q;
}

}  // namespace pressarchive::web
