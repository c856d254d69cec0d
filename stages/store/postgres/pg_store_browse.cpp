// PostgreSQL backend: the web page's queries: search with facet counts
// (ArchiveStore::browse) and one record's cluster.
#include <algorithm>
#include <string>
#include <vector>

#include "stages/core/text_util.h"
#include "stages/store/postgres/pg_store_impl.h"

namespace pressarchive {
namespace {

std::string text_of(const pqxx::field& f) {
  return f.is_null() ? std::string() : std::string(f.c_str(), f.size());
}

// WHERE of one browse query over `records r, q`, with its parameters ($1, $2, ... in
// order). Words match as in search(): each word's German or English stem.
struct Filter {
  std::string tsquery = "NULL::tsquery";
  std::string where;
  std::vector<std::string> params;
  bool has_words = false;

  std::string next_param(std::string value) {
    params.push_back(std::move(value));
    return "$" + std::to_string(params.size());
  }
};

Filter filter_of(const BrowseQuery& query) {
  Filter f;
  std::vector<std::string> terms;
  std::string match;
  for (const std::string& w : words(query.text)) {
    const std::string p = f.next_param(pg_text(w));
    if (!match.empty()) match += " && ";
    match += "(plainto_tsquery('german', " + p + ") || plainto_tsquery('english', " + p + "))";
  }
  if (!match.empty()) {
    f.has_words = true;
    f.tsquery = match;
    terms.push_back("numnode(q.query) > 0 AND r.search_vector @@ q.query");
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
// matching record, so its counts add up to the total.
Result<BrowseResult> PgStore::browse(const BrowseQuery& query) {
  Filter filter = filter_of(query);
  const std::string with = "WITH q AS (SELECT " + filter.tsquery + " AS query) ";
  const std::string facet_sql =
      with +
      "SELECT GROUPING(r.issuer, r.place, substr(r.release_date, 1, 4), r.kind, r.needs_review), "
      "coalesce(r.issuer, ''), coalesce(r.place, ''), coalesce(substr(r.release_date, 1, 4), ''), "
      "coalesce(r.kind, ''), r.needs_review, count(*) FROM records r, q" +
      filter.where +
      " GROUP BY GROUPING SETS ((r.issuer), (r.place), (substr(r.release_date, 1, 4)), (r.kind), "
      "(r.needs_review))";
  const std::string snippet =
      filter.has_words
          ? "ts_headline(CASE WHEN r.language = 'en' THEN 'english'::regconfig ELSE "
            "'german'::regconfig END, "
            "coalesce(r.text, ''), q.query, 'StartSel=' || chr(2) || ', StopSel=' || chr(3) || "
            "', MaxWords=18, MinWords=8, MaxFragments=1')"
          : "substr(coalesce(nullif(r.body, ''), r.text, ''), 1, 200)";
  const std::string order = filter.has_words && !query.by_date
                                ? " ORDER BY ts_rank(r.search_vector, q.query) DESC, r.id"
                                : " ORDER BY r.release_date DESC NULLS LAST, r.id DESC";
  std::vector<std::string> page_params = filter.params;
  page_params.push_back(std::to_string(query.limit));
  page_params.push_back(std::to_string(query.offset));
  const std::string hits_sql =
      with + "SELECT r.id, coalesce(r.title, ''), coalesce(r.release_date, ''), " + snippet +
      ", coalesce(r.issuer, ''), coalesce(r.place, '') FROM records r, q" + filter.where + order +
      " LIMIT $" + std::to_string(page_params.size() - 1) + "::bigint OFFSET $" +
      std::to_string(page_params.size()) + "::bigint";
  std::lock_guard lock(mutex_);
  try {
    pqxx::work tx(*conn_);
    tx.exec("SET LOCAL client_min_messages = warning");  // "query contains only stop words"
    BrowseResult result;
    for (const char* name : {"issuer", "place", "year", "kind", "needs_review"})
      result.facets[name];
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
    for (const pqxx::row& row :
         tx.exec_params(hits_sql, pqxx::prepare::make_dynamic_params(page_params)))
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
