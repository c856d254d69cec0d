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

// How many matches of a search by relevance are ranked at most, as on PostgreSQL
// (pg_store_browse.cpp): bm25 reads each ranked match's position lists and its size
// (a lookup in records_fts_docsize), and a frequent word matches tens of thousands of
// records.
constexpr std::size_t kRankedMatches = 1000;

// The newest matches, chosen as one pass reads them: the first `keep` in the order of
// `ORDER BY r.release_date DESC, r.id DESC` (a record without a date is older than any),
// so that the pass which counts the facets also chooses the page and FTS5 reads the
// matches once. A match is copied only while it is among the newest.
class NewestMatches {
 public:
  explicit NewestMatches(std::size_t keep) : keep_(keep) {}

  // `date` nullopt: the record has none.
  void offer(std::int64_t id, std::optional<std::string_view> date) {
    if (keep_ == 0) return;
    if (kept_.size() == keep_) {
      if (!newer(id, date, kept_.front())) return;
      std::pop_heap(kept_.begin(), kept_.end(), Order{});
      kept_.pop_back();
    }
    kept_.push_back({id, date ? std::optional<std::string>(*date) : std::nullopt});
    std::push_heap(kept_.begin(), kept_.end(), Order{});
  }
  // The ids kept, newest first.
  std::vector<std::int64_t> ids() {
    std::sort_heap(kept_.begin(), kept_.end(), Order{});
    std::vector<std::int64_t> ids;
    for (const Match& m : kept_) ids.push_back(m.id);
    return ids;
  }

 private:
  struct Match {
    std::int64_t id;
    std::optional<std::string> date;
  };
  static bool newer(std::int64_t id, std::optional<std::string_view> date, const Match& m) {
    if (date.has_value() != m.date.has_value()) return date.has_value();
    if (date) {
      // std::string_view compares bytes as unsigned, like SQLite's BINARY collation.
      if (const int c = date->compare(*m.date); c != 0) return c > 0;
    }
    return id > m.id;
  }
  // The heap's order: the oldest kept match on top.
  struct Order {
    bool operator()(const Match& a, const Match& b) const {
      return newer(a.id, a.date ? std::optional<std::string_view>(*a.date) : std::nullopt, b);
    }
  };

  std::size_t keep_;
  std::vector<Match> kept_;
};

// substr(value, 1, 4) as SQLite counts characters (a lead byte and the continuation
// bytes after it are one): the year of a release date.
std::string_view first_four_characters(std::string_view value) {
  std::size_t i = 0;
  for (int n = 0; n < 4 && i < value.size(); ++n) {
    if (static_cast<unsigned char>(value[i++]) >= 0xc0)
      while (i < value.size() && (static_cast<unsigned char>(value[i]) & 0xc0) == 0x80) ++i;
  }
  return value.substr(0, i);
}

}  // namespace

// SQLite has no GROUPING SETS: one pass over the matching rows counts all five facets
// (and the total) and keeps the newest matches (NewestMatches), reading the
// records_facets index instead of the rows, which carry the whole text. By relevance,
// the kRankedMatches newest matches are then ranked (bm25) and the rest follow them,
// newest first, as on PostgreSQL; at most kRankedMatches matches, every match is ranked.
// Only the page's hits are read in full, with their snippets. All of it reads one
// snapshot of the archive, so a writer committing meanwhile changes nothing between the
// passes.
//
// Without words or filters every record matches: the counts are read from facet_counts,
// which the store keeps as it writes, not tallied over the whole archive, and the page
// from the release-date index, in order.
Result<BrowseResult> SqliteStore::browse(const BrowseQuery& query) {
  const Filter filter = filter_of(query);
  const auto offset = static_cast<std::size_t>(std::max(query.offset, 0));
  const auto limit = static_cast<std::size_t>(std::max(query.limit, 0));
  if (Status s = exec("BEGIN"); !s.ok()) return s.error();
  struct EndRead {
    SqliteStore* store;
    ~EndRead() { static_cast<void>(store->exec("COMMIT")); }
  } end_read{this};
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
                "SELECT r.id, r.release_date, coalesce(r.issuer, ''), coalesce(r.place, ''), "
                "coalesce(r.kind, ''), r.needs_review" +
                    from(filter) + filter.where);
    bind_all(q, filter.values);
    Tally issuer, place, year, kind, review;
    NewestMatches newest(by_rank ? std::max(kRankedMatches, offset + limit) : offset + limit);
    int rc;
    while ((rc = q.step()) == SQLITE_ROW) {
      ++result.total;
      const std::optional<std::string_view> date =
          q.is_null(1) ? std::nullopt : std::optional<std::string_view>(q.view(1));
      newest.offer(q.integer(0), date);
      issuer.add(q.view(2));
      place.add(q.view(3));
      year.add(date ? first_four_characters(*date) : std::string_view());
      kind.add(q.view(4));
      review.add(q.integer(5) ? "yes" : "no");
    }
    if (rc != SQLITE_DONE) return db_error("search failed");
    result.facets = {{"issuer", issuer.top()},
                     {"place", place.top()},
                     {"year", year.top()},
                     {"kind", kind.top()},
                     {"needs_review", review.top()}};
    ids = newest.ids();
    if (by_rank) {
      const std::size_t ranked = std::min(ids.size(), kRankedMatches);
      std::string id_list = "[";
      for (std::size_t i = 0; i < ranked; ++i) {
        if (i) id_list += ',';
        id_list += std::to_string(ids[i]);
      }
      // `+rowid`: a filter on FTS5's matches; as a constraint FTS5 would be asked for each
      // id in turn, parsing the query anew.
      Statement rank(statements_,
                     "SELECT rowid, rank FROM records_fts WHERE records_fts MATCH ? AND +rowid IN "
                     "(SELECT value FROM json_each(?))");
      rank.bind(1, filter.values[0]).bind(2, id_list + "]");
      std::unordered_map<std::int64_t, double> rank_of;
      while ((rc = rank.step()) == SQLITE_ROW) rank_of[rank.integer(0)] = rank.real(1);
      if (rc != SQLITE_DONE) return db_error("search failed");
      // ORDER BY records_fts.rank, r.id (every id kept matches, in this snapshot).
      std::sort(ids.begin(), ids.begin() + static_cast<std::ptrdiff_t>(ranked),
                [&](std::int64_t a, std::int64_t b) {
                  const double ra = rank_of[a], rb = rank_of[b];
                  return ra != rb ? ra < rb : a < b;
                });
    }
    ids.erase(ids.begin(), ids.begin() + static_cast<std::ptrdiff_t>(std::min(offset, ids.size())));
    if (ids.size() > limit) ids.resize(limit);
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
