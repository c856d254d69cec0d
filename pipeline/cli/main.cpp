// pressarchive: archival OCR ingestion. The command-line entry point: parses the
// command, loads the configuration and hands over to pipeline/ingest or
// pipeline/cli/commands.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>

#include "pipeline/cli/commands.h"
#include "pipeline/cli/report.h"
#include "pipeline/cli/serve.h"
#include "pipeline/config.h"
#include "pipeline/exit_codes.h"
#include "pipeline/ingest.h"
#include "pipeline/version.h"
#include "pipeline/worker.h"
#include "stages/metadata/learned_boilerplate.h"
#include "stages/metadata/rules.h"

namespace {

std::atomic<bool> g_stop{false};
std::atomic<int> g_signal{0};

void on_signal(int signal) {
  g_signal.store(signal);
  g_stop.store(true);
  // A second signal of the same kind ends the process at once.
  std::signal(signal, SIG_DFL);
}

// A run stopped by a signal exits the shell's way: 128 + the signal (130 for SIGINT,
// 143 for SIGTERM), after committing what was finished.
int conventional(int code) {
  return code == pressarchive::exit_code::kInterrupted && g_signal.load() != 0
             ? 128 + g_signal.load()
             : code;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace pressarchive;
  // Tesseract's OpenMP threads would compete with the graph's workers, which already
  // keep every core busy with one engine each (measured: one page took 12 s of wall
  // time instead of 2 s, mostly in futex calls). libgomp reads OMP_THREAD_LIMIT when it
  // is loaded, which is with the Tesseract module, after this.
  setenv("OMP_THREAD_LIMIT", "1", 0);

  CLI::App app{"pressarchive " + std::string(kVersion) +
               ": scanned and PDF press releases in, structured, searchable records out.\n"
               "Exit codes: 0 ok, 2 usage/config error, 3 completed with failed inputs, 4 archive\n"
               "error, 5 missing dependency, 6 not found, 10 internal error, 130 interrupted."};
  app.set_version_flag("--version", std::string(kVersion));
  app.require_subcommand(1);
  std::string store, config_file;
  app.add_option(
      "--store", store,
      "Archive store: SQLite file or postgresql:// URI; default from config: archive.db");
  app.add_option("--config", config_file, "TOML file overriding config/pressarchive.toml");

  std::vector<std::string> paths;
  int jobs = -1;
  std::string lang;
  bool quiet = false, retry_failed = false, stats = false;
  // Options every batch command (ingest, reprocess) takes.
  const auto add_batch_options = [&](CLI::App* command) {
    command->add_option("--store", store, "Archive store (SQLite file or postgresql:// URI)");
    command->add_option("--config", config_file, "TOML file overriding the defaults");
    command->add_option("-j,--jobs", jobs, "Worker threads (default: one per core)")
        ->check(CLI::NonNegativeNumber);
    command->add_option("-l,--lang", lang, "Tesseract languages, e.g. deu+eng");
    command->add_flag("-q,--quiet", quiet, "No progress display");
  };
  CLI::App* ingest =
      app.add_subcommand("ingest", "Archive the PDFs and images found in PATHs (files or folders)");
  ingest->add_option("paths", paths, "Files or folders to ingest")->required();
  add_batch_options(ingest);
  ingest->add_flag("--retry-failed", retry_failed, "Retry inputs that failed in an earlier run");
  ingest->add_flag("--stats", stats, "Print where the time went, per stage");

  CLI::App* status =
      app.add_subcommand("status", "Counts by outcome, open failures by reason, last runs");
  status->add_option("--store", store, "Archive store (SQLite file or postgresql:// URI)");

  std::int64_t id = 0;
  bool with_text = false, with_history = false;
  CLI::App* show = app.add_subcommand("show", "One record: fields, sources, pages, confidence");
  show->add_option("id", id, "Record id")->required();
  show->add_option("--store", store, "Archive store (SQLite file or postgresql:// URI)");
  show->add_flag("--text", with_text, "Also print the full text");
  show->add_flag("--history", with_history, "Also print the record's provenance events");

  bool failed_json = false;
  std::string failed_reason;
  std::int64_t failed_run = 0;
  CLI::App* failed = app.add_subcommand("failed", "Open failures with their reasons, newest first");
  failed->add_flag("--json", failed_json, "One JSON object per line");
  failed->add_option("--reason", failed_reason,
                     "Only this reason (unreadable, encrypted, too large, ...)");
  failed->add_option("--run", failed_run, "Only failures of this run");
  failed->add_option("--store", store, "Archive store (SQLite file or postgresql:// URI)");

  ReprocessSelection selection;
  std::string reprocess_reason;
  CLI::App* reprocess = app.add_subcommand(
      "reprocess",
      "Run failed inputs or archived records again (e.g. after installing a language)");
  reprocess->add_flag("--failed", selection.failed, "Every open failure");
  reprocess->add_option("--reason", reprocess_reason, "Open failures with this reason");
  reprocess->add_option("--since", selection.since,
                        "Open failures recorded at or after this date (YYYY-MM-DD)");
  reprocess->add_option("--failure", selection.failure_ids,
                        "Open failures by their id (`failed --json` shows it)");
  reprocess->add_option("--id", selection.record_ids,
                        "Archived records to re-derive in place (keeps id and manual corrections)");
  reprocess->add_flag("--only-failed-pages", selection.only_failed_pages,
                      "With --id: redo just the pages that failed");
  add_batch_options(reprocess);

  std::vector<std::string> enqueue_paths;
  CLI::App* enqueue = app.add_subcommand(
      "enqueue", "Queue PATHs (files or folders) for the workers of a PostgreSQL archive");
  enqueue->add_option("paths", enqueue_paths, "Files or folders to queue")->required();
  enqueue->add_option("--store", store, "Archive store: postgresql://user@host/db")->required();
  enqueue->add_option("--config", config_file, "TOML file overriding the defaults");

  WorkerRequest worker_request;
  CLI::App* worker = app.add_subcommand(
      "worker",
      "Take queued jobs from a PostgreSQL archive and archive them (run one per machine)");
  add_batch_options(worker);
  worker->get_option("--store")->required()->description(
      "Archive store: postgresql://user@host/db");
  worker->add_option("--name", worker_request.name, "Lease owner name (default: host:pid)");
  worker->add_flag("--until-empty", worker_request.until_empty,
                   "Exit once no job is queued or running");

  CLI::App* duplicates =
      app.add_subcommand("duplicates", "Clusters of records that are the same release");
  duplicates->add_option("--store", store, "Archive store (SQLite file or postgresql:// URI)");

  CLI::App* review = app.add_subcommand("review", "Records flagged for review, with the reasons");
  review->add_option("--store", store, "Archive store (SQLite file or postgresql:// URI)");

  std::string boilerplate_issuer, boilerplate_add;
  bool boilerplate_json = false;
  std::int64_t boilerplate_reject = 0, boilerplate_confirm = 0;
  CLI::App* boilerplate =
      app.add_subcommand("boilerplate",
                         "Lines learned as boilerplate per issuer (recurring across its records), "
                         "and corrections to them.\n"
                         "Lists id, state (learned, candidate, confirmed, rejected), records seen "
                         "/ records of the issuer,\n"
                         "issuer and line. Learned and confirmed lines are left out of the title "
                         "and body of the issuer's\n"
                         "documents from the next run on (and on reprocess); rejected ones never.");
  boilerplate->add_option("--issuer", boilerplate_issuer,
                          "Only this issuer (list), or the issuer of --add");
  boilerplate->add_flag("--json", boilerplate_json, "One JSON object per line");
  auto* reject_opt =
      boilerplate->add_option("--reject", boilerplate_reject, "Never treat line ID as boilerplate");
  auto* confirm_opt = boilerplate->add_option("--confirm", boilerplate_confirm,
                                              "Always treat line ID as boilerplate");
  auto* add_opt =
      boilerplate->add_option("--add", boilerplate_add, "Add LINE as boilerplate of --issuer");
  reject_opt->excludes(confirm_opt)->excludes(add_opt);
  confirm_opt->excludes(add_opt);
  boilerplate->add_option("--store", store, "Archive store (SQLite file)");
  boilerplate->add_option("--config", config_file,
                          "TOML file overriding the defaults (thresholds)");

  std::int64_t edit_id = 0;
  std::map<std::string, std::string> edits;
  bool edit_reviewed = false;
  CLI::App* edit =
      app.add_subcommand("edit", "Correct a record's fields by hand (kept when reprocessed)");
  edit->add_option("id", edit_id, "Record id")->required();
  for (const char* field :
       {"title", "subtitle", "release-date", "place", "issuer", "language", "document-type"}) {
    std::string key = field;
    std::replace(key.begin(), key.end(), '-', '_');
    edit->add_option_function<std::string>(
        std::string("--") + field, [&edits, key](const std::string& v) { edits[key] = v; },
        std::string("New ") + field);
  }
  edit->add_flag("--reviewed", edit_reviewed, "Clear the review flag: a person checked the record");
  edit->add_option("--store", store, "Archive store (SQLite file or postgresql:// URI)");

  std::string query;
  int limit = 20;
  CLI::App* search = app.add_subcommand("search", "Full-text search over titles and text");
  search->add_option("text", query, "Words to find (all must occur)")->required();
  search->add_option("--store", store, "Archive store (SQLite file or postgresql:// URI)");
  search->add_option("-n,--limit", limit, "Most hits shown")->check(CLI::PositiveNumber);

  ExportRequest export_request;
  bool export_no_images = false;
  CLI::App* export_cmd = app.add_subcommand("export",
                                            "Write records out: JSON Lines or CSV (one file), or "
                                            "METS/MODS packages with ALTO 4.4, page images and a "
                                            "PDF (one folder per record)");
  export_cmd->add_option("--format", export_request.format, "jsonl (default), csv or mets")
      ->check(CLI::IsMember({"jsonl", "csv", "mets"}));
  export_cmd->add_option(
      "-o,--out", export_request.out,
      "Output file for jsonl/csv (default: stdout); the folder for mets (required)");
  export_cmd->add_option("--id", export_request.ids, "Only these records (repeatable)");
  export_cmd->add_option(
      "--since", export_request.since,
      "Only records archived or changed since DATE (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ, UTC)");
  export_cmd->add_flag("--include-failures", export_request.include_failures,
                       "jsonl/csv: add one line per open failure");
  export_cmd->add_flag("--bag", export_request.bag,
                       "mets: write each package as a BagIt bag (RFC 8493)");
  export_cmd->add_flag(
      "--no-images", export_no_images,
      "mets: no page images and no searchable PDF (OCR pages need no source then)");
  export_cmd->add_flag("-q,--quiet", quiet, "No progress display");
  export_cmd->add_option("--store", store, "Archive store (SQLite file or postgresql:// URI)");
  export_cmd->add_option("--config", config_file, "TOML file overriding the defaults");

  std::string listen;
  bool read_only = false;
  std::string token;
  CLI::App* serve = app.add_subcommand(
      "serve", "The archivist's web page: search, records, failures, review, runs");
  serve->add_option("--store", store, "Archive store (SQLite file or postgresql:// URI)");
  serve->add_option("--config", config_file, "TOML file overriding the defaults ([web])");
  serve->add_option("--listen", listen,
                    "HOST:PORT to listen on (default from config: 127.0.0.1:8080)");
  serve->add_flag("--read-only", read_only, "Serve no change at all");
  serve->add_option("--token", token,
                    "Access token for changes (default: config web.token, else a random one)");

  CLI::App* config_cmd =
      app.add_subcommand("config", "Print the effective configuration (TOML, with docs)");
  config_cmd->add_option("--config", config_file, "TOML file overriding the defaults");
  CLI::App* rules_cmd = app.add_subcommand("rules", "Print the metadata rules in effect");
  rules_cmd->add_option("--config", config_file, "TOML file overriding the defaults");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? exit_code::kOk : exit_code::kUsage;
  }

