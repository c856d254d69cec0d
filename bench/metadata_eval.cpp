// Per-field metadata accuracy on the evaluation set (tests/eval), by form, and OCR text
// accuracy (CER) on the corpus scans with ground truth. Prints tables; exits 0.
//
//   build/bench/metadata_eval [--set tests/eval/truth.jsonl] [--cer] [--jobs N]
//                             [--store FILE [--reextract [--rules rules.toml]]]
//
// --store FILE keeps the ingested archive in FILE (it ingests only when FILE does not
// exist yet); --reextract then skips OCR altogether: it loads every record's pages (with
// their lines) from FILE and runs MetadataExtractor::extract on them again, with the
// rules read from --rules (default: config/rules.toml of the source tree, read at run
// time, so a rules change needs no rebuild). OCR of the set takes minutes, this a second.
//
// --config F overlays a pressarchive.toml on the built-in one for the review policy of
// --reextract ([review] thresholds, read at run time).
// --calibrate (on a split set) prints the [confidence] section for rules.toml, made from
// the tuning half only, instead of the trust report. --calibrate-with TRUTH STORE adds a
// development set (another seed of tools/make-trust-set.py, re-extracted from STORE) whose
// every release counts as tuning; repeatable.
// --split NAME evaluates only the releases of that half ("tuning"): every table, the
// mistakes and the trust report then say nothing of the other half, which stays unread
// while rules are tuned.
// --dump FILE writes each evaluated release as a JSON line: its truth beside the fields
// found, their confidence and evidence, and the review reasons.
//
// A field counts as correct when it equals the truth after whitespace and quote
// normalisation; "empty" when the truth has a value and nothing was found; "wrong" when
// a different value was found, or a value where the truth has none (invented).
// Persons are scored by name (precision and recall) and, for the names found, by role.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "bench/trust_report.h"
#include "pipeline/cli/commands.h"
#include "pipeline/config.h"
#include "pipeline/ingest.h"
#include "stages/core/text_util.h"
#include "stages/engines/ocr_lexicon.h"
#include "stages/ingest/assemble.h"
#include "stages/metadata/metadata.h"
#include "stages/store/archive_store.h"

namespace fs = std::filesystem;
using nlohmann::json;
using namespace pressarchive;

