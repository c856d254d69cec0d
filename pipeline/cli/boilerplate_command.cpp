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
#include "stages/store/boilerplate_decisions.h"

namespace pressarchive {
namespace {

std::string agent() { return std::string("archivist via pressarchive ") + kVersion; }

}  // namespace

int run_boilerplate_list(const std::string& store_path, const LearnedBoilerplateOptions& options,
                         const std::string& issuer, bool as_json, std::ostream& out,
                         std::ostream& err) {
  auto store = open_existing_store(store_path);
  if (!store.ok()) {
    return report_store_error(err, store.error());
  }
  Result<std::vector<BoilerplateLine>> lines = boilerplate_lines_of(**store, options, issuer);
  if (!lines.ok()) {
    return report_store_error(err, lines.error());
  }
  for (const BoilerplateLine& line : *lines) {
    if (as_json) {
      out << nlohmann::json{{"id", line.id},
                            {"issuer", valid_utf8(line.issuer)},
                            {"line", valid_utf8(line.line)},
                            {"records", line.records},
                            {"issuer_records", line.issuer_records},
                            {"state", boilerplate_state_now(line, options)},
                            {"in_effect", is_boilerplate(line, options)}}
                 .dump()
          << "\n";
    } else {
      out << line.id << "\t" << boilerplate_state_now(line, options) << "\t" << line.records << "/"
          << line.issuer_records << "\t" << valid_utf8(line.issuer) << "\t" << valid_utf8(line.line)
          << "\n";
    }
  }
  if (!as_json)
    err << lines->size()
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
  Result<bool> found = decide_boilerplate_line(**store, id, confirm, agent());
  if (!found.ok()) {
    return report_store_error(err, found.error());
  }
  if (!*found) {
    return report_error(err, exit_code::kNotFound, "no boilerplate line ", id,
                        " (see `pressarchive boilerplate`)");
  }
  out << "boilerplate line " << id << ": " << (confirm ? "confirmed" : "rejected") << "\n";
  return exit_code::kOk;
}

int run_boilerplate_add(const std::string& store_path, const std::string& issuer,
                        const std::string& line, std::ostream& out, std::ostream& err) {
  auto store = open_existing_store(store_path);
  if (!store.ok()) {
    return report_store_error(err, store.error());
  }
  Result<std::int64_t> id = add_boilerplate(**store, issuer, line, agent());
  if (!id.ok() && id.error().reason == Reason::kUnsupported) {
    return report_error(err, exit_code::kUsage, "boilerplate --add: ", id.error().message);
  }
  if (!id.ok()) {
    return report_store_error(err, id.error());
  }
  out << "boilerplate line " << *id << ": confirmed for '" << trim(issuer) << "'\n";
  return exit_code::kOk;
}

}  // namespace pressarchive
