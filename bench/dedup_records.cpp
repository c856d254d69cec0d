#include "bench/dedup_records.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <vector>

#include "bench/plain_text_pages.h"
#include "stages/ingest/assemble.h"
#include "stages/metadata/base/rules.h"
#include "stages/metadata/metadata.h"
#include "stages/near_dup/signature_v2.h"

namespace pa = pressarchive;

namespace {

struct RecordPair {
  std::string a, b, expect, form, split;
};

// One text as the pipeline would hold it: pages, metadata, both profiles and key sets.
struct Signed {
  std::string title, release_date;
  pa::BodyProfile v1, v2;
  std::vector<std::uint64_t> keys_v1, keys_v2;
};

bool read_text(const std::string& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::stringstream s;
  s << in.rdbuf();
  out = s.str();
  return true;
}

// Time spent making each version's profile and signature, over all texts.
double seconds_v1 = 0, seconds_v2 = 0;

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

Signed sign(const std::string& text, bool text_layer, const pa::MetadataExtractor& extractor,
            const pa::MinHash& minhash, const pa::NearDuplicateOptions& options) {
  const pa::Record record = pa::assemble_record(
      pa::Source{},
      pa::plain_text_pages(text, text_layer ? pa::PageMethod::kTextLayer : pa::PageMethod::kOcr));
  const pa::Metadata meta = extractor.extract(record.pages);
  Signed s;
  s.title = meta.title;
  s.release_date = meta.release_date;
  const auto started_v1 = std::chrono::steady_clock::now();
  s.v1 = pa::profile_body(meta.body, meta.release_date, options);
  s.keys_v1 = pa::band_keys(minhash.sign(s.v1.shingles), options.bands, options.rows);
  seconds_v1 += seconds_since(started_v1);
  const auto started_v2 = std::chrono::steady_clock::now();
  s.v2 = pa::profile_record_v2(record.text, meta.release_date, options);
  s.keys_v2 = pa::sign_v2(s.v2, minhash, options).band_keys;
  seconds_v2 += seconds_since(started_v2);
  return s;
}

bool share_key(const std::vector<std::uint64_t>& a, const std::vector<std::uint64_t>& b) {
  return std::any_of(a.begin(), a.end(),
                     [&](std::uint64_t k) { return std::find(b.begin(), b.end(), k) != b.end(); });
}

struct Tally {
  int same = 0, predicted_same = 0, true_same = 0, revisions = 0, revisions_found = 0;
  int hard_negatives = 0, merged = 0, different = 0, different_kept = 0;
  std::vector<std::string> mistakes;
  double precision() const { return predicted_same ? double(true_same) / predicted_same : 1.0; }
  double recall() const { return same ? double(true_same) / same : 1.0; }
};

void count(Tally& t, const RecordPair& p, const std::string& got, const std::string& detail) {
  t.same += p.expect == "same";
  t.predicted_same += got == "same";
  t.true_same += p.expect == "same" && got == "same";
  t.revisions += p.expect == "revision";
  t.revisions_found += p.expect == "revision" && got == "revision";
  t.different += p.expect == "different";
  t.different_kept += p.expect == "different" && got == "different";
  if (p.expect != "same") ++t.hard_negatives, t.merged += got == "same";
  if (got != p.expect) t.mistakes.push_back(detail);
}

}  // namespace

bool read_pairs_file(const std::string& dir, std::vector<nlohmann::json>& objects) {
  std::ifstream in(dir + "/pairs.jsonl");
  if (!in) {
    std::fprintf(stderr, "cannot read %s/pairs.jsonl\n", dir.c_str());
    return false;
  }
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    if (!j.is_object()) {
      std::fprintf(stderr, "%s/pairs.jsonl: not a JSON object: %s\n", dir.c_str(), line.c_str());
      return false;
    }
    objects.push_back(std::move(j));
  }
  return true;
}

