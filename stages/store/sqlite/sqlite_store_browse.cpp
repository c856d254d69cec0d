// SQLite backend: the web page's queries: search with facet counts (ArchiveStore::browse)
// and one record's cluster.
#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "stages/core/text_util.h"
#include "stages/store/sqlite/sqlite_store_impl.h"
#include "stages/store/store_common.h"

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

// WHERE of one browse query, with the values to bind in order.
struct Filter {
  std::string where;
  std::vector<std::string> values;
  bool has_words = false;
};

// FROM of a browse query: the records, joined to their full-text index when there are
// words, read through the records_facets index, which holds every column the filters and
// the facets need, by id; the planner would otherwise read the rows, which carry the whole
// text.
std::string from(const Filter& f) {
  const std::string records = "records r INDEXED BY records_facets";
  return f.has_words ? " FROM records_fts JOIN " + records + " ON r.id = records_fts.rowid"
                     : " FROM " + records;
}

Filter filter_of(const BrowseQuery& query) {
  Filter f;
  std::vector<std::string> terms;
  const std::string match = fts_match(query.text);
  if (!match.empty()) {
    f.has_words = true;
    terms.push_back("records_fts MATCH ?");
    f.values.push_back(match);
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
  if (query.needs_review)
    terms.push_back(*query.needs_review ? "r.needs_review = 1" : "r.needs_review = 0");
  if (!query.date_from.empty()) {
    terms.push_back("r.release_date >= ?");
    f.values.push_back(query.date_from);
  }
  if (!query.date_to.empty()) {
    terms.push_back("r.release_date <= ?");
    f.values.push_back(query.date_to);
  }
  for (std::size_t i = 0; i < terms.size(); ++i) f.where += (i ? " AND " : " WHERE ") + terms[i];
  return f;
}

void bind_all(Statement& q, const std::vector<std::string>& values) {
  for (std::size_t i = 0; i < values.size(); ++i) q.bind(static_cast<int>(i) + 1, values[i]);
}

// Counts of one facet's values. A facet has few distinct values, seen over and over:
// each is looked up through one reused key, so counting a row allocates nothing.
class Tally {
 public:
  void add(std::string_view value) {
    key_.assign(value);
    ++counts_[key_];
  }
  // Most frequent first, then by value; at most kMaxFacetValues; empty values left out.
  std::vector<FacetCount> top() const {
    std::vector<FacetCount> out;
    for (const auto& [value, count] : counts_)
      if (!value.empty()) out.push_back({value, count});
    std::sort(out.begin(), out.end(), [](const FacetCount& a, const FacetCount& b) {
      return a.count != b.count ? a.count > b.count : a.value < b.value;
    });
    if (out.size() > static_cast<std::size_t>(kMaxFacetValues)) out.resize(kMaxFacetValues);
    return out;
  }

 private:
  std::string key_;
  std::unordered_map<std::string, std::int64_t> counts_;
};

// The page of hits, chosen among the matches as one pass reads them: the offset + limit
// first by the order the SQL would give (`ORDER BY records_fts.rank, r.id` by relevance,
// `ORDER BY r.release_date DESC, r.id DESC` newest first, where a record without a date is
// older than any), so that the pass which counts the facets also chooses the page and
// FTS5 reads the matches once. A match is copied only while it is among the first.
class FirstMatches {
 public:
  FirstMatches(bool by_rank, std::size_t keep) : by_rank_(by_rank), keep_(keep) {}

  // One match; `date` (nullopt: the record has none) counts newest first only, `rank` by
  // relevance only.
  void offer(std::int64_t id, double rank, std::optional<std::string_view> date) {
    if (keep_ == 0) return;
    if (kept_.size() == keep_) {
      if (!before(id, rank, date, kept_.front())) return;
      std::pop_heap(kept_.begin(), kept_.end(), order());
      kept_.pop_back();
    }
    kept_.push_back({id, rank, date ? std::optional<std::string>(*date) : std::nullopt});
    std::push_heap(kept_.begin(), kept_.end(), order());
  }
  // The ids of the matches kept, first first, from `offset` on.
  std::vector<std::int64_t> ids_from(std::size_t offset) {
    std::sort_heap(kept_.begin(), kept_.end(), order());
    std::vector<std::int64_t> ids;
    for (std::size_t i = offset; i < kept_.size(); ++i) ids.push_back(kept_[i].id);
    return ids;
  }

 private:
  struct Match {
    std::int64_t id;
    double rank;
    std::optional<std::string> date;
  };
  bool before(std::int64_t id, double rank, std::optional<std::string_view> date,
              const Match& m) const {
    if (by_rank_) return rank != m.rank ? rank < m.rank : id < m.id;
    if (date.has_value() != m.date.has_value()) return date.has_value();
    if (date) {
      // std::string_view compares bytes as unsigned, like SQLite's BINARY collation.
      if (const int c = date->compare(*m.date); c != 0) return c > 0;
    }
    return id > m.id;
  }
  // The heap's order: the last kept match on top.
  struct Order {
    const FirstMatches* matches;
    bool operator()(const Match& a, const Match& b) const {
      return matches->before(a.id, a.rank,
                             a.date ? std::optional<std::string_view>(*a.date) : std::nullopt, b);
    }
  };
  Order order() const { return {this}; }

  bool by_rank_;
  std::size_t keep_;
  std::vector<Match> kept_;
};

}  // namespace