  Result<Config> config = Config::load(config_file);
  if (!config.ok()) {
    return report_error(std::cerr, exit_code::kUsage, config.error().message);
  }
  auto override_setting = [&](const std::string& key, const std::string& value) {
    if (Status s = config->set(key, value); !s.ok()) {
      std::cerr << "pressarchive: " << s.error().message << "\n";
      std::exit(exit_code::kUsage);
    }
  };
  if (!store.empty()) override_setting("ingest.store", store);
  if (jobs >= 0) override_setting("ingest.jobs", std::to_string(jobs));
  if (!lang.empty()) override_setting("ocr.languages", lang);
  if (retry_failed) override_setting("ingest.retry_failed", "true");
  if (!listen.empty()) override_setting("web.listen", listen);
  if (!token.empty()) override_setting("web.token", token);
  Result<Settings> settings = config->settings();
  if (!settings.ok()) {
    return report_error(std::cerr, exit_code::kUsage, "configuration: ", settings.error().message);
  }

  // What ingest and reprocess share: a batch that stops cleanly on SIGINT/SIGTERM.
  const auto batch_request = [&] {
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    IngestRequest request;
    request.config = *config;
    for (int i = 0; i < argc; ++i) request.command_line += (i ? " " : "") + std::string(argv[i]);
    request.show_progress = !quiet;
    request.stop = &g_stop;
    return request;
  };

