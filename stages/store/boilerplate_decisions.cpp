#include "stages/store/boilerplate_decisions.h"

#include "stages/core/text_util.h"

namespace pressarchive {

Result<std::vector<BoilerplateLine>> boilerplate_lines_of(ArchiveStore& store,
                                                          const LearnedBoilerplateOptions& options,
                                                          const std::string& issuer) {
  Result<std::vector<BoilerplateLine>> lines = store.boilerplate_lines(options.min_records);
  if (!lines.ok() || issuer.empty()) return lines;
  const std::string wanted = lower_utf8(issuer);
  std::vector<BoilerplateLine> of_issuer;
  for (BoilerplateLine& line : *lines)
    if (lower_utf8(line.issuer) == wanted) of_issuer.push_back(std::move(line));
  return of_issuer;
}

Result<bool> decide_boilerplate_line(ArchiveStore& store, std::int64_t id, bool confirm,
                                     const std::string& agent) {
  return store.set_boilerplate_state(
      id, confirm ? BoilerplateState::kConfirmed : BoilerplateState::kRejected, agent);
}

Result<std::int64_t> add_boilerplate(ArchiveStore& store, const std::string& issuer,
                                     const std::string& line, const std::string& agent) {
  const std::string key = boilerplate_line_key(line);
  if (trim(issuer).empty() || key.empty())
    return make_error(Reason::kUnsupported,
                      "a boilerplate line needs letters or digits, and an issuer");
  return store.add_boilerplate_line(trim(issuer), key, trim(line), agent);
}

}  // namespace pressarchive