int evaluate_record_pairs(const std::string& dir, const pa::NearDuplicateOptions& options) {
  std::vector<nlohmann::json> objects;
  if (!read_pairs_file(dir, objects)) return 2;
  std::vector<RecordPair> pairs;
  for (const nlohmann::json& j : objects)
    pairs.push_back({j.value("a", ""), j.value("b", ""), j.value("expect", ""), j.value("form", ""),
                     j.value("split", "")});
  pa::Result<pa::MetadataRules> rules = pa::parse_rules(pa::builtin_rules_text(), "built-in rules");
  if (!rules.ok()) {
    std::fprintf(stderr, "%s\n", rules.error().message.c_str());
    return 2;
  }
  const pa::MetadataExtractor extractor(std::move(*rules));
  const pa::MinHash minhash(options.num_perm);
  std::map<std::string, Signed> signed_texts;
  for (const RecordPair& p : pairs)
    for (const std::string& file : {p.a, p.b}) {
      if (signed_texts.count(file)) continue;
      std::string text;
      if (!read_text(dir + "/" + file, text)) {
        std::fprintf(stderr, "cannot read %s/%s\n", dir.c_str(), file.c_str());
        return 2;
      }
      const bool text_layer = file.find(".born.") != std::string::npos;
      signed_texts[file] = sign(text, text_layer, extractor, minhash, options);
    }

  // How often the header was read wrong: a title that is not the text layer's title, OCR
  // noise aside (under half of its character 4-grams shared).
  const auto other_title = [](const std::string& a, const std::string& b) {
    return pa::jaccard(pa::char_shingles(pa::normalise_for_signature(a), 4),
                       pa::char_shingles(pa::normalise_for_signature(b), 4)) < 0.5;
  };
  std::map<std::string, std::pair<int, int>> misread_titles;  // form -> (wrong, all)
  for (const auto& [file, s] : signed_texts) {
    const std::string release = file.substr(0, file.find('.'));
    const std::string form = file.substr(file.find('.') + 1);
    const auto born = signed_texts.find(release + ".born.txt");
    if (born == signed_texts.end() || form.rfind("dated-", 0) == 0 || form.rfind("born", 0) == 0)
      continue;
    auto& [wrong, all] = misread_titles[form.substr(0, form.find('.'))];
    ++all;
    wrong += other_title(s.title, born->second.title);
  }

  std::map<std::string, Tally> tallies;  // "v1 tuning", "v2 held-out", ...
  // Pairs whose release date metadata read on one copy only, by half and expected verdict:
  // how many, and how many the other copy's date line contradicts (dates_conflict).
  std::map<std::string, std::map<std::string, std::pair<int, int>>> one_date_read;
  for (const RecordPair& p : pairs) {
    const Signed& a = signed_texts.at(p.a);
    const Signed& b = signed_texts.at(p.b);
    for (const int version : {1, 2}) {
      const bool candidate =
          version == 1 ? share_key(a.keys_v1, b.keys_v1) : share_key(a.keys_v2, b.keys_v2);
      const pa::Verdict verdict = version == 1 ? pa::verify_pair(a.v1, b.v1, options)
                                               : pa::verify_pair(a.v2, b.v2, options);
      const std::string got = candidate ? pa::verdict_kind_name(verdict.kind) : "different";
      char detail[768];
      std::snprintf(detail, sizeof detail,
                    "  %-32s %-32s %-26s expected %-9s got %-9s J=%.3f sentence=%.3f dates %s %s%s",
                    p.a.c_str(), p.b.c_str(), p.form.c_str(), p.expect.c_str(), got.c_str(),
                    verdict.score, verdict.sentence_distance,
                    a.release_date.empty() ? "-" : a.release_date.c_str(),
                    b.release_date.empty() ? "-" : b.release_date.c_str(),
                    candidate ? "" : " (not a candidate)");
      count(tallies["v" + std::to_string(version) + " " + p.split], p, got, detail);
    }
    if (a.release_date.empty() != b.release_date.empty()) {
      auto& [pairs_of_kind, contradicted] = one_date_read[p.split][p.expect];
      ++pairs_of_kind;
      contradicted += pa::dates_conflict(a.v2, b.v2, options);
    }
  }

  std::printf("\nrecords %s: %zu texts, %zu pairs; metadata by the built-in rules\n", dir.c_str(),
              signed_texts.size(), pairs.size());
  std::printf("  titles read other than from the text layer:");
  for (const auto& [form, counts] : misread_titles)
    std::printf("  %s %d/%d", form.c_str(), counts.first, counts.second);
  std::printf("\n\n  %-14s %-10s %-20s %-18s %-22s %s\n", "signature", "half", "precision",
              "recall", "hard negatives merged", "revisions found");
  for (const char* version : {"v1", "v2"})
    for (const char* half : {"tuning", "held-out"}) {
      const Tally& t = tallies[std::string(version) + " " + half];
      char precision[32], recall[32], merged[32], revisions[32];
      std::snprintf(precision, sizeof precision, "%.3f (%d/%d)", t.precision(), t.true_same,
                    t.predicted_same);
      std::snprintf(recall, sizeof recall, "%.3f (%d/%d)", t.recall(), t.true_same, t.same);
      std::snprintf(merged, sizeof merged, "%d of %d", t.merged, t.hard_negatives);
      std::snprintf(revisions, sizeof revisions, "%d/%d", t.revisions_found, t.revisions);
      std::printf("  %-14s %-10s %-20s %-18s %-22s %s\n",
                  std::string(version) == "v1" ? "v1 (body)" : "v2 (whole text)", half, precision,
                  recall, merged, revisions);
    }
  std::printf(
      "\n  release date read on one copy only (v2: pairs, of them the other's date line "
      "contradicts it):\n");
  for (const char* half : {"tuning", "held-out"}) {
    std::printf("  %-10s", half);
    for (const auto& [expect, counts] : one_date_read[half])
      std::printf("  %s %d, %d", expect.c_str(), counts.first, counts.second);
    std::printf("\n");
  }
  for (const char* key : {"v1 tuning", "v1 held-out", "v2 tuning", "v2 held-out"}) {
    const Tally& t = tallies[key];
    if (t.mistakes.empty()) continue;
    std::printf("\n  mistakes, %s:\n", key);
    for (const std::string& m : t.mistakes) std::printf("%s\n", m.c_str());
  }
  std::printf(
      "\n  time per text, profile and signature: v1 (body) %.2f ms, v2 (whole text) %.2f ms\n",
      1000 * seconds_v1 / static_cast<double>(signed_texts.size()),
      1000 * seconds_v2 / static_cast<double>(signed_texts.size()));
  const Tally& held_out = tallies["v2 held-out"];
  const bool met = held_out.precision() >= 1.0 && held_out.recall() >= 0.98 && held_out.merged == 0;
  std::printf("\n  held-out half, v2: %s\n", met ? "targets met" : "TARGETS MISSED");
  return met ? 0 : 1;
}