  try {
    if (*ingest) {
      IngestRequest request = batch_request();
      for (const std::string& p : paths) request.paths.emplace_back(p);
      request.show_stats = stats;
      return conventional(run_ingest(request, std::cout, std::cerr));
    }
    if (*status) return run_status(settings->store, std::cout, std::cerr);
    if (*show) return run_show(settings->store, id, with_text, with_history, std::cout, std::cerr);
    if (*failed)
      return run_failed(settings->store, failed_json, failed_reason, failed_run, std::cout,
                        std::cerr);
    if (*reprocess) {
      if (!reprocess_reason.empty()) {
        selection.reason = reason_from_name(reprocess_reason);
        if (!selection.reason) {
          return report_error(std::cerr, exit_code::kUsage, "unknown reason '", reprocess_reason,
                              "'");
        }
      }
      if (!selection.failed && !selection.reason && selection.since.empty() &&
          selection.record_ids.empty() && selection.failure_ids.empty()) {
        return report_error(std::cerr, exit_code::kUsage,
                            "reprocess needs --failed, --reason, --since, --failure or --id");
      }
      IngestRequest request = batch_request();
      request.reprocess = selection;
      return conventional(run_ingest(request, std::cout, std::cerr));
    }
    if (*enqueue) {
      std::vector<std::filesystem::path> queued(enqueue_paths.begin(), enqueue_paths.end());
      return run_enqueue(*config, queued, batch_request().command_line, std::cout, std::cerr);
    }
    if (*worker) {
      const IngestRequest base = batch_request();
      worker_request.config = base.config;
      worker_request.command_line = base.command_line;
      worker_request.stop = base.stop;
      return conventional(run_worker(worker_request, std::cout, std::cerr));
    }
    if (*review) return run_review(settings->store, std::cout, std::cerr);
    if (*boilerplate) {
      if (*reject_opt || *confirm_opt)
        return run_boilerplate_decide(settings->store,
                                      *reject_opt ? boilerplate_reject : boilerplate_confirm,
                                      static_cast<bool>(*confirm_opt), std::cout, std::cerr);
      if (*add_opt) {
        if (boilerplate_issuer.empty()) {
          return report_error(std::cerr, exit_code::kUsage, "boilerplate --add needs --issuer");
        }
        return run_boilerplate_add(settings->store, boilerplate_issuer, boilerplate_add, std::cout,
                                   std::cerr);
      }
      return run_boilerplate_list(settings->store, settings->learned_boilerplate,
                                  boilerplate_issuer, boilerplate_json, std::cout, std::cerr);
    }
    if (*edit) {
      if (edits.empty() && !edit_reviewed) {
        return report_error(std::cerr, exit_code::kUsage,
                            "edit needs a field to set (e.g. --title) or --reviewed");
      }
      return run_edit(settings->store, edit_id, {edits.begin(), edits.end()}, edit_reviewed,
                      std::cout, std::cerr);
    }
    if (*duplicates) return run_duplicates(settings->store, std::cout, std::cerr);
    if (*search) return run_search(settings->store, query, limit, std::cout, std::cerr);
    if (*export_cmd) {
      export_request.images = !export_no_images;
      export_request.progress = !quiet && export_request.format == "mets";
      return run_export(*settings, export_request, std::cout, std::cerr);
    }
    if (*serve) {
      std::signal(SIGINT, on_signal);
      std::signal(SIGTERM, on_signal);
      ServeRequest request;
      request.settings = *settings;
      request.config_file = config_file;
      request.read_only = read_only;
      request.program = std::filesystem::read_symlink("/proc/self/exe").string();
      request.stop = &g_stop;
      return run_serve(request, std::cout, std::cerr);
    }
    if (*config_cmd) {
      std::cout << config->effective_toml();
      return exit_code::kOk;
    }
    if (*rules_cmd) {
      if (settings->rules_file.empty()) {
        std::cout << builtin_rules_text();
        return exit_code::kOk;
      }
      std::ifstream in(settings->rules_file);
      if (!in) {
        return report_error(std::cerr, exit_code::kUsage, settings->rules_file,
                            ": cannot read the rules file");
      }
      std::cout << in.rdbuf();
      return exit_code::kOk;
    }
  } catch (const std::exception& e) {
    return report_error(std::cerr, exit_code::kInternal, "internal error: ", e.what());
  }
  return exit_code::kUsage;
}
