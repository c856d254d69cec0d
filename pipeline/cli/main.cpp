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
#include "pipeline/cli/serve.h"
#include "pipeline/config.h"
#include "pipeline/exit_codes.h"
#include "pipeline/ingest.h"
#include "pipeline/report.h"
#include "pipeline/version.h"
#include "pipeline/worker.h"
#include "stages/metadata/base/rules.h"
#include "stages/metadata/learned_boilerplate.h"

namespace {

using namespace pressarchive;

std::atomic<bool> g_stop{false};
std::atomic<int> g_signal{0};

void on_signal(int signal) {
  g_signal.store(signal);
  g_stop.store(true);
  // A second signal of the same kind ends the process at once.
  std::signal(signal, SIG_DFL);
}

void stop_on_signals() {
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
}

// A run stopped by a signal exits the shell's way: 128 + the signal (130 for SIGINT,
// 143 for SIGTERM), after committing what was finished.
int conventional(int code) {
  return code == exit_code::kInterrupted && g_signal.load() != 0 ? 128 + g_signal.load() : code;
}

// Everything the command line can say, filled in by CLI11.
struct CommandLine {
  std::string store, config_file;
  // ingest, reprocess, worker
  std::vector<std::string> paths;
  int jobs = -1;
  std::string lang;
  bool quiet = false, retry_failed = false, stats = false;
  ReprocessSelection selection;
  std::string reprocess_reason;
  std::vector<std::string> enqueue_paths;
  WorkerRequest worker_request;
  // show, failed, search, edit
  std::int64_t id = 0;
  bool with_text = false, with_history = false;
  bool failed_json = false;
  std::string failed_reason;
  std::int64_t failed_run = 0;
  std::string query;
  int limit = 20;
  std::int64_t edit_id = 0;
  std::map<std::string, std::string> edits;
  bool edit_reviewed = false;
  // boilerplate
  std::string boilerplate_issuer, boilerplate_add;
  bool boilerplate_json = false;
  std::int64_t boilerplate_reject = 0, boilerplate_confirm = 0;
  CLI::Option *reject = nullptr, *confirm = nullptr, *add = nullptr;
  // export, serve
  ExportRequest export_request;
  bool export_no_images = false;
  std::string listen, token;
  bool read_only = false;
  // The commands, to see which one was given.
  CLI::App *ingest = nullptr, *status = nullptr, *show = nullptr, *failed = nullptr,
           *reprocess = nullptr, *enqueue = nullptr, *worker = nullptr, *duplicates = nullptr,
           *review = nullptr, *boilerplate = nullptr, *edit = nullptr, *search = nullptr,
           *export_cmd = nullptr, *serve = nullptr, *config = nullptr, *rules = nullptr;
};

void add_store_option(CLI::App* command, CommandLine& c) {
  command->add_option("--store", c.store, "Archive store (SQLite file or postgresql:// URI)");
}

// Options every batch command (ingest, reprocess, worker) takes.
void add_batch_options(CLI::App* command, CommandLine& c) {
  add_store_option(command, c);
  command->add_option("--config", c.config_file, "TOML file overriding the defaults");
  command->add_option("-j,--jobs", c.jobs, "Worker threads (default: one per core)")
      ->check(CLI::NonNegativeNumber);
  command->add_option("-l,--lang", c.lang, "Tesseract languages, e.g. deu+eng");
  command->add_flag("-q,--quiet", c.quiet, "No progress display");
}

void add_batch_commands(CLI::App& app, CommandLine& c) {
  c.ingest =
      app.add_subcommand("ingest", "Archive the PDFs and images found in PATHs (files or folders)");
  c.ingest->add_option("paths", c.paths, "Files or folders to ingest")->required();
  add_batch_options(c.ingest, c);
  c.ingest->add_flag("--retry-failed", c.retry_failed,
                     "Retry inputs that failed in an earlier run");
  c.ingest->add_flag("--stats", c.stats, "Print where the time went, per stage");

  c.reprocess = app.add_subcommand(
      "reprocess",
      "Run failed inputs or archived records again (e.g. after installing a language)");
  ReprocessSelection& selection = c.selection;
  c.reprocess->add_flag("--failed", selection.failed, "Every open failure");
  c.reprocess->add_option("--reason", c.reprocess_reason, "Open failures with this reason");
  c.reprocess->add_option("--since", selection.since,
                          "Open failures recorded at or after this date (YYYY-MM-DD)");
  c.reprocess->add_option("--failure", selection.failure_ids,
                          "Open failures by their id (`failed --json` shows it)");
  c.reprocess->add_option(
      "--id", selection.record_ids,
      "Archived records to re-derive in place (keeps id and manual corrections)");
  c.reprocess->add_flag("--only-failed-pages", selection.only_failed_pages,
                        "With --id: redo just the pages that failed");
  add_batch_options(c.reprocess, c);

  c.enqueue = app.add_subcommand(
      "enqueue", "Queue PATHs (files or folders) for the workers of a PostgreSQL archive");
  c.enqueue->add_option("paths", c.enqueue_paths, "Files or folders to queue")->required();
  c.enqueue->add_option("--store", c.store, "Archive store: postgresql://user@host/db")->required();
  c.enqueue->add_option("--config", c.config_file, "TOML file overriding the defaults");

  c.worker = app.add_subcommand(
      "worker",
      "Take queued jobs from a PostgreSQL archive and archive them (run one per machine)");
  add_batch_options(c.worker, c);
  c.worker->get_option("--store")->required()->description(
      "Archive store: postgresql://user@host/db");
  c.worker->add_option("--name", c.worker_request.name, "Lease owner name (default: host:pid)");
  c.worker->add_flag("--until-empty", c.worker_request.until_empty,
                     "Exit once no job is queued or running");
}

void add_archive_commands(CLI::App& app, CommandLine& c) {
  c.status = app.add_subcommand("status", "Counts by outcome, open failures by reason, last runs");
  add_store_option(c.status, c);

  c.show = app.add_subcommand("show", "One record: fields, sources, pages, confidence");
  c.show->add_option("id", c.id, "Record id")->required();
  add_store_option(c.show, c);
  c.show->add_flag("--text", c.with_text, "Also print the full text");
  c.show->add_flag("--history", c.with_history, "Also print the record's provenance events");

  c.failed = app.add_subcommand("failed", "Open failures with their reasons, newest first");
  c.failed->add_flag("--json", c.failed_json, "One JSON object per line");
  c.failed->add_option("--reason", c.failed_reason,
                       "Only this reason (unreadable, encrypted, too large, ...)");
  c.failed->add_option("--run", c.failed_run, "Only failures of this run");
  add_store_option(c.failed, c);

  c.duplicates = app.add_subcommand("duplicates", "Clusters of records that are the same release");
  add_store_option(c.duplicates, c);

  c.review = app.add_subcommand("review", "Records flagged for review, with the reasons");
  add_store_option(c.review, c);

  c.edit = app.add_subcommand("edit", "Correct a record's fields by hand (kept when reprocessed)");
  c.edit->add_option("id", c.edit_id, "Record id")->required();
  for (const char* field :
       {"title", "subtitle", "release-date", "place", "issuer", "language", "document-type"}) {
    std::string key = field;
    std::replace(key.begin(), key.end(), '-', '_');
    c.edit->add_option_function<std::string>(
        std::string("--") + field,
        [&edits = c.edits, key](const std::string& v) { edits[key] = v; },
        std::string("New ") + field);
  }
  c.edit->add_flag("--reviewed", c.edit_reviewed,
                   "Clear the review flag: a person checked the record");
  add_store_option(c.edit, c);

  c.search = app.add_subcommand("search", "Full-text search over titles and text");
  c.search->add_option("text", c.query, "Words to find (all must occur)")->required();
  add_store_option(c.search, c);
  c.search->add_option("-n,--limit", c.limit, "Most hits shown")->check(CLI::PositiveNumber);
}

void add_boilerplate_command(CLI::App& app, CommandLine& c) {
  c.boilerplate =
      app.add_subcommand("boilerplate",
                         "Lines learned as boilerplate per issuer (recurring across its records), "
                         "and corrections to them.\n"
                         "Lists id, state (learned, candidate, confirmed, rejected), records seen "
                         "/ records of the issuer,\n"
                         "issuer and line. Learned and confirmed lines are left out of the title "
                         "and body of the issuer's\n"
                         "documents from the next run on (and on reprocess); rejected ones never.");
  c.boilerplate->add_option("--issuer", c.boilerplate_issuer,
                            "Only this issuer (list), or the issuer of --add");
  c.boilerplate->add_flag("--json", c.boilerplate_json, "One JSON object per line");
  c.reject = c.boilerplate->add_option("--reject", c.boilerplate_reject,
                                       "Never treat line ID as boilerplate");
  c.confirm = c.boilerplate->add_option("--confirm", c.boilerplate_confirm,
                                        "Always treat line ID as boilerplate");
  c.add =
      c.boilerplate->add_option("--add", c.boilerplate_add, "Add LINE as boilerplate of --issuer");
  c.reject->excludes(c.confirm)->excludes(c.add);
  c.confirm->excludes(c.add);
  c.boilerplate->add_option("--store", c.store, "Archive store (SQLite file)");
  c.boilerplate->add_option("--config", c.config_file,
                            "TOML file overriding the defaults (thresholds)");
}

void add_output_commands(CLI::App& app, CommandLine& c) {
  ExportRequest& request = c.export_request;
  c.export_cmd = app.add_subcommand("export",
                                    "Write records out: JSON Lines or CSV (one file), or "
                                    "METS/MODS packages with ALTO 4.4, page images and a "
                                    "PDF (one folder per record)");
  c.export_cmd->add_option("--format", request.format, "jsonl (default), csv or mets")
      ->check(CLI::IsMember({"jsonl", "csv", "mets"}));
  c.export_cmd->add_option(
      "-o,--out", request.out,
      "Output file for jsonl/csv (default: stdout); the folder for mets (required)");
  c.export_cmd->add_option("--id", request.ids, "Only these records (repeatable)");
  c.export_cmd->add_option(
      "--since", request.since,
      "Only records archived or changed since DATE (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ, UTC)");
  c.export_cmd->add_flag("--include-failures", request.include_failures,
                         "jsonl/csv: add one line per open failure");
  c.export_cmd->add_flag("--bag", request.bag,
                         "mets: write each package as a BagIt bag (RFC 8493)");
  c.export_cmd->add_flag(
      "--no-images", c.export_no_images,
      "mets: no page images and no searchable PDF (OCR pages need no source then)");
  c.export_cmd->add_flag("-q,--quiet", c.quiet, "No progress display");
  add_store_option(c.export_cmd, c);
  c.export_cmd->add_option("--config", c.config_file, "TOML file overriding the defaults");

  c.serve = app.add_subcommand("serve",
                               "The archivist's web page: search, records, failures, review, runs");
  add_store_option(c.serve, c);
  c.serve->add_option("--config", c.config_file, "TOML file overriding the defaults ([web])");
  c.serve->add_option("--listen", c.listen,
                      "HOST:PORT to listen on (default from config: 127.0.0.1:8080)");
  c.serve->add_flag("--read-only", c.read_only, "Serve no change at all");
  c.serve->add_option("--token", c.token,
                      "Access token for changes (default: config web.token, else a random one)");

  c.config = app.add_subcommand("config", "Print the effective configuration (TOML, with docs)");
  c.config->add_option("--config", c.config_file, "TOML file overriding the defaults");
  c.rules = app.add_subcommand("rules", "Print the metadata rules in effect");
  c.rules->add_option("--config", c.config_file, "TOML file overriding the defaults");
}

// The configuration file, with what the command line overrides; nullopt after a message
// when either is wrong.
std::optional<Config> configuration(const CommandLine& c) {
  Result<Config> config = Config::load(c.config_file);
  if (!config.ok()) {
    report_error(std::cerr, exit_code::kUsage, config.error().message);
    return std::nullopt;
  }
  const std::pair<const char*, std::string> overrides[] = {
      {"ingest.store", c.store}, {"ingest.jobs", c.jobs >= 0 ? std::to_string(c.jobs) : ""},
      {"ocr.languages", c.lang}, {"ingest.retry_failed", c.retry_failed ? "true" : ""},
      {"web.listen", c.listen},  {"web.token", c.token}};
  for (const auto& [key, value] : overrides) {
    if (value.empty()) continue;
    if (Status s = config->set(key, value); !s.ok()) {
      report_error(std::cerr, exit_code::kUsage, s.error().message);
      return std::nullopt;
    }
  }
  return std::move(*config);
}

// ingest, reprocess, enqueue, worker: batches that stop cleanly on SIGINT/SIGTERM.
int run_batch_command(CommandLine& c, const Config& config, const std::string& command_line) {
  IngestRequest request;
  request.config = config;
  request.command_line = command_line;
  request.show_progress = !c.quiet;
  request.stop = &g_stop;
  if (*c.enqueue) {
    std::vector<std::filesystem::path> queued(c.enqueue_paths.begin(), c.enqueue_paths.end());
    return run_enqueue(config, queued, command_line, std::cout, std::cerr);
  }
  stop_on_signals();
  if (*c.worker) {
    c.worker_request.config = config;
    c.worker_request.command_line = command_line;
    c.worker_request.stop = &g_stop;
    return conventional(run_worker(c.worker_request, std::cout, std::cerr));
  }
  if (*c.ingest) {
    for (const std::string& p : c.paths) request.paths.emplace_back(p);
    request.show_stats = c.stats;
    return conventional(run_ingest(request, std::cout, std::cerr));
  }
  ReprocessSelection& selection = c.selection;
  if (!c.reprocess_reason.empty()) {
    selection.reason = reason_from_name(c.reprocess_reason);
    if (!selection.reason)
      return report_error(std::cerr, exit_code::kUsage, "unknown reason '", c.reprocess_reason,
                          "'");
  }
  if (!selection.failed && !selection.reason && selection.since.empty() &&
      selection.record_ids.empty() && selection.failure_ids.empty())
    return report_error(std::cerr, exit_code::kUsage,
                        "reprocess needs --failed, --reason, --since, --failure or --id");
  request.reprocess = selection;
  return conventional(run_ingest(request, std::cout, std::cerr));
}

int run_boilerplate_command(const CommandLine& c, const Settings& settings) {
  if (*c.reject || *c.confirm)
    return run_boilerplate_decide(settings.store,
                                  *c.reject ? c.boilerplate_reject : c.boilerplate_confirm,
                                  static_cast<bool>(*c.confirm), std::cout, std::cerr);
  if (*c.add) {
    if (c.boilerplate_issuer.empty())
      return report_error(std::cerr, exit_code::kUsage, "boilerplate --add needs --issuer");
    return run_boilerplate_add(settings.store, c.boilerplate_issuer, c.boilerplate_add, std::cout,
                               std::cerr);
  }
  return run_boilerplate_list(settings.store, settings.learned_boilerplate, c.boilerplate_issuer,
                              c.boilerplate_json, std::cout, std::cerr);
}

int run_rules_command(const Settings& settings) {
  if (settings.rules_file.empty()) {
    std::cout << builtin_rules_text();
    return exit_code::kOk;
  }
  std::ifstream in(settings.rules_file);
  if (!in)
    return report_error(std::cerr, exit_code::kUsage, settings.rules_file,
                        ": cannot read the rules file");
  std::cout << in.rdbuf();
  return exit_code::kOk;
}

// Every command but the batches: they read the archive, or change single records.
int run_archive_command(CommandLine& c, const Config& config, const Settings& settings) {
  const std::string& store = settings.store;
  if (*c.status) return run_status(store, std::cout, std::cerr);
  if (*c.show) return run_show(store, c.id, c.with_text, c.with_history, std::cout, std::cerr);
  if (*c.failed)
    return run_failed(store, c.failed_json, c.failed_reason, c.failed_run, std::cout, std::cerr);
  if (*c.review) return run_review(store, std::cout, std::cerr);
  if (*c.boilerplate) return run_boilerplate_command(c, settings);
  if (*c.edit) {
    if (c.edits.empty() && !c.edit_reviewed)
      return report_error(std::cerr, exit_code::kUsage,
                          "edit needs a field to set (e.g. --title) or --reviewed");
    return run_edit(store, c.edit_id, {c.edits.begin(), c.edits.end()}, c.edit_reviewed, std::cout,
                    std::cerr);
  }
  if (*c.duplicates) return run_duplicates(store, std::cout, std::cerr);
  if (*c.search) return run_search(store, c.query, c.limit, std::cout, std::cerr);
  if (*c.export_cmd) {
    c.export_request.images = !c.export_no_images;
    c.export_request.progress = !c.quiet && c.export_request.format == "mets";
    return run_export(settings, c.export_request, std::cout, std::cerr);
  }
  if (*c.serve) {
    stop_on_signals();
    ServeRequest request;
    request.settings = settings;
    request.config_file = c.config_file;
    request.read_only = c.read_only;
    request.program = std::filesystem::read_symlink("/proc/self/exe").string();
    request.stop = &g_stop;
    return run_serve(request, std::cout, std::cerr);
  }
  if (*c.config) {
    std::cout << config.effective_toml();
    return exit_code::kOk;
  }
  if (*c.rules) return run_rules_command(settings);
  return exit_code::kUsage;
}

}  // namespace

int main(int argc, char** argv) {
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
  CommandLine c;
  app.add_option(
      "--store", c.store,
      "Archive store: SQLite file or postgresql:// URI; default from config: archive.db");
  app.add_option("--config", c.config_file, "TOML file overriding config/pressarchive.toml");
  add_batch_commands(app, c);
  add_archive_commands(app, c);
  add_boilerplate_command(app, c);
  add_output_commands(app, c);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? exit_code::kOk : exit_code::kUsage;
  }

  const std::optional<Config> config = configuration(c);
  if (!config) return exit_code::kUsage;
  Result<Settings> settings = config->settings();
  if (!settings.ok())
    return report_error(std::cerr, exit_code::kUsage, "configuration: ", settings.error().message);
  std::string command_line;
  for (int i = 0; i < argc; ++i) command_line += (i ? " " : "") + std::string(argv[i]);
  try {
    if (*c.ingest || *c.reprocess || *c.enqueue || *c.worker)
      return run_batch_command(c, *config, command_line);
    return run_archive_command(c, *config, *settings);
  } catch (const std::exception& e) {
    return report_error(std::cerr, exit_code::kInternal, "internal error: ", e.what());
  }
}
