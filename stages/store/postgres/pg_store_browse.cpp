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

// WHERE of one browse query over `records r`, with its parameters ($1, $2, ... in order);
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
    terms.push_back("r.search_vector @@ " + f.next_param(tsquery) + "::tsquery");
  }
  const auto equal = [&](const char* column, const std::string& value) {
    if (!value.empty()) terms.push_back(std::string(column) + " = " + f.next_param(pg_text(value)));
  };
  equal("r.issuer", query.issuer);
  equal("r.place", query.place);
  equal("substr(r.release_date, 1, 4)", query.year);
  equal("r.kind", query.kind);
  if (query.needs_review)
    terms.push_back(*query.needs_review ? "r.needs_review = 1" : "r.needs_review = 0");
  if (!query.date_from.empty())
    terms.push_back("r.release_date >= " + f.next_param(pg_text(query.date_from)));
  if (!query.date_to.empty())
    terms.push_back("r.release_date <= " + f.next_param(pg_text(query.date_to)));
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
// matching record, so its counts add up to the total. Without words that scan reads the
// records_facets index, not the rows (which carry the whole text); with words, the GIN
// index's matches.
//
// Relevance (ts_rank) reads each ranked record's whole tsvector, out of line and
// compressed: ranking tens of thousands of matches of a frequent word took over a
// second. So a search with more than kRankedMatches matches ranks its kRankedMatches
// newest matches; the rest follow them, newest first. At most kRankedMatches matches,
// every match is ranked.
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
        "SELECT GROUPING(r.issuer, r.place, substr(r.release_date, 1, 4), r.kind, "
        "r.needs_review), coalesce(r.issuer, ''), coalesce(r.place, ''), "
        "coalesce(substr(r.release_date, 1, 4), ''), coalesce(r.kind, ''), r.needs_review, "
        "count(*) FROM records r" +
        filter.where +
        " GROUP BY GROUPING SETS ((r.issuer), (r.place), (substr(r.release_date, 1, 4)), "
        "(r.kind), (r.needs_review))";
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
    const std::string newest = " ORDER BY r.release_date DESC NULLS LAST, r.id DESC";
    std::string from = " FROM records r" + filter.where, order = newest;
    if (filter.has_words && !query.by_date) {
      order = " ORDER BY ts_rank(r.search_vector, $1::tsquery) DESC, r.id";
      if (result.total > kRankedMatches) {
        // The newest matches ranked, then the others newest first (see above).
        from = " FROM records r LEFT JOIN (SELECT r.id FROM records r" + filter.where + newest +
               " LIMIT " + param(std::to_string(kRankedMatches)) +
               "::bigint) ranked ON ranked.id = r.id" + filter.where;
        order =
            " ORDER BY (ranked.id IS NULL), CASE WHEN ranked.id IS NOT NULL THEN "
            "ts_rank(r.search_vector, $1::tsquery) END DESC, r.release_date DESC NULLS LAST, "
            "r.id DESC";
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
    const std::string hits_sql =
        "SELECT r.id, coalesce(r.title, ''), coalesce(r.release_date, ''), " + snippet +
        ", coalesce(r.issuer, ''), coalesce(r.place, '')" + from + order + " LIMIT " + limit +
        "::bigint OFFSET " + offset + "::bigint";
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
