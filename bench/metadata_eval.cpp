// Per-field metadata accuracy on the evaluation set (tests/eval), by form, and OCR text
// accuracy (CER) on the corpus scans with ground truth. Prints tables; exits 0.
//
//   build/bench/metadata_eval [--set tests/eval/truth.jsonl] [--cer] [--jobs N]
//
// A field counts as correct when it equals the truth after whitespace and quote
// normalisation; "empty" when the truth has a value and nothing was found; "wrong" when
// a different value was found, or a value where the truth has none (invented).
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "pipeline/commands.h"
#include "pipeline/ingest.h"
#include "stages/text_util.h"

namespace fs = std::filesystem;
using nlohmann::json;
using namespace pressarchive;

namespace {

std::string normalise(std::string s) {
  for (auto [from, to] : {std::pair<std::string, std::string>{"\u2019", "'"}, {"\u2018", "'"}, {"\u201c", "\""},
                          {"\u201e", "\""}, {"\u201d", "\""}, {"\u2013", "-"}, {"\u2014", "-"}}) {
    for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at)) s.replace(at, from.size(), to);
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

// Ingests `paths` into a fresh temporary archive and returns the exported lines by path.
std::map<std::string, json> ingest_and_export(const std::vector<fs::path>& paths, int jobs, const std::string& languages) {
  const fs::path dir = fs::temp_directory_path() / ("pressarchive-eval-" + std::to_string(getpid()));
  fs::create_directories(dir);
  IngestRequest request;
  request.paths = paths;
  request.config = Config::load("").value();
  (void)request.config.set("ingest.store", (dir / "eval.db").string());
  if (jobs > 0) (void)request.config.set("ingest.jobs", std::to_string(jobs));
  if (!languages.empty()) (void)request.config.set("ocr.languages", languages);
  request.show_progress = false;
  std::ostringstream summary, errors, jsonl, ignore;
  run_ingest(request, summary, errors);
  std::cerr << summary.str();
  run_export((dir / "eval.db").string(), "jsonl", "", true, jsonl, ignore);
  std::map<std::string, json> by_path;
  std::istringstream lines(jsonl.str());
  std::string line;
  while (std::getline(lines, line)) {
    json r = json::parse(line);
    for (const auto& p : r["source_paths"]) by_path[fs::path(p.get<std::string>()).lexically_normal().string()] = r;
  }
  fs::remove_all(dir);
  return by_path;
}

struct Tally {
  int correct = 0, empty = 0, wrong = 0, total = 0;
};

void evaluate_metadata(const fs::path& truth_file, int jobs) {
  std::vector<json> truth;
  std::ifstream in(truth_file);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) truth.push_back(json::parse(line));
  std::vector<fs::path> paths;
  for (const json& t : truth) paths.push_back((truth_file.parent_path() / t["file"].get<std::string>()).lexically_normal());
  std::map<std::string, json> got = ingest_and_export(paths, jobs, "");

  const std::vector<std::string> fields = {"release_date", "title", "subtitle", "place", "issuer", "language", "document_type"};
  const std::vector<std::string> forms = {"born-digital", "clean-scan", "degraded-scan"};
  std::map<std::string, std::map<std::string, Tally>> tallies;  // field -> form -> tally
  std::vector<std::string> mistakes;
  for (std::size_t i = 0; i < truth.size(); ++i) {
    const json& t = truth[i];
    const auto it = got.find(paths[i].string());
    const json r = it == got.end() ? json::object() : it->second;
    for (const std::string& field : fields) {
      std::string expected = t.value(field, json()).is_string() ? normalise(t[field].get<std::string>()) : "";
      std::string actual = r.contains(field) && r[field].is_string() ? normalise(r[field].get<std::string>()) : "";
      if (field == "document_type" && actual.empty()) actual = "other";
      Tally& tally = tallies[field][t["form"].get<std::string>()];
      ++tally.total;
      if (actual == expected) ++tally.correct;
      else if (actual.empty()) ++tally.empty;
      else ++tally.wrong;
      if (actual != expected)
        mistakes.push_back(t["file"].get<std::string>() + "  " + field + ": expected '" + expected + "', got '" + actual + "'");
    }
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
      std::printf(" | %5.1f%% (%2d empty %2d wrong)", t.total ? 100.0 * t.correct / t.total : 0.0, t.empty, t.wrong);
      if (form != "born-digital") {
        scanned.correct += t.correct, scanned.empty += t.empty, scanned.wrong += t.wrong, scanned.total += t.total;
      }
    }
    std::printf(" | %5.1f%% (%2d empty %2d wrong)\n", scanned.total ? 100.0 * scanned.correct / scanned.total : 0.0,
                scanned.empty, scanned.wrong);
  }
  std::printf("\nmistakes:\n");
  for (const std::string& m : mistakes) std::printf("  %s\n", m.c_str());
}

