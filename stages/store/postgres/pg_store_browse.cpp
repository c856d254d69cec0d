// PostgreSQL backend: the web page's queries: search with facet counts
// (ArchiveStore::browse) and one record's cluster.
#include <algorithm>
#include <string>
#include <vector>

#include "stages/core/text_util.h"
#include "stages/store/postgres/pg_store_impl.h"

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

}  // namespace

// One scan counts all five facets (GROUPING SETS); the needs_review set covers every
// matching record, so its counts add up to the total. Filters, facets and the order of
// the hits read record_search (migration 7: what a search needs of each record, narrow,
// kept by triggers), not the records, whose rows carry the whole text; the records are
// read only for the page of hits shown. With words, the GIN index of record_search
// finds the matches.
//
// Relevance (ts_rank) reads each ranked record's whole tsvector, out of line, and a frequent
// word matches tens of thousands of records. So a search with more than
// kRankedMatches matches ranks its kRankedMatches newest matches; the rest follow them, newest
// first. At most kRankedMatches matches, every match is ranked.
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
    BrowseResult result;
    for (const char* name : {"issuer", "place", "year", "kind", "needs_review"})
      result.facets[name];
    // Words that are all stop words match nothing (as search() has it).
    if (!search_words.empty() && tsquery.empty()) return result;
    const Filter filter = filter_of(query, tsquery);
    // The planner costs `@@` as cheap and, for a frequent word, prefers reading every row
    // to the GIN index; but each row's test then decompresses its tsvector, while the
    // index answers without reading any.
    if (filter.has_words) tx.exec("SET LOCAL enable_seqscan = off");
    const std::string facet_sql =
        "SELECT GROUPING(s.issuer, s.place, s.year, s.kind, s.needs_review), "
        "coalesce(s.issuer, ''), coalesce(s.place, ''), coalesce(s.year, ''), "
        "coalesce(s.kind, ''), s.needs_review, count(*) FROM record_search s" +
        filter.where +
        " GROUP BY GROUPING SETS ((s.issuer), (s.place), (s.year), (s.kind), (s.needs_review))";
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
    if (result.total == 0) return result;

    std::vector<std::string> params = filter.params;
    const auto param = [&](std::string value) {
      params.push_back(std::move(value));
      return "$" + std::to_string(params.size());
    };
    // The page of hits is chosen in record_search (`page`, with the keys it is ordered
    // by), and only its records are read, for their title, place and snippet.
    std::string keys = "s.release_date, s.record_id";
    std::string from = " FROM record_search s" + filter.where;
    std::string order = "$.release_date DESC NULLS LAST, $.record_id DESC";
    if (filter.has_words && !query.by_date) {
      keys += ", ts_rank(s.search_vector, $1::tsquery) AS rank";
      order = "$.rank DESC, $.record_id";
      if (result.total > kRankedMatches) {
        // The newest matches ranked, then the others newest first (see above).
        keys =
            "s.release_date, s.record_id, ranked.record_id IS NULL AS unranked, CASE WHEN "
            "ranked.record_id IS NOT NULL THEN ts_rank(s.search_vector, $1::tsquery) END "
            "AS rank";
        from = " FROM record_search s LEFT JOIN (SELECT s.record_id FROM record_search s" +
               filter.where + " ORDER BY s.release_date DESC NULLS LAST, s.record_id DESC LIMIT " +
               param(std::to_string(kRankedMatches)) +
               "::bigint) ranked ON ranked.record_id = s.record_id" + filter.where;
        order = "$.unranked, $.rank DESC, $.release_date DESC NULLS LAST, $.record_id DESC";
      }
    }
    const std::string snippet =
        filter.has_words
            ? "ts_headline(CASE WHEN r.language = 'en' THEN 'english'::regconfig ELSE "
              "'german'::regconfig END, coalesce(r.text, ''), $1::tsquery, 'StartSel=' || chr(2) "
              "|| ', StopSel=' || chr(3) || ', MaxWords=18, MinWords=8, MaxFragments=1')"
            : "substr(coalesce(nullif(r.body, ''), r.text, ''), 1, 200)";
    const std::string limit = param(std::to_string(query.limit));
    const std::string offset = param(std::to_string(query.offset));
    // `order` names the keys with "$." for a prefix: none in the inner select (its output
    // columns), "page." outside.
    const auto order_in = [&](const std::string& prefix) {
      std::string out;
      for (std::size_t i = 0; i < order.size(); ++i) {
        if (order.compare(i, 2, "$.") == 0) {
          out += prefix;
          ++i;
        } else {
          out += order[i];
        }
      }
      return out;
    };
    const std::string hits_sql =
        "SELECT r.id, coalesce(r.title, ''), coalesce(r.release_date, ''), " + snippet +
        ", coalesce(r.issuer, ''), coalesce(r.place, '') FROM (SELECT " + keys + from +
        " ORDER BY " + order_in("") + " LIMIT " + limit + "::bigint OFFSET " + offset +
        "::bigint) page JOIN records r ON r.id = page.record_id ORDER BY " + order_in("page.");
    for (const pqxx::row& row :
         tx.exec_params(hits_sql, pqxx::prepare::make_dynamic_params(params)))
      result.hits.push_back({row[0].as<std::int64_t>(), text_of(row[1]), text_of(row[2]),
                             text_of(row[3]), text_of(row[4]), text_of(row[5])});
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