namespace {

std::string normalise(std::string s) {
  for (auto [from, to] : {std::pair<std::string, std::string>{"\u2019", "'"},
                          {"\u2018", "'"},
                          {"\u201c", "\""},
                          {"\u201e", "\""},
                          {"\u201d", "\""},
                          {"\u2013", "-"},
                          {"\u2014", "-"}}) {
    for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at))
      s.replace(at, from.size(), to);
  }
  std::string out;
  bool space = false;
  for (char c : s) {
    if (c == ' ' || c == '\n' || c == '\t' || c == '\f') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

// What the evaluation compares: the record's fields as the export writes them, plus
// persons, field confidences and conflicts when they are known.
json metadata_json(const Metadata& m) {
  const auto value = [](const std::string& s) { return s.empty() ? json(nullptr) : json(s); };
  json persons = json::array();
  for (const Person& p : m.persons) persons.push_back({{"name", p.name}, {"role", value(p.role)}});
  return {{"title", value(m.title)},
          {"subtitle", value(m.subtitle)},
          {"release_date", value(m.release_date)},
          {"place", value(m.place)},
          {"issuer", value(m.issuer)},
          {"language", value(m.language)},
          {"document_type", value(m.document_type)},
          {"persons", persons},
          {"confidence", m.confidence},
          {"conflicts", m.conflicts},
          {"body", m.body},
          {"evidence", m.evidence}};
}

void index_by_path(const json& r, const std::vector<std::string>& source_paths,
                   std::map<std::string, json>& by_path) {
  for (const std::string& p : source_paths) by_path[fs::path(p).lexically_normal().string()] = r;
}

// Ingests `paths` into `store` (a fresh temporary archive when `store` is empty, removed
// afterwards; an existing `store` file is used as it is) and returns the exported lines
// by path.
std::map<std::string, json> ingest_and_export(const std::vector<fs::path>& paths, int jobs,
                                              const std::string& languages,
                                              const fs::path& store = {}) {
  const fs::path dir =
      fs::temp_directory_path() / ("pressarchive-eval-" + std::to_string(getpid()));
  const fs::path db = store.empty() ? dir / "eval.db" : store;
  if (store.empty() || !fs::exists(store)) {
    if (store.empty()) fs::create_directories(dir);
    IngestRequest request;
    request.paths = paths;
    request.config = Config::load("").value();
    (void)request.config.set("ingest.store", db.string());
    if (jobs > 0) (void)request.config.set("ingest.jobs", std::to_string(jobs));
    if (!languages.empty()) (void)request.config.set("ocr.languages", languages);
    request.show_progress = false;
    std::ostringstream summary, errors;
    run_ingest(request, summary, errors);
    std::cerr << summary.str();
  } else {
    std::cerr << "using the archive in " << db.string() << " as it is (no ingest)\n";
  }
  std::ostringstream jsonl, ignore;
  run_export(db.string(), "jsonl", "", true, jsonl, ignore);
  std::map<std::string, json> by_path;
  std::istringstream lines(jsonl.str());
  std::string line;
  while (std::getline(lines, line)) {
    json r = json::parse(line);
    std::vector<std::string> sources;
    for (const auto& p : r["source_paths"]) sources.push_back(p.get<std::string>());
    index_by_path(r, sources, by_path);
  }
  if (store.empty()) fs::remove_all(dir);
  return by_path;
}

// Loads every record of `store` with its pages and extracts its metadata again with the
// rules in `rules_file`; no OCR.
std::map<std::string, json> reextract(const fs::path& store, const fs::path& rules_file,
                                      const std::string& config_file) {
  std::map<std::string, json> by_path;
  std::ifstream in(rules_file);
  if (!in) {
    std::cerr << rules_file.string() << ": cannot read the rules file\n";
    std::exit(2);
  }
  std::stringstream text;
  text << in.rdbuf();
  Result<MetadataRules> rules = parse_rules(text.str(), rules_file.string());
  if (!rules.ok()) {
    std::cerr << rules.error().message << "\n";
    std::exit(2);
  }
  Result<Config> config = Config::load(config_file);
  if (!config.ok()) {
    std::cerr << config.error().message << "\n";
    std::exit(2);
  }
  const Settings settings = config->settings().value();
  // The head's words are checked against the dictionaries of the OCR languages, as ingest does.
  const MetadataExtractor extractor(
      std::move(rules.value()), {},
      std::make_shared<const OcrLexicon>(settings.languages, settings.tessdata_dir));
  const ReviewPolicy policy{settings.review_min_ocr_confidence,
                            settings.review_min_field_confidence, settings.review_min_confidence};
  Result<std::unique_ptr<ArchiveStore>> opened = open_store(store.string());
  if (!opened.ok()) {
    std::cerr << opened.error().message << "\n";
    std::exit(4);
  }
  const Status visited = opened.value()->for_each_record([&](const Record& record) {
    Record again = record;
    again.metadata = extractor.extract(record.pages);
    flag_for_review(again, policy);
    json j = metadata_json(again.metadata);
    j["needs_review"] = again.needs_review;
    j["review_reasons"] = again.review_reasons;
    index_by_path(j, record.source_paths, by_path);
  });
  if (!visited.ok()) {
    std::cerr << visited.error().message << "\n";
    std::exit(4);
  }
  return by_path;
}

std::u32string cer_normalise(const std::string& utf8);

// Body CER: the truth body against the extracted one, both normalised.
double body_cer(const std::string& truth, const std::string& got) {
  const std::u32string a = cer_normalise(truth), b = cer_normalise(got);
  return a.empty() ? 0 : static_cast<double>(edit_distance(a, b)) / a.size();
}

struct Tally {
  int correct = 0, empty = 0, wrong = 0, total = 0;
};

std::string lower_name(const json& j) {
  return j.is_string() ? normalise(j.get<std::string>()) : "";
}

struct EvalOptions {
  bool re_extract = false, calibrate = false;
  fs::path rules_file;
  std::string config_file, split;  // split: only the releases of this half; empty: all
  fs::path dump;                   // each evaluated release as a JSON line; empty: none
  // --calibrate-with: development sets (truth, archive) whose every release counts as tuning.
  std::vector<std::pair<fs::path, fs::path>> calibrate_with;
};

void evaluate_metadata(const fs::path& truth_file, int jobs, const fs::path& store,
                       const EvalOptions& options) {
  const bool re_extract = options.re_extract;
  std::vector<json> truth;
  std::ifstream in(truth_file);
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    json t = json::parse(line);
    if (options.split.empty() || t.value("split", "") == options.split) truth.push_back(t);
  }
  std::vector<fs::path> paths;
  const fs::path base = fs::absolute(truth_file).parent_path();
  for (const json& t : truth)
    paths.push_back((base / t["file"].get<std::string>()).lexically_normal());
  if (re_extract && !fs::exists(store)) (void)ingest_and_export(paths, jobs, "", store);
  std::map<std::string, json> got = re_extract
                                        ? reextract(store, options.rules_file, options.config_file)
                                        : ingest_and_export(paths, jobs, "", store);
  if (!options.dump.empty()) {
    std::ofstream dump(options.dump);
    for (std::size_t i = 0; i < truth.size(); ++i) {
      const auto it = got.find(paths[i].string());
      json got_fields = it == got.end() ? json::object() : it->second;
      dump << json{{"truth", truth[i]}, {"got", got_fields}}.dump() << "\n";
    }
  }

  const std::vector<std::string> fields = {"release_date", "title",    "subtitle",     "place",
                                           "issuer",       "language", "document_type"};
  const std::vector<std::string> forms = {"born-digital", "clean-scan", "degraded-scan"};
  std::map<std::string, std::map<std::string, Tally>> tallies;  // field -> form -> tally
  std::vector<std::string> mistakes, conflicts;
  struct ConfidenceBins {
    std::vector<double> correct, empty, wrong;
  };
  std::map<std::string, ConfidenceBins> confidence_bins;
  struct PersonTally {
    int truth = 0, found = 0, name_correct = 0, role_correct = 0;
  } persons_digital, persons_scanned;
  for (std::size_t i = 0; i < truth.size(); ++i) {
    const json& t = truth[i];
    const auto it = got.find(paths[i].string());
    const json r = it == got.end() ? json::object() : it->second;
    for (const std::string& field : fields) {
      std::string expected =
          t.value(field, json()).is_string() ? normalise(t[field].get<std::string>()) : "";
      std::string actual =
          r.contains(field) && r[field].is_string() ? normalise(r[field].get<std::string>()) : "";
      if (field == "document_type" && actual.empty()) actual = "other";
      Tally& tally = tallies[field][t["form"].get<std::string>()];
      ++tally.total;
      if (actual == expected)
        ++tally.correct;
      else if (actual.empty())
        ++tally.empty;
      else
        ++tally.wrong;
      if (actual != expected)
        mistakes.push_back(t["file"].get<std::string>() + "  " + field + ": expected '" + expected +
                           "', got '" + actual + "'");
      const char* confidence_key = r.contains("confidence") ? "confidence" : "field_confidence";
      if (r.contains(confidence_key) && r[confidence_key].contains(field)) {
        const double c = r[confidence_key][field].get<double>();
        ConfidenceBins& bins = confidence_bins[field];
        (actual == expected ? bins.correct : actual.empty() ? bins.empty : bins.wrong).push_back(c);
      }
    }
    if (r.contains("conflicts"))
      for (const auto& c : r["conflicts"])
        conflicts.push_back(t["file"].get<std::string>() + "  " + c.get<std::string>());
    // Persons: by name, then the role of each name found.
    if (!t.contains("persons") || !r.contains("persons")) continue;
    const bool scanned = t["form"] != "born-digital";
    PersonTally& pt = scanned ? persons_scanned : persons_digital;
    std::map<std::string, std::string> expected_roles;
    for (const json& p : t["persons"])
      expected_roles[lower_name(p["name"])] = lower_name(p["role"]);
    pt.truth += static_cast<int>(expected_roles.size());
    for (const json& p : r["persons"]) {
      ++pt.found;
      const std::string name = lower_name(p["name"]), role = lower_name(p["role"]);
      const auto e = expected_roles.find(name);
      if (e == expected_roles.end()) {
        mistakes.push_back(t["file"].get<std::string>() + "  person: not in the truth: '" + name +
                           "' (" + role + ")");
        continue;
      }
      ++pt.name_correct;
      if (e->second == role)
        ++pt.role_correct;
      else
        mistakes.push_back(t["file"].get<std::string>() + "  person role: " + name +
                           ": expected '" + e->second + "', got '" + role + "'");
      expected_roles.erase(e);
    }
    for (const auto& [name, role] : expected_roles)
      mistakes.push_back(t["file"].get<std::string>() + "  person: missed '" + name + "' (" + role +
                         ")");
  }
  std::printf("\nmetadata accuracy on %zu documents (%s)\n", truth.size(), truth_file.c_str());
  std::printf("%-14s", "field");
  for (const std::string& form : forms) std::printf(" | %-22s", form.c_str());
  std::printf(" | %-22s\n", "scanned (clean+degr.)");
  for (const std::string& field : fields) {
    std::printf("%-14s", field.c_str());
    Tally scanned;
    for (const std::string& form : forms) {
      const Tally& t = tallies[field][form];
      std::printf(" | %5.1f%% (%2d empty %2d wrong)", t.total ? 100.0 * t.correct / t.total : 0.0,
                  t.empty, t.wrong);
      if (form != "born-digital") {
        scanned.correct += t.correct, scanned.empty += t.empty, scanned.wrong += t.wrong,
            scanned.total += t.total;
      }
    }
    std::printf(" | %5.1f%% (%2d empty %2d wrong)\n",
                scanned.total ? 100.0 * scanned.correct / scanned.total : 0.0, scanned.empty,
                scanned.wrong);
  }
  for (const auto& [form, pt] :
       {std::pair<std::string, PersonTally>{"born-digital", persons_digital},
        {"scanned", persons_scanned}}) {
    if (pt.truth == 0 && pt.found == 0) continue;
    std::printf(
        "%-14s | %-22s | name precision %5.1f%%  recall %5.1f%%  role correct %5.1f%% of names "
        "found\n",
        "persons", form.c_str(), pt.found ? 100.0 * pt.name_correct / pt.found : 0.0,
        pt.truth ? 100.0 * pt.name_correct / pt.truth : 0.0,
        pt.name_correct ? 100.0 * pt.role_correct / pt.name_correct : 0.0);
  }
  if (!confidence_bins.empty()) {
    const auto mean = [](const std::vector<double>& v) {
      double sum = 0;
      for (double x : v) sum += x;
      return v.empty() ? 0.0 : sum / v.size();
    };
    const auto lowest = [](const std::vector<double>& v) {
      return v.empty() ? 0.0 : *std::min_element(v.begin(), v.end());
    };
    const auto highest = [](const std::vector<double>& v) {
      return v.empty() ? 0.0 : *std::max_element(v.begin(), v.end());
    };
    std::printf(
        "\nconfidence (all forms): mean [min] when correct | mean [max] when wrong | mean when "
        "empty\n");
    for (const std::string& field : fields) {
      const ConfidenceBins& b = confidence_bins[field];
      std::printf("%-14s | %.2f [%.2f] (%2zu) | %.2f [%.2f] (%2zu) | %.2f (%2zu)\n", field.c_str(),
                  mean(b.correct), lowest(b.correct), b.correct.size(), mean(b.wrong),
                  highest(b.wrong), b.wrong.size(), mean(b.empty), b.empty.size());
    }
  }
  if (!conflicts.empty()) {
    std::printf("\nconflicts flagged:\n");
    for (const std::string& c : conflicts) std::printf("  %s\n", c.c_str());
  }
  std::printf("\nmistakes:\n");
  for (const std::string& m : mistakes) std::printf("  %s\n", m.c_str());

  // A split set (tools/make-trust-set.py): the trust report for each half.
  if (std::none_of(truth.begin(), truth.end(), [](const json& t) { return t.contains("split"); }))
    return;
  std::vector<bench::EvaluatedRelease> releases;
  for (std::size_t i = 0; i < truth.size(); ++i) {
    const auto it = got.find(paths[i].string());
    releases.push_back({truth[i], it == got.end() ? json::object() : it->second});
  }
  for (const auto& [more_truth, more_store] : options.calibrate_with) {
    const std::map<std::string, json> more =
        reextract(more_store, options.rules_file, options.config_file);
    const fs::path more_base = fs::absolute(more_truth).parent_path();
    std::ifstream more_in(more_truth);
    for (std::string line; std::getline(more_in, line);) {
      if (line.empty()) continue;
      json t = json::parse(line);
      t["split"] = "tuning";  // a development set: none of it is held out
      const auto it =
          more.find((more_base / t["file"].get<std::string>()).lexically_normal().string());
      releases.push_back({t, it == more.end() ? json::object() : it->second});
    }
  }
  if (options.calibrate)
    bench::print_calibration(releases, normalise);
  else
    bench::print_trust_report(releases, normalise, body_cer);
}