// SQLite has no GROUPING SETS: one pass over the matching rows counts all five facets
// (and the total) and chooses the page of hits (FirstMatches), reading the records_facets
// index instead of the rows, which carry the whole text. Only the page's hits are then
// read in full, with their snippets.
//
// Without words or filters every record matches: the counts are read from facet_counts,
// which the store keeps as it writes, not tallied over the whole archive, and the page
// from the release-date index, in order.
Result<BrowseResult> SqliteStore::browse(const BrowseQuery& query) {
  const Filter filter = filter_of(query);
  const auto offset = static_cast<std::size_t>(std::max(query.offset, 0));
  const auto limit = static_cast<std::size_t>(std::max(query.limit, 0));
  BrowseResult result = store::uncounted_browse_result();
  std::vector<std::int64_t> ids;
  if (filter.where.empty()) {
    Statement counts(statements_,
                     "SELECT facet, value, count FROM facet_counts WHERE count > 0 ORDER BY facet, "
                     "count DESC, value");
    int rc;
    while ((rc = counts.step()) == SQLITE_ROW)
      store::add_kept_facet_count(result, counts.text(0), counts.text(1), counts.integer(2));
    if (rc != SQLITE_DONE) return db_error("search failed");
    Statement page(statements_,
                   "SELECT r.id FROM records r ORDER BY r.release_date DESC, r.id DESC LIMIT ? "
                   "OFFSET ?");
    page.bind(1, static_cast<std::int64_t>(limit)).bind(2, static_cast<std::int64_t>(offset));
    while ((rc = page.step()) == SQLITE_ROW) ids.push_back(page.integer(0));
    if (rc != SQLITE_DONE) return db_error("search failed");
  } else {
    const bool by_rank = filter.has_words && !query.by_date;
    Statement q(statements_,
                std::string("SELECT r.id, ") + (by_rank ? "records_fts.rank" : "r.release_date") +
                    ", coalesce(r.issuer, ''), coalesce(r.place, ''), "
                    "substr(coalesce(r.release_date, ''), 1, 4), coalesce(r.kind, ''), "
                    "r.needs_review" +
                    from(filter) + filter.where);
    bind_all(q, filter.values);
    Tally issuer, place, year, kind, review;
    FirstMatches first(by_rank, offset + limit);
    int rc;
    while ((rc = q.step()) == SQLITE_ROW) {
      ++result.total;
      if (by_rank)
        first.offer(q.integer(0), q.real(1), std::nullopt);
      else
        first.offer(q.integer(0), 0,
                    q.is_null(1) ? std::nullopt : std::optional<std::string_view>(q.view(1)));
      issuer.add(q.view(2));
      place.add(q.view(3));
      year.add(q.view(4));
      kind.add(q.view(5));
      review.add(q.integer(6) ? "yes" : "no");
    }
    if (rc != SQLITE_DONE) return db_error("search failed");
    result.facets = {{"issuer", issuer.top()},
                     {"place", place.top()},
                     {"year", year.top()},
                     {"kind", kind.top()},
                     {"needs_review", review.top()}};
    ids = first.ids_from(offset);
  }
  const std::string hit_sql =
      filter.has_words ? "SELECT r.id, coalesce(r.title, ''), coalesce(r.release_date, ''), "
                         "snippet(records_fts, 1, char(2), char(3), '…', 16), coalesce(r.issuer, "
                         "''), coalesce(r.place, '') "
                         "FROM records_fts JOIN records r ON r.id = records_fts.rowid WHERE "
                         "records_fts MATCH ? AND records_fts.rowid = ?"
                       : "SELECT r.id, coalesce(r.title, ''), coalesce(r.release_date, ''), "
                         "substr(coalesce(nullif(r.body, ''), r.text, ''), 1, 200), "
                         "coalesce(r.issuer, ''), coalesce(r.place, '') "
                         "FROM records r WHERE ? IS NOT NULL AND r.id = ?";
  for (const std::int64_t id : ids) {
    Statement q(statements_, hit_sql);
    q.bind(1, filter.has_words ? filter.values[0] : std::string()).bind(2, id);
    if (q.step() == SQLITE_ROW)
      result.hits.push_back({q.integer(0), q.text(1), q.text(2), q.text(3), q.text(4), q.text(5)});
  }
  return result;
}

Result<std::optional<ClusterRow>> SqliteStore::cluster_of(std::int64_t id) {
  Statement q(
      statements_,
      "SELECT c.id, coalesce(c.title, ''), coalesce(c.release_date, ''), m.id, "
      "coalesce(m.duplicate_score, 0) "
      "FROM records c JOIN records m ON m.duplicate_of = c.id "
      "WHERE c.id = coalesce((SELECT duplicate_of FROM records WHERE id = ?), ?) ORDER BY m.id");
  q.bind(1, id).bind(2, id);
  std::optional<ClusterRow> cluster;
  int rc;
  while ((rc = q.step()) == SQLITE_ROW) {
    if (!cluster) cluster = ClusterRow{q.integer(0), q.text(1), q.text(2), {}};
    cluster->members.emplace_back(q.integer(3), q.real(4));
  }
  if (rc != SQLITE_DONE) return db_error("cannot read the cluster of record " + std::to_string(id));
  return cluster;
}

}  // namespace pressarchive
