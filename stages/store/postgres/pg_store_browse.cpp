// PostgreSQL backend: the web page's queries: search with facet counts
// (ArchiveStore::browse) and one record's cluster.
#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "stages/core/text_util.h"
#include "stages/store/postgres/pg_store_impl.h"
#include "stages/store/store_common.h"

namespace pressarchive {
namespace {

// How many matches of a search by relevance are ranked at most (PgStore::browse).
constexpr std::int64_t kRankedMatches = 1000;

std::string text_of(const pqxx::field& f) {
  return f.is_null() ? std::string() : std::string(f.c_str(), f.size());
}

// The search words as one tsquery, computed by the server once per search: each word
// matches its German or its English stem. When both stems are the same, the word is
// that stem alone: `'haus' | 'haus'` makes the GIN index hand every match back for a
// recheck, which decompresses the record's whole tsvector (about 8 µs a match).
std::string tsquery_sql(const std::vector<std::string>& words) {
  std::string match;
  for (std::size_t i = 1; i <= words.size(); ++i) {
    const std::string g = "plainto_tsquery('german', $" + std::to_string(i) + ")";
    const std::string e = "plainto_tsquery('english', $" + std::to_string(i) + ")";
    if (!match.empty()) match += " && ";
    match += "(CASE WHEN " + g + " = " + e + " THEN " + g + " ELSE " + g + " || " + e + " END)";
  }
  return "SELECT (" + match + ")::text";
}

// WHERE of one browse query over `record_search s`, with its parameters ($1, $2, ... in order);
// with words, $1 is the tsquery (tsquery_sql) as text.
struct Filter {
  std::string where;
  std::vector<std::string> params;
  bool has_words = false;

