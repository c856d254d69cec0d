// `pressarchive boilerplate`: what the archive learned as boilerplate per issuer, and the
// archivist's corrections to it.
#include <filesystem>
#include <nlohmann/json.hpp>
#include <ostream>

#include "pipeline/cli/commands.h"
#include "pipeline/exit_codes.h"
#include "pipeline/report.h"
#include "pipeline/version.h"
#include "stages/core/text_util.h"
#include "stages/metadata/learned_boilerplate.h"
#include "stages/store/archive_store.h"

namespace pressarchive {
namespace {

// What a line is now: confirmed and rejected as the archivist said; a counted line is
// "learned" when it passes the thresholds, a "candidate" when it does not (yet).
std::string state_now(const BoilerplateLine& line, const LearnedBoilerplateOptions& options) {
  if (line.state != BoilerplateState::kCounted) return boilerplate_state_name(line.state);
  return is_boilerplate(line, options) ? "learned" : "candidate";
}

std::string agent() { return std::string("archivist via pressarchive ") + kVersion; }

}  // namespace

int run_boilerplate_list(const std::string& store_path, const LearnedBoilerplateOptions& options,
                         const std::string& issuer, bool as_json, std::ostream& out,
                         std::ostream& err) {
  auto store = open_existing_store(store_path);
  if (!store.ok()) {
    return report_store_error(err, store.error());
  }
  Result<std::vector<BoilerplateLine>> lines = (*store)->boilerplate_lines(options.min_records);
  if (!lines.ok()) {
    return report_store_error(err, lines.error());
  }
  std::size_t shown = 0;
  for (const BoilerplateLine& line : *lines) {
    if (!issuer.empty() && lower_utf8(line.issuer) != lower_utf8(issuer)) continue;
    ++shown;
    if (as_json) {
      out << nlohmann::json{{"id", line.id},
                            {"issuer", valid_utf8(line.issuer)},
                            {"line", valid_utf8(line.line)},
                            {"records", line.records},
                            {"issuer_records", line.issuer_records},
                            {"state", state_now(line, options)},
                            {"in_effect", is_boilerplate(line, options)}}
                 .dump()
          << "\n";
    } else {
      out << line.id << "\t" << state_now(line, options) << "\t" << line.records << "/"
          << line.issuer_records << "\t" << valid_utf8(line.issuer) << "\t" << valid_utf8(line.line)
          << "\n";
    }
  }
  if (!as_json)
    err << shown
        << " line(s); boilerplate are the learned and confirmed ones. Change with `pressarchive "
        << "boilerplate --reject ID`, `--confirm ID` or `--add LINE --issuer I`; takes effect at "
           "the next run "
        << "(and on `reprocess`).\n";
  return exit_code::kOk;
}

int run_boilerplate_decide(const std::string& store_path, std::int64_t id, bool confirm,
                           std::ostream& out, std::ostream& err) {
  auto store = open_existing_store(store_path);
  if (!store.ok()) {
    return report_store_error(err, store.error());
  }
  const BoilerplateState state =
      confirm ? BoilerplateState::kConfirmed : BoilerplateState::kRejected;
  Result<bool> found = (*store)->set_boilerplate_state(id, state, agent());
  if (!found.ok()) {
    return report_store_error(err, found.error());
  }
  if (!*found) {
    return report_error(err, exit_code::kNotFound, "no boilerplate line ", id,
                        " (see `pressarchive boilerplate`)");
  }
  out << "boilerplate line " << id << ": " << boilerplate_state_name(state) << "\n";
  return exit_code::kOk;
}

int run_boilerplate_add(const std::string& store_path, const std::string& issuer,
                        const std::string& line, std::ostream& out, std::ostream& err) {
  const std::string key = boilerplate_line_key(line);
  if (trim(issuer).empty() || key.empty()) {
    return report_error(err, exit_code::kUsage,
                        "boilerplate --add needs a line with letters or digits and --issuer");
  }
  auto store = open_existing_store(store_path);
  if (!store.ok()) {
    return report_store_error(err, store.error());
  }
  Result<std::int64_t> id = (*store)->add_boilerplate_line(trim(issuer), key, trim(line), agent());
  if (!id.ok()) {
    return report_store_error(err, id.error());
  }
  out << "boilerplate line " << *id << ": confirmed for '" << trim(issuer) << "'\n";
  return exit_code::kOk;
}

}  // namespace pressarchive
