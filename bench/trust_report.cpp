#include "bench/trust_report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>

namespace pressarchive::bench {
namespace {

using nlohmann::json;

const std::vector<std::string> kFields = {"title", "subtitle", "release_date",
                                          "place", "issuer",   "language"};
const std::vector<std::string> kKeyFields = {"title", "release_date", "issuer", "place"};
// The targets on the held-out half, in percent.
const std::map<std::string, double> kTargets = {{"title", 97},          {"subtitle", 95},
                                                {"issuer", 97},         {"place", 98},
                                                {"release_date", 99.5}, {"language", 99.5}};
constexpr int kBins = 10;

struct Tally {
  int right = 0, empty = 0, wrong = 0;
  int total() const { return right + empty + wrong; }
  double share() const { return total() ? 100.0 * right / total() : 0.0; }
};

struct Bin {
  int count = 0, right = 0;
  double confidence_sum = 0;
};

struct Half {
  int records = 0, flagged = 0, unflagged_all_key_right = 0, unflagged_key_right = 0,
      unflagged_key_total = 0;
  int with_key_mistake = 0, key_mistake_flagged = 0;
  std::map<std::string, Tally> fields;
  std::map<std::string, std::map<std::string, Tally>> by_layout;  // layout -> field -> tally
  std::map<std::string, int> layout_records;
  std::map<std::string, std::vector<Bin>> reliability;
  std::vector<std::string> missing_not_flagged, wrong_not_flagged;
  std::map<std::string, std::vector<double>> body_cer;  // form -> CER per record
};

std::string text_of(const json& j, const std::string& field, const Normalise& normalise) {
  return j.contains(field) && j[field].is_string() ? normalise(j[field].get<std::string>()) : "";
}

double confidence_of(const json& record, const std::string& field) {
  for (const char* key : {"confidence", "field_confidence"})
    if (record.contains(key) && record[key].contains(field))
      return record[key][field].get<double>();
  return 0.0;
}

Half tally_half(const std::vector<const EvaluatedRelease*>& releases, const Normalise& normalise,
                const Cer& cer) {
  Half h;
  for (const EvaluatedRelease* e : releases) {
    const json& t = e->truth;
    const json& r = e->record;
    const std::string layout = t.value("layout", "?"), file = t.value("file", "?");
    const bool flagged = r.value("needs_review", false);
    ++h.records;
    ++h.layout_records[layout];
    h.flagged += flagged;
    bool all_key_right = true, key_missing = false;
    std::string wrong_fields;
    for (const std::string& field : kFields) {
      const std::string expected = text_of(t, field, normalise),
                        actual = text_of(r, field, normalise);
      const bool right = expected == actual;
      Tally& tally = h.fields[field];
      Tally& by_layout = h.by_layout[layout][field];
      for (Tally* x : {&tally, &by_layout})
        (right ? x->right : actual.empty() ? x->empty : x->wrong)++;
      std::vector<Bin>& bins = h.reliability[field];
      bins.resize(kBins);
      const double c = std::clamp(confidence_of(r, field), 0.0, 1.0);
      Bin& bin = bins[std::min(kBins - 1, static_cast<int>(c * kBins))];
      ++bin.count, bin.right += right, bin.confidence_sum += c;
      if (std::find(kKeyFields.begin(), kKeyFields.end(), field) == kKeyFields.end()) continue;
      if (actual.empty()) key_missing = true;
      if (!right) all_key_right = false, wrong_fields += " " + field;
      if (!flagged) ++h.unflagged_key_total, h.unflagged_key_right += right;
    }
    if (!all_key_right) ++h.with_key_mistake, h.key_mistake_flagged += flagged;
    if (!flagged && all_key_right) ++h.unflagged_all_key_right;
    if (!flagged && key_missing) h.missing_not_flagged.push_back(file);
    if (!flagged && !all_key_right) h.wrong_not_flagged.push_back(file + ":" + wrong_fields);
    if (t.contains("body") && t["body"].is_string() && t.value("form", "") != "degraded-scan")
      h.body_cer[t.value("form", "?")].push_back(
          cer(t["body"].get<std::string>(),
              r.contains("body") && r["body"].is_string() ? r["body"].get<std::string>() : ""));
  }
  return h;
}

double pct(int a, int b) { return b ? 100.0 * a / b : 0.0; }

void print_half(const std::string& name, const Half& h) {
  std::printf("\n== %s half: %d releases ==\n", name.c_str(), h.records);
  std::printf("%-13s %7s %6s %6s\n", "field", "right", "empty", "wrong");
  for (const std::string& f : kFields) {
    const Tally& t = h.fields.at(f);
    std::printf("%-13s %6.1f%% %6d %6d\n", f.c_str(), t.share(), t.empty, t.wrong);
  }
  std::printf("\nright by layout class (%%)\n%-16s %4s", "layout", "n");
  for (const std::string& f : kFields) std::printf(" %12s", f.c_str());
  std::printf("\n");
  for (const auto& [layout, fields] : h.by_layout) {
    std::printf("%-16s %4d", layout.c_str(), h.layout_records.at(layout));
    for (const std::string& f : kFields) std::printf(" %11.1f%%", fields.at(f).share());
    std::printf("\n");
  }
  std::printf("\nreview queue\n");
  std::printf("  flagged for review                      %5.1f%% (%d of %d)\n",
              pct(h.flagged, h.records), h.flagged, h.records);
  const int unflagged = h.records - h.flagged;
  std::printf(
      "  key fields right among the unflagged    %5.1f%% of fields, %5.1f%% of records (%d of "
      "%d)\n",
      pct(h.unflagged_key_right, h.unflagged_key_total), pct(h.unflagged_all_key_right, unflagged),
      h.unflagged_all_key_right, unflagged);
  std::printf("  records with a wrong/missing key field flagged  %5.1f%% (%d of %d)\n",
              pct(h.key_mistake_flagged, h.with_key_mistake), h.key_mistake_flagged,
              h.with_key_mistake);
  std::printf("  records with a missing key field not flagged    %zu\n",
              h.missing_not_flagged.size());
  for (const std::string& f : h.missing_not_flagged) std::printf("    %s\n", f.c_str());
  std::printf("  unflagged records with a wrong key field:");
  for (const std::string& f : h.wrong_not_flagged) std::printf("\n    %s", f.c_str());
  std::printf("%s\n", h.wrong_not_flagged.empty() ? " none" : "");

  std::printf(
      "\nreliability: confidence bin -> records (share right); ECE = mean |confidence - share "
      "right|\n");
  for (const std::string& f : kFields) {
    const std::vector<Bin>& bins = h.reliability.at(f);
    double ece = 0;
    int n = 0;
    std::printf("%-13s", f.c_str());
    for (int b = 0; b < kBins; ++b) {
      if (bins[b].count == 0) continue;
      std::printf(" [%.1f,%.1f) %d (%.0f%%)", b / 10.0, (b + 1) / 10.0, bins[b].count,
                  pct(bins[b].right, bins[b].count));
      ece += std::abs(bins[b].confidence_sum - bins[b].right);
      n += bins[b].count;
    }
    std::printf("  ECE %.3f\n", n ? ece / n : 0.0);
  }
  for (const auto& [form, cers] : h.body_cer) {
    double sum = 0, worst = 0;
    int within = 0;
    for (double c : cers) sum += c, worst = std::max(worst, c), within += c <= 0.002;
    std::printf("body CER %-13s mean %.3f%%  max %.2f%%  <= 0.2%%: %d of %zu\n", form.c_str(),
                cers.empty() ? 0.0 : 100 * sum / cers.size(), 100 * worst, within, cers.size());
  }
}

}  // namespace

void print_calibration(const std::vector<EvaluatedRelease>& releases, const Normalise& normalise,
                       double prior_weight, int min_found) {
  struct Counts {
    int found = 0, right = 0;
  };
  // field -> key -> counts; keys: "" (the field), "label" (evidence), "/ocr" (page kind),
  // "label/ocr" (both).
  std::map<std::string, std::map<std::string, Counts>> seen;
  for (const EvaluatedRelease& e : releases) {
    if (e.truth.value("split", "") != "tuning" || !e.record.contains("evidence")) continue;
    for (const std::string& field : kFields) {
      if (!e.record["evidence"].contains(field)) continue;
      const std::string evidence = e.record["evidence"][field].get<std::string>();
      const std::size_t slash = std::min(evidence.find('/'), evidence.size());
      const bool right = text_of(e.truth, field, normalise) == text_of(e.record, field, normalise);
      for (const std::string& key :
           {std::string(), evidence, evidence.substr(0, slash), evidence.substr(slash)}) {
        Counts& c = seen[field][key];
        ++c.found, c.right += right;
      }
    }
  }
  const auto logit = [](double p) { return std::log(p / (1 - p)); };
  const auto pooled = [&](const Counts& c, double parent) {
    return (c.right + prior_weight * parent) / (c.found + prior_weight);
  };
  std::printf(
      "# [confidence] from the tuning half (metadata_eval --calibrate): the share right of each\n"
      "# class pooled with its parent's as %.0f records; the parent of evidence on a kind of page\n"
      "# is the evidence's share and the page kind's, added as log odds over the field's\n",
      prior_weight);
  for (auto& [field, table] : seen) {
    const Counts all = table[""];
    const double field_share = (all.right + 1.0) / (all.found + 2.0);
    std::printf("[confidence.%s]\n", field.c_str());
    for (const auto& [key, counts] : table) {
      const std::size_t slash = key.find('/');
      if (key.empty() || slash == 0 || counts.found < min_found) continue;
      const double evidence_share = pooled(table[key.substr(0, slash)], field_share);
      double share = evidence_share;
      if (slash != std::string::npos) {
        const double kind_share = pooled(table[key.substr(slash)], field_share);
        const double parent =
            1 / (1 + std::exp(-(logit(evidence_share) + logit(kind_share) - logit(field_share))));
        share = pooled(counts, parent);
      }
      std::printf("\"%s\" = %.3f  # %d of %d right\n", key.c_str(), share, counts.right,
                  counts.found);
    }
  }
}

void print_trust_report(const std::vector<EvaluatedRelease>& releases, const Normalise& normalise,
                        const Cer& cer) {
  std::map<std::string, std::vector<const EvaluatedRelease*>> by_split;
  for (const EvaluatedRelease& e : releases) by_split[e.truth.value("split", "all")].push_back(&e);
  std::vector<std::string> order;
  for (const char* s : {"tuning", "heldout"})
    if (by_split.count(s)) order.push_back(s);
  for (const auto& [s, _] : by_split)
    if (s != "tuning" && s != "heldout") order.push_back(s);
  std::map<std::string, Half> halves;
  for (const std::string& s : order) {
    halves[s] = tally_half(by_split[s], normalise, cer);
    print_half(s, halves[s]);
  }
  std::printf("\n== against the issue's targets (held-out is what counts) ==\n%-40s", "measure");
  for (const std::string& s : order) std::printf(" %10s", s.c_str());
  std::printf("  target\n");
  for (const std::string& f : kFields) {
    std::printf("%-40s", (f + " right").c_str());
    for (const std::string& s : order) std::printf(" %9.1f%%", halves[s].fields.at(f).share());
    std::printf("  >= %.1f%%\n", kTargets.at(f));
  }
  std::printf("%-40s", "key fields right among unflagged (fields)");
  for (const std::string& s : order)
    std::printf(" %9.1f%%", pct(halves[s].unflagged_key_right, halves[s].unflagged_key_total));
  std::printf("  >= 99.5%%\n%-40s", "flagged for review");
  for (const std::string& s : order)
    std::printf(" %9.1f%%", pct(halves[s].flagged, halves[s].records));
  std::printf("  <= 15%%\n%-40s", "missing key field, not flagged");
  for (const std::string& s : order) std::printf(" %10zu", halves[s].missing_not_flagged.size());
  std::printf("  0\n");
}

}  // namespace pressarchive::bench