  std::string next_param(std::string value) {
    params.push_back(std::move(value));
    return "$" + std::to_string(params.size());
  }
};

Filter filter_of(const BrowseQuery& query, const std::string& tsquery) {
  Filter f;
  std::vector<std::string> terms;
  if (!tsquery.empty()) {
    f.has_words = true;
    terms.push_back("s.search_vector @@ " + f.next_param(tsquery) + "::tsquery");
  }
  const auto equal = [&](const char* column, const std::string& value) {
    if (!value.empty()) terms.push_back(std::string(column) + " = " + f.next_param(pg_text(value)));
  };
  equal("s.issuer", query.issuer);
  equal("s.place", query.place);
  equal("s.year", query.year);
  equal("s.kind", query.kind);
  if (query.needs_review)
    terms.push_back(*query.needs_review ? "s.needs_review = 1" : "s.needs_review = 0");
  if (!query.date_from.empty())
    terms.push_back("s.release_date >= " + f.next_param(pg_text(query.date_from)));
  if (!query.date_to.empty())
    terms.push_back("s.release_date <= " + f.next_param(pg_text(query.date_to)));
  for (std::size_t i = 0; i < terms.size(); ++i) f.where += (i ? " AND " : " WHERE ") + terms[i];
  return f;
}

// The facet named by a GROUPING SETS row: the one grouped column that is not rolled up.
const char* facet_of(int grouping) {
  switch (grouping) {
    case 0b01111:
      return "issuer";
    case 0b10111:
      return "place";
    case 0b11011:
      return "year";
    case 0b11101:
      return "kind";
    case 0b11110:
      return "needs_review";
    default:
      return nullptr;
  }
}

// Adds the facet counts of the records `filter` matches to `result` (PgStore::browse).
void count_facets(pqxx::work& tx, const Filter& filter, BrowseResult& result) {
  const std::string facet_sql =
      "SELECT GROUPING(issuer, place, year, kind, needs_review), coalesce(issuer, ''), "
      "coalesce(place, ''), coalesce(year, ''), coalesce(kind, ''), needs_review, "
      "sum(n)::bigint FROM (SELECT s.issuer, s.place, s.year, s.kind, s.needs_review, "
      "count(*) AS n FROM record_search s" +
      filter.where +
      " GROUP BY 1, 2, 3, 4, 5) c GROUP BY GROUPING SETS ((issuer), (place), (year), (kind), "
      "(needs_review))";
  for (const pqxx::row& row :
       tx.exec_params(facet_sql, pqxx::prepare::make_dynamic_params(filter.params))) {
    const char* facet = facet_of(row[0].as<int>());
    if (!facet) continue;
    const std::int64_t count = row[6].as<std::int64_t>();
    std::string value;
    if (std::string(facet) == "issuer")
      value = text_of(row[1]);
    else if (std::string(facet) == "place")
      value = text_of(row[2]);
    else if (std::string(facet) == "year")
      value = text_of(row[3]);
    else if (std::string(facet) == "kind")
      value = text_of(row[4]);
    else {
      value = row[5].as<int>() ? "yes" : "no";
      result.total += count;
    }
    if (!value.empty()) result.facets[facet].push_back({value, count});
  }
  for (auto& [name, values] : result.facets) {
    std::stable_sort(values.begin(), values.end(), [](const FacetCount& a, const FacetCount& b) {
      return a.count != b.count ? a.count > b.count : a.value < b.value;
    });
    if (values.size() > static_cast<std::size_t>(kMaxFacetValues)) values.resize(kMaxFacetValues);
  }
}

// The ids of the page of hits `query` asks for, in order, out of `total` matches of
// `filter` (PgStore::browse).
std::vector<std::int64_t> page_of_hits(pqxx::work& tx, const BrowseQuery& query,
                                       const Filter& filter, std::int64_t total) {
  std::vector<std::int64_t> ids;
  // Appends the ids `select` (ending in ORDER BY) finds, `limit` of them from `offset` on.
  const auto add_ids = [&](const std::string& select, std::int64_t limit, std::int64_t offset) {
    if (limit <= 0) return;
    std::vector<std::string> params = filter.params;
    params.push_back(std::to_string(limit));
    params.push_back(std::to_string(offset));
    const std::string n = std::to_string(params.size());
    const std::string sql = select + " LIMIT $" + std::to_string(params.size() - 1) +
                            "::bigint OFFSET $" + n + "::bigint";
    for (const pqxx::row& row : tx.exec_params(sql, pqxx::prepare::make_dynamic_params(params)))
      ids.push_back(row[0].as<std::int64_t>());
  };
  const std::string matches = "SELECT s.record_id FROM record_search s" + filter.where;
  const std::int64_t offset = query.offset, end = offset + query.limit;
  if (!filter.has_words || query.by_date) {
    add_ids(matches + " ORDER BY s.release_date DESC NULLS LAST, s.record_id DESC", query.limit,
            offset);
  } else if (total <= kRankedMatches) {
    add_ids(matches + " ORDER BY ts_rank(s.search_vector, $1::tsquery) DESC, s.record_id",
            query.limit, offset);
  } else {
    // Newest first by a key no index has: the newest matches are then chosen among the GIN
    // index's matches, which reads their narrow rows only. Through the newest-first index
    // the planner would test every row it passes with `@@`, reading its tsvector.
    const std::string newest = " ORDER BY coalesce(s.release_date, '') DESC, s.record_id DESC";
    const std::string ranked = std::to_string(kRankedMatches);
    add_ids("SELECT n.record_id FROM (SELECT s.record_id, s.search_vector FROM record_search s" +
                filter.where + newest + " LIMIT " + ranked +
                ") n ORDER BY ts_rank(n.search_vector, $1::tsquery) DESC, n.record_id",
            std::min(end, kRankedMatches) - offset, offset);
    const std::int64_t rest = std::max(offset, kRankedMatches);
    add_ids(matches + newest, end - rest, rest);
  }
  return ids;
}

}  // namespace

// Filters, facets and the order of the hits read record_search (migration 7: what a
// search needs of each record, narrow, kept by triggers), not the records, whose rows carry
// the whole text; the records are read only for the page of hits shown. With words, the GIN
// index of record_search finds the matches.
//
// Facets: without words or filters, from facet_counts (kept by the store as it writes).
// Otherwise one scan of the matches groups them by all five facet columns at once, and
// GROUPING SETS count each facet over those groups (a few thousand, where the matches of a
// frequent word are tens of thousands); the needs_review set covers every match, so its
// counts add up to the total.
//
// Relevance (ts_rank) reads each ranked record's whole tsvector, out of line, and a frequent
// word matches tens of thousands of records. So a search with more than kRankedMatches
// matches ranks its kRankedMatches newest matches; the rest follow them, newest first. At
// most kRankedMatches matches, every match is ranked.
Result<BrowseResult> PgStore::browse(const BrowseQuery& query) {
  const std::vector<std::string> search_words = words(query.text);
  std::lock_guard lock(mutex_);
  try {
    pqxx::work tx(*conn_);
    tx.exec("SET LOCAL client_min_messages = warning");  // "query contains only stop words"
    std::string tsquery;
    if (!search_words.empty()) {
      std::vector<std::string> texts;
      for (const std::string& w : search_words) texts.push_back(pg_text(w));
      const pqxx::row row =
          tx.exec_params1(tsquery_sql(search_words), pqxx::prepare::make_dynamic_params(texts));
      tsquery = text_of(row[0]);
    }
    BrowseResult result = store::uncounted_browse_result();
    // Words that are all stop words match nothing (as search() has it).
    if (!search_words.empty() && tsquery.empty()) return result;
    const Filter filter = filter_of(query, tsquery);
    // The planner costs `@@` as cheap and, for a frequent word, prefers reading every row
    // to the GIN index; but each row's test then reads its tsvector, while the index
    // answers without reading any.
    if (filter.has_words) tx.exec("SET LOCAL enable_seqscan = off");
    if (filter.where.empty()) {
      for (const pqxx::row& row :
           tx.exec("SELECT facet, value, count FROM facet_counts WHERE count > 0 "
                   "ORDER BY facet, count DESC, value COLLATE \"C\""))
        store::add_kept_facet_count(result, text_of(row[0]), text_of(row[1]),
                                    row[2].as<std::int64_t>());
    } else {
      count_facets(tx, filter, result);
    }
    if (result.total == 0) return result;
    const std::vector<std::int64_t> ids = page_of_hits(tx, query, filter, result.total);
    if (ids.empty()) return result;

    std::vector<std::string> params;
    if (filter.has_words) params.push_back(tsquery);
    std::string id_list = "{";
    for (const std::int64_t id : ids)
      id_list += (id_list.size() > 1 ? "," : "") + std::to_string(id);
    params.push_back(id_list + "}");
    const std::string snippet =
        filter.has_words
            ? "ts_headline(CASE WHEN r.language = 'en' THEN 'english'::regconfig ELSE "
              "'german'::regconfig END, coalesce(r.text, ''), $1::tsquery, 'StartSel=' || chr(2) "
              "|| ', StopSel=' || chr(3) || ', MaxWords=18, MinWords=8, MaxFragments=1')"
            : "substr(coalesce(nullif(r.body, ''), r.text, ''), 1, 200)";
    std::map<std::int64_t, SearchHit> hits;
    for (const pqxx::row& row : tx.exec_params(
             "SELECT r.id, coalesce(r.title, ''), coalesce(r.release_date, ''), " + snippet +
                 ", coalesce(r.issuer, ''), coalesce(r.place, '') FROM records r "
                 "WHERE r.id = ANY($" +
                 std::to_string(params.size()) + "::bigint[])",
             pqxx::prepare::make_dynamic_params(params)))
      hits[row[0].as<std::int64_t>()] = {row[0].as<std::int64_t>(), text_of(row[1]),
                                         text_of(row[2]),           text_of(row[3]),
                                         text_of(row[4]),           text_of(row[5])};
    for (const std::int64_t id : ids)
      if (auto hit = hits.find(id); hit != hits.end()) result.hits.push_back(hit->second);
    return result;
  } catch (const std::exception& e) {
    return db_error("search failed", e);
  }
}

Result<std::optional<ClusterRow>> PgStore::cluster_of(std::int64_t id) {
  std::lock_guard lock(mutex_);
  try {
    pqxx::work tx(*conn_);
    std::optional<ClusterRow> cluster;
    for (const pqxx::row& row :
         tx.exec_params("SELECT c.id, coalesce(c.title, ''), coalesce(c.release_date, ''), m.id, "
                        "coalesce(m.duplicate_score, 0) "
                        "FROM records c JOIN records m ON m.duplicate_of = c.id "
                        "WHERE c.id = coalesce((SELECT duplicate_of FROM records WHERE id = $1), "
                        "$1) ORDER BY m.id",
                        id)) {
      if (!cluster)
        cluster = ClusterRow{row[0].as<std::int64_t>(), text_of(row[1]), text_of(row[2]), {}};
      cluster->members.emplace_back(row[3].as<std::int64_t>(), row[4].as<double>());
    }
    return cluster;
  } catch (const std::exception& e) {
    return db_error("cannot read the cluster of record " + std::to_string(id), e);
  }
}

}  // namespace pressarchive