// The corpus README's "normalised" CER: whitespace collapsed, long s, combining e
// umlauts, dashes and curly quotes folded.
std::u32string cer_normalise(const std::string& utf8) {
  std::u32string s;
  for (std::size_t i = 0; i < utf8.size();) {
    const auto c = static_cast<unsigned char>(utf8[i]);
    const int len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : 4;
    char32_t cp = len == 1 ? c : (c & (0x3F >> (len - 1)));
    for (int k = 1; k < len && i + k < utf8.size(); ++k)
      cp = (cp << 6) | (static_cast<unsigned char>(utf8[i + k]) & 0x3F);
    i += len;
    if (cp == U'\u017F') cp = U's';
    if (cp == U'\uA75B') cp = U'r';
    if (cp == U'\u2E17' || cp == U'\u00AD' || cp == U'\u2010' || cp == U'\u2011' ||
        cp == U'\u2012' || cp == U'\u2013' || cp == U'\u2014')
      cp = U'-';
    if (cp == U'\u2018' || cp == U'\u2019' || cp == U'\u201A') cp = U'\'';
    if (cp == U'\u201C' || cp == U'\u201D' || cp == U'\u201E') cp = U'"';
    if (cp == U'\u0364' && !s.empty()) {
      char32_t& base = s.back();
      base = base == U'a'   ? U'ä'
             : base == U'o' ? U'ö'
             : base == U'u' ? U'ü'
             : base == U'A' ? U'Ä'
             : base == U'O' ? U'Ö'
             : base == U'U' ? U'Ü'
                            : base;
      continue;
    }
    if (cp == U' ' || cp == U'\n' || cp == U'\t' || cp == U'\f' || cp == U'\r') {
      if (!s.empty() && s.back() != U' ') s.push_back(U' ');
      continue;
    }
    s.push_back(cp);
  }
  while (!s.empty() && s.back() == U' ') s.pop_back();
  return s;
}

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void evaluate_cer(const fs::path& corpora, int jobs) {
  const json manifest = json::parse(read(corpora / "manifest.json"));
  std::vector<json> files;
  std::vector<fs::path> paths;
  for (const json& f : manifest["files"])
    if (f["gt"].is_string() && (f["kind"] == "image-gt" || f["kind"] == "pdf-scan-gt")) {
      files.push_back(f);
      paths.push_back((corpora / f["path"].get<std::string>()).lexically_normal());
    }
  std::map<std::string, json> got = ingest_and_export(paths, jobs, "");
  std::printf("\nOCR text accuracy (normalised CER) with languages deu+eng on %zu corpus scans\n",
              files.size());
  std::printf("%-52s %-8s %7s %7s  %s\n", "file", "lang", "CER", "max", "");
  int within = 0;
  for (std::size_t i = 0; i < files.size(); ++i) {
    const json& f = files[i];
    std::string gt;
    if (f.contains("gt_pages")) {
      for (const auto& p : f["gt_pages"]) gt += read(corpora / p.get<std::string>()) + "\n";
    } else {
      gt = read(corpora / f["gt"].get<std::string>());
    }
    const auto it = got.find(paths[i].string());
    const std::string text = it == got.end() || !it->second["text"].is_string()
                                 ? ""
                                 : it->second["text"].get<std::string>();
    const std::u32string a = cer_normalise(gt), b = cer_normalise(text);
    const double cer = a.empty() ? 0 : static_cast<double>(edit_distance(a, b)) / a.size();
    const double max = f.value("cer_max", 1.0);
    within += cer <= max;
    std::printf("%-52s %-8s %6.1f%% %6.1f%%  %s\n", f["path"].get<std::string>().c_str(),
                f.value("lang", "").c_str(), 100 * cer, 100 * max, cer <= max ? "ok" : "above");
  }
  std::printf(
      "%d of %zu within cer_max (files marked deu+frk / fra need models this machine does not "
      "have)\n",
      within, files.size());
}

}  // namespace