// Levenshtein distance over Unicode code points.
std::size_t levenshtein(const std::u32string& a, const std::u32string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

// The corpus README's "normalised" CER: whitespace collapsed, long s, combining e
// umlauts, dashes and curly quotes folded.
std::u32string cer_normalise(const std::string& utf8) {
  std::u32string s;
  for (std::size_t i = 0; i < utf8.size();) {
    const auto c = static_cast<unsigned char>(utf8[i]);
    const int len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : 4;
    char32_t cp = len == 1 ? c : (c & (0x3F >> (len - 1)));
    for (int k = 1; k < len && i + k < utf8.size(); ++k) cp = (cp << 6) | (static_cast<unsigned char>(utf8[i + k]) & 0x3F);
    i += len;
    if (cp == U'\u017F') cp = U's';
    if (cp == U'\uA75B') cp = U'r';
    if (cp == U'\u2E17' || cp == U'\u00AD' || cp == U'\u2010' || cp == U'\u2011' || cp == U'\u2012' || cp == U'\u2013' || cp == U'\u2014') cp = U'-';
    if (cp == U'\u2018' || cp == U'\u2019' || cp == U'\u201A') cp = U'\'';
    if (cp == U'\u201C' || cp == U'\u201D' || cp == U'\u201E') cp = U'"';
    if (cp == U'\u0364' && !s.empty()) {
      char32_t& base = s.back();
      base = base == U'a' ? U'ä' : base == U'o' ? U'ö' : base == U'u' ? U'ü' : base == U'A' ? U'Ä' : base == U'O' ? U'Ö' : base == U'U' ? U'Ü' : base;
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
  std::printf("\nOCR text accuracy (normalised CER) with languages deu+eng on %zu corpus scans\n", files.size());
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
    const std::string text = it == got.end() || !it->second["text"].is_string() ? "" : it->second["text"].get<std::string>();
    const std::u32string a = cer_normalise(gt), b = cer_normalise(text);
    const double cer = a.empty() ? 0 : static_cast<double>(levenshtein(a, b)) / a.size();
    const double max = f.value("cer_max", 1.0);
    within += cer <= max;
    std::printf("%-52s %-8s %6.1f%% %6.1f%%  %s\n", f["path"].get<std::string>().c_str(),
                f.value("lang", "").c_str(), 100 * cer, 100 * max, cer <= max ? "ok" : "above");
  }
  std::printf("%d of %zu within cer_max (files marked deu+frk / fra need models this machine does not have)\n", within, files.size());
}

}  // namespace

int main(int argc, char** argv) {
  fs::path set = fs::path(PRESSARCHIVE_SOURCE_DIR) / "tests" / "eval" / "truth.jsonl";
  bool cer = false;
  int jobs = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--set" && i + 1 < argc) set = argv[++i];
    else if (arg == "--cer") cer = true;
    else if (arg == "--jobs" && i + 1 < argc) jobs = std::stoi(argv[++i]);
    else {
      std::cerr << "usage: metadata_eval [--set truth.jsonl] [--cer] [--jobs N]\n";
      return 2;
    }
  }
  evaluate_metadata(set, jobs);
  if (cer) evaluate_cer(fs::path(PRESSARCHIVE_SOURCE_DIR).parent_path() / "shared" / "corpora", jobs);
  return 0;
}
