// The archivist's web page under load (issue #17): an archive of generated records
// (synthetic press releases inserted through the store API: issuers, places and dates
// drawn from skewed distributions, text from a vocabulary with Zipf-like word
// frequencies), served by the real server (stages/web/) while a writer adds to the same
// archive. Prints p50/p95 of
//   search + facet counts  (GET /?q=...; some with a facet or date range chosen)
//   record page + its first page image, each of a record not seen before (cold cache)
// and what the writer did meanwhile, and the load average before and after.
//
//   web_bench [--records N] [--store LOCATION | --postgresql] [--ingest PROGRAM] [--smoke]
//             [--reuse]
//
// --reuse (with --store): the archive holds the generated records already (an earlier
// run's, at 100,000 records a fill of 2 minutes on SQLite and 17 on a busy PostgreSQL):
// no fill, and no record pages (their sources were the earlier run's temporary copies).
// --postgresql: a fresh database on the server PRESSARCHIVE_TEST_PG names
// (tools/pg-test-cluster.sh start), dropped at the end.
// The writer: by default a store writer that archives one generated record every 20 ms
// through its own connection, one transaction each (the store stage's writes without
// the OCR, dedup lookups or CPU of a real ingest). --ingest PROGRAM: the real thing,
// `PROGRAM ingest` of fresh copies of samples/ (unique bytes appended, so none is
// skipped as known), round after round until the requests are done: OCR on every core,
// placement into clusters, the store stage, failures.
//
// Targets (issue #17): search p95 <= 100 ms, record page with first image p95 <= 300 ms.
#include <fcntl.h>
#include <httplib.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <pqxx/pqxx>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "stages/ingest/discover.h"
#include "stages/store/archive_store.h"
#include "stages/store/postgres/pg_store.h"
#include "stages/web/app.h"
#include "stages/web/server.h"

