#include "pipeline/ingest.h"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <functional>
#include <iomanip>
#include <nlohmann/json.hpp>
#include <ostream>
#include <set>
#include <sstream>

#include "pipeline/exit_codes.h"
#include "pipeline/graph.h"
#include "pipeline/report.h"
#include "pipeline/resign.h"
#include "pipeline/store_stage.h"
#include "pipeline/version.h"
#include "stages/engines/image_engine.h"
#include "stages/engines/ocr_lexicon.h"
#include "stages/engines/pdf_engine.h"
#include "stages/ingest/assemble.h"
#include "stages/ingest/discover.h"
#include "stages/metadata/base/rules.h"
#include "stages/metadata/learned_boilerplate.h"
#include "stages/store/placement.h"
#include "stages/store/postgres/pg_store.h"
#include "stages/store/store_access.h"

namespace pressarchive {
namespace {

Result<MetadataRules> load_rules(const Settings& settings) {
  if (settings.rules_file.empty())
    return parse_rules(builtin_rules_text(), "built-in config/rules.toml");
  std::ifstream in(settings.rules_file);
  if (!in) return make_error(Reason::kIo, settings.rules_file + ": cannot read the rules file");
  std::stringstream buffer;
  buffer << in.rdbuf();
  return parse_rules(buffer.str(), settings.rules_file);
}

// Issuers and places named by two records or more (one record may be a misreading) and
// the learned boilerplate in effect.
Result<ArchiveKnowledge> archive_knowledge(ArchiveStore& store,
                                           const LearnedBoilerplateOptions& options) {
  ArchiveKnowledge knowledge;
  Result<std::vector<std::string>> issuers = store.issuers(2);
  if (!issuers.ok()) return issuers.error();
  knowledge.issuers = std::move(*issuers);
  Result<std::vector<std::string>> places = store.places(2);
  if (!places.ok()) return places.error();
  knowledge.places = std::move(*places);
  Result<std::vector<BoilerplateLine>> lines = store.boilerplate_lines(options.min_records);
  if (!lines.ok()) return lines.error();
  knowledge.boilerplate = LearnedBoilerplate(*lines, options);
  return knowledge;
}

void print_summary(std::ostream& out, const RunSummary& s, std::int64_t run_id,
                   const std::string& store) {
  out << "\npressarchive run " << run_id << " into " << redact_uri(store) << "\n"
      << "  inputs            " << s.inputs << "\n"
      << "  archived          " << s.archived << "\n"
      << "  duplicates        " << s.duplicates << "  (same bytes as an archived source, linked)\n"
      << "  failed            " << s.failed << "\n";
  if (s.reprocessed > 0)
    out << "  reprocessed       " << s.reprocessed << "  (records re-derived in place)\n";
  if (s.near_duplicates > 0)
    out << "  same release      " << s.near_duplicates
        << "  (archived, linked into a cluster with another copy)\n";
  if (s.revisions > 0)
    out << "  revisions         " << s.revisions
        << "  (archived, linked to the release they revise)\n";
  if (s.skipped_known > 0) out << "  already archived  " << s.skipped_known << "  (skipped)\n";
  if (s.skipped_failed > 0)
    out << "  failed earlier    " << s.skipped_failed << "  (skipped; retry with --retry-failed)\n";
  out << "  pages OCR'd       " << s.pages_ocr << "\n"
      << "  pages text layer  " << s.pages_text_layer << "\n";
  if (s.pages_failed > 0) out << "  pages failed      " << s.pages_failed << "\n";
  out << "  wall time         " << std::fixed << std::setprecision(1) << s.seconds << " s";
  const std::int64_t pages = s.pages_ocr + s.pages_text_layer;
  if (pages > 0 && s.seconds > 0)
    out << "  (" << std::setprecision(2) << pages / s.seconds << " pages/s)";
  out << "\n";
  if (s.archived == 0 && s.duplicates == 0 && s.failed == 0 && s.reprocessed == 0)
    out << "Nothing new to archive.\n";
  if (s.failed > 0)
    out << "Some inputs failed: `pressarchive status` and `pressarchive export --include-failures` "
           "list them.\n";
}

void print_stage_times(std::ostream& out, const ProgressCounters& counters, double wall_seconds) {
  double total = 0;
  for (int s = 0; s < ProgressCounters::kStageCount; ++s) total += counters.stage_micros[s] / 1e6;
  out << "\ntime per stage (summed over threads; wall " << std::fixed << std::setprecision(1)
      << wall_seconds << " s)\n";
  for (int s = 0; s < ProgressCounters::kStageCount; ++s) {
    const double seconds = counters.stage_micros[s] / 1e6;
    out << "  " << std::left << std::setw(30)
        << stage_label(static_cast<ProgressCounters::Stage>(s)) << std::right << std::setw(9)
        << std::setprecision(2) << seconds << " s  " << std::setw(5) << std::setprecision(1)
        << (total > 0 ? 100 * seconds / total : 0) << " %\n";
  }
}

// Turns a reprocess selection into work: open failures are discovered again (the file
// may have been replaced or a limit raised), archived records are re-derived in place.
void plan_reprocess(const ReprocessSelection& selection, ArchiveStore& store, Discovery& discovery,
                    IngestPlan& plan, std::int64_t& unplannable, std::ostream& err) {
  if (selection.failed || selection.reason || !selection.since.empty() ||
      !selection.failure_ids.empty()) {
    std::vector<std::filesystem::path> paths;
    std::set<std::string> seen;
    const std::set<std::int64_t> chosen(selection.failure_ids.begin(), selection.failure_ids.end());
    Status s = store.for_each_failure([&](const Failure& f) {
      if (!chosen.empty() && !chosen.count(f.id)) return;
      if (selection.reason && f.reason != *selection.reason) return;
      if (!selection.since.empty() && f.created_at < selection.since) return;
      if (seen.insert(f.source_path).second) paths.emplace_back(f.source_path);
    });
    if (!s.ok()) report(err, s.error().message);
    discovery = discover_sources(paths);
    plan = plan_ingest(
        discovery.sources,
        [&store](const std::string& sha, const std::string& path) {
          return store.lookup(sha, path);
        },
        /*retry_failed=*/true);
  }
  for (std::int64_t id : selection.record_ids) {
    Result<std::optional<Record>> loaded = store.load_record(id);
    if (!loaded.ok() || !loaded->has_value()) {
      err << "failed: record " << id << ": no such record\n";
      ++unplannable;
      continue;
    }
    Record& record = **loaded;
    std::optional<Source> source;
    for (const std::string& path : record.source_paths) {
      Discovery found = discover_sources({path});
      if (!found.sources.empty() && found.sources[0].sha256 == record.sha256) {
        source = found.sources[0];
        break;
      }
    }
    if (!source) {
      err << "failed: record " << id
          << ": none of its source files is still there with the archived content\n";
      ++unplannable;
      continue;
    }
    WorkItem item;
    item.source = *source;
    item.replaces_record = id;
    // The archived value of a manual field is the archivist's value.
    for (const std::string& field : record.manual_fields)
      item.corrections[field] = metadata_field(record.metadata, field);
    // Out of the queue with reasons on record: an archivist confirmed it as it is.
    if (!record.needs_review && !record.review_reasons.empty()) {
      item.confirmed_fields.emplace();
      for (const std::string& field : review_key_fields())
        (*item.confirmed_fields)[field] = metadata_field(record.metadata, field);
    }
    if (selection.only_failed_pages) {
      for (PageResult& page : record.pages) {
        if (page.method == PageMethod::kFailed)
          item.only_pages.push_back(page.number);
        else
          item.kept_pages.push_back(std::move(page));
      }
      if (item.only_pages.empty()) continue;  // nothing failed: nothing to redo
    }
    plan.work.push_back(std::move(item));
    discovery.sources.push_back(*source);
  }
}

}  // namespace

std::string provenance_json(const Settings& settings) {
  nlohmann::json p = {
      {"program", "pressarchive"},
      {"version", kVersion},
      {"tesseract", OcrEngine::version()},
      {"poppler", PdfDocument::version()},
      {"leptonica", leptonica_version()},
      {"languages", settings.languages},
      {"render_dpi", settings.load.render_dpi},
  };
  return p.dump();
}

namespace {

// The time `call` takes, added to `seconds`: waiting on the archive outside the store
// stage (opening it, reading what it knows, lookups, run rows), reported to queue
// workers (bench/pg_workers.sh).
template <class Call>
auto timed(double& seconds, Call&& call) {
  const auto begin = std::chrono::steady_clock::now();
  auto result = call();
  seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
  return result;
}

}  // namespace

int open_ingest_session(const Config& config, const std::string& worker, IngestSession& session,
                        std::ostream& err) {
  Result<Settings> settings_or = config.settings();
  if (!settings_or.ok()) {
    return report_error(err, exit_code::kUsage, "configuration: ", settings_or.error().message);
  }
  session.settings = std::move(*settings_or);
  const Settings& settings = session.settings;
  Result<MetadataRules> rules = load_rules(settings);
  if (!rules.ok()) {
    return report_error(err, exit_code::kUsage, "rules: ", rules.error().message);
  }
  session.rules = std::move(*rules);
  // A read-only archive is said before any input is hashed or OCR'd, not at the first commit.
  if (Status writable = check_store_writable(settings.store); !writable.ok()) {
    return report_error(err, exit_code::kStoreError, writable.error().message);
  }
  Result<std::unique_ptr<ArchiveStore>> store_or =
      timed(session.archive_seconds, [&] { return open_store(settings.store); });
  if (!store_or.ok()) {
    return report_error(err, exit_code::kStoreError,
                        explain_store_write_failure(settings.store, store_or.error()));
  }
  session.store = std::move(*store_or);
  if (!worker.empty()) session.store->act_as_worker(worker);
  session.lexicon = std::make_shared<const OcrLexicon>(settings.languages, settings.tessdata_dir);
  if (Status read = refresh_knowledge(session); !read.ok()) {
    return report_error(err, exit_code::kStoreError, read.error().message);
  }
  if (Status languages = OcrEngine::check_languages(settings.languages, settings.tessdata_dir);
      !languages.ok()) {
    return report_error(err, exit_code::kMissingDependency, languages.error().message);
  }
  if (Status module = OcrEngine::check_module(); !module.ok()) {
    return report_error(err, exit_code::kMissingDependency, module.error().message);
  }
  session.engines = std::make_unique<EnginePool>(
      [languages = settings.languages, tessdata = settings.tessdata_dir] {
        return OcrEngine::create(languages, tessdata);
      });
  return exit_code::kOk;
}

Status refresh_knowledge(IngestSession& session) {
  // What earlier runs taught (known issuers, learned boilerplate), read once per run:
  // the documents of one run are extracted in parallel and do not teach each other.
  Result<ArchiveKnowledge> knowledge = timed(session.archive_seconds, [&] {
    return archive_knowledge(*session.store, session.settings.learned_boilerplate);
  });
  if (!knowledge.ok()) return knowledge.error();
  session.metadata.set(
      std::make_shared<const MetadataExtractor>(session.rules, *knowledge, session.lexicon));
  session.knowledge_read_at = std::chrono::steady_clock::now();
  return Status::Ok();
}

int run_ingest(const IngestRequest& request, std::ostream& out, std::ostream& err) {
  const auto start = std::chrono::steady_clock::now();
  IngestSession session;
  if (const int code = open_ingest_session(request.config, request.worker, session, err);
      code != exit_code::kOk)
    return code;
  return run_ingest_in(session, request, out, err, start);
}

Status resign_older_records(IngestSession& session, std::ostream& err) {
  const Settings& settings = session.settings;
  if (!settings.near_duplicates) return Status::Ok();
  // Records archived with an older signature scheme are re-signed from their stored
  // text before new ones are placed among them (pipeline/resign.h).
  Result<std::int64_t> resigned = timed(session.archive_seconds, [&] {
    return resign_older_signatures(*session.store, settings.near_duplicate);
  });
  if (!resigned.ok()) return resigned.error();
  if (*resigned > 0)
    err << "re-signed " << *resigned
        << " archived record(s) from their stored text (signature v2)\n";
  return Status::Ok();
}

std::size_t run_documents(IngestSession& session, WorkSource& work, StoreStage& stage,
                          const std::atomic<bool>* stop, ProgressCounters& counters) {
  GraphInputs inputs;
  inputs.work = &work;
  inputs.settings = &session.settings;
  inputs.metadata = &session.metadata;
  inputs.engines = session.engines.get();
  inputs.progress = &counters;
  inputs.stop = [&] { return stage.refused() || (stop && stop->load()); };
  inputs.deliver = [&](DocumentOutcome&& outcome) { stage.deliver(std::move(outcome)); };
  return run_ingest_graph(std::move(inputs));
}

int run_ingest_in(IngestSession& session, const IngestRequest& request, std::ostream& out,
                  std::ostream& err, std::chrono::steady_clock::time_point start) {
  const Settings& settings = session.settings;
  ArchiveStore& store = *session.store;
  const auto waiting_on_archive = [&session](auto&& call) {
    return timed(session.archive_seconds, call);
  };

  Discovery discovery;
  IngestPlan plan;
  std::int64_t unplannable = 0;
  if (request.reprocess) {
    plan_reprocess(*request.reprocess, store, discovery, plan, unplannable, err);
  } else {
    discovery = discover_sources(request.paths);
    plan = waiting_on_archive([&] {
      return plan_ingest(
          discovery.sources,
          [&store](const std::string& sha, const std::string& path) {
            return store.lookup(sha, path);
          },
          settings.retry_failed);
    });
  }
  if (Status resigned = resign_older_records(session, err); !resigned.ok()) {
    return report_error(err, exit_code::kStoreError,
                        explain_store_write_failure(settings.store, resigned.error()));
  }
  Result<std::int64_t> run_id_or = waiting_on_archive([&] {
    return store.begin_run({agent_of(settings), request.command_line,
                            request.config.effective_toml(), provenance_json(settings)});
  });
  if (!run_id_or.ok()) {
    return report_error(err, exit_code::kStoreError,
                        explain_store_write_failure(settings.store, run_id_or.error()));
  }
  const std::int64_t run_id = *run_id_or;

  StoreStage stage(store, settings, run_id, err, request.show_progress && isatty(STDERR_FILENO));
  RunSummary planned;
  planned.inputs =
      static_cast<std::int64_t>(discovery.sources.size() + discovery.unreadable.size()) +
      unplannable;
  planned.failed = unplannable;
  planned.skipped_known = static_cast<std::int64_t>(plan.already_archived.size());
  planned.skipped_failed = static_cast<std::int64_t>(plan.failed_before.size());
  stage.add(planned);
  for (const Failure& f : discovery.unreadable) stage.record_failure(f);
  for (const auto& [source, record_id] : plan.links) stage.link(source, record_id);

  ProgressCounters counters;
  counters.documents_total = static_cast<std::int64_t>(plan.work.size());
  std::size_t not_started = 0;
  {
    ProgressReporter reporter(counters, settings.log_interval_seconds, request.show_progress);
    PlannedWork work(plan.work);
    not_started = run_documents(session, work, stage, request.stop, counters);
  }
  RunSummary summary = stage.summary();
  summary.pages_ocr = counters.pages_ocr;
  summary.pages_text_layer = counters.pages_text_layer;
  summary.pages_failed = counters.pages_failed;
  summary.store_seconds = std::exchange(session.archive_seconds, 0) +
                          counters.stage_micros[ProgressCounters::kStore] / 1e6;
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  summary.exit_code = exit_code_of(summary, stage.refused(), not_started);
  const auto finish_start = std::chrono::steady_clock::now();
  stage.check(store.finish_run(run_id, summary));
  summary.store_seconds +=
      std::chrono::duration<double>(std::chrono::steady_clock::now() - finish_start).count();
  print_summary(out, summary, run_id, settings.store);
  if (request.show_stats) print_stage_times(out, counters, summary.seconds);
  if (stage.refused())
    out << "Stopped: the archive refused a write; " << not_started + stage.not_stored()
        << " inputs were not stored. Run the same command again once it can be written.\n";
  else if (not_started > 0)
    out << "Interrupted: " << not_started
        << " inputs not started; run the same command again to continue.\n";
  if (stage.refused()) summary.exit_code = exit_code::kStoreError;
  if (request.summary) *request.summary = summary;
  return summary.exit_code;
}

int exit_code_of(const RunSummary& summary, bool store_refused, std::size_t not_started) {
  if (store_refused) return exit_code::kStoreError;
  if (not_started > 0) return exit_code::kInterrupted;
  if (summary.failed > 0) return exit_code::kCompletedWithFailures;
  return exit_code::kOk;
}

std::string agent_of(const Settings& settings) {
  return std::string("pressarchive ") + kVersion + "; tesseract " + OcrEngine::version() + " (" +
         settings.languages + "); poppler " + PdfDocument::version() + "; " + leptonica_version();
}

}  // namespace pressarchive
