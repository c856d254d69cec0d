// The search screen: the archive's full-text search with facet counts, a date range, a
// sort order and paging. Everything it shows is in the URL, so a search can be
// bookmarked and shared.
#include <variant>

#include "stages/web/app.h"
#include "stages/web/html.h"

namespace pressarchive::web {
namespace {

// The parameters of the search as shown, in URL order.
using Params = std::vector<std::pair<std::string, std::string>>;

Params params_of(const WebRequest& r) {
  Params p;
  for (const char* name : {"q", "issuer", "place", "year", "kind", "review", "from", "to", "sort"})
    p.emplace_back(name, r.param(name));
  return p;
}

Params with(Params p, const std::string& name, const std::string& value) {
  for (auto& [n, v] : p)
    if (n == name) v = value;
  if (name != "page") return p;
  p.emplace_back(name, value);
  return p;
}

std::string search_form(const WebRequest& r) {
  const auto input = [&](const char* name, const char* type, const char* label) {
    return std::string("<label>") + label + " <input type=\"" + type + "\" name=\"" + name +
           "\" value=\"" + escape(r.param(name)) + "\"></label> ";
  };
  std::string out = "<form method=\"get\" action=\"/\" class=\"searchform\">";
  out +=
      "<input type=\"text\" name=\"q\" id=\"q\" autofocus placeholder=\"Words in titles and text\" "
      "value=\"" +
      escape(r.param("q")) + "\"> ";
  out += input("from", "date", "from") + input("to", "date", "to");
  const bool by_date = r.param("sort") == "date";
  out += std::string("<select name=\"sort\"><option value=\"relevance\"") +
         (by_date ? "" : " selected") + ">by relevance</option><option value=\"date\"" +
         (by_date ? " selected" : "") + ">newest first</option></select> ";
  // Facet choices survive a new search of other words.
  for (const char* name : {"issuer", "place", "year", "kind", "review"})
    if (!r.param(name).empty())
      out += std::string("<input type=\"hidden\" name=\"") + name + "\" value=\"" +
             escape(r.param(name)) + "\">";
  out += "<button type=\"submit\">Search</button></form>";
  return out;
}

std::string facet_list(const WebRequest& r, const BrowseResult& result) {
  static const std::pair<const char*, const char*> kFacets[] = {{"issuer", "Issuer"},
                                                                {"place", "Place"},
                                                                {"year", "Year"},
                                                                {"kind", "Kind"},
                                                                {"needs_review", "Needs review"}};
  std::string out = "<aside class=\"facets\">";
  const Params base = params_of(r);
  for (const auto& [facet, label] : kFacets) {
    const std::string param = std::string(facet) == "needs_review" ? "review" : facet;
    const auto values = result.facets.find(facet);
    out += std::string("<h3>") + label + "</h3><ul class=\"facet\" data-facet=\"" + param + "\">";
    if (!r.param(param).empty())
      out += "<li><a href=\"/" + escape(query_string(with(base, param, ""))) + "\">× all</a></li>";
    if (values != result.facets.end())
      for (const FacetCount& v : values->second) {
        const bool chosen = r.param(param) == v.value;
        out += "<li><a href=\"/" + escape(query_string(with(base, param, v.value))) + "\">" +
               (chosen ? "<b>" : "") + escape(v.value) + (chosen ? "</b>" : "") +
               "</a> <span class=\"count\">" + std::to_string(v.count) + "</span></li>";
      }
    out += "</ul>";
  }
  return out + "</aside>";
}

std::string hit_list(const WebRequest& r, const BrowseQuery& q, const BrowseResult& result) {
  std::string out = "<section class=\"results\"><p id=\"total\">" + std::to_string(result.total) +
                    " record" + (result.total == 1 ? "" : "s") + "</p>";
  const std::string words = r.param("q").empty() ? "" : "?q=" + url_encode(r.param("q"));
  for (const SearchHit& hit : result.hits) {
    out += "<div class=\"hit\"><a class=\"title\" href=\"/record/" + std::to_string(hit.record_id) +
           escape(words) + "\">" +
           (hit.title.empty() ? "(untitled record " + std::to_string(hit.record_id) + ")"
                              : escape(hit.title)) +
           "</a><div class=\"meta\">" +
           escape(hit.release_date.empty() ? "no date" : hit.release_date);
    if (!hit.issuer.empty()) out += " · " + escape(hit.issuer);
    if (!hit.place.empty()) out += " · " + escape(hit.place);
    out += "</div><div class=\"snippet\">" + mark_hits(hit.snippet) + "</div></div>";
  }
  const int page = q.offset / q.limit + 1;
  const Params base = params_of(r);
  out += "<p class=\"paging\">";
  if (page > 1)
    out += "<a rel=\"prev\" href=\"/" +
           escape(query_string(with(base, "page", std::to_string(page - 1)))) +
           "\">← previous</a> ";
  if (result.total > q.offset + q.limit && q.offset + q.limit < kMaxResultOffset)
    out += "<a rel=\"next\" href=\"/" +
           escape(query_string(with(base, "page", std::to_string(page + 1)))) + "\">next →</a>";
  return out + "</p></section>";
}

}  // namespace

WebResponse App::search(const WebRequest& request) {
  Checked<BrowseQuery> query = parse_browse(request, options_.page_size);
  if (const Refusal* refusal = std::get_if<Refusal>(&query))
    return error_response(refusal->status, refusal->message);
  const BrowseQuery& q = std::get<BrowseQuery>(query);
  Result<BrowseResult> result = pool_->lease()->browse(q);
  if (!result.ok()) return error_response(503, result.error().message);
  const std::string title = q.text.empty() ? "Search" : "Search: " + q.text;
  return html(Screen::kSearch, title,
              "<h1>Search the archive</h1>" + search_form(request) + facet_list(request, *result) +
                  hit_list(request, q, *result));
}

}  // namespace pressarchive::web