namespace {

using namespace pressarchive;
using Clock = std::chrono::steady_clock;

struct Vocabulary {
  std::vector<std::string> words;
  std::discrete_distribution<int> zipf;
};

Vocabulary make_vocabulary(std::mt19937& rng) {
  static const char* syllables[] = {
      "ber",  "ga",    "stadt", "rat", "haus", "markt", "lin",  "kom",  "mu",   "nal",  "ver",
      "kehr", "schul", "bau",   "amt", "land", "kreis", "bür",  "ger",  "wahl", "plan", "tag",
      "ord",  "nung",  "för",   "der", "mit",  "tel",   "fest", "park", "see",  "wald"};
  Vocabulary v;
  std::uniform_int_distribution<int> pick(0, static_cast<int>(std::size(syllables)) - 1),
      length(2, 4);
  std::vector<double> weights;
  for (int i = 0; i < 5000; ++i) {
    std::string w;
    for (int n = length(rng); n > 0; --n) w += syllables[pick(rng)];
    v.words.push_back(w + std::to_string(i % 7 == 0 ? i : 0).substr(0, i % 7 == 0 ? 4 : 0));
    weights.push_back(1.0 / (i + 1));
  }
  v.zipf = std::discrete_distribution<int>(weights.begin(), weights.end());
  return v;
}

// A source file the record's page image is rendered from: a copy of a sample, made
// unique by bytes after its end (which PDF and PNG readers ignore).
struct SourceFile {
  std::string path;
  std::string sha256;
  std::uintmax_t size = 0;
  SourceFormat format = SourceFormat::kUnknown;
};

SourceFile unique_copy(const std::filesystem::path& sample, const std::filesystem::path& dir,
                       int i) {
  const std::filesystem::path path = dir / (std::to_string(i) + sample.extension().string());
  std::filesystem::copy_file(sample, path, std::filesystem::copy_options::overwrite_existing);
  std::ofstream(path, std::ios::app | std::ios::binary) << "\n% copy " << i << "\n";
  const Discovery found = discover_sources({path});
  const Source& s = found.sources.at(0);
  return {path.string(), s.sha256, s.size, s.format};
}

Record generated(int i, std::mt19937& rng, Vocabulary& v, const SourceFile* source) {
  static const char* issuers[] = {"Stadt Kaiserslautern",
                                  "Stadt Mainz",
                                  "Landkreis Kusel",
                                  "Stadt Trier",
                                  "Universität Kaiserslautern",
                                  "Stadtwerke Mainz",
                                  "Polizeipräsidium Westpfalz",
                                  "Kreisverwaltung Bad Dürkheim",
                                  "Stadt Worms",
                                  "Stadt Speyer"};
  static const char* places[] = {"Kaiserslautern", "Mainz",  "Kusel",  "Trier",
                                 "Worms",          "Speyer", "Landau", "Pirmasens"};
  std::discrete_distribution<int> skew({30, 20, 12, 9, 8, 6, 5, 4, 3, 3});
  Record r;
  char sha[65];
  std::snprintf(sha, sizeof sha, "%064x", i + 1);
  r.sha256 = source ? source->sha256 : sha;
  r.source_paths = {source ? source->path : "/archive/scans/" + std::to_string(i) + ".pdf"};
  r.source_size = source ? source->size : 100000;
  r.format = source ? source->format : SourceFormat::kPdf;
  if (source)
    r.kind = source->format == SourceFormat::kPdf ? RecordKind::kBornDigital : RecordKind::kImage;
  else
    r.kind = i % 3 ? RecordKind::kScanned : RecordKind::kBornDigital;
  const auto sentence = [&](int n) {
    std::string s;
    for (int k = 0; k < n; ++k)
      s += (k ? " " : "") + v.words[static_cast<std::size_t>(v.zipf(rng))];
    return s;
  };
  PageResult page;
  page.number = 1;
  page.method = r.kind == RecordKind::kBornDigital ? PageMethod::kTextLayer : PageMethod::kOcr;
  for (int p = 0; p < 12; ++p) page.text += sentence(25) + ".\n";
  if (page.method == PageMethod::kOcr) page.confidence = 70 + (i % 30);
  r.pages = {page};
  r.text = page.text;
  r.metadata.title = sentence(6);
  r.metadata.issuer = issuers[skew(rng)];
  r.metadata.place = places[skew(rng) % std::size(places)];
  char date[16];
  std::snprintf(date, sizeof date, "%04d-%02d-%02d", 2000 + static_cast<int>(rng() % 25),
                1 + static_cast<int>(rng() % 12), 1 + static_cast<int>(rng() % 28));
  r.metadata.release_date = date;
  r.metadata.language = "de";
  r.metadata.document_type = "press release";
  r.metadata.body = page.text;
  r.needs_review = i % 20 == 0;
  if (r.needs_review) r.review_reasons = {"low OCR confidence"};
  return r;
}

double percentile(std::vector<double> ms, double p) {
  if (ms.empty()) return 0;
  std::sort(ms.begin(), ms.end());
  return ms[static_cast<std::size_t>(p * static_cast<double>(ms.size() - 1) + 0.5)];
}

// The 1-minute load average, as /proc/loadavg has it.
std::string load_average() {
  std::ifstream in("/proc/loadavg");
  std::string one;
  in >> one;
  return one.empty() ? "?" : one;
}

extern "C" char** environ;

// Runs `args` with output to /dev/null; its exit code (-1 when it cannot start).
int run_quietly(std::vector<std::string> args) {
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return -1;
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// Copies of every sample into `dir`, each made unique by bytes after its end; the count.
int fresh_samples(const std::filesystem::path& samples, const std::filesystem::path& dir,
                  int round) {
  std::filesystem::create_directories(dir);
  int n = 0;
  for (const auto& entry : std::filesystem::directory_iterator(samples)) {
    if (!entry.is_regular_file() || entry.path().extension() == ".sh" ||
        entry.path().extension() == ".md" || entry.path().extension() == ".py")
      continue;
    const std::filesystem::path copy = dir / entry.path().filename();
    std::filesystem::copy_file(entry.path(), copy,
                               std::filesystem::copy_options::overwrite_existing);
    std::ofstream(copy, std::ios::app | std::ios::binary) << "\n% round " << round << "\n";
    ++n;
  }
  return n;
}

double timed_get(httplib::Client& client, const std::string& path, int& failures) {
  const auto start = Clock::now();
  const httplib::Result res = client.Get(path.c_str());
  if (!res || res->status != 200) ++failures;
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  int records = 100000, searches = 400, record_pages = 100;
  std::string location, ingest_program;
  bool postgresql = false, reuse = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--smoke")
      records = 2000, searches = 40, record_pages = 10;
    else if (a == "--records" && i + 1 < argc)
      records = std::stoi(argv[++i]);
    else if (a == "--store" && i + 1 < argc)
      location = argv[++i];
    else if (a == "--postgresql")
      postgresql = true;
    else if (a == "--reuse")
      reuse = true;
    else if (a == "--ingest" && i + 1 < argc)
      ingest_program = argv[++i];
    else {
      std::cerr << "usage: web_bench [--records N] [--store LOCATION | --postgresql] [--ingest "
                   "PROGRAM] [--smoke] [--reuse]\n";
      return 2;
    }
  }
  const std::filesystem::path work =
      std::filesystem::temp_directory_path() / ("web_bench-" + std::to_string(getpid()));
  std::filesystem::create_directories(work / "sources");
  std::string pg_server, database;
  if (postgresql) {
    const char* server = std::getenv("PRESSARCHIVE_TEST_PG");
    if (server == nullptr || *server == '\0') {
      std::cerr << "web_bench --postgresql: PRESSARCHIVE_TEST_PG is not set "
                   "(tools/pg-test-cluster.sh start prints a URI)\n";
      return 2;
    }
    pg_server = server;
    database = "web_bench_" + std::to_string(getpid());
    try {
      pqxx::connection admin(pg_server);
      pqxx::nontransaction tx(admin);
      tx.exec("DROP DATABASE IF EXISTS " + database);
      tx.exec("CREATE DATABASE " + database);
    } catch (const std::exception& e) {
      std::cerr << "web_bench: cannot create database " << database << ": " << e.what() << "\n";
      return 1;
    }
    location = with_database(pg_server, database);
  }
  const auto drop_database = [&] {
    if (database.empty()) return;
    try {
      pqxx::connection admin(pg_server);
      pqxx::nontransaction tx(admin);
      tx.exec("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
    } catch (const std::exception& e) {
      std::cerr << "web_bench: cannot drop database " << database << ": " << e.what() << "\n";
    }
  };
  if (location.empty()) location = (work / "archive.db").string();
  std::mt19937 rng(17);
  Vocabulary vocabulary = make_vocabulary(rng);

  auto store = open_store(location);
  if (!store.ok()) {
    std::cerr << store.error().message << "\n";
    return 1;
  }
  const auto fill_start = Clock::now();
  const std::int64_t run = (*store)->begin_run({"web_bench", "web_bench", "", "{}"}).value();
  // The records whose pages are measured have real sources: the scanned and the
  // born-digital sample, alternately.
  const std::filesystem::path samples = std::filesystem::path(PRESSARCHIVE_SOURCE_DIR) / "samples";
  std::vector<std::int64_t> with_source;
  for (int i = 0; i < (reuse ? 0 : records); ++i) {
    std::optional<SourceFile> source;
    if (i % (records / record_pages) == 0 && static_cast<int>(with_source.size()) < record_pages)
      source = unique_copy(
          samples / (with_source.size() % 2 ? "seed-born-digital.pdf" : "seed-scan-clean.png"),
          work / "sources", i);
    Result<std::int64_t> id =
        (*store)->archive_record(generated(i, rng, vocabulary, source ? &*source : nullptr), run);
    if (!id.ok()) {
      std::cerr << id.error().message << "\n";
      return 1;
    }
    if (source) with_source.push_back(*id);
  }
  const double fill_seconds = std::chrono::duration<double>(Clock::now() - fill_start).count();

  web::AppOptions options;
  options.store = location;
  options.cache_dir = work / "cache";
  options.program = "/bin/false";
  auto app = web::App::open(options);
  if (!app.ok()) {
    std::cerr << app.error().message << "\n";
    return 1;
  }
  std::atomic<bool> stop{false};
  std::atomic<int> port{0};
  web::ServerOptions server;
  server.port = 0;
  std::thread serving([&] { (void)web::serve(**app, server, stop, [&](int p) { port = p; }); });
  while (port == 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));

  // Records and open failures, counted the way the search screen counts (status() reads
  // more than the bench needs).
  const auto counts = [&]() -> std::pair<std::int64_t, std::int64_t> {
    BrowseQuery all;
    all.limit = 1;
    std::int64_t failures = 0;
    (void)(*store)->for_each_failure([&](const Failure&) { ++failures; });
    return {(*store)->browse(all).value().total, failures};
  };
  const auto before = counts();
  const std::string load_before = load_average();
  const auto writer_start = Clock::now();
  // The writer beside the server (see the top of this file).
  std::atomic<bool> requests_done{false};
  std::atomic<int> written{0}, rounds{0}, inputs{0}, ingest_errors{0};
  std::thread ingest([&] {
    if (!ingest_program.empty()) {
      for (int round = 0; !requests_done; ++round) {
        const std::filesystem::path dir = work / ("ingest-" + std::to_string(round));
        inputs += fresh_samples(samples, dir, round);
        // 0: all archived; 3: some inputs failed (the broken sample does, every round).
        const int code = run_quietly({ingest_program, "ingest", dir.string(), "--store", location});
        if (code != 0 && code != 3) ++ingest_errors;
        ++rounds;
      }
      return;
    }
    std::mt19937 writer_rng(99);
    auto writer = open_store(location);
    const std::int64_t writer_run =
        (*writer)->begin_run({"web_bench ingest", "web_bench", "", "{}"}).value();
    for (int i = records; !requests_done; ++i) {
      if ((*writer)->archive_record(generated(i, writer_rng, vocabulary, nullptr), writer_run).ok())
        ++written;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });

  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(30, 0);
  int failures = 0;
  std::vector<double> search_ms, record_ms, image_ms;
  // words only; words + issuer chosen; words + date range, newest first; no words (all
  // records, newest first, pages 1-5)
  std::vector<double> search_by_kind[4];
  std::uniform_int_distribution<int> mid(20, 2000), coin(0, 3);
  for (int i = 0; i < searches; ++i) {
    std::string path = "/?q=" + vocabulary.words[static_cast<std::size_t>(mid(rng))];
    if (coin(rng) == 0) path += "+" + vocabulary.words[static_cast<std::size_t>(mid(rng))];
    if (coin(rng) == 1) path += "&issuer=Stadt+Mainz";
    if (coin(rng) == 2) path += "&from=2010-01-01&to=2015-12-31&sort=date";
    if (i % 10 == 0)
      path = "/?page=" + std::to_string(1 + i % 5);  // browsing everything, newest first
    const double ms = timed_get(client, path, failures);
    search_ms.push_back(ms);
    const int kind = i % 10 == 0                                  ? 3
                     : path.find("&from=") != std::string::npos   ? 2
                     : path.find("&issuer=") != std::string::npos ? 1
                                                                  : 0;
    search_by_kind[kind].push_back(ms);
  }
  for (const std::int64_t id : with_source) {
    const std::string base = "/record/" + std::to_string(id);
    const double page = timed_get(client, base + "?q=" + vocabulary.words[3], failures);
    const double image = timed_get(client, base + "/page/1.jpg?w=800", failures);
    record_ms.push_back(page + image);
    image_ms.push_back(image);
  }
  // The runs screen once, with a patient client (it reads the store's status()).
  httplib::Client patient("127.0.0.1", port);
  patient.set_read_timeout(600, 0);
  int runs_failures = 0;
  const double runs_ms = timed_get(patient, "/runs", runs_failures);
  failures += runs_failures;
  const std::string load_after = load_average();
  const double measured_seconds =
      std::chrono::duration<double>(Clock::now() - writer_start).count();
  requests_done = true;
  ingest.join();
  const auto after = counts();
  stop = true;
  serving.join();
  store->reset();
  app->reset();
  drop_database();
  std::error_code ec;
  if (!std::getenv("WEB_BENCH_KEEP"))
    std::filesystem::remove_all(work, ec);
  else
    std::printf("kept %s\n", work.c_str());

  std::printf(
      "web_bench: %s, %lld records at the start (%.0f s to insert%s); load average %s before "
      "the requests, %s after\n",
      is_postgresql_location(location) ? "PostgreSQL" : "SQLite",
      static_cast<long long>(before.first), fill_seconds, reuse ? ", reused" : "",
      load_before.c_str(), load_after.c_str());
  if (ingest_program.empty())
    std::printf(
        "  writer: the store writer, %d records archived one by one (%.0f/s) during the "
        "%.0f s of requests\n",
        written.load(), written.load() / measured_seconds, measured_seconds);
  else
    std::printf(
        "  writer: `pressarchive ingest`, %d round(s) of %d inputs started during the "
        "%.0f s of requests; archive %lld -> %lld records, %lld -> %lld open failures%s\n",
        rounds.load(), rounds.load() ? inputs.load() / rounds.load() : 0, measured_seconds,
        static_cast<long long>(before.first), static_cast<long long>(after.first),
        static_cast<long long>(before.second), static_cast<long long>(after.second),
        ingest_errors.load() ? " (some rounds ended with an error)" : "");
  std::printf(
      "  search + facets            p50 %6.1f ms   p95 %6.1f ms   (%zu requests; target p95 <= 100 "
      "ms)\n",
      percentile(search_ms, 0.5), percentile(search_ms, 0.95), search_ms.size());
  static const char* kKinds[] = {"words only", "words + issuer", "words + date range, by date",
                                 "no words: all records by date"};
  for (int k = 0; k < 4; ++k)
    std::printf("    %-30s p50 %6.1f ms   p95 %6.1f ms   (%zu)\n", kKinds[k],
                percentile(search_by_kind[k], 0.5), percentile(search_by_kind[k], 0.95),
                search_by_kind[k].size());
  std::printf(
      "  record page + first image  p50 %6.1f ms   p95 %6.1f ms   (%zu records, cold cache; target "
      "p95 <= 300 ms)\n",
      percentile(record_ms, 0.5), percentile(record_ms, 0.95), record_ms.size());
  std::printf("    of which the image       p50 %6.1f ms   p95 %6.1f ms\n",
              percentile(image_ms, 0.5), percentile(image_ms, 0.95));
  std::printf("  runs screen (/runs)        %.1f ms (one request%s)\n", runs_ms,
              runs_failures ? ", which failed" : "");
  if (failures) std::printf("  %d request(s) failed\n", failures);
  return failures ? 1 : 0;
}