int main(int argc, char** argv) {
  fs::path set = fs::path(PRESSARCHIVE_SOURCE_DIR) / "tests" / "eval" / "truth.jsonl";
  fs::path store;
  EvalOptions options;
  options.rules_file = fs::path(PRESSARCHIVE_SOURCE_DIR) / "config" / "rules.toml";
  bool cer = false;
  int jobs = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--set" && i + 1 < argc)
      set = argv[++i];
    else if (arg == "--cer")
      cer = true;
    else if (arg == "--jobs" && i + 1 < argc)
      jobs = std::stoi(argv[++i]);
    else if (arg == "--store" && i + 1 < argc)
      store = fs::absolute(argv[++i]);
    else if (arg == "--reextract")
      options.re_extract = true;
    else if (arg == "--calibrate")
      options.calibrate = true;
    else if (arg == "--config" && i + 1 < argc)
      options.config_file = argv[++i];  // over the built-in pressarchive.toml
    else if (arg == "--rules" && i + 1 < argc)
      options.rules_file = argv[++i];
    else if (arg == "--split" && i + 1 < argc)
      options.split = argv[++i];
    else if (arg == "--dump" && i + 1 < argc)
      options.dump = argv[++i];
    else if (arg == "--calibrate-with" && i + 2 < argc) {
      options.calibrate_with.emplace_back(argv[i + 1], fs::absolute(argv[i + 2]));
      i += 2;
    } else {
      std::cerr << "usage: metadata_eval [--set truth.jsonl] [--cer] [--jobs N] [--store FILE "
                   "[--reextract [--rules F] [--config F]]] [--calibrate [--calibrate-with "
                   "TRUTH STORE]...] [--split NAME] [--dump FILE]\n";
      return 2;
    }
  }
  if (options.re_extract && store.empty()) {
    std::cerr << "metadata_eval: --reextract needs --store FILE\n";
    return 2;
  }
  evaluate_metadata(set, jobs, store, options);
  if (cer)
    evaluate_cer(fs::path(PRESSARCHIVE_SOURCE_DIR).parent_path() / "shared" / "corpora", jobs);
  return 0;
}
