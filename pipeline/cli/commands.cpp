#include "pipeline/cli/commands.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <nlohmann/json.hpp>
#include <ostream>

#include "pipeline/exit_codes.h"
#include "pipeline/report.h"
#include "pipeline/version.h"
#include "stages/core/text_util.h"
#include "stages/export/record_writer.h"
#include "stages/store/archive_store.h"
#include "stages/store/postgres/job_queue.h"
#include "stages/store/postgres/pg_store.h"

namespace pressarchive {
namespace {

std::string or_dash(const std::string& s) { return s.empty() ? "-" : valid_utf8(s); }

}  // namespace

int run_status(const std::string& store_path, std::ostream& out, std::ostream& err) {
  auto store = open_existing_store(store_path);
  if (!store.ok()) {
    return report_store_error(err, store.error());
  }
  Result<StoreStatus> st = (*store)->status();
  if (!st.ok()) {
    return report_store_error(err, st.error());
  }
  out << "archive " << redact_uri(store_path) << "\n"
      << "  records            " << st->records << "\n"
      << "  sources            " << st->sources << "  (" << st->duplicate_sources
      << " linked as exact duplicates)\n"
      << "  pages              " << st->pages << "\n"
      << "  open failures      " << st->failures << "\n";
  for (const auto& [reason, count] : st->failures_by_reason)
    out << "    " << std::left << std::setw(16) << reason << " " << count << "\n";
  if (is_postgresql_location(store_path)) {
    if (Result<std::unique_ptr<JobQueue>> queue = open_job_queue(store_path); queue.ok()) {
      if (Result<QueueCounts> jobs = (*queue)->counts(); jobs.ok())
        out << "  jobs               " << jobs->queued << " queued, " << jobs->running
            << " running, " << jobs->done << " done, " << jobs->quarantined << " quarantined\n";
    }
  }
  if (!st->last_runs.empty()) out << "last runs:\n";
  for (const RunRow& run : st->last_runs) {
    out << "  #" << run.id << "  " << run.started_at << "  ";
    if (run.finished_at.empty()) {
      out << "did not finish\n";
      continue;
    }
    out << "inputs " << run.summary.inputs << ", archived " << run.summary.archived
        << ", duplicates " << run.summary.duplicates << ", failed " << run.summary.failed
        << ", exit " << run.summary.exit_code << ", " << std::fixed << std::setprecision(1)
        << run.summary.seconds << " s\n";
  }
  return exit_code::kOk;
}

int run_show(const std::string& store_path, std::int64_t id, bool with_text, bool with_history,
             std::ostream& out, std::ostream& err) {
  auto store = open_existing_store(store_path);
  if (!store.ok()) {
    return report_store_error(err, store.error());
  }
  Result<std::optional<Record>> loaded = (*store)->load_record(id);
  if (!loaded.ok()) {
    return report_store_error(err, loaded.error());
  }
  if (!loaded->has_value()) {
    return report_error(err, exit_code::kNotFound, "no record ", id, " in ", store_path);
  }
  const Record& r = **loaded;
  const Metadata& m = r.metadata;
  out << "record " << r.id << "  (" << record_kind_name(r.kind) << ", " << r.pages.size()
      << " pages, " << r.status << ")\n"
      << "  title         " << or_dash(m.title) << "\n"
      << "  subtitle      " << or_dash(m.subtitle) << "\n"
      << "  release date  " << or_dash(m.release_date) << "\n"
      << "  place         " << or_dash(m.place) << "\n"
      << "  issuer        " << or_dash(m.issuer) << "\n"
      << "  language      " << or_dash(m.language) << "\n"
      << "  type          " << or_dash(m.document_type) << "\n";
  if (!m.persons.empty()) {
    out << "  persons       ";
    for (std::size_t i = 0; i < m.persons.size(); ++i)
      out << (i ? "; " : "") << valid_utf8(m.persons[i].name)
          << (m.persons[i].role.empty() ? "" : " (" + valid_utf8(m.persons[i].role) + ")");
    out << "\n";
  }
  if (!m.confidence.empty()) {
    out << "  field confidence";
    for (const char* field : {"title", "release_date", "place", "issuer"})
      if (auto it = m.confidence.find(field); it != m.confidence.end())
        out << " " << field << " " << std::fixed << std::setprecision(2) << it->second;
    out << "\n";
  }
  if (!r.manual_fields.empty()) {
    out << "  corrected     ";
    for (const std::string& f : r.manual_fields) out << f << " ";
    out << "(by hand)\n";
  }
  if (r.ocr_confidence)
    out << "  confidence    " << std::fixed << std::setprecision(1) << *r.ocr_confidence << "\n";
  out << "  sha256        " << r.sha256 << "\n  archived      " << r.created_at << "\nsources:\n";
  for (const std::string& p : r.source_paths) out << "  " << valid_utf8(p) << "\n";
  out << "pages:\n";
  for (const PageResult& p : r.pages) {
    out << "  " << std::setw(4) << p.number << "  " << std::left << std::setw(10)
        << page_method_name(p.method) << std::right;
    if (p.confidence) out << "  confidence " << std::fixed << std::setprecision(1) << *p.confidence;
    if (p.rotation) out << "  rotated " << p.rotation;
    if (p.skew != 0) out << "  deskewed " << std::setprecision(2) << p.skew;
    if (p.error) out << "  " << reason_name(p.error->reason) << ": " << p.error->message;
    out << "\n";
  }
  if (Result<std::vector<ClusterRow>> clusters = (*store)->clusters(); clusters.ok()) {
    const std::int64_t canonical = r.duplicate_of.value_or(r.id);
    for (const ClusterRow& c : *clusters) {
      if (c.canonical != canonical) continue;
      out << "cluster (same release):\n  " << c.canonical << "  canonical"
          << (c.canonical == r.id ? "  <- this record" : "") << "\n";
      for (const auto& [member, score] : c.members)
        out << "  " << member << "  duplicate, score " << std::fixed << std::setprecision(2)
            << score << (member == r.id ? "  <- this record" : "") << "\n";
    }
  }
  if (Result<std::vector<std::pair<std::int64_t, double>>> revisions = (*store)->revisions_of(r.id);
      revisions.ok() && !revisions->empty()) {
    out << "related revisions:\n";
    for (const auto& [other, score] : *revisions)
      out << "  " << other << "  score " << std::fixed << std::setprecision(2) << score << "\n";
  }
  if (r.needs_review) {
    out << "needs review:\n";
    for (const std::string& reason : r.review_reasons) out << "  " << reason << "\n";
  }
  if (with_history) {
    Result<std::vector<Event>> events = (*store)->events(id);
    if (!events.ok()) {
      return report_store_error(err, events.error());
    }
    out << "history:\n";
    for (const Event& e : *events)
      out << "  " << e.at << "  " << std::left << std::setw(10) << e.type << std::right << " "
          << e.outcome << "  run " << e.run_id << "  " << valid_utf8(e.detail) << "\n      by "
          << e.agent << (e.source_path.empty() ? "" : "\n      source " + valid_utf8(e.source_path))
          << "\n";
  }
  if (with_text) out << "text:\n" << valid_utf8(r.text) << "\n";
  return exit_code::kOk;
}

int run_failed(const std::string& store_path, bool as_json, const std::string& reason,
               std::int64_t run_id, std::ostream& out, std::ostream& err) {
  auto store = open_existing_store(store_path);
  if (!store.ok()) {
    return report_store_error(err, store.error());
  }
  if (!reason.empty() && !reason_from_name(reason)) {
    return report_error(
        err, exit_code::kUsage, "unknown reason '", reason,
        "' (unreadable, encrypted, unsupported, too large, timeout, no text, io, internal)");
  }
  std::int64_t shown = 0;
  Status s = (*store)->for_each_failure([&](const Failure& f) {
    if (!reason.empty() && reason_name(f.reason) != reason) return;
    if (run_id > 0 && f.run_id != run_id) return;
    ++shown;
    if (as_json) {
      nlohmann::json j = {{"id", f.id},
                          {"source_path", valid_utf8(f.source_path)},
                          {"sha256", f.sha256},
                          {"stage", f.stage},
                          {"reason", reason_name(f.reason)},
                          {"error", valid_utf8(f.message)},
                          {"attempt", f.attempt},
                          {"run", f.run_id},
                          {"created_at", f.created_at}};
      out << j.dump() << "\n";
    } else {
      out << f.created_at << "  " << std::left << std::setw(12) << reason_name(f.reason)
          << std::right << " attempt " << f.attempt << "  " << valid_utf8(f.source_path) << "\n    "
          << valid_utf8(f.message) << "\n";
    }
  });
  if (!s.ok()) {
    return report_store_error(err, s.error());
  }
  if (!as_json) err << shown << " open failure(s); retry with `pressarchive reprocess --failed`\n";
  return exit_code::kOk;
}

int run_review(const std::string& store_path, std::ostream& out, std::ostream& err) {
  auto store = open_existing_store(store_path);
  if (!store.ok()) {
    return report_store_error(err, store.error());
  }
  std::int64_t count = 0;
  Status s = (*store)->for_each_review([&](const Record& r) {
    ++count;
    out << r.id << "\t" << or_dash(r.metadata.release_date) << "\t" << or_dash(r.metadata.title)
        << "\n";
    for (const std::string& reason : r.review_reasons) out << "\t- " << reason << "\n";
  });
  if (!s.ok()) {
    return report_store_error(err, s.error());
  }
  err << count << " record(s) to review; correct with `pressarchive edit ID --title ...`, "
      << "clear with `pressarchive edit ID --reviewed`\n";
  return exit_code::kOk;
}

int run_edit(const std::string& store_path, std::int64_t id,
             const std::vector<std::pair<std::string, std::string>>& fields, bool reviewed,
             std::ostream& out, std::ostream& err) {
  auto store = open_existing_store(store_path);
  if (!store.ok()) {
    return report_store_error(err, store.error());
  }
  const std::string agent = std::string("archivist via pressarchive ") + kVersion;
  for (const auto& [field, value] : fields) {
    if (field == "release_date" && !value.empty()) {
      const bool iso = value.size() == 10 && value[4] == '-' && value[7] == '-' &&
                       std::all_of(value.begin(), value.end(), [](char c) {
                         return std::isdigit(static_cast<unsigned char>(c)) || c == '-';
                       });
      if (!iso) {
        return report_error(err, exit_code::kUsage, "--release-date needs YYYY-MM-DD, not '", value,
                            "'");
      }
    }
    if (Status s = (*store)->set_manual_field(id, field, value, agent); !s.ok()) {
      return report_error(
          err,
          s.error().reason == Reason::kUnsupported ? exit_code::kNotFound : exit_code::kStoreError,
          s.error().message);
    }
    out << "record " << id << ": " << field << " = '" << value
        << "' (manual; kept when reprocessed)\n";
  }
  if (reviewed) {
    if (Status s = (*store)->mark_reviewed(id, agent); !s.ok()) {
      return report_error(err, exit_code::kNotFound, s.error().message);
    }
    out << "record " << id << ": reviewed\n";
  }
  return exit_code::kOk;
}

int run_duplicates(const std::string& store_path, std::ostream& out, std::ostream& err) {
  auto store = open_existing_store(store_path);
  if (!store.ok()) {
    return report_store_error(err, store.error());
  }
  Result<std::vector<ClusterRow>> clusters = (*store)->clusters();
  if (!clusters.ok()) {
    return report_store_error(err, clusters.error());
  }
  for (const ClusterRow& c : *clusters) {
    out << c.canonical << "\t" << or_dash(c.release_date) << "\t" << or_dash(c.title) << "\n";
    for (const auto& [member, score] : c.members)
      out << "\t" << member << "  score " << std::fixed << std::setprecision(2) << score << "\n";
  }
  err << clusters->size() << " cluster(s)\n";
  return exit_code::kOk;
}

int run_search(const std::string& store_path, const std::string& query, int limit,
               std::ostream& out, std::ostream& err) {
  auto store = open_existing_store(store_path);
  if (!store.ok()) {
    return report_store_error(err, store.error());
  }
  Result<std::vector<SearchHit>> hits = (*store)->search(query, limit);
  if (!hits.ok()) {
    return report_store_error(err, hits.error());
  }
  for (const SearchHit& hit : *hits) {
    out << hit.record_id << "\t" << or_dash(hit.release_date) << "\t" << or_dash(hit.title) << "\n";
    std::string snippet = valid_utf8(hit.snippet);
    for (char& c : snippet)
      if (c == '\n' || c == '\f') c = ' ';
    out << "\t" << snippet << "\n";
  }
  if (hits->empty()) {
    err << "no records match '" << query << "'\n";
    return exit_code::kNotFound;
  }
  return exit_code::kOk;
}

}  // namespace pressarchive
