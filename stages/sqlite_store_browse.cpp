// SQLite backend: the web page's search with facet counts (ArchiveStore::browse).
#include <algorithm>
#include <map>

#include "stages/sqlite_store_impl.h"
#include "stages/text_util.h"

namespace pressarchive {
namespace {

// The FTS5 query for `text`: every word must occur, each word quoted so that FTS5
// syntax typed into the search box ("NEAR", "*", quotes) is searched for, not obeyed.
std::string fts_match(const std::string& text) {
  std::string match;
  for (const std::string& w : words(text)) {
    if (!match.empty()) match += " AND ";
    match += "\"" + w + "\"";
  }
  return match;
}

// FROM and WHERE of one browse query, with the values to bind in order.
struct Filter {
  std::string from_where;
  std::vector<std::string> values;
  bool has_words = false;
};

Filter filter_of(const BrowseQuery& query) {
  Filter f;
  std::vector<std::string> terms;
  const std::string match = fts_match(query.text);
  if (!match.empty()) {
    f.has_words = true;
    f.from_where = " FROM records_fts JOIN records r ON r.id = records_fts.rowid";
    terms.push_back("records_fts MATCH ?");
    f.values.push_back(match);
  } else {
    f.from_where = " FROM records r";
  }
  const auto equal = [&](const char* column, const std::string& value) {
    if (value.empty()) return;
    terms.push_back(std::string(column) + " = ?");
    f.values.push_back(value);
  };
  equal("r.issuer", query.issuer);
  equal("r.place", query.place);
  equal("substr(r.release_date, 1, 4)", query.year);
  equal("r.kind", query.kind);
  if (query.needs_review) terms.push_back(*query.needs_review ? "r.needs_review = 1" : "r.needs_review = 0");
  if (!query.date_from.empty()) {
    terms.push_back("r.release_date >= ?");
    f.values.push_back(query.date_from);
  }
  if (!query.date_to.empty()) {
    terms.push_back("r.release_date <= ?");
    f.values.push_back(query.date_to);
  }
  for (std::size_t i = 0; i < terms.size(); ++i) f.from_where += (i ? " AND " : " WHERE ") + terms[i];
  return f;
}

void bind_all(Statement& q, const std::vector<std::string>& values) {
  for (std::size_t i = 0; i < values.size(); ++i) q.bind(static_cast<int>(i) + 1, values[i]);
}

// Most frequent first, then by value; at most kMaxFacetValues.
std::vector<FacetCount> top_values(const std::map<std::string, std::int64_t>& counts) {
  std::vector<FacetCount> out;
  for (const auto& [value, count] : counts)
    if (!value.empty()) out.push_back({value, count});
  std::stable_sort(out.begin(), out.end(), [](const FacetCount& a, const FacetCount& b) { return a.count > b.count; });
  if (out.size() > static_cast<std::size_t>(kMaxFacetValues)) out.resize(kMaxFacetValues);
  return out;
}

}  // namespace

// SQLite has no GROUPING SETS: one pass over the matching rows counts all five facets
// (and the total). Without words the pass reads the records_facets index, which holds
// every facet column, instead of rows that carry the whole text.
Result<BrowseResult> SqliteStore::browse(const BrowseQuery& query) {
  const Filter filter = filter_of(query);
  BrowseResult result;
  {
    Statement q(statements_, "SELECT coalesce(r.issuer, ''), coalesce(r.place, ''), "
                             "substr(coalesce(r.release_date, ''), 1, 4), coalesce(r.kind, ''), r.needs_review" +
                                 filter.from_where);
    bind_all(q, filter.values);
    std::map<std::string, std::int64_t> issuer, place, year, kind, review;
    int rc;
    while ((rc = q.step()) == SQLITE_ROW) {
      ++result.total;
      ++issuer[q.text(0)];
      ++place[q.text(1)];
      ++year[q.text(2)];
      ++kind[q.text(3)];
      ++review[q.integer(4) ? "yes" : "no"];
    }
    if (rc != SQLITE_DONE) return db_error("search failed");
    result.facets = {{"issuer", top_values(issuer)}, {"place", top_values(place)}, {"year", top_values(year)},
                     {"kind", top_values(kind)}, {"needs_review", top_values(review)}};
  }
  const std::string snippet = filter.has_words ? "snippet(records_fts, 1, char(2), char(3), '…', 16)"
                                               : "substr(coalesce(nullif(r.body, ''), r.text, ''), 1, 200)";
  const std::string order = filter.has_words && !query.by_date ? " ORDER BY records_fts.rank, r.id"
                                                               : " ORDER BY r.release_date DESC, r.id DESC";
  Statement q(statements_, "SELECT r.id, coalesce(r.title, ''), coalesce(r.release_date, ''), " + snippet +
                               ", coalesce(r.issuer, ''), coalesce(r.place, '')" + filter.from_where + order +
                               " LIMIT ? OFFSET ?");
  bind_all(q, filter.values);
  const int n = static_cast<int>(filter.values.size());
  q.bind(n + 1, static_cast<std::int64_t>(query.limit)).bind(n + 2, static_cast<std::int64_t>(query.offset));
  int rc;
  while ((rc = q.step()) == SQLITE_ROW)
    result.hits.push_back({q.integer(0), q.text(1), q.text(2), q.text(3), q.text(4), q.text(5)});
  if (rc != SQLITE_DONE) return db_error("search failed");
  return result;
}

}  // namespace pressarchive
